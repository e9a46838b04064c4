"""Accounts and roles."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import Model
from .constraints import one_of

if TYPE_CHECKING:
    from .units import Unit


#: Werkzeug's method for new password hashes. The test suite lowers it (tests/conftest.py) so that thousands of
#: sign-ins stay quick; production keeps scrypt's cost (tests/auth/test_timing.py checks that it does).
PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - a method name, not a password


class Role(StrEnum):
    """What a person may do; see ``tracker.auth.access``."""

    ADMIN = "admin"
    ORGANISER = "organiser"
    REPRESENTATIVE = "representative"
    PRESS = "press"


class User(UserMixin, Model):
    """A person who signs in."""

    __tablename__ = "users"
    __table_args__ = (
        one_of("role", Role),
        # Representatives answer for exactly one unit; no other role is bound to one.
        CheckConstraint(
            f"(role = '{Role.REPRESENTATIVE.value}') = (unit_id IS NOT NULL)", name="unit_iff_representative"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    #: The unit a representative answers for; empty for every other role.
    #: RESTRICT, not SET NULL: a representative without a unit breaks ``unit_iff_representative``, so a
    #: unit with accounts is deactivated (``remove_unit``) or its accounts rebound before it can go.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    #: Interface language chosen by the person; empty means "follow the browser".
    language: Mapped[str | None] = mapped_column(String(8))
    #: Part of every session and remember cookie (see :meth:`get_id`); raising it ends them all at once
    #: (sign-out, password change or reset, deactivation) and makes outstanding reset links unusable.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    unit: Mapped[Unit | None] = relationship(back_populates="representatives")

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        """Flask-Login refuses sign-in to deactivated accounts."""
        return self.active

    def get_id(self) -> str:
        """``"<id>:<session_version>"``: what the session and the remember cookie carry.

        ``tracker.auth.services.load_user`` accepts it only while the version is still the account's.
        """
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        """Store a salted hash of ``password`` (scrypt, Werkzeug's default)."""
        self.password_hash = generate_password_hash(password, method=PASSWORD_HASH_METHOD)

    def check_password(self, password: str) -> bool:
        """Whether ``password`` matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def has_role(self, *roles: str) -> bool:
        """Whether the user holds one of ``roles``."""
        return self.role in roles

    @property
    def is_organiser(self) -> bool:
        """Organisers and admins plan events and follow answers."""
        return self.role in (Role.ADMIN, Role.ORGANISER)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


# One account per address whatever its case: sign-in compares lower-cased addresses (``find_user_by_email``).
UNIQUE_EMAIL = Index("ix_users_lower_email", func.lower(User.email), unique=True)
