"""Calendar rules: which events a file or feed shows, feed tokens, and the Last-Modified of a feed.

Plain functions on domain objects; they flush, never commit.
"""

from __future__ import annotations

import contextlib
import hashlib
import zlib
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar, cast

import icalendar
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, String, Table, and_, bindparam, func, literal, or_
from sqlalchemy import cast as cast_column
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, CursorResult
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import selectinload

from ..attendance.services import AnswerDetails, AttendanceError, StaleAnswer, record_answer
from ..events.visibility import may_see, may_see_drafts, visible_statuses
from ..extensions import db
from ..i18n import current_language, primary_language
from ..models import (
    AgendaItem,
    AnswerChannel,
    Event,
    EventComponent,
    EventStatus,
    FeedGeneration,
    FeedValidator,
    Invitation,
    InvitationStatus,
    Person,
    Series,
    Unit,
    User,
    Venue,
)
from ..models.feeds import CURRENT_GENERATION, read_content_generation
from ..models.types import TranslatableMixin, utcnow
from ..models.units import new_feed_token
from ..settings import settings as app_settings
from .ics import CalendarSettings, FeedSpan, assemble_feed_ics, feed_event_bodies
from .replies import STATUS_BY_PARTSTAT, CalendarReply, ReplyError


def event_load_options() -> list[Any]:
    """Eager loads for everything the builder reads, so a feed costs the same queries for 1 or 1,000 events."""
    return [
        selectinload(Event.venue),
        selectinload(Event.presiding),
        selectinload(Event.series),
        selectinload(Event.agenda).selectinload(AgendaItem.speaker),
    ]


def event_for_download(event_id: int, user: User | None) -> Event | None:
    """The event with everything the builder needs, or ``None`` when it is missing or hidden from ``user``."""
    event = db.session.execute(
        db.select(Event).where(Event.id == event_id).options(*event_load_options())
    ).scalar_one_or_none()
    if event is None or not may_see(user, event):
        return None
    return event


def series_events_query(series: Series, user: User | None) -> Select[Event]:
    """The events of ``series`` that ``user`` may see, in start order (the statement; nothing loaded)."""
    return (
        db.select(Event)
        .where(Event.series_id == series.id, Event.status.in_(visible_statuses(user)))
        .order_by(Event.starts_at, Event.id)
    )


def series_events(series: Series, user: User | None) -> Sequence[Event]:
    """The events of ``series`` that ``user`` may see, in start order."""
    return db.session.execute(series_events_query(series, user).options(*event_load_options())).scalars().all()


def public_events_query() -> Select[Event]:
    """Events marked public and published (scheduled, held or cancelled), in start order (the statement)."""
    return (
        db.select(Event)
        .where(Event.public.is_(True), Event.status.in_(visible_statuses(None)))
        .order_by(Event.starts_at, Event.id)
    )


def public_events() -> Sequence[Event]:
    """Events marked public and published (scheduled, held or cancelled) for ``/calendar.ics``."""
    return db.session.execute(public_events_query().options(*event_load_options())).scalars().all()


@dataclass(frozen=True)
class FeedOwner:
    """The unit a private feed belongs to, as a feed reads it: id, language and name (read like the model's,
    ``text``), without the ORM's cost (a feed is polled every few minutes by every subscriber)."""

    id: int
    language: str
    name: str
    translations: dict[str, Any]
    #: The content generation, read in the same statement: before anything the feed's body shows.
    generation: int
    #: The feed's recorded validators, read in the same statement too (``None`` before its first body).
    recorded: RecordedFeed | None

    def text(self, field: str, language: str | None = None) -> str:
        """:meth:`TranslatableMixin.text <tracker.models.types.TranslatableMixin.text>`, on these values."""
        return TranslatableMixin.text(cast(Any, self), field, language)

    def texts(self, field: str) -> dict[str, str]:
        """:meth:`TranslatableMixin.texts <tracker.models.types.TranslatableMixin.texts>`, on these values."""
        return TranslatableMixin.texts(cast(Any, self), field)


@dataclass(frozen=True)
class RecordedFeed:
    """What a feed's last body was recorded with (``FeedValidator``): enough to answer a conditional request."""

    etag: str
    last_modified: datetime
    state_key: str | None
    #: The body recorded with them (compressed, as stored), when it was asked for (``with_body``).
    compressed_body: bytes | None = None


def unit_feed_name(unit_id: int) -> str:
    """The name a unit's feed is recorded under in ``feed_validators``."""
    return f"unit:{unit_id}"


_UNITS = cast(Table, Unit.__table__)
_RECORDS = cast(Table, FeedValidator.__table__)
#: Built once (a feed is polled every few minutes by every subscriber): one statement reads the unit, the content
#: generation and the feed's recorded validators, all a matching conditional request needs.
_UNIT_BY_TOKEN = db.select(
    _UNITS.c.id, _UNITS.c.language, _UNITS.c.name, _UNITS.c.translations,
    func.coalesce(CURRENT_GENERATION, 0).label("generation"),
    _RECORDS.c.etag, _RECORDS.c.last_modified, _RECORDS.c.state_key,
).select_from(
    _UNITS.outerjoin(_RECORDS, _RECORDS.c.feed == literal("unit:") + cast_column(_UNITS.c.id, String))
).where(_UNITS.c.feed_token == bindparam("token"), _UNITS.c.active.is_(True))
#: The same, with the recorded body: a full GET whose state key is the recorded one is answered from this one read.
_UNIT_BY_TOKEN_WITH_BODY = _UNIT_BY_TOKEN.add_columns(_RECORDS.c.body)


def unit_by_feed_token(token: str, connection: Connection | None = None, *, with_body: bool = False
                       ) -> FeedOwner | None:
    """The active unit whose private feed ``token`` is, or ``None``. Read on the session's connection, or on
    ``connection`` (the revalidation fast path, ``revalidation.py``, which has no session); ``with_body``: with
    the feed's recorded body too (``RecordedFeed.compressed_body``)."""
    if not token or len(token) > 64:
        return None
    statement = _UNIT_BY_TOKEN_WITH_BODY if with_body else _UNIT_BY_TOKEN
    row = (connection or db.session.connection()).execute(statement, {"token": token}).one_or_none()
    if row is None:
        return None
    recorded = None if row.etag is None else RecordedFeed(row.etag, row.last_modified, row.state_key,
                                                          row.body if with_body else None)
    return FeedOwner(row.id, row.language, row.name, row.translations or {}, int(row.generation), recorded)


def unit_feed_query(unit: Unit | FeedOwner) -> Select[Event]:
    """Published events ``unit`` is invited to, in start order (the statement; nothing loaded)."""
    return (
        db.select(Event)
        .join(Invitation, Invitation.event_id == Event.id)
        # The feed is read without signing in: what anyone may see, of what the unit is invited to.
        .where(Invitation.unit_id == unit.id, Event.status.in_(visible_statuses(None)))
        .order_by(Event.starts_at, Event.id)
    )


def unit_feed_events(unit: Unit) -> Sequence[Event]:
    """Published events ``unit`` is invited to, in start order."""
    return db.session.execute(unit_feed_query(unit).options(*event_load_options())).scalars().all()


def may_manage_feed(user: User, unit: Unit) -> bool:
    """Organisers, and the unit's own representatives, may see and rotate the unit's feed URL."""
    return user.is_organiser or (user.unit_id is not None and user.unit_id == unit.id)


def rotate_feed_token(unit: Unit) -> str:
    """Give ``unit`` a new feed token; the old feed URL stops working at once."""
    unit.feed_token = new_feed_token()
    db.session.flush()
    return unit.feed_token


def series_feed_key(series: Series, user: User | None) -> str:
    """The validators' key of a series download: organisers see drafts, so their body is another one."""
    return f"series:{series.id}:drafts" if may_see_drafts(user) else f"series:{series.id}"


#: Lost races tolerated while recording a feed's new ETag before serving the body without Last-Modified.
_RECORD_ATTEMPTS = 5


@lru_cache(maxsize=1)
def _builder_fingerprint() -> str:
    """What else the bytes depend on: the builder's code, its translations, icalendar and the time zone data.

    Read once per process: a deployment that changes any of them restarts the workers.
    """
    digest = hashlib.sha256(icalendar.__version__.encode())
    package = Path(__file__).resolve().parent.parent
    # The builder and the code it calls for texts (stored VEVENTs outlive a process: event_components).
    code = [package / "calendar" / "ics.py", *(package / name for name in _BUILDER_HELPERS)]
    for path in [*code, *sorted(package.glob("translations/*/LC_MESSAGES/*.mo"))]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(_tz_version().encode())
    with contextlib.suppress(metadata.PackageNotFoundError):
        digest.update(f"babel {metadata.version('babel')}".encode())  # language names
    return digest.hexdigest()


#: Modules (under ``tracker/``) whose code decides the text of a VEVENT or a VTIMEZONE besides ``calendar/ics.py``.
_BUILDER_HELPERS = (
    "calendar/vtimezone.py",
    "events/display.py",
    "vocabulary.py",
    "timemath.py",
    "text.py",
    "models/types.py",
    "models/people.py",
)


def _tz_version() -> str:
    """The IANA time zone data versions ``zoneinfo`` may read: the system's, then the ``tzdata`` package's."""
    versions = []
    for directory in zoneinfo.TZPATH:
        for name in ("tzdata.zi", "+VERSION"):
            path = Path(directory) / name
            if path.is_file():
                with path.open("rb") as stream:
                    versions.append(stream.readline().decode("ascii", "replace").strip())
                break
    with contextlib.suppress(metadata.PackageNotFoundError):
        versions.append(f"tzdata {metadata.version('tzdata')}")
    return "|".join(versions)


def content_generation() -> int:
    """How many commits changed stored content so far (``FeedGeneration``): one cheap read."""
    return read_content_generation(db.session())


def feed_state_key(settings: CalendarSettings, generation: int) -> str:
    """What a feed's body is built from, in 64 hex digits: equal keys, equal bodies (for the same feed name).

    The content ``generation`` (:func:`content_generation`; it moves with every commit that changes rows a
    body may read — events, their venue, people, agenda, series, invitations, units, translations), the
    builder's settings (language, alarms, site URL, names) and the builder itself (:func:`_builder_fingerprint`).
    Read the generation BEFORE loading anything the body shows: a change committed in between then moves the
    key away from the body recorded with it, never the other way round.
    """
    digest = hashlib.sha256(f"{generation}|{_settings_digest(settings)}".encode())
    return digest.hexdigest()


@lru_cache(maxsize=256)
def _settings_digest(settings: CalendarSettings) -> str:
    """The builder's settings and the builder, hashed once per process and settings (not per request)."""
    return hashlib.sha256(f"{settings!r}|{_builder_fingerprint()}".encode()).hexdigest()


# ------------------------------------------------------------------------------------------- feed caches


def component_variant(settings: CalendarSettings) -> str:
    """What a stored VEVENT depends on besides its event, in 64 hex digits (``EventComponent.variant``): the
    builder's settings (language included), the primary language texts fall back to, and the builder."""
    digest = hashlib.sha256(f"{settings!r}|{primary_language()}|{_builder_fingerprint()}".encode())
    return digest.hexdigest()


def component_edition(settings: CalendarSettings) -> str:
    """The variants that can live side by side (``EventComponent.edition``): the same as :func:`component_variant`
    but for the language. Storing VEVENTs of one edition deletes every other edition's: what an older release or
    older settings stored is never read again."""
    digest = hashlib.sha256(f"{replace(settings, language=None)!r}|{primary_language()}|{_builder_fingerprint()}"
                            .encode())
    return digest.hexdigest()


def _keeps_components(settings: CalendarSettings) -> bool:
    """Whether VEVENTs built with ``settings`` may be stored: only for the site's own address (``BASE_URL``, else
    ``DEFAULT_BASE_URL``). Without ``BASE_URL`` the address comes from the request's Host header, which anyone
    may set: storing a copy of every event per Host sent would let the table grow without end."""
    site = app_settings()
    return settings.base_url in {site.base_url or site.default_base_url}


def feed_ics(
    query: Select[Event],
    *,
    generation: int,
    name: str,
    uid: str,
    settings: CalendarSettings,
    series: Sequence[Series] = (),
    description: str | None = None,
) -> bytes:
    """The feed of the events ``query`` selects (in its order), built only where no VEVENT is stored.

    The same bytes as :func:`~tracker.calendar.ics.build_feed_ics` for the same events. One statement reads
    each event's times and zone with its stored VEVENT for this variant (:func:`component_variant`); only the
    events without one are loaded and built, and their VEVENTs stored (``ON CONFLICT DO NOTHING``: another
    server may store the same at once). ``generation`` is the content generation the caller read before
    anything else (:func:`content_generation`): VEVENTs are stored only while it is still the current one,
    checked under a shared lock on its row, so a VEVENT built from data a concurrent commit changed is never
    kept (that commit deletes stale ones after locking the row, ``models.feeds``). Flushes, never commits.
    """
    variant = component_variant(settings)
    table = cast(Table, EventComponent.__table__)
    rows = db.session.execute(
        query.with_only_columns(Event.id, Event.starts_at, Event.ends_at, Event.timezone, table.c.body)
        .outerjoin(table, and_(table.c.event_id == Event.id, table.c.variant == variant))
    ).all()
    bodies: dict[int, str] = {row[0]: row[4] for row in rows if row[4] is not None}
    missing = {row[0] for row in rows if row[4] is None}
    if missing:
        # The feed's own query again, for its events without a body: no list of ids, whatever their number.
        unstored = (
            query.with_only_columns(Event.id)
            .outerjoin(table, and_(table.c.event_id == Event.id, table.c.variant == variant))
            .where(table.c.event_id.is_(None))
            .order_by(None)
        )
        built = feed_event_bodies(_snapshots(unstored), settings=settings)
        built = {event_id: body for event_id, body in built.items() if event_id in missing}
        if _keeps_components(settings):
            _store_components(built, variant, component_edition(settings), generation)
        bodies.update(built)
        if len(built) < len(missing):  # stored by another server meanwhile
            bodies.update(_stored_bodies(sorted(missing - built.keys()), variant))
    # An event deleted by a commit after the first statement has no body: it is left out, as it would be now.
    present = [row for row in rows if row[0] in bodies]
    return assemble_feed_ics(
        [FeedSpan(row[1], row[2], row[3]) for row in present],
        [bodies[row[0]] for row in present],
        name=name,
        uid=uid,
        settings=settings,
        series=series,
        description=description,
    )


class _Snapshot:
    """Read-only values of one row, read the way the model reads them (``text``/``texts``): what the builder
    needs of an event, its venue, its people and its agenda, without the ORM's cost per object (a cold feed of
    5,000 events has 30,000 agenda items). Never added to a session; gone after the build."""

    texts = TranslatableMixin.texts
    #: The primary language, read once per build (``tracker.i18n.primary_language``).
    primary = ""

    def __init__(self, values: Any) -> None:
        self.__dict__.update(values)

    def text(self, field: str, language: str | None = None) -> str:
        """:meth:`TranslatableMixin.text <tracker.models.types.TranslatableMixin.text>`, with the primary language
        read once (a feed asks a hundred thousand times); the reference-builder tests hold the two equal."""
        stored = (self.__dict__["translations"] or {}).get(field) or {}
        for code in (language, self.primary):
            if code and stored.get(code):
                return str(stored[code])
        plain = getattr(self, field) or ""
        if plain:
            return str(plain)
        return next((str(value) for value in stored.values() if value), "")


    # Annotations only (no values): the columns read here; every other column is there as well.
    id: int
    event_id: int
    speaker_id: int | None
    speaker: _Snapshot | None


_S = TypeVar("_S", bound=_Snapshot)


class _EventSnapshot(_Snapshot):
    has_daily_hours = Event.has_daily_hours

    venue_id: int | None
    presiding_id: int | None
    venue: _Snapshot | None
    presiding: _Snapshot | None
    agenda: list[_Snapshot]


class _PersonSnapshot(_Snapshot):
    title_line = Person.title_line


def _rows_as(kind: type[_S], statement: Select[Any]) -> list[_S]:
    """Each row of ``statement`` as a ``kind`` snapshot (the column names read once, not per row)."""
    result = db.session.execute(statement)
    names = list(result.keys())
    return [kind(dict(zip(names, row, strict=True))) for row in result]


def _snapshots(event_ids: Select[Any]) -> list[Event]:
    """The events whose ids ``event_ids`` selects, with their venue, presiding person and agenda (with speakers),
    as the builder reads them: four statements (events, agenda, venues, people), whatever their number."""
    _Snapshot.primary = primary_language()
    events_table = cast(Table, Event.__table__)
    agenda_table = cast(Table, AgendaItem.__table__)
    venues_table = cast(Table, Venue.__table__)
    people_table = cast(Table, Person.__table__)
    events = _rows_as(_EventSnapshot, db.select(events_table).where(events_table.c.id.in_(event_ids)))
    agenda = _rows_as(_Snapshot, db.select(agenda_table).where(agenda_table.c.event_id.in_(event_ids))
                      .order_by(agenda_table.c.event_id, agenda_table.c.position))
    venues = {venue.id: venue for venue in _rows_as(_Snapshot, db.select(venues_table).where(venues_table.c.id.in_(
        db.select(events_table.c.venue_id).where(events_table.c.id.in_(event_ids))
    )))}
    people = {person.id: person for person in _rows_as(_PersonSnapshot, db.select(people_table).where(or_(
        people_table.c.id.in_(db.select(events_table.c.presiding_id).where(events_table.c.id.in_(event_ids))),
        people_table.c.id.in_(db.select(agenda_table.c.speaker_id).where(agenda_table.c.event_id.in_(event_ids))),
    )))}
    by_event: dict[int, list[_Snapshot]] = {}
    for item in agenda:
        item.speaker = people.get(item.speaker_id) if item.speaker_id is not None else None
        by_event.setdefault(item.event_id, []).append(item)
    for event in events:
        event.venue = venues.get(event.venue_id) if event.venue_id is not None else None
        event.presiding = people.get(event.presiding_id) if event.presiding_id is not None else None
        event.agenda = by_event.get(event.id, [])
    # Duck-typed: the builder reads only attributes and text()/texts()/title_line()/has_daily_hours.
    return cast("list[Event]", events)


#: Ids per statement when reading stored VEVENTs by id (SQLite limits bound parameters).
_IDS_PER_STATEMENT = 500


def _stored_bodies(event_ids: Sequence[int], variant: str) -> dict[int, str]:
    """The stored VEVENTs of these events (those another server stored meanwhile; rarely any)."""
    table = cast(Table, EventComponent.__table__)
    bodies: dict[int, str] = {}
    for start in range(0, len(event_ids), _IDS_PER_STATEMENT):
        chunk = event_ids[start:start + _IDS_PER_STATEMENT]
        bodies.update(db.session.execute(
            db.select(table.c.event_id, table.c.body).where(table.c.variant == variant, table.c.event_id.in_(chunk))
        ).tuples().all())
    return bodies


def _store_components(bodies: dict[int, str], variant: str, edition: str, generation: int) -> None:
    """Store built VEVENTs, unless content changed since ``generation`` was read (then they may be stale).

    Best effort, in a savepoint: the generation row is read under a shared lock, skipped when a writer holds it
    (its commit is changing content: nothing is stored); an event deleted meanwhile, or a lock conflict with a
    concurrent commit, only leaves the VEVENTs unstored — the body is served all the same.
    """
    if not bodies:
        return
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    table = cast(Table, EventComponent.__table__)
    try:
        with db.session.begin_nested():
            current = db.session.execute(
                db.select(FeedGeneration.generation).where(FeedGeneration.id == 1)
                .with_for_update(read=True, skip_locked=True)
            ).scalar()
            if current is None or int(current) != generation:
                return  # not the current generation — or no row yet, so nothing to lock against a first commit
            db.session.execute(table.delete().where(table.c.edition != edition))
            db.session.execute(
                insert(table).on_conflict_do_nothing(index_elements=["event_id", "variant"]),
                [{"event_id": event_id, "variant": variant, "edition": edition, "body": body}
                 for event_id, body in bodies.items()],
            )
    except DBAPIError:
        return


@dataclass(frozen=True)
class StoredFeed:
    """A feed's recorded validators and, when asked for and recorded, its body (uncompressed)."""

    etag: str
    last_modified: datetime
    body: bytes | None


_VALIDATORS = cast(Table, FeedValidator.__table__)
#: Built once: a conditional request costs this read and little else.
_STORED_FEED = db.select(_VALIDATORS.c.etag, _VALIDATORS.c.last_modified).where(
    _VALIDATORS.c.feed == bindparam("feed"), _VALIDATORS.c.state_key == bindparam("state_key"))
_STORED_FEED_WITH_BODY = _STORED_FEED.add_columns(_VALIDATORS.c.body)


def stored_feed(feed: str, state_key: str, *, with_body: bool) -> StoredFeed | None:
    """The recorded ETag, Last-Modified (and body) of ``feed`` when they were built from ``state_key``."""
    statement = _STORED_FEED_WITH_BODY if with_body else _STORED_FEED
    row = db.session.connection().execute(statement, {"feed": feed, "state_key": state_key}).one_or_none()
    if row is None:
        return None
    body = stored_body(row.body) if with_body and row.body is not None else None
    return StoredFeed(row.etag, row.last_modified, body)


def stored_body(compressed: bytes) -> bytes:
    """A feed's body as ``feed_validators.body`` keeps it (zlib), whole again."""
    return zlib.decompress(compressed)


def feed_last_modified(
    feed: str, etag: str, *, now: datetime | None = None, state_key: str | None = None, body: bytes | None = None
) -> datetime | None:
    """The Last-Modified of feed ``feed`` whose body now has ``etag``; records the body when it is new.

    A feed's Last-Modified is the instant its current body was first served, so it moves whenever the
    bytes do — whatever changed (an agenda item, a venue, a speaker, an invitation), including changes that
    leave ``Event.updated_at`` alone. An unchanged body keeps its instant (one read, no write). A new body
    gets now, in whole seconds (HTTP dates carry no more) and at least a second after the previous one, so
    a client holding the old body never compares equal — even within the same second or with app servers
    whose clocks differ. Several servers may record at once: each write only succeeds against the row it
    read (insert if absent, update if the ETag is still the one read); a lost race reads again. Flushes
    nothing else, never commits: the view commits.

    ``state_key`` (:func:`feed_state_key`, read before the body was built) is recorded with the ETag, so that
    the next conditional request with the same key is answered without building (:func:`stored_feed`).
    ``body`` (the bytes of ``etag``) is recorded with it, compressed, for the next full GET with that key
    (:func:`stored_feed`).
    """
    table = cast(Table, FeedValidator.__table__)
    moment = (now or utcnow()).astimezone(UTC).replace(microsecond=0)
    packed = zlib.compress(body, 1) if body is not None and state_key is not None else None
    for _attempt in range(_RECORD_ATTEMPTS):
        row = db.session.execute(
            db.select(
                table.c.etag, table.c.last_modified, table.c.state_key, table.c.body.is_(None).label("bodiless")
            ).where(table.c.feed == feed)
        ).one_or_none()
        if row is not None and row.etag == etag:
            if row.state_key != state_key or (packed is not None and row.bodiless):
                # Same bytes from newer content: the key goes with this ETag only (the row may have moved on).
                values: dict[str, Any] = {"state_key": state_key}
                if packed is not None:
                    values["body"] = packed
                db.session.execute(table.update().where(table.c.feed == feed, table.c.etag == etag).values(**values))
            return row.last_modified
        if row is None:
            stored = _insert_if_absent(feed, etag, moment, state_key, packed)
        else:
            moment = max(moment, row.last_modified + timedelta(seconds=1))
            stored = _replace_if_unchanged(feed, row.etag, etag, moment, state_key, packed)
        if stored:
            return moment
    # Still racing (the body flips under heavy concurrent edits): no Last-Modified is always safe; the
    # ETag still answers If-None-Match.
    return None


def _replace_if_unchanged(
    feed: str, old_etag: str, etag: str, moment: datetime, state_key: str | None = None, body: bytes | None = None
) -> bool:
    """Store the feed's new body; ``False`` when another server replaced ``old_etag`` first."""
    table = cast(Table, FeedValidator.__table__)
    statement = (
        table.update()
        .where(table.c.feed == feed, table.c.etag == old_etag)
        .values(etag=etag, last_modified=moment, state_key=state_key, body=body)
    )
    return cast("CursorResult[Any]", db.session.execute(statement)).rowcount == 1


def _insert_if_absent(
    feed: str, etag: str, moment: datetime, state_key: str | None = None, body: bytes | None = None
) -> bool:
    """Insert the feed's first row; ``False`` when another server inserted it first (no error raised)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    values = {"feed": feed, "etag": etag, "last_modified": moment, "state_key": state_key, "body": body}
    table = cast(Table, FeedValidator.__table__)
    statement = insert(table).values(**values).on_conflict_do_nothing(index_elements=["feed"]).returning(table.c.feed)
    # RETURNING, not rowcount: drivers do not all report a row count for INSERT … ON CONFLICT.
    return db.session.execute(statement).first() is not None


# ------------------------------------------------------------------------------------------- replies


@dataclass(frozen=True)
class AppliedAnswer:
    """One invitation a reply answered, and whether anything changed."""

    invitation: Invitation
    status: str
    changed: bool


class ReplyRaceLost(ReplyError):
    """Another answer was recorded while the reply was being applied; nothing was written (trying again may work)."""


def event_with_invitations(uid: str) -> Event:
    """The event the calendar UID ``uid`` names, its invitations and units loaded; :class:`ReplyError` when none."""
    event = db.session.execute(
        db.select(Event).where(Event.uid == uid).options(selectinload(Event.invitations).selectinload(Invitation.unit))
    ).scalar_one_or_none()
    if event is None:
        raise ReplyError(_l("No event has the UID %(uid)s.", uid=uid[:200]))
    return event


def invitations_by_address(event: Event) -> dict[str, list[Invitation]]:
    """How a calendar message's ATTENDEE names a unit: every contact address (lower case) of an invited unit → its
    invitations. Walk-ins are left out: they were never invited, and have no answer to change. One rule for
    replies (upload form and mailbox), proposals and refreshes."""
    by_address: dict[str, list[Invitation]] = {}
    for invitation in event.invitations:
        if invitation.walk_in:
            continue
        for address in invitation.unit.contact_emails or []:
            by_address.setdefault(address.strip().lower(), []).append(invitation)
    return by_address


def no_unit_error(addresses: Sequence[str]) -> ReplyError:
    """The reason for a message whose ATTENDEE addresses name no invited unit."""
    return ReplyError(_l("%(addresses)s is not a contact address of any unit invited to this event.",
                         addresses=", ".join(address[:100] for address in addresses)))


def match_reply(reply: CalendarReply) -> tuple[Event, list[tuple[Invitation, str]]]:
    """Find the event and the invitations ``reply`` answers, or raise :class:`ReplyError` saying why.

    The UID names the event; each ATTENDEE address (case-insensitive) names every invited unit that has
    it as a contact address. The reply's SEQUENCE must be the event's current one: an answer to an
    older version (the unit has not seen the update yet) or to a version we never sent changes nothing.
    """
    event = event_with_invitations(reply.uid)
    if reply.sequence < event.sequence:
        raise ReplyError(_l(
            "The reply answers an older version of the event (SEQUENCE %(got)s; the last one sent is "
            "%(current)s). The unit should answer the latest update.",
            got=reply.sequence, current=event.sequence,
        ))
    if reply.sequence > event.sequence:
        raise ReplyError(_l(
            "The reply names SEQUENCE %(got)s, but the last one sent is %(current)s.",
            got=reply.sequence, current=event.sequence,
        ))
    if event.status == EventStatus.CANCELLED:
        raise ReplyError(_l("The event is cancelled; answers are no longer recorded."))
    by_address = invitations_by_address(event)
    matched: dict[int, tuple[Invitation, str]] = {}
    for answer in reply.answers:
        status = STATUS_BY_PARTSTAT.get(answer.partstat)
        for invitation in by_address.get(answer.email, []):
            if status is None:
                raise ReplyError(_l(
                    "The reply's answer %(partstat)s is not accepted, tentative or declined.",
                    partstat=answer.partstat[:40],
                ))
            matched[invitation.id] = (invitation, status)
    if not matched:
        raise no_unit_error([a.email for a in reply.answers])
    return event, list(matched.values())


def apply_reply(reply: CalendarReply, *, by_user: User | None) -> list[AppliedAnswer]:
    """Record ``reply`` as the answers of the invitations it matches ("answered from calendar").

    Everything is checked first (:func:`match_reply`) and answers go through the attendance rules
    (:func:`tracker.attendance.services.record_answer`: deadline, capacity, optimistic lock), so a bad
    reply raises :class:`ReplyError` and — once the caller rolls back — changes nothing. Headcount and
    delegates stay as they were; a COMMENT in the reply becomes the note.
    """
    _event, matched = match_reply(reply)
    applied = []
    for invitation, status in matched:
        # Read now: after a failed flush the object cannot be read any more.
        unit_name = invitation.unit.text("name", current_language())
        try:
            changed = record_answer(
                invitation,
                AnswerDetails(
                    status=status,
                    headcount=invitation.headcount if status != InvitationStatus.DECLINED else None,
                    delegates=invitation.delegates if status != InvitationStatus.DECLINED else "",
                    note=reply.comment[:2000] or invitation.note,
                ),
                by_user=by_user,
                via=AnswerChannel.CALENDAR,
                # A reply is not based on a form the user saw; the database lock still applies.
                expected_version=None,
            )
        except StaleAnswer as error:
            raise ReplyRaceLost(_l("%(unit)s: %(reason)s", unit=unit_name, reason=LazyString(error.translated))
                                ) from error
        except AttendanceError as error:
            # Translated when shown: after a race lost at the flush nothing can be read until the view rolls back.
            raise ReplyError(_l("%(unit)s: %(reason)s", unit=unit_name, reason=LazyString(error.translated))
                             ) from error
        applied.append(AppliedAnswer(invitation=invitation, status=status, changed=changed))
    return applied
