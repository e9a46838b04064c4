"""The rules of series, events and agendas.

Plain functions taking domain objects. They flush, never commit: the request that called them commits once.
Changes a calendar must see raise ``Event.sequence`` and announce themselves through ``tracker.signals``;
other areas (mail, calendar) listen and queue what they need in the same transaction.
"""

from __future__ import annotations

import calendar as pycalendar
import copy
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, exists, false, func, or_, select, true
from sqlalchemy.orm import selectinload

from ..bounds import (
    AGENDA_DURATION,
    RECORD_ID,
    BoundsError,
    check_date,
    check_instant,
    check_number,
    check_span,
)
from ..directory.services import PersonDetails, create_person
from ..errors import RuleError
from ..extensions import db
from ..i18n import N_, site_languages
from ..models import AgendaItem, AgendaKind, Event, EventKind, EventStatus, Person, Series, User, Venue
from ..signals import event_cancelled, event_rescheduled
from ..text import clean_text
from ..timemath import RunOfShowEntry, Schedule, agenda_schedule, last_local_day, local_instant, schedules_overlap
from .visibility import visible_to

#: Fields whose change a calendar must show; changing one raises SEQUENCE. Names as the signal carries them.
CALENDAR_FIELDS = frozenset(
    {"starts_at", "ends_at", "all_day", "daily_opens", "daily_closes", "timezone", "venue", "title", "status",
     "description"}
)

#: The event's texts, entered per language (:meth:`~tracker.models.types.TranslatableMixin.set_entered_texts`);
#: a change in any language is reported under the field's name.
_EVENT_TEXTS = ("title", "description")

#: Event attribute → the name a change of it is reported under (texts apart, see :data:`_EVENT_TEXTS`).
_EVENT_FIELDS = {
    "series_id": "series",
    "kind": "kind",
    "venue_id": "venue",
    "starts_at": "starts_at",
    "ends_at": "ends_at",
    "timezone": "timezone",
    "all_day": "all_day",
    "daily_opens": "daily_opens",
    "daily_closes": "daily_closes",
    "status": "status",
    "presiding_id": "presiding",
    "languages": "languages",
    "answer_deadline": "answer_deadline",
    "public": "public",
}


# --- Rules shared by the forms and the services ----------------------------------------------------


class EventError(RuleError):
    """A series, event or agenda item cannot be stored as given; the message says why."""


#: The wording of a missing required value (WTForms' own, already in our catalogs).
REQUIRED = N_("This field is required.")
#: The wording of a value that is not one of the choices (WTForms' own, already in our catalogs).
NOT_A_CHOICE = N_("Not a valid choice.")
#: The one message of the answer-deadline rule, wherever a deadline is set (event form, attendance page).
DEADLINE_AFTER_END = N_("The deadline cannot be after the event ends.")
#: The longest description of a series or an event (the forms' and the API's limit).
DESCRIPTION_LENGTH = 20_000


def event_zone(name: str) -> ZoneInfo | None:
    """The time zone called ``name``, or ``None`` when there is none by that name (the form offers a list; a
    command or the API may send anything, e.g. "Asia", a directory, or a path)."""
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError; "Asia" an IsADirectoryError
        return None


def _bounds_problem(check: Callable[..., None], *args: Any, **kwargs: Any) -> list[RuleError]:
    """The :class:`~tracker.bounds.BoundsError` a ``check_*`` function of :mod:`tracker.bounds` raises, as a list."""
    try:
        check(*args, **kwargs)
    except BoundsError as error:
        return [error]
    return []


def _blank(text: str) -> bool:
    """Whether a required ``text`` is missing: nothing is left once the characters that are never stored
    (:func:`tracker.text.clean_text`, applied at every flush) and surrounding white space are removed."""
    return not clean_text(text).strip()


def _refuse(problems: list[RuleError]) -> None:
    """Raise the first problem, if any (a service stores nothing its form would refuse)."""
    if problems:
        raise problems[0]


def deadline_problem(deadline: datetime | None, ends_at: datetime, field: str | None,
                     error: type[RuleError] = EventError) -> RuleError | None:
    """The answer-deadline rule: answers close when the event ends at the latest (``None``: no deadline).

    The event form, :func:`create_event`/:func:`update_event` and attendance's ``set_answer_deadline`` all
    apply this one rule; ``field`` is the form field the message goes beside, ``error`` the caller's class.
    """
    if deadline is not None and deadline > ends_at:
        return error(DEADLINE_AFTER_END, field)
    return None


def daily_hours_problems(*, all_day: bool, opens: time | None, closes: time | None, first_day: date,
                         last_day: date) -> list[RuleError]:
    """What is wrong with daily opening hours (an exhibition open every day from ``opens`` to ``closes``).

    ``first_day`` and ``last_day`` are the local days the event starts and ends on. Both hours or neither;
    an event with daily hours is not all-day, closes after it opens and lasts several days.
    """
    if opens is None and closes is None:
        return []
    if opens is None or closes is None:
        return [EventError(N_("Give both the opening and the closing time, or neither."),
                           "daily_closes" if closes is None else "daily_opens")]
    problems: list[RuleError] = []
    if all_day:
        problems.append(EventError(N_("An event with daily hours is not all-day; untick this box."), "all_day"))
    if opens >= closes:
        problems.append(EventError(N_("Closing must be after opening on the same day."), "daily_closes"))
    if last_day <= first_day:
        problems.append(EventError(
            N_("Daily hours are for events over several days; use the start and end times instead."), "daily_opens"
        ))
    return problems


# --- Series -----------------------------------------------------------------------------------------


@dataclass
class SeriesDetails:
    """What an organiser fills in for a series."""

    title: str
    description: str = ""
    commemorated_on: date | None = None
    #: ``{"title": {"az": ..., "ru": ...}, "description": {...}}``
    translations: dict[str, dict[str, str]] = field(default_factory=dict)


def series_problems(details: SeriesDetails) -> list[RuleError]:
    """What is wrong with ``details``, one error per form field concerned; empty when it may be stored.

    The series form shows these beside their fields; :func:`create_series` and :func:`update_series` raise
    the first, so a command or the demo loader gets the same answer.
    """
    problems: list[RuleError] = []
    if _blank(details.title):
        problems.append(EventError(REQUIRED, "title"))
    problems.extend(_bounds_problem(check_date, details.commemorated_on, "commemorated_on"))
    return problems


def create_series(details: SeriesDetails) -> Series:
    """Add a series (raises the first of :func:`series_problems`)."""
    _refuse(series_problems(details))
    series = Series(commemorated_on=details.commemorated_on)
    series.set_entered_texts({"title": details.title, "description": details.description}, details.translations)
    db.session.add(series)
    db.session.flush()
    return series


def update_series(series: Series, details: SeriesDetails) -> Series:
    """Change a series' title, description or commemorated date; returns ``series``."""
    _refuse(series_problems(details))
    series.set_entered_texts({"title": details.title, "description": details.description}, details.translations)
    series.commemorated_on = details.commemorated_on
    db.session.flush()
    return series


def series_query() -> Select[Any]:
    """Every series (unordered: the caller orders); series are visible to everyone signed in."""
    return select(Series)


def series_page(page: int, per_page: int, user: User) -> tuple[Any, dict[int, int]]:
    """One page of series (newest remembered date first) and, per series on it, the events ``user`` sees.

    Returns a Flask-SQLAlchemy pagination and ``{series_id: number of events}``.
    """
    query = select(Series).order_by(Series.commemorated_on.desc().nulls_last(), Series.title, Series.id)
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)
    ids = [series.id for series in pagination.items]
    counts: dict[int, int] = {}
    if ids:
        rows = db.session.execute(
            select(Event.series_id, func.count(Event.id))
            .where(Event.series_id.in_(ids), visible_to(user))
            .group_by(Event.series_id)
        )
        counts = {series_id: number for series_id, number in rows if series_id is not None}
    return pagination, counts


def series_events(series: Series, user: User, page: int, per_page: int) -> Any:
    """One page (Flask-SQLAlchemy pagination) of the events of ``series`` that ``user`` may see, in order of
    their start: the same few queries however many years the series spans. A page past the last one is not
    found (404)."""
    query = (
        select(Event)
        .where(Event.series_id == series.id, visible_to(user))
        .options(selectinload(Event.venue))
        .order_by(Event.starts_at, Event.id)
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=True, count=True)


# --- Events -----------------------------------------------------------------------------------------


@dataclass
class EventDetails:
    """Everything an organiser fills in for an event, with instants already in UTC."""

    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    all_day: bool = False
    daily_opens: time | None = None
    daily_closes: time | None = None
    series_id: int | None = None
    venue_id: int | None = None
    presiding_id: int | None = None
    description: str = ""
    status: str = EventStatus.DRAFT
    languages: list[str] = field(default_factory=list)
    answer_deadline: datetime | None = None
    public: bool = False
    #: ``{"title": {"az": ..., "ru": ...}, "description": {...}}``
    translations: dict[str, dict[str, str]] = field(default_factory=dict)


def event_problems(details: EventDetails) -> list[RuleError]:
    """What is wrong with ``details``, one error per form field concerned; empty when it may be stored.

    The rules: a title, a known kind, status and time zone; start and end within the accepted years and the
    end after the start; daily hours (:func:`daily_hours_problems`); the answer deadline within the accepted
    years and not after the end (:func:`deadline_problem`). The event form shows every problem beside its
    field; :func:`create_event` and :func:`update_event` raise the first, so a command, the demo loader or a
    later API cannot store what the page would refuse. Field names are the event form's.
    """
    problems: list[RuleError] = []
    if _blank(details.title):
        problems.append(EventError(REQUIRED, "title"))
    if details.kind not in tuple(EventKind):
        problems.append(EventError(NOT_A_CHOICE, "kind"))
    if details.status not in tuple(EventStatus):
        problems.append(EventError(NOT_A_CHOICE, "status"))
    problems.extend(_reference_problems(details))
    if set(details.languages or ()) - set(site_languages()):
        problems.append(EventError(NOT_A_CHOICE, "languages"))
    zone = event_zone(details.timezone)
    if zone is None:
        return [*problems, EventError(NOT_A_CHOICE, "timezone")]

    span = _bounds_problem(check_span, details.starts_at, details.ends_at, zone, start_field="starts_on",
                           end_field="ends_on")
    problems.extend(span)
    if not span:
        first_day = details.starts_at.astimezone(zone).date()
        # The form's last day: an all-day event's exclusive midnight end belongs to the day before.
        last_day = (last_local_day(details.starts_at, details.ends_at, zone) if details.all_day
                    else details.ends_at.astimezone(zone).date())
        problems.extend(daily_hours_problems(all_day=details.all_day, opens=details.daily_opens,
                                             closes=details.daily_closes, first_day=first_day, last_day=last_day))
        if details.ends_at <= details.starts_at:
            # Beside the end date when the days are the wrong way round (or the event is all-day), else the time.
            on_days = details.all_day or last_day < first_day
            problems.append(EventError(N_("The end must be after the start."), "ends_on" if on_days else "end_time"))
    deadline = _bounds_problem(check_instant, details.answer_deadline, zone, "deadline_on")
    if not deadline and not span:
        late = deadline_problem(details.answer_deadline, details.ends_at, "deadline_on")
        deadline = [late] if late else []
    problems.extend(deadline)
    return problems


def _reference_problems(details: EventDetails) -> list[RuleError]:
    """The series, venue and presiding official named must exist: the form offers only those, a command or the
    API may name any id (which the database would refuse with an error instead of a message)."""
    problems: list[RuleError] = []
    named: tuple[tuple[type[Series | Venue | Person], int | None, str], ...] = (
        (Series, details.series_id, "series_id"), (Venue, details.venue_id, "venue_id"),
        (Person, details.presiding_id, "presiding_id"))
    for model, record_id, name in named:
        if record_id is not None and (record_id not in RECORD_ID or db.session.get(model, record_id) is None):
            problems.append(EventError(NOT_A_CHOICE, name))
    return problems


def create_event(details: EventDetails, created_by: User | None = None) -> Event:
    """Add an event (raises the first of :func:`event_problems`); a new event announces nothing."""
    _refuse(event_problems(details))
    event = Event(created_by_id=created_by.id if created_by else None, sequence=0)
    for attribute in _EVENT_FIELDS:
        setattr(event, attribute, copy.copy(getattr(details, attribute)))
    event.set_entered_texts({name: getattr(details, name) for name in _EVENT_TEXTS}, details.translations)
    db.session.add(event)
    db.session.flush()
    return event


def update_event(event: Event, details: EventDetails) -> set[str]:
    """Apply ``details`` to ``event`` and return the names of the fields that changed.

    A change a calendar must see (see :data:`CALENDAR_FIELDS`) raises the SEQUENCE once and, after the
    flush, sends ``event_rescheduled`` with those fields. Setting the status to cancelled is a
    cancellation: it sends ``event_cancelled`` instead. Raises the first of :func:`event_problems`.
    """
    _refuse(event_problems(details))
    changed = set()
    for attribute, name in _EVENT_FIELDS.items():
        new = getattr(details, attribute)
        if getattr(event, attribute) != new:
            setattr(event, attribute, copy.copy(new))
            changed.add(name)
    before = _texts_read(event)
    event.set_entered_texts({name: getattr(details, name) for name in _EVENT_TEXTS}, details.translations)
    after = _texts_read(event)
    differ = {key for key in before if before[key] != after[key]}
    changed.update(name for name, _code in differ)

    visible = changed & CALENDAR_FIELDS
    if visible:
        event.sequence = (event.sequence or 0) + 1
    db.session.flush()
    if "status" in changed and event.status == EventStatus.CANCELLED:
        event_cancelled.send(event)
    elif visible:
        # Only texts changed: only readers of a language whose text reads differently need to hear of it.
        languages = None if visible - set(_EVENT_TEXTS) else {code for _name, code in differ}
        event_rescheduled.send(event, fields=visible, languages=languages)
    return changed


def _texts_read(event: Event) -> dict[tuple[str, str], str]:
    """What a reader of each site language reads for each of the event's texts (after falling back)."""
    return {(name, code): event.text(name, code) for name in _EVENT_TEXTS for code in site_languages()}


def cancel_event(event: Event) -> bool:
    """Cancel ``event``: status cancelled, SEQUENCE raised, ``event_cancelled`` sent.

    Returns False (and changes nothing) when it was already cancelled.
    """
    if event.status == EventStatus.CANCELLED:
        return False
    event.status = EventStatus.CANCELLED
    event.sequence = (event.sequence or 0) + 1
    db.session.flush()
    event_cancelled.send(event)
    return True


def _shift_local(instant: datetime | None, zone: ZoneInfo, days: timedelta) -> datetime | None:
    """The same wall-clock time ``days`` later, recomputed in ``zone`` (right across DST changes)."""
    if instant is None:
        return None
    local = instant.astimezone(zone)
    return datetime.combine(local.date() + days, local.time(), tzinfo=zone).astimezone(UTC)


def duplicate_event(event: Event, starts_on: date, created_by: User | None = None) -> Event:
    """Copy ``event`` with its agenda to start on ``starts_on`` at the same local times.

    The copy is a new calendar entry (new UID, SEQUENCE 0) and starts as a draft; the typical use is
    next year's anniversary. A copy that would start or end outside the accepted years raises
    :class:`~tracker.bounds.BoundsError` (field ``starts_on``) and adds nothing.
    """
    zone = event.zone
    check_date(starts_on, "starts_on")
    days = starts_on - event.local_start.date()
    new_start, new_end = _shift_local(event.starts_at, zone, days), _shift_local(event.ends_at, zone, days)
    assert new_start is not None and new_end is not None
    check_span(new_start, new_end, zone, start_field="starts_on", end_field="starts_on")
    new_deadline = _shift_local(event.answer_deadline, zone, days)
    check_instant(new_deadline, zone, "starts_on")
    copy_ = Event(
        series_id=event.series_id,
        kind=event.kind,
        title=event.title,
        description=event.description,
        venue_id=event.venue_id,
        starts_at=new_start,
        ends_at=new_end,
        timezone=event.timezone,
        all_day=event.all_day,
        daily_opens=event.daily_opens,
        daily_closes=event.daily_closes,
        status=EventStatus.DRAFT,
        presiding_id=event.presiding_id,
        languages=list(event.languages or []),
        answer_deadline=new_deadline,
        public=event.public,
        translations=copy.deepcopy(dict(event.translations or {})),
        sequence=0,
        created_by_id=created_by.id if created_by else None,
    )
    for item in event.agenda:
        copy_.agenda.append(
            AgendaItem(
                position=item.position,
                kind=item.kind,
                title=item.title,
                speaker_id=item.speaker_id,
                planned_start=item.planned_start,
                duration_minutes=item.duration_minutes,
                notes=item.notes,
                translations=copy.deepcopy(dict(item.translations or {})),
            )
        )
    db.session.add(copy_)
    db.session.flush()
    return copy_


def event_for_page(event_id: int) -> Event | None:
    """An event with what its programme page shows loaded: series, venue, presiding, agenda speakers."""
    query = (
        select(Event)
        .where(Event.id == event_id)
        .options(
            selectinload(Event.series),
            selectinload(Event.venue),
            selectinload(Event.presiding),
            selectinload(Event.agenda).selectinload(AgendaItem.speaker),
        )
    )
    return db.session.execute(query).scalar_one_or_none()


# --- Lists ------------------------------------------------------------------------------------------


@dataclass
class EventFilters:
    """What the events list is narrowed to; ``None`` means "any"."""

    #: ``upcoming`` (not yet over), ``past`` or ``all``.
    when: str = "upcoming"
    series_id: int | None = None
    kind: str | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def events_query(user: User, filters: EventFilters, now: datetime, zone: str) -> Select[Event]:
    """The events ``user`` may see that match ``filters``; dates of the range are days in ``zone``."""
    query = select(Event).where(visible_to(user))
    if filters.when == "upcoming":
        query = query.where(Event.ends_at >= now).order_by(Event.starts_at, Event.id)
    elif filters.when == "past":
        query = query.where(Event.ends_at < now).order_by(Event.starts_at.desc(), Event.id.desc())
    else:
        query = query.order_by(Event.starts_at.desc(), Event.id.desc())
    if filters.series_id:
        query = query.where(Event.series_id == filters.series_id)
    if filters.kind:
        query = query.where(Event.kind == filters.kind)
    if filters.status:
        query = query.where(Event.status == filters.status)
    # An event belongs to a date range when any part of it falls inside.
    if filters.date_from:
        query = query.where(Event.ends_at > local_instant(filters.date_from, time(0), zone))
    if filters.date_to:
        query = query.where(Event.starts_at < local_instant(filters.date_to + timedelta(days=1), time(0), zone))
    return query.options(selectinload(Event.series), selectinload(Event.venue))


def events_page(user: User, filters: EventFilters, page: int, per_page: int, zone: str,
                now: datetime | None = None) -> Any:
    """One page (Flask-SQLAlchemy pagination) of the events list."""
    query = events_query(user, filters, now or datetime.now(UTC), zone)
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def all_series() -> list[Series]:
    """Every series, for choosing one in a form or filter."""
    return list(db.session.execute(select(Series).order_by(Series.title, Series.id)).scalars())


def all_venues() -> list[Venue]:
    """Every venue, for choosing one in a form."""
    return list(db.session.execute(select(Venue).order_by(Venue.name, Venue.id)).scalars())


def all_people() -> list[Person]:
    """Every person, for choosing a speaker or presiding official."""
    return list(db.session.execute(select(Person).order_by(Person.full_name, Person.id)).scalars())


# --- Month calendar ---------------------------------------------------------------------------------


@dataclass
class CalendarDay:
    """One cell of the month grid."""

    day: date
    in_month: bool
    events: list[Event] = field(default_factory=list)


def month_weeks(year: int, month: int, user: User, zone: str) -> list[list[CalendarDay]]:
    """The weeks (Monday first) covering ``month``, each day with the events ``user`` may see on it.

    A multi-day event appears on every day it touches, in its own time zone.
    """
    grid = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = grid[0][0], grid[-1][-1]
    query = (
        select(Event)
        .where(
            visible_to(user),
            Event.starts_at < local_instant(last + timedelta(days=1), time(0), zone),
            Event.ends_at > local_instant(first, time(0), zone),
        )
        .order_by(Event.starts_at, Event.id)
    )
    events = list(db.session.execute(query).scalars())
    days = {d: CalendarDay(d, d.month == month) for week in grid for d in week}
    for event in events:
        day = max(event.local_start.date(), first)
        end = min(last_local_day(event.starts_at, event.ends_at, event.zone), last)
        while day <= end:
            days[day].events.append(event)
            day += timedelta(days=1)
    return [[days[d] for d in week] for week in grid]


# --- Overlaps ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clash:
    """Another event that takes the same venue, or the same person, at the same time."""

    other: Event
    venue: Venue | None = None
    person: Person | None = None


def find_clashes(schedule: Schedule, *, venue_id: int | None, people_ids: Iterable[int | None],
                 exclude_event_id: int | None = None) -> list[Clash]:
    """Events (not cancelled) that overlap ``schedule`` in the same venue or with one of the same people.

    People are the presiding official and the agenda speakers of the other events.
    """
    people = {p for p in people_ids if p}
    if venue_id is None and not people:
        return []
    involving = [Event.venue_id == venue_id] if venue_id else []
    if people:
        involving.append(Event.presiding_id.in_(people))
        involving.append(
            exists().where(AgendaItem.event_id == Event.id, AgendaItem.speaker_id.in_(people))
        )
    query = (
        select(Event)
        .where(
            Event.status != EventStatus.CANCELLED,
            Event.id != exclude_event_id if exclude_event_id else true(),
            Event.starts_at < schedule.ends_at,
            Event.ends_at > schedule.starts_at,
            or_(*involving) if involving else false(),
        )
        .options(
            selectinload(Event.venue),
            selectinload(Event.presiding),
            selectinload(Event.agenda).selectinload(AgendaItem.speaker),
        )
        .order_by(Event.starts_at, Event.id)
    )
    clashes: list[Clash] = []
    for other in db.session.execute(query).scalars():
        if not schedules_overlap(schedule, other):
            continue
        if venue_id and other.venue_id == venue_id:
            clashes.append(Clash(other, venue=other.venue))
        involved = {p.id: p for p in [other.presiding, *(i.speaker for i in other.agenda)] if p is not None}
        for person_id in sorted(people & involved.keys()):
            clashes.append(Clash(other, person=involved[person_id]))
    return clashes


def event_clashes(details: EventDetails, event: Event | None = None) -> list[Clash]:
    """What a new event (``event`` None) or a change of ``event`` to ``details`` would overlap: the same venue,
    or its presiding official or a speaker of its agenda elsewhere. The pages and the API show these before
    saving and save only when told to save anyway."""
    return find_clashes(details, venue_id=details.venue_id,
                        people_ids=event_people_ids(event, details.presiding_id),
                        exclude_event_id=event.id if event is not None else None)


def event_people_ids(event: Event | None, presiding_id: int | None) -> set[int]:
    """The people an event needs: its presiding official and its agenda speakers."""
    ids = {presiding_id} if presiding_id else set()
    if event is not None:
        ids |= {item.speaker_id for item in event.agenda if item.speaker_id}
    return ids


# --- Agenda -----------------------------------------------------------------------------------------


@dataclass
class AgendaItemDetails:
    """What an organiser fills in for one agenda item."""

    kind: str
    title: str
    speaker_id: int | None = None
    planned_start: time | None = None
    duration_minutes: int | None = None
    notes: str = ""
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    #: A speaker to add to the directory on the spot (instead of choosing ``speaker_id``).
    new_speaker: PersonDetails | None = None


#: The longest notes of an agenda item (characters), on the agenda form and through the API.
AGENDA_NOTES_LENGTH = 5_000


def _existing_people(ids: Iterable[int | None]) -> set[int]:
    """Which of ``ids`` are people in the directory (one query, none for no ids)."""
    wanted = {person_id for person_id in ids if person_id}
    if not wanted:
        return set()
    return set(db.session.execute(select(Person.id).where(Person.id.in_(wanted))).scalars())


def agenda_item_problems(details: AgendaItemDetails, people: set[int] | None = None) -> list[RuleError]:
    """What is wrong with ``details``, one error per form field concerned; empty when it may be stored.

    A title, a known kind, a duration within :data:`~tracker.bounds.AGENDA_DURATION`, and a speaker either chosen
    among the people of the directory or added on the spot (with a full name), not both. ``people``: the ids of
    the speakers known to exist, when the caller read them for several items (:func:`agenda_problems`); else the
    chosen speaker is looked up. The agenda form shows these beside their fields; :func:`add_agenda_item` and
    :func:`update_agenda_item` raise the first.
    """
    problems: list[RuleError] = []
    if details.kind not in tuple(AgendaKind):
        problems.append(EventError(NOT_A_CHOICE, "kind"))
    if _blank(details.title):
        problems.append(EventError(REQUIRED, "title"))
    problems.extend(_bounds_problem(check_number, details.duration_minutes, AGENDA_DURATION, "duration_minutes"))
    if details.speaker_id and details.speaker_id not in (
        people if people is not None else _existing_people([details.speaker_id])
    ):
        problems.append(EventError(N_("No person has the id %(id)s."), "speaker_id", id=details.speaker_id))
    if details.new_speaker is not None:
        if _blank(details.new_speaker.full_name):
            problems.append(EventError(N_("Give the new person's full name."), "new_speaker_name"))
        elif details.speaker_id:
            problems.append(EventError(N_("Choose a speaker from the list or add a new person, not both."),
                                       "new_speaker_name"))
    return problems


def agenda_problems(items: Sequence[AgendaItemDetails]) -> list[list[RuleError]]:
    """:func:`agenda_item_problems` of every item of a whole agenda, in order, with one query for the speakers."""
    people = _existing_people(details.speaker_id for details in items)
    return [agenda_item_problems(details, people) for details in items]


def _renumber(event: Event) -> None:
    """Positions 1..n in the current order; also mends duplicates left by two editors at once."""
    ordered = sorted(event.agenda, key=lambda item: (item.position or 0, item.id or 0))
    for position, item in enumerate(ordered, start=1):
        item.position = position
    event.agenda.sort(key=lambda item: item.position)


def _apply_item(item: AgendaItem, details: AgendaItemDetails, *, checked: bool = False) -> None:
    """Check ``details`` (raising the first problem; ``checked``: the caller did), add the new speaker if any,
    and copy them to ``item``."""
    if not checked:
        _refuse(agenda_item_problems(details))
    item.kind = details.kind
    item.set_entered_texts({"title": details.title}, details.translations)
    item.speaker_id = create_person(details.new_speaker).id if details.new_speaker else details.speaker_id
    item.planned_start = details.planned_start
    item.duration_minutes = details.duration_minutes
    item.notes = details.notes


def add_agenda_item(event: Event, details: AgendaItemDetails) -> AgendaItem:
    """Append an item at the end of ``event``'s agenda (raises the first of :func:`agenda_item_problems`)."""
    item = AgendaItem(translations={})
    _apply_item(item, details)
    _renumber(event)
    item.position = len(event.agenda) + 1
    event.agenda.append(item)
    db.session.flush()
    return item


def update_agenda_item(item: AgendaItem, details: AgendaItemDetails) -> AgendaItem:
    """Change an agenda item in place (its position stays); returns ``item``."""
    _apply_item(item, details)
    db.session.flush()
    return item


def remove_agenda_item(item: AgendaItem) -> None:
    """Delete an agenda item and close the gap it leaves."""
    event = item.event
    event.agenda.remove(item)
    db.session.flush()
    _renumber(event)
    db.session.flush()


def replace_agenda(event: Event, items: Sequence[AgendaItemDetails]) -> list[AgendaItem]:
    """Make ``event``'s agenda exactly ``items``, in that order (the whole list at once, as the API sends it).

    The rules of adding, changing and removing items one at a time on the agenda page, checked for every item
    before anything changes (raises the first problem). Like those, it leaves the SEQUENCE alone and announces
    nothing: calendars read the agenda with the event. Items are changed in place in order, further ones are
    added at the end and leftovers removed, so positions stay 1..n.
    """
    for problems in agenda_problems(items):
        _refuse(problems)
    _renumber(event)
    current = list(event.agenda)
    for item, details in zip(current, items, strict=False):
        _apply_item(item, details, checked=True)
    for details in items[len(current):]:
        item = AgendaItem(translations={})
        _apply_item(item, details, checked=True)
        item.position = len(event.agenda) + 1
        event.agenda.append(item)
    for item in current[len(items):]:
        event.agenda.remove(item)
    db.session.flush()
    _renumber(event)
    db.session.flush()
    return list(event.agenda)


def move_agenda_item(item: AgendaItem, offset: int) -> bool:
    """Move an item up (``-1``) or down (``+1``) by swapping with its neighbour; False at either end."""
    event = item.event
    _renumber(event)
    index = event.agenda.index(item)
    target = index + offset
    if offset not in (-1, 1) or not 0 <= target < len(event.agenda):
        return False
    neighbour = event.agenda[target]
    item.position, neighbour.position = neighbour.position, item.position
    event.agenda.sort(key=lambda i: i.position)
    db.session.flush()
    return True


def run_of_show(event: Event, agenda: Sequence[AgendaItem] | None = None) -> list[RunOfShowEntry[AgendaItem]]:
    """Each agenda item's time in the event's zone (the rule: :func:`tracker.timemath.agenda_schedule`)."""
    return agenda_schedule(event.local_start, event.all_day, agenda if agenda is not None else event.agenda)
