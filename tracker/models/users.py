"""Accounts and roles."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db

if TYPE_CHECKING:
    from .units import Unit


class Role(StrEnum):
    """What a person may do; see ``tracker.auth.access``."""

    ADMIN = "admin"
    ORGANISER = "organiser"
    REPRESENTATIVE = "representative"
    PRESS = "press"


class User(UserMixin, db.Model):
    """A person who signs in."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    #: The unit a representative answers for; empty for every other role.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    #: Interface language chosen by the person; empty means "follow the browser".
    language: Mapped[str | None] = mapped_column(String(8))

    unit: Mapped[Unit | None] = relationship(back_populates="representatives")

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        """Flask-Login refuses sign-in to deactivated accounts."""
        return self.active

    def set_password(self, password: str) -> None:
        """Store a salted hash of ``password`` (scrypt, Werkzeug's default)."""
        self.password_hash = generate_password_hash(password)

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
