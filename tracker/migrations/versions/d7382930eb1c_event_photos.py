"""Event photos (issue 15)

``event_photos``: the photos of an event (order, lead, in-release flag, caption per language, credit, original
name, content hash, dimensions, who uploaded them and when). No index keeps one lead per event: the services
pick the lead deterministically (two people choosing one at once must not fail).
``photo_files``: the stored sizes of each photo (thumb, web, print, full) with their bytes when the database
backend keeps them. Both start empty; downgrading drops them with their photos.

Revision ID: d7382930eb1c
Revises: c6271829daeb
Create Date: 2026-11-30 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d7382930eb1c"
down_revision = "c6271829daeb"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "event_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_lead", sa.Boolean(), nullable=False),
        sa.Column("in_release", sa.Boolean(), nullable=False),
        sa.Column("caption", sa.String(length=1000), nullable=False),
        sa.Column("credit", sa.String(length=200), nullable=False),
        sa.Column("original_filename", sa.String(length=255), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.CheckConstraint("position IS NULL OR position >= 1", name=op.f("ck_event_photos_position_positive")),
        sa.CheckConstraint("width IS NULL OR width >= 1", name=op.f("ck_event_photos_width_positive")),
        sa.CheckConstraint("height IS NULL OR height >= 1", name=op.f("ck_event_photos_height_positive")),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_event_photos_event_id_events"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_event_photos_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_photos")),
        sa.UniqueConstraint("event_id", "content_hash", name=op.f("uq_event_photos_event_id_content_hash")),
    )
    with op.batch_alter_table("event_photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_photos_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_photos_created_by_id"), ["created_by_id"], unique=False)

    op.create_table(
        "photo_files",
        sa.Column("photo_id", sa.Integer(), nullable=False),
        sa.Column("size", sa.String(length=10), nullable=False),
        sa.Column("media_type", sa.String(length=40), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.CheckConstraint("size IN ('thumb', 'web', 'print', 'full')", name=op.f("ck_photo_files_size")),
        sa.ForeignKeyConstraint(["photo_id"], ["event_photos.id"], name=op.f("fk_photo_files_photo_id_event_photos"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("photo_id", "size", name=op.f("pk_photo_files")),
    )


def downgrade():
    op.drop_table("photo_files")
    with op.batch_alter_table("event_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_photos_created_by_id"))
        batch_op.drop_index(batch_op.f("ix_event_photos_event_id"))
    op.drop_table("event_photos")
