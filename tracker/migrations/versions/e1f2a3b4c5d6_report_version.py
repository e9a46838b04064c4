"""A version on press texts: the same optimistic lock as invitations.

``reports.version`` is SQLAlchemy's ``version_id_col``: every UPDATE carries the version it read, so a
save based on an older text (a stale editor, or two saves racing) changes nothing and is refused.
Existing texts start at 1.

Revision ID: e1f2a3b4c5d6
Revises: d9a4e5f6b7c8
Create Date: 2026-11-29 22:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e1f2a3b4c5d6'
down_revision = 'd9a4e5f6b7c8'
branch_labels = None
depends_on = None

#: SQLite rebuilds the table from its reflection; the tables its foreign keys name need no reflecting
#: (``users`` holds an expression index SQLAlchemy warns about), as in d9a4e5f6b7c8.
BATCH = {"reflect_kwargs": {"resolve_fks": False}}


def upgrade():
    with op.batch_alter_table('reports', schema=None, **BATCH) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        # The condition in_range() writes (tracker/models/constraints.py), named as b7e1c2a9d4f0 names checks.
        batch_op.create_check_constraint(
            batch_op.f('ck_reports_version_positive'), 'version IS NULL OR version >= 1'
        )


def downgrade():
    with op.batch_alter_table('reports', schema=None, **BATCH) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_reports_version_positive'), type_='check')
        batch_op.drop_column('version')
