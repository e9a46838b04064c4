"""What the start pages show, read with a fixed number of queries whatever the history holds.

Only upcoming events, events whose answers close soon and recently held events are read, each list capped;
the answer tallies are counted by the database (one grouped query for every event shown) and the first few
silent units of each event come from one windowed query. Nothing here changes data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Event, EventStatus, Invitation, InvitationStatus, OutboxMessage, Report, Unit
from ..models.outbox import OutboxStatus

#: Upcoming events listed on the organisers' home (the events list has them all).
UPCOMING_LIMIT = 20
#: Silent units named per event; the rest are counted ("and 7 more").
SILENT_NAMES = 5
#: Answers closing within this time are listed as near deadlines.
DEADLINE_HORIZON = timedelta(days=7)
#: Held events (and scheduled ones already over) are looked at while this recent (older ones are history).
RECENT_HELD = timedelta(days=90)
#: Rows per list of held events and of events with failed emails.
LIST_LIMIT = 10


@dataclass
class Tally:
    """The answers of one event's invited units (walk-ins not counted), as the dashboard counts them."""

    accepted: int = 0
    tentative: int = 0
    declined: int = 0
    pending: int = 0
    #: People announced by units that attend.
    expected: int = 0
    #: People announced by units that may attend.
    maybe: int = 0

    @property
    def invited(self) -> int:
        """Units invited."""
        return self.accepted + self.tentative + self.declined + self.pending


@dataclass
class EventLine:
    """One event on a start page, with its tally and the first units that have not answered."""

    event: Event
    tally: Tally = field(default_factory=Tally)
    #: The first :data:`SILENT_NAMES` units without an answer, by name.
    silent: list[Unit] = field(default_factory=list)

    @property
    def more_silent(self) -> int:
        """Units without an answer beyond those named."""
        return max(self.tally.pending - len(self.silent), 0)


@dataclass
class FailedMail:
    """Emails that failed for good, counted per event (``event`` is ``None`` for those of no event)."""

    event: Event | None
    count: int
    latest: datetime


@dataclass
class OrganiserHome:
    """What the organisers' (and administrators') home shows."""

    #: Scheduled events not yet over, soonest first (at most :data:`UPCOMING_LIMIT`).
    upcoming: list[EventLine]
    #: How many scheduled events are not yet over (``upcoming`` may show fewer).
    upcoming_total: int
    #: Events whose answers close within :data:`DEADLINE_HORIZON` and that still wait for answers.
    deadlines: list[EventLine]
    failed: list[FailedMail]
    #: Recently held events without any check-in figure.
    without_check_in: list[Event]
    #: Recently held events without a press text in any language.
    without_release: list[Event]
    #: Whether any event exists at all (a fresh installation has none).
    has_events: bool

    @property
    def nothing_to_do(self) -> bool:
        """No near deadline, failed email or held event left incomplete."""
        return not (self.deadlines or self.failed or self.without_check_in or self.without_release)


@dataclass
class ReleaseLine:
    """A held event and the site languages its press text is not written in yet."""

    event: Event
    missing: list[str]


@dataclass
class PressHome:
    """What press staff's home shows."""

    #: Recently held events whose press text is missing in some site language, latest first.
    to_write: list[ReleaseLine]
    #: Recently held events whose press text is written in every site language, latest first.
    written: list[Event]
    #: Scheduled events not yet over, soonest first.
    upcoming: list[Event]
    upcoming_total: int


def _upcoming_query(now: datetime) -> Any:
    return select(Event).where(Event.status == EventStatus.SCHEDULED, Event.ends_at >= now)


def tallies(event_ids: Iterable[int]) -> dict[int, Tally]:
    """The answer tally of each event, counted by the database in one grouped query."""
    ids = sorted(set(event_ids))
    if not ids:
        return {}

    def count(status: str) -> Any:
        return func.coalesce(func.sum(case((Invitation.status == status, 1), else_=0)), 0)

    def people(status: str) -> Any:
        return func.coalesce(func.sum(case((Invitation.status == status, func.coalesce(Invitation.headcount, 0)),
                                           else_=0)), 0)

    rows = db.session.execute(
        select(Invitation.event_id, count(InvitationStatus.ACCEPTED), count(InvitationStatus.TENTATIVE),
               count(InvitationStatus.DECLINED), count(InvitationStatus.PENDING),
               people(InvitationStatus.ACCEPTED), people(InvitationStatus.TENTATIVE))
        .where(Invitation.event_id.in_(ids), Invitation.walk_in.is_(False))
        .group_by(Invitation.event_id)
    ).all()
    found = {row[0]: Tally(*(int(value) for value in row[1:])) for row in rows}
    return {event_id: found.get(event_id, Tally()) for event_id in ids}


def silent_units(event_ids: Iterable[int], limit: int = SILENT_NAMES) -> dict[int, list[Unit]]:
    """The first ``limit`` units of each event that have not answered, by name (one windowed query)."""
    ids = sorted(set(event_ids))
    if not ids:
        return {}
    ranked = (
        select(Invitation.event_id.label("event_id"), Invitation.unit_id.label("unit_id"),
               func.row_number().over(partition_by=Invitation.event_id, order_by=(Unit.name, Unit.id))
               .label("rank"))
        .join(Unit, Unit.id == Invitation.unit_id)
        .where(Invitation.event_id.in_(ids), Invitation.status == InvitationStatus.PENDING,
               Invitation.walk_in.is_(False))
        .subquery()
    )
    rows = db.session.execute(
        select(ranked.c.event_id, Unit).join(Unit, Unit.id == ranked.c.unit_id)
        .where(ranked.c.rank <= limit).order_by(ranked.c.event_id, ranked.c.rank)
    ).all()
    found: dict[int, list[Unit]] = {event_id: [] for event_id in ids}
    for event_id, unit in rows:
        found[event_id].append(unit)
    return found


def _lines(events: Sequence[Event], tally: dict[int, Tally], silent: dict[int, list[Unit]]) -> list[EventLine]:
    return [EventLine(event, tally.get(event.id, Tally()), silent.get(event.id, [])) for event in events]


def upcoming_events(now: datetime, limit: int = UPCOMING_LIMIT) -> list[Event]:
    """Scheduled events not yet over, soonest first, at most ``limit``, with their venues."""
    return list(db.session.execute(
        _upcoming_query(now).options(selectinload(Event.venue)).order_by(Event.starts_at, Event.id).limit(limit)
    ).scalars())


def upcoming_count(now: datetime) -> int:
    """How many scheduled events are not yet over."""
    return db.session.execute(select(func.count()).select_from(_upcoming_query(now).subquery())).scalar_one()


def closing_soon(now: datetime, horizon: timedelta = DEADLINE_HORIZON, limit: int = LIST_LIMIT) -> list[Event]:
    """Scheduled events whose answers close (deadline, else start) between ``now`` and ``now + horizon``
    and that still wait for an invited unit's answer (walk-ins are not waited for).

    The waiting is checked by the database, before the limit, so events fully answered take no place.
    """
    closes = func.coalesce(Event.answer_deadline, Event.starts_at)
    waiting = exists().where(Invitation.event_id == Event.id, Invitation.status == InvitationStatus.PENDING,
                             Invitation.walk_in.is_(False))
    return list(db.session.execute(
        select(Event).where(Event.status == EventStatus.SCHEDULED, closes >= now, closes <= now + horizon, waiting)
        .order_by(closes, Event.id).limit(limit)
    ).scalars())


def failed_mail(limit: int = LIST_LIMIT) -> list[FailedMail]:
    """Emails that failed for good, counted per event, the most recent failure first (two queries)."""
    rows = db.session.execute(
        select(OutboxMessage.event_id, func.count(), func.max(OutboxMessage.created_at))
        .where(OutboxMessage.status == OutboxStatus.FAILED)
        .group_by(OutboxMessage.event_id)
        .order_by(func.max(OutboxMessage.created_at).desc())
        .limit(limit)
    ).all()
    ids = [row[0] for row in rows if row[0] is not None]
    events = {event.id: event for event in db.session.execute(
        select(Event).where(Event.id.in_(ids))).scalars()} if ids else {}
    return [FailedMail(events.get(event_id) if event_id is not None else None, count, when)
            for event_id, count, when in rows]


def _recently_held(now: datetime) -> Any:
    """Events over within :data:`RECENT_HELD`: marked held, or still scheduled (nobody marked them held yet)."""
    return select(Event).where(Event.status.in_((EventStatus.HELD, EventStatus.SCHEDULED)),
                               Event.ends_at < now, Event.starts_at >= now - RECENT_HELD)


def held_without_check_in(now: datetime, limit: int = LIST_LIMIT) -> list[Event]:
    """Recently held events where nobody's attendance was recorded, latest first."""
    counted = exists().where(Invitation.event_id == Event.id, Invitation.actual_attendance.is_not(None))
    return list(db.session.execute(
        _recently_held(now).where(~counted).order_by(Event.starts_at.desc(), Event.id.desc()).limit(limit)
    ).scalars())


def _written() -> Any:
    return (Report.event_id == Event.id) & (func.length(func.trim(Report.body)) > 0)


def held_without_release(now: datetime, limit: int = LIST_LIMIT) -> list[Event]:
    """Recently held events without a press text in any language, latest first."""
    return list(db.session.execute(
        _recently_held(now).where(~exists().where(_written()))
        .order_by(Event.starts_at.desc(), Event.id.desc()).limit(limit)
    ).scalars())


def organiser_home(now: datetime) -> OrganiserHome:
    """Everything the organisers' home shows (a fixed number of queries)."""
    upcoming = upcoming_events(now)
    closing = closing_soon(now)
    ids = [event.id for event in (*upcoming, *closing)]
    tally, silent = tallies(ids), silent_units(ids)
    deadlines = _lines(closing, tally, silent)
    has_events = bool(upcoming) or db.session.execute(select(Event.id).limit(1)).first() is not None
    return OrganiserHome(
        upcoming=_lines(upcoming, tally, silent),
        upcoming_total=upcoming_count(now),
        deadlines=deadlines,
        failed=failed_mail(),
        without_check_in=held_without_check_in(now),
        without_release=held_without_release(now),
        has_events=has_events,
    )


def press_home(now: datetime, languages: Sequence[str]) -> PressHome:
    """Everything press staff's home shows: releases to write in ``languages`` first (a fixed number of queries)."""
    held = list(db.session.execute(
        _recently_held(now).order_by(Event.starts_at.desc(), Event.id.desc()).limit(UPCOMING_LIMIT)
    ).scalars())
    written: dict[int, set[str]] = {event.id: set() for event in held}
    if held:
        for event_id, language in db.session.execute(
            select(Report.event_id, Report.language)
            .where(Report.event_id.in_(list(written)), func.length(func.trim(Report.body)) > 0)
        ).all():
            if event_id is not None:
                written[event_id].add(language)
    to_write: list[ReleaseLine] = []
    done: list[Event] = []
    for event in held:
        missing = [code for code in languages if code not in written[event.id]]
        if missing:
            to_write.append(ReleaseLine(event, missing))
        else:
            done.append(event)
    upcoming = upcoming_events(now)
    return PressHome(
        to_write=to_write, written=done, upcoming=upcoming,
        upcoming_total=upcoming_count(now),
    )
