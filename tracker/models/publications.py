"""Published versions of press releases: what the public press page shows (issue 15, docs/press.md).

One row per publishing of a release (an event's or a series' press text) in one language. Its title and body
and the facts the public page prints (kicker, dateline, lead: date, place, who presided) are frozen copies
made when it was published, so a later edit of the :class:`~tracker.models.reports.Report` or of the event
changes nothing public until the release is published again. Nothing about invitations, answers or
attendance is ever copied here.

Rows are never deleted by the application: unpublishing marks the latest row ``withdrawn_at``; publishing
again adds a new row with the next ``number``. ``live`` is true on the one row per key and language the
public page shows (the latest, not withdrawn) while its subject is fit for the press (an event scheduled or
held, a series with such an event: ``tracker.reports.publishing.shown``), so the public list reads an index,
whatever the history.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .constraints import in_range
from .types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from .users import User


def publication_key(subject: str, subject_id: int) -> str:
    """The stable key of a release in public addresses: ``event-12`` or ``series-3`` (the same in every
    language and every version)."""
    return f"{subject}-{subject_id}"


class ReleasePublication(Model):
    """One published version of the press release of an event or a series in one language."""

    __tablename__ = "release_publications"
    __table_args__ = (
        UniqueConstraint("key", "language", "number"),
        CheckConstraint("(event_id IS NULL) <> (series_id IS NULL)", name="one_subject"),
        in_range("number", 1, name="number_positive"),
        # The public list and feed: the live rows of a language, newest first.
        Index("ix_release_publications_listing", "language", "live", "id"),
        # The feed's ``updated`` also moves when a release is withdrawn.
        Index("ix_release_publications_withdrawals", "language", "withdrawn_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"), index=True)
    #: :func:`publication_key` of the subject: the public address ``/press/<language>/<key>/``.
    key: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(8))
    #: 1 for the first publishing of this key in this language, then 2, 3 …
    number: Mapped[int] = mapped_column()
    #: The ``Report.version`` the frozen body was taken from.
    report_version: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(Text)
    kicker: Mapped[str] = mapped_column(Text, default="")
    dateline: Mapped[str] = mapped_column(Text, default="")
    lead: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text)
    #: First day the release covers (the event's, or the series' first event's), for the public list.
    first_day: Mapped[date | None] = mapped_column(Date)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The row the public page shows for this key and language.
    live: Mapped[bool] = mapped_column(default=False)

    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])

    def __repr__(self) -> str:
        return f"<ReleasePublication {self.key}/{self.language} #{self.number}>"
