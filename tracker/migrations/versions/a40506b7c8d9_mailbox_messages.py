"""Calendar messages from the organiser's mailbox (issue 14)

``mailbox_messages`` holds one row per calendar message taken from the organiser's mailbox (a REPLY applied or
refused, a COUNTER kept as a proposal, a REFRESH answered): its Message-ID (unique, so a message read twice is
taken once), when it was received, the sender, the method, the outcome, the reason in every site language, the UID
and the event it named (set to NULL when the event is deleted), the calendar part (to apply a refused reply by
hand), a summary of what changed, and who applied it by hand and when. Starts empty; downgrading drops it.

Revision ID: a40506b7c8d9
Revises: 930405b6c7d8
Create Date: 2026-12-08 12:00:00

The lists in the CHECK constraints are frozen here, not imported.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a40506b7c8d9"
down_revision = "930405b6c7d8"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mailbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.JSON(), nullable=False),
        sa.Column("uid", sa.String(length=255), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("calendar", sa.LargeBinary(), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("handled_by_id", sa.Integer(), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "method IS NULL OR method IN ('REPLY', 'COUNTER', 'REFRESH')", name=op.f("ck_mailbox_messages_method")
        ),
        sa.CheckConstraint(
            "outcome IN ('applied', 'refused', 'proposal', 'refreshed')", name=op.f("ck_mailbox_messages_outcome")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_mailbox_messages_event_id_events"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["handled_by_id"], ["users.id"], name=op.f("fk_mailbox_messages_handled_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailbox_messages")),
        sa.UniqueConstraint("message_id", name=op.f("uq_mailbox_messages_message_id")),
    )
    op.create_index(op.f("ix_mailbox_messages_event_id"), "mailbox_messages", ["event_id"])
    op.create_index(op.f("ix_mailbox_messages_received_at"), "mailbox_messages", ["received_at"])


def downgrade():
    op.drop_index(op.f("ix_mailbox_messages_received_at"), table_name="mailbox_messages")
    op.drop_index(op.f("ix_mailbox_messages_event_id"), table_name="mailbox_messages")
    op.drop_table("mailbox_messages")
