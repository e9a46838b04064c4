"""Emails waiting to be delivered; written in the same transaction as the change that caused them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .constraints import in_range, one_of
from .types import UTCDateTime, utcnow


class OutboxStatus(StrEnum):
    """Where a message is on its way out (see ``tracker.mail.delivery``)."""

    PENDING = "pending"
    #: Claimed by a worker until ``claimed_until``.
    SENDING = "sending"
    SENT = "sent"
    #: Given up after the last attempt; ``flask mail retry`` queues it again.
    FAILED = "failed"


class OutboxMessage(Model):
    """One email, rendered (or waiting to be composed), with its delivery state."""

    __tablename__ = "outbox_messages"
    __table_args__ = (one_of("status", OutboxStatus), in_range("attempts", 0, name="attempts_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: ``invitation``, ``reminder``, ``update``, ``cancellation`` …
    kind: Mapped[str] = mapped_column(String(30))
    recipients: Mapped[list[str]] = mapped_column(JSON)
    subject: Mapped[str] = mapped_column(String(500))
    #: Message-ID header; stays the same across retries so receivers can drop duplicates.
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    #: The complete RFC 5322 message as bytes; NULL while the message waits to be composed (bulk rounds
    #: queue only who gets what, and the mail worker composes it: see ``tracker.mail.outbox.compose_pending``).
    raw: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: For a message still to be composed: what its composer needs beyond the invitation (e.g. the fields
    #: an update names). NULL for messages composed when queued.
    recipe: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: ``pending``, ``sending`` (claimed by a worker), ``sent`` or ``failed`` (gave up).
    status: Mapped[str] = mapped_column(String(20), default=OutboxStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: While ``sending``: when the claim lapses and another worker may try.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL"), index=True
    )
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
