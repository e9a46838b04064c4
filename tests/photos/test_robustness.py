"""Odd pictures, lost files, the lead photo after changes, revalidation, the kit's links and the printed sizes."""

from __future__ import annotations

import io
import zipfile
from html import unescape
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from PIL import Image, ImageCms, PngImagePlugin
from sqlalchemy import update

from tests.reports.readers import word
from tracker.extensions import db
from tracker.models import Event, EventPhoto
from tracker.photos import images, services
from tracker.photos.services import lead_photo, release_order

from . import pictures
from .conftest import file_url
from .pdfimages import drawn_images

#: The finest resolution a release's PDF embeds its photos at (docs/photos.md).
PRINT_DPI = 300
SECRET = "GPS 40.4093N 49.8671E serial SN-4242"


def _png(picture: Image.Image, **options) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", **options)
    return buffer.getvalue()


def _jpeg(picture: Image.Image, **options) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", **options)
    return buffer.getvalue()


def _full(client, photo) -> Image.Image:
    response = client.get(file_url(photo, "full"))
    assert response.status_code == 200
    return Image.open(io.BytesIO(response.data))


# --- Pictures the JPEG encoder cannot take -------------------------------------------------------------


def test_a_side_longer_than_a_jpeg_can_hold_is_refused(client, login, held_event, upload, stored_photos):
    login("press")
    page = upload(held_event.id, [(_png(Image.new("L", (65_501, 2))), "strip.png")])
    assert page.status_code == 200
    assert "“strip.png” has too many pixels" in unescape(page.get_data(as_text=True))
    assert stored_photos(held_event.id) == []


def test_a_picture_the_encoder_refuses_is_named_as_damaged(monkeypatch, client, login, held_event, upload,
                                                           stored_photos):
    monkeypatch.setattr(images, "MAX_SIDE", 1_000_000)  # let the strip through to the JPEG encoder
    login("press")
    page = upload(held_event.id, [(_png(Image.new("L", (65_600, 2))), "strip.png"), (pictures.jpeg(), "ok.jpg")])
    assert page.status_code == 200
    html = unescape(page.get_data(as_text=True))
    assert "“strip.png” could not be read as a picture" in html
    assert [photo.original_filename for photo in stored_photos(held_event.id)] == ["ok.jpg"]


def test_sixteen_bit_greyscale_keeps_its_tones(client, login, held_event, upload, stored_photos):
    login("press")
    grey = Image.new("I;16", (64, 48), 32_768)  # mid grey on a 0-65535 scale
    upload(held_event.id, [(_png(grey), "grey16.png")])
    [photo] = stored_photos(held_event.id)
    full = _full(client, photo).convert("L")
    assert 120 <= full.getpixel((10, 10)) <= 136


# --- Metadata and colour profiles ---------------------------------------------------------------------


def _profile(space: str) -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile(space)).tobytes()


@pytest.mark.parametrize(("icc", "kept"), [
    (_profile("sRGB"), True),  # a real RGB profile: the colours stay as meant
    (_profile("LAB"), False),  # a profile of other pixels than the stored RGB
    (b"\0\0\2\0not a profile at all" * 20, False),  # bytes Pillow cannot read as a profile
])
def test_the_colour_profile_stays_only_when_it_describes_the_pixels(client, login, held_event, upload,
                                                                    stored_photos, icc, kept):
    login("press")
    upload(held_event.id, [(_jpeg(pictures.scene(200, 150), icc_profile=icc), "icc.jpg")])
    [photo] = stored_photos(held_event.id)
    for size in ("thumb", "full"):
        stored = Image.open(io.BytesIO(client.get(file_url(photo, size)).data)).info.get("icc_profile")
        assert (stored == icc) is kept and bool(stored) is kept


def _png_with_text_chunks() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET)  # tEXt
    info.add_text("Description", SECRET, zip=True)  # zTXt
    info.add_itxt("XML:com.adobe.xmp", SECRET, lang="en", tkey="XMP")  # iTXt
    exif = Image.Exif()
    exif[pictures.MAKE] = SECRET  # eXIf
    return _png(pictures.scene(240, 160, 6), pnginfo=info, exif=exif)


def _webp_with_metadata() -> bytes:
    exif = Image.Exif()
    exif[pictures.MAKE] = SECRET
    buffer = io.BytesIO()
    pictures.scene(240, 160, 7).save(buffer, "WEBP", quality=80, exif=exif, xmp=SECRET.encode())
    return buffer.getvalue()


@pytest.mark.parametrize("make", [_png_with_text_chunks, _webp_with_metadata])
def test_png_text_chunks_and_webp_exif_and_xmp_are_dropped(client, login, held_event, upload, stored_photos, make):
    data = make()
    assert SECRET.encode() in data or Image.open(io.BytesIO(data)).info  # the upload does carry them
    login("press")
    upload(held_event.id, [(data, "meta")])
    [photo] = stored_photos(held_event.id)
    for size in ("thumb", "web", "print", "full"):
        stored = client.get(file_url(photo, size)).data
        assert SECRET.encode() not in stored
        assert pictures.stored_exif(stored) == {}
        assert not {"exif", "xmp", "comment"} & set(Image.open(io.BytesIO(stored)).info)


# --- Lost files and the filesystem backend -------------------------------------------------------------


def _files_of(directory: Path, photo) -> list[Path]:
    return sorted(directory.glob(f"*/{photo.id}-*.jpg"))


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx", "md"])
def test_a_missing_file_leaves_that_photo_out_not_the_release(app, client, login, held_event, upload,
                                                              stored_photos, tmp_path, fmt):
    app.config["PHOTO_STORAGE"] = "filesystem"
    app.config["PHOTO_DIRECTORY"] = str(tmp_path / "photos")
    login("press")
    upload(held_event.id, [(pictures.jpeg(seed=s), f"p{s}.jpg") for s in (1, 2)])
    first, second = stored_photos(held_event.id)
    lost = _files_of(tmp_path / "photos", first)
    assert len(lost) == 4
    for path in lost:
        path.unlink()
    response = client.get(f"/events/{held_event.id}/report.{fmt}?lang=en")
    assert response.status_code == 200
    if fmt == "docx":
        assert len(word(response.data).inline_shapes) == 1
    elif fmt == "pdf":
        assert len(drawn_images(response.data)) == 1
    kit = client.get(f"/events/{held_event.id}/press-kit.zip")
    assert kit.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(kit.data)).namelist()
    assert [name for name in names if name.startswith("photos/")] == ["photos/01-p2.jpg"]


def test_a_failed_upload_removes_the_files_it_wrote(app, held_event, tmp_path):
    app.config["PHOTO_STORAGE"] = "filesystem"
    app.config["PHOTO_DIRECTORY"] = str(tmp_path / "photos")
    with app.test_request_context():
        event = db.session.get(Event, held_event.id)
        result = services.add_photos(event, [services.Upload("a.jpg", pictures.jpeg())], None, max_files=5)
        assert len(result.added) == 1
        assert len(list((tmp_path / "photos").glob("*/*.jpg"))) == 4
        db.session.rollback()  # the request failed after the files were written
    assert list((tmp_path / "photos").glob("*/*.jpg")) == []


def test_the_same_picture_in_two_events_has_its_own_files(app, client, login, held_event, make_event, upload,
                                                          stored_photos, tmp_path):
    app.config["PHOTO_STORAGE"] = "filesystem"
    app.config["PHOTO_DIRECTORY"] = str(tmp_path / "photos")
    other = make_event(title="Other", status="held")
    login("press")
    same = pictures.jpeg(seed=9)
    upload(held_event.id, [(same, "a.jpg")])
    upload(other.id, [(same, "a.jpg")])
    [mine], [theirs] = stored_photos(held_event.id), stored_photos(other.id)
    assert set(_files_of(tmp_path / "photos", mine)).isdisjoint(_files_of(tmp_path / "photos", theirs))
    assert client.post(f"/events/{held_event.id}/photos/{mine.id}/delete", data={"confirmed": "1"}).status_code == 302
    assert _files_of(tmp_path / "photos", mine) == []
    response = client.get(file_url(theirs, "full"))
    assert response.status_code == 200 and Image.open(io.BytesIO(response.data)).size == (800, 600)


# --- The lead photo --------------------------------------------------------------------------------------


@pytest.fixture
def four(client, login, held_event, upload, stored_photos):
    login("press")
    upload(held_event.id, [(pictures.jpeg(seed=s), f"p{s}.jpg") for s in (1, 2, 3, 4)])
    return stored_photos(held_event.id)


def _lead(stored_photos, event_id):
    order = release_order(stored_photos(event_id))
    return order[0].original_filename if order else None


def test_deleting_the_lead_makes_the_first_remaining_chosen_photo_the_lead(client, held_event, four, stored_photos):
    first, second, third, _fourth = four
    assert client.post(f"/events/{held_event.id}/photos/{third.id}/lead").status_code == 302
    assert _lead(stored_photos, held_event.id) == "p3.jpg"
    client.post(f"/events/{held_event.id}/photos/{first.id}", data={f"photo-{first.id}-in_release": ""})
    assert client.post(f"/events/{held_event.id}/photos/{third.id}/delete", data={"confirmed": "1"}).status_code == 302
    assert _lead(stored_photos, held_event.id) == "p2.jpg"
    html = client.get(f"/events/{held_event.id}/photos").get_data(as_text=True)
    assert html.count("Lead photo") == 1
    assert html.index(f'id="photo-{second.id}"') < html.index("Lead photo")


def test_taking_the_lead_out_of_the_release_hands_the_lead_on(client, held_event, four, stored_photos):
    _first, second, third, _fourth = four
    client.post(f"/events/{held_event.id}/photos/{third.id}/lead")
    client.post(f"/events/{held_event.id}/photos/{third.id}", data={f"photo-{third.id}-in_release": ""})
    assert _lead(stored_photos, held_event.id) == "p1.jpg"
    # Put back, it does not take the lead back by itself.
    client.post(f"/events/{held_event.id}/photos/{third.id}", data={f"photo-{third.id}-in_release": "y"})
    assert _lead(stored_photos, held_event.id) == "p1.jpg"


def test_a_later_upload_does_not_jump_to_the_top(client, held_event, four, upload, stored_photos):
    _first, second, *_rest = four
    client.post(f"/events/{held_event.id}/photos/{four[0].id}/delete", data={"confirmed": "1"})
    upload(held_event.id, [(pictures.jpeg(seed=7), "late.jpg")])
    order = [photo.original_filename for photo in release_order(stored_photos(held_event.id))]
    assert order == ["p2.jpg", "p3.jpg", "p4.jpg", "late.jpg"]


def test_two_photos_marked_lead_at_once_do_not_fail(app, client, held_event, four, stored_photos):
    # What two uploads or two "make lead" clicks at the same moment may leave: both marked.
    with app.app_context():
        db.session.execute(update(EventPhoto).where(EventPhoto.id.in_([four[1].id, four[3].id])).values(is_lead=True))
        db.session.commit()
    assert _lead(stored_photos, held_event.id) == "p2.jpg"
    assert lead_photo(stored_photos(held_event.id)).original_filename == "p2.jpg"
    assert client.get(f"/events/{held_event.id}/photos").status_code == 200
    assert client.get(f"/events/{held_event.id}/report.html?lang=en").status_code == 200
    assert client.post(f"/events/{held_event.id}/photos/{four[2].id}/lead").status_code == 302
    assert _lead(stored_photos, held_event.id) == "p3.jpg"


# --- Serving and access ----------------------------------------------------------------------------------


def test_a_weak_etag_revalidates_too(client, four):
    url = file_url(four[0], "web")
    etag = client.get(url).headers["ETag"].strip('"')
    assert client.get(url, headers={"If-None-Match": f'W/"{etag}"'}).status_code == 304
    assert client.get(url, headers={"If-None-Match": 'W/"other"'}).status_code == 200


def test_an_upload_to_an_event_out_of_reach_is_not_found_before_the_body_is_read(
        client, auth, login, make_event, upload, stored_photos):
    draft = make_event(title="Draft", status="draft")
    login("press")
    # Without a CSRF token: reading the body first would answer 400 and tell the event exists.
    response = client.post(f"/events/{draft.id}/photos/upload", csrf=False,
                           data={"photos": [(io.BytesIO(pictures.jpeg()), "a.jpg")]},
                           content_type="multipart/form-data")
    assert response.status_code == 404
    assert stored_photos(draft.id) == []


# --- The press kit's Markdown and printed sizes ----------------------------------------------------------


def test_the_kits_markdown_links_the_photos_in_the_kit(client, held_event, four):
    kit = zipfile.ZipFile(io.BytesIO(client.get(f"/events/{held_event.id}/press-kit.zip").data))
    names = set(kit.namelist())
    for lang in ("az", "ru", "en"):
        [markdown] = [n for n in names if n.startswith(f"{lang}/") and n.endswith(".md")]
        tokens = MarkdownIt("commonmark").parse(kit.read(markdown).decode("utf-8"))
        sources = [c.attrs["src"] for t in tokens if t.children for c in t.children if c.type == "image"]
        assert len(sources) == 4
        for source in sources:
            assert source.startswith("../photos/")
            assert f"photos/{source.removeprefix('../photos/')}" in names


def test_a_portrait_photo_fits_the_page(client, login, held_event, upload):
    login("press")
    upload(held_event.id, [(pictures.jpeg(900, 1800, seed=3), "tall.jpg")])
    document = word(client.get(f"/events/{held_event.id}/report.docx?lang=en").data)
    section = document.sections[-1]
    [shape] = document.inline_shapes
    assert shape.height <= section.page_height - section.top_margin - section.bottom_margin
    assert shape.width <= section.page_width - section.left_margin - section.right_margin
    assert abs(shape.width / shape.height - 0.5) < 0.01  # not stretched
    pdf = client.get(f"/events/{held_event.id}/report.pdf?lang=en").data
    [drawn] = drawn_images(pdf)
    width, height = drawn.points
    assert height <= (297 - 2 * 20) / 25.4 * 72  # within A4's text height
    assert abs(width / height - 0.5) < 0.01


def test_pdf_pictures_are_no_finer_than_print_resolution(client, login, held_event, upload):
    login("press")
    # The print size (2400 px) is finer than 300 dpi at the text's width (17 cm) or half of it.
    upload(held_event.id, [(pictures.jpeg(3000, 2000, seed=s), f"w{s}.jpg") for s in (1, 2, 3)])
    drawn = drawn_images(client.get(f"/events/{held_event.id}/report.pdf?lang=en").data)
    assert len(drawn) == 3
    for image in drawn:
        for pixels, points in zip(image.pixels, image.points, strict=True):
            assert pixels <= points / 72 * PRINT_DPI + 2, image
