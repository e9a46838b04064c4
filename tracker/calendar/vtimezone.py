"""VTIMEZONE components made from the IANA data ``zoneinfo`` reads (RFC 5545 §3.6.5), pure.

Why not ``icalendar.Timezone.from_tzid``: icalendar 7.3.2 writes a spring change's DTSTART in the offset AFTER
the change (Europe/Berlin: ``DTSTART:20270328T030000`` with ``TZOFFSETFROM:+0100``), while RFC 5545 reads it in
TZOFFSETFROM, so every reader that trusts the embedded VTIMEZONE places the change an hour late (see
``docs/calendar.md``, "icalendar's VTIMEZONE defect").

What we write: the transitions of the years asked for, plus one sub-component for the offset in force when they
begin (a zone without transitions in those years gets that one only). A run of yearly changes that follow one rule
(same month, weekday and week, time, offsets and name in consecutive years) is one sub-component with
``RRULE:FREQ=YEARLY;COUNT=n``; any other change has its own, with its onset as DTSTART repeated as RDATE (``ical``
ignores an onset given by DTSTART alone). DTSTART is always the local time in the offset before the change
(TZOFFSETFROM). A change that moves the clocks forward is DAYLIGHT, one that moves them back STANDARD; a change of
only the abbreviation or the DST flag is left out when the next change moves the clocks back (readers misread the
change after such a block). Known limits (``docs/calendar.md``, "Time zones"): for some past years of a few zones
one reader or more still disagrees with ``zoneinfo``; from this year on every reader agrees for every zone.

The transitions are found by asking ``zoneinfo`` itself (it exposes no list of them): the zone's state (offset,
DST, abbreviation) is compared every :data:`_STEP`, and a change is narrowed to the second. No two
transitions of a zone since 1900 lie closer than :data:`_STEP` (the closest, Africa/Freetown 1943, are four
days apart; since 1970 a week), so no change is missed; the property test in
``tests/calendar/test_vtimezone.py`` checks the result against ``zoneinfo`` for every zone the event form
offers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import icalendar

#: How far apart the zone is asked for its state while looking for transitions (in seconds).
_STEP = 2 * 24 * 3600
#: How far before the first year a transition is looked for, to write the one in force when the years begin.
#: Longer than a year, so a zone with summer time always finds a real one.
_LOOK_BACK = 400 * 24 * 3600
#: A zone that has not changed within :data:`_LOOK_BACK` gets its state written from this local time on (or from
#: the year before the first one, when that is earlier).
_SINCE = datetime(1970, 1, 1)
#: Margin around the years, in seconds: a local year lies within a day of the same UTC year in every zone.
_MARGIN = 24 * 3600

_State = tuple[timedelta, timedelta, str]


@dataclass(frozen=True)
class Transition:
    """A change of a zone's offset, DST or abbreviation."""

    at: int  #: the instant, in POSIX seconds
    before: timedelta  #: UTC offset before the change (TZOFFSETFROM)
    after: timedelta  #: UTC offset after it (TZOFFSETTO)
    name: str  #: abbreviation after it (TZNAME)
    daylight: bool  #: summer time after it (a DAYLIGHT sub-component, see :func:`_daylight`)

    @property
    def local_start(self) -> datetime:
        """DTSTART: the wall-clock time of the change in the offset before it, as RFC 5545 reads it."""
        return datetime.fromtimestamp(self.at, UTC).replace(tzinfo=None) + self.before


def _state(zone: ZoneInfo, at: int) -> _State:
    local = datetime.fromtimestamp(at, zone)
    offset, dst, name = local.utcoffset(), local.dst(), local.tzname()
    assert offset is not None and dst is not None and name is not None
    return offset, dst, name


def _change(zone: ZoneInfo, low: int, high: int, before: _State) -> Transition:
    """The first change of state in ``(low, high]``, where ``low`` has state ``before`` and ``high`` another."""
    while high - low > 1:
        middle = (low + high) // 2
        if _state(zone, middle) == before:
            low = middle
        else:
            high = middle
    offset, dst, name = _state(zone, high)
    return Transition(high, before[0], offset, name, _daylight(before[0], offset, dst))


def _daylight(before: timedelta, after: timedelta, dst: timedelta) -> bool:
    """Whether a change starts summer time (a DAYLIGHT sub-component): when it moves the clocks forward by two hours
    at most, as tzdata's "rearguard" form reads Ireland's and Morocco's "negative DST" too (``zoneinfo`` calls
    their summer offset standard); when it keeps the offset, as ``zoneinfo`` says.

    dateutil (whose reader icalendar and vobject use) tells an instant in a repeated hour from the other pass by
    the offset in force minus its DST: with every change written as STANDARD it reads the second pass of
    Dublin's and Casablanca's repeated hour with the first pass's offset.
    """
    if after == before:
        return dst > timedelta(0)
    return after > before


def _changes(zone: ZoneInfo, start: int, end: int) -> list[Transition]:
    """Every transition in ``(start, end]``, in order."""
    found: list[Transition] = []
    low, state = start, _state(zone, start)
    while low < end:
        high = min(low + _STEP, end)
        if _state(zone, high) == state:
            low = high
            continue
        transition = _change(zone, low, high, state)
        found.append(transition)
        low, state = transition.at, _state(zone, transition.at)
    return found


def _in_force(zone: ZoneInfo, at: int, since: datetime) -> Transition:
    """The last transition at or before ``at``; when there is none within :data:`_LOOK_BACK`, the state at ``at``
    written as a change to itself at the wall-clock time ``since``."""
    state = _state(zone, at)
    high = at
    while high > at - _LOOK_BACK:
        low = high - _STEP
        if _state(zone, low) != state:
            # At most one change per step: the one into ``state`` is the first after ``low``.
            return _change(zone, low, high, _state(zone, low))
        high = low
    offset, dst, name = state
    start = int((since.replace(tzinfo=UTC) - offset).timestamp())  # the wall clock reads ``since`` there
    return Transition(start, offset, offset, name, _daylight(offset, offset, dst))


def transitions(tzid: str, first_year: int, last_year: int) -> list[Transition]:
    """The transitions of ``tzid`` from ``first_year`` to ``last_year`` (local years, inclusive), preceded by the
    one in force when ``first_year`` begins."""
    zone = ZoneInfo(tzid)
    start = int(datetime(first_year, 1, 1, tzinfo=UTC).timestamp()) - _MARGIN
    end = int(datetime(last_year + 1, 1, 1, tzinfo=UTC).timestamp()) + _MARGIN
    since = min(_SINCE, datetime(first_year - 1, 1, 1))
    found = [_in_force(zone, start, since), *_changes(zone, start, end)]
    # A change of DST or abbreviation alone, just before the clocks go back: dateutil's readers (icalendar's,
    # vobject's) take the offset of the last change minus its DST as the zone's standard offset, and with a change
    # that keeps the offset as the last one they read the hour before going back as its second pass.
    return [transition for index, transition in enumerate(found)
            if not (index and transition.after == transition.before and index + 1 < len(found)
                    and found[index + 1].after < found[index + 1].before)]


_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _weeks(start: datetime) -> set[int]:
    """The weeks of its month a day can be named by in a BYDAY: its n-th (1 to 5), and -1 in the last seven days."""
    weeks = {(start.day - 1) // 7 + 1}
    if (start + timedelta(days=7)).month != start.month:
        weeks.add(-1)
    return weeks


@dataclass
class _Run:
    """Transitions in consecutive years on the same weekday of the same week of the same month at the same time."""

    first: Transition
    last: Transition
    count: int
    weeks: set[int]

    @property
    def rule(self) -> dict[str, object]:
        start = self.first.local_start
        week = -1 if -1 in self.weeks else min(self.weeks)
        return {"freq": "YEARLY", "bymonth": start.month, "byday": f"{week}{_WEEKDAYS[start.weekday()]}",
                "count": self.count}


def _runs(found: list[Transition]) -> list[_Run]:
    """``found`` grouped into yearly runs (a run of one is a transition that follows no rule)."""
    runs: list[_Run] = []
    open_runs: dict[tuple[object, ...], _Run] = {}
    for transition in found:
        start = transition.local_start
        key = (transition.before, transition.after, transition.name, transition.daylight,
               start.month, start.weekday(), start.time())
        run = open_runs.get(key)
        weeks = _weeks(start)
        if (run is not None and run.last.local_start.year + 1 == start.year and run.weeks & weeks
                and transition.after != transition.before):
            run.last, run.count, run.weeks = transition, run.count + 1, run.weeks & weeks
        else:
            run = open_runs[key] = _Run(transition, transition, 1, weeks)
            runs.append(run)
    return runs


@lru_cache(maxsize=128)
def vtimezone_ical(tzid: str, first_year: int, last_year: int) -> bytes:
    """The VTIMEZONE of ``tzid`` for local times from ``first_year`` to ``last_year`` (inclusive), serialized."""
    timezone = icalendar.Timezone()
    timezone.add("tzid", tzid)
    for run in _runs(transitions(tzid, first_year, last_year)):
        transition = run.first
        part = icalendar.TimezoneDaylight() if transition.daylight else icalendar.TimezoneStandard()
        part.add("dtstart", transition.local_start)
        if run.count > 1:
            part.add("rrule", run.rule)
        else:
            part.add("rdate", transition.local_start)  # the same instant: some readers (ical) skip a bare DTSTART
        part.add("tzoffsetfrom", transition.before)
        part.add("tzoffsetto", transition.after)
        part.add("tzname", transition.name)
        timezone.add_component(part)
    return timezone.to_ical()
