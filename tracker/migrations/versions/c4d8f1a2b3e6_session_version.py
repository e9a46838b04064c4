"""session version on users

Every session and remember cookie carries the account's session version; raising it ends them all
(sign-out, password change or reset, deactivation).

Revision ID: c4d8f1a2b3e6
Revises: b7e1c2a9d4f0
Create Date: 2026-11-25 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4d8f1a2b3e6'
down_revision = 'b7e1c2a9d4f0'
branch_labels = None
depends_on = None


def upgrade():
    # Existing accounts start at 0; their sessions (made before versions existed) are refused once.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
    # On SQLite the batch rebuilds the table and cannot copy an expression index (b7e1c2a9d4f0's): make it again.
    op.execute("CREATE UNIQUE INDEX IF NOT EXISTS ix_users_lower_email ON users (lower(email))")
