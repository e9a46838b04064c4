"""How events read on a page: labels of kinds and statuses, when-texts, anniversaries, language names.

Used by the templates (registered as template globals by the events blueprint) and by the views.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from babel import Locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..i18n import current_language, local_date, local_datetime, local_time
from ..models import AgendaKind, Event, EventKind, EventStatus
from ..ordinals import ordinal
from ..timemath import last_local_day

KIND_LABELS = {
    EventKind.CEREMONY: _l("Ceremony"),
    EventKind.COMMEMORATION: _l("Commemoration"),
    EventKind.EXHIBITION: _l("Exhibition"),
    EventKind.MEETING: _l("Meeting"),
    EventKind.OTHER: _l("Other"),
}

STATUS_LABELS = {
    EventStatus.DRAFT: _l("Draft"),
    EventStatus.SCHEDULED: _l("Scheduled"),
    EventStatus.HELD: _l("Held"),
    EventStatus.CANCELLED: _l("Cancelled"),
}

AGENDA_KIND_LABELS = {
    AgendaKind.SILENCE: _l("Silence"),
    AgendaKind.SPEECH: _l("Speech"),
    AgendaKind.WREATH_LAYING: _l("Wreath laying"),
    AgendaKind.EXHIBITION_REVIEW: _l("Exhibition review"),
    AgendaKind.SCREENING: _l("Screening"),
    AgendaKind.OTHER: _l("Other"),
}


def kind_label(kind: str) -> str:
    """The reader's word for an event kind."""
    try:
        return str(KIND_LABELS[EventKind(kind)])
    except ValueError:
        return kind


def status_label(status: str) -> str:
    """The reader's word for an event status."""
    try:
        return str(STATUS_LABELS[EventStatus(status)])
    except ValueError:
        return status


def agenda_kind_label(kind: str) -> str:
    """The reader's word for an agenda item kind."""
    try:
        return str(AGENDA_KIND_LABELS[AgendaKind(kind)])
    except ValueError:
        return kind


def anniversary_label(number: int | None) -> str:
    """"20th anniversary" in the reader's language, or '' when there is no anniversary."""
    if not number:
        return ""
    return _("%(ordinal)s anniversary", ordinal=ordinal(number, current_language()))


def language_name(code: str, language: str | None = None) -> str:
    """The name of language ``code`` in the reader's language ("Azerbaijani", "азербайджанский")."""
    try:
        return Locale.parse(language or current_language()).languages.get(code, code)
    except (ValueError, TypeError):
        return code


def language_list(codes: list[str] | None) -> str:
    """Names of the languages of materials, comma-separated, in the reader's language."""
    return ", ".join(language_name(code) for code in codes or [])


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


def template_helpers() -> dict[str, Any]:
    """The helpers the events templates use, as template globals."""
    return {
        "kind_label": kind_label,
        "status_label": status_label,
        "agenda_kind_label": agenda_kind_label,
        "anniversary_label": anniversary_label,
        "language_list": language_list,
        "when_text": when_text,
        "opening_hours": hours,
    }
