"""Rendered pages kept for their next reader (``tracker.pagecache``)

``page_cache`` holds the HTML of a page under the key of everything it was built from, with the content
generation it was built from (compared when read, so not indexed); rows whose minute is long gone are removed
whenever a page is stored. Starts empty; downgrading drops it.
``feed_generations`` gets its second row (the pages' count, id 2), and both rows are created if missing.

Revision ID: 6071829304a5
Revises: 5f6071829304
Create Date: 2026-11-30 05:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "6071829304a5"
down_revision = "5f6071829304"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "page_cache",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_page_cache")),
    )
    op.create_index(op.f("ix_page_cache_stored_at"), "page_cache", ["stored_at"])
    # Both content counts exist from now on (feeds: id 1, pages: id 2): a feed storing VEVENTs locks its row, and
    # a first commit could not be waited for on a row that is not there yet.
    for counter in (1, 2):
        op.execute(sa.text(
            "INSERT INTO feed_generations (id, generation) SELECT :id, 0 "
            "WHERE NOT EXISTS (SELECT 1 FROM feed_generations WHERE id = :id)"
        ).bindparams(id=counter))


def downgrade():
    op.execute(sa.text("DELETE FROM feed_generations WHERE id = 2"))
    op.drop_index(op.f("ix_page_cache_stored_at"), table_name="page_cache")
    op.drop_table("page_cache")
