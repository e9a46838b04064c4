"""The release in every format carries the chosen photos, the lead first, captioned in the release's language."""

from __future__ import annotations

import base64
import io
import re

import pytest
from markdown_it import MarkdownIt
from PIL import Image, ImageDraw

from tests.reports.readers import normal, pdf_reader, pdf_text, word, word_text
from tracker.reports.pdf import PDF_SIZE_BUDGET

from . import pictures
from .pdfimages import drawn_images

CAPTIONS = {
    "az": ["Əsas şəkil", "İkinci şəkil"],
    "ru": ["Главный снимок", "Второй снимок"],
    "en": ["Lead picture", "Second picture"],
}
CREDIT = {"az": "Foto: Anar Məmmədov", "ru": "Фото: Anar Məmmədov", "en": "Photo: Anar Məmmədov"}


def pdf_images(data: bytes) -> int:
    """How many distinct pictures the PDF holds (WeasyPrint shares one resource dictionary between pages)."""
    return len({image.name for page in pdf_reader(data).pages for image in page.images})


@pytest.fixture
def captioned(client, login, held_event, upload, stored_photos):
    """Three photos: the third is the lead, the second is left out of the release; captions in three languages."""
    login("press")
    upload(held_event.id, [(pictures.jpeg(1200, 800, seed=s), f"p{s}.jpg") for s in (1, 2, 3)])
    first, second, third = stored_photos(held_event.id)
    for photo, index, in_release in ((third, 0, "y"), (first, 1, "y"), (second, 1, "")):
        data = {f"photo-{photo.id}-caption": CAPTIONS["az"][index],
                f"photo-{photo.id}-caption_ru": CAPTIONS["ru"][index],
                f"photo-{photo.id}-caption_en": CAPTIONS["en"][index],
                f"photo-{photo.id}-credit": "Anar Məmmədov", f"photo-{photo.id}-in_release": in_release}
        if photo is second:
            data[f"photo-{photo.id}-caption_en"] = "Left out"
        assert client.post(f"/events/{held_event.id}/photos/{photo.id}", data=data).status_code == 302
    assert client.post(f"/events/{held_event.id}/photos/{third.id}/lead").status_code == 302
    return held_event, (third, first)


def _release(client, event_id, fmt, lang):
    response = client.get(f"/events/{event_id}/report.{fmt}?lang={lang}")
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("lang", ["az", "ru", "en"])
def test_html_release_embeds_the_photos_lead_first(client, captioned, lang):
    event, _chosen = captioned
    response = _release(client, event.id, "html", lang)
    html = response.get_data(as_text=True)
    sources = re.findall(r'<img src="data:image/jpeg;base64,([^"]+)"', html)
    assert len(sources) == 2
    for source in sources:
        assert Image.open(io.BytesIO(base64.b64decode(source))).format == "JPEG"
    lead, second = CAPTIONS[lang]
    assert html.index(lead) < html.index(second)
    assert html.index(lead) < html.index('class="lead"')  # the lead photo is on top, above the lead paragraph
    assert CREDIT[lang] in html
    assert "Left out" not in html
    assert "img-src data:" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("lang", ["az", "ru", "en"])
def test_pdf_release_carries_the_photos_and_captions(client, captioned, lang):
    event, _chosen = captioned
    data = _release(client, event.id, "pdf", lang).data
    assert pdf_images(data) == 2
    text = pdf_text(data)
    lead, second = CAPTIONS[lang]
    assert lead in text and second in text and normal(CREDIT[lang]) in text
    assert text.index(lead) < text.index(second)
    assert "Left out" not in text


@pytest.mark.parametrize("lang", ["az", "ru", "en"])
def test_docx_release_has_the_pictures_inline(client, captioned, lang):
    event, _chosen = captioned
    data = _release(client, event.id, "docx", lang).data
    document = word(data)
    assert len(document.inline_shapes) == 2
    section = document.sections[-1]
    usable = section.page_width - section.left_margin - section.right_margin
    assert all(abs(shape.width - usable) < 10 for shape in document.inline_shapes)
    text = word_text(data)
    lead, second = CAPTIONS[lang]
    assert text.index(lead) < text.index(second)
    assert normal(CREDIT[lang]) in text and "Left out" not in text


@pytest.mark.parametrize("lang", ["az", "ru", "en"])
def test_markdown_release_links_the_web_size(client, captioned, lang):
    event, (lead_photo, second_photo) = captioned
    source = _release(client, event.id, "md", lang).get_data(as_text=True)
    tokens = MarkdownIt("commonmark").parse(source)
    found = [child for token in tokens if token.children for child in token.children if child.type == "image"]
    assert [image.attrs["src"] for image in found] == [
        f"http://tracker.test/photos/{photo.id}/{photo.key}/web.jpg" for photo in (lead_photo, second_photo)
    ]
    assert [image.content for image in found] == CAPTIONS[lang]
    assert CREDIT[lang] in source
    # The linked address serves the picture to signed-in staff.
    assert client.get(found[0].attrs["src"].removeprefix("http://tracker.test")).status_code == 200


def test_pdf_with_ten_photos_stays_under_the_budget(app, client, login, held_event, upload, stored_photos):
    login("press")
    # Detailed 6-megapixel photographs (grain compresses badly): together far beyond the budget as uploaded.
    base = Image.blend(pictures.scene(3000, 2000, 5), Image.effect_noise((3000, 2000), 40).convert("RGB"), 0.25)
    files = []
    for seed in range(10):
        picture = base.copy()
        ImageDraw.Draw(picture).rectangle((seed * 250, 100, seed * 250 + 200, 300), fill=(seed * 25, 0, 0))
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=92)
        files.append((buffer.getvalue(), f"big{seed}.jpg"))
    assert sum(len(content) for content, _name in files) > PDF_SIZE_BUDGET
    app.config["PHOTO_MAX_BYTES"] = 40 * 1024 * 1024
    page = upload(held_event.id, files)
    assert "10 photos added." in page.get_data(as_text=True)
    data = _release(client, held_event.id, "pdf", "en").data
    assert pdf_images(data) == 10
    assert len(data) < PDF_SIZE_BUDGET, len(data)
    # Each photo is embedded no finer than 300 dpi at the size it is printed (the print size, 2400 px, is
    # downscaled to it): that is what keeps ten photos under the budget.
    for image in drawn_images(data):
        for pixels, points in zip(image.pixels, image.points, strict=True):
            assert pixels <= points / 72 * 300 + 2, image
