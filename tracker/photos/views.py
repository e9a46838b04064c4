"""The photos page of an event (upload, order, lead, captions, deleting) and the photo files themselves."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from ..auth.access import STAFF, roles_required
from ..events.forms import MoveForm
from ..events.visibility import Purpose, may_see
from ..extensions import csrf, db
from ..forms import confirmation_page, confirmed, texts_data
from ..i18n import current_language, primary_language
from ..models import Event, EventPhoto, PhotoSize
from ..settings import settings
from . import services
from .forms import PhotoForm, PhotoUploadForm
from .images import EXTENSION, MAX_PIXELS
from .serving import photo_response

bp = Blueprint("photos", __name__)

#: Room for the form's text fields around the files, in an upload's body.
_FORM_ALLOWANCE = 1024 * 1024
#: Photo files never change under their address (it carries the content's hash): kept for a year.
_CACHE_SECONDS = 365 * 24 * 3600


def _event(event_id: int) -> Event:
    """The event, or 404 when it is missing or not one the user may report on (as the press release)."""
    event = db.session.get(Event, event_id)
    if event is None or not may_see(current_user, event, Purpose.REPORT):
        abort(404)
    return event


def _photo(event: Event, photo_id: int) -> EventPhoto:
    photo = services.photo_of(event, photo_id)
    if photo is None:
        abort(404)
    return photo


def _photo_form(photo: EventPhoto, *, posted: bool = False) -> PhotoForm:
    prefix = f"photo-{photo.id}"
    if posted:
        return PhotoForm(prefix=prefix)
    data: dict[str, Any] = {**texts_data(photo, "caption"), "credit": photo.credit, "in_release": photo.in_release}
    return PhotoForm(prefix=prefix, formdata=None, data=data)


def _page(event: Event, edited: tuple[int, PhotoForm] | None = None, status: int = 200) -> tuple[str, int]:
    photos = services.event_photos(event)
    forms = [edited[1] if edited and edited[0] == photo.id else _photo_form(photo) for photo in photos]
    max_bytes = settings().photo_max_bytes
    return render_template(
        "photos/event.html", event=event, photos=list(zip(photos, forms, strict=True)), upload=PhotoUploadForm(),
        lead=services.lead_photo(photos),
        max_size=_("%(number)s MB", number=format_decimal(round(max_bytes / (1024 * 1024), 1))),
        max_files=settings().photo_max_files, extension=EXTENSION, lang=current_language(),
    ), status


def _back(event: Event, photo: EventPhoto | None = None) -> Response:
    anchor = f"photo-{photo.id}" if photo is not None else None
    return redirect(url_for("photos.event_photos", event_id=event.id, _anchor=anchor))


@bp.route("/events/<int:event_id>/photos")
@roles_required(*STAFF)
def event_photos(event_id: int) -> tuple[str, int]:
    """The event's photos as a grid, with the upload form."""
    return _page(_event(event_id))


@bp.route("/events/<int:event_id>/photos/upload", methods=["POST"])
@roles_required(*STAFF)
@csrf.exempt
def upload(event_id: int) -> Response:
    """Add the files sent; each bad one is named with the reason, the good ones are kept.

    An upload may be larger than the site's ``MAX_CONTENT_LENGTH``: up to ``PHOTO_MAX_FILES`` files of
    ``PHOTO_MAX_BYTES``. The body's limit is raised for this request before anything reads it, so the CSRF check
    (skipped by the site-wide hook, which would read the body first) is made here, then.
    """
    event = _event(event_id)  # access first: nobody else gets the larger body limit or has the body read
    config = settings()
    request.max_content_length = config.photo_max_bytes * config.photo_max_files + _FORM_ALLOWANCE
    csrf.protect()
    form = PhotoUploadForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return _back(event)
    sent_files = [sent for sent in request.files.getlist(form.photos.name)
                  if sent and (sent.filename or "").strip()]  # not the empty part sent when no file was chosen
    if not sent_files:
        flash(_("Choose one or more photos to upload."), "error")
        return _back(event)

    def uploads() -> Iterator[services.Upload]:
        # Each file is read when the service comes to it: one picture in memory at a time.
        for index, sent in enumerate(sent_files):
            if index >= config.photo_max_files:
                yield services.Upload(sent.filename or "", b"")  # refused by count, never read
                continue
            data = sent.stream.read(config.photo_max_bytes + 1)
            yield services.Upload(sent.filename or "", data if len(data) <= config.photo_max_bytes else None)

    result = services.add_photos(event, uploads(), current_user, max_files=config.photo_max_files)
    if form.credit.data:
        for photo in result.added:
            photo.credit = form.credit.data.strip()
    size = _("%(number)s MB", number=format_decimal(round(config.photo_max_bytes / (1024 * 1024), 1)))
    for name, reason in result.refused:
        flash(_(services.REFUSALS[reason], name=name, size=size, count=config.photo_max_files,
                megapixels=MAX_PIXELS // 1_000_000), "error")
    if result.added:
        flash(ngettext("%(num)s photo added.", "%(num)s photos added.", len(result.added)), "success")
    return _back(event)


@bp.route("/events/<int:event_id>/photos/<int:photo_id>", methods=["POST"])
@roles_required(*STAFF)
def edit_photo(event_id: int, photo_id: int) -> Response | tuple[str, int]:
    """Save one photo's caption in every language, its credit and whether it goes into the release."""
    event = _event(event_id)
    photo = _photo(event, photo_id)
    form = _photo_form(photo, posted=True)
    if not form.validate_on_submit():
        return _page(event, (photo.id, form), 422)
    captions = {primary_language(): form.caption.data or "", **form.translations()["caption"]}
    services.update_photo(photo, captions, form.credit.data or "", bool(form.in_release.data))
    flash(_("Photo saved."), "success")
    return _back(event, photo)


@bp.route("/events/<int:event_id>/photos/<int:photo_id>/move", methods=["POST"])
@roles_required(*STAFF)
def move_photo(event_id: int, photo_id: int) -> Response:
    """Move a photo one place earlier or later (``direction=up|down``)."""
    event = _event(event_id)
    photo = _photo(event, photo_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    services.move_photo(photo, -1 if form.direction.data == "up" else 1)
    return _back(event, photo)


@bp.route("/events/<int:event_id>/photos/<int:photo_id>/lead", methods=["POST"])
@roles_required(*STAFF)
def make_lead(event_id: int, photo_id: int) -> Response:
    """Make the photo the one the release opens with."""
    event = _event(event_id)
    photo = _photo(event, photo_id)
    services.make_lead(photo)
    flash(_("The lead photo was changed."), "success")
    return _back(event, photo)


@bp.route("/events/<int:event_id>/photos/<int:photo_id>/delete", methods=["POST"])
@roles_required(*STAFF)
def delete_photo(event_id: int, photo_id: int) -> Response | tuple[str, int]:
    """Delete a photo, once confirmed; the ones after it move up."""
    event = _event(event_id)
    photo = _photo(event, photo_id)
    name = photo.original_filename or str(photo.position)
    if not confirmed():
        return confirmation_page(
            title=_("Delete the photo “%(name)s”?", name=name),
            consequence=_("The photo and its caption are deleted from “%(event)s” and from its release.",
                          event=event.text("title", current_language())),
            yes=_("Yes, delete"), back=url_for("photos.event_photos", event_id=event.id, _anchor=f"photo-{photo.id}"))
    services.delete_photo(photo)
    flash(_("Photo deleted."), "success")
    return _back(event)


@bp.route("/photos/<int:photo_id>/<key>/<size>.<ext>")
@roles_required(*STAFF)
def photo_file(photo_id: int, key: str, size: str, ext: str) -> Response:
    """One stored size of a photo. The address carries the content's hash, so it is cached for a year
    (privately: the photos are for signed-in staff); the ETag answers a revalidation with 304."""
    photo = db.session.get(EventPhoto, photo_id)
    if photo is None or photo.key != key or ext != EXTENSION or size not in {s.value for s in PhotoSize}:
        abort(404)
    _event(photo.event_id)
    return photo_response(photo, size, cache_control=f"private, max-age={_CACHE_SECONDS}, immutable")
