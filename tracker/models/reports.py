"""Press summaries written per language for an event or a series."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .constraints import in_range
from .types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from .users import User


class Report(Model):
    """The press text of an event or a series in one language."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("event_id", "language"),
        UniqueConstraint("series_id", "language"),
        CheckConstraint("(event_id IS NULL) <> (series_id IS NULL)", name="one_subject"),
        in_range("version", 1, name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    body: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: Optimistic lock, as on ``Invitation``: an editor opened on an older version cannot overwrite a newer text.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    updated_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
