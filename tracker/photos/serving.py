"""The HTTP answer with one stored size of a photo: for the staff's pages and for the public press page."""

from __future__ import annotations

from flask import abort, make_response, request
from werkzeug.wrappers import Response

from ..models import EventPhoto
from . import services
from .images import EXTENSION
from .storage import MissingPhotoFile


def photo_response(photo: EventPhoto, size: str, *, cache_control: str) -> Response:
    """``size`` of ``photo`` (404 when it has none), with its hash as the ETag: a matching ``If-None-Match``
    gets 304 without reading the bytes."""
    row = photo.file(size)
    if row is None:
        abort(404)
    if request.if_none_match.contains_weak(row.sha256):  # a revalidation compares weakly (RFC 9110)
        response = make_response("", 304)
    else:
        try:
            data = services.file_bytes(photo, size)
        except MissingPhotoFile:
            abort(404)
        response = make_response(data)
        response.headers["Content-Type"] = row.media_type
        response.headers["Content-Disposition"] = f'inline; filename="photo-{photo.id}-{size}.{EXTENSION}"'
    response.set_etag(row.sha256)
    response.headers["Cache-Control"] = cache_control
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
