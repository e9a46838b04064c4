"""Calendar rules: which events a file or feed shows, feed tokens, and the HTTP validators of a feed.

Plain functions on domain objects; they flush, never commit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import AgendaItem, AnswerChannel, Event, EventStatus, Invitation, InvitationStatus, Series, Unit, User
from ..models.units import new_feed_token
from .ics import PUBLISHED_STATUSES
from .replies import STATUS_BY_PARTSTAT, CalendarReply, ReplyError

#: Statuses downloads and feeds show to everyone, as plain strings for the SQL ``IN``.
PUBLISHED = tuple(status.value for status in PUBLISHED_STATUSES)


def event_load_options() -> list[Any]:
    """Eager loads for everything the builder reads, so a feed costs the same queries for 1 or 1,000 events."""
    return [
        selectinload(Event.venue),
        selectinload(Event.presiding),
        selectinload(Event.series),
        selectinload(Event.agenda).selectinload(AgendaItem.speaker),
    ]


def may_see_drafts(user: User | None) -> bool:
    """Organisers and admins see draft events; everyone else only published ones."""
    return bool(user is not None and getattr(user, "is_organiser", False))


def visible_statuses(user: User | None) -> tuple[str, ...]:
    """Event statuses ``user`` may download."""
    # Plain strings: bound as text by every driver, whatever it does with Enum members.
    if may_see_drafts(user):
        return tuple(status.value for status in EventStatus)
    return PUBLISHED



def event_for_download(event_id: int, user: User | None) -> Event | None:
    """The event with everything the builder needs, or ``None`` when it is missing or hidden from ``user``."""
    event = db.session.execute(
        db.select(Event).where(Event.id == event_id).options(*event_load_options())
    ).scalar_one_or_none()
    if event is None or event.status not in visible_statuses(user):
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
        .where(Event.public.is_(True), Event.status.in_(PUBLISHED))
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
        .where(Invitation.unit_id == unit.id, Event.status.in_(PUBLISHED))
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


@dataclass(frozen=True)
class FeedValidators:
    """HTTP validators of a calendar body: a strong ETag and a Last-Modified instant."""

    etag: str
    last_modified: datetime | None


def feed_validators(body: bytes, events: Sequence[Event]) -> FeedValidators:
    """ETag from the bytes themselves (so equal bytes give equal tags); Last-Modified from the newest event."""
    stamps = [e.updated_at for e in events if e.updated_at is not None]
    newest = max(stamps).replace(microsecond=0) if stamps else None
    return FeedValidators(etag=hashlib.sha256(body).hexdigest()[:40], last_modified=newest)


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
    from ..attendance.services import AttendanceError, record_answer

    _event, matched = match_reply(reply)
    applied = []
    for invitation, status in matched:
        try:
            changed = record_answer(
                invitation,
                status=status,
                headcount=invitation.headcount if status != InvitationStatus.DECLINED else None,
                delegates=invitation.delegates if status != InvitationStatus.DECLINED else "",
                note=reply.comment[:2000] or invitation.note,
                by_user=by_user,
                via=AnswerChannel.CALENDAR,
                # A reply is not based on a form the user saw; the database lock still applies.
                expected_version=None,
            )
        except AttendanceError as error:
            raise ReplyError(_l("%(unit)s: %(reason)s", unit=invitation.unit.name, reason=error.translated())
                             ) from error
        applied.append(AppliedAnswer(invitation=invitation, status=status, changed=changed))
    return applied
