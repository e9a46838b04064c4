"""What the organiser's mailbox brought: one row per calendar message taken (issue 14).

Written by ``tracker.calendar.inbox.take_calendar_message`` in the transaction that applies what the message says;
the unique Message-ID and content digest make a message read twice (two fetchers, or a crash before it was
moved) count once.
Shown on the attendance dashboard (a cached page), but by no feed: the table is in ``feeds.PAGE_ONLY_TABLES``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .constraints import one_of
from .events import Event
from .types import UTCDateTime, utcnow
from .users import User

#: Longest Message-ID kept as it is; a longer one (or none) is kept as ``sha256:`` and the hash's hex.
MAX_MESSAGE_ID_LENGTH = 255


class MailboxMethod(StrEnum):
    """The attendee's iTIP method (RFC 5546) a message carried."""

    REPLY = "REPLY"
    COUNTER = "COUNTER"
    REFRESH = "REFRESH"


class MailboxOutcome(StrEnum):
    """What taking the message decided (``calendar.inbox.InboxOutcome`` without the outcomes that record nothing)."""

    APPLIED = "applied"
    REFUSED = "refused"
    PROPOSAL = "proposal"
    REFRESHED = "refreshed"


class MailboxMessage(Model):
    """One calendar message from the organiser's mailbox and what it did."""

    __tablename__ = "mailbox_messages"
    __table_args__ = (one_of("method", MailboxMethod, nullable=True), one_of("outcome", MailboxOutcome),
                      UniqueConstraint("message_id", "digest"))

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The Message-ID header (trimmed), or ``sha256:<hex>`` of it when longer than 255 characters, or of the whole
    #: message when it has none. Unique with ``digest``: the same message taken twice is recorded once, while
    #: another message reusing a Message-ID (a careless client, or a forged one) is taken as new.
    message_id: Mapped[str] = mapped_column(String(MAX_MESSAGE_ID_LENGTH))
    #: The sha256 (hex) of the calendar part as received, or of the whole message when it had none to read.
    digest: Mapped[str] = mapped_column(String(64), default="")
    #: When the mailbox received it (the IMAP server's date), else when it was taken.
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: The From address, lower case ("" when it has none).
    sender: Mapped[str] = mapped_column(String(320), default="")
    #: REPLY, COUNTER or REFRESH; NULL for a calendar message that could not be read far enough to tell.
    method: Mapped[str | None] = mapped_column(String(10))
    outcome: Mapped[str] = mapped_column(String(20))
    #: Why nothing changed, in every site language (``{"az": …, "ru": …, "en": …}``); empty unless refused.
    reason: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    #: The UID the message named ("" when it could not be read), to show which event a stray one meant.
    uid: Mapped[str] = mapped_column(String(255), default="")
    #: The event the UID named; NULL for an unknown UID (and after the event was deleted).
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    #: The calendar part as received (at most ``calendar.replies.MAX_REPLY_BYTES``), to apply a refused reply by hand.
    calendar: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: What changed, for the organiser: ``{"answers": [{"unit": id, "status": …, "changed": bool}]}`` for a
    #: REPLY, ``{"units": [ids], "starts_at": iso, "ends_at": iso, "comment": …}`` for a COUNTER,
    #: ``{"units": [ids], "queued": n}`` for a REFRESH.
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Who applied a refused reply by hand, and when.
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event | None] = relationship()
    handled_by: Mapped[User | None] = relationship()

    def reason_text(self, language: str) -> str:
        """The reason in ``language``, else in any language recorded."""
        reasons = self.reason or {}
        return str(reasons.get(language) or next(iter(reasons.values()), ""))

    def __repr__(self) -> str:
        return f"<MailboxMessage {self.message_id!r} {self.method} {self.outcome}>"


class MailboxClaim(Model):
    """A mailbox fetcher's claim to take and move one message (``tracker.calendar.mailbox``).

    IMAP has no compare-and-set for a move (two sessions moving one message at once both succeed, leaving two
    copies) and servers' conditional STORE is not one either under load, so the database decides: the fetcher
    whose INSERT of the row succeeds takes and moves the message; a claim older than the grace is taken over
    with a conditional UPDATE that gives it a new ``owner`` (its fetcher stopped or is too slow). The holder
    renews the claim just before its move and releases it, both only while ``owner`` is still its token. A
    message is named by its folder and UIDVALIDITY/UID, which a server never gives to another message. Rows go a
    day after their claim. In ``feeds.UNRELATED_TABLES``.
    """

    __tablename__ = "mailbox_claims"

    #: sha256 (hex) of ``user@host:port/folder``: the folder read, without keeping the address in the clear.
    mailbox: Mapped[str] = mapped_column(String(64), primary_key=True)
    uid_validity: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    uid: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    #: The holder's token (32 random hex digits, new with each claim and each takeover).
    owner: Mapped[str] = mapped_column(String(32))
    #: When the claim was made, taken over or renewed (the holder renews it just before its move).
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    def __repr__(self) -> str:
        return f"<MailboxClaim {self.uid_validity}/{self.uid} {self.claimed_at:%H:%M:%S}>"
