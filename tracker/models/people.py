"""People (speakers, officials) and venues: reused from event to event."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..bounds import VENUE_CAPACITY
from ..extensions import Model
from .constraints import in_range
from .types import TranslatableMixin

if TYPE_CHECKING:
    from .units import Unit


class Person(TranslatableMixin, Model):
    """A speaker or official, with the rank and position a programme prints."""

    TEXT_FIELDS = ("full_name", "rank", "position")
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    #: e.g. "major-general"; printed before the name.
    rank: Mapped[str] = mapped_column(String(200), default="")
    #: e.g. "Deputy Head of the Service".
    position: Mapped[str] = mapped_column(String(300), default="")
    #: Empty for guests from outside the agency.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"), index=True)

    unit: Mapped[Unit | None] = relationship()

    def title_line(self, language: str | None = None) -> str:
        """Position, rank and name as a programme prints them."""
        parts = [self.text("position", language), self.text("rank", language)]
        lead = ", ".join(p for p in parts if p)
        name = self.text("full_name", language)
        return f"{lead} {name}".strip() if lead else name

    def __repr__(self) -> str:
        return f"<Person {self.full_name}>"


class Venue(TranslatableMixin, Model):
    """A hall or room where events take place."""

    TEXT_FIELDS = ("name", "address")
    __tablename__ = "venues"
    __table_args__ = (in_range("capacity", VENUE_CAPACITY.low, VENUE_CAPACITY.high),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    #: Seats or standing places; answers may not promise more people than this.
    capacity: Mapped[int | None]

    def __repr__(self) -> str:
        return f"<Venue {self.name}>"
