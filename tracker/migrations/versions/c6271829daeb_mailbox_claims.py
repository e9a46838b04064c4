"""Mailbox move claims (issue 14)

``mailbox_claims`` holds one row per message a mailbox fetcher claimed to take and move: the folder (sha256 of
``user@host:port/folder``), UIDVALIDITY and UID as the key, the holder's random token (``owner``: renewal and
release only by it, a takeover gives a new one), and when it was claimed (indexed: rows go after a day).
Replaces the ``$TrackerMove`` keyword claimed with a conditional STORE, which Dovecot let two sessions win at
once. Starts empty; downgrading drops it.

Revision ID: c6271829daeb
Revises: b5160718c9da
Create Date: 2026-11-30 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c6271829daeb"
down_revision = "b5160718c9da"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mailbox_claims",
        sa.Column("mailbox", sa.String(length=64), nullable=False),
        sa.Column("uid_validity", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("uid", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("owner", sa.String(length=32), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("mailbox", "uid_validity", "uid", name=op.f("pk_mailbox_claims")),
    )
    op.create_index(op.f("ix_mailbox_claims_claimed_at"), "mailbox_claims", ["claimed_at"])


def downgrade():
    op.drop_index(op.f("ix_mailbox_claims_claimed_at"), table_name="mailbox_claims")
    op.drop_table("mailbox_claims")
