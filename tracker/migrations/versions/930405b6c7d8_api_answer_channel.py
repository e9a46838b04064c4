"""Answers through the API: the answer channel ``api``

The CHECK constraints on ``invitations.answered_via`` and ``audit_entries.via`` now also allow ``api`` (an answer
given through the JSON API by the token's owner, issue 13). Upgrading changes no row. Downgrading turns ``api``
into ``page`` (a signed-in user answered; who it was stays recorded) and restores the old lists.

Revision ID: 930405b6c7d8
Revises: 82930405b6c7
Create Date: 2026-12-01 12:00:00

The lists are frozen here, not imported, so this migration does the same thing whatever the code becomes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "930405b6c7d8"
down_revision = "82930405b6c7"
branch_labels = None
depends_on = None

OLD_CHANNELS = ("page", "link", "on_behalf", "calendar")
NEW_CHANNELS = (*OLD_CHANNELS, "api")

#: (table, column) of every answer channel.
COLUMNS = (("invitations", "answered_via"), ("audit_entries", "via"))


def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _replace_checks(channels: tuple[str, ...]) -> None:
    # Batch mode: SQLite cannot alter a constraint, so the table is rebuilt with the new one. Its foreign keys
    # are copied as they are, without reflecting the tables they point to (users' expression indexes).
    for table, column in COLUMNS:
        with op.batch_alter_table(table, schema=None, reflect_kwargs={"resolve_fks": False}) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"ck_{table}_{column}"), type_="check")
            batch_op.create_check_constraint(
                batch_op.f(f"ck_{table}_{column}"), f"{column} IS NULL OR {column} IN ({_sql_list(channels)})"
            )


def upgrade():
    _replace_checks(NEW_CHANNELS)


def downgrade():
    op.execute(sa.text("UPDATE invitations SET answered_via = 'page' WHERE answered_via = 'api'"))
    op.execute(sa.text("UPDATE audit_entries SET via = 'page' WHERE via = 'api'"))
    _replace_checks(OLD_CHANNELS)
