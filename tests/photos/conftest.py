"""Fixtures of the photo tests: an event to photograph, uploading through the real form, reading photos back."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import Event, EventPhoto


@pytest.fixture(params=["database", "filesystem"])
def storage_backend(request: pytest.FixtureRequest, app: Any, tmp_path: Any) -> str:
    """Each test that asks for it runs once per storage backend."""
    app.config["PHOTO_STORAGE"] = request.param
    app.config["PHOTO_DIRECTORY"] = str(tmp_path / "shared-photos") if request.param == "filesystem" else ""
    return str(request.param)


@pytest.fixture
def held_event(make_event: Callable[..., Event]) -> Event:
    """A held ceremony with titles in three languages."""
    return make_event(title="Anım mərasimi", status="held",
                      translations={"title": {"ru": "Траурная церемония", "en": "Commemoration ceremony"}})


@pytest.fixture
def upload(client: Any) -> Callable[..., Any]:
    """``upload(event_id, [(bytes, "name.jpg"), ...], credit=...)``: post the upload form, follow to the page."""

    def post(event_id: int, files: list[tuple[bytes, str]], **fields: Any) -> Any:
        data: dict[str, Any] = {"photos": [(io.BytesIO(content), name) for content, name in files], **fields}
        return client.post(f"/events/{event_id}/photos/upload", data=data, content_type="multipart/form-data",
                           follow_redirects=True)

    return post


@pytest.fixture
def stored_photos(app: Any) -> Callable[[int], list[EventPhoto]]:
    """The event's photos in order as stored, with their files' rows."""

    def read(event_id: int) -> list[EventPhoto]:
        with app.app_context():
            query = (select(EventPhoto).where(EventPhoto.event_id == event_id)
                     .options(selectinload(EventPhoto.files)).order_by(EventPhoto.position))
            photos = list(db.session.execute(query).scalars())
            for photo in photos:
                db.session.expunge(photo)
            return photos

    return read


def file_url(photo: EventPhoto, size: str) -> str:
    """The address a photo's file is served at."""
    return f"/photos/{photo.id}/{photo.key}/{size}.jpg"
