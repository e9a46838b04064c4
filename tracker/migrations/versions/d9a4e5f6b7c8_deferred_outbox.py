"""Outbox messages that wait to be composed: ``raw`` may be NULL, and a ``recipe`` for their composer.

Bulk rounds (invitations, reminders, updates, cancellations) queue one row per unit without composing it;
the mail worker composes it later (``tracker.mail.deferred``).

Revision ID: d9a4e5f6b7c8
Revises: c4d8f1a2b3e6
Create Date: 2025-01-20 12:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd9a4e5f6b7c8'
down_revision = 'c4d8f1a2b3e6'
branch_labels = None
depends_on = None


#: SQLite rebuilds the table from its reflection; the tables its foreign keys name need no reflecting
#: (theirs hold expression indexes SQLAlchemy warns about).
BATCH = {"reflect_kwargs": {"resolve_fks": False}}


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None, **BATCH) as batch_op:
        batch_op.add_column(sa.Column('recipe', sa.JSON(), nullable=True))
        batch_op.alter_column('raw', existing_type=sa.LargeBinary(), nullable=True)


def downgrade():
    # The previous code cannot compose a message: refuse rather than lose the ones still waiting.
    waiting = op.get_bind().execute(sa.text('SELECT COUNT(*) FROM outbox_messages WHERE raw IS NULL')).scalar()
    if waiting:
        raise RuntimeError(
            f'{waiting} outbox message(s) wait to be composed: run "flask --app tracker mail send" '
            'before downgrading'
        )
    with op.batch_alter_table('outbox_messages', schema=None, **BATCH) as batch_op:
        batch_op.alter_column('raw', existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column('recipe')
