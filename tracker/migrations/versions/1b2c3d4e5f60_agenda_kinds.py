"""Agenda kinds for a ceremony's real run-of-show: opening, national anthem, award, closing

The CHECK constraint on ``agenda_items.kind`` now also allows ``opening``, ``anthem``, ``award`` and
``closing``. Wreaths and flowers stay one kind (``wreath_laying``, "Wreath or flower laying"); ``screening``
stays for the rows that use it. Upgrading changes no row. Downgrading turns the new kinds into ``other`` (the
items, their titles and times are kept) and restores the old list.

Revision ID: 1b2c3d4e5f60
Revises: f6a7b8c9d0e1
Create Date: 2026-11-30 01:30:00

The lists are frozen here, not imported, so this migration does the same thing whatever the code becomes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "1b2c3d4e5f60"
down_revision = "f6a7b8c9d0e1"
branch_labels = None
depends_on = None

OLD_KINDS = ("silence", "speech", "wreath_laying", "exhibition_review", "screening", "other")
NEW_KINDS = (
    "opening", "anthem", "silence", "speech", "wreath_laying", "exhibition_review", "screening", "award",
    "closing", "other",
)
ADDED_KINDS = tuple(kind for kind in NEW_KINDS if kind not in OLD_KINDS)


def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _replace_check(kinds: tuple[str, ...]) -> None:
    # Batch mode: SQLite cannot alter a constraint, so the table is rebuilt with the new one. Its foreign keys
    # are copied as they are, without reflecting the tables they point to (users' expression indexes).
    with op.batch_alter_table("agenda_items", schema=None, reflect_kwargs={"resolve_fks": False}) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_agenda_items_kind"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_agenda_items_kind"), f"kind IN ({_sql_list(kinds)})")


def upgrade():
    _replace_check(NEW_KINDS)


def downgrade():
    op.execute(sa.text(f"UPDATE agenda_items SET kind = 'other' WHERE kind IN ({_sql_list(ADDED_KINDS)})"))
    _replace_check(OLD_KINDS)
