"""API tokens: making, checking and revoking the bearer tokens the JSON API accepts.

A token acts as its owner, with the owner's current role and unit: a token of a deactivated account
authenticates nobody. Ending a person's sessions (sign-out everywhere) or a routine password change by the
person (who gives the current one) leaves their tokens working: a token is a separate credential that the
person revokes on its own (on the tokens page or with ``flask tokens revoke``), so a routine change does not
break the portal's integration. A password reset (the emailed link of a forgotten password, or an admin's
reset) is account recovery and revokes every token of the account (:func:`revoke_all_tokens`): whoever took
the account over may have made one. Deactivating the account stops them all.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from ..errors import RuleError
from ..extensions import db
from ..i18n import N_
from ..models import ApiToken, User
from ..models.types import utcnow
from ..text import clean_text

#: Every raw token starts with this, so it is recognisable in a leaked file or a secret scanner.
TOKEN_PREFIX = "trk_"  # noqa: S105 - a marker, not a secret
#: What a raw token may look like; anything else is refused before the database is asked.
#: ``secrets.token_urlsafe(32)`` gives 43 characters; some room above for longer tokens later.
_TOKEN_SHAPE = re.compile(r"trk_[A-Za-z0-9_-]{43,128}")
#: Characters of the raw token kept in clear (``ApiToken.prefix``) so the owner can tell tokens apart.
SHOWN_CHARACTERS = 8
#: Longest name a token may have (``ApiToken.name``).
MAX_NAME_LENGTH = 100
#: ``last_used_at`` is written at most this often per token: a script calling many times a second must
#: not write a row each time.
LAST_USE_PRECISION = timedelta(minutes=1)

# Built once: the hot path of every API request, one SELECT of the token with its owner.
_TOKEN_WITH_USER = (
    select(ApiToken, User).join(User, ApiToken.user_id == User.id)
)


def hash_token(raw: str) -> str:
    """The stored form of a raw token: its sha256, hex."""
    return hashlib.sha256(raw.encode("ascii")).hexdigest()


class TokenError(RuleError):
    """A token cannot be made as asked; the message says why."""


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Make a token for ``user`` called ``name``; returns it with the raw token, which is never stored."""
    name = clean_text(name).strip()
    if not name:
        raise TokenError(N_("Give the token a name."), "name")
    if len(name) > MAX_NAME_LENGTH:
        raise TokenError(N_("The name must have at most %(count)s characters."), "name", count=MAX_NAME_LENGTH)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, token_hash=hash_token(raw), prefix=raw[:SHOWN_CHARACTERS])
    db.session.add(token)
    db.session.flush()
    return token, raw


def user_for_token(raw: object) -> tuple[User, ApiToken] | None:
    """The active user ``raw`` authenticates, with the token; ``None`` for anything else.

    Unknown, revoked, a deactivated owner, or input that cannot be a token (wrong shape, too long, not text):
    ``None``, never an exception. Records the use, at most once per :data:`LAST_USE_PRECISION`.
    """
    if not isinstance(raw, str) or not _TOKEN_SHAPE.fullmatch(raw):
        return None
    row = db.session.execute(
        _TOKEN_WITH_USER.where(ApiToken.token_hash == hash_token(raw))
    ).one_or_none()
    if row is None:
        return None
    token, user = row
    if token.revoked_at is not None or not user.active:
        return None
    _record_use(token, utcnow())
    return user, token


def _record_use(token: ApiToken, now: datetime) -> None:
    """Note ``now`` as the token's last use unless it was noted less than :data:`LAST_USE_PRECISION` ago.

    ``api_tokens`` is in ``models.feeds.UNRELATED_TABLES``: this write empties no feed or page cache.
    """
    last = token.last_used_at
    if last is not None and last <= now < last + LAST_USE_PRECISION:
        return
    token.last_used_at = now
    db.session.flush()


def revoke_token(token: ApiToken) -> None:
    """Stop ``token`` from authenticating; revoking it again keeps the first instant."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()


def revoke_all_tokens(user: User) -> int:
    """Revoke every token of ``user`` still working (a password reset); returns how many were."""
    working = [token for token in tokens_of(user) if token.revoked_at is None]
    for token in working:
        revoke_token(token)
    return len(working)


def tokens_of(user: User) -> list[ApiToken]:
    """The tokens of ``user``, revoked ones included, newest first."""
    return list(
        db.session.execute(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        ).scalars()
    )


def token_of(user: User, token_id: int) -> ApiToken | None:
    """The token ``token_id`` if ``user`` owns it, else ``None`` (another's token is as good as unknown)."""
    return db.session.execute(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id)
    ).scalar_one_or_none()


def tokens_with_prefix(user: User, prefix: str) -> list[ApiToken]:
    """The tokens of ``user`` whose shown characters are ``prefix`` (normally one)."""
    return list(
        db.session.execute(
            select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.prefix == prefix[:SHOWN_CHARACTERS])
        ).scalars()
    )
