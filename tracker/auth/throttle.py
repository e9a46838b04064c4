"""Throttling of password guessing: failed sign-ins and "forgotten password" requests (Flask-Limiter).

Counts are kept per account — the normalised email, whether or not an account has it, so that the limit
itself does not tell which accounts exist — and per client address. Only *failed* sign-ins count: the
limit is checked before the password is, so once it is reached even the right password is refused until
the window has moved on (``RATELIMIT_STRATEGY``: a moving window by default). Every reset request counts.

The counts live where ``RATELIMIT_STORAGE_URI`` says: ``memory://`` (one process) or a Redis shared by every
app server. Each ``create_app`` gives the limiter a new storage, so every test app starts from zero.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from flask import g, request
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.wrappers import Response

from ..extensions import limiter
from ..settings import settings

_FAILED = "tracker_failed_sign_in"


def _setting(name: str) -> Callable[[], str]:
    """The limit ``name`` of :class:`~tracker.settings.Settings`, read when a request is counted."""
    return lambda: str(getattr(settings(), name))


def account_key() -> str:
    """The posted email, trimmed and lower-cased, hashed so that no address is stored in the counter."""
    email = request.form.get("email", "")[:254].strip().lower()
    # Never empty: Flask-Limiter logs an error for an empty key. A form without an email is refused before
    # any password check, so the "-" bucket never counts anything.
    return hashlib.sha256(email.encode()).hexdigest()[:32] if email else "-"


def note_failed_sign_in() -> None:
    """Record that this request's sign-in failed, so that the sign-in limits count it."""
    g.setdefault(_FAILED, True)


def _sign_in_failed(_response: Response) -> bool:
    return bool(g.get(_FAILED, False))


def limit_failed_sign_ins(view: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse sign-in posts (429) once an account or an address used up its failed attempts."""
    # Flask-Limiter checks every limit before the view and counts only where ``deduct_when`` says so.
    by_account = limiter.limit(_setting("signin_limit_account"), key_func=account_key, scope="sign-in-account",
                               methods=["POST"], deduct_when=_sign_in_failed)
    by_address = limiter.limit(_setting("signin_limit_address"), key_func=get_remote_address,
                               scope="sign-in-address", methods=["POST"], deduct_when=_sign_in_failed)
    return by_address(by_account(view))


def _signed_in_account_key() -> str:
    return f"user-{current_user.id}" if current_user.is_authenticated else "-"


def limit_failed_password_checks(view: Callable[..., Any]) -> Callable[..., Any]:
    """The sign-in limit per account, for pages that ask a signed-in person for their password again.

    Someone holding a stolen session must not be able to guess the password there instead.
    """
    return limiter.limit(_setting("signin_limit_account"), key_func=_signed_in_account_key,
                         scope="password-check", methods=["POST"], deduct_when=_sign_in_failed)(view)


def limit_reset_requests(view: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse "forgotten password" posts (429) beyond the limits per email and per address."""
    by_account = limiter.limit(_setting("password_reset_limit_account"), key_func=account_key,
                               scope="password-reset-account", methods=["POST"])
    by_address = limiter.limit(_setting("password_reset_limit_address"), key_func=get_remote_address,
                               scope="password-reset-address", methods=["POST"])
    return by_address(by_account(view))


def retry_after_seconds() -> int:
    """Seconds until the limit this request broke lets a new attempt through (at least 1)."""
    breached = limiter.current_limit
    if breached is None:
        return 60
    return max(1, int(breached.reset_at - time.time()) + 1)
