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
(TZOFFSETFROM). A change that moves the clocks forward (by less than a day) is DAYLIGHT, one that moves them back
STANDARD, and the sub-component in force when the years begin is chosen for the first change of the years, so that
the "standard offset" readers derive (``utcoffset() - dst()``) stays the lower offset of each change
(:func:`_standard_kept`); a change of only the abbreviation or the DST flag is left out where it would change that
offset. What no VTIMEZONE can avoid in the readers (``docs/calendar.md``, "Reader defects no VTIMEZONE avoids"):
``ical`` cannot name a UTC time in the second pass of a repeated hour, and near a change where a zone's standard
offset itself changes (Windhoek 1994, the former Soviet zones 1991–92, …) readers misread UTC times.

The transitions are found by asking ``zoneinfo`` itself (it exposes no list of them): the zone's state (offset,
DST, abbreviation) is compared every :data:`_STEP`, and a change is narrowed to the second. No two
transitions of a zone since 1900 lie closer than :data:`_STEP` (the closest, Africa/Freetown 1943, are four
days apart; since 1970 a week), so no change is missed; the property test in
``tests/calendar/test_vtimezone.py`` checks the result against ``zoneinfo`` for every zone the event form
offers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
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
    """Whether a change starts summer time (a DAYLIGHT sub-component): when it moves the clocks forward by less than
    a day, as tzdata's "rearguard" form reads Ireland's and Morocco's "negative DST" too (``zoneinfo`` calls
    their summer offset standard); when it keeps the offset, as ``zoneinfo`` says.

    dateutil (whose reader icalendar and vobject use) tells an instant in a repeated hour from the other pass by
    the offset in force minus its DST: with every change written as STANDARD it reads the second pass of
    Dublin's and Casablanca's repeated hour with the first pass's offset. A jump across the date line (Apia and
    Fakaofo 2011, Kiritimati 1994: a whole day) is STANDARD: the readers' ``dst()`` (TZOFFSETTO minus TZOFFSETFROM
    of a DAYLIGHT) must be under a day, or Python refuses every UTC time read while it is in force.
    """
    if after == before:
        return dst > timedelta(0)
    return before < after < before + timedelta(days=1)


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
    found = [_in_force(zone, start, since)]
    changes = _changes(zone, start, end)
    for index, transition in enumerate(changes):
        # A change of DST or abbreviation alone is left out after a change that moves the clocks forward or before
        # one that moves them back: it would change the readers' standard offset (see :func:`_standard_kept`).
        if transition.after == transition.before and (
                found[-1].after > found[-1].before
                or (index + 1 < len(changes) and changes[index + 1].after < changes[index + 1].before)):
            continue
        found.append(transition)
    return _standard_kept(zone, start, found)


def _standard_kept(zone: ZoneInfo, start: int, found: list[Transition]) -> list[Transition]:
    """``found`` with the sub-component in force when the years begin chosen so that the readers' standard offset
    does not change at the first change of the years.

    Readers that implement Python's ``tzinfo`` (dateutil, so icalendar's and vobject's readers, and ``ical``) turn a
    UTC time into local time with the "standard offset" (``utcoffset() - dst()``: TZOFFSETFROM of a DAYLIGHT
    sub-component, TZOFFSETTO of a STANDARD one) of the sub-component the UTC time falls in when read as a local
    time; where that offset differs on the two sides of a change they misread the hours around it. It must equal
    the lower of the two offsets of each change: TZOFFSETFROM of a change that moves the clocks forward (DAYLIGHT),
    TZOFFSETTO of one that moves them back (STANDARD). Within the years that leaves no choice; the sub-component in
    force when they begin is free: STANDARD before a change forward; before a change back (from ``a`` to ``b``) a
    DAYLIGHT for the last change of the offset if that moved it from ``b`` to ``a``, however long ago (Caracas:
    1965, before going back to -04:30 in 2007). Where the standard offset changes within the years no VTIMEZONE
    avoids it (``docs/calendar.md``, "Reader defects no VTIMEZONE avoids").
    """
    first = next((transition for transition in found[1:] if transition.after != transition.before), None)
    if first is None:
        return found
    in_force = found[0]
    if first.after > first.before:
        if in_force.daylight and in_force.after != in_force.before:
            found[0] = replace(in_force, daylight=False)
    elif not (in_force.before == first.after and in_force.after == first.before):
        last = _last_offset_change(zone, start)
        if last is not None and last.daylight and (last.before, last.after) == (first.after, first.before):
            found[0] = last
    return found


#: How far back :func:`_last_offset_change` looks (zoneinfo's data of most zones starts with local mean time).
_EARLIEST = int(datetime(1900, 1, 1, tzinfo=UTC).timestamp())


def _last_offset_change(zone: ZoneInfo, at: int) -> Transition | None:
    """The last change of the UTC offset at or before ``at`` (since 1900), changes of DST or abbreviation alone
    passed over."""
    offset = _state(zone, at)[0]
    high = at
    while high > _EARLIEST:
        low = high - _STEP
        if _state(zone, low)[0] != offset:
            while high - low > 1:
                middle = (low + high) // 2
                if _state(zone, middle)[0] == offset:
                    high = middle
                else:
                    low = middle
            before, (after, dst, name) = _state(zone, low)[0], _state(zone, high)
            return Transition(high, before, after, name, _daylight(before, after, dst))
        high = low
    return None


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
