"""Feed state keys: a conditional request to a feed is answered without building its body

``feed_generations`` holds one row counting the commits that changed stored content (see
``tracker.models.feeds``); ``feed_validators.state_key`` records what each stored ETag was built from (that
generation, the settings, the builder). Existing validators get no key (NULL): their next request builds the
body once and records it. Downgrading drops both; the validators keep their ETag and Last-Modified.

Revision ID: 4e5f60718293
Revises: 3d4e5f607182
Create Date: 2026-11-30 04:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "4e5f60718293"
down_revision = "3d4e5f607182"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "feed_generations",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_generations")),
    )
    with op.batch_alter_table("feed_validators", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state_key", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("feed_validators", schema=None) as batch_op:
        batch_op.drop_column("state_key")
    op.drop_table("feed_generations")
