"""Series, events and their agendas."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from enum import StrEnum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String, Text, Time
from sqlalchemy.ext.mutable import MutableList
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import timemath
from ..bounds import AGENDA_DURATION
from ..extensions import Model
from .constraints import in_range, one_of
from .types import TranslatableMixin, UTCDateTime, utcnow

if TYPE_CHECKING:
    from .invitations import Invitation
    from .people import Person, Venue
    from .users import User


class EventKind(StrEnum):
    """What sort of event this is; printed as the iCalendar CATEGORIES."""

    CEREMONY = "ceremony"
    COMMEMORATION = "commemoration"
    EXHIBITION = "exhibition"
    MEETING = "meeting"
    OTHER = "other"


class EventStatus(StrEnum):
    """Where an event is in its life."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


class AgendaKind(StrEnum):
    """What happens in one agenda item, in the order a ceremony usually runs (forms list them so)."""

    OPENING = "opening"
    ANTHEM = "anthem"
    SILENCE = "silence"
    SPEECH = "speech"
    #: Wreaths or flowers: one act in a ceremony's programme, whichever is laid.
    WREATH_LAYING = "wreath_laying"
    EXHIBITION_REVIEW = "exhibition_review"
    SCREENING = "screening"
    AWARD = "award"
    CLOSING = "closing"
    OTHER = "other"


def new_event_uid() -> str:
    """A globally unique, never-changing iCalendar UID."""
    return f"{uuid.uuid4()}@tracker"


class Series(TranslatableMixin, Model):
    """Events held together, e.g. "Events for the 20th anniversary of …"."""

    TEXT_FIELDS = ("title", "description")
    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    #: The day remembered (e.g. 1992-02-26); anniversaries are counted from its year.
    commemorated_on: Mapped[date | None] = mapped_column(Date)
    #: Stable UID of the yearly remembrance-day event in calendar exports.
    uid: Mapped[str] = mapped_column(String(120), unique=True, default=new_event_uid)

    events: Mapped[list[Event]] = relationship(back_populates="series", order_by="Event.starts_at")

    def anniversary(self, year: int) -> int | None:
        """Which anniversary falls in ``year`` (20 for 2012 when the date is in 1992), if any."""
        if self.commemorated_on is None or year <= self.commemorated_on.year:
            return None
        return year - self.commemorated_on.year

    def __repr__(self) -> str:
        return f"<Series {self.id} {self.title!r}>"


class Event(TranslatableMixin, Model):
    """A ceremony, commemoration, exhibition or meeting."""

    TEXT_FIELDS = ("title", "description")
    __tablename__ = "events"
    __table_args__ = (
        one_of("kind", EventKind),
        one_of("status", EventStatus),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        in_range("sequence", 0, name="sequence_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default=EventKind.CEREMONY)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id", ondelete="SET NULL"), index=True)
    #: First instant (UTC). For an exhibition with daily hours: the first day's opening.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    #: Last instant (UTC), after ``starts_at``. For an exhibition with daily hours: the last day's closing.
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: IANA zone the event happens in; times are shown in it.
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Baku")
    #: Whole days without times (``starts_at``/``ends_at`` are local midnights, end exclusive).
    all_day: Mapped[bool] = mapped_column(default=False)
    #: Daily opening hours (local) of a multi-day event, e.g. 09:00–18:00.
    daily_opens: Mapped[time | None] = mapped_column(Time)
    daily_closes: Mapped[time | None] = mapped_column(Time)
    status: Mapped[str] = mapped_column(String(20), default=EventStatus.DRAFT, index=True)
    presiding_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    #: Languages the event's materials are in, e.g. ``["az", "ru", "en"]``.
    languages: Mapped[list[str]] = mapped_column(MutableList.as_mutable(JSON), default=list)
    #: Answers are accepted until this instant; empty means until the event starts.
    answer_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Listed in the public calendar feed ``/calendar.ics``.
    public: Mapped[bool] = mapped_column(default=False)
    #: iCalendar UID; never changes, so calendars update the event in place.
    uid: Mapped[str] = mapped_column(String(120), unique=True, default=new_event_uid)
    #: iCalendar SEQUENCE; grows on every change a calendar must see.
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)

    series: Mapped[Series | None] = relationship(back_populates="events")
    venue: Mapped[Venue | None] = relationship()
    presiding: Mapped[Person | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="event", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )

    @property
    def zone(self) -> ZoneInfo:
        """The event's time zone."""
        return ZoneInfo(self.timezone)

    @property
    def local_start(self) -> datetime:
        """Start in the event's zone."""
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self) -> datetime:
        """End in the event's zone."""
        return self.ends_at.astimezone(self.zone)

    @property
    def local_days(self) -> tuple[date, date]:
        """First and last day the event touches in its zone (an end at midnight belongs to the day before)."""
        return timemath.local_days(self.starts_at, self.ends_at, self.zone)

    @property
    def has_daily_hours(self) -> bool:
        """Open at the same hours on each of several days (an exhibition)."""
        return self.daily_opens is not None and self.daily_closes is not None

    @property
    def anniversary(self) -> int | None:
        """Which anniversary of the series' commemorated date this event marks."""
        return self.series.anniversary(self.local_start.year) if self.series else None

    @property
    def answers_close_at(self) -> datetime:
        """When answers stop being accepted: the deadline, or the start."""
        return self.answer_deadline or self.starts_at

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title!r}>"


class AgendaItem(TranslatableMixin, Model):
    """One step of a ceremony's programme."""

    TEXT_FIELDS = ("title",)
    __tablename__ = "agenda_items"
    __table_args__ = (
        one_of("kind", AgendaKind),
        in_range("position", 1, name="position_positive"),
        in_range("duration_minutes", AGENDA_DURATION.low, AGENDA_DURATION.high),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: 1-based order within the event; kept gap-free by the agenda services.
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(30), default=AgendaKind.OTHER)
    title: Mapped[str] = mapped_column(String(300))
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    #: Planned local start time; when empty, the item follows the one before it.
    planned_start: Mapped[time | None] = mapped_column(Time)
    duration_minutes: Mapped[int | None]
    notes: Mapped[str] = mapped_column(Text, default="")

    event: Mapped[Event] = relationship(back_populates="agenda")
    speaker: Mapped[Person | None] = relationship()

    def __repr__(self) -> str:
        return f"<AgendaItem {self.event_id}#{self.position} {self.kind}>"
