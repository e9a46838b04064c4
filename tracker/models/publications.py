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

Each version of an event's release also freezes its photos (:class:`ReleasePublicationPhoto`): which ones, in
which order, the lead, and the caption and credit line in the version's language. The public page shows and
serves only those, so an upload or a re-captioning reaches it only by publishing again. Deleting a photo is the
one change that is immediate (a takedown): its frozen rows go with it by the foreign key's cascade.
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
    from .photos import EventPhoto
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
    #: The photos frozen with this version, in the release's order (the lead first).
    photos: Mapped[list[ReleasePublicationPhoto]] = relationship(
        order_by="ReleasePublicationPhoto.position", cascade="all, delete-orphan", passive_deletes=True,
        back_populates="publication",
    )

    def __repr__(self) -> str:
        return f"<ReleasePublication {self.key}/{self.language} #{self.number}>"


class ReleasePublicationPhoto(Model):
    """One photo frozen with a published version: its place in the release (1 is the lead, on top), and its
    caption and credit line as the release printed them in the version's language.

    Goes with its version, and with its photo when that is deleted (the one change to the public page that does
    not wait for publishing again: a takedown). The picture's files are the photo's own (made once at upload,
    never changed), so only what staff can edit afterwards is copied here."""

    __tablename__ = "release_publication_photos"
    __table_args__ = (
        UniqueConstraint("publication_id", "position"),
        in_range("position", 1, name="position_positive"),
    )

    #: The foreign key is named by hand: the naming convention's name would be longer than PostgreSQL's 63.
    publication_id: Mapped[int] = mapped_column(
        ForeignKey("release_publications.id", ondelete="CASCADE", name="fk_release_publication_photos_publication"),
        primary_key=True)
    #: Indexed: the public photo address looks its photo up here, and a photo's deletion cascades through it.
    photo_id: Mapped[int] = mapped_column(ForeignKey("event_photos.id", ondelete="CASCADE"), primary_key=True,
                                          index=True)
    #: 1-based place in the release's order (``tracker.photos.services.release_order``: the lead first).
    position: Mapped[int]
    #: The photo the release opened with (position 1 when frozen).
    is_lead: Mapped[bool] = mapped_column(default=False)
    #: The caption in the version's language as the release showed it (else the primary language's); may be empty.
    caption: Mapped[str] = mapped_column(Text, default="")
    #: The credit line in the version's language ("Photo: …"); empty without a credit.
    credit: Mapped[str] = mapped_column(Text, default="")

    publication: Mapped[ReleasePublication] = relationship(back_populates="photos")
    photo: Mapped[EventPhoto] = relationship()

    def __repr__(self) -> str:
        return f"<ReleasePublicationPhoto {self.publication_id}/{self.photo_id} #{self.position}>"
