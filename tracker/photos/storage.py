"""Where the bytes of a photo's files live: one interface, two backends, shared by every app server.

- ``database`` (the default): the bytes are in ``photo_files.data``; backups of the database hold them.
- ``filesystem``: the bytes are files under ``PHOTO_DIRECTORY`` (default ``<instance>/photos``), one per row,
  named by the photo, the size and the sha256 (``ab/<photo id>-<size>-abcdef….jpg``); every app server must
  mount the same directory, and backups must copy it.

Nothing is kept in process memory. The row of each file (:class:`~tracker.models.PhotoFile`: type, dimensions,
sha256) is in the database whatever the backend; a file is read from where it was stored, so switching the
setting leaves earlier photos readable. S3-compatible buckets are not implemented (docs/photos.md).

No two rows share a file, so removing one never takes another's bytes (an upload of the same picture, even
at the same moment, writes its own). Files are written before the request commits; a rolled-back upload
removes the files it wrote, and a deleted row's file is removed only after the commit that deleted it. What
remains: a process killed between writing and committing leaves an unreferenced file behind (harmless).
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import Protocol

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..extensions import db
from ..models.photos import PhotoFile
from ..settings import settings
from .images import EXTENSION, DerivedFile

#: The backends ``PHOTO_STORAGE`` may name.
BACKENDS = ("database", "filesystem")
log = logging.getLogger(__name__)
_REMOVE_AFTER_COMMIT = "photo_files_to_remove"
_REMOVE_AFTER_ROLLBACK = "photo_files_written"


class MissingPhotoFile(LookupError):
    """A file's row exists but its bytes are gone (a filesystem directory not shared or not restored)."""


class PhotoStorage(Protocol):
    """Keeps and returns the bytes of :class:`PhotoFile` rows."""

    def save(self, row: PhotoFile, derived: DerivedFile) -> None:
        """Keep ``derived``'s bytes for ``row`` (filled with its type, dimensions and hash)."""

    def load(self, row: PhotoFile) -> bytes:
        """The bytes of ``row``; :class:`MissingPhotoFile` when they are gone."""

    def forget(self, row: PhotoFile) -> None:
        """``row`` is being deleted: let its bytes go once the deletion is committed."""


def _fill(row: PhotoFile, derived: DerivedFile) -> None:
    row.size = derived.size
    row.media_type = derived.media_type
    row.width = derived.width
    row.height = derived.height
    row.byte_size = len(derived.data)
    row.sha256 = derived.sha256


def _load_stored_bytes(row: PhotoFile) -> bytes | None:
    """``row.data`` (a deferred column), read only when asked for."""
    if row.photo_id is None:
        return row.data
    query = select(PhotoFile.data).where(PhotoFile.photo_id == row.photo_id, PhotoFile.size == row.size)
    return db.session.execute(query).scalar_one_or_none()


class DatabaseStorage:
    """The bytes in ``photo_files.data``."""

    def save(self, row: PhotoFile, derived: DerivedFile) -> None:
        """Keep the bytes in the row itself."""
        _fill(row, derived)
        row.data = derived.data

    def load(self, row: PhotoFile) -> bytes:
        """The row's bytes (or, for a row stored by the filesystem backend, the file)."""
        data = _load_stored_bytes(row)
        if data is not None:
            return data
        return FilesystemStorage(photo_directory()).load(row)

    def forget(self, row: PhotoFile) -> None:
        """The bytes go with the row; a file of the filesystem backend goes after the commit."""
        FilesystemStorage(photo_directory()).forget(row)


class FilesystemStorage:
    """The bytes as files under ``directory``, named by their sha256."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, row: PhotoFile) -> Path:
        """Where the file of ``row`` lives (its own: no other row names it)."""
        return self.directory / row.sha256[:2] / f"{row.photo_id}-{row.size}-{row.sha256}.{EXTENSION}"

    def save(self, row: PhotoFile, derived: DerivedFile) -> None:
        """Write the file (atomically: a reader never sees half of it) and leave the row without bytes.

        ``row.photo_id`` must be set (the photo flushed): it names the file."""
        if row.photo_id is None:
            raise ValueError("a photo file is saved once its photo has an id")
        _fill(row, derived)
        row.data = None
        target = self.path(row)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(derived.data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        db.session().info.setdefault(_REMOVE_AFTER_ROLLBACK, []).append(target)

    def load(self, row: PhotoFile) -> bytes:
        """The file's bytes (or the row's own, for a row stored by the database backend)."""
        if row.photo_id is not None:
            stored = _load_stored_bytes(row)
            if stored is not None:
                return stored
        try:
            return self.path(row).read_bytes()
        except FileNotFoundError:
            raise MissingPhotoFile(f"photo file {self.path(row)} is missing") from None

    def forget(self, row: PhotoFile) -> None:
        """Remove the row's file once its deletion is committed."""
        db.session().info.setdefault(_REMOVE_AFTER_COMMIT, []).append(self.path(row))


def photo_directory() -> Path:
    """``PHOTO_DIRECTORY``, or the instance folder's ``photos``."""
    configured = settings().photo_directory
    return Path(configured) if configured else Path(current_app.instance_path) / "photos"


def storage() -> PhotoStorage:
    """The backend ``PHOTO_STORAGE`` names."""
    if settings().photo_storage == "filesystem":
        return FilesystemStorage(photo_directory())
    return DatabaseStorage()


def load_bytes(rows: list[PhotoFile]) -> dict[tuple[int, str], bytes]:
    """The bytes of several rows at once (one query for those the database holds), by ``(photo_id, size)``;
    a row whose file is missing is logged and left out."""
    found: dict[tuple[int, str], bytes] = {}
    if not rows:
        return found
    wanted = {(row.photo_id, row.size): row for row in rows}
    query = select(PhotoFile.photo_id, PhotoFile.size, PhotoFile.data).where(
        PhotoFile.photo_id.in_({photo_id for photo_id, _size in wanted}),
        PhotoFile.size.in_({size for _photo_id, size in wanted}),
    )
    for photo_id, size, data in db.session.execute(query):
        if (photo_id, size) in wanted and data is not None:
            found[(photo_id, size)] = data
    files = FilesystemStorage(photo_directory())
    for key, row in wanted.items():
        if key not in found:
            try:
                found[key] = files.load(row)
            except MissingPhotoFile as missing:
                log.error("photo %s left out: %s", row.photo_id, missing)
    return found


# SQLAlchemy sends after_commit and after_rollback for a SAVEPOINT's end too (a refused duplicate's, say): only
# the end of the outermost transaction decides which files are referenced. A file written inside a savepoint that
# is rolled back stays until then (at worst an unreferenced file; see docs/photos.md).
@event.listens_for(Session, "after_commit")
def _remove_forgotten_files(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.info.pop(_REMOVE_AFTER_ROLLBACK, None)  # committed: the files written are referenced
    for path in session.info.pop(_REMOVE_AFTER_COMMIT, []):
        Path(path).unlink(missing_ok=True)


@event.listens_for(Session, "after_rollback")
def _remove_unreferenced_files(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.info.pop(_REMOVE_AFTER_COMMIT, None)  # the deletion did not happen: the files stay
    for path in session.info.pop(_REMOVE_AFTER_ROLLBACK, []):
        Path(path).unlink(missing_ok=True)
