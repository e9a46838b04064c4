"""The anniversaries-to-come feed: its subscription address, and the calendar it serves (pure builder below).

The address is ``<BASE_URL>/feeds/anniversaries/<token>.ics``. The token is an itsdangerous signature (the
app's secret key and a salt used for nothing else) over ``{"u": user id, "l": language, "k": key}``, where
``key`` is a digest of the account's password hash. It works without a browser session, so that a calendar app
can fetch it; it is *not* keyed by ``User.session_version``, which every sign-out raises (a subscription would
die at each sign-out). It stops working when the account's password changes (by its owner or an admin's
reset), when the account is deactivated, and when it is no longer staff (admin, organiser, press).
"""

from __future__ import annotations

import hashlib

from itsdangerous import BadSignature, URLSafeSerializer

from ..auth.access import STAFF
from ..extensions import db
from ..i18n import site_languages
from ..models import User
from ..settings import settings

#: Used for anniversary feed addresses only, so that a signature made for anything else never passes.
SALT = "tracker.calendar.anniversary-feed.v1"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(settings().secret_key, salt=SALT)


def _account_key(user: User) -> str:
    """Changes whenever the password does: a new password revokes every address made before."""
    return hashlib.sha256(f"{SALT}:{user.password_hash}".encode()).hexdigest()[:24]


def make_feed_token(user: User, language: str) -> str:
    """The token of ``user``'s anniversary feed, with names in ``language``."""
    return str(_serializer().dumps({"u": user.id, "l": language, "k": _account_key(user)}))


def feed_reader(token: str) -> tuple[User, str] | None:
    """The account a feed token was made for and the feed's language, or ``None`` when it no longer works."""
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        return None
    if (not isinstance(payload, dict) or not isinstance(payload.get("u"), int) or isinstance(payload["u"], bool)
            or not isinstance(payload.get("k"), str) or not isinstance(payload.get("l"), str)):
        return None
    if not 1 <= payload["u"] < 2**31:
        return None
    user = db.session.get(User, payload["u"])
    if user is None or not user.active or user.role not in STAFF or _account_key(user) != payload["k"]:
        return None
    language = payload["l"] if payload["l"] in site_languages() else settings().default_language
    return user, language
