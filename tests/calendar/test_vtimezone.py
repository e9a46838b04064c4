"""The VTIMEZONEs we write read the same local times as ``zoneinfo``, in four readers we did not write.

The readers: icalendar (``Timezone.to_tz(lookup_tzid=False)``, so the embedded block and not its own copy of
the zone is read), dateutil (``tzical``), vobject (``gettzinfo``) and ``ical`` (``IcsTimezoneInfo``). Every
instant is checked both ways: local wall-clock time to offset (what a client does with ``DTSTART;TZID=``), and UTC
to local (``astimezone``: the wall-clock time and the offset it shows must both be zoneinfo's). ``ical`` has no
``fold``: the second pass of a repeated hour reads as the first, as RFC 5545 §3.3.5 says such a local time
means, so that one case expects the first pass's offset.

Two cases are left out of the UTC-to-local check, each a defect of the readers that no valid VTIMEZONE avoids
(proved in ``docs/calendar.md``, "Reader defects no VTIMEZONE avoids", and by the tests at the end of this file):

- ``ical``, a UTC time in the second pass of a repeated hour: ``IcsTimezoneInfo`` ignores ``fold``, so no local
  time it returns names that instant (:func:`ical_cannot_name`);
- every reader, within a day of a change where the "standard offset" (``utcoffset() - dst()``) the readers'
  ``fromutc`` relies on must change (:func:`standard_offset_changes`): Windhoek 1994, Bahia_Banderas 2010, ….
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import dateutil.tz
import icalendar
import pytest
import vobject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream
from ical.timezone import IcsTimezoneInfo

from tests.calendar.conftest import SETTINGS, load_event
from tests.calendar.ics_checks import check_calendar
from tracker.calendar.ics import build_event_ics
from tracker.calendar.vtimezone import vtimezone_ical
from tracker.events.forms import timezone_choices

#: Every zone the event form offers (UTC included: its times are written in UTC, with no VTIMEZONE).
ZONES = [str(choice.value) for choice in timezone_choices() if choice.value != "UTC"]
THIS_YEAR = date.today().year
LAST_YEAR = THIS_YEAR + 20
#: Events lie in the past too (a history of ten years and more; the reference scenario's series began in 1992).
FIRST_YEAR = 1990
HALF_HOUR = timedelta(minutes=30)
DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)


def _calendar(vtimezone: bytes) -> str:
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//test//EN\r\n" + vtimezone.decode() + "END:VCALENDAR\r\n"


def readers(tzid: str, vtimezone: bytes) -> dict[str, tzinfo]:
    """The zone as each reader makes it from the written VTIMEZONE alone."""
    text = _calendar(vtimezone)
    read_by_icalendar = icalendar.Calendar.from_ical(text).walk("VTIMEZONE")[0].to_tz(lookup_tzid=False)
    read_by_dateutil = dateutil.tz.tzical(io.StringIO(text)).get(tzid)
    read_by_vobject = vobject.readOne(text).vtimezone.gettzinfo()
    read_by_ical = IcsTimezoneInfo.from_timezone(IcsCalendarStream.calendar_from_ics(text).timezones[0])
    return {"icalendar": read_by_icalendar, "dateutil": read_by_dateutil, "vobject": read_by_vobject,
            "ical": read_by_ical}


def _midnight(year: int) -> datetime:
    return datetime(year, 1, 1, tzinfo=UTC)


def zoneinfo_changes(tzid: str, first_year: int, last_year: int) -> Iterator[datetime]:
    """The days (as UTC midnights) on which ``zoneinfo`` says the zone's offset changes, found independently of
    the code under test: by comparing each UTC midnight with the next (no zone changes twice within a day)."""
    zone = ZoneInfo(tzid)
    day, end = _midnight(first_year) - DAY, _midnight(last_year + 1) + DAY
    offset = day.astimezone(zone).utcoffset()
    while day < end:
        following = day + DAY
        next_offset = following.astimezone(zone).utcoffset()
        if next_offset != offset:
            yield day
        day, offset = following, next_offset


@dataclass(frozen=True)
class Change:
    """A change of a zone's UTC offset, as ``zoneinfo`` says."""

    at: datetime
    before: timedelta
    after: timedelta

    @property
    def forward(self) -> bool:
        return self.after > self.before

    @property
    def lower(self) -> timedelta:
        return min(self.before, self.after)


def _offset(zone: ZoneInfo, instant: datetime) -> timedelta:
    offset = instant.astimezone(zone).utcoffset()
    assert offset is not None
    return offset


def _narrowed(zone: ZoneInfo, low: datetime, high: datetime) -> Change:
    """The change of offset in ``(low, high]`` (exactly one), to the second."""
    before = _offset(zone, low)
    while high - low > SECOND:
        middle = low + (high - low) / 2
        middle = middle.replace(microsecond=0)
        if _offset(zone, middle) == before:
            low = middle
        else:
            high = middle
    return Change(high, before, _offset(zone, high))


def _previous_change(zone: ZoneInfo, instant: datetime) -> Change | None:
    """The last change of offset before ``instant``, since 1900 (day by day: changes are days apart)."""
    offset = _offset(zone, instant)
    high = instant
    while high.year >= 1900:
        low = high - DAY
        if _offset(zone, low) != offset:
            return _narrowed(zone, low, high)
        high = low
    return None


def standard_offset_changes(tzid: str, first_year: int, last_year: int) -> list[Change]:
    """The changes of the years where the readers' standard offset must change, whatever the VTIMEZONE says.

    dateutil (the reader of icalendar and vobject too) and ``ical`` turn UTC into local time by Python's
    ``tzinfo.fromutc`` scheme: read the UTC time as a local one, subtract ``dst()`` from that sub-component's
    offset and add the ``dst()`` of where that lands. It is right across a change only when that "standard offset"
    is the same on both sides and is the lower of the change's two offsets (dateutil takes the pass in the standard
    offset for the second one). A sub-component's standard offset is its TZOFFSETFROM (DAYLIGHT) or TZOFFSETTO
    (STANDARD), and TZOFFSETFROM must be the offset in use before its onset, so within the years that is possible
    only when each change's lower offset is the one of the change before it in the years; at the first change of the
    years the sub-component in force can be any real one: a change forward always works, a change back from ``a``
    to ``b`` when the last change of the offset before it went from ``b`` to ``a``.
    """
    zone = ZoneInfo(tzid)
    start = _midnight(first_year) - DAY  # the file's first sub-component is the one in force here
    found = []
    changes = [_narrowed(zone, day, day + DAY) for day in zoneinfo_changes(tzid, first_year, last_year)]
    for index, change in enumerate(changes):
        previous = changes[index - 1] if index else _previous_change(zone, change.at - SECOND)
        in_years = previous is not None and previous.at > start
        if change.forward and change.after - change.before >= DAY:
            possible = False  # a whole day (across the date line): a ``dst()`` of a day is no tzinfo's, so STANDARD
        elif change.forward:
            possible = not (in_years and previous is not None and previous.forward)
        else:
            possible = previous is not None and (
                previous.lower == change.lower if in_years
                else (previous.before, previous.after) == (change.after, change.before))
        if not possible:
            found.append(change)
    return found


def written_onsets(vtimezone: bytes) -> Iterator[datetime]:
    """The instants at which the written VTIMEZONE says the offset changes (DTSTART read in TZOFFSETFROM)."""
    for part in icalendar.Timezone.from_ical(vtimezone).subcomponents:
        start = part.decoded("DTSTART")
        yield (start - part["TZOFFSETFROM"].td).replace(tzinfo=UTC)


def windows(tzid: str, vtimezone: bytes, first_year: int, last_year: int) -> set[datetime]:
    """Every 30 minutes from a day before to a day after each change zoneinfo knows of or the file declares
    (within the years)."""
    low, high = _midnight(first_year) - DAY, _midnight(last_year + 1) + DAY
    centres = [*zoneinfo_changes(tzid, first_year, last_year),
               *(onset for onset in written_onsets(vtimezone) if low <= onset <= high)]
    instants = set()
    for centre in centres:
        base = centre.replace(minute=0, second=0, microsecond=0) - DAY
        instants.update(base + step * HALF_HOUR for step in range(3 * 48 + 1))
    return instants


def ical_cannot_name(local: datetime) -> bool:
    """Whether ``local`` (zoneinfo's) is the second pass of a repeated wall-clock time, which ``ical``'s
    fold-less ``IcsTimezoneInfo`` cannot name: it reads that wall-clock time as the first pass."""
    return local.fold == 1 and local.replace(fold=0).utcoffset() != local.utcoffset()


def disagreements(tzid: str, vtimezone: bytes, instants: Iterable[datetime], first_year: int, last_year: int,
                  names: Iterable[str] | None = None) -> list[str]:
    """Where a reader of ``vtimezone`` reads another local time or UTC offset than ``zoneinfo``, described (the
    cases no VTIMEZONE avoids left out, see the module's docstring)."""
    zone = ZoneInfo(tzid)
    read = readers(tzid, vtimezone)
    if names is not None:
        read = {name: read[name] for name in names}
    unavoidable = [change.at for change in standard_offset_changes(tzid, first_year, last_year)]
    wrong = []
    for instant in sorted(instants):
        local = instant.astimezone(zone)
        expected = local.utcoffset()
        # A repeated wall-clock time's second pass: a reader without ``fold`` reads the first.
        first_pass = local.replace(fold=0).utcoffset()
        near_unavoidable = any(abs(instant - at) < DAY for at in unavoidable)
        for name, reader in read.items():
            wall = local.replace(tzinfo=reader).utcoffset()
            if wall != (first_pass if name == "ical" else expected):
                wrong.append(f"{tzid} {instant:%Y-%m-%d %H:%M}Z: zoneinfo {expected}, {name} {wall} "
                             f"(wall clock {local:%H:%M}, fold {local.fold})")
            if near_unavoidable or (name == "ical" and ical_cannot_name(local)):
                continue
            converted = instant.astimezone(reader)
            if (converted.replace(tzinfo=None), converted.utcoffset()) != (local.replace(tzinfo=None), expected):
                wrong.append(f"{tzid} {instant:%Y-%m-%d %H:%M}Z: zoneinfo {local:%H:%M} {expected}, {name} "
                             f"{converted:%H:%M} {converted.utcoffset()} (from UTC)")
    return wrong


# ---------------------------------------------------------------------------------------------- property


@settings(max_examples=80, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tzid=st.sampled_from(ZONES),
    first_year=st.integers(FIRST_YEAR, LAST_YEAR),
    length=st.one_of(st.integers(0, 2), st.integers(3, 20)),  # mostly an event's years, sometimes a feed's
    samples=st.lists(st.floats(0, 1, exclude_max=True), min_size=20, max_size=20),
)
def test_every_reader_agrees_with_zoneinfo(tzid, first_year, length, samples):
    last_year = min(first_year + length, LAST_YEAR)
    vtimezone = vtimezone_ical(tzid, first_year, last_year)
    start, end = _midnight(first_year) - DAY, _midnight(last_year + 1) + DAY
    span = (end - start).total_seconds()
    others = {start + timedelta(seconds=int(fraction * span)) for fraction in samples}
    instants = windows(tzid, vtimezone, first_year, last_year) | others | {start, end}
    assert disagreements(tzid, vtimezone, instants, first_year, last_year) == []


@pytest.mark.parametrize(("first_year", "last_year"), [(FIRST_YEAR, 2007), (2008, THIS_YEAR - 1),
                                                      (THIS_YEAR, LAST_YEAR)])
def test_every_zone_of_the_list_reads_right_from_1990_to_twenty_years_on(first_year, last_year):
    """Every zone, 1990 to now + 20 (in three files, which parallel runs share out), every 30 minutes through each
    day zoneinfo changes the offset, and mid-year every fifth year: the property test above draws zones and years,
    this walks all of them. Read by dateutil (which icalendar's and vobject's readers are) and by ``ical``. Zones
    whose written offsets (TZID and TZNAME aside) and zoneinfo's offsets at those instants equal a zone already read
    are not read again."""
    wrong: list[str] = []
    seen = set()
    for tzid in ZONES:
        vtimezone = vtimezone_ical(tzid, first_year, last_year)
        zone = ZoneInfo(tzid)
        instants = [centre + step * HALF_HOUR for centre in zoneinfo_changes(tzid, first_year, last_year)
                    for step in range(49)]
        instants += [datetime(year, 6, 15, 12, tzinfo=UTC) for year in range(first_year, last_year + 1, 5)]
        expected = tuple(instant.astimezone(zone).utcoffset() for instant in instants)
        key = (re.sub(rb"(TZID|TZNAME):[^\r]*\r\n", b"", vtimezone), tuple(instants), expected)
        if key in seen:
            continue
        seen.add(key)
        wrong += disagreements(tzid, vtimezone, instants, first_year, last_year, names=("dateutil", "ical"))
    assert wrong == []


#: The years where some zones read wrong before (the "Known limit" of ``docs/calendar.md`` until this test).
PAST_CASES = [
    ("Africa/Windhoek", 1994), ("America/Bahia_Banderas", 2010), ("America/Nuuk", 2024),
    ("America/Kentucky/Monticello", 2001), ("America/Argentina/Buenos_Aires", 1990),
    ("America/Argentina/Cordoba", 1991), ("America/Argentina/San_Luis", 2004), ("America/Argentina/Ushuaia", 2007),
    ("America/Caracas", 2007), ("America/Chihuahua", 1998), ("America/Indiana/Knox", 2006),
    ("America/Iqaluit", 1999), ("America/Metlakatla", 2015), ("America/Santo_Domingo", 2000),
    ("America/Guyana", 1992), ("America/Cancun", 1998), ("America/Cambridge_Bay", 2001),
    ("America/Scoresbysund", 2024), ("America/Asuncion", 2024), ("Africa/Tripoli", 2013),
    ("Antarctica/Davis", 2009), ("Antarctica/Mawson", 2009),
]


@pytest.mark.parametrize(("tzid", "year"), PAST_CASES)
@pytest.mark.parametrize("length", [0, 1])
def test_past_years_that_read_wrong_before(tzid, year, length):
    for first_year in (year - length, year):
        last_year = first_year + length
        vtimezone = vtimezone_ical(tzid, first_year, last_year)
        instants = windows(tzid, vtimezone, first_year, last_year)
        assert disagreements(tzid, vtimezone, instants, first_year, last_year) == []


# ------------------------------------------------------------------------------------------------ examples


def test_berlin_spring_change_is_written_in_the_offset_before_it(app, make_event):
    event = make_event(starts_at=datetime(2027, 3, 28, 8, tzinfo=UTC), ends_at=datetime(2027, 3, 28, 9, tzinfo=UTC),
                       timezone="Europe/Berlin")
    with app.app_context():
        data = build_event_ics(load_event(event.id), settings=SETTINGS)
    check_calendar(data, method="PUBLISH")
    assert (b"BEGIN:DAYLIGHT\r\nDTSTART:20270328T020000\r\nRDATE:20270328T020000\r\nTZNAME:CEST\r\n"
            b"TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\n") in data
    # Autumn 2026 (in force on 1 January) and 2027, one rule: 03:00 summer time, 01:00 UTC.
    assert (b"BEGIN:STANDARD\r\nDTSTART:20261025T030000\r\nRRULE:FREQ=YEARLY;COUNT=2;BYDAY=-1SU;BYMONTH=10\r\n"
            b"TZNAME:CET\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n") in data
    written = re.search(rb"BEGIN:VTIMEZONE\r\n.*?END:VTIMEZONE\r\n", data, re.DOTALL)
    assert written is not None
    # 02:00 local (01:00 UTC) the clocks go to 03:00: every reader agrees on both sides.
    instants = [datetime(2027, 3, 28, 0, 59, tzinfo=UTC), datetime(2027, 3, 28, 1, tzinfo=UTC),
                datetime(2027, 3, 28, 1, 30, tzinfo=UTC)]
    assert disagreements("Europe/Berlin", written.group(), instants, 2027, 2027) == []


def test_a_one_year_event_writes_only_its_years_transitions(app, make_event):
    event = make_event(starts_at=datetime(2027, 5, 1, 8, tzinfo=UTC), ends_at=datetime(2027, 5, 1, 9, tzinfo=UTC),
                       timezone="Europe/Berlin")
    with app.app_context():
        data = build_event_ics(load_event(event.id), settings=SETTINGS)
    timezone = check_calendar(data, method="PUBLISH").walk("VTIMEZONE")[0]
    # The change in force on 1 January (October 2026) and autumn 2027 as one yearly rule, then spring 2027.
    assert [(part.name, part.decoded("DTSTART"), part.get("RRULE", {}).get("COUNT"))
            for part in timezone.subcomponents] == [
        ("STANDARD", datetime(2026, 10, 25, 3), [2]),
        ("DAYLIGHT", datetime(2027, 3, 28, 2), None),
    ]


def test_a_zone_without_changes_gets_one_standard_block(app, make_event):
    event = make_event(timezone="Asia/Baku")
    with app.app_context():
        data = build_event_ics(load_event(event.id), settings=SETTINGS)
    timezone = check_calendar(data, method="PUBLISH").walk("VTIMEZONE")[0]
    assert [part.name for part in timezone.subcomponents] == ["STANDARD"]
    (part,) = timezone.subcomponents
    assert part["TZOFFSETFROM"].td == part["TZOFFSETTO"].td == timedelta(hours=4)
    assert str(part["TZNAME"]) == "+04"


def test_a_utc_event_has_no_vtimezone(app, make_event):
    event = make_event(timezone="UTC")
    with app.app_context():
        data = build_event_ics(load_event(event.id), settings=SETTINGS)
    assert b"VTIMEZONE" not in data
    assert b"TZID" not in data


def test_an_event_across_new_year_covers_both_local_years(app, make_event):
    # 00:30 on 1 January 2028 in Berlin is still 2027 in UTC: the file covers 2028's changes too.
    event = make_event(starts_at=datetime(2027, 12, 31, 23, 30, tzinfo=UTC),
                       ends_at=datetime(2028, 1, 1, 0, 30, tzinfo=UTC), timezone="Europe/Berlin")
    with app.app_context():
        data = build_event_ics(load_event(event.id), settings=SETTINGS)
    parts = check_calendar(data, method="PUBLISH").walk("VTIMEZONE")[0].subcomponents
    # Autumn 2027 and 2028 (one yearly rule), spring 2028.
    assert [(part.decoded("DTSTART"), part.get("RRULE", {}).get("COUNT")) for part in parts] == [
        (datetime(2027, 10, 31, 3), [2]), (datetime(2028, 3, 26, 2), None)]


def test_a_start_in_the_second_pass_of_the_repeated_autumn_hour_reads_right(app, make_event):
    # Berlin, 31 October 2027: 03:00 summer time becomes 02:00 again at 01:00 UTC; 01:30 UTC is 02:30 the
    # second time round, which a local time with a TZID cannot name (it means the first pass, 00:30 UTC).
    starts = datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
    event = make_event(starts_at=starts, ends_at=starts + timedelta(hours=1), timezone="Europe/Berlin")
    with app.app_context():
        data = build_event_ics(load_event(event.id), settings=SETTINGS)
    vevent = check_calendar(data, method="PUBLISH").walk("VEVENT")[0]
    assert vevent.decoded("DTSTART") == starts
    assert vevent.decoded("DTEND") == starts + timedelta(hours=1)
    first_pass = datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
    other = make_event(starts_at=first_pass, ends_at=first_pass + timedelta(hours=1), timezone="Europe/Berlin")
    with app.app_context():
        data = build_event_ics(load_event(other.id), settings=SETTINGS)
    assert b"DTSTART;TZID=Europe/Berlin:20271031T023000" in data  # the first pass stays local


# ------------------------------------------------------------------- reader defects no VTIMEZONE avoids


def _relabelled(vtimezone: bytes, daylight: tuple[bool, ...]) -> bytes:
    """``vtimezone`` with its sub-components written as DAYLIGHT or STANDARD as ``daylight`` says (all else
    kept: DTSTART, RDATE, RRULE and the offsets stay true to zoneinfo)."""
    parts = re.split(rb"(?=BEGIN:(?:STANDARD|DAYLIGHT)\r\n)|(?<=END:STANDARD\r\n)|(?<=END:DAYLIGHT\r\n)", vtimezone)
    labels = iter(daylight)
    out = []
    for part in parts:
        if part.startswith((b"BEGIN:STANDARD", b"BEGIN:DAYLIGHT")):
            kind = b"DAYLIGHT" if next(labels) else b"STANDARD"
            part = re.sub(rb"(BEGIN|END):(STANDARD|DAYLIGHT)", rb"\1:" + kind, part)
        out.append(part)
    return b"".join(out)


@pytest.mark.parametrize(("tzid", "year"), [("Africa/Windhoek", 1994), ("America/Bahia_Banderas", 2010)])
def test_a_change_of_the_standard_offset_reads_wrong_from_utc_however_it_is_written(tzid, year):
    """The cases :func:`standard_offset_changes` leaves out are real: dateutil misreads UTC times near them with
    every choice of DAYLIGHT and STANDARD for the sub-components (whose offsets must be zoneinfo's)."""
    (change, *_) = standard_offset_changes(tzid, year, year)
    vtimezone = vtimezone_ical(tzid, year, year)
    count = vtimezone.count(b"BEGIN:STANDARD") + vtimezone.count(b"BEGIN:DAYLIGHT")
    zone = ZoneInfo(tzid)
    instants = [change.at - DAY + step * HALF_HOUR for step in range(97)]
    for labels in range(2 ** count):
        variant = _relabelled(vtimezone, tuple(bool(labels >> index & 1) for index in range(count)))
        reader = dateutil.tz.tzical(io.StringIO(_calendar(variant))).get(tzid)
        misread = [instant for instant in instants
                   if (instant.astimezone(reader).replace(tzinfo=None), instant.astimezone(reader).utcoffset())
                   != (instant.astimezone(zone).replace(tzinfo=None), instant.astimezone(zone).utcoffset())]
        assert misread, variant.decode()


@pytest.mark.parametrize(("tzid", "year"), [("America/Nuuk", 2024), ("America/Caracas", 2007),
                                            ("America/Asuncion", 2024)])
def test_a_change_the_written_block_gets_right_is_not_left_out(tzid, year):
    # These read wrong before the sub-component in force was chosen for the first change of the years.
    assert standard_offset_changes(tzid, year, year) == []


def test_ical_cannot_name_the_second_pass_of_a_repeated_hour():
    """``ical`` ignores ``fold``: 02:30 on Berlin's autumn night reads as the first pass (00:30 UTC), so no local
    time it has names 01:30 UTC (02:30 the second time round), whatever the VTIMEZONE says."""
    reader = readers("Europe/Berlin", vtimezone_ical("Europe/Berlin", 2027, 2027))["ical"]
    second_pass = datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
    assert ical_cannot_name(second_pass.astimezone(ZoneInfo("Europe/Berlin")))
    night = datetime(2027, 10, 30, 22)
    local_times = [night + step * timedelta(minutes=1) for step in range(8 * 60)]
    assert all(local.replace(fold=fold, tzinfo=reader).astimezone(UTC) != second_pass
               for local in local_times for fold in (0, 1))
