"""Idempotency keys of the JSON API: the first result of a ``POST`` sent with ``Idempotency-Key``, for its retries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .types import UTCDateTime, utcnow

#: Longest ``Idempotency-Key`` accepted (``IdempotentRequest.key``).
MAX_KEY_LENGTH = 200


class IdempotentRequest(Model):
    """A successful ``POST`` made with an ``Idempotency-Key``: what it answered, to answer its retries alike.

    Written in the transaction of the request's own work (``tracker.api.idempotency``), so a request that failed
    leaves no row and its key can be used again. Rows older than ``idempotency.KEY_LIFETIME`` are ignored and
    deleted as requests go by.
    """

    __tablename__ = "idempotent_requests"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The token's owner: keys of different users never meet.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    #: sha256 (hex) of the method, the path and the sha256 of the body: a key sent again with another request
    #: is refused rather than answered with the first one's result.
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    #: The response's headers that describe its body: Content-Type, ETag, Location.
    headers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<IdempotentRequest {self.key!r} of user {self.user_id}>"
