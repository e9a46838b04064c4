"""Photo rules: adding uploads (each file on its own), order, the lead photo, captions, deleting, and the
photos a release or a press kit carries. Services flush; the request commits (``tracker/transactions.py``)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..i18n import N_
from ..models import Event, EventPhoto, PhotoFile, PhotoSize, User
from ..text import clean_text
from . import images
from .storage import load_bytes, storage

#: Why a file was not added, by reason code (English msgids; the view shows them translated, naming the file).
REFUSALS = {
    "empty": N_("“%(name)s” is empty."),
    "too_big": N_("“%(name)s” is larger than %(size)s; send a smaller file."),
    "not_image": N_("“%(name)s” is not a JPEG, PNG or WebP picture."),
    "too_large": N_("“%(name)s” has too many pixels to be a photo (at most %(megapixels)s megapixels)."),
    "damaged": N_("“%(name)s” could not be read as a picture; it may be damaged."),
    "duplicate": N_("“%(name)s” is already among this event's photos."),
    "too_many": N_("“%(name)s” was not added: at most %(count)s files can be sent at once."),
}
#: Longest original file name kept.
MAX_FILENAME = 255


@dataclass(frozen=True)
class Upload:
    """One file of an upload: the name it was sent under and its bytes (``None``: larger than allowed)."""

    filename: str
    data: bytes | None


@dataclass
class UploadResult:
    """What an upload added, and each file it refused with the reason code (see :data:`REFUSALS`)."""

    added: list[EventPhoto] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def event_photos(event: Event) -> list[EventPhoto]:
    """The event's photos in order, with their files' rows (not their bytes)."""
    query = (
        db.select(EventPhoto)
        .where(EventPhoto.event_id == event.id)
        .options(selectinload(EventPhoto.files))
        .order_by(EventPhoto.position, EventPhoto.id)
    )
    return list(db.session.execute(query).scalars())


def photo_of(event: Event, photo_id: int) -> EventPhoto | None:
    """The photo ``photo_id`` if it belongs to ``event``."""
    photo = db.session.get(EventPhoto, photo_id)
    return photo if photo is not None and photo.event_id == event.id else None


def _renumber(photos: list[EventPhoto]) -> None:
    for position, photo in enumerate(sorted(photos, key=lambda p: (p.position, p.id or 0)), start=1):
        photo.position = position


def _clean_filename(name: str) -> str:
    cleaned = clean_text(name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return cleaned[:MAX_FILENAME]


def add_photos(event: Event, uploads: Iterable[Upload], user: User | None, *, max_files: int) -> UploadResult:
    """Add every good file of ``uploads`` to ``event`` at the end of its order; a bad file is refused on its own.

    Each file is recognised by its content, oriented, stripped of its metadata and made into its sizes once
    (:func:`tracker.photos.images.process`). ``uploads`` is read one file at a time, and each file is processed
    and stored before the next is read (a large upload never holds every picture in memory). No upload is made
    the lead photo: until one is chosen, the first photo chosen for the release leads (:func:`lead_photo`).
    """
    result = UploadResult()
    photos = event_photos(event)
    hashes = {photo.content_hash for photo in photos}
    backend = storage()
    for index, upload in enumerate(uploads):
        name = _clean_filename(upload.filename)
        if index >= max_files:
            result.refused.append((name, "too_many"))
            continue
        if upload.data is None:
            result.refused.append((name, "too_big"))
            continue
        if not upload.data:
            result.refused.append((name, "empty"))
            continue
        content_hash = hashlib.sha256(upload.data).hexdigest()
        if content_hash in hashes:
            result.refused.append((name, "duplicate"))
            continue
        try:
            processed = images.process(upload.data)
        except images.ImageRefused as refusal:
            result.refused.append((name, refusal.reason))
            continue
        photo = EventPhoto(
            event_id=event.id, position=len(photos) + 1, is_lead=False, in_release=True, caption="",
            credit="", original_filename=name, content_hash=content_hash, width=processed.width,
            height=processed.height, created_by_id=user.id if user is not None else None, translations={},
        )
        try:
            # In a savepoint: another request (a double submit, a second tab) may have added the same file
            # since the check above; the unique (event, content) constraint then refuses this one alone.
            with db.session.begin_nested():
                db.session.add(photo)
                db.session.flush()  # the photo's id names its files in the filesystem backend
        except IntegrityError:
            if not db.session.execute(db.select(EventPhoto.id).where(
                    EventPhoto.event_id == event.id, EventPhoto.content_hash == content_hash)).first():
                raise  # not the same picture added meanwhile (the event deleted, say): not a duplicate
            result.refused.append((name, "duplicate"))
            hashes.add(content_hash)
            continue
        for derived in processed.files:
            row = PhotoFile(photo_id=photo.id)
            backend.save(row, derived)
            photo.files.append(row)
        db.session.flush()
        for row in photo.files:
            db.session.expire(row, ["data"])  # the bytes are written: let them go before the next file
        del processed
        photos.append(photo)
        hashes.add(content_hash)
        result.added.append(photo)
    return result


def update_photo(photo: EventPhoto, captions: Mapping[str, str], credit: str, in_release: bool) -> EventPhoto:
    """Set the caption in each language given (an empty one removes that language's), the credit and whether
    the photo goes into the release."""
    photo.set_texts("caption", captions)
    photo.credit = clean_text(credit or "").strip()
    photo.in_release = in_release
    if not in_release:
        photo.is_lead = False  # a photo out of the release leads it no more (the first chosen one does)
    db.session.flush()
    return photo


def move_photo(photo: EventPhoto, offset: int) -> bool:
    """Swap the photo with its neighbour ``offset`` places away (-1 earlier, 1 later); False at either end."""
    photos = event_photos(photo.event)
    index = next(i for i, p in enumerate(photos) if p.id == photo.id)
    target = index + offset
    if not 0 <= target < len(photos):
        return False
    neighbour = photos[target]
    photo.position, neighbour.position = neighbour.position, photo.position
    db.session.flush()
    return True


def make_lead(photo: EventPhoto) -> EventPhoto:
    """Make ``photo`` the event's lead photo (and put it into the release); the former lead is one no more.

    Two people choosing a lead at once may both leave ``is_lead`` set: :func:`lead_photo` still picks one, the
    same one every time (nothing in the database forbids it, so neither request fails)."""
    for other in event_photos(photo.event):
        if other.is_lead and other.id != photo.id:
            other.is_lead = False
    photo.is_lead = True
    photo.in_release = True
    db.session.flush()
    return photo


def delete_photo(photo: EventPhoto) -> None:
    """Delete the photo and its files (a file on disk goes once the deletion is committed); the ones after it
    move up."""
    event = photo.event
    backend = storage()
    for row in photo.files:
        backend.forget(row)
    db.session.delete(photo)
    db.session.flush()
    _renumber(event_photos(event))
    db.session.flush()


def lead_photo(photos: Iterable[EventPhoto]) -> EventPhoto | None:
    """The photo a release opens with: the first (in the event's order) chosen for the release and marked as
    the lead; when none is marked (none chosen yet, or the lead was deleted or left out), the first chosen one."""
    chosen = sorted((photo for photo in photos if photo.in_release), key=lambda photo: (photo.position, photo.id))
    return next((photo for photo in chosen if photo.is_lead), chosen[0] if chosen else None)


def release_order(photos: Iterable[EventPhoto]) -> list[EventPhoto]:
    """The photos a release carries: those chosen, the lead (:func:`lead_photo`) first, then the event's order."""
    chosen = sorted((photo for photo in photos if photo.in_release), key=lambda photo: (photo.position, photo.id))
    lead = lead_photo(chosen)
    return sorted(chosen, key=lambda photo: photo is not lead)


def file_bytes(photo: EventPhoto, size: str) -> bytes:
    """The bytes of one of the photo's files."""
    row = photo.file(size)
    if row is None:
        raise LookupError(f"photo {photo.id} has no {size} file")
    return storage().load(row)


def photos_with_bytes(photos: list[EventPhoto], size: PhotoSize) -> list[tuple[EventPhoto, bytes]]:
    """``photos`` each with the bytes of its ``size`` file, read together; a photo whose file is missing is left
    out (and logged), so one lost file never breaks a release or a press kit."""
    rows = [row for photo in photos if (row := photo.file(size)) is not None]
    found = load_bytes(rows)
    return [(photo, found[(photo.id, size)]) for photo in photos if (photo.id, size.value) in found]
