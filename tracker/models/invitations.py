"""Invitations of units to events, their answers, and the history of every change."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..bounds import HEADCOUNT
from ..extensions import Model
from .constraints import in_range, one_of
from .types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from .events import Event
    from .units import Unit
    from .users import User


class InvitationStatus(StrEnum):
    """A unit's answer; the names follow iCalendar PARTSTAT."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    TENTATIVE = "tentative"
    DECLINED = "declined"


class AnswerChannel(StrEnum):
    """How an answer reached us."""

    PAGE = "page"
    LINK = "link"
    ON_BEHALF = "on_behalf"
    CALENDAR = "calendar"
    #: Through the JSON API, by the token's owner.
    API = "api"


class Invitation(Model):
    """One unit invited to one event, with the unit's answer and, later, who actually came."""

    __tablename__ = "invitations"
    __table_args__ = (
        UniqueConstraint("event_id", "unit_id"),
        one_of("status", InvitationStatus),
        one_of("answered_via", AnswerChannel, nullable=True),
        in_range("headcount", HEADCOUNT.low, HEADCOUNT.high),
        in_range("actual_attendance", HEADCOUNT.low, HEADCOUNT.high),
        in_range("version", 1, name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=InvitationStatus.PENDING, index=True)
    #: People the unit expects to send.
    headcount: Mapped[int | None]
    #: Names of delegates, one per line.
    delegates: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Page, signed link, on behalf (by an organiser), calendar reply or the API.
    answered_via: Mapped[str | None] = mapped_column(String(20))
    #: People who actually came, recorded at check-in.
    actual_attendance: Mapped[int | None]
    #: Recorded at the door without an invitation.
    walk_in: Mapped[bool] = mapped_column(default=False)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Optimistic lock: a stale form cannot overwrite a newer answer.
    version: Mapped[int] = mapped_column(default=1)

    event: Mapped[Event] = relationship(back_populates="invitations")
    unit: Mapped[Unit] = relationship()
    answered_by: Mapped[User | None] = relationship()
    history: Mapped[list[AuditEntry]] = relationship(
        back_populates="invitation", order_by="AuditEntry.at.desc()", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def answered(self) -> bool:
        """Whether the unit has said yes, no or maybe."""
        return self.status != InvitationStatus.PENDING

    # How people are counted, for every tally (the dashboard, the home pages, the sheets): a unit that attends
    # announces expected people, a unit that may attend announces maybe people, a unit that declined sends
    # nobody whatever headcount was typed, and a walk-in was not expected at all.

    @property
    def expected_people(self) -> int | None:
        """People announced by a unit that attends (``None`` otherwise)."""
        if self.walk_in or self.status != InvitationStatus.ACCEPTED:
            return None
        return self.headcount

    @property
    def maybe_people(self) -> int | None:
        """People announced by a unit that may attend (``None`` otherwise)."""
        if self.walk_in or self.status != InvitationStatus.TENTATIVE:
            return None
        return self.headcount

    def __repr__(self) -> str:
        return f"<Invitation event={self.event_id} unit={self.unit_id} {self.status}>"


class AuditEntry(Model):
    """Who changed what and when; every change of an answer leaves one."""

    __tablename__ = "audit_entries"
    __table_args__ = (one_of("via", AnswerChannel, nullable=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: What happened, e.g. ``answer``, ``invite``, ``withdraw``, ``check_in``.
    action: Mapped[str] = mapped_column(String(40))
    #: The channel of an answer (see :class:`AnswerChannel`), when there is one.
    via: Mapped[str | None] = mapped_column(String(20))
    old: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    new: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    user: Mapped[User | None] = relationship()
    invitation: Mapped[Invitation | None] = relationship(back_populates="history")
