"""Feed validators: per calendar feed, the ETag last served and when that body was first served.

Last-Modified used to be the newest ``Event.updated_at``, which an agenda, venue, speaker or invitation
change does not touch: a client sending only If-Modified-Since got 304 for a changed body. Now a feed's
Last-Modified moves forward whenever its body's ETag changes (``tracker.calendar.services``).

Revision ID: f6a7b8c9d0e1
Revises: e1f2a3b4c5d6
Create Date: 2026-11-29 22:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f6a7b8c9d0e1'
down_revision = 'e1f2a3b4c5d6'
branch_labels = None
depends_on = None


def upgrade():
    # A new table needs no batch mode: SQLite creates it like any other database.
    op.create_table(
        'feed_validators',
        sa.Column('feed', sa.String(length=80), nullable=False),
        sa.Column('etag', sa.String(length=128), nullable=False),
        sa.Column('last_modified', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('feed', name=op.f('pk_feed_validators')),
    )


def downgrade():
    # Nothing is lost: the next request of each feed starts its validators afresh.
    op.drop_table('feed_validators')
