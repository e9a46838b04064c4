"""Published release versions (issue 15)

``release_publications`` holds one row per publishing of a press release (an event's or a series' press text)
in one language: the frozen title, body and public facts (kicker, dateline, lead, first day), who published it
and when, the version ``number`` per key and language, a withdrawal marker, and ``live`` on the row the public
press page shows. Rows are never deleted by the application (see docs/press.md). Starts empty; downgrading
drops it.

Revision ID: e8493a41fc2d
Revises: d7382930eb1c
Create Date: 2026-11-30 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e8493a41fc2d"
down_revision = "d7382930eb1c"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "release_publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("series_id", sa.Integer(), nullable=True),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("report_version", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("kicker", sa.Text(), nullable=False),
        sa.Column("dateline", sa.Text(), nullable=False),
        sa.Column("lead", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("live", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "(event_id IS NULL) <> (series_id IS NULL)", name=op.f("ck_release_publications_one_subject")
        ),
        sa.CheckConstraint(
            "number IS NULL OR number >= 1", name=op.f("ck_release_publications_number_positive")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_release_publications_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["series_id"], ["series.id"], name=op.f("fk_release_publications_series_id_series"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["users.id"], name=op.f("fk_release_publications_published_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["withdrawn_by_id"], ["users.id"], name=op.f("fk_release_publications_withdrawn_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_release_publications")),
        sa.UniqueConstraint(
            "key", "language", "number", name=op.f("uq_release_publications_key_language_number")
        ),
    )
    op.create_index(op.f("ix_release_publications_event_id"), "release_publications", ["event_id"])
    op.create_index(op.f("ix_release_publications_series_id"), "release_publications", ["series_id"])
    op.create_index(op.f("ix_release_publications_published_by_id"), "release_publications", ["published_by_id"])
    op.create_index(op.f("ix_release_publications_withdrawn_by_id"), "release_publications", ["withdrawn_by_id"])
    op.create_index("ix_release_publications_listing", "release_publications", ["language", "live", "id"])
    op.create_index("ix_release_publications_withdrawals", "release_publications", ["language", "withdrawn_at"])
    op.create_table(
        "release_publication_photos",
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("photo_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_lead", sa.Boolean(), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("credit", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "position IS NULL OR position >= 1", name=op.f("ck_release_publication_photos_position_positive")
        ),
        sa.ForeignKeyConstraint(
            ["publication_id"], ["release_publications.id"],
            name="fk_release_publication_photos_publication", ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["photo_id"], ["event_photos.id"], name=op.f("fk_release_publication_photos_photo_id_event_photos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("publication_id", "photo_id", name=op.f("pk_release_publication_photos")),
        sa.UniqueConstraint(
            "publication_id", "position", name=op.f("uq_release_publication_photos_publication_id_position")
        ),
    )
    op.create_index(
        op.f("ix_release_publication_photos_photo_id"), "release_publication_photos", ["photo_id"]
    )


def downgrade():
    op.drop_index(op.f("ix_release_publication_photos_photo_id"), table_name="release_publication_photos")
    op.drop_table("release_publication_photos")
    op.drop_index("ix_release_publications_withdrawals", table_name="release_publications")
    op.drop_index("ix_release_publications_listing", table_name="release_publications")
    op.drop_index(op.f("ix_release_publications_withdrawn_by_id"), table_name="release_publications")
    op.drop_index(op.f("ix_release_publications_published_by_id"), table_name="release_publications")
    op.drop_index(op.f("ix_release_publications_series_id"), table_name="release_publications")
    op.drop_index(op.f("ix_release_publications_event_id"), table_name="release_publications")
    op.drop_table("release_publications")
