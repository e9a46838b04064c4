"""``/api/v1/events``: what the event pages do, for the intranet portal and for scripts planning ceremonies.

Same rules as the pages: every create or change goes through ``EventDetails`` and ``event_problems`` (the event
form's rules), status changes through ``update_event`` (cancelling queues the cancellations, as the pages do),
and the list shows each role what the events list shows it (``tracker.events.visibility``). Reading: any
signed-in role; writing: organisers and admins.

Times are ISO 8601. One without an offset is a wall-clock time in the event's ``timezone`` (the configured zone
when none is given), as the form's date and time fields are; answers give every time in the event's zone.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

import marshmallow as ma
from flask_babel import gettext, lazy_gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..auth.access import EVERYONE, ORGANISERS
from ..bounds import RECORD_ID, check_date
from ..events import services
from ..events.visibility import may_see
from ..extensions import db
from ..i18n import current_language, site_languages
from ..models import Event, EventKind, EventStatus
from ..ordinals import ordinal
from ..settings import settings
from ..timemath import local_instant
from . import fields as f
from .access import api_user, token_required
from .blueprint import Blueprint
from .pagination import Page, PageArgs, keyset_page, page_schema
from .problems import abort, refusals_as_problems

blp = Blueprint("api_events", __name__, url_prefix="/api/v1/events",
                description="Ceremonies, commemorations, exhibitions and meetings.")

_TITLE_LENGTH = f.column_length(Event.__table__.c.title)
_ZONE_LENGTH = f.column_length(Event.__table__.c.timezone)

#: The event form's field names (used by ``event_problems``) → the API's.
_RENAMED = {
    "starts_on": "starts_at", "start_time": "starts_at", "ends_on": "ends_at", "end_time": "ends_at",
    "deadline_on": "answer_deadline", "daily_opens": "daily_hours", "daily_closes": "daily_hours",
    "all_day": "daily_hours", "presiding_id": "presiding_person_id",
}

#: Instants of an event: read in the event's zone when they carry no offset.
_INSTANTS = ("starts_at", "ends_at", "answer_deadline")


class LocalDateTime(f.DateTime):
    """An ISO 8601 date and time; without an offset it stays naive here and the view reads it in the event's
    zone (never as UTC): the zone is another field of the same body, or the stored event's."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        return ma.fields.DateTime._deserialize(self, value, attr, data, **kwargs)  # type: ignore[no-any-return]


def _language_codes(codes: list[str]) -> None:
    unknown = sorted(set(codes) - set(site_languages()))
    if unknown:
        raise ma.ValidationError(gettext("Unknown language: %(codes)s.", codes=", ".join(unknown)))


class DailyHoursSchema(f.Strict):
    """Opening hours of an event over several days (an exhibition), local to the event's zone."""

    opens = f.Time(required=True, metadata={"example": "09:00"})
    closes = f.Time(required=True, metadata={"example": "18:00"})


class AnniversarySchema(f.Strict):
    """Which anniversary of its series' commemorated date the event marks, as a number and as each language
    writes it."""

    number = f.Integer(required=True, metadata={"example": 20})
    label = f.Texts(required=True, max_length=20, metadata={"example": {"az": "20-ci", "ru": "20-я", "en": "20th"}})


class EventSchema(f.Strict):
    """An event as the API shows it."""

    id = f.Integer(dump_only=True)
    uid = f.String(dump_only=True, metadata={"description": "iCalendar UID; never changes."})
    sequence = f.Integer(dump_only=True, metadata={"description": "iCalendar SEQUENCE; grows with every change a "
                                                                  "calendar must see."})
    anniversary = f.Nested(AnniversarySchema, dump_only=True, allow_none=True,
                           metadata={"description": "Null when the event has no series or the series no "
                                                    "commemorated date."})
    all_day = f.Boolean(dump_only=True, metadata={"description": "Whole days without times (set on the pages)."})
    title = f.Texts(required=True, max_length=_TITLE_LENGTH)
    description = f.Texts(primary_required=False, load_default=dict, max_length=services.DESCRIPTION_LENGTH)
    kind = f.String(required=True, validate=f.OneOf([kind.value for kind in EventKind]))
    venue_id = f.Integer(required=True, allow_none=True, metadata={"description": "A venue's id, or null."})
    starts_at = LocalDateTime(required=True, metadata={
        "description": "ISO 8601; without an offset, local to `timezone`.", "example": "2012-02-25T10:00:00"})
    ends_at = LocalDateTime(required=True, metadata={
        "description": "ISO 8601, after `starts_at`; without an offset, local to `timezone`.",
        "example": "2012-02-25T11:30:00"})
    timezone = f.String(load_default=None, validate=f.Length(min=1, max=_ZONE_LENGTH), metadata={
        "description": "IANA zone the event happens in; the configured zone (Asia/Baku) when not given. Changing "
                       "it keeps the stored instants: send the times again to keep the wall-clock times.",
        "example": "Asia/Baku"})
    series_id = f.Integer(load_default=None, allow_none=True)
    daily_hours = f.Nested(DailyHoursSchema, load_default=None, allow_none=True)
    languages = f.List(f.String(validate=f.Length(max=8)), load_default=list, validate=_language_codes,
                       metadata={"description": "Languages of the materials.", "example": ["az", "ru", "en"]})
    presiding_person_id = f.Integer(load_default=None, allow_none=True)
    answer_deadline = LocalDateTime(load_default=None, allow_none=True, metadata={
        "description": "Answers are accepted until then (not after the end); null: until the start."})
    status = f.String(load_default=EventStatus.DRAFT.value, validate=f.OneOf([status.value for status in EventStatus]),
                      metadata={"description": "Setting `cancelled` sends every invited unit a cancellation."})
    public = f.Boolean(load_default=False, metadata={"description": "Listed in the public calendar feed."})
    allow_overlaps = f.Boolean(load_only=True, load_default=False, metadata={
        "description": "Save even though the event overlaps another in the same venue or with the same presiding "
                       "official or speaker; without it such a request is refused (409) with the `clashes`."})


EventPageSchema = page_schema(EventSchema, "EventPage")


class EventListArgs(PageArgs):
    """Filters of the list; the range is of days in the configured zone, as on the events page."""

    from_ = f.Date(data_key="from", load_default=None,
                   metadata={"description": "Events still on at or after this day (any part of them)."})
    to = f.Date(load_default=None, metadata={"description": "Events begun by the end of this day."})
    series_id = f.Integer(load_default=None, validate=f.Range(min=RECORD_ID.low, max=RECORD_ID.high))
    kind = f.String(load_default=None, validate=f.OneOf([kind.value for kind in EventKind]))
    status = f.String(load_default=None, validate=f.OneOf([status.value for status in EventStatus]))

    @ma.validates_schema
    def _range_forwards(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("from_") and data.get("to") and data["to"] < data["from_"]:
            raise ma.ValidationError(str(_BACKWARDS), "to")


_BACKWARDS = lazy_gettext("The end of the range must not be before its start.")


# --- Reading ----------------------------------------------------------------------------------------


def anniversary(event: Event) -> dict[str, Any] | None:
    """``{"number": 20, "label": {"az": "20-ci", …}}`` for the anniversary the event marks, else ``None``."""
    number = event.anniversary
    if number is None:
        return None
    return {"number": number, "label": {code: ordinal(number, code) for code in site_languages()}}


def dump_event(event: Event) -> dict[str, Any]:
    """``event`` as the API shows it (its series must be loaded, for the anniversary)."""
    zone = event.zone
    return {
        "id": event.id, "uid": event.uid, "sequence": event.sequence, "status": event.status, "kind": event.kind,
        "title": event.texts("title"), "description": event.texts("description"),
        "venue_id": event.venue_id, "series_id": event.series_id, "presiding_person_id": event.presiding_id,
        "starts_at": event.local_start, "ends_at": event.local_end, "timezone": event.timezone,
        "all_day": event.all_day,
        "daily_hours": ({"opens": event.daily_opens, "closes": event.daily_closes} if event.has_daily_hours
                        else None),
        "languages": list(event.languages or []),
        "answer_deadline": event.answer_deadline.astimezone(zone) if event.answer_deadline else None,
        "public": event.public, "anniversary": anniversary(event),
    }


def events_in_order(filters: services.EventFilters) -> Any:
    """The events the caller may see that match ``filters``, for :func:`keyset_page` (which orders them by start,
    then id): the events page's query, whatever order that page shows."""
    query = services.events_query(api_user(), filters, datetime.now(UTC), settings().timezone)
    return query.order_by(None)


def events_page(filters: services.EventFilters, *, limit: int, cursor: str | None) -> Page[dict[str, Any]]:
    """One page of the events the caller may see, by (start, id)."""
    page = keyset_page(events_in_order(filters), [Event.starts_at, Event.id],
                       lambda event: (event.starts_at, event.id), limit=limit, cursor=cursor)
    return Page([dump_event(event) for event in page.items], page.next_cursor)


def _event_or_404(event_id: int) -> Event:
    """The event, or 404 when there is none or the caller may not see it (a draft, for a representative)."""
    event = None
    if event_id in RECORD_ID:
        event = db.session.execute(select(Event).where(Event.id == event_id)
                                   .options(selectinload(Event.series))).scalar_one_or_none()
    if event is None or not may_see(api_user(), event):
        abort(404)
    return event


# --- Writing ----------------------------------------------------------------------------------------


def _instant(value: datetime | None, zone: Any, field: str) -> datetime | None:
    """``value`` in UTC; a wall-clock time (no offset) is read in ``zone``. A day outside the accepted years is
    refused first (before any arithmetic could overflow)."""
    if value is None:
        return None
    check_date(value, field)
    if value.tzinfo is None:
        return local_instant(value.date(), value.time(), zone)
    return value.astimezone(UTC)


def _details(values: dict[str, Any]) -> services.EventDetails:
    """The body (with the stored values filled in for a change) as the services' ``EventDetails``."""
    zone_name = values.get("timezone") or settings().timezone
    zone = services.event_zone(zone_name)
    if zone is None:
        raise services.EventError(services.NOT_A_CHOICE, "timezone")
    instants = {name: _instant(values.get(name), zone, name) for name in _INSTANTS}
    starts_at, ends_at = instants["starts_at"], instants["ends_at"]
    assert starts_at is not None and ends_at is not None  # required by the schema, stored on the event
    title, title_translations = f.split_texts(values["title"])
    description, description_translations = f.split_texts(values.get("description"))
    hours = values.get("daily_hours") or {}
    opens: time | None = hours.get("opens")
    closes: time | None = hours.get("closes")
    languages = values.get("languages") or []
    return services.EventDetails(
        title=title.strip(), kind=values["kind"], starts_at=starts_at, ends_at=ends_at,
        timezone=zone_name, all_day=bool(values.get("all_day")), daily_opens=opens, daily_closes=closes,
        series_id=values.get("series_id"), venue_id=values.get("venue_id"),
        presiding_id=values.get("presiding_person_id"), description=description.strip(),
        status=values.get("status") or EventStatus.DRAFT.value,
        languages=[code for code in site_languages() if code in languages],
        answer_deadline=instants["answer_deadline"], public=bool(values.get("public")),
        translations={"title": title_translations, "description": description_translations},
    )


def _checked(values: dict[str, Any]) -> services.EventDetails:
    """:func:`_details`, refused (the first problem) by the event form's rules before overlaps are looked for,
    as the form does."""
    details = _details(values)
    problems = services.event_problems(details)
    if problems:
        raise problems[0]
    return details


def _refuse_overlaps(details: services.EventDetails, event: Event | None, allowed: bool) -> None:
    """409 with the clashes when the event would overlap another, as the form warns, unless ``allowed`` (the
    form's "Save anyway")."""
    clashes = [] if allowed else services.event_clashes(details, event)
    if clashes:
        titles = ", ".join(dict.fromkeys(clash.other.text("title", current_language()) for clash in clashes))
        abort(409, message=f"{gettext('This overlaps with other events:')} {titles}", problem_extra={"clashes": [
            {"event_id": clash.other.id, "venue_id": clash.venue.id if clash.venue else None,
             "person_id": clash.person.id if clash.person else None} for clash in clashes]})


# --- Views ------------------------------------------------------------------------------------------


@blp.route("", methods=["GET"])
@token_required(*EVERYONE)
@blp.arguments(EventListArgs, location="query")
@blp.response(200, EventPageSchema)
def list_events(args: dict[str, Any]) -> Page[dict[str, Any]]:
    """The events the caller may see (drafts only for organisers and admins), by start, then id."""
    filters = services.EventFilters(when="all", series_id=args["series_id"], kind=args["kind"],
                                    status=args["status"], date_from=args["from_"], date_to=args["to"])
    with refusals_as_problems():
        check_date(args["from_"], "from")
        check_date(args["to"], "to")
    return events_page(filters, limit=args["limit"], cursor=args["cursor"])


@blp.route("", methods=["POST"])
@token_required(*ORGANISERS)
@blp.etag
@blp.arguments(EventSchema)
@blp.response(201, EventSchema)
def create_event(values: dict[str, Any]) -> dict[str, Any]:
    """Add an event, with the event form's rules."""
    allowed = values.pop("allow_overlaps", False)
    with refusals_as_problems(_RENAMED):
        details = _checked(values)
        _refuse_overlaps(details, None, allowed)
        event = services.create_event(details, created_by=api_user())
    return dump_event(event)


@blp.route("/<int:event_id>", methods=["GET"])
@token_required(*EVERYONE)
@blp.etag
@blp.response(200, EventSchema)
def get_event(event_id: int) -> dict[str, Any]:
    """One event, if the caller may see it."""
    return dump_event(_event_or_404(event_id))


@blp.route("/<int:event_id>", methods=["PATCH"])
@token_required(*ORGANISERS)
@blp.etag
@blp.arguments(EventSchema(partial=True))
@blp.response(200, EventSchema)
def update_event(changes: dict[str, Any], event_id: int) -> dict[str, Any]:
    """Change an event; send its ETag in If-Match. A change a calendar must see raises the SEQUENCE and sends
    every invited unit an update; status `cancelled` sends a cancellation. Texts given replace those languages'
    texts only; times without an offset are local to the (new or stored) `timezone`."""
    event = _event_or_404(event_id)
    current = dump_event(event)
    blp.check_etag(current, EventSchema)
    allowed = changes.pop("allow_overlaps", False)
    for name in ("title", "description"):
        if name in changes:
            changes[name] = f.merged_texts(event, name, changes[name])
    with refusals_as_problems(_RENAMED):
        details = _checked({**current, **changes})
        _refuse_overlaps(details, event, allowed)
        services.update_event(event, details)
    db.session.expire(event, ["series"])  # the series may have changed: its anniversary with it
    return dump_event(event)
