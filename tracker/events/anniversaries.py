"""The round anniversaries to come: for every commemorated date the series carry, those of the next ten years.

Which count: every ``ANNIVERSARY_STEP``-th (5th, 10th, …), highlighted every ``ANNIVERSARY_HIGHLIGHT_STEP``-th
(25th, 50th, 75th, 100th). One anniversary is *planned* when a series with the same commemorated date has an
event, not cancelled and visible to the reader, whose start falls in that anniversary's year in the event's
own time zone (a series with no event yet does not count: nothing says which year it is for).

Two queries whatever the history: the dated series (with each one's latest event start, to tell which is the
last series of its date), and the events of those dates within the window.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from ..bounds import FIRST_YEAR, LAST_YEAR, Bounds
from ..extensions import db
from ..models import Event, EventStatus, Series, User
from ..ordinals import ordinal, renumber_ordinal
from ..settings import Settings
from .visibility import visible_to

#: How far ahead the list looks.
YEARS_AHEAD = 10
#: An anniversary's number, as "Plan it" links give it.
ANNIVERSARY = Bounds(1, LAST_YEAR - FIRST_YEAR)


@dataclass(frozen=True)
class Anniversary:
    """One round anniversary of a commemorated date."""

    day: date
    number: int
    highlighted: bool
    #: The last series of this date: the one whose latest event is latest (else the newest one).
    last_series: Series
    #: Series with this date that have an event in this anniversary's year.
    planned_by: tuple[Series, ...] = field(default=())
    #: The anniversary the last series was held for (its latest event's year), if it has events.
    last_held: int | None = None

    @property
    def commemorated_on(self) -> date:
        """The date remembered."""
        return remembered_on(self.last_series)

    def ordinal(self, language: str) -> str:
        """"35th", "35-ci", "35-я"."""
        return ordinal(self.number, language)


def agency_today(settings: Settings) -> date:
    """Today in the agency's time zone."""
    return datetime.now(ZoneInfo(settings.timezone)).date()


def anniversary_day(remembered: date, year: int) -> date:
    """The day ``remembered`` falls on in ``year`` (29 February → 28 February in common years)."""
    try:
        return remembered.replace(year=year)
    except ValueError:
        return remembered.replace(year=year, day=28)


def coming_anniversaries(user: User, settings: Settings, today: date | None = None) -> list[Anniversary]:
    """The round anniversaries from ``today`` to ten years on, in date order (see the module's rules)."""
    today = today or agency_today(settings)
    latest = (select(Event.series_id, func.max(Event.starts_at).label("latest"))
              .where(Event.series_id.is_not(None), visible_to(user))  # a draft says nothing to whom may not see it
              .group_by(Event.series_id).subquery())
    rows = db.session.execute(
        select(Series, latest.c.latest).outerjoin(latest, latest.c.series_id == Series.id)
        .where(Series.commemorated_on.is_not(None))
    ).all()
    by_date: dict[date, list[tuple[Series, datetime | None]]] = {}
    for series, latest_start in rows:
        by_date.setdefault(remembered_on(series), []).append((series, latest_start))
    if not by_date:
        return []
    last_day = anniversary_day(today, today.year + YEARS_AHEAD)
    # Events of those dates starting in the window's years (a day's margin each side for the time zones).
    start = datetime(today.year, 1, 1, tzinfo=UTC) - timedelta(days=1)
    end = datetime(last_day.year + 1, 1, 1, tzinfo=UTC) + timedelta(days=1)
    planned: dict[tuple[date, int], dict[int, Series]] = {}
    series_by_id = {series.id: series for group in by_date.values() for series, _latest in group}
    events = db.session.execute(
        select(Event.series_id, Event.starts_at, Event.timezone)
        .join(Series, Series.id == Event.series_id)
        .where(Series.commemorated_on.is_not(None), Event.starts_at >= start, Event.starts_at < end,
               Event.status != EventStatus.CANCELLED.value, visible_to(user))
    ).all()
    for series_id, starts_at, zone in events:
        series = series_by_id[series_id or 0]  # never 0: the join keeps only events of a series
        year = starts_at.astimezone(ZoneInfo(zone)).year
        planned.setdefault((remembered_on(series), year), {})[series.id] = series
    coming = []
    for remembered, group in by_date.items():
        last, last_start = max(group, key=lambda pair: (pair[1] is not None, _utc(pair[1]), pair[0].id))
        last_held = (last.anniversary(_utc(last_start).astimezone(ZoneInfo(settings.timezone)).year)
                     if last_start is not None else None)
        for year in range(today.year, last_day.year + 1):
            number = year - remembered.year
            day = anniversary_day(remembered, year)
            if number < 1 or number % settings.anniversary_step or not today <= day <= last_day:
                continue
            planners = planned.get((remembered, year), {})
            coming.append(Anniversary(
                day=day, number=number, highlighted=number % settings.anniversary_highlight_step == 0,
                last_series=last, planned_by=tuple(sorted(planners.values(), key=lambda s: s.id)),
                last_held=last_held,
            ))
    coming.sort(key=lambda anniversary: (anniversary.day, anniversary.last_series.id))
    return coming


def remembered_on(series: Series) -> date:
    """The commemorated date of a series known to have one."""
    assert series.commemorated_on is not None
    return series.commemorated_on


def _utc(instant: datetime | None) -> datetime:
    """For ordering: SQLite gives naive UTC instants back from an aggregate."""
    if instant is None:
        return datetime.min.replace(tzinfo=UTC)
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


def series_anniversary(series: Series) -> int | None:
    """The anniversary ``series`` was held for: the one of its latest event's year, if it has events (loads
    its events: for one series; :func:`coming_anniversaries` reads it for all at once)."""
    if not series.events:
        return None
    latest = series.events[-1]
    return series.anniversary(latest.starts_at.astimezone(ZoneInfo(latest.timezone)).year)


def next_series_texts(series: Series, number: int, languages: tuple[str, ...],
                      held: int | None) -> dict[str, dict[str, str]]:
    """Title and description per language for the series of the ``number``-th anniversary, from ``series``
    (the last one of its date, held for the ``held``-th: :func:`series_anniversary`): its texts, with that
    ordinal renumbered where a text names it ("Events for the 20th anniversary …" → "… 35th …")."""
    texts: dict[str, dict[str, str]] = {}
    for name in ("title", "description"):
        texts[name] = {}
        for language, text in series.texts(name).items():
            if language not in languages:
                continue
            texts[name][language] = (renumber_ordinal(text, held, number, language)
                                     if held is not None and held != number else text)
    return texts
