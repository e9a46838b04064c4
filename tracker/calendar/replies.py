"""Reading the METHOD:REPLY a unit's calendar sent back (pure: bytes in, a :class:`CalendarReply` out).

Accepts the bare ``.ics`` text or a whole email (``.eml``): the ``text/calendar`` part is taken out,
whatever its transfer encoding. Shapes seen in the wild and handled here: Exchange replies without
ORGANIZER, ``MAILTO:`` in upper case, Windows zone names without a VTIMEZONE, LF instead of CRLF,
folded ATTENDEE lines, and Exchange's ``X-MICROSOFT-CDO-APPT-SEQUENCE`` when SEQUENCE is missing.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from typing import Any
from urllib.parse import unquote

import icalendar
from flask_babel import lazy_gettext as _l

from ..bounds import MAX_MIME_DEPTH

#: Reply PARTSTAT → invitation status.
STATUS_BY_PARTSTAT = {
    "ACCEPTED": "accepted",
    "TENTATIVE": "tentative",
    "DECLINED": "declined",
}

#: Largest reply we read; real replies are a few kilobytes, whole emails rarely more than a megabyte.
MAX_REPLY_BYTES = 2 * 1024 * 1024
#: Largest email whose parts the mailbox looks through (a reply may come with a large attachment; the calendar part
#: itself is still bounded by ``MAX_REPLY_BYTES``). Larger mail is left alone.
MAX_EMAIL_BYTES = 32 * 1024 * 1024
#: Control characters: never part of a UID we sent (a NUL cannot even be stored by PostgreSQL).
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ReplyError(ValueError):
    """A reply that changes nothing, with the reason to show the organiser."""

    def __init__(self, reason: Any) -> None:
        super().__init__(reason)  # not str(reason): a lazy reason is translated when shown, not when raised
        self.reason = reason


@dataclass(frozen=True)
class AttendeeAnswer:
    """One ATTENDEE line of a reply."""

    email: str
    partstat: str


@dataclass(frozen=True)
class CalendarReply:
    """What a reply says: which event (UID), which version (SEQUENCE), and who answered what."""

    uid: str
    sequence: int
    answers: tuple[AttendeeAnswer, ...]
    comment: str = ""


def address_of(value: Any) -> str:
    """``MAILTO:Unit@Example.org`` → ``unit@example.org`` (scheme stripped, percent-decoded, lower-cased)."""
    text = str(value or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:"):]
    return unquote(text).strip().lower()


#: What Python's email parser takes for a header line (``email.feedparser.headerRE``).
_HEADER_LINE = re.compile(rb"^(From |[\041-\071\073-\176]*:|[\t ])")


def _opened_level(header_lines: list[bytes], in_digest: bool) -> tuple[bool, bytes | None, bool]:
    """Whether a part with these headers nests another level, the boundary that ends its parts, and
    whether it is a digest (whose parts are messages unless they say otherwise).

    A multipart with a boundary nests its parts; a ``message/*`` part (other than delivery-status, which
    holds header blocks only) nests a whole message. Both are where Python's parser recurses.
    """
    headers = BytesHeaderParser(policy=email.policy.compat32).parsebytes(b"\n".join(header_lines))
    if in_digest and headers.get("content-type") is None:
        return True, None, False
    maintype, subtype = headers.get_content_maintype(), headers.get_content_subtype()
    if maintype == "multipart":
        boundary = headers.get_boundary()
        if boundary:
            return True, boundary.encode("ascii", "surrogateescape"), subtype == "digest"
        return False, None, False
    return maintype == "message" and subtype != "delivery-status", None, False


def mime_depth(data: bytes, limit: int = MAX_MIME_DEPTH) -> int:
    """How deep the parts of the email ``data`` nest, counted without parsing it (stops past ``limit``).

    Python's email parser and ``Message.walk`` recurse once per level, so a crafted email nesting a
    thousand multiparts ends in ``RecursionError``. This scan reads the lines once, keeping a stack of
    the levels still open, the way the parser finds parts, but without recursion.
    """
    # Enclosing levels, innermost last: (boundary, is a digest); a nested message has no boundary.
    open_levels: list[tuple[bytes | None, bool]] = []
    depth = 0
    header_lines: list[bytes] | None = []  # collecting a part's headers; None while in a body
    in_digest = False  # the headers being collected are those of a digest's part
    for line in data.splitlines():
        if header_lines is not None:
            if line and _HEADER_LINE.match(line):
                header_lines.append(line)
                continue
            nests, boundary, digest = _opened_level(header_lines, in_digest)
            header_lines, in_digest = None, False
            if nests:
                open_levels.append((boundary, digest))
                depth = max(depth, len(open_levels))
                if depth > limit:
                    return depth
                if boundary is None:
                    header_lines = []  # a nested message: its own headers come next
            if not line.strip():
                continue  # the blank line that ends the headers
        if not line.startswith(b"--"):
            continue
        text = line.rstrip(b" \t")
        for index in range(len(open_levels) - 1, -1, -1):
            boundary, digest = open_levels[index]
            if boundary is None:
                continue
            if text == b"--" + boundary + b"--":
                del open_levels[index:]
                break
            if text == b"--" + boundary:
                del open_levels[index + 1:]
                header_lines, in_digest = [], digest
                break
    if header_lines:
        nests, _boundary, _digest = _opened_level(header_lines, in_digest)
        depth = max(depth, len(open_levels) + int(nests))
    return depth


#: The methods an attendee sends the organiser (RFC 5546 §3.2): the ones the mailbox reads, in preference order.
ATTENDEE_METHODS = ("REPLY", "COUNTER", "REFRESH")


@dataclass(frozen=True)
class CalendarPart:
    """An email's calendar part: the ``method`` its Content-Type names (upper case, may be empty) and its bytes."""

    method: str
    payload: bytes


def _calendar_parts(message: EmailMessage) -> list[CalendarPart]:
    """The decoded ``text/calendar`` (or attached ``.ics``) parts of an email, in the order they come."""
    parts = []
    for part in message.walk():
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        filename = str(part.get_filename() or "").lower()
        if content_type not in ("text/calendar", "application/ics") and not filename.endswith(".ics"):
            continue
        try:
            payload = part.get_payload(decode=True)
            method = str(part.get_param("method") or "").strip().upper()
        except Exception:  # noqa: S112 - a part whose headers or encoding cannot be read is not a calendar part
            continue
        if isinstance(payload, bytes):
            parts.append(CalendarPart(method=method[:40], payload=payload.lstrip(b"\xef\xbb\xbf \t\r\n")))
    return parts


def _preferred(parts: list[CalendarPart]) -> CalendarPart | None:
    """The part an attendee's method names (REPLY first), else the first one."""
    if not parts:
        return None
    return min(parts, key=lambda p: ATTENDEE_METHODS.index(p.method) if p.method in ATTENDEE_METHODS
               else len(ATTENDEE_METHODS))


def _calendar_part(message: EmailMessage) -> bytes | None:
    """The decoded ``text/calendar`` (or attached ``.ics``) part of an email, preferring method=REPLY."""
    part = _preferred(_calendar_parts(message))
    return None if part is None else part.payload


def email_calendar_part(raw: bytes) -> CalendarPart | None:
    """The calendar part of the email ``raw`` (an attendee's method first), or ``None`` when it has none.

    Only MIME parts count: a calendar quoted in a plain-text body is not one. An email larger than
    ``MAX_EMAIL_BYTES`` is not looked into (``None``); a large attachment beside a small calendar part does not
    matter. Raises :class:`ReplyError` when the email nests its parts too deep to be read safely, or when the
    calendar part of an attendee's method is itself larger than ``MAX_REPLY_BYTES`` (another method's: ``None``).
    """
    if len(raw) > MAX_EMAIL_BYTES:
        return None
    if mime_depth(raw) > MAX_MIME_DEPTH:
        raise ReplyError(_l("The email nests its parts more than %(limit)s levels deep. Save the calendar "
                            "attachment (.ics) and upload that instead.", limit=MAX_MIME_DEPTH))
    message = email.message_from_bytes(raw, policy=email.policy.default)
    part = _preferred(_calendar_parts(message))  # type: ignore[arg-type]
    if part is not None and len(part.payload) > MAX_REPLY_BYTES:
        if part.method in ATTENDEE_METHODS:
            raise ReplyError(_l("The file is too large to be a calendar reply."))
        return None
    return part


def extract_calendar_text(raw: bytes | str) -> bytes:
    """The iCalendar bytes inside ``raw``: the text itself, or the calendar part of a whole email."""
    data = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
    if len(data) > MAX_REPLY_BYTES:
        raise ReplyError(_l("The file is too large to be a calendar reply."))
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:15].upper().startswith(b"BEGIN:VCALENDAR"):
        return stripped
    if b":" in stripped.split(b"\n", 1)[0]:
        if mime_depth(stripped) > MAX_MIME_DEPTH:
            raise ReplyError(_l("The email nests its parts more than %(limit)s levels deep. Save the calendar "
                                "attachment (.ics) and upload that instead.", limit=MAX_MIME_DEPTH))
        message = email.message_from_bytes(stripped, policy=email.policy.default)
        if message.is_multipart() or message.get_content_type() in ("text/calendar", "application/ics"):
            part = _calendar_part(message)  # type: ignore[arg-type]
            if part is not None:
                return part.lstrip(b"\xef\xbb\xbf \t\r\n")
            raise ReplyError(_l("The email has no calendar part (text/calendar)."))
    start = stripped.upper().find(b"BEGIN:VCALENDAR")
    if start >= 0:
        return stripped[start:]
    raise ReplyError(_l("This is not an iCalendar file: no BEGIN:VCALENDAR."))


def _sequence(component: icalendar.Component) -> int:
    for name in ("SEQUENCE", "X-MICROSOFT-CDO-APPT-SEQUENCE"):
        value = component.get(name)
        if value is None:
            continue
        try:
            return int(str(value.to_ical().decode() if hasattr(value, "to_ical") else value).strip())
        except ValueError as error:
            raise ReplyError(_l("The reply's SEQUENCE is not a number.")) from error
    # RFC 5545 §3.8.7.4: a missing SEQUENCE means 0.
    return 0


def _uid(component: icalendar.Component, missing: Any) -> str:
    """The component's UID; :class:`ReplyError` (``missing`` when it has none) when it is not one we could have
    sent. One rule for the upload form and the mailbox."""
    uid = str(component.get("UID") or "").strip()
    if not uid:
        raise ReplyError(missing)
    if _CONTROL.search(uid):
        raise ReplyError(_l("The UID contains control characters; no event has such a UID."))
    return uid


def read_calendar(data: bytes) -> icalendar.Calendar:
    """The one calendar in the iCalendar text ``data``; raise :class:`ReplyError` when it is broken or not one."""
    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
    except Exception as error:  # icalendar raises ValueError, KeyError, IndexError … on broken input
        raise ReplyError(_l("The file is broken and cannot be read as iCalendar.")) from error
    if not calendars or not data.rstrip().upper().endswith(b"END:VCALENDAR"):
        # icalendar skips unbalanced components silently; a truncated file has no END:VCALENDAR.
        raise ReplyError(_l("The file is broken and cannot be read as iCalendar."))
    if len(calendars) != 1:
        raise ReplyError(_l("Expected exactly one calendar in the file, found %(count)s.", count=len(calendars)))
    return calendars[0]


def calendar_method(calendar: icalendar.Calendar) -> str:
    """The calendar's METHOD, upper case ("" when it has none)."""
    return str(calendar.get("METHOD") or "").strip().upper()[:40]


def parse_reply(raw: bytes | str) -> CalendarReply:
    """Read a METHOD:REPLY; raise :class:`ReplyError` with the reason when it is not a usable reply."""
    calendar = read_calendar(extract_calendar_text(raw))
    method = calendar_method(calendar)
    if method != "REPLY":
        raise ReplyError(_l("This is not a reply: METHOD is %(method)s, expected REPLY.", method=method or "—"))
    events = [c for c in calendar.walk("VEVENT")]
    if not events:
        raise ReplyError(_l("The reply holds no event (VEVENT)."))
    # A whole-event answer; answers for a single occurrence (RECURRENCE-ID) are not tracked separately.
    masters = [c for c in events if c.get("RECURRENCE-ID") is None]
    if not masters:
        raise ReplyError(_l("The reply answers a single day of a recurring event; only whole-event answers count."))
    component = masters[0]
    uid = _uid(component, _l("The reply has no UID."))
    attendees = component.get("ATTENDEE")
    if attendees is None:
        raise ReplyError(_l("The reply names no ATTENDEE."))
    if not isinstance(attendees, list):
        attendees = [attendees]
    answers = []
    for attendee in attendees:
        address = address_of(attendee)
        partstat = str(getattr(attendee, "params", {}).get("PARTSTAT", "NEEDS-ACTION")).upper()
        if address:
            answers.append(AttendeeAnswer(email=address, partstat=partstat))
    if not answers:
        raise ReplyError(_l("The reply names no ATTENDEE."))
    comment = component.get("COMMENT")
    if isinstance(comment, list):
        comment = comment[0] if comment else ""
    return CalendarReply(
        uid=uid,
        sequence=_sequence(component),
        answers=tuple(answers),
        comment=str(comment or "").strip(),
    )


@dataclass(frozen=True)
class CalendarCounter:
    """A METHOD:COUNTER: an attendee proposes another time (RFC 5546 §3.2.7). Shown to the organiser, never applied."""

    uid: str
    sequence: int
    #: The attendees' addresses (lower case) the proposal comes from.
    attendees: tuple[str, ...]
    #: The proposed start and end: aware instants (UTC), naive for a floating time (to be read in the event's
    #: zone), or dates for a whole-day proposal; ``None`` when missing.
    starts_at: datetime | date | None
    ends_at: datetime | date | None
    comment: str = ""


@dataclass(frozen=True)
class CalendarRefresh:
    """A METHOD:REFRESH: an attendee asks for the event's current version (RFC 5546 §3.2.6)."""

    uid: str
    #: The attendees' addresses (lower case) asking.
    attendees: tuple[str, ...]


def _attendee_event(calendar: icalendar.Calendar) -> tuple[icalendar.Component, str, tuple[str, ...]]:
    """The whole-event VEVENT of an attendee's message, its UID and its attendees' addresses."""
    masters = [c for c in calendar.walk("VEVENT") if c.get("RECURRENCE-ID") is None]
    if not masters:
        raise ReplyError(_l("The message holds no event (VEVENT) for the whole event."))
    component = masters[0]
    uid = _uid(component, _l("The message has no UID."))
    attendees = component.get("ATTENDEE")
    if not isinstance(attendees, list):
        attendees = [] if attendees is None else [attendees]
    addresses = tuple(dict.fromkeys(a for a in (address_of(value) for value in attendees) if a))
    if not addresses:
        raise ReplyError(_l("The message names no ATTENDEE."))
    return component, uid, addresses


def _instant(component: icalendar.Component, name: str) -> datetime | date | None:
    """DTSTART or DTEND as an aware UTC instant (a floating time stays naive: only the event knows its zone), a
    date, or ``None``."""
    prop = component.get(name)
    value = getattr(prop, "dt", None)
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value
    if isinstance(value, date):
        return value
    return None


def _comment(component: icalendar.Component) -> str:
    comment = component.get("COMMENT")
    if isinstance(comment, list):
        comment = comment[0] if comment else ""
    return str(comment or "").strip()


def parse_counter(calendar: icalendar.Calendar) -> CalendarCounter:
    """Read a METHOD:COUNTER calendar (from :func:`read_calendar`); :class:`ReplyError` when it is not usable."""
    component, uid, attendees = _attendee_event(calendar)
    starts_at = _instant(component, "DTSTART")
    ends_at = _instant(component, "DTEND")
    if starts_at is None:
        raise ReplyError(_l("The proposal names no start (DTSTART)."))
    return CalendarCounter(uid=uid, sequence=_sequence(component), attendees=attendees, starts_at=starts_at,
                           ends_at=ends_at, comment=_comment(component))


def parse_refresh(calendar: icalendar.Calendar) -> CalendarRefresh:
    """Read a METHOD:REFRESH calendar (from :func:`read_calendar`); :class:`ReplyError` when it is not usable."""
    _component, uid, attendees = _attendee_event(calendar)
    return CalendarRefresh(uid=uid, attendees=attendees)
