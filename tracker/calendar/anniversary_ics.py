"""The anniversaries-to-come calendar: one all-day VEVENT per round anniversary (pure: no request, no session).

One event per anniversary rather than one yearly RRULE per date: each carries its own ordinal ("35th") and
whether a series plans it, which a recurrence cannot say. DTSTAMP is fixed per anniversary, so the bytes stay
the same while nothing changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta

import icalendar

from ..events.anniversaries import Anniversary, next_series_texts
from .ics import CalendarSettings, _, calendar_language, clean_line, clean_text


def anniversary_summary(anniversary: Anniversary, language: str) -> str:
    """The last series' title with its ordinal renumbered ("… 35th anniversary …") when it names one, else
    "35th anniversary: <title>"."""
    series = anniversary.last_series
    texts = next_series_texts(series, anniversary.number, (language,), anniversary.last_held)
    renumbered = texts["title"].get(language, "")
    if renumbered and renumbered != series.text("title", language):
        return clean_line(renumbered)
    return _("%(ordinal)s anniversary: %(title)s", ordinal=anniversary.ordinal(language),
             title=clean_line(series.text("title", language)))


def _component(anniversary: Anniversary, settings: CalendarSettings, language: str) -> icalendar.Event:
    remembered = anniversary.commemorated_on
    component = icalendar.Event()
    component.add("uid", f"anniversary-{remembered:%Y%m%d}-{anniversary.number}@{settings.uid_domain}")
    component.add("dtstamp", datetime.combine(remembered, time(0), tzinfo=UTC))
    component.add("sequence", 0)
    component.add("dtstart", anniversary.day)
    component.add("dtend", anniversary.day + timedelta(days=1))
    labels = {"LANGUAGE": calendar_language(settings)}
    component.add("summary", anniversary_summary(anniversary, language), parameters=labels)
    if anniversary.planned_by:
        state = _("Planned: %(series)s",
                  series="; ".join(clean_line(series.text("title", language)) for series in anniversary.planned_by))
        url = settings.series_url(anniversary.planned_by[0])
    else:
        state = _("Not planned yet.")
        url = settings.series_url(anniversary.last_series)
    component.add("description", clean_text("\n\n".join((state, url))), parameters=labels)
    component.add("url", url, parameters={"VALUE": "URI"})
    component.add("transp", "TRANSPARENT")
    component.add("status", "CONFIRMED")
    return component


def build_anniversaries_ics(anniversaries: Sequence[Anniversary], *, name: str, uid: str,
                            settings: CalendarSettings) -> bytes:
    """A feed (no METHOD) of ``anniversaries``, names in ``settings.language``."""
    language = calendar_language(settings)
    calendar = icalendar.Calendar()
    calendar.add("prodid", settings.prodid)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("uid", uid)
    calendar.add("name", clean_line(name))
    calendar.add("x-wr-calname", clean_line(name))
    calendar.add("refresh-interval", settings.refresh_interval, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(settings.refresh_interval))
    for anniversary in anniversaries:
        calendar.add_component(_component(anniversary, settings, language))
    return bytes(calendar.to_ical())
