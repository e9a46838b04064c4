"""Forgotten passwords: a signed, expiring, single-use link sent by email.

The link is ``<BASE_URL>/password/reset/<token>``. The token is an itsdangerous timed signature (the app's
secret key and a salt used for nothing else) over ``{"u": user id, "v": session version}``. It expires
after ``PASSWORD_RESET_HOURS``. It is single-use because setting the new password raises the account's
session version (``end_all_sessions``), and a token whose version is no longer the account's is refused;
so does every other event that ends the account's sessions (sign-out, an admin's reset, deactivation).

Every active account may use it, representatives included: the link goes only to the account's own email,
which already is where the person receives everything else the site sends them.
"""

from __future__ import annotations

from enum import StrEnum

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..extensions import db
from ..i18n import mail_language, site_languages
from ..mail.compose import compose_email
from ..mail.outbox import queue_email
from ..models import OutboxMessage, User
from ..settings import settings, site_path
from ..vocabulary import organisation_name
from .services import find_user_by_email

#: Used for reset links only, so that a signature made for anything else never passes.
SALT = "tracker.auth.password-reset.v1"


class ResetProblem(StrEnum):
    """Why a reset link does not open the form."""

    INVALID = "invalid"  #: tampered, truncated, or signed by another installation
    EXPIRED = "expired"  #: older than PASSWORD_RESET_HOURS
    USED = "used"  #: already used, or the account's sessions were ended since (or it was disabled)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings().secret_key, salt=SALT)


def make_reset_token(user: User) -> str:
    """The signed token of a reset link for ``user``, valid until their session version changes."""
    return str(_serializer().dumps({"u": user.id, "v": user.session_version}))


def reset_path(token: str) -> str:
    """The site-relative path of the reset page for ``token`` (no request needed)."""
    return site_path("auth.reset_password", token=token)


def reset_url(user: User) -> str:
    """The absolute reset link put in the email: on ``BASE_URL``, else ``DEFAULT_BASE_URL`` — never on the
    request's ``Host``, which whoever asks for the reset controls (a forged one would send the link elsewhere)."""
    return settings().site_url(reset_path(make_reset_token(user)), from_request=False)


def check_reset_token(token: str) -> tuple[User | None, ResetProblem | None]:
    """The account a reset token may set the password of, or why it may not."""
    max_age = settings().password_reset_hours * 3600
    try:
        payload = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        return None, ResetProblem.EXPIRED
    except BadSignature:
        return None, ResetProblem.INVALID
    if not isinstance(payload, dict) or not all(isinstance(payload.get(k), int) for k in ("u", "v")):
        return None, ResetProblem.INVALID
    user = db.session.get(User, payload["u"])
    if user is None or not user.active or user.session_version != payload["v"]:
        return None, ResetProblem.USED
    return user, None


def request_password_reset(email: str) -> OutboxMessage | None:
    """Queue a reset link to the active account with ``email``; nothing at all for any other email.

    The caller answers the same either way, so the page does not tell whether an account exists.
    """
    user = find_user_by_email(email)
    if user is None or not user.active:
        return None
    return queue_reset_email(user)


def queue_reset_email(user: User) -> OutboxMessage:
    """Queue the email with the reset link, in the person's language (else the mail language)."""
    config = settings()
    language = user.language if user.language in site_languages() else mail_language()
    with force_locale(language):
        context = {
            "user": user,
            "language": language,
            "reset_url": reset_url(user),
            "hours": config.password_reset_hours,
            "organisation": organisation_name(language),
        }
        message = compose_email(
            sender=config.mail_from,
            to=[user.email],
            subject=_("Set a new password for the ceremony tracker"),
            text=render_template("emails/password_reset.txt", **context),
            html=render_template("emails/password_reset.html", **context),
        )
    return queue_email(message, kind="password_reset")
