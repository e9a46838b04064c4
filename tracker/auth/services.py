"""Account rules: loading, authenticating and creating users."""

from __future__ import annotations

import secrets
from functools import cache
from urllib.parse import urlsplit

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import RuleError
from ..extensions import db
from ..i18n import N_
from ..models import Role, Unit, User, users
from ..models.constraints import violated
from ..models.users import UNIQUE_EMAIL

#: Smallest password length accepted anywhere (sign-up by an admin, the CLI, a reset).
MIN_PASSWORD_LENGTH = 8


@cache
def _dummy_hash(method: str) -> str:
    """Checked when no usable account has the email, so that a wrong email costs the same hashing work as a
    wrong password (no timing oracle). Made with the method ``User.set_password`` uses, hence the same cost."""
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


class AccountError(RuleError):
    """An account cannot be created or changed as asked; the message says why."""


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the active user of ``"<id>:<session_version>"`` while that version is current.

    Sessions and remember cookies made before the account's version was raised (sign-out, password change,
    deactivation) carry the old version and load nobody.
    """
    number, _, version = user_id.partition(":")
    if not number.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(number))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def end_all_sessions(user: User) -> None:
    """End every session and remember cookie of ``user``, on every browser (and any unused reset link)."""
    user.session_version = (user.session_version or 0) + 1
    db.session.flush()


def find_user_by_email(email: str) -> User | None:
    """The account with ``email``, compared without regard to case."""
    return db.session.execute(
        # The database lowers both sides, exactly as the unique index ``UNIQUE_EMAIL`` does.
        db.select(User).where(func.lower(User.email) == func.lower(email.strip()))
    ).scalar_one_or_none()


def authenticate(email: str, password: str) -> User | None:
    """The active account matching ``email`` and ``password``, else ``None``.

    Exactly one password hash is checked whatever the case — unknown email, disabled account or wrong
    password — so the time of the answer does not tell which accounts exist.
    """
    user = find_user_by_email(email)
    stored = user.password_hash if user is not None else _dummy_hash(users.PASSWORD_HASH_METHOD)
    matches = check_password_hash(stored, password)
    if user is None or not user.active or not matches:
        return None
    return user


def create_user(
    email: str, name: str, password: str, role: str, unit: Unit | None = None, language: str | None = None
) -> User:
    """Create an account; a representative must be bound to a unit, others must not be."""
    email = email.strip()
    check_role(role)
    if find_user_by_email(email) is not None:
        raise AccountError(N_("An account with email %(email)s already exists."), "email", email=email)
    check_role_unit(role, unit)
    check_password_rule(password)
    user = User(email=email, name=name.strip() or email, role=role, unit=unit, language=language)
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as error:
        # Another request created the address (in any case) since the look-up above.
        if not violated(error, UNIQUE_EMAIL):
            raise
        raise AccountError(N_("An account with email %(email)s already exists."), "email", email=email) from error
    return user


def check_role(role: str) -> None:
    """``role`` must be one of :class:`Role`."""
    if role not in set(Role):
        raise AccountError(
            N_("Unknown role %(role)s; choose one of %(roles)s."), "role", role=role, roles=", ".join(Role)
        )


def check_role_unit(role: str, unit: Unit | None) -> None:
    """Representatives answer for exactly one unit; no other role is bound to one."""
    if role == Role.REPRESENTATIVE and unit is None:
        raise AccountError(N_("A representative must be bound to a unit."), "unit_id")
    if role != Role.REPRESENTATIVE and unit is not None:
        raise AccountError(N_("Only representatives are bound to a unit."), "unit_id")


def check_password_rule(password: str) -> None:
    """Passwords have at least :data:`MIN_PASSWORD_LENGTH` characters."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            N_("The password must have at least %(count)s characters."), "password", count=MIN_PASSWORD_LENGTH
        )


def update_user(
    user: User, *, acting: User, name: str, role: str, unit: Unit | None, active: bool, language: str | None
) -> User:
    """Change an account's name, role, unit, active flag and language.

    An admin cannot demote or deactivate their own account: the person doing it is the only admin we
    know is still there, so this keeps the site from losing its last admin.
    """
    check_role(role)
    check_role_unit(role, unit)
    if user.id == acting.id and role != Role.ADMIN:
        raise AccountError(N_("You cannot remove your own admin role; ask another admin."), "role")
    if user.id == acting.id and not active:
        raise AccountError(N_("You cannot deactivate your own account; ask another admin."), "active")
    if user.active and not active:
        # Sign the person out everywhere now; reactivating later does not bring the old cookies back.
        end_all_sessions(user)
    user.name = name.strip() or user.email
    user.role = role
    user.unit = unit
    user.active = active
    user.language = language or None
    db.session.flush()
    return user


def set_user_password(user: User, password: str) -> None:
    """Replace the password of ``user`` (an admin's reset, a reset link, a change by the person).

    Every session and remember cookie of the account ends: whoever knew the old password is out.
    """
    check_password_rule(password)
    user.set_password(password)
    end_all_sessions(user)


def change_own_password(user: User, current_password: str, new_password: str) -> None:
    """The signed-in person replaces their password; they must give the current one."""
    if not check_password_hash(user.password_hash, current_password):
        raise AccountError(N_("The current password is wrong."), "current_password")
    set_user_password(user, new_password)


def is_safe_next(target: str | None) -> bool:
    """Whether ``target`` is a path on this site (no scheme, host or protocol-relative trick)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
