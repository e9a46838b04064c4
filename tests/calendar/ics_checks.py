"""Checks on produced iCalendar files that the parsers themselves do not make.

Every file is parsed by icalendar and by two parsers we did not write (``ical`` and vobject); then the
raw bytes are checked for CRLF and 75-octet lines, and the components for the properties RFC 5546
requires per METHOD, DTEND after DTSTART, no floating times, and a VTIMEZONE for every TZID.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import icalendar
import vobject
from ical.calendar_stream import IcsCalendarStream

#: RFC 5546 §3.2: properties a VEVENT must have, per METHOD (None = a feed without METHOD, RFC 5545 only).
REQUIRED = {
    "REQUEST": {"ORGANIZER", "ATTENDEE", "DTSTAMP", "DTSTART", "SEQUENCE", "SUMMARY", "UID"},
    "CANCEL": {"ORGANIZER", "ATTENDEE", "DTSTAMP", "SEQUENCE", "UID", "STATUS"},
    "PUBLISH": {"ORGANIZER", "DTSTAMP", "DTSTART", "SUMMARY", "UID"},
    None: {"DTSTAMP", "DTSTART", "UID", "SUMMARY"},
}


def physical_lines(data: bytes) -> list[bytes]:
    """The lines of ``data`` split on CRLF; fails if any other line break is present."""
    assert data.endswith(b"\r\n"), "file must end with CRLF"
    lines = data[:-2].split(b"\r\n")
    for number, line in enumerate(lines, start=1):
        assert b"\r" not in line and b"\n" not in line, f"bare CR or LF on line {number}: {line!r}"
        assert len(line) <= 75, f"line {number} has {len(line)} octets: {line!r}"
        line.decode("utf-8")  # folding must not split a UTF-8 sequence
        assert b"\x00" not in line, f"NUL on line {number}"
    return lines


def unfolded(data: bytes) -> list[str]:
    """Content lines after unfolding (RFC 5545 §3.1)."""
    return data.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")[:-1]


def check_calendar(data: bytes, *, method: str | None) -> icalendar.Calendar:
    """Parse ``data`` three ways and check the rules; returns the icalendar object."""
    physical_lines(data)
    calendars = icalendar.Calendar.from_ical(data, multiple=True)
    assert len(calendars) == 1
    calendar = calendars[0]
    # Two parsers we did not write must accept it too.
    other = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    third = vobject.readOne(data.decode("utf-8"))
    assert third.name == "VCALENDAR"

    assert calendar.get("VERSION") == "2.0"
    assert calendar.get("PRODID")
    if method is None:
        assert "METHOD" not in calendar
    else:
        assert str(calendar["METHOD"]) == method

    events = calendar.walk("VEVENT")
    assert events, "no VEVENT"
    assert len(other.events) == len(events)
    for component in events:
        names = set(component.keys())
        missing = REQUIRED[method] - names
        assert not missing, f"{component.get('UID')}: missing {missing}"
        if method in (None, "PUBLISH"):
            assert "ATTENDEE" not in component, "downloads and feeds carry no ATTENDEE"
        if method == "CANCEL":
            assert str(component["STATUS"]) == "CANCELLED"
        if method in ("REQUEST", "CANCEL"):
            assert str(component["ORGANIZER"]).lower().startswith("mailto:")
            attendees = component["ATTENDEE"]
            for attendee in attendees if isinstance(attendees, list) else [attendees]:
                assert str(attendee).lower().startswith("mailto:")
        start = component.decoded("DTSTART")
        for value in (start, component.decoded("DTEND") if "DTEND" in component else None):
            if isinstance(value, datetime):
                assert value.tzinfo is not None, "floating time"
        if "DTEND" in component:
            end = component.decoded("DTEND")
            assert type(start) is type(end), "DTSTART and DTEND of different value types"
            assert end > start, "DTEND must be after DTSTART"
        if isinstance(start, date) and not isinstance(start, datetime):
            assert "DTEND" in component, "all-day events carry an exclusive DTEND"

    # Every TZID used has its VTIMEZONE, and no VTIMEZONE is unused.
    text = "\r\n".join(unfolded(data))
    used = set(re.findall(r";TZID=([^;:]+)", text))
    defined = {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}
    assert used == defined, (used, defined)
    assert calendar.get_missing_tzids() == set()
    return calendar


def single_event(calendar: icalendar.Calendar) -> icalendar.Event:
    """The only VEVENT of ``calendar``."""
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]
