"""Account rules: loading, authenticating and creating users."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import func

from ..errors import RuleError
from ..extensions import db
from ..i18n import N_
from ..models import Role, Unit, User

#: Smallest password length accepted anywhere (sign-up by an admin, the CLI, a reset).
MIN_PASSWORD_LENGTH = 8


class AccountError(RuleError):
    """An account cannot be created or changed as asked; the message says why."""


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the active user with this id."""
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


def find_user_by_email(email: str) -> User | None:
    """The account with ``email``, compared without regard to case."""
    return db.session.execute(
        db.select(User).where(func.lower(User.email) == email.strip().lower())
    ).scalar_one_or_none()


def authenticate(email: str, password: str) -> User | None:
    """The active account matching ``email`` and ``password``, else ``None``."""
    user = find_user_by_email(email)
    if user is None or not user.active or not user.check_password(password):
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
    db.session.flush()
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
    user.name = name.strip() or user.email
    user.role = role
    user.unit = unit
    user.active = active
    user.language = language or None
    db.session.flush()
    return user


def set_user_password(user: User, password: str) -> None:
    """Replace the password of ``user`` (an admin's reset)."""
    check_password_rule(password)
    user.set_password(password)
    db.session.flush()


def is_safe_next(target: str | None) -> bool:
    """Whether ``target`` is a path on this site (no scheme, host or protocol-relative trick)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
