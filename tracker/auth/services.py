"""Account rules: loading, authenticating and creating users."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import func

from ..extensions import db
from ..models import Role, Unit, User


class AccountError(ValueError):
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
    if role not in set(Role):
        raise AccountError(f"unknown role {role!r}; choose one of {', '.join(Role)}")
    if find_user_by_email(email) is not None:
        raise AccountError(f"an account with email {email} already exists")
    check_role_unit(role, unit)
    if len(password) < 8:
        raise AccountError("the password must have at least 8 characters")
    user = User(email=email, name=name.strip() or email, role=role, unit=unit, language=language)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def check_role_unit(role: str, unit: Unit | None) -> None:
    """Representatives answer for exactly one unit; no other role is bound to one."""
    if role == Role.REPRESENTATIVE and unit is None:
        raise AccountError("a representative must be bound to a unit")
    if role != Role.REPRESENTATIVE and unit is not None:
        raise AccountError("only representatives are bound to a unit")


def is_safe_next(target: str | None) -> bool:
    """Whether ``target`` is a path on this site (no scheme, host or protocol-relative trick)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
