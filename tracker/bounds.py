"""The ranges every date, number and id must fall in, and the checks that apply them, in one place.

Forms (an error beside the field), services (a :class:`BoundsError`, so a command, the demo loader or an
API get the same answer) and query-string parsing all use these. The database CHECK constraints hold the
same numbers, so a value that got in before these rules is clamped into the same ranges.

Why bounds at all: a year 9999 passes a date field, then every calendar file computed from it (an
exclusive end, a VTIMEZONE a year beyond, a yearly remembrance day) overflows Python's dates; a number past
2^63 passes an integer field, then overflows the database's integer. Refusing at the door keeps every
later computation within what ``date``, ``datetime`` and the database's integer columns can hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort
from wtforms.validators import ValidationError

from .errors import RuleError
from .i18n import N_
from .timemath import as_zone, last_local_day

# --- The ranges --------------------------------------------------------------------------------------------

#: Years a date or time a person or a query string gives may fall in (inclusive).
FIRST_YEAR = 1900
LAST_YEAR = 2200
FIRST_DAY = date(FIRST_YEAR, 1, 1)
LAST_DAY = date(LAST_YEAR, 12, 31)
#: Every stored instant (UTC) lies in ``[EARLIEST_INSTANT, LATEST_INSTANT)``: the local days above, in any
#: zone (offsets stay well within a day), an all-day event's exclusive end at midnight included.
EARLIEST_INSTANT = datetime(FIRST_YEAR - 1, 12, 31, tzinfo=UTC)
LATEST_INSTANT = datetime(LAST_YEAR + 1, 1, 2, tzinfo=UTC)

#: The WTForms wording of a range, already in our catalogs (``tracker/forms.py``).
NUMBER_MESSAGE = N_("Number must be between %(min)s and %(max)s.")


@dataclass(frozen=True)
class Bounds:
    """An inclusive range of whole numbers and the message that states it (``%(min)s``, ``%(max)s``)."""

    low: int
    high: int
    message: str = NUMBER_MESSAGE

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and self.low <= value <= self.high


#: Seats or standing places of a venue.
VENUE_CAPACITY = Bounds(1, 1_000_000, N_("The capacity must be at least %(min)s and at most %(max)s, or left empty."))
#: People a unit announces (expected headcount) or brings (actual attendance).
HEADCOUNT = Bounds(0, 10_000)
#: Minutes an agenda item lasts (a day at most).
AGENDA_DURATION = Bounds(1, 24 * 60)
#: Page numbers of long lists; beyond them a list has no such page (404).
PAGE = Bounds(1, 1_000_000)
#: Record ids in URLs and forms: what every id column holds on both databases. The ids are INTEGER, which
#: PostgreSQL keeps in 32 bits (SQLite in 64): a larger id would fail the query there instead of finding
#: nothing, so past this an id names no record (404).
RECORD_ID = Bounds(1, 2**31 - 1)
#: How deep MIME parts may nest in an uploaded email (real replies nest two or three deep).
MAX_MIME_DEPTH = 20

#: What the form, the service and the error page say about an out-of-range date.
DATE_MESSAGE = N_("Give a date between the years %(first)s and %(last)s.")
END_MESSAGE = N_("The event must end by 31 December %(last)s.")


class BoundsError(RuleError):
    """A date, number or id outside the range the application accepts; the message says which range."""


# --- Checks the services call (they raise) -----------------------------------------------------------------


def check_number(value: int | None, bounds: Bounds, field: str | None = None,
                 error: type[RuleError] = BoundsError) -> None:
    """Refuse a number outside ``bounds`` (``None`` means "not given" and passes).

    ``error`` is the area's own :class:`RuleError` when its callers expect one (``DirectoryError`` …).
    """
    if value is not None and value not in bounds:
        raise error(bounds.message, field, min=bounds.low, max=bounds.high)


def check_date(value: date | datetime | None, field: str | None = None,
               error: type[RuleError] = BoundsError) -> None:
    """Refuse a calendar day (or the day of a wall-clock time) outside the accepted years."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime) else value
    if not FIRST_DAY <= day <= LAST_DAY:
        raise error(DATE_MESSAGE, field, first=FIRST_YEAR, last=LAST_YEAR)


def check_instant(value: datetime | None, zone: str | ZoneInfo, field: str | None = None,
                  error: type[RuleError] = BoundsError) -> None:
    """Refuse an instant whose local day in ``zone`` is outside the accepted years."""
    if value is None:
        return
    if value.tzinfo is None:
        raise ValueError("naive datetime given where an instant is expected")
    if not EARLIEST_INSTANT <= value < LATEST_INSTANT:
        raise error(DATE_MESSAGE, field, first=FIRST_YEAR, last=LAST_YEAR)
    check_date(value.astimezone(as_zone(zone)), field, error)


def check_span(starts_at: datetime, ends_at: datetime, zone: str | ZoneInfo, *, start_field: str | None = None,
               end_field: str | None = None) -> None:
    """Refuse an event that starts before the first day or ends after the last one, in its own zone.

    An end exactly at local midnight belongs to the day before (an all-day event's exclusive end), so a
    ceremony on the last day may end at its midnight.
    """
    check_instant(starts_at, zone, start_field)
    if not EARLIEST_INSTANT <= ends_at < LATEST_INSTANT:
        raise BoundsError(END_MESSAGE, end_field, last=LAST_YEAR)
    if last_local_day(starts_at, ends_at, zone) > LAST_DAY:
        raise BoundsError(END_MESSAGE, end_field, last=LAST_YEAR)


# --- Parsing text (query strings, hidden fields) -----------------------------------------------------------

_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,30}")


def parse_number(text: str | None, bounds: Bounds) -> int | None:
    """``text`` as a whole number within ``bounds``; ``None`` for anything else (empty, garbage, too large).

    Only ASCII digits count: ``str.isdigit`` also accepts "²", which ``int`` then refuses.
    """
    if text is None:
        return None
    stripped = text.strip()
    if not _WHOLE_NUMBER.fullmatch(stripped):
        return None
    value = int(stripped)
    return value if value in bounds else None


def parse_month(text: str, today: date) -> date | None:
    """``"2012-02"`` → 1 February 2012; empty → this month; malformed or outside the years → ``None``."""
    if not text:
        return today.replace(day=1)
    try:
        first = datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        return None
    return first if FIRST_DAY <= first <= LAST_DAY else None


def requested_page(args: Any) -> int:
    """The ``page`` of a query string (1 when absent); a page that cannot exist answers 404.

    ``args`` is ``request.args``. A page number that is not a whole number from 1 to 1,000,000 names no
    page of any list, so it is "not found" rather than a guess at what was meant.
    """
    text = args.get("page")
    if text is None or text == "":
        return 1
    page = parse_number(text, PAGE)
    if page is None:
        abort(404)
    return page


# --- Form validators (the same checks, shown beside the field) ---------------------------------------------


class _BoundsValidator:
    """Base of the WTForms validators below: quiet without a value (``Optional``/``InputRequired`` decide)."""

    def check(self, value: Any) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def __call__(self, form: Any, field: Any) -> None:
        if field.data is None:
            return
        try:
            self.check(field.data)
        except RuleError as error:
            raise ValidationError(error.translated()) from error


class DateWithinBounds(_BoundsValidator):
    """A date or wall-clock date-time field whose day must fall in the accepted years."""

    def check(self, value: Any) -> None:
        """Apply :func:`check_date`."""
        check_date(value)


class NumberWithinBounds(_BoundsValidator):
    """An integer field whose value must fall in ``bounds``."""

    def __init__(self, bounds: Bounds) -> None:
        self.bounds = bounds

    def check(self, value: Any) -> None:
        """Apply :func:`check_number`."""
        check_number(value, self.bounds)
