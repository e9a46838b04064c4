"""The time maths every area shares: wall-clock instants, local days, occupied spans, agenda times.

Pure functions on datetimes and on anything shaped like an event or an agenda item (see the protocols):
no Flask, no database, so events, calendar files, reports and the bounds checks compute the same answer
and a test calls them directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Generic, Protocol, TypeVar, cast
from zoneinfo import ZoneInfo

__all__ = [
    "AgendaSlot",
    "RunOfShowEntry",
    "Schedule",
    "agenda_schedule",
    "as_zone",
    "last_local_day",
    "local_days",
    "local_instant",
    "occupied_spans",
    "schedules_overlap",
]


def as_zone(zone: str | ZoneInfo) -> ZoneInfo:
    """``zone`` as a :class:`ZoneInfo` (a name is looked up)."""
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)


def local_instant(day: date, at: time, zone: str | ZoneInfo) -> datetime:
    """The UTC instant of wall-clock ``day`` ``at`` in ``zone``."""
    return datetime.combine(day, at.replace(tzinfo=None), tzinfo=as_zone(zone)).astimezone(UTC)


def local_days(starts_at: datetime, ends_at: datetime, zone: str | ZoneInfo) -> tuple[date, date]:
    """First and last local day in ``zone`` that the span touches.

    An end exactly at local midnight belongs to the day before (it is an all-day event's exclusive end, or a
    ceremony that ends as the day does). The last day is never before the first, even where a zone's clock
    went back across midnight.
    """
    zone = as_zone(zone)
    first = starts_at.astimezone(zone).date()
    local_end = ends_at.astimezone(zone)
    last = local_end.date()
    if ends_at > starts_at and local_end.time() == time(0):
        last -= timedelta(days=1)
    return first, max(first, last)


def last_local_day(starts_at: datetime, ends_at: datetime, zone: str | ZoneInfo) -> date:
    """The last local day a span touches; an end exactly at midnight belongs to the day before."""
    return local_days(starts_at, ends_at, zone)[1]


class Schedule(Protocol):
    """What is needed to know when something takes place (an ``Event`` or ``EventDetails``)."""

    starts_at: datetime
    ends_at: datetime
    timezone: str
    daily_opens: time | None
    daily_closes: time | None


def occupied_spans(schedule: Schedule) -> list[tuple[datetime, datetime]]:
    """The stretches of time an event really occupies: each opening day's hours, or the whole span."""
    if schedule.daily_opens is None or schedule.daily_closes is None:
        return [(schedule.starts_at, schedule.ends_at)]
    zone = as_zone(schedule.timezone)
    day, last = local_days(schedule.starts_at, schedule.ends_at, zone)
    spans = []
    while day <= last:
        opens = max(local_instant(day, schedule.daily_opens, zone), schedule.starts_at)
        closes = min(local_instant(day, schedule.daily_closes, zone), schedule.ends_at)
        if opens < closes:
            spans.append((opens, closes))
        day += timedelta(days=1)
    return spans


def schedules_overlap(first: Schedule, second: Schedule) -> bool:
    """Whether two events are on at the same moment (an exhibition's nights do not count).

    Spans are half-open: one event ending exactly when the other starts does not overlap it.
    """
    if first.starts_at >= second.ends_at or second.starts_at >= first.ends_at:
        return False
    return any(
        a_start < b_end and b_start < a_end
        for a_start, a_end in occupied_spans(first)
        for b_start, b_end in occupied_spans(second)
    )


class AgendaSlot(Protocol):
    """What the run-of-show needs of an agenda item."""

    planned_start: time | None
    duration_minutes: int | None


#: Unbound: type checkers do not see an ORM column descriptor as satisfying a protocol attribute, so the
#: items are read through :class:`AgendaSlot` inside :func:`agenda_schedule`.
Item = TypeVar("Item")


@dataclass
class RunOfShowEntry(Generic[Item]):
    """An agenda item with its computed local start and end (``None`` where unknown)."""

    item: Item
    starts_at: datetime | None
    ends_at: datetime | None


def agenda_schedule(local_start: datetime, all_day: bool, items: Iterable[Item]) -> list[RunOfShowEntry[Item]]:
    """Each agenda item's time, in the zone of ``local_start`` (the event's start in its own zone).

    An item starts at its planned start (on the event's first day), else when the one before it ends (its
    start plus its duration); the first item starts with the event. After an item with neither, times are
    unknown until the next planned start. All-day events have no start time to count from.
    """
    zone = local_start.tzinfo
    day = local_start.date()
    cursor: datetime | None = None if all_day else local_start
    entries = []
    for item in items:
        slot = cast(AgendaSlot, item)
        planned = slot.planned_start
        start = datetime.combine(day, planned.replace(tzinfo=None), tzinfo=zone) if planned is not None else cursor
        end = start + timedelta(minutes=slot.duration_minutes) if start and slot.duration_minutes else None
        entries.append(RunOfShowEntry(item, start, end))
        cursor = end
    return entries
