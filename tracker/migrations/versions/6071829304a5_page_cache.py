"""Rendered pages kept for their next reader (``tracker.pagecache``)

``page_cache`` holds the HTML of a page under the key of everything it was built from; rows of a passed
content generation or minute are removed whenever a page is stored. Starts empty; downgrading drops it.

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
    op.create_index(op.f("ix_page_cache_generation"), "page_cache", ["generation"])
    op.create_index(op.f("ix_page_cache_stored_at"), "page_cache", ["stored_at"])


def downgrade():
    op.drop_index(op.f("ix_page_cache_stored_at"), table_name="page_cache")
    op.drop_index(op.f("ix_page_cache_generation"), table_name="page_cache")
    op.drop_table("page_cache")
