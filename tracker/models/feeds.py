"""What each calendar feed last served: the HTTP validators that make conditional GETs honest."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, LargeBinary, String, Table, Text, delete, event, or_, select
from sqlalchemy import inspect as inspect_instance
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, SessionTransaction, UOWTransaction, mapped_column

from ..extensions import Model
from .events import AgendaItem, Event, Series
from .people import Person, Venue
from .types import UTCDateTime


class FeedValidator(Model):
    """The ETag of a feed's last body and the instant that body was first served (its Last-Modified).

    Kept in the database, not in process memory: every app server must answer the same client alike.
    """

    __tablename__ = "feed_validators"

    #: Which feed: ``unit:<id>``, ``public:<language>``, ``event:<id>:<language>``, ``series:<id>:<language>``
    #: (``series:<id>:drafts:<language>`` for the organisers' view, whose body differs). Plain text, no foreign
    #: key: a row outliving its subject is harmless, and a new body under the same key only moves Last-Modified
    #: forward.
    feed: Mapped[str] = mapped_column(String(80), primary_key=True)
    #: Werkzeug's ``generate_etag`` of the body, unquoted.
    etag: Mapped[str] = mapped_column(String(128))
    #: When a body with this ETag was first served; whole seconds, as HTTP dates carry.
    last_modified: Mapped[datetime] = mapped_column(UTCDateTime)
    #: What the body was built from (``calendar.services.feed_state_key``): the content generation, the
    #: settings and the builder. While it is still the current key the body is still ``etag``, so a
    #: conditional request is answered without building it. ``None`` until a body is recorded with one.
    state_key: Mapped[str | None] = mapped_column(String(64), default=None)
    #: The body itself, zlib-compressed, as built from ``state_key``: a full GET with that key serves it as is.
    #: ``None`` until a body is recorded with one.
    body: Mapped[bytes | None] = mapped_column(LargeBinary, default=None, deferred=True)


class FeedGeneration(Model):
    """Two rows counting the commits that changed stored content: a feed's body (row :data:`FEEDS`) or a cached
    page (row :data:`PAGES`) can only change with its count.

    Every commit that inserted, changed or deleted a row of a table other than :data:`UNRELATED_TABLES`
    (through the ORM unit of work, or a Core statement run by the session that changed at least one row) adds
    one to the pages' count, and — unless the table is one of :data:`PAGE_ONLY_TABLES` — to the feeds' count,
    in the same transaction. The upsert locks the row until commit, so on PostgreSQL the numbers follow the
    commit order: a reader that sees generation *n* sees every change committed with a number up to *n*.
    """

    __tablename__ = "feed_generations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    generation: Mapped[int] = mapped_column(BigInteger, default=0)


class EventComponent(Model):
    """An event's serialized VEVENT as feeds write it (with ORGANIZER), kept so that a feed builds only the
    events that changed (``calendar.services.feed_ics``).

    ``variant`` names everything else the bytes depend on (``calendar.services.component_variant``: the builder's
    settings, language included, and the builder itself). Rows are deleted in the transaction that changes what
    they show (the hooks below), and when rows of another edition are stored.
    """

    __tablename__ = "event_components"

    #: No foreign key, on purpose: storing a row would then lock the event's row (PostgreSQL's key-share check)
    #: while holding the generation row, and a commit deleting that event waits for the generation row the
    #: other way round — a deadlock. The hooks below delete an event's rows with it; a row left by a bulk
    #: delete is never read (feeds start from the events).
    event_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    variant: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: The variant without its language (``calendar.services.component_edition``): storing rows of one edition
    #: deletes every other's (an older release's, older settings').
    edition: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)


#: The two counts (:class:`FeedGeneration` rows): what calendar feeds show, and what cached pages show.
FEEDS = 1
PAGES = 2
_GENERATIONS = FeedGeneration.__table__.c
#: Built once: read on every feed and every stored page, it should cost one round trip and nothing more.
_READ_GENERATION = {counter: select(_GENERATIONS.generation).where(_GENERATIONS.id == counter)
                    for counter in (FEEDS, PAGES)}
#: The feeds' count, to compare inside another statement (``NULL`` before the first change: coalesce it to 0).
CURRENT_GENERATION = _READ_GENERATION[FEEDS].scalar_subquery()
#: The pages' count, likewise.
CURRENT_PAGE_GENERATION = _READ_GENERATION[PAGES].scalar_subquery()


def read_content_generation(session: Session, counter: int = FEEDS) -> int:
    """How many commits changed what feeds (or, with ``PAGES``, pages) show so far: one cheap read, on the
    session's connection (inside its transaction), without the ORM's per-statement work."""
    value = session.connection().execute(_READ_GENERATION[counter]).scalar()
    return int(value or 0)


#: Tables no feed body and no cached page (``tracker.pagecache``) reads: the caches themselves, the audit log, and
#: API tokens (shown only on the uncached tokens page; an API request noting its token's last use empties nothing),
#: the API's stored idempotent results (``tracker.api.idempotency``; never shown), and the mailbox fetchers' claims.
UNRELATED_TABLES = frozenset(
    {"feed_validators", "feed_generations", "event_components", "page_cache", "audit_entries", "api_tokens",
     "idempotent_requests", "mailbox_claims"}
)
#: Tables pages show (who answered, whether an email went out, what the organiser's mailbox brought, an event's
#: photos, which releases are published) but no feed does: they move the pages' count only, so a mail worker
#: sending emails, a mailbox fetcher recording a refused reply, a photo upload or a publish leaves every feed's
#: validators standing.
PAGE_ONLY_TABLES = frozenset({"users", "outbox_messages", "mailbox_messages", "event_photos", "photo_files",
                              "release_publications", "release_publication_photos"})


def _counters(table_name: str | None) -> set[int]:
    """The counts a write to ``table_name`` moves (both for a statement whose table is unknown)."""
    if table_name in UNRELATED_TABLES:
        return set()
    if table_name in PAGE_ONLY_TABLES:
        return {PAGES}
    return {FEEDS, PAGES}

_CHANGED = "feed_content_changed"
_STALE = "feed_stale_components"

#: Tables a VEVENT reads (``calendar.ics.build_event_component``): a bulk statement on one drops every stored one.
COMPONENT_TABLES = frozenset({"events", "agenda_items", "venues", "people", "series"})
#: More ids than this in one commit: every stored component is dropped instead (no long IN lists).
_MAX_STALE_IDS = 500


def _changed(session: Session) -> set[int]:
    changed: set[int] = session.info.setdefault(_CHANGED, set())
    return changed


def _mark_flush(session: Session, _flush_context: UOWTransaction) -> None:
    changed = _changed(session)
    for instance in (*session.new, *session.dirty, *session.deleted):
        table = getattr(type(instance), "__table__", None)
        changed |= _counters(getattr(table, "name", None))
        if len(changed) == 2:
            return


def _mark_statement(state: ORMExecuteState) -> Any:
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    counters = _counters(name)
    stale_all = name is None or name in COMPONENT_TABLES
    if not counters and not stale_all:
        return None
    # Run it here to see whether it changed anything: a worker's poll that updates no row moves nothing.
    result = state.invoke_statement()
    if getattr(result, "rowcount", -1) == 0:
        return result
    _changed(state.session).update(counters)
    if stale_all:
        # A bulk statement may touch any row: drop every stored VEVENT (conservative).
        _stale(state.session)["all"] = True
    return result


def _stale(session: Session) -> dict[str, Any]:
    """What the transaction changed that stored VEVENTs show: ids of events, venues, people, series; or all."""
    stale: dict[str, Any] = session.info.setdefault(
        _STALE, {"events": set(), "venues": set(), "people": set(), "series": set(), "all": False}
    )
    return stale


def _note_deleted_references(session: Session, _context: Any, _instances: Any) -> None:
    """Before a venue, person or series is deleted, the events showing it (the database then clears the link)."""
    venues = [i.id for i in session.deleted if isinstance(i, Venue) and i.id is not None]
    people = [i.id for i in session.deleted if isinstance(i, Person) and i.id is not None]
    series = [i.id for i in session.deleted if isinstance(i, Series) and i.id is not None]
    conditions = _reference_conditions(venues, people, series)
    if not conditions:
        return
    stale = _stale(session)
    if len(venues) + len(people) + len(series) > _MAX_STALE_IDS:
        stale["all"] = True
        return
    # A Core statement on the flush's connection: no autoflush, no ORM hooks.
    ids = session.connection().execute(select(Event.id).where(or_(*conditions))).scalars()
    stale["events"].update(ids)


def _reference_conditions(venues: Any, people: Any, series: Any) -> list[Any]:
    conditions: list[Any] = []
    if venues:
        conditions.append(Event.venue_id.in_(list(venues)))
    if people:
        conditions.append(Event.presiding_id.in_(list(people)))
        conditions.append(Event.id.in_(select(AgendaItem.event_id).where(AgendaItem.speaker_id.in_(list(people)))))
    if series:
        conditions.append(Event.series_id.in_(list(series)))
    return conditions


def _note_stale_components(session: Session, _flush_context: UOWTransaction) -> None:
    """Note which events' stored VEVENTs the flushed changes make stale (dropped at commit, :func:`_drop_stale`)."""
    for instance in (*session.dirty, *session.deleted):
        if isinstance(instance, Event) and instance.id is not None:
            _stale(session)["events"].add(instance.id)
        elif isinstance(instance, AgendaItem):
            # The event it belongs to now, and the one it was moved from.
            history = inspect_instance(instance).attrs.event_id.history
            ids = {instance.event_id, *history.deleted}
            _stale(session)["events"].update(i for i in ids if i is not None)
        elif isinstance(instance, Venue) and instance not in session.deleted:
            _stale(session)["venues"].add(instance.id)
        elif isinstance(instance, Person) and instance not in session.deleted:
            _stale(session)["people"].add(instance.id)
        elif isinstance(instance, Series) and instance not in session.deleted:
            _stale(session)["series"].add(instance.id)
    for instance in session.new:
        if isinstance(instance, AgendaItem) and instance.event_id is not None:
            _stale(session)["events"].add(instance.event_id)


def _drop_stale(session: Session) -> None:
    """Delete the stored VEVENTs the transaction made stale: one DELETE, after the generation row is locked.

    After the lock: a feed storing components it built from older data checks the generation under a shared
    lock first (``calendar.services.feed_ics``), so it either stores before this DELETE (which then removes
    them) or sees the new generation and stores nothing.
    """
    stale = session.info.pop(_STALE, None)
    if stale is None:
        return
    table: Table = EventComponent.__table__  # type: ignore[assignment]
    total = sum(len(stale[key]) for key in ("events", "venues", "people", "series"))
    if stale["all"] or total > _MAX_STALE_IDS:
        session.execute(delete(table))
        return
    conditions = []
    if stale["events"]:  # by id: a deleted event is no longer in ``events``
        conditions.append(table.c.event_id.in_(sorted(stale["events"])))
    references = _reference_conditions(stale["venues"], stale["people"], stale["series"])
    if references:
        conditions.append(table.c.event_id.in_(select(Event.id).where(or_(*references))))
    if conditions:
        session.execute(delete(table).where(or_(*conditions)))


def _bump_generation(session: Session) -> None:
    session.flush()  # the commit's own flush runs after this hook: mark its changes first
    changed = session.info.pop(_CHANGED, set())
    if not changed:
        session.info.pop(_STALE, None)
        return
    table: Table = FeedGeneration.__table__  # type: ignore[assignment]
    dialect = session.get_bind().dialect.name
    insert: Any = postgresql_insert if dialect == "postgresql" else sqlite_insert
    for counter in sorted(changed):  # always in the same order: two commits never wait for each other's row
        session.execute(
            insert(table)
            .values(id=counter, generation=1)
            .on_conflict_do_update(index_elements=["id"], set_={"generation": table.c.generation + 1})
        )
    if FEEDS in changed:
        _drop_stale(session)
    else:
        session.info.pop(_STALE, None)


def _forget(session: Session, transaction: SessionTransaction) -> None:
    # Only when the whole transaction ends: a savepoint rolled back leaves the changes flushed before it.
    if transaction.parent is None:
        session.info.pop(_CHANGED, None)
        session.info.pop(_STALE, None)


event.listen(Session, "before_flush", _note_deleted_references)
event.listen(Session, "after_flush", _mark_flush)
event.listen(Session, "after_flush", _note_stale_components)
event.listen(Session, "do_orm_execute", _mark_statement)
event.listen(Session, "before_commit", _bump_generation)
event.listen(Session, "after_transaction_end", _forget)
