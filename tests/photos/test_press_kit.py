"""The press kit: one ZIP with the release in three languages × three formats, the photos and their captions,
and the attendance sheet; every file read back."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import unquote

from markdown_it import MarkdownIt
from PIL import Image

from tests.reports.readers import pdf_text, word, workbook

from . import pictures


def test_press_kit_holds_every_file_and_each_reads_back(client, login, held_event, upload, stored_photos,
                                                        storage_backend):
    login("press")
    upload(held_event.id, [(pictures.jpeg_with_metadata(900, 600, orientation=1, seed=s), f"IMG {s}.jpg")
                           for s in (1, 2)])
    first, second = stored_photos(held_event.id)
    client.post(f"/events/{held_event.id}/photos/{first.id}", data={
        f"photo-{first.id}-caption": "Gül dəstəsi", f"photo-{first.id}-caption_ru": "Цветы",
        f"photo-{first.id}-caption_en": "Flowers", f"photo-{first.id}-credit": "Anar",
        f"photo-{first.id}-in_release": "y",
    })
    response = client.get(f"/events/{held_event.id}/press-kit.zip")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert unquote(response.headers["Content-Disposition"].split("UTF-8''")[1]).endswith("_press-kit.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.testzip() is None
    names = archive.namelist()
    for lang in ("az", "ru", "en"):
        for ext in ("pdf", "docx", "md"):
            [release] = [n for n in names if n.startswith(f"{lang}/") and n.endswith(f"_{lang}.{ext}")]
            data = archive.read(release)
            if ext == "pdf":
                assert pdf_text(data)
            elif ext == "docx":
                assert len(word(data).inline_shapes) == 2
            else:
                tokens = MarkdownIt("commonmark").parse(data.decode("utf-8"))
                assert sum(1 for t in tokens if t.children for c in t.children if c.type == "image") == 2
        [sheet] = [n for n in names if n.startswith(f"{lang}/") and n.endswith(".xlsx")]
        assert workbook(archive.read(sheet)).active.max_row >= 1
    assert archive.read("az/captions.txt").decode("utf-8") == "01-IMG-1.jpg\nGül dəstəsi\nFoto: Anar\n\n02-IMG-2.jpg\n"
    assert archive.read("ru/captions.txt").decode("utf-8").startswith("01-IMG-1.jpg\nЦветы\nФото: Anar\n")
    assert archive.read("en/captions.txt").decode("utf-8").startswith("01-IMG-1.jpg\nFlowers\nPhoto: Anar\n")
    for name in ("photos/01-IMG-1.jpg", "photos/02-IMG-2.jpg"):
        data = archive.read(name)
        picture = Image.open(io.BytesIO(data))
        assert picture.size == (900, 600)  # full resolution
        assert pictures.stored_exif(data) == {}  # and no location or camera
    assert len([n for n in names if n.startswith("photos/")]) == 2


def test_press_kit_is_for_staff_on_events_they_may_report_on(client, auth, login, make_event, make_user, make_unit):
    draft = make_event(title="Draft", status="draft")
    login("press")
    assert client.get(f"/events/{draft.id}/press-kit.zip").status_code == 404
    auth.logout()
    auth.login_as(make_user("representative", unit=make_unit("U1", "Unit")))
    assert client.get(f"/events/{draft.id}/press-kit.zip").status_code == 403
