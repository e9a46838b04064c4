"""Feed caches: each event's serialized VEVENT, and each feed's last body beside its validators

``event_components`` keeps an event's VEVENT as feeds write it, per variant (the builder's settings and the
builder itself); rows are deleted in the transaction that changes what they show, their event's deletion
included (no foreign key: see ``models.feeds.EventComponent``).
``feed_validators.body`` keeps the zlib-compressed body built from the row's ``state_key``, so a full GET
whose key is unchanged serves it without building. Both start empty: the next request of each feed builds
and stores them. Downgrading drops both.

Revision ID: 5f6071829304
Revises: 4e5f60718293
Create Date: 2026-11-30 05:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5f6071829304"
down_revision = "4e5f60718293"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "event_components",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("variant", sa.String(length=64), nullable=False),
        sa.Column("edition", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "variant", name=op.f("pk_event_components")),
    )
    with op.batch_alter_table("feed_validators", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body", sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table("feed_validators", schema=None) as batch_op:
        batch_op.drop_column("body")
    op.drop_table("event_components")
