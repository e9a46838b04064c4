"""Units: departments and regional offices that are invited and answer."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, func
from sqlalchemy.ext.mutable import MutableList
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .types import TranslatableMixin

if TYPE_CHECKING:
    from .users import User


def new_feed_token() -> str:
    """A long random token for a unit's private calendar feed URL."""
    return secrets.token_urlsafe(32)


def default_unit_language() -> str:
    """A new unit's language: the site's primary language (the database's default is ``az``, the agency's)."""
    from ..i18n import primary_language

    return primary_language()


class Unit(TranslatableMixin, Model):
    """A department or regional office; regional offices hang under a parent unit."""

    TEXT_FIELDS = ("name",)
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short stable code, e.g. ``CIT`` or ``GANJA``; used by the CLI and imports.
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"), index=True)
    #: Addresses that receive invitations, reminders and updates.
    contact_emails: Mapped[list[str]] = mapped_column(MutableList.as_mutable(JSON), default=list)
    active: Mapped[bool] = mapped_column(default=True)
    #: Secret part of the unit's calendar feed URL; rotating it kills the old URL.
    feed_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_feed_token)
    #: Language of everything sent to the unit: emails, their ``.ics``, its feed, the page its answer link opens
    #: (a site language; the directory service checks it, :func:`tracker.i18n.unit_language` reads it).
    language: Mapped[str] = mapped_column(String(8), default=default_unit_language, server_default="az")

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.name")
    #: ``passive_deletes="all"``: deleting a unit never unbinds its representatives; the database refuses.
    representatives: Mapped[list[User]] = relationship(back_populates="unit", passive_deletes="all")

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


# Codes are unique whatever their case: ``cit`` and ``CIT`` are one unit to people and to ``find_unit_by_code``.
UNIQUE_CODE = Index("ix_units_lower_code", func.lower(Unit.code), unique=True)
