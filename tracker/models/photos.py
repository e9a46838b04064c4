"""Photos of an event and the files made of each (issue 15; see docs/photos.md)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .constraints import in_range, one_of
from .types import TranslatableMixin, UTCDateTime, utcnow

if TYPE_CHECKING:
    from .events import Event
    from .users import User


class PhotoSize(StrEnum):
    """The files kept of every photo, made once at upload (``tracker.photos.images``)."""

    THUMB = "thumb"
    WEB = "web"
    PRINT = "print"
    #: The whole picture, re-encoded without its metadata (the press kit's "full resolution").
    FULL = "full"


class EventPhoto(TranslatableMixin, Model):
    """One photo of an event: its place in the event's order, whether it leads and goes into the release,
    its caption per language (``translations["caption"]``, optional) and its credit."""

    TEXT_FIELDS = ("caption",)
    __tablename__ = "event_photos"
    __table_args__ = (
        UniqueConstraint("event_id", "content_hash"),
        in_range("position", 1, name="position_positive"),
        in_range("width", 1, name="width_positive"),
        in_range("height", 1, name="height_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: 1-based order within the event; kept gap-free by the services.
    position: Mapped[int]
    #: Chosen as the lead by staff. Not unique in the database: the lead is
    #: :func:`tracker.photos.services.lead_photo` (the first chosen photo marked so, else the first chosen one).
    is_lead: Mapped[bool] = mapped_column(default=False)
    #: Chosen for the release (and the press kit).
    in_release: Mapped[bool] = mapped_column(default=True)
    #: The caption in the primary language (every language's is in ``translations``); may be empty.
    caption: Mapped[str] = mapped_column(String(1000), default="")
    credit: Mapped[str] = mapped_column(String(200), default="")
    #: The name the file was uploaded under (shown to staff, never trusted for its type).
    original_filename: Mapped[str] = mapped_column(String(255), default="")
    #: sha256 of the uploaded bytes, hex: the same file twice in one event is refused.
    content_hash: Mapped[str] = mapped_column(String(64))
    #: Of the picture as shown (orientation applied).
    width: Mapped[int]
    height: Mapped[int]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    created_by: Mapped[User | None] = relationship()
    files: Mapped[list[PhotoFile]] = relationship(
        back_populates="photo", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def key(self) -> str:
        """The part of the photo's file URLs that changes with its content (so they can be cached for ever)."""
        return self.content_hash[:16]

    def file(self, size: str) -> PhotoFile | None:
        """The stored file of ``size``, if there is one."""
        return next((f for f in self.files if f.size == size), None)

    def __repr__(self) -> str:
        return f"<EventPhoto {self.id} event={self.event_id} #{self.position}>"


class PhotoFile(Model):
    """One stored size of a photo: what it is (type, dimensions, hash) and, in the database backend, its bytes.

    ``data`` is empty when the bytes live in the filesystem backend (``PHOTO_STORAGE = "filesystem"``), under a
    name made of the photo, the size and ``sha256``; a file stored while the database backend was in use stays
    readable after a switch.
    """

    __tablename__ = "photo_files"
    __table_args__ = (one_of("size", PhotoSize),)

    photo_id: Mapped[int] = mapped_column(ForeignKey("event_photos.id", ondelete="CASCADE"), primary_key=True)
    size: Mapped[str] = mapped_column(String(10), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(40), default="image/jpeg")
    width: Mapped[int]
    height: Mapped[int]
    byte_size: Mapped[int]
    #: sha256 of the bytes, hex: the ETag, and the file's name in the filesystem backend.
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    photo: Mapped[EventPhoto] = relationship(back_populates="files")

    def __repr__(self) -> str:
        return f"<PhotoFile {self.photo_id}/{self.size}>"
