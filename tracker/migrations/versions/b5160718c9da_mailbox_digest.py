"""Mailbox messages are taken once per Message-ID *and content* (issue 14 review)

``mailbox_messages.digest`` holds the sha256 (hex) of the calendar part as received (or of the whole message when
it had none to read); the unique key becomes (message_id, digest), so a different reply reusing a Message-ID is
taken as new while the same message read twice still counts once. Existing rows get the digest of the calendar
part they kept ("" when none was kept). Downgrading fails while two rows share a Message-ID.

Revision ID: b5160718c9da
Revises: a40506b7c8d9
Create Date: 2026-12-09 12:00:00
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b5160718c9da"
down_revision = "a40506b7c8d9"
branch_labels = None
depends_on = None

#: SQLite rebuilds the table from its reflection; the tables its foreign keys name need no reflecting.
BATCH = {"reflect_kwargs": {"resolve_fks": False}}


def upgrade():
    with op.batch_alter_table("mailbox_messages", **BATCH) as batch_op:
        batch_op.add_column(sa.Column("digest", sa.String(length=64), nullable=False, server_default=""))
    bind = op.get_bind()
    table = sa.table("mailbox_messages", sa.column("id", sa.Integer()), sa.column("calendar", sa.LargeBinary()),
                     sa.column("digest", sa.String()))
    rows = bind.execute(sa.select(table.c.id, table.c.calendar).where(table.c.calendar.is_not(None))).all()
    for row in rows:
        bind.execute(table.update().where(table.c.id == row.id)
                     .values(digest=hashlib.sha256(bytes(row.calendar)).hexdigest()))
    with op.batch_alter_table("mailbox_messages", **BATCH) as batch_op:
        batch_op.alter_column("digest", server_default=None)
        batch_op.drop_constraint(op.f("uq_mailbox_messages_message_id"), type_="unique")
        batch_op.create_unique_constraint(op.f("uq_mailbox_messages_message_id_digest"), ["message_id", "digest"])


def downgrade():
    with op.batch_alter_table("mailbox_messages", **BATCH) as batch_op:
        batch_op.drop_constraint(op.f("uq_mailbox_messages_message_id_digest"), type_="unique")
        batch_op.create_unique_constraint(op.f("uq_mailbox_messages_message_id"), ["message_id"])
        batch_op.drop_column("digest")
