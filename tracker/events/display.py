"""How events read on a page: when-texts, anniversaries, opening hours.

The labels of kinds and statuses are in :mod:`tracker.vocabulary`. Used by the templates (registered as
template globals by :mod:`tracker.templating`) and by the views.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from flask_babel import gettext as _

from ..i18n import current_language, local_date, local_datetime, local_time
from ..models import Event
from ..ordinals import ordinal
from ..text import clean_text
from ..timemath import last_local_day


def anniversary_label(number: int | None) -> str:
    """"20th anniversary" in the reader's language, or '' when there is no anniversary."""
    if not number:
        return ""
    return _("%(ordinal)s anniversary", ordinal=ordinal(number, current_language()))


def hours(opens: time, closes: time) -> str:
    """Opening hours as ``09:00–18:00`` (24-hour, the same in every language)."""
    return f"{opens:%H:%M}–{closes:%H:%M}"


#: Dates in when-texts, as ``tracker.i18n.local_datetime`` writes them: "25 February 2012", "25 февраля 2012".
DATE_FORMAT = "d MMMM y"


def _day(value: date) -> str:
    return local_date(value, DATE_FORMAT)


def when_text(event: Event) -> str:
    """When an event takes place, in its own zone, as a programme says it.

    ``25 February 2012, 10:00–11:30``; ``22 February 2012 – 1 March 2012, daily 09:00–18:00``;
    ``26 February 2012`` for a whole day.
    """
    zone = event.zone
    first = event.local_start
    last_day = last_local_day(event.starts_at, event.ends_at, zone)
    if event.all_day:
        if last_day <= first.date():
            return _day(first.date())
        return f"{_day(first.date())} – {_day(last_day)}"
    if event.has_daily_hours and event.daily_opens is not None and event.daily_closes is not None:
        period = f"{_day(first.date())} – {_day(last_day)}"
        return _("%(period)s, daily %(hours)s", period=period, hours=hours(event.daily_opens, event.daily_closes))
    if last_day == first.date():  # on one day, perhaps ending at its midnight
        return f"{_day(first.date())}, {local_time(first)}–{local_time(event.local_end)}"
    return f"{local_datetime(first)} – {local_datetime(event.local_end)}"


def where_text(event: Event, language: str | None = None) -> str:
    """Where an event takes place, on one line: the venue's name and address in ``language``, or ''."""
    if event.venue is None:
        return ""
    name = " ".join(clean_text(event.venue.text("name", language) or "").split("\n")).strip()
    address_lines = clean_text(event.venue.text("address", language) or "").split("\n")
    address = ", ".join(line.strip() for line in address_lines if line.strip())
    return ", ".join(part for part in (name, address) if part)


def template_helpers() -> dict[str, Any]:
    """The helpers the events templates use, as template globals."""
    return {
        "anniversary_label": anniversary_label,
        "when_text": when_text,
        "opening_hours": hours,
    }
