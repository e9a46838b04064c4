"""What one email from the organiser's mailbox means (issue 14): a REPLY applied by the upload form's rules, a
COUNTER kept as a proposal for the organiser, a REFRESH answered with the current invitation, or nothing.

The mailbox reader (``tracker.calendar.mailbox``) hands each message to :func:`take_calendar_message` in its own
transaction, commits, then moves the message by the outcome. The reading is pure (``replies.py``); the rules are
here and in ``services.apply_reply``; what was taken is kept in ``models.MailboxMessage``, whose unique
(Message-ID, content digest) makes a message taken twice (two fetchers, or a crash between the commit and the move)
count once. Nothing here commits.

Who may speak for a unit: a message is taken only when its From address (``email.utils.parseaddr``, compared
case-insensitively) is a contact address of every unit it names. ATTENDEE lines name units by the same contact
addresses, so a unit answering from its own address passes; anyone else is refused with the reason, and the
organiser may still apply such a reply by hand. Authentication-Results (DKIM/DMARC) headers are not trusted: which
server wrote them cannot be told from the message, and a forger writes them too.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import parseaddr
from enum import StrEnum
from typing import Any, cast

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..i18n import site_languages
from ..models import (
    Event,
    EventStatus,
    Invitation,
    MailboxMessage,
    MailboxMethod,
    MailboxOutcome,
    OutboxMessage,
    Unit,
    User,
)
from ..models.mailbox import MAX_MESSAGE_ID_LENGTH
from ..models.types import utcnow
from ..text import clean_text
from . import services
from .notifications import resend_invitations
from .replies import (
    MAX_REPLY_BYTES,
    CalendarCounter,
    CalendarRefresh,
    CalendarReply,
    ReplyError,
    calendar_method,
    email_calendar_part,
    parse_counter,
    parse_refresh,
    parse_reply,
    read_calendar,
)


class InboxOutcome(StrEnum):
    """What taking one message decided (the fetcher moves the message by it)."""

    APPLIED = "applied"      # a REPLY recorded (or already recorded: same answer)  → move to the Applied folder
    REFUSED = "refused"      # a calendar message that changes nothing, with a reason → move to the Refused folder
    PROPOSAL = "proposal"    # a COUNTER kept as a proposal for the organiser        → Applied folder
    REFRESHED = "refreshed"  # a REFRESH answered: the current REQUEST queued to that unit → Applied folder
    IGNORED = "ignored"      # no text/calendar part with a method we handle: leave it in INBOX, untouched, unread
    DUPLICATE = "duplicate"  # this Message-ID was taken before (another fetcher, or a crash before the move)
    RETRY = "retry"          # nothing recorded for now (an answer changed meanwhile): leave it in INBOX, take it again


@dataclass(frozen=True)
class InboxResult:
    """The outcome, and for DUPLICATE what the first take decided (so the fetcher can move it now)."""

    outcome: InboxOutcome
    first_outcome: InboxOutcome | None = None


#: Headers are read from at most this much of the message (a header block is a few kilobytes).
_HEADER_BYTES = 256 * 1024
#: Methods an attendee sends that the mailbox takes.
_TAKEN = {method.value for method in MailboxMethod}


@dataclass(frozen=True)
class MessageReading:
    """What a calendar message says, read without the database."""

    message_id: str
    sender: str
    #: REPLY, COUNTER or REFRESH; ``None`` when the calendar part could not be read far enough to tell.
    method: str | None
    #: The calendar part's bytes (``None`` when it was too large to keep).
    calendar: bytes | None
    #: sha256 (hex) of the calendar part, or of the whole message when it had none to read.
    digest: str = ""
    uid: str = ""
    said: CalendarReply | CalendarCounter | CalendarRefresh | None = None
    #: Why the message changes nothing, when that is clear from the message alone.
    problem: ReplyError | None = None


def message_key(raw: bytes, header: str) -> str:
    """What a message is remembered by: its Message-ID trimmed, or a sha256 of it when too long, or of the whole
    message when it has none."""
    value = clean_text("".join(header.split()))
    if not value:
        return "sha256:" + hashlib.sha256(raw).hexdigest()
    if len(value) > MAX_MESSAGE_ID_LENGTH:
        return "sha256:" + hashlib.sha256(value.encode("utf-8", "surrogateescape")).hexdigest()
    return value


def _headers(raw: bytes) -> tuple[str, str]:
    """The Message-ID and From headers ("" each when missing or unreadable)."""
    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(raw[:_HEADER_BYTES])
        return str(headers.get("Message-ID") or ""), str(headers.get("From") or "")
    except Exception:  # a header block the parser chokes on is a message without those headers
        return "", ""


_CALENDAR_MARKER = re.compile(rb"content-type:[ \t]*(text/calendar|application/ics)", re.IGNORECASE)


def _looks_like_calendar(raw: bytes) -> bool:
    """Whether a message too deeply nested to parse has a calendar part, by a plain search for its Content-Type."""
    return _CALENDAR_MARKER.search(raw) is not None


def read_message(raw: bytes) -> MessageReading | None:
    """What the email ``raw`` says, or ``None`` when it carries no calendar message the mailbox takes (it is left
    alone). Pure; never raises."""
    message_header, from_header = _headers(raw)
    key = message_key(raw, message_header)
    sender = clean_text(parseaddr(from_header)[1].strip().lower())[:320]
    reading = MessageReading(message_id=key, sender=sender, method=None, calendar=None,
                             digest=hashlib.sha256(raw).hexdigest())
    try:
        part = email_calendar_part(raw)
    except ReplyError as error:  # a calendar part too large, or nested too deep to read safely
        return replace(reading, problem=error) if _looks_like_calendar(raw) else None
    except Exception:  # the email library's own failures on a broken message: nothing we can tell
        return None
    if part is None:
        return None
    reading = replace(reading, calendar=part.payload[:MAX_REPLY_BYTES],
                      digest=hashlib.sha256(part.payload).hexdigest())
    try:
        calendar = read_calendar(part.payload)
        method = calendar_method(calendar) or part.method
    except ReplyError as error:
        # A calendar part that cannot be read: refused when it says (or does not say) it is an attendee's method,
        # left alone when it says it is something else (an invitation the organiser was sent, say).
        if part.method and part.method not in _TAKEN:
            return None
        return replace(reading, method=part.method or None, problem=error)
    except Exception:
        return None
    if method not in _TAKEN:
        return None
    reading = replace(reading, method=method)
    try:
        said: CalendarReply | CalendarCounter | CalendarRefresh
        if method == MailboxMethod.REPLY:
            said = parse_reply(part.payload)
        elif method == MailboxMethod.COUNTER:
            said = parse_counter(calendar)
        else:
            said = parse_refresh(calendar)
    except ReplyError as error:
        return replace(reading, problem=error)
    except Exception:  # icalendar's own failures on a value it cannot convert
        return replace(reading, problem=ReplyError(_l("The file is broken and cannot be read as iCalendar.")))
    return replace(reading, uid=said.uid[:255], said=said)


def reason_texts(reason: Any) -> dict[str, str]:
    """``reason`` (a lazy message or text) in every site language, so each reader sees it in their own."""
    texts = {}
    for language in site_languages():
        with force_locale(language):
            texts[language] = str(reason)
    return texts


def _outcome_of(message_id: str, digest: str) -> InboxOutcome | None:
    outcome = db.session.execute(
        db.select(MailboxMessage.outcome).where(MailboxMessage.message_id == message_id,
                                                MailboxMessage.digest == digest)
    ).scalar_one_or_none()
    return None if outcome is None else InboxOutcome(outcome)


def take_calendar_message(raw: bytes, *, received_at: datetime | None = None) -> InboxResult:
    """Record what one email from the organiser's mailbox says. Flushes, never commits (the caller commits, then
    moves the message). Never raises for any content (malformed, huge, not calendar): IGNORED or REFUSED."""
    reading = read_message(bytes(raw))
    if reading is None:
        return InboxResult(InboxOutcome.IGNORED)
    first = _outcome_of(reading.message_id, reading.digest)
    if first is not None:
        return InboxResult(InboxOutcome.DUPLICATE, first)
    if received_at is not None and received_at.tzinfo is None:
        received_at = received_at.replace(tzinfo=UTC)
    record = MailboxMessage(
        message_id=reading.message_id, digest=reading.digest, received_at=received_at or utcnow(),
        sender=reading.sender,
        method=reading.method, outcome=MailboxOutcome.REFUSED, uid=reading.uid, calendar=reading.calendar,
        reason={}, summary={},
    )
    try:
        # Recorded first: a second fetcher taking the same message waits here for the first one's commit and
        # then finds the row, so what the message says is done once.
        with db.session.begin_nested():
            db.session.add(record)
    except IntegrityError:
        return InboxResult(InboxOutcome.DUPLICATE, _outcome_of(reading.message_id, reading.digest))
    try:
        _take(record, reading)
    except services.ReplyRaceLost:
        # Another answer was recorded meanwhile (its savepoint is rolled back): remember nothing, so the next pass
        # takes the message afresh and applies the rules to the answer as it now is.
        with db.session.begin_nested():
            db.session.delete(record)
        return InboxResult(InboxOutcome.RETRY)
    db.session.flush()
    return InboxResult(InboxOutcome(record.outcome))


def _refuse(record: MailboxMessage, reason: Any) -> None:
    record.outcome = MailboxOutcome.REFUSED
    record.reason = reason_texts(reason)


def _take(record: MailboxMessage, reading: MessageReading) -> None:
    said = reading.said
    if reading.problem is not None or said is None:
        _refuse(record, reading.problem.reason if reading.problem else _l("The file is broken and cannot be read "
                                                                          "as iCalendar."))
        return
    record.event_id = db.session.execute(db.select(Event.id).where(Event.uid == said.uid)).scalar_one_or_none()
    try:
        if isinstance(said, CalendarReply):
            _event_and_units(said.uid, [answer.email for answer in said.answers], sender=reading.sender)
            record.summary = _apply(said, by_user=None)
            record.outcome = MailboxOutcome.APPLIED
        elif isinstance(said, CalendarCounter):
            record.summary = _proposal(said, sender=reading.sender)
            record.outcome = MailboxOutcome.PROPOSAL
        else:
            record.summary = _refresh(said, sender=reading.sender)
            record.outcome = MailboxOutcome.REFRESHED
    except services.ReplyRaceLost:
        raise
    except ReplyError as error:
        _refuse(record, error.reason)


def _apply(reply: CalendarReply, *, by_user: User | None) -> dict[str, Any]:
    """Apply ``reply`` inside a savepoint (rolled back when it is refused, even after a lost race at the flush);
    what changed, for the record."""
    with db.session.begin_nested():
        applied = services.apply_reply(reply, by_user=by_user)
        return {"answers": [{"unit": answer.invitation.unit_id, "status": str(answer.status),
                             "changed": answer.changed} for answer in applied]}


def _event_and_units(uid: str, attendees: Sequence[str], *, sender: str) -> tuple[Event, list[Invitation]]:
    """The event ``uid`` names and the invitations whose unit ``attendees`` name (``services.invitations_by_address``);
    :class:`ReplyError` (the reply's reasons) when there is none, or when ``sender`` does not speak for them all."""
    event = services.event_with_invitations(uid)
    by_address = services.invitations_by_address(event)
    invitations = list({invitation.id: invitation for address in attendees
                        for invitation in by_address.get(address, [])}.values())
    if not invitations:
        raise services.no_unit_error(attendees)
    if not sender or any(sender not in {address.strip().lower() for address in invitation.unit.contact_emails or []}
                         for invitation in invitations):
        raise ReplyError(_l(
            "The message was sent from %(sender)s, which is not a contact address of the unit it speaks for "
            "(%(addresses)s). If it is genuine, apply it by hand.",
            sender=sender[:100] or "—", addresses=", ".join(address[:100] for address in attendees),
        ))
    return event, invitations


def _when(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


def _in_zone(value: datetime | date | None, event: Event) -> datetime | date | None:
    """A floating (naive) proposed time means the event's wall clock: as a UTC instant."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=event.zone).astimezone(UTC)
    return value


def _proposal(counter: CalendarCounter, *, sender: str) -> dict[str, Any]:
    """A COUNTER is kept for the organiser to read, never applied: the units it comes from and the proposed time."""
    event, invitations = _event_and_units(counter.uid, counter.attendees, sender=sender)
    return {"units": [invitation.unit_id for invitation in invitations],
            "starts_at": _when(_in_zone(counter.starts_at, event)), "ends_at": _when(_in_zone(counter.ends_at, event)),
            "comment": counter.comment[:2000]}


#: A REFRESH sends an invitation again at most once in this long (a unit asks once; a loop or a prankster, often).
REFRESH_INTERVAL = timedelta(hours=1)


def _refresh(refresh: CalendarRefresh, *, sender: str) -> dict[str, Any]:
    """Queue the event's current invitation (METHOD:REQUEST, the current SEQUENCE) to the units that asked, unless
    it was queued to them within ``REFRESH_INTERVAL``."""
    event, invitations = _event_and_units(refresh.uid, refresh.attendees, sender=sender)
    if event.status not in (EventStatus.SCHEDULED, EventStatus.HELD):
        raise ReplyError(_l("The event is not scheduled (it is a draft or cancelled); nothing was sent again."))
    recent = set(db.session.execute(
        db.select(OutboxMessage.invitation_id).where(
            OutboxMessage.invitation_id.in_([invitation.id for invitation in invitations]),
            OutboxMessage.kind == "invitation", OutboxMessage.created_at > utcnow() - REFRESH_INTERVAL)
    ).scalars())
    due = [invitation for invitation in invitations if invitation.id not in recent]
    if not due:
        raise ReplyError(_l("The invitation was sent to this unit less than an hour ago; it is not sent again so "
                            "soon."))
    queued = resend_invitations(due)
    return {"units": [invitation.unit_id for invitation in due], "queued": queued}


# --------------------------------------------------------------------------------- the organiser's view


@dataclass(frozen=True)
class MailboxEntry:
    """One message as the organiser reads it: the record, the units it names, and what it did for each."""

    message: MailboxMessage
    #: ``(unit, status, changed)`` per answer of an applied REPLY.
    answers: list[tuple[Unit | None, str, bool]]
    #: The units a proposal or a refresh came from.
    units: list[Unit]

    @property
    def may_apply_by_hand(self) -> bool:
        """A refused REPLY whose calendar text was kept may be applied by hand."""
        return may_apply_by_hand(self.message)

    @property
    def proposed(self) -> tuple[datetime | date | None, datetime | date | None]:
        """The proposed start and end of a COUNTER."""
        summary = self.message.summary or {}
        return _parse_when(summary.get("starts_at")), _parse_when(summary.get("ends_at"))


def _parse_when(value: Any) -> datetime | date | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    except ValueError:
        return None


#: At most this many messages are shown per list (the latest).
SHOWN_MESSAGES = 50


def _entries(messages: Sequence[MailboxMessage]) -> list[MailboxEntry]:
    ids: set[int] = set()
    for message in messages:
        summary = message.summary or {}
        ids.update(a.get("unit") for a in summary.get("answers", []) if isinstance(a.get("unit"), int))
        ids.update(u for u in summary.get("units", []) if isinstance(u, int))
    units = {unit.id: unit for unit in db.session.execute(
        db.select(Unit).where(Unit.id.in_(sorted(ids)))).scalars()} if ids else {}
    entries = []
    for message in messages:
        summary = message.summary or {}
        answers = [(units.get(a.get("unit")), str(a.get("status", "")), bool(a.get("changed")))
                   for a in summary.get("answers", [])]
        named = [units[u] for u in summary.get("units", []) if u in units]
        entries.append(MailboxEntry(message=message, answers=answers, units=named))
    return entries


def event_mailbox(event_id: int) -> list[MailboxEntry]:
    """The latest calendar messages from the mailbox about the event, newest first."""
    messages = db.session.execute(
        db.select(MailboxMessage).where(MailboxMessage.event_id == event_id)
        .options(selectinload(MailboxMessage.handled_by))
        .order_by(MailboxMessage.received_at.desc(), MailboxMessage.id.desc()).limit(SHOWN_MESSAGES)
    ).scalars().all()
    return _entries(messages)


def unmatched_mailbox() -> list[MailboxEntry]:
    """The latest refused calendar messages that named no event we have (an unknown UID, or unreadable), newest
    first."""
    messages = db.session.execute(
        db.select(MailboxMessage).where(MailboxMessage.event_id.is_(None),
                                        MailboxMessage.outcome == MailboxOutcome.REFUSED)
        .order_by(MailboxMessage.received_at.desc(), MailboxMessage.id.desc()).limit(SHOWN_MESSAGES)
    ).scalars().all()
    return _entries(messages)


def may_apply_by_hand(message: MailboxMessage) -> bool:
    """Only a refused REPLY whose calendar text was kept."""
    return (message.outcome == MailboxOutcome.REFUSED and message.method == MailboxMethod.REPLY
            and message.calendar is not None)


def newer_answers(message: MailboxMessage) -> list[Invitation]:
    """The invitations a refused reply would answer whose answer was recorded after the message was received
    (applying it would put an older answer over a newer one); ``[]`` when it matches none."""
    try:
        reply = parse_reply(message.calendar or b"")
        event = services.event_with_invitations(reply.uid)
    except ReplyError:
        return []
    by_address = services.invitations_by_address(event)
    named = {invitation.id: invitation for answer in reply.answers for invitation in by_address.get(answer.email, [])}
    return [invitation for invitation in named.values()
            if invitation.answered_at is not None and invitation.answered_at > message.received_at]


def apply_by_hand(message: MailboxMessage, *, by_user: User, replace_newer: bool = False) -> None:
    """Apply a refused REPLY because the organiser decided it is right; :class:`ReplyError` when it still cannot be.

    The organiser may override: the reply answers an older version of the event (a stale SEQUENCE — the unit
    answered before the update reached it, and the organiser knows the answer still holds); it came from an address
    that is not the unit's; and, with ``replace_newer``, an answer recorded after the message was received (else
    refused). Everything else stays refused: an unknown UID, an address of no invited unit, a cancelled event, and
    the attendance rules (deadline, capacity) that the answer page applies to organisers too. The answer is
    recorded as the organiser's (history: who, "calendar"). Two organisers applying it at once: one applies it, the
    other is refused (the row is claimed under its lock).
    """
    if not may_apply_by_hand(message):
        raise ReplyError(_l("Only a refused calendar reply can be applied by hand."))
    reply = parse_reply(message.calendar or b"")
    if not replace_newer and newer_answers(message):
        raise ReplyError(_l("A newer answer was recorded after this message was received; confirm that this older "
                            "one should replace it."))
    current = db.session.execute(db.select(Event.sequence).where(Event.uid == reply.uid)).scalar_one_or_none()
    if current is not None and reply.sequence < current:
        reply = replace(reply, sequence=current)
    handled_at = utcnow()
    with db.session.begin_nested():
        # Claimed first, and only while still refused: a second organiser's UPDATE waits for the first one's commit,
        # then matches no row.
        claim = update(MailboxMessage).where(
            MailboxMessage.id == message.id, MailboxMessage.outcome == MailboxOutcome.REFUSED
        ).values(outcome=MailboxOutcome.APPLIED, handled_by_id=by_user.id, handled_at=handled_at)
        claimed = cast("CursorResult[Any]", db.session.execute(
            claim.execution_options(synchronize_session=False))).rowcount
        if claimed != 1:
            raise ReplyError(_l("Someone else has just applied this message."))
        summary = _apply(reply, by_user=by_user)
    message.summary = summary
    message.outcome = MailboxOutcome.APPLIED
    message.handled_by_id = by_user.id
    message.handled_at = handled_at
    db.session.flush()


def mailbox_message(event_id: int, message_id: int) -> MailboxMessage | None:
    """The mailbox message ``message_id`` of the event ``event_id``, or ``None``."""
    message = db.session.get(MailboxMessage, message_id)
    return message if message is not None and message.event_id == event_id else None
