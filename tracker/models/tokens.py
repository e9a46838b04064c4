"""API tokens: how another system (the intranet portal, a script) acts as one user through the JSON API."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .types import UTCDateTime, utcnow
from .users import User


class ApiToken(Model):
    """A bearer token of one user: it carries that user's role and unit (``tracker.auth.tokens``).

    Only a hash of the token is stored; the raw token is shown once, when it is made.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: What the owner calls it ("intranet portal"), to tell their tokens apart.
    name: Mapped[str] = mapped_column(String(100))
    #: sha256 of the raw token, hex. A fast hash is right here, unlike for passwords: a token is 32 random
    #: bytes (``secrets.token_urlsafe(32)``), so there is nothing to guess, and every API request checks one.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The raw token's first 8 characters (``trk_`` and 4 more), shown in lists; too short to be of use to anyone.
    prefix: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Last request made with it, to the minute (``tokens.LAST_USE_PRECISION``); ``None`` while never used.
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When its owner (or an admin, with the command) revoked it; a revoked token authenticates nobody.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def revoked(self) -> bool:
        """Whether the token no longer authenticates anyone."""
        return self.revoked_at is not None

    def __repr__(self) -> str:
        return f"<ApiToken {self.prefix}… of user {self.user_id}>"
