"""The iCalendar builder: domain objects in, RFC 5545 bytes out (icalendar ≥ 7.3).

Pure: nothing here reads the request or the session. Settings (organiser address, base URL, alarms)
come in as a :class:`CalendarSettings`, made from the installation's :class:`~tracker.settings.Settings`
(:meth:`CalendarSettings.from_settings`); when none is given, from the current application's
(:func:`settings_from_app`, for the edge: views, signal receivers, commands).

Rules every file follows (see ``docs/calendar.md``):

- an event's UID never changes (``Event.uid``) and its SEQUENCE is ``Event.sequence``;
- local times carry TZID and the calendar carries the matching VTIMEZONE (no floating times);
- invitations (METHOD:REQUEST / CANCEL) carry ORGANIZER and one ATTENDEE per contact address of the
  invited unit; downloads (METHOD:PUBLISH) and feeds (no METHOD) carry no ATTENDEE;
- in downloads and feeds DTSTAMP is the event's ``updated_at``, so the bytes stay identical while
  nothing changed; in iTIP messages it is the moment the message was made.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

import icalendar
from flask_babel import force_locale, get_locale, gettext

from ..config import CONTENT_LANGUAGE
from ..events.display import where_text
from ..models import AgendaItem, AgendaKind, Event, EventKind, EventStatus, Invitation, InvitationStatus, Series
from ..settings import Settings
from ..settings import settings as current_settings
from ..text import clean_text as printable
from ..timemath import agenda_schedule, local_days
from ..vocabulary import agenda_kind_label, kind_label, language_name, position_in_sentence, title_names_kind
from .vtimezone import vtimezone_ical

PRODID = "-//tracker//Ceremony tracker//EN"

#: Unit answer → iCalendar PARTSTAT.
PARTSTAT_BY_STATUS: dict[str, str] = {
    InvitationStatus.PENDING: "NEEDS-ACTION",
    InvitationStatus.ACCEPTED: "ACCEPTED",
    InvitationStatus.TENTATIVE: "TENTATIVE",
    InvitationStatus.DECLINED: "DECLINED",
}

#: Event status → iCalendar STATUS. A draft is not yet confirmed to anyone.
STATUS_BY_EVENT_STATUS: dict[str, str] = {
    EventStatus.DRAFT: "TENTATIVE",
    EventStatus.SCHEDULED: "CONFIRMED",
    EventStatus.HELD: "CONFIRMED",
    EventStatus.CANCELLED: "CANCELLED",
}

ITIP_METHODS = ("REQUEST", "CANCEL")


@dataclass(frozen=True)
class CalendarSettings:
    """What the builder needs to know about the installation."""

    organizer_email: str = "protocol@example.org"
    organizer_name: str = "Protocol Office"
    #: Absolute URL of the site without a trailing slash; event pages are ``{base_url}/events/<id>``.
    base_url: str = "http://127.0.0.1:5000"
    #: Reminders before the start in invitations (VALARM), e.g. one day and one hour.
    alarms: tuple[timedelta, ...] = (timedelta(days=1), timedelta(hours=1))
    #: Language of the texts (titles, agenda); ``None`` means the content language.
    language: str | None = None
    #: The language untranslated texts are written in (``CONTENT_LANGUAGE``).
    content_language: str = CONTENT_LANGUAGE
    #: How often subscribed clients should refetch a feed.
    refresh_interval: timedelta = timedelta(hours=1)
    prodid: str = PRODID
    #: Names of the calendars, e.g. for ``X-WR-CALNAME``.
    organisation_name: str = "Ceremony tracker"

    @property
    def uid_domain(self) -> str:
        """Host part used for calendar-level UIDs."""
        return urlsplit(self.base_url).hostname or "tracker"

    def event_url(self, event: Event) -> str:
        """The event's page."""
        return f"{self.base_url}/events/{event.id}"

    def series_url(self, series: Series) -> str:
        """The series' page."""
        return f"{self.base_url}/series/{series.id}"

    @classmethod
    def from_settings(cls, settings: Settings, language: str | None = None) -> CalendarSettings:
        """What the builder needs of the installation's ``settings``, with texts in ``language``."""
        return cls(
            organizer_email=settings.organizer_email or cls.organizer_email,
            organizer_name=settings.organizer(language or settings.content_language or CONTENT_LANGUAGE),
            base_url=settings.root_url() or cls.base_url,
            alarms=settings.alarms,
            language=language,
            refresh_interval=settings.calendar_refresh,
            organisation_name=(settings.organisation(language or settings.content_language or CONTENT_LANGUAGE)
                               or cls.organisation_name),
            content_language=settings.content_language or CONTENT_LANGUAGE,
        )


def settings_from_app(language: str | None = None) -> CalendarSettings:
    """The builder's settings from the current application's (the edge: views, signal receivers, commands)."""
    return CalendarSettings.from_settings(current_settings(), language)


# --------------------------------------------------------------------------------------------- words

#: Translated messages by (locale, msgid): the catalogs are read once per process, and a feed of thousands of
#: events asks for the same few words thousands of times.
_MESSAGES: dict[tuple[Any, str], str] = {}


def _(string: str, **variables: Any) -> str:
    """``gettext`` in the current locale (what Flask-Babel's gives), each message looked up once per locale."""
    key = (get_locale(), string)
    message = _MESSAGES.get(key)
    if message is None:
        message = _MESSAGES[key] = gettext(string)
    return message % variables if variables else message


def _remembered(label: Callable[[str, str | None], str]) -> Callable[[str, str | None], str]:
    """``label(value, language)`` remembered per value and named language (the reader's is not remembered)."""
    cached = lru_cache(maxsize=512)(label)

    def lookup(value: str, language: str | None) -> str:
        return cached(value, language) if language else label(value, language)

    return lookup


_agenda_kind_label = _remembered(agenda_kind_label)
#: Agenda kinds an agenda line names ("other" does not).
_LABELLED_AGENDA_KINDS = frozenset(AgendaKind) - {AgendaKind.OTHER}
_kind_label = _remembered(kind_label)
_language_name = _remembered(language_name)

# --------------------------------------------------------------------------------------------- texts


def clean_text(value: str | None) -> str:
    """Text safe for an iCalendar TEXT value: the storage rule of :func:`tracker.text.clean_text`.

    Stored text is clean already; the builder applies the rule again because it is also given objects that
    were never stored (previews, tests). CRLF and a lone CR become LF (icalendar escapes LF as ``\\n``).
    """
    return printable(value) if value else ""


def clean_line(value: str | None) -> str:
    """A one-line text (names, parameters): newlines become spaces, controls dropped."""
    return " ".join(clean_text(value).split("\n")).strip()


def clean_parameter(value: str | None) -> str:
    """A one-line text for a parameter value (CN): double quotes become single quotes.

    RFC 5545 cannot carry ``"`` inside a parameter value; RFC 6868's ``^'`` escape exists but Outlook and
    vobject show it literally, so a name like ``Office "North"`` is written ``Office 'North'``.
    """
    return clean_line(value).replace('"', "'")


def calendar_address(email: str) -> str:
    """``mailto:`` URI for an email address; characters a URI may not hold are percent-encoded."""
    email = clean_line(email).replace(" ", "")
    return "mailto:" + quote(email, safe="@!$&'*+-=._~")


def _text(obj: Any, name: str, language: str | None) -> str:
    if obj is None:
        return ""
    return obj.text(name, language) if hasattr(obj, "text") else str(getattr(obj, name, "") or "")


def calendar_language(settings: CalendarSettings) -> str:
    """The language the calendar is written in: its labels, and the ``LANGUAGE`` of its texts."""
    return settings.language or settings.content_language


def _language_of(obj: Any, name: str, settings: CalendarSettings) -> str:
    """The language of the text :func:`_text` finds: the calendar's when it has one, else the primary language
    it falls back to (a title never translated is marked ``az``, not ``ru``)."""
    texts = obj.texts(name) if obj is not None and hasattr(obj, "texts") else {}
    language = calendar_language(settings)
    return language if texts.get(language) else settings.content_language


def agenda_times(event: Event) -> list[tuple[AgendaItem, time | None]]:
    """Agenda items in order with their local start (the run-of-show rule: :func:`tracker.timemath.agenda_schedule`)."""
    agenda = sorted(event.agenda, key=lambda i: i.position)
    entries = agenda_schedule(event.starts_at.astimezone(_zone(event)), event.all_day, agenda)
    return [(entry.item, entry.starts_at.time() if entry.starts_at is not None else None) for entry in entries]


def agenda_line(kind: str, title: str, language: str | None) -> str:
    """An agenda item's kind and title ("Opening. Welcome address"); the title alone for "other", an unknown
    kind, or a title that already says the kind ("Minute of silence in remembrance …")."""
    label = _agenda_kind_label(kind, language) if kind in _LABELLED_AGENDA_KINDS else ""
    if not label or title_names_kind(title, label):
        return title
    return f"{label}. {title}" if title else label


def _after_dash(person: Any, language: str | None, settings: CalendarSettings) -> str:
    """A speaker's position, rank and name after the dash of an agenda line: the position lower-case where the
    calendar's language writes it so mid-sentence ("… — начальник Службы, генерал-майор …")."""
    line = str(person.title_line(language))
    position = person.text("position", language)
    if position and line.startswith(position):
        line = position_in_sentence(position, calendar_language(settings)) + line[len(position):]
    return line


def event_description(event: Event, settings: CalendarSettings) -> str:
    """The description, presiding official, agenda in order with speakers, languages and the event URL."""
    language = settings.language
    parts: list[str] = []
    description = clean_text(_text(event, "description", language)).strip()
    if description:
        parts.append(description)
    if event.presiding is not None:
        parts.append(_("Presiding: %(person)s", person=clean_line(event.presiding.title_line(language))))
    if event.agenda:
        lines = [_("Agenda:")]
        for number, (item, starts) in enumerate(agenda_times(event), start=1):
            line = f"{number}. "
            if starts is not None:
                line += f"{starts.strftime('%H:%M')} "
            line += agenda_line(item.kind, clean_line(_text(item, "title", language)), language)
            if item.speaker is not None:
                line += f" — {clean_line(_after_dash(item.speaker, language, settings))}"
            lines.append(line)
        parts.append("\n".join(lines))
    if event.languages:
        names = ", ".join(_language_name(code, language or settings.content_language) for code in event.languages)
        parts.append(_("Materials in: %(languages)s", languages=names))
    parts.append(settings.event_url(event))
    return "\n\n".join(parts)


# ---------------------------------------------------------------------------------------------- times


def _zone(event: Event) -> ZoneInfo:
    return ZoneInfo(event.timezone or "UTC")


def _at(day: date, clock: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, clock.replace(tzinfo=None), tzinfo=zone)


def _set_times(component: icalendar.Event, event: Event) -> None:
    """DTSTART/DTEND (and RRULE) for the event's shape: timed, all-day span, or daily opening hours."""
    zone = _zone(event)
    first, last = local_days(event.starts_at, event.ends_at, zone)
    if event.all_day:
        component.add("dtstart", first)
        component.add("dtend", last + timedelta(days=1))
    elif event.has_daily_hours and last > first:
        assert event.daily_opens is not None and event.daily_closes is not None
        opens = _at(first, event.daily_opens, zone)
        closes = _at(first, event.daily_closes, zone)
        if closes <= opens:  # open past midnight
            closes += timedelta(days=1)
        component.add("dtstart", opens)
        component.add("dtend", closes)
        component.add("rrule", {"FREQ": "DAILY", "COUNT": (last - first).days + 1})
    elif event.kind == EventKind.EXHIBITION and last > first:
        # A multi-day exhibition without hours: whole days, end exclusive, not one block through the nights.
        component.add("dtstart", first)
        component.add("dtend", last + timedelta(days=1))
    else:
        component.add("dtstart", _local_or_utc(event.starts_at, zone))
        component.add("dtend", _local_or_utc(event.ends_at, zone))


def _local_or_utc(instant: datetime, zone: ZoneInfo) -> datetime:
    """``instant`` in the event's zone — or in UTC when it falls in the second pass of a repeated hour (autumn):
    a local time with a TZID names the first pass (RFC 5545), so the second one can only be written in UTC."""
    local = instant.astimezone(zone)
    if local.fold and local.replace(fold=0).utcoffset() != local.utcoffset():
        return instant.astimezone(UTC)
    return local


# ------------------------------------------------------------------------------------------ components


def _organizer(settings: CalendarSettings) -> icalendar.vCalAddress:
    organizer = icalendar.vCalAddress(calendar_address(settings.organizer_email))
    if settings.organizer_name:
        organizer.params["CN"] = clean_parameter(settings.organizer_name)
    return organizer


def invitation_attendees(invitation: Invitation, *, method: str = "REQUEST",
                         language: str | None = None) -> list[icalendar.vCalAddress]:
    """One ATTENDEE per contact address of the invited unit (CN: its name in ``language``), with the unit's answer
    as PARTSTAT."""
    unit = invitation.unit
    name = clean_parameter(_text(unit, "name", language)) if unit is not None else ""
    partstat = PARTSTAT_BY_STATUS.get(invitation.status, "NEEDS-ACTION")
    attendees = []
    seen: set[str] = set()
    for email in (unit.contact_emails if unit is not None else None) or []:
        address = calendar_address(email)
        if address == "mailto:" or address.lower() in seen:
            continue
        seen.add(address.lower())
        attendee = icalendar.vCalAddress(address)
        if name:
            attendee.params["CN"] = name
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        attendee.params["PARTSTAT"] = partstat
        if method == "REQUEST":
            attendee.params["RSVP"] = "TRUE"
        attendees.append(attendee)
    return attendees


def build_event_component(
    event: Event,
    *,
    settings: CalendarSettings,
    dtstamp: datetime | None = None,
    status: str | None = None,
) -> icalendar.Event:
    """The VEVENT of ``event`` without ORGANIZER/ATTENDEE/VALARM (those depend on the use).

    ``dtstamp`` defaults to the event's ``updated_at`` so that downloads and feeds stay byte-identical.
    """
    language = settings.language
    component = icalendar.Event()
    component.add("uid", event.uid)
    # An object not yet saved has no updated_at; its stamp cannot be stable anyway.
    stamp = dtstamp or event.updated_at or event.created_at or datetime.now(UTC).replace(microsecond=0)
    component.add("dtstamp", stamp.astimezone(UTC))
    component.add("sequence", event.sequence or 0)
    _set_times(component, event)
    labels = {"LANGUAGE": calendar_language(settings)}
    component.add("summary", clean_line(_text(event, "title", language)),
                  parameters={"LANGUAGE": _language_of(event, "title", settings)})
    component.add("description", event_description(event, settings), parameters=labels)
    location = where_text(event, language)
    if location:
        component.add("location", location, parameters={"LANGUAGE": _language_of(event.venue, "name", settings)})
    component.add("url", settings.event_url(event), parameters={"VALUE": "URI"})
    component.add("categories", [_kind_label(event.kind, calendar_language(settings))], parameters=labels)
    component.add("status", status or STATUS_BY_EVENT_STATUS.get(event.status, "CONFIRMED"))
    component.add("transp", "OPAQUE")
    if event.created_at is not None:
        component.add("created", event.created_at.astimezone(UTC))
    if event.updated_at is not None:
        component.add("last-modified", event.updated_at.astimezone(UTC))
    return component


def _alarm(before: timedelta, summary: str, language: str) -> icalendar.Alarm:
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary or _("Reminder"), parameters={"LANGUAGE": language})
    alarm.add("trigger", -before)
    return alarm


def build_remembrance_component(series: Series, *, settings: CalendarSettings) -> icalendar.Event | None:
    """The commemorated date of ``series`` as a yearly all-day event, or ``None`` without a date."""
    if series.commemorated_on is None:
        return None
    language = settings.language
    day = series.commemorated_on
    component = icalendar.Event()
    component.add("uid", series.uid)
    # No updated_at on a series: a fixed stamp keeps feeds byte-identical (clients compare UID+SEQUENCE).
    component.add("dtstamp", datetime.combine(day, time(0), tzinfo=UTC))
    component.add("sequence", 0)
    component.add("dtstart", day)
    component.add("dtend", day + timedelta(days=1))
    component.add("rrule", {"FREQ": "YEARLY"})
    labels = {"LANGUAGE": calendar_language(settings)}
    title = clean_line(_text(series, "title", language))
    component.add("summary", _("Day of remembrance: %(title)s", title=title), parameters=labels)
    description = clean_text(_text(series, "description", language)).strip()
    component.add("description", "\n\n".join(p for p in (description, settings.series_url(series)) if p),
                  parameters=labels)
    component.add("url", settings.series_url(series), parameters={"VALUE": "URI"})
    component.add("categories", [_kind_label(EventKind.COMMEMORATION, calendar_language(settings))], parameters=labels)
    component.add("transp", "TRANSPARENT")
    component.add("status", "CONFIRMED")
    return component


# ------------------------------------------------------------------------------------------- calendars


def _new_calendar(settings: CalendarSettings, method: str | None) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", settings.prodid)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def _vtimezone_ical(tzid: str, first_year: int, last_year: int) -> bytes:
    # Our own, from zoneinfo's transitions (cached there): icalendar's Timezone.from_tzid puts spring changes an
    # hour late (tracker/calendar/vtimezone.py, docs/calendar.md).
    return vtimezone_ical(tzid, first_year, last_year)


def _zone_years(spans: Iterable[Event] | Iterable[FeedSpan]) -> dict[str, tuple[int, int]]:
    """Per time zone, the years its VTIMEZONE covers: the local years from the first start to the last end."""
    years: dict[str, tuple[int, int]] = {}
    for span in spans:
        zone = ZoneInfo(span.timezone or "UTC")
        start_year = span.starts_at.astimezone(zone).year
        end_year = span.ends_at.astimezone(zone).year
        low, high = years.get(span.timezone, (start_year, end_year))
        years[span.timezone] = (min(low, start_year), max(high, end_year))
    return years


def _years_of(years: dict[str, tuple[int, int]], tzid: str) -> tuple[int, int]:
    """The years ``tzid``'s VTIMEZONE covers: its events' (:func:`_zone_years`), or for a TZID no event has, all the
    events' years."""
    if tzid in years:
        return years[tzid]
    if years:
        return min(low for low, _ in years.values()), max(high for _, high in years.values())
    return 2000, 2040


def _add_timezones(calendar: icalendar.Calendar, events: Iterable[Event]) -> None:
    """One VTIMEZONE per TZID used, covering the years of the events, placed before the VEVENTs."""
    years = _zone_years(events)
    missing = calendar.get_missing_tzids()
    timezones = []
    for tzid in sorted(missing):
        first, last = _years_of(years, tzid)
        timezones.append(icalendar.Timezone.from_ical(_vtimezone_ical(tzid, first, last)))
    calendar.subcomponents[0:0] = timezones


def _finish(calendar: icalendar.Calendar, events: Iterable[Event]) -> bytes:
    _add_timezones(calendar, events)
    return calendar.to_ical()


def _labels_in(settings: CalendarSettings) -> Any:
    """Labels ("Agenda:" …) in the calendar's language, without asking the request for a locale."""
    return force_locale(settings.language or settings.content_language)


def build_invitation_ics(
    event: Event,
    invitation: Invitation,
    *,
    method: str = "REQUEST",
    settings: CalendarSettings | None = None,
    now: datetime | None = None,
) -> bytes:
    """An iTIP message (RFC 5546) for one invited unit: METHOD:REQUEST (invitation or update) or CANCEL.

    Carries ORGANIZER, one ATTENDEE per contact address of the unit (PARTSTAT from its answer), the
    event's UID and current SEQUENCE; a REQUEST has reminders (``settings.alarms``), a CANCEL has
    STATUS:CANCELLED.
    """
    method = method.upper()
    if method not in ITIP_METHODS:
        raise ValueError(f"unsupported iTIP method {method!r}")
    settings = settings or settings_from_app()
    with _labels_in(settings):
        return _invitation_ics(event, invitation, method=method, settings=settings, now=now)


def _invitation_ics(
    event: Event, invitation: Invitation, *, method: str, settings: CalendarSettings, now: datetime | None
) -> bytes:
    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    calendar = _new_calendar(settings, method)
    status = "CANCELLED" if method == "CANCEL" or event.status == EventStatus.CANCELLED else None
    component = build_event_component(event, settings=settings, dtstamp=stamp, status=status)
    component.add("organizer", _organizer(settings))
    for attendee in invitation_attendees(invitation, method=method, language=settings.language):
        component.add("attendee", attendee)
    if method == "REQUEST" and status is None:
        summary = clean_line(_text(event, "title", settings.language))
        for before in settings.alarms:
            component.add_component(_alarm(before, summary, _language_of(event, "title", settings)))
    calendar.add_component(component)
    return _finish(calendar, [event])


def build_event_ics(event: Event, *, settings: CalendarSettings | None = None) -> bytes:
    """A download of one event: METHOD:PUBLISH, ORGANIZER, no ATTENDEE, stable bytes."""
    settings = settings or settings_from_app()
    with _labels_in(settings):
        calendar = _new_calendar(settings, "PUBLISH")
        component = build_event_component(event, settings=settings)
        component.add("organizer", _organizer(settings))
        calendar.add_component(component)
        return _finish(calendar, [event])


def build_feed_ics(
    events: Sequence[Event],
    *,
    name: str,
    uid: str,
    settings: CalendarSettings | None = None,
    series: Sequence[Series] = (),
    description: str | None = None,
) -> bytes:
    """A subscription feed: no METHOD, X-WR-CALNAME, REFRESH-INTERVAL and X-PUBLISHED-TTL, no ATTENDEE.

    ``uid`` is the calendar's own stable UID (RFC 7986). Events are written in a fixed order (start,
    then id) and stamped with their ``updated_at``, so unchanged data gives identical bytes. The
    remembrance day of each series in ``series`` with a commemorated date is added as a yearly event.
    """
    settings = settings or settings_from_app()
    with _labels_in(settings):
        return _feed_ics(events, name=name, uid=uid, settings=settings, series=series, description=description)


def _feed_calendar(*, name: str, uid: str, settings: CalendarSettings, description: str | None) -> icalendar.Calendar:
    """A feed's calendar with its own properties and no components yet."""
    calendar = _new_calendar(settings, None)
    calendar.add("uid", uid)
    calendar.add("name", clean_line(name))
    calendar.add("x-wr-calname", clean_line(name))
    if description:
        calendar.add("description", clean_text(description))
        # icalendar does not know X-WR-CALDESC and would write its line breaks raw (and then refuse the file).
        calendar.add("x-wr-caldesc", icalendar.vText(clean_text(description)))
    calendar.add("refresh-interval", settings.refresh_interval, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(settings.refresh_interval))
    return calendar


def _feed_ics(
    events: Sequence[Event],
    *,
    name: str,
    uid: str,
    settings: CalendarSettings,
    series: Sequence[Series],
    description: str | None,
) -> bytes:
    calendar = _feed_calendar(name=name, uid=uid, settings=settings, description=description)
    ordered = sorted(events, key=lambda e: (e.starts_at, e.id or 0))
    organizer = _organizer(settings)
    for event in ordered:
        component = build_event_component(event, settings=settings)
        component.add("organizer", organizer)
        calendar.add_component(component)
    for one in series:
        remembrance = build_remembrance_component(one, settings=settings)
        if remembrance is not None:
            calendar.add_component(remembrance)
    return _finish(calendar, ordered)


# ------------------------------------------------------------------------------ feeds from stored parts
#
# A feed's bytes are its header, its VTIMEZONEs, one VEVENT per event, its remembrance days and the end line;
# the functions below make each part alone, so that the VEVENTs — which depend only on their event and the
# settings — can be kept between requests (``calendar.services.feed_ics``). Assembled, the parts are the bytes
# :func:`build_feed_ics` writes for the same data.

_END = "END:VCALENDAR\r\n"
#: A TZID parameter in an unfolded content line (quoted when the zone name holds ``:;,``).
_TZID = re.compile(r';TZID=(?:"([^"]*)"|([^:;]*))[:;]')


@dataclass(frozen=True)
class FeedSpan:
    """What a feed's VTIMEZONEs need of one event: its instants and its zone."""

    starts_at: datetime
    ends_at: datetime
    timezone: str


def feed_event_bodies(events: Iterable[Event], *, settings: CalendarSettings) -> dict[int, str]:
    """Each event's VEVENT as the feed writes it (with ORGANIZER), by event id."""
    organizer = _organizer(settings)
    bodies: dict[int, str] = {}
    with _labels_in(settings):
        for event in events:
            component = build_event_component(event, settings=settings)
            component.add("organizer", organizer)
            bodies[event.id] = component.to_ical().decode("utf-8")
    return bodies


def used_tzids(body: str) -> set[str]:
    """The TZIDs a serialized component refers to (UTC excepted, as icalendar does)."""
    unfolded = body.replace("\r\n ", "").replace("\r\n\t", "")
    return {quoted or plain for quoted, plain in _TZID.findall(unfolded)} - {"UTC", ""}


@lru_cache(maxsize=256)
def _vtimezone_text(tzid: str, first_year: int, last_year: int) -> str:
    return icalendar.Timezone.from_ical(_vtimezone_ical(tzid, first_year, last_year)).to_ical().decode("utf-8")


def feed_timezones(tzids: Iterable[str], spans: Iterable[FeedSpan]) -> str:
    """The VTIMEZONEs of ``tzids``, covering the years of ``spans`` (as :func:`_add_timezones` writes them)."""
    years = _zone_years(spans)
    parts = []
    for tzid in sorted(set(tzids)):
        first, last = _years_of(years, tzid)
        parts.append(_vtimezone_text(tzid, first, last))
    return "".join(parts)


def assemble_feed_ics(
    spans: Sequence[FeedSpan],
    bodies: Sequence[str],
    *,
    name: str,
    uid: str,
    settings: CalendarSettings,
    series: Sequence[Series] = (),
    description: str | None = None,
) -> bytes:
    """The feed :func:`build_feed_ics` would write, from its events' serialized VEVENTs (:func:`feed_event_bodies`)
    in feed order and their :class:`FeedSpan` (the same order)."""
    with _labels_in(settings):
        calendar = _feed_calendar(name=name, uid=uid, settings=settings, description=description)
        header = calendar.to_ical().decode("utf-8")
        remembrances = []
        for one in series:
            remembrance = build_remembrance_component(one, settings=settings)
            if remembrance is not None:
                remembrances.append(remembrance.to_ical().decode("utf-8"))
    assert header.endswith(_END)
    tzids: set[str] = set()
    for body in bodies:
        if "TZID=" in body:
            tzids |= used_tzids(body)
    timezones = feed_timezones(tzids, spans)
    return "".join((header[: -len(_END)], timezones, *bodies, *remembrances, _END)).encode("utf-8")


def build_series_ics(series: Series, events: Sequence[Event], *, settings: CalendarSettings | None = None,
                     remembrance: bool = True) -> bytes:
    """A download of a series: its events, and its remembrance day as a yearly all-day event."""
    settings = settings or settings_from_app()
    return build_feed_ics(
        events,
        name=_text(series, "title", settings.language),
        uid=f"series-{series.uid}",
        settings=settings,
        series=[series] if remembrance else (),
        description=_text(series, "description", settings.language) or None,
    )
