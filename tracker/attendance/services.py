"""Attendance rules: inviting units, answers, reminders and check-in.

Functions take domain objects, change them and ``flush``; the caller (a view or a command) commits once.
Answers change only through :func:`record_answer`, which checks the optimistic lock and writes the
history. Fields that are not part of the answer (``last_reminded_at``, ``actual_attendance``) are written
with plain UPDATE statements so that they do not raise ``Invitation.version``: a reminder or a check-in
must not turn a representative's open answer form into a "changed by someone else" conflict.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import insert, or_, update
from sqlalchemy.orm import contains_eager, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from ..bounds import HEADCOUNT, check_instant, check_number
from ..errors import RuleError
from ..events.services import deadline_problem
from ..extensions import db
from ..i18n import N_, current_language
from ..models import AnswerChannel, AuditEntry, Event, EventStatus, Invitation, InvitationStatus, Unit, User
from ..models.types import utcnow
from ..settings import settings
from ..signals import invitation_withdrawn
from . import emails

#: Statuses a unit may answer with (``pending`` means "no answer yet").
ANSWER_STATUSES = (InvitationStatus.ACCEPTED, InvitationStatus.TENTATIVE, InvitationStatus.DECLINED)
#: The fields of an answer, as kept in the history.
ANSWER_FIELDS = ("status", "headcount", "delegates", "note")
#: Longest delegate list and note of an answer (characters), on the form and through the API.
DELEGATES_LENGTH = 5_000
NOTE_LENGTH = 2_000
#: Most people one unit announces or brings (the range lives in :mod:`tracker.bounds`).
MAX_HEADCOUNT = HEADCOUNT.high


class AttendanceError(RuleError):
    """An attendance action cannot be done as asked; the message says why."""


class AnswersClosed(AttendanceError):
    """The event no longer takes answers (deadline passed, cancelled or held)."""


class CheckInClosed(AttendanceError):
    """The event takes no check-in (it is a draft or cancelled)."""


class StaleAnswer(AttendanceError):
    """The answer was changed by someone else since the form was shown; nothing was written.

    After this error the session must be rolled back before the invitation is read again.
    """

    def __init__(self, invitation_id: int) -> None:
        self.invitation_id = invitation_id
        super().__init__(N_("This answer was changed by someone else in the meantime."))


# --- Answers -------------------------------------------------------------------------------------------


def answers_open(event: Event, now: datetime | None = None) -> bool:
    """Whether units may still answer: the event is scheduled and its deadline has not passed."""
    return event.status == EventStatus.SCHEDULED and (now or utcnow()) < event.answers_close_at


def may_be_answered(invitation: Invitation, now: datetime | None = None) -> bool:
    """Whether ``invitation``'s answer may be given or changed now: it is a real invitation (a walk-in has no
    answer) and its event takes answers (:func:`answers_open`). The answer pages and the API ask this."""
    return not invitation.walk_in and answers_open(invitation.event, now)


def answer_problems(event: Event, status: str | None, headcount: int | None) -> list[AttendanceError]:
    """What is wrong with an answer, one error per field concerned; empty when it is fine.

    The answer form and :func:`record_answer` share these rules, so a calendar reply or a command cannot
    store what the page would refuse.
    """
    if status not in ANSWER_STATUSES:
        return [AttendanceError(N_("Choose attending, maybe or not attending."), field="status")]
    capacity = event.venue.capacity if event.venue is not None else None
    if headcount is not None and headcount < 0:
        message, params = N_("The number of people cannot be negative."), dict[str, Any]()
    elif status == InvitationStatus.DECLINED and headcount:
        message, params = N_("A unit that does not attend sends 0 people."), {}
    elif status == InvitationStatus.ACCEPTED and headcount == 0:
        # ``None`` is allowed: a calendar "Accept" says yes without a number (the form asks for one).
        message, params = N_("Say how many people will come (at least 1)."), {}
    elif headcount is not None and capacity is not None and headcount > capacity:
        message, params = N_("The venue holds at most %(capacity)s people."), {"capacity": capacity}
    elif headcount is not None and headcount > MAX_HEADCOUNT:
        message, params = N_("That is more people than any venue holds."), {}
    else:
        return []
    return [AttendanceError(message, field="headcount", **params)]


def missing_headcount_problem(status: str | None, headcount: int | None) -> AttendanceError | None:
    """A unit that attends says how many people come: the answer form and the API ask for the number (a
    calendar reply cannot give one, so :func:`answer_problems` lets it pass)."""
    if status == InvitationStatus.ACCEPTED and headcount is None:
        return AttendanceError(N_("Say how many people will come (at least 1)."), field="headcount")
    return None


def normalise_delegates(text: str | None) -> str:
    """Delegate names one per line, without blank lines or surrounding spaces."""
    return "\n".join(line.strip() for line in (text or "").splitlines() if line.strip())


def answer_values(invitation: Invitation) -> dict[str, Any]:
    """The answer fields of ``invitation`` as a plain dict (what the history records)."""
    return {name: getattr(invitation, name) for name in ANSWER_FIELDS}


@dataclass(frozen=True)
class AnswerDetails:
    """A unit's answer as given (on the answer form, by link, by calendar reply)."""

    status: str
    #: People coming; ``None`` when not said (a calendar "Accept").
    headcount: int | None = None
    #: Delegate names, one per line.
    delegates: str = ""
    note: str = ""


def record_answer(
    invitation: Invitation,
    answer: AnswerDetails,
    *,
    by_user: User | None,
    via: str,
    expected_version: int | None,
    now: datetime | None = None,
) -> bool:
    """Store a unit's ``answer`` and its history entry; the one way an answer changes.

    ``via`` is an :class:`~tracker.models.AnswerChannel` (page, link, on_behalf, calendar); ``by_user`` is
    who answered (``None`` for a signed link or a calendar reply). ``expected_version`` is the
    ``Invitation.version`` the answer was based on (the version the form was rendered with); ``None`` skips
    that comparison (a calendar reply is not based on a form) but never the database-level lock.

    Returns ``False`` when the answer is the same as the stored one (nothing written). Raises
    :class:`StaleAnswer` when someone else changed the answer first, :class:`AnswersClosed` after the
    deadline, :class:`AttendanceError` for an answer the rules refuse.
    """
    if via not in tuple(AnswerChannel):
        raise ValueError(f"unknown answer channel {via!r}")
    if expected_version is not None and expected_version != invitation.version:
        raise StaleAnswer(invitation.id)
    event = invitation.event
    if invitation.walk_in:
        raise AttendanceError(N_("A walk-in has no answer to change."))
    if not answers_open(event, now):
        raise AnswersClosed(N_("Answers for this event are closed."))
    status, headcount = answer.status, answer.headcount
    if via == AnswerChannel.CALENDAR and status != InvitationStatus.DECLINED and headcount == 0:
        # A calendar reply carries no number; a 0 left from an earlier "not attending" means "unknown".
        headcount = None
    problems = answer_problems(event, status, headcount)
    if problems:
        raise problems[0]

    new = {
        "status": str(status),
        "headcount": 0 if status == InvitationStatus.DECLINED else headcount,
        "delegates": normalise_delegates(answer.delegates),
        "note": (answer.note or "").strip(),
    }
    old = answer_values(invitation)
    if invitation.answered and new == old:
        return False
    moment = now or utcnow()
    invitation_id = invitation.id  # read now: after a failed flush the object cannot be read any more
    for name, value in new.items():
        setattr(invitation, name, value)
    invitation.answered_by_id = by_user.id if by_user is not None else None
    invitation.answered_at = moment
    invitation.answered_via = str(via)
    db.session.add(
        AuditEntry(
            at=moment,
            user_id=by_user.id if by_user is not None else None,
            invitation_id=invitation.id,
            event_id=invitation.event_id,
            action="answer",
            via=str(via),
            old=old,
            new=new,
        )
    )
    try:
        db.session.flush()
    except StaleDataError:
        # Another transaction committed a new version between our read and our UPDATE.
        raise StaleAnswer(invitation_id) from None
    return True


# --- Inviting ------------------------------------------------------------------------------------------


class InviteScope(StrEnum):
    """Which units an invitation round reaches."""

    ALL = "all"  #: every active unit
    SELECTED = "selected"  #: a hand-picked set
    BRANCH = "branch"  #: a parent unit with all its sub-units


@dataclass
class InviteResult:
    """What an invitation round did."""

    invited: list[Invitation] = field(default_factory=list)
    #: Units that already had an invitation (nothing done for them).
    already_invited: list[Unit] = field(default_factory=list)
    #: Newly invited units without a contact address: no email could be queued.
    no_contacts: list[Unit] = field(default_factory=list)


def active_units() -> list[Unit]:
    """Every active unit, by name."""
    return list(db.session.execute(db.select(Unit).where(Unit.active.is_(True)).order_by(Unit.name)).scalars())


@dataclass(frozen=True)
class InviteDetails:
    """Which units an organiser chose to invite: a scope, with its ticked units or its parent unit."""

    scope: str
    #: The hand-picked units (scope ``selected``).
    unit_ids: tuple[int, ...] = ()
    #: The parent unit (scope ``branch``).
    parent_id: int | None = None


def units_in_scope(choice: InviteDetails) -> list[Unit]:
    """The active units an invitation round of ``choice.scope`` reaches, by name."""
    units = active_units()
    scope, parent_id = choice.scope, choice.parent_id
    if scope == InviteScope.ALL:
        return units
    if scope == InviteScope.SELECTED:
        wanted = set(choice.unit_ids)
        return [unit for unit in units if unit.id in wanted]
    if scope == InviteScope.BRANCH:
        # Walk down from the parent over every unit, active or not, so that an inactive office in the
        # middle does not hide its active sub-units; then keep the active ones.
        all_parents = {row.id: row.parent_id for row in db.session.execute(db.select(Unit.id, Unit.parent_id))}
        reached = {parent_id}
        changed = True
        while changed:
            changed = False
            for unit_id, unit_parent in all_parents.items():
                if unit_parent in reached and unit_id not in reached:
                    reached.add(unit_id)
                    changed = True
        return [unit for unit in units if unit.id in reached]
    raise ValueError(f"unknown invitation scope {scope!r}")


def invite_units(event: Event, units: Sequence[Unit], *, by_user: User | None, now: datetime | None = None
                 ) -> InviteResult:
    """Invite ``units`` to ``event`` and queue an invitation email to each unit's contacts.

    Units already invited are left alone. Only scheduled events whose answers are still open take
    invitations: a unit invited after the deadline could not answer.

    Invitations, their history entries and their emails are written with one INSERT each, whatever the
    number of units, and the emails are composed later by the mail worker: a round of thousands of units
    holds the database's write lock for a fraction of a second, so answers sent meanwhile are stored.
    """
    if event.status != EventStatus.SCHEDULED:
        raise AttendanceError(N_("Only scheduled events can have invitations; schedule the event first."))
    if not answers_open(event, now):
        raise AnswersClosed(N_("The answer deadline has passed; extend it before inviting more units."))
    moment = now or utcnow()
    existing = set(
        db.session.execute(db.select(Invitation.unit_id).where(Invitation.event_id == event.id)).scalars()
    )
    result = InviteResult()
    new_units: list[Unit] = []
    for unit in units:
        if unit.id in existing:
            result.already_invited.append(unit)
            continue
        new_units.append(unit)
        existing.add(unit.id)
    if not new_units:
        return result
    db.session.flush()  # anything pending goes first: the statements below bypass the unit of work
    # RETURNING rows may come in any order: each is matched to its unit by unit_id.
    by_id = {invitation.unit_id: invitation for invitation in db.session.scalars(
        insert(Invitation).returning(Invitation),
        [{"event_id": event.id, "unit_id": unit.id, "invited_at": moment} for unit in new_units],
    )}
    for unit in new_units:
        invitation = by_id[unit.id]
        set_committed_value(invitation, "unit", unit)
        result.invited.append(invitation)
        if not emails.contact_addresses(unit):
            result.no_contacts.append(unit)
    db.session.execute(insert(AuditEntry), [
        {"at": moment, "user_id": _user_id(by_user), "invitation_id": invitation.id, "event_id": event.id,
         "action": "invite", "new": {"unit": invitation.unit.code}}
        for invitation in result.invited
    ])
    emails.queue_invitations(result.invited)
    return result


def can_withdraw(event: Event, now: datetime | None = None) -> bool:
    """Invitations can be taken back while the event is scheduled and has not begun."""
    return event.status == EventStatus.SCHEDULED and (now or utcnow()) < event.starts_at


def withdraw_invitation(invitation: Invitation, *, by_user: User | None, now: datetime | None = None) -> None:
    """Take back an invitation that has no answer yet, telling the unit's contacts.

    An answered invitation stays: its answer is part of the record; so do invitations of an event that
    has begun or ended.
    """
    if not can_withdraw(invitation.event, now):
        raise AttendanceError(N_("Invitations can be withdrawn only before a scheduled event begins."))
    if invitation.answered:
        raise AttendanceError(N_("This unit has already answered; its invitation can no longer be withdrawn."))
    if invitation.walk_in or invitation.actual_attendance is not None:
        raise AttendanceError(N_("This unit was checked in; its record stays."))
    event = invitation.event
    # The calendar area tells the unit's contacts (METHOD:CANCEL) while the invitation still exists.
    invitation_withdrawn.send(invitation)
    db.session.add(
        AuditEntry(user_id=_user_id(by_user), event_id=event.id, action="withdraw",
                   old={"unit": invitation.unit.code, "invited_at": invitation.invited_at.isoformat()})
    )
    db.session.delete(invitation)
    try:
        db.session.flush()
    except StaleDataError:
        # The DELETE carries the version too: the unit answered between our read and our delete.
        raise AttendanceError(N_("This unit has just answered; its invitation stays.")) from None


def set_answer_deadline(event: Event, deadline: datetime | None, *, by_user: User | None) -> Event:
    """Set (or with ``None`` clear, meaning "until the start") the instant answers close; returns ``event``."""
    if deadline is not None and deadline.tzinfo is None:
        raise ValueError("naive deadline")
    check_instant(deadline, event.zone, "deadline", AttendanceError)
    late = deadline_problem(deadline, event.ends_at, "deadline", AttendanceError)
    if late is not None:
        raise late
    old = event.answer_deadline
    if old == deadline:
        return event
    event.answer_deadline = deadline
    db.session.add(
        AuditEntry(user_id=_user_id(by_user), event_id=event.id, action="deadline",
                   old={"answer_deadline": old.isoformat() if old else None},
                   new={"answer_deadline": deadline.isoformat() if deadline else None})
    )
    db.session.flush()
    return event


# --- Reminders -----------------------------------------------------------------------------------------


@dataclass
class ReminderResult:
    """What "remind pending units" did, and why it left units out."""

    queued: list[Invitation] = field(default_factory=list)
    #: Units that answered already: nothing to remind.
    answered: int = 0
    #: Pending units reminded less than the interval ago.
    recently_reminded: list[Invitation] = field(default_factory=list)
    #: Pending units without a contact address.
    no_contacts: list[Invitation] = field(default_factory=list)
    interval: timedelta = timedelta(hours=24)


def reminder_interval() -> timedelta:
    """How long a unit is left alone after a reminder (config ``REMINDER_INTERVAL_HOURS``)."""
    return settings().reminder_interval


def remind_pending_units(event: Event, *, by_user: User | None, now: datetime | None = None) -> ReminderResult:
    """Queue a reminder to every invited unit without an answer, at most once per interval per unit.

    The "once per interval" rule holds even when two organisers press the button together: the
    reminder time is set with one conditional UPDATE, and only the request whose UPDATE hit a row queues
    its reminder. Like invitations, the reminders are queued with one INSERT and composed later.
    """
    if not answers_open(event, now):
        raise AnswersClosed(N_("Answers for this event are closed; there is nothing to remind about."))
    moment = now or utcnow()
    interval = reminder_interval()
    cutoff = moment - interval
    result = ReminderResult(interval=interval)
    invitations = db.session.execute(
        db.select(Invitation)
        .where(Invitation.event_id == event.id, Invitation.walk_in.is_(False))
        .options(selectinload(Invitation.unit))
    ).scalars().all()
    candidates = []
    for invitation in sorted(invitations, key=lambda i: i.unit.name):
        if invitation.answered:
            result.answered += 1
        elif not emails.contact_addresses(invitation.unit):
            result.no_contacts.append(invitation)
        elif invitation.last_reminded_at is not None and invitation.last_reminded_at > cutoff:
            result.recently_reminded.append(invitation)
        else:
            candidates.append(invitation)
    if not candidates:
        return result
    db.session.flush()  # anything pending goes first: the statements below bypass the unit of work
    claimed = set(db.session.execute(
        update(Invitation)
        .where(
            Invitation.id.in_([invitation.id for invitation in candidates]),
            Invitation.status == InvitationStatus.PENDING,
            or_(Invitation.last_reminded_at.is_(None), Invitation.last_reminded_at <= cutoff),
        )
        .values(last_reminded_at=moment)
        .returning(Invitation.id)
        .execution_options(synchronize_session=False)
    ).scalars())
    for invitation in candidates:
        if invitation.id in claimed:
            set_committed_value(invitation, "last_reminded_at", moment)
            result.queued.append(invitation)
        else:  # another round got there first
            result.recently_reminded.append(invitation)
    if result.queued:
        db.session.execute(insert(AuditEntry), [
            {"at": moment, "user_id": _user_id(by_user), "invitation_id": invitation.id, "event_id": event.id,
             "action": "remind"}
            for invitation in result.queued
        ])
        emails.queue_reminders(result.queued)
    return result


# --- Check-in ------------------------------------------------------------------------------------------


def check_in_open(event: Event) -> bool:
    """Attendance can be recorded for scheduled and held events."""
    return event.status in (EventStatus.SCHEDULED, EventStatus.HELD)


def record_check_in(event: Event, counts: dict[int, int | None], *, by_user: User | None) -> int:
    """Record how many people came per invitation (``{invitation_id: people or None}``); returns changes.

    Ids of other events' invitations are ignored. Raises :class:`CheckInClosed` when the event takes no check-in.
    """
    if not check_in_open(event):
        raise CheckInClosed(N_("Attendance can be recorded only for scheduled or held events."))
    # Every number first, so that a refused one leaves every row as it was.
    for invitation_id, came in counts.items():
        if came is not None and came < 0:
            raise AttendanceError(N_("The number of people cannot be negative."))
        check_number(came, HEADCOUNT, f"came_{invitation_id}", AttendanceError)
    invitations = db.session.execute(
        db.select(Invitation).where(Invitation.event_id == event.id, Invitation.id.in_(list(counts)))
    ).scalars().all()
    changed = 0
    for invitation in invitations:
        came = counts[invitation.id]
        if came == invitation.actual_attendance:
            continue
        _set_actual_attendance(invitation, came)
        db.session.add(AuditEntry(user_id=_user_id(by_user), invitation_id=invitation.id, event_id=event.id,
                                  action="check_in", old={"actual_attendance": invitation.actual_attendance},
                                  new={"actual_attendance": came}))
        set_committed_value(invitation, "actual_attendance", came)
        changed += 1
    db.session.flush()
    return changed


def add_walk_in(event: Event, unit: Unit, came: int, *, by_user: User | None) -> Invitation:
    """Record people from a unit that was not invited (an invitation marked ``walk_in``)."""
    if not check_in_open(event):
        raise CheckInClosed(N_("Attendance can be recorded only for scheduled or held events."))
    if came < 1:
        raise AttendanceError(N_("A walk-in brings at least 1 person."), field="came")
    check_number(came, HEADCOUNT, "came", AttendanceError)
    already = db.session.execute(
        db.select(Invitation.id).where(Invitation.event_id == event.id, Invitation.unit_id == unit.id)
    ).scalar_one_or_none()
    if already is not None:
        raise AttendanceError(N_("%(unit)s is already on the list; enter its number there."), field="unit",
                              unit=unit.text("name", current_language()))
    invitation = Invitation(event=event, unit=unit, walk_in=True, actual_attendance=came)
    db.session.add(invitation)
    db.session.flush()
    db.session.add(AuditEntry(user_id=_user_id(by_user), invitation_id=invitation.id, event_id=event.id,
                              action="walk_in", new={"actual_attendance": came}))
    db.session.flush()
    return invitation


def _set_actual_attendance(invitation: Invitation, came: int | None) -> None:
    # A plain UPDATE: see the module docstring for why this must not raise the version.
    db.session.execute(
        update(Invitation).where(Invitation.id == invitation.id).values(actual_attendance=came)
        .execution_options(synchronize_session=False)
    )


# --- Following -----------------------------------------------------------------------------------------


@dataclass
class AttendanceSummary:
    """Attendance of one event at a glance."""

    #: Units invited (walk-ins not counted).
    invited: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {str(s): 0 for s in InvitationStatus})
    #: People announced by units that attend.
    expected: int = 0
    #: People announced by units that may attend.
    maybe: int = 0
    capacity: int | None = None
    #: People recorded at check-in (invited and walk-ins).
    came: int = 0
    #: Units with a check-in count.
    checked_in: int = 0
    walk_ins: int = 0

    @property
    def answered(self) -> int:
        """Units that said yes, no or maybe."""
        return self.invited - self.counts[InvitationStatus.PENDING]

    @property
    def over_capacity(self) -> bool:
        """Whether the units that attend announce more people than the venue holds."""
        return self.capacity is not None and self.expected > self.capacity


def summarise(event: Event, invitations: Iterable[Invitation]) -> AttendanceSummary:
    """Count answers, announced people and check-ins of ``event`` from its ``invitations``."""
    summary = AttendanceSummary(capacity=event.venue.capacity if event.venue is not None else None)
    for invitation in invitations:
        if invitation.actual_attendance is not None:
            summary.came += invitation.actual_attendance
            summary.checked_in += 1
        if invitation.walk_in:
            summary.walk_ins += 1
            continue
        summary.invited += 1
        summary.counts[invitation.status] = summary.counts.get(invitation.status, 0) + 1
        summary.expected += invitation.expected_people or 0
        summary.maybe += invitation.maybe_people or 0
    return summary


def event_invitations(event: Event) -> list[Invitation]:
    """The event's invitations with their units and answerers, in one query, by unit name."""
    return list(
        db.session.execute(
            db.select(Invitation)
            .join(Invitation.unit)
            .where(Invitation.event_id == event.id)
            .options(selectinload(Invitation.unit), selectinload(Invitation.answered_by))
            .order_by(Unit.name)
        ).scalars()
    )


def _unit_invitations_query(unit_id: int) -> Any:
    """A unit's invitations to events that are not drafts, each with its event and venue loaded eagerly."""
    return (
        db.select(Invitation)
        .join(Invitation.event)
        .where(Invitation.unit_id == unit_id, Invitation.walk_in.is_(False), Event.status != EventStatus.DRAFT)
        .options(contains_eager(Invitation.event).selectinload(Event.venue))
    )


def upcoming_invitations(unit_id: int, now: datetime) -> list[Invitation]:
    """A unit's invitations to events not yet ended, soonest first (bounded: what is planned, not history)."""
    query = _unit_invitations_query(unit_id).where(Event.ends_at >= now).order_by(Event.starts_at, Event.id)
    return list(db.session.execute(query).scalars())


def past_invitations_page(unit_id: int, now: datetime, page: int, per_page: int) -> Pagination:
    """One page of a unit's invitations to events that are over, latest first (two queries and the venues,
    whatever the number of years stored). A page past the last one is not found (404)."""
    query = (_unit_invitations_query(unit_id).where(Event.ends_at < now)
             .order_by(Event.starts_at.desc(), Event.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=True, count=True)


@dataclass
class UnitHomeLists:
    """A unit's invitations as its home lists them: what awaits an answer first."""

    #: Not answered yet while answers are open, the answer that closes soonest first.
    awaiting: list[Invitation]
    #: The other invitations to events not yet over, soonest first.
    upcoming: list[Invitation]
    #: One page (Flask-SQLAlchemy pagination) of the invitations to events that are over, latest first.
    past: Pagination


def unit_home_lists(unit_id: int, now: datetime, page: int = 1, per_page: int | None = None) -> UnitHomeLists:
    """A unit's invitations split for its home page: every upcoming one, and page ``page`` of the past ones
    (``per_page`` defaults to the site's page size); the same few queries however long the unit's history."""
    upcoming = upcoming_invitations(unit_id, now)
    awaiting = sorted((i for i in upcoming if not i.answered and answers_open(i.event, now)),
                      key=lambda i: (i.event.answers_close_at, i.event.starts_at, i.id))
    waiting = {i.id for i in awaiting}
    past = past_invitations_page(unit_id, now, page, per_page or settings().page_size)
    return UnitHomeLists(awaiting=awaiting, upcoming=[i for i in upcoming if i.id not in waiting], past=past)


@dataclass
class InvitationLists:
    """An event's invitations as the organisers' dashboard lists them."""

    #: Every invitation, walk-ins included, by unit name.
    all: list[Invitation]
    #: Invited units that answered, the latest answer first.
    answered: list[Invitation]
    #: Invited units without an answer, by unit name.
    pending: list[Invitation]
    #: Units that came without an invitation, by unit name.
    walk_ins: list[Invitation]


def invitation_lists(event: Event) -> InvitationLists:
    """The event's invitations (:func:`event_invitations`, one query) split into answered, pending and walk-ins."""
    invitations = event_invitations(event)
    answered = sorted((i for i in invitations if i.answered and not i.walk_in),
                      key=lambda i: (i.answered_at is not None, i.answered_at), reverse=True)
    return InvitationLists(
        all=invitations,
        answered=answered,
        pending=[i for i in invitations if not i.answered and not i.walk_in],
        walk_ins=[i for i in invitations if i.walk_in],
    )


@dataclass
class InviteCandidates:
    """What the invitation page offers: units not yet invited, and the parent units a round can start from."""

    #: Active units without an invitation to the event, by name.
    candidates: list[Unit]
    #: Active units with at least one active sub-unit, by name.
    parents: list[Unit]
    #: Units invited so far (walk-ins included).
    invited_count: int


def invite_candidates(event: Event) -> InviteCandidates:
    """The units the invitation page of ``event`` offers (three queries, whatever the number of units)."""
    invited = set(db.session.execute(
        db.select(Invitation.unit_id).where(Invitation.event_id == event.id)).scalars())
    units = active_units()
    parent_ids = set(db.session.execute(
        db.select(Unit.parent_id).where(Unit.parent_id.is_not(None), Unit.active.is_(True))).scalars())
    return InviteCandidates(
        candidates=[unit for unit in units if unit.id not in invited],
        parents=[unit for unit in units if unit.id in parent_ids],
        invited_count=len(invited),
    )


def walk_in_candidates(invitations: Iterable[Invitation]) -> list[Unit]:
    """Active units, by name, that are not among ``invitations`` (the event's list): who may come as a walk-in."""
    listed = {i.unit_id for i in invitations}
    return [unit for unit in active_units() if unit.id not in listed]


def invitation_history(invitation: Invitation) -> list[AuditEntry]:
    """Every recorded change of ``invitation``, newest first, with who made it (two queries)."""
    return list(db.session.execute(
        db.select(AuditEntry).where(AuditEntry.invitation_id == invitation.id)
        .options(selectinload(AuditEntry.user)).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    ).scalars())


def _user_id(user: User | None) -> int | None:
    return user.id if user is not None else None
