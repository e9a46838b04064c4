"""Account rules: loading, authenticating, creating and changing users, and the admin's list of them.

Every rule of an account (its email, role, unit, password, an admin keeping their own access) is checked
here, so the admin's pages, the ``users`` command and the demo loader get the same answer.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from ..directory.services import chosen_unit
from ..errors import RuleError
from ..extensions import db
from ..i18n import N_
from ..models import Role, Unit, User, users
from ..models.constraints import violated
from ..models.users import UNIQUE_EMAIL
from ..pagecache import load_user_and_page
from .tokens import revoke_all_tokens

#: Smallest password length accepted anywhere (sign-up by an admin, the CLI, a reset).
MIN_PASSWORD_LENGTH = 8


@cache
def _dummy_hash(method: str) -> str:
    """Checked when no usable account has the email, so that a wrong email costs the same hashing work as a
    wrong password (no timing oracle). Made with the method ``User.set_password`` uses, hence the same cost."""
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


class AccountError(RuleError):
    """An account cannot be created or changed as asked; the message says why."""


@dataclass
class NewAccount:
    """What an admin (or the ``users create`` command) gives for a new account."""

    email: str
    name: str
    password: str
    role: str
    unit_id: int | None = None
    #: The interface language; ``None`` follows the browser.
    language: str | None = None


@dataclass
class AccountChanges:
    """What an admin can change on an account."""

    name: str
    role: str
    unit_id: int | None
    active: bool
    #: The interface language; ``None`` follows the browser.
    language: str | None = None


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the active user of ``"<id>:<session_version>"`` while that version is current.

    Sessions and remember cookies made before the account's version was raised (sign-out, password change,
    deactivation) carry the old version and load nobody.
    """
    number, _, version = user_id.partition(":")
    if not number.isdigit() or not version.isdigit():
        return None
    user = load_user_and_page(int(number))  # with the page a kept view would read next, in one statement
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


def accounts_page(role: str, query: str, page: int, per_page: int) -> Pagination:
    """Accounts by role and email, one page: only ``role``'s when it is a role, only those whose email or
    name contains ``query`` when one is given."""
    select = db.select(User).options(joinedload(User.unit)).order_by(User.role, User.email)
    if role in set(Role):
        select = select.where(User.role == role)
    query = query.strip()
    if query:
        select = select.where(or_(User.email.ilike(f"%{query}%"), User.name.ilike(f"%{query}%")))
    return db.paginate(select, page=page, per_page=per_page, error_out=False)


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


def create_user(account: NewAccount) -> User:
    """Create an account; a representative must be bound to a unit, others must not be."""
    email = account.email.strip()
    check_email(email)
    check_role(account.role)
    if find_user_by_email(email) is not None:
        raise AccountError(N_("An account with email %(email)s already exists."), "email", email=email)
    unit = chosen_unit(account.unit_id, "unit_id", AccountError)
    check_role_unit(account.role, unit)
    check_password_rule(account.password)
    user = User(email=email, name=account.name.strip() or email, role=account.role, unit=unit,
                language=account.language or None)
    user.set_password(account.password)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as error:
        # Another request created the address (in any case) since the look-up above.
        if not violated(error, UNIQUE_EMAIL):
            raise
        raise AccountError(N_("An account with email %(email)s already exists."), "email", email=email) from error
    return user


def check_email(email: str) -> None:
    """An account's email is an email address (syntax only: no DNS look-ups)."""
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise AccountError(N_("%(address)s is not an email address."), "email", address=email) from error


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


def update_user(user: User, changes: AccountChanges, *, acting: User) -> User:
    """Change an account's name, role, unit, active flag and language.

    An admin cannot demote or deactivate their own account: the person doing it is the only admin we
    know is still there, so this keeps the site from losing its last admin.
    """
    check_role(changes.role)
    unit = chosen_unit(changes.unit_id, "unit_id", AccountError)
    check_role_unit(changes.role, unit)
    if user.id == acting.id and changes.role != Role.ADMIN:
        raise AccountError(N_("You cannot remove your own admin role; ask another admin."), "role")
    if user.id == acting.id and not changes.active:
        raise AccountError(N_("You cannot deactivate your own account; ask another admin."), "active")
    if user.active and not changes.active:
        # Sign the person out everywhere now; reactivating later does not bring the old cookies back.
        end_all_sessions(user)
    user.name = changes.name.strip() or user.email
    user.role = changes.role
    user.unit = unit
    user.active = changes.active
    user.language = changes.language or None
    db.session.flush()
    return user


def set_user_password(user: User, password: str, *, keep_tokens: bool = False) -> User:
    """Replace the password of ``user`` (a reset link, an admin's reset, a change by the person).

    Every session and remember cookie of the account ends: whoever knew the old password is out. A reset is
    account recovery, so it also revokes the account's API tokens (:func:`tracker.auth.tokens.revoke_all_tokens`):
    whoever took the account over may have made one. ``keep_tokens``: a routine change by the person, who proved
    they know the current password (:func:`change_own_password`), leaves them working.
    """
    check_password_rule(password)
    user.set_password(password)
    end_all_sessions(user)
    if not keep_tokens:
        revoke_all_tokens(user)
    return user


def change_own_password(user: User, current_password: str, new_password: str) -> User:
    """The signed-in person replaces their password; they must give the current one."""
    if not check_password_hash(user.password_hash, current_password):
        raise AccountError(N_("The current password is wrong."), "current_password")
    return set_user_password(user, new_password, keep_tokens=True)


def is_safe_next(target: str | None) -> bool:
    """Whether ``target`` is a path on this site (no scheme, host or protocol-relative trick)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
