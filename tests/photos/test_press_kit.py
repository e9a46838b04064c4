"""The press kit: one ZIP with the release in three languages × three formats, the photos and their captions,
and the attendance figures (no personal data); every file read back."""

from __future__ import annotations

import io
import zipfile
from html import unescape
from urllib.parse import unquote

from markdown_it import MarkdownIt
from PIL import Image

from tests.reports.readers import csv_rows, pdf_text, word

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
    assert unquote(response.headers["Content-Disposition"].split("UTF-8''")[1]).endswith(".zip")
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
        [figures] = [n for n in names if n.startswith(f"{lang}/") and n.endswith(f"_{lang}.csv")]
        assert len(csv_rows(archive.read(figures))) == 2
    assert not [n for n in names if n.endswith(".xlsx")]  # the attendance sheet names people: not for the press
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


def _kit(response) -> zipfile.ZipFile:
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(response.data))


def _text_of(name: str, data: bytes) -> str:
    """What a reader of the file sees (PDF and DOCX text), and its raw text (every part of a zipped Office file:
    DOCX, or an XLSX should one slip in) as well."""
    if name.endswith(".pdf"):
        return pdf_text(data) + "\n" + data.decode("latin-1")
    if data.startswith(b"PK"):
        parts = zipfile.ZipFile(io.BytesIO(data))
        seen = " ".join(p.text for p in word(data).paragraphs) if name.endswith(".docx") else ""
        return seen + "\n" + "\n".join(  # XML writes "Ə" as "&#399;"
            unescape(parts.read(part).decode("utf-8", "replace")) for part in parts.namelist())
    return data.decode("utf-8", "replace")


def test_press_kit_gives_the_releases_attendance_figures_and_no_names_of_people(
        client, login, held_event, make_unit, make_user, make_invitation):
    clerk = make_user("organiser", name="Nigar Əliyeva")
    people = ["Nigar Əliyeva", "Rəşad Quliyev", "Aygün Məmmədova", "Иван Петров", "Leyla Mətbuatçı"]
    units = []
    for code, name, status, headcount, actual in (("NAS", "Elmlər Akademiyası", "accepted", 12, 11),
                                                  ("CIT", "Şəhər İcra Hakimiyyəti", "accepted", 9, 8),
                                                  ("UNI", "Dövlət Universiteti", "accepted", 4, 0),
                                                  ("MIN", "Nazirlik", "declined", None, None)):
        unit = make_unit(code, name)
        units.append(name)
        make_user("representative", unit=unit, name="Rəşad Quliyev" if code == "NAS" else f"Rep {code}")
        make_invitation(held_event, unit, status=status, headcount=headcount, actual_attendance=actual,
                        delegates="Aygün Məmmədova\nИван Петров", note="Gizli qeyd", answered_by_id=clerk.id)
    login("press", name="Leyla Mətbuatçı")
    archive = _kit(client.get(f"/events/{held_event.id}/press-kit.zip?lang=ru"))
    for name in archive.namelist():
        text = _text_of(name, archive.read(name))
        for word_ in [*people, *units, "Gizli qeyd", "NAS", "Rep CIT"]:
            assert word_ not in text, (word_, name)

    # Two units came (the third recorded nobody), 19 people: what every release says, and the figures file.
    expected = {"az": ("Struktur bölmələr", "Şəxslər", "Rəqəmlərin mənbəyi"),
                "ru": ("Подразделения", "Люди", "Источник данных"),
                "en": ("Units", "People", "Source of the figures")}
    for lang, headers in expected.items():
        [release] = [n for n in archive.namelist() if n.startswith(f"{lang}/") and n.endswith(".md")]
        release_text = " ".join(archive.read(release).decode("utf-8").split())
        [figures] = [n for n in archive.namelist() if n.startswith(f"{lang}/") and n.endswith(".csv")]
        header, row = csv_rows(archive.read(figures))
        assert tuple(header) == headers
        assert row[:2] == ["2", "19"]
        assert "2\u00a0" in archive.read(release).decode("utf-8") or " 2 " in release_text
        assert "19" in release_text
    assert csv_rows(archive.read(next(n for n in archive.namelist() if n.startswith("az/") and n.endswith(".csv"))))[
        1][2] == "tədbirdə qeydə alındığı kimi."


def test_press_kit_is_named_in_the_export_language(client, login, held_event):
    login("press")
    day = held_event.local_days[0].isoformat()
    for lang, stem in (("ru", f"Пресс-кит_Траурная-церемония_{day}_ru"),
                       ("az", f"Mətbuat-dəsti_Anım-mərasimi_{day}_az"),
                       ("en", f"Press-kit_Commemoration-ceremony_{day}_en")):
        disposition = client.get(f"/events/{held_event.id}/press-kit.zip?lang={lang}").headers["Content-Disposition"]
        assert unquote(disposition.split("UTF-8''")[1]) == f"{stem}.zip"
        assert f'filename="press-kit_Commemoration-ceremony_{day}_{lang}.zip"' in disposition
    assert client.get(f"/events/{held_event.id}/press-kit.zip?lang=de").status_code == 400
