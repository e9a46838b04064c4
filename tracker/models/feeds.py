"""What each calendar feed last served: the HTTP validators that make conditional GETs honest."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String, Table, event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, SessionTransaction, UOWTransaction, mapped_column

from ..extensions import Model
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


class FeedGeneration(Model):
    """One row counting the commits that changed stored content: a feed's body can only change with it.

    Every commit that inserted, changed or deleted a row of a table other than :data:`UNRELATED_TABLES`
    (through the ORM unit of work or a Core statement run by the session) adds one, in the same
    transaction. The upsert locks the row until commit, so on PostgreSQL the numbers follow the commit order:
    a reader that sees generation *n* sees every change committed with a number up to *n*.
    """

    __tablename__ = "feed_generations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    generation: Mapped[int] = mapped_column(BigInteger, default=0)


#: Tables no feed body reads: writes to them leave the generation alone (everything else moves it).
UNRELATED_TABLES = frozenset({"feed_validators", "feed_generations", "outbox_messages", "audit_entries", "users"})

_CHANGED = "feed_content_changed"


def _mark_flush(session: Session, _flush_context: UOWTransaction) -> None:
    for instance in (*session.new, *session.dirty, *session.deleted):
        table = getattr(type(instance), "__table__", None)
        if table is None or table.name not in UNRELATED_TABLES:
            session.info[_CHANGED] = True
            return


def _mark_statement(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) not in UNRELATED_TABLES:
        state.session.info[_CHANGED] = True


def _bump_generation(session: Session) -> None:
    session.flush()  # the commit's own flush runs after this hook: mark its changes first
    if not session.info.pop(_CHANGED, False):
        return
    table: Table = FeedGeneration.__table__  # type: ignore[assignment]
    dialect = session.get_bind().dialect.name
    insert: Any = postgresql_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        insert(table)
        .values(id=1, generation=1)
        .on_conflict_do_update(index_elements=["id"], set_={"generation": table.c.generation + 1})
    )


def _forget(session: Session, transaction: SessionTransaction) -> None:
    # Only when the whole transaction ends: a savepoint rolled back leaves the changes flushed before it.
    if transaction.parent is None:
        session.info.pop(_CHANGED, None)


event.listen(Session, "after_flush", _mark_flush)
event.listen(Session, "do_orm_execute", _mark_statement)
event.listen(Session, "before_commit", _bump_generation)
event.listen(Session, "after_transaction_end", _forget)
