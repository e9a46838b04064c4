"""The VTIMEZONEs we write read the same UTC offsets as ``zoneinfo``, in four readers we did not write.

The readers: icalendar (``Timezone.to_tz(lookup_tzid=False)``, so the embedded block and not its own copy of
the zone is read), dateutil (``tzical``), vobject (``gettzinfo``) and ``ical`` (``IcsTimezoneInfo``). Every
instant is checked both ways: UTC to local (``astimezone``) and local wall-clock time to offset. ``ical`` has no
``fold``: the second pass of a repeated hour reads as the first, as RFC 5545 §3.3.5 says such a local time
means, so that one case expects the first pass's offset.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import dateutil.tz
import icalendar
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
HALF_HOUR = timedelta(minutes=30)
DAY = timedelta(days=1)


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


def disagreements(tzid: str, vtimezone: bytes, instants: Iterable[datetime]) -> list[str]:
    """Where a reader of ``vtimezone`` says another UTC offset than ``zoneinfo``, described."""
    zone = ZoneInfo(tzid)
    read = readers(tzid, vtimezone)
    wrong = []
    for instant in sorted(instants):
        local = instant.astimezone(zone)
        expected = local.utcoffset()
        # A repeated wall-clock time's second pass: a reader without ``fold`` reads the first.
        first_pass = local.replace(fold=0).utcoffset()
        for name, reader in read.items():
            from_utc = instant.astimezone(reader).utcoffset()
            wall = local.replace(tzinfo=reader).utcoffset()
            wall_expected = first_pass if name == "ical" else expected
            if from_utc != expected or wall != wall_expected:
                wrong.append(f"{tzid} {instant:%Y-%m-%d %H:%M}Z: zoneinfo {expected}, {name} {from_utc} (from UTC), "
                             f"{wall} (wall clock {local:%H:%M}, fold {local.fold})")
    return wrong


# ---------------------------------------------------------------------------------------------- property


@settings(max_examples=80, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tzid=st.sampled_from(ZONES),
    first_year=st.integers(THIS_YEAR, LAST_YEAR),
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
    assert disagreements(tzid, vtimezone, instants) == []


def test_every_zone_of_the_list_reads_right_for_twenty_years():
    """Every zone, now to now + 20, every 30 minutes through each day zoneinfo changes the offset, and mid-year
    every fifth year: the property test above draws zones and years, this walks all of them. Read by dateutil
    (which icalendar's and vobject's readers are) and by ``ical``. Zones whose written offsets (TZID and TZNAME
    aside) and zoneinfo's offsets at those instants equal a zone already read are not read again."""
    wrong: list[str] = []
    seen = set()
    for tzid in ZONES:
        vtimezone = vtimezone_ical(tzid, THIS_YEAR, LAST_YEAR)
        zone = ZoneInfo(tzid)
        instants = [centre + step * HALF_HOUR for centre in zoneinfo_changes(tzid, THIS_YEAR, LAST_YEAR)
                    for step in range(49)]
        instants += [datetime(year, 6, 15, 12, tzinfo=UTC) for year in range(THIS_YEAR, LAST_YEAR + 1, 5)]
        expected = [instant.astimezone(zone).utcoffset() for instant in instants]
        offsets = re.sub(rb"(TZID|TZNAME):[^\r]*\r\n", b"", vtimezone)
        if (offsets, tuple(instants), tuple(expected)) in seen:
            continue
        seen.add((offsets, tuple(instants), tuple(expected)))
        text = _calendar(vtimezone)
        read = [dateutil.tz.tzical(io.StringIO(text)).get(tzid),
                IcsTimezoneInfo.from_timezone(IcsCalendarStream.calendar_from_ics(text).timezones[0])]
        for instant, offset in zip(instants, expected, strict=True):
            for reader in read:
                if (got := instant.astimezone(reader).utcoffset()) != offset:
                    wrong.append(f"{tzid} {instant:%Y-%m-%d %H:%M}Z: zoneinfo {offset}, {type(reader).__name__} {got}")
    assert wrong == []


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
    assert disagreements("Europe/Berlin", written.group(), instants) == []


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
