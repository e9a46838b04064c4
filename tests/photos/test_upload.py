"""Uploading photos through the real form: what is kept, what is refused (by name), what is stripped."""

from __future__ import annotations

import hashlib
import io
from html import unescape
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.extensions import db
from tracker.models import EventPhoto, PhotoFile
from tracker.photos import images
from tracker.photos.images import LONG_SIDE
from tracker.photos.services import lead_photo

from . import pictures
from .conftest import file_url

SIZES = ("thumb", "web", "print", "full")


def test_metadata_is_gone_and_orientation_applied_in_every_stored_size(client, login, held_event, upload,
                                                                         stored_photos, storage_backend):
    login("press")
    original = pictures.jpeg_with_metadata(600, 400, orientation=6)
    assert pictures.stored_exif(original)["gps:2"] == (40.0, 24.0, 5.5)  # the test file does carry a position
    page = upload(held_event.id, [(original, "IMG_0001.JPG")])
    assert page.status_code == 200
    assert "1 photo added." in unescape(page.get_data(as_text=True))
    [photo] = stored_photos(held_event.id)
    assert (photo.width, photo.height) == (400, 600)  # turned upright: the sides swapped
    assert photo.original_filename == "IMG_0001.JPG"
    assert photo.in_release and photo.position == 1
    for size in SIZES:
        response = client.get(file_url(photo, size))
        assert response.status_code == 200, size
        assert response.headers["Content-Type"] == "image/jpeg"
        assert pictures.stored_exif(response.data) == {}, size
        assert b"SERIAL-4242" not in response.data and b"TestCam" not in response.data
        assert b"xmpmeta" not in response.data and b"GPSLatitude" not in response.data
        served = Image.open(io.BytesIO(response.data))
        assert served.format == "JPEG"
        assert served.height > served.width, size  # portrait, as the camera meant it
        assert max(served.size) == min(600, LONG_SIDE[size] or 600)


def test_many_files_at_once_bad_ones_named_good_ones_kept(app, client, login, held_event, upload, stored_photos):
    login("organiser")
    app.config["PHOTO_MAX_BYTES"] = 200_000
    oversize = pictures.jpeg(2000, 1500, seed=9, quality=98)
    assert len(oversize) > 200_000
    page = upload(held_event.id, [
        (pictures.jpeg(800, 600), "first.jpg"),
        (b"%PDF-1.4 not a picture at all", "invoice.jpg"),
        (pictures.png_with_alpha(), "logo.png"),
        (oversize, "huge.jpg"),
        (pictures.bomb(), "bomb.png"),
        (pictures.webp(), "street.webp"),
        (b"", "empty.jpg"),
    ])
    html = unescape(page.get_data(as_text=True))
    assert page.status_code == 200
    assert "3 photos added." in html
    assert "“invoice.jpg” is not a JPEG, PNG or WebP picture." in html
    assert "“huge.jpg” is larger than" in html
    assert "“bomb.png” has too many pixels" in html
    assert "“empty.jpg” is empty." in html
    photos = stored_photos(held_event.id)
    assert [p.original_filename for p in photos] == ["first.jpg", "logo.png", "street.webp"]
    assert [p.position for p in photos] == [1, 2, 3]
    assert lead_photo(photos) is photos[0]  # none chosen yet: the first one leads
    # The transparent PNG is laid on white: its transparent corner reads white, not black.
    png = Image.open(io.BytesIO(client.get(file_url(photos[1], "full")).data))
    assert png.mode == "RGB"
    assert min(png.getpixel((0, 0))) > 240


def test_the_same_file_twice_is_refused(client, login, held_event, upload, stored_photos):
    login("press")
    data = pictures.jpeg()
    upload(held_event.id, [(data, "a.jpg")])
    page = upload(held_event.id, [(data, "again.jpg")])
    assert "“again.jpg” is already among this event's photos." in unescape(page.get_data(as_text=True))
    assert len(stored_photos(held_event.id)) == 1


def test_the_same_file_added_meanwhile_by_another_request_is_a_duplicate_not_a_500(
        app, client, login, held_event, upload, stored_photos, monkeypatch):
    """A double submit: both requests pass the duplicate check; the other one commits first."""
    login("press")
    data, other = pictures.jpeg(seed=1), pictures.jpeg(seed=2)
    real_process = images.process

    def process_while_another_request_commits(content: bytes, **options: Any) -> images.ProcessedPhoto:
        if content == data:  # the other request stores the same picture between the check and this insert
            with Session(db.engine) as session:
                session.add(EventPhoto(
                    event_id=held_event.id, position=1, is_lead=False, in_release=True, caption="", credit="",
                    original_filename="first-tab.jpg", content_hash=hashlib.sha256(content).hexdigest(),
                    width=10, height=10, translations={}))
                session.commit()
        return real_process(content, **options)

    monkeypatch.setattr(images, "process", process_while_another_request_commits)
    page = upload(held_event.id, [(data, "second-tab.jpg"), (other, "other.jpg")])
    assert page.status_code == 200
    assert "“second-tab.jpg” is already among this event's photos." in unescape(page.get_data(as_text=True))
    stored = stored_photos(held_event.id)
    assert sorted(photo.original_filename for photo in stored) == ["first-tab.jpg", "other.jpg"]
    assert len(next(p for p in stored if p.original_filename == "other.jpg").files) == len(SIZES)


def test_a_duplicate_refused_after_a_good_file_leaves_the_good_files_in_place(
        app, client, login, held_event, upload, stored_photos, monkeypatch, storage_backend):
    """The refused duplicate's savepoint ends (rolled back) after the good file's bytes were written: the good
    file's bytes must stay, on either backend (a savepoint's end is not the request's)."""
    login("press")
    good, data = pictures.jpeg(seed=5), pictures.jpeg(seed=6)
    real_process = images.process

    def process_after_the_same_picture_was_added(content: bytes, **options: Any) -> images.ProcessedPhoto:
        if content == data:  # as on PostgreSQL when the other request committed first: the row is there
            db.session.add(EventPhoto(
                event_id=held_event.id, position=9, is_lead=False, in_release=True, caption="", credit="",
                original_filename="first-tab.jpg", content_hash=hashlib.sha256(content).hexdigest(),
                width=10, height=10, translations={}))
            db.session.flush()
        return real_process(content, **options)

    monkeypatch.setattr(images, "process", process_after_the_same_picture_was_added)
    page = upload(held_event.id, [(good, "good.jpg"), (data, "second-tab.jpg")])
    assert "“second-tab.jpg” is already among this event's photos." in unescape(page.get_data(as_text=True))
    kept = next(photo for photo in stored_photos(held_event.id) if photo.original_filename == "good.jpg")
    assert len(kept.files) == len(SIZES)
    for size in SIZES:
        assert client.get(file_url(kept, size)).status_code == 200, size


def test_pillows_own_bomb_limit_is_a_refusal_too(client, login, held_event, upload, stored_photos):
    login("press")
    page = upload(held_event.id, [(pictures.bomb(20000, 10000), "giant.png")])
    assert "“giant.png” has too many pixels" in unescape(page.get_data(as_text=True))
    assert stored_photos(held_event.id) == []


def test_an_upload_without_files_says_so(client, login, held_event):
    login("press")
    response = client.post(f"/events/{held_event.id}/photos/upload", data={}, follow_redirects=True)
    assert "Choose one or more photos to upload." in unescape(response.get_data(as_text=True))


def test_an_upload_without_the_csrf_token_is_refused(client, login, held_event, stored_photos):
    login("press")
    response = client.post(f"/events/{held_event.id}/photos/upload", csrf=False,
                           data={"photos": [(io.BytesIO(pictures.jpeg()), "a.jpg")]},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert stored_photos(held_event.id) == []


def test_an_upload_larger_than_the_site_limit_is_accepted_up_to_the_photo_limits(
        app, client, login, held_event, upload, stored_photos):
    login("press")
    app.config["MAX_CONTENT_LENGTH"] = 100_000  # smaller than the two photos together
    files = [(pictures.jpeg(1600, 1200, seed=s, quality=95), f"{s}.jpg") for s in (1, 2)]
    assert sum(len(content) for content, _name in files) > 100_000
    page = upload(held_event.id, files)
    assert "2 photos added." in unescape(page.get_data(as_text=True))
    assert len(stored_photos(held_event.id)) == 2


def test_filesystem_backend_keeps_files_on_disk_and_removes_them_after_deletion(
        app, client, login, held_event, upload, stored_photos, tmp_path):
    app.config["PHOTO_STORAGE"] = "filesystem"
    app.config["PHOTO_DIRECTORY"] = str(tmp_path / "photos")
    login("press")
    upload(held_event.id, [(pictures.jpeg(), "a.jpg")])
    [photo] = stored_photos(held_event.id)
    with app.app_context():
        rows = db.session.execute(select(PhotoFile.sha256, PhotoFile.data)).all()
    assert len(rows) == 4 and all(data is None for _sha, data in rows)
    files = [path for sha, _data in rows for path in (tmp_path / "photos" / sha[:2]).glob(f"{photo.id}-*-{sha}.jpg")]
    assert len(files) == 4
    assert all(path.is_file() for path in files)
    # Another app server with the same directory serves the same bytes.
    assert client.get(file_url(photo, "web")).data == files[[s for s, _d in rows].index(
        next(f.sha256 for f in photo.files if f.size == "web"))].read_bytes()
    response = client.post(f"/events/{held_event.id}/photos/{photo.id}/delete", data={"confirmed": "1"})
    assert response.status_code == 302
    assert not any(Path(path).exists() for path in files)


def test_database_backend_keeps_the_bytes_in_the_rows(app, client, login, held_event, upload, tmp_path):
    app.config["PHOTO_DIRECTORY"] = str(tmp_path / "photos")
    login("press")
    upload(held_event.id, [(pictures.jpeg(), "a.jpg")])
    with app.app_context():
        rows = db.session.execute(select(PhotoFile.size, PhotoFile.data, PhotoFile.byte_size)).all()
    assert sorted(size for size, _d, _b in rows) == sorted(SIZES)
    assert all(data is not None and len(data) == byte_size for _s, data, byte_size in rows)
    assert not (tmp_path / "photos").exists()


def test_a_second_app_server_serves_what_the_first_stored(app, client, login, held_event, upload, stored_photos,
                                                          storage_backend, another_app):
    login("press")
    upload(held_event.id, [(pictures.jpeg(), "a.jpg")])
    [photo] = stored_photos(held_event.id)
    first = client.get(file_url(photo, "print")).data
    # Same database and (for the filesystem backend) the same shared directory; nothing in process memory.
    other = another_app(PHOTO_STORAGE=app.config["PHOTO_STORAGE"], PHOTO_DIRECTORY=app.config["PHOTO_DIRECTORY"])
    other_client = other.test_client()
    with other_client.session_transaction() as session, client.session_transaction() as mine:
        session.update(dict(mine))
    response = other_client.get(file_url(photo, "print"))
    assert response.status_code == 200
    assert response.data == first


def test_files_past_the_per_upload_count_are_named_and_left_out(app, client, login, held_event, upload,
                                                                 stored_photos):
    login("press")
    app.config["PHOTO_MAX_FILES"] = 2
    page = upload(held_event.id, [(pictures.jpeg(seed=s), f"{s}.jpg") for s in (1, 2, 3)])
    html = unescape(page.get_data(as_text=True))
    assert "“3.jpg” was not added: at most 2 files can be sent at once." in html
    assert [p.original_filename for p in stored_photos(held_event.id)] == ["1.jpg", "2.jpg"]
