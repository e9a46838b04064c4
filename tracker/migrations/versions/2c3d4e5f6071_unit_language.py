"""Per-unit language: everything sent to a unit (emails, their .ics, its feed) is written in ``units.language``

``units.language`` is a language code (``az``, ``ru``, ``en``), NOT NULL. Existing units get ``az``, the
agency's primary language (the server default); the code is not checked by the database: the directory
service checks it against the site's languages, and readers fall back to the primary language for a code the
site no longer offers. Downgrading drops the column (emails then follow ``TRACKER_MAIL_LANGUAGE`` again).

Revision ID: 2c3d4e5f6071
Revises: 1b2c3d4e5f60
Create Date: 2026-11-30 02:40:00

The default is frozen here, not read from the settings, so this migration does the same thing whatever the
installation's configuration becomes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "2c3d4e5f6071"
down_revision = "1b2c3d4e5f60"
branch_labels = None
depends_on = None

PRIMARY_LANGUAGE = "az"


def upgrade():
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=8), server_default=PRIMARY_LANGUAGE, nullable=False)
        )


def downgrade():
    # Batch mode: SQLite rebuilds the table without the column. Its foreign keys are copied as they are, without
    # reflecting the tables they point to (users' expression indexes).
    with op.batch_alter_table("units", schema=None, reflect_kwargs={"resolve_fks": False}) as batch_op:
        batch_op.drop_column("language")
    # On SQLite the rebuild cannot copy an expression index (b7e1c2a9d4f0's): make it again.
    op.execute("CREATE UNIQUE INDEX IF NOT EXISTS ix_units_lower_code ON units (lower(code))")
