"""Calendar rules: which events a file or feed shows, feed tokens, and the Last-Modified of a feed.

Plain functions on domain objects; they flush, never commit.
"""

from __future__ import annotations

import contextlib
import hashlib
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, cast

import icalendar
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import selectinload

from ..attendance.services import AnswerDetails, AttendanceError, record_answer
from ..events.visibility import may_see, may_see_drafts, visible_statuses
from ..extensions import db
from ..i18n import current_language
from ..models import (
    AgendaItem,
    AnswerChannel,
    Event,
    EventStatus,
    FeedGeneration,
    FeedValidator,
    Invitation,
    InvitationStatus,
    Series,
    Unit,
    User,
)
from ..models.types import utcnow
from ..models.units import new_feed_token
from .ics import CalendarSettings
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


def series_events(series: Series, user: User | None) -> Sequence[Event]:
    """The events of ``series`` that ``user`` may see, in start order."""
    return db.session.execute(
        db.select(Event)
        .where(Event.series_id == series.id, Event.status.in_(visible_statuses(user)))
        .options(*event_load_options())
        .order_by(Event.starts_at, Event.id)
    ).scalars().all()


def public_events() -> Sequence[Event]:
    """Events marked public and published (scheduled, held or cancelled) for ``/calendar.ics``."""
    return db.session.execute(
        db.select(Event)
        .where(Event.public.is_(True), Event.status.in_(visible_statuses(None)))
        .options(*event_load_options())
        .order_by(Event.starts_at, Event.id)
    ).scalars().all()


def unit_by_feed_token(token: str) -> Unit | None:
    """The active unit whose private feed ``token`` is, or ``None``."""
    if not token or len(token) > 64:
        return None
    return db.session.execute(
        db.select(Unit).where(Unit.feed_token == token, Unit.active.is_(True))
    ).scalar_one_or_none()


def unit_feed_events(unit: Unit) -> Sequence[Event]:
    """Published events ``unit`` is invited to, in start order."""
    return db.session.execute(
        db.select(Event)
        .join(Invitation, Invitation.event_id == Event.id)
        # The feed is read without signing in: what anyone may see, of what the unit is invited to.
        .where(Invitation.unit_id == unit.id, Event.status.in_(visible_statuses(None)))
        .options(*event_load_options())
        .order_by(Event.starts_at, Event.id)
    ).scalars().all()


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
    for path in [package / "calendar" / "ics.py", *sorted(package.glob("translations/*/LC_MESSAGES/*.mo"))]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(_tz_version().encode())
    return digest.hexdigest()


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
    value = db.session.execute(db.select(FeedGeneration.generation).where(FeedGeneration.id == 1)).scalar()
    return int(value or 0)


def feed_state_key(settings: CalendarSettings, generation: int) -> str:
    """What a feed's body is built from, in 64 hex digits: equal keys, equal bodies (for the same feed name).

    The content ``generation`` (:func:`content_generation`; it moves with every commit that changes rows a
    body may read — events, their venue, people, agenda, series, invitations, units, translations), the
    builder's settings (language, alarms, site URL, names) and the builder itself (:func:`_builder_fingerprint`).
    Read the generation BEFORE loading anything the body shows: a change committed in between then moves the
    key away from the body recorded with it, never the other way round.
    """
    digest = hashlib.sha256(f"{generation}|{settings!r}|{_builder_fingerprint()}".encode())
    return digest.hexdigest()


def unchanged_feed(feed: str, state_key: str) -> tuple[str, datetime] | None:
    """The stored ETag and Last-Modified of ``feed`` when its body was built from ``state_key``, else ``None``."""
    table = cast(Table, FeedValidator.__table__)
    row = db.session.execute(
        db.select(table.c.etag, table.c.last_modified).where(table.c.feed == feed, table.c.state_key == state_key)
    ).one_or_none()
    return None if row is None else (row.etag, row.last_modified)


def feed_last_modified(
    feed: str, etag: str, *, now: datetime | None = None, state_key: str | None = None
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
    the next conditional request with the same key is answered without building (:func:`unchanged_feed`).
    """
    table = cast(Table, FeedValidator.__table__)
    moment = (now or utcnow()).astimezone(UTC).replace(microsecond=0)
    for _attempt in range(_RECORD_ATTEMPTS):
        row = db.session.execute(
            db.select(table.c.etag, table.c.last_modified, table.c.state_key).where(table.c.feed == feed)
        ).one_or_none()
        if row is not None and row.etag == etag:
            if row.state_key != state_key:
                # Same bytes from newer content: the key goes with this ETag only (the row may have moved on).
                db.session.execute(
                    table.update().where(table.c.feed == feed, table.c.etag == etag).values(state_key=state_key)
                )
            return row.last_modified
        if row is None:
            stored = _insert_if_absent(feed, etag, moment, state_key)
        else:
            moment = max(moment, row.last_modified + timedelta(seconds=1))
            stored = _replace_if_unchanged(feed, row.etag, etag, moment, state_key)
        if stored:
            return moment
    # Still racing (the body flips under heavy concurrent edits): no Last-Modified is always safe; the
    # ETag still answers If-None-Match.
    return None


def _replace_if_unchanged(
    feed: str, old_etag: str, etag: str, moment: datetime, state_key: str | None = None
) -> bool:
    """Store the feed's new body; ``False`` when another server replaced ``old_etag`` first."""
    table = cast(Table, FeedValidator.__table__)
    statement = (
        table.update()
        .where(table.c.feed == feed, table.c.etag == old_etag)
        .values(etag=etag, last_modified=moment, state_key=state_key)
    )
    return cast("CursorResult[Any]", db.session.execute(statement)).rowcount == 1


def _insert_if_absent(feed: str, etag: str, moment: datetime, state_key: str | None = None) -> bool:
    """Insert the feed's first row; ``False`` when another server inserted it first (no error raised)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    values = {"feed": feed, "etag": etag, "last_modified": moment, "state_key": state_key}
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


def match_reply(reply: CalendarReply) -> tuple[Event, list[tuple[Invitation, str]]]:
    """Find the event and the invitations ``reply`` answers, or raise :class:`ReplyError` saying why.

    The UID names the event; each ATTENDEE address (case-insensitive) names every invited unit that has
    it as a contact address. The reply's SEQUENCE must be the event's current one: an answer to an
    older version (the unit has not seen the update yet) or to a version we never sent changes nothing.
    """
    event = db.session.execute(
        db.select(Event)
        .where(Event.uid == reply.uid)
        .options(selectinload(Event.invitations).selectinload(Invitation.unit))
    ).scalar_one_or_none()
    if event is None:
        raise ReplyError(_l("No event has the UID %(uid)s.", uid=reply.uid[:200]))
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
    by_address: dict[str, list[Invitation]] = {}
    for invitation in event.invitations:
        for address in invitation.unit.contact_emails or []:
            by_address.setdefault(address.strip().lower(), []).append(invitation)
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
        addresses = ", ".join(a.email[:100] for a in reply.answers)
        raise ReplyError(_l(
            "%(addresses)s is not a contact address of any unit invited to this event.", addresses=addresses
        ))
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
        except AttendanceError as error:
            # Translated when shown: after a race lost at the flush nothing can be read until the view rolls back.
            raise ReplyError(_l("%(unit)s: %(reason)s", unit=unit_name, reason=LazyString(error.translated))
                             ) from error
        applied.append(AppliedAnswer(invitation=invitation, status=status, changed=changed))
    return applied
