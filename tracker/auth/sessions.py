"""How long a sign-in lasts, and a clean session at every sign-in.

A session is Flask's signed cookie. Besides Flask-Login's keys it carries two timestamps: when the person
signed in (``signed_in_at``) and when they were last seen (``seen_at``). Before every request a session
that was idle longer than ``SESSION_IDLE_MINUTES`` or is older than ``SESSION_MAX_HOURS`` loses its
sign-in; the timestamps are inside the signature, so a copied cookie cannot be kept alive by editing them.
"Keep me signed in" is Flask-Login's remember cookie: it outlives the session (``REMEMBER_COOKIE_DURATION``
from sign-in, not renewed) and opens a new session, with fresh timestamps, when the old one has ended.

Ending *every* session of an account (sign-out, password change, deactivation) is not done here but by
raising ``User.session_version`` (``tracker.auth.services.end_all_sessions``): sessions and remember
cookies carry the version they were made with and stop loading once it changed.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, g, request, session
from flask_login import login_user, logout_user, user_loaded_from_cookie

from ..models import User
from ..settings import settings

SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"
#: The session keys that make a browser signed in (Flask-Login's, and ours).
_SIGN_IN_KEYS = ("_user_id", "_fresh", "_id", SIGNED_IN_AT, SEEN_AT)
#: The only thing a new session keeps from the one before sign-in: the language the visitor chose.
_KEPT_AT_SIGN_IN = ("language",)
#: ``seen_at`` is rewritten at most this often, so that not every response has to re-send the cookie.
_SEEN_RESOLUTION_SECONDS = 30


def start_session(user: User, *, remember: bool) -> None:
    """Sign ``user`` in on a brand-new session.

    Everything put into the session before sign-in (by the visitor or by someone who planted a cookie in
    their browser) is dropped; only the chosen language stays.
    """
    kept = {key: session[key] for key in _KEPT_AT_SIGN_IN if key in session}
    session.clear()
    session.update(kept)
    login_user(user, remember=remember)
    _stamp(started=True)


def renew_session(user: User, *, remember: bool) -> None:
    """Keep this browser signed in after ``user``'s session version changed (their own password change).

    With ``remember`` the remember cookie is issued again, carrying the new version.
    """
    login_user(user, remember=remember)
    _stamp(started=True)


def end_session() -> None:
    """Sign this browser out: the session's sign-in and the remember cookie go."""
    logout_user()
    for key in (SIGNED_IN_AT, SEEN_AT):
        session.pop(key, None)


def _stamp(*, started: bool) -> None:
    now = time.time()
    if started:
        session[SIGNED_IN_AT] = now
    session[SEEN_AT] = now


def session_expired(now: float | None = None) -> bool:
    """Whether the signed-in session of this request is past its idle or absolute limit (or unstamped)."""
    now = time.time() if now is None else now
    signed_in_at, seen_at = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if not isinstance(signed_in_at, int | float) or not isinstance(seen_at, int | float):
        return True
    limits = settings()
    return (now - seen_at > limits.session_idle.total_seconds()
            or now - signed_in_at > limits.session_max.total_seconds())


def enforce_session_limits() -> None:
    """Before each request: drop a sign-in that is too old or idle too long, else note the activity."""
    if request.endpoint == "static" or "_user_id" not in session:
        return
    now = time.time()
    if session_expired(now):
        for key in _SIGN_IN_KEYS:
            session.pop(key, None)
        g.pop("_login_user", None)  # in case something already loaded the user this request
        return
    if now - session[SEEN_AT] >= _SEEN_RESOLUTION_SECONDS:
        session[SEEN_AT] = now


def _restored_from_cookie(_app: Any, **_extra: Any) -> None:
    """A remember cookie signed the person in again: that is a new session with its own clock."""
    _stamp(started=True)


def init_sessions(app: Flask) -> None:
    """Check session age before every request and time sessions opened from a remember cookie."""
    app.before_request(enforce_session_limits)
    user_loaded_from_cookie.connect(_restored_from_cookie, sender=app)
