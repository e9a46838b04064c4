"""Every release format read back with libraries we did not write: pypdf, pypdfium2, python-docx, markdown-it."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pypdfium2
import pytest

from tracker.extensions import db
from tracker.models import Report
from tracker.reports import services
from tracker.reports.pdf import FONT_DIR, PackageURLFetcher, RefusedURL, build_release_pdf

from . import expected
from .helpers import event_file, event_release, series_release
from .readers import markdown_html, normal, pdf_fonts, pdf_reader, pdf_text, word, word_text

LANGUAGES = ("en", "az", "ru")
#: Names typed by people that must survive every format as typed, and never act as markup.
TRICKY_TITLE = "Anım <script>alert(1)</script> Ə ə Ğ ğ ı İ Ş ş Ç ç Ö ö Ü ü — Память 😀 *x* #1"


def _assert_in_order(text: str, sentences: list[str]) -> None:
    position = 0
    for sentence in sentences:
        found = text.find(sentence, position)
        assert found >= 0, f"missing or out of order: {sentence!r}\n--- in ---\n{text}"
        position = found + len(sentence)


# --- PDF --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdf_states_the_facts_in_order(app, reference, language):
    data = event_file(app, reference.events["ceremony"], language, "pdf")
    _assert_in_order(pdf_text(data), expected.facts(language))


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdf_is_tagged_and_names_title_author_and_language(app, reference, language):
    reader = pdf_reader(event_file(app, reference.events["ceremony"], language, "pdf"))
    assert reader.metadata.title == expected.CEREMONY[language]["headline"]
    assert reader.metadata.author == expected.CEREMONY[language]["organisation"]
    assert reader.trailer["/Root"]["/Lang"] == language
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"])  # tagged for screen readers
    assert "/StructTreeRoot" in reader.trailer["/Root"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_series_pdf_states_each_event(app, reference, language):
    data = services.render_release(series_release(app, reference.series_id, language), "pdf")
    _assert_in_order(pdf_text(data), [
        expected.SERIES_DATELINE[language], expected.SERIES_LEAD[language], expected.EXHIBITION[language],
        expected.CEREMONY[language]["lead"], expected.CEREMONY[language]["attendance"],
    ])


#: Every letter of the Azerbaijani Latin alphabet outside ASCII, and Russian letters ASCII look-alikes miss.
LETTERS = {"az": "Ə ə Ğ ğ I ı İ i Ş ş Ç ç Ö ö Ü ü", "ru": "Ё ё Ж ж Щ щ Ы ы Э э Ю ю Я я Ъ ъ № «»"}


@pytest.mark.parametrize("language", ["az", "ru"])
def test_pdf_is_set_in_the_pages_font_and_keeps_every_letter(app, reference, language):
    with app.app_context():
        from tracker.models import Event

        event = db.session.get(Event, reference.events["ceremony"])
        event.set_texts("title", {language: f"Anım — Память: {LETTERS[language]}"})
        db.session.commit()
    data = event_file(app, reference.events["ceremony"], language, "pdf")
    # WeasyPrint names embedded fonts after the @font-face family that declared them: the pages' Noto Sans (one
    # family per script subset), regular, bold (headings) and italic (the kicker); no system font such as DejaVu.
    fonts = pdf_fonts(data)
    script = {"az": "Latin-Ext", "ru": "Cyrillic"}[language]
    assert {f"Noto-Sans-{script}", f"Noto-Sans-{script}-Bold", "Noto-Sans-Latin", "Noto-Sans-Latin-Bold",
            "Noto-Sans-Latin-Italic"} <= fonts
    assert all(name.startswith("Noto-Sans-") for name in fonts), fonts
    assert not any("dejavu" in name.lower() for name in fonts)
    assert f"Anım — Память: {LETTERS[language]}" in pdf_text(data)


def test_pdf_reads_only_files_of_the_package(app, reference):
    fetcher = PackageURLFetcher()
    build_release_pdf(event_release(app, reference.events["ceremony"], "ru"), fetcher)
    assert fetcher.refused == []
    assert fetcher.served and all(url.startswith(FONT_DIR.as_uri()) for url in fetcher.served)


@pytest.mark.parametrize("url", [
    "http://example.org/logo.png",
    "https://example.org/style.css",
    "file:///etc/passwd",
    (FONT_DIR / ".." / ".." / ".." / "pyproject.toml").as_uri(),
    "file://remote-host/share/font.ttf",
    "data:text/css,body{}",
    "ftp://example.org/x",
])
def test_url_fetcher_refuses_anything_outside_the_package(url):
    fetcher = PackageURLFetcher()
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_url_fetcher_serves_a_packaged_font():
    response = PackageURLFetcher().fetch((FONT_DIR / "noto-sans-latin-ext-400-normal.woff2").as_uri())
    assert response.read(4) == b"wOF2"


def test_fonts_ship_with_their_licence_and_every_declared_file():
    licence = (FONT_DIR / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Noto Project Authors" in licence
    release = (Path(__file__).resolve().parents[2] / "templates" / "reports" / "release.html").read_text("utf-8")
    # The PDF declares the pages' files by subset, weight and style (a Jinja loop); each one is packaged.
    subsets = re.findall(r'^  "([a-z-]+)": "U\+', release, re.MULTILINE)
    faces = re.findall(r'\((\d+), "(normal|italic)"\)', release)
    assert set(subsets) == {"latin", "latin-ext", "cyrillic"} and len(faces) == 3
    for subset in subsets:
        for weight, style in faces:
            assert (FONT_DIR / f"noto-sans-{subset}-{weight}-{style}.woff2").read_bytes()[:4] == b"wOF2"
    # Small enough to ship: subset WOFF2, nothing else.
    assert sum(path.stat().st_size for path in FONT_DIR.iterdir()) < 400_000
    assert {path.suffix for path in FONT_DIR.iterdir()} == {".woff2", ".txt"}


def test_first_pdf_page_renders(app, reference, artifacts):
    data = event_file(app, reference.events["ceremony"], "az", "pdf")
    page = pypdfium2.PdfDocument(data)[0]
    image = page.render(scale=1).to_pil().convert("L")
    try:
        width, height = page.get_size()
        assert (round(width), round(height)) == (595, 842), "A4 portrait"
        # The top third holds letterhead, headline, dateline and lead: it must carry real ink.
        top = image.crop((0, 0, image.width, image.height // 3))
        dark = sum(top.histogram()[:128])
        assert dark > 0.01 * top.width * top.height, f"only {dark} dark pixels in the top third"
    except AssertionError:
        image.save(artifacts / "release-first-page.png")
        raise


# --- DOCX -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_docx_states_the_facts_in_order(app, reference, language):
    _assert_in_order(word_text(event_file(app, reference.events["ceremony"], language, "docx")),
                     expected.facts(language))


@pytest.mark.parametrize("language", LANGUAGES)
def test_docx_has_real_headings_a_numbered_programme_and_core_properties(app, reference, language):
    document = word(event_file(app, reference.events["ceremony"], language, "docx"))
    styles = [(p.style.name, normal(p.text)) for p in document.paragraphs]
    facts = expected.CEREMONY[language]
    assert ("Heading 1", facts["headline"]) in styles
    assert [text for style, text in styles if style == "List Number"] == [
        re.sub(r"^\d\d:\d\d ", "", t) for t in facts["agenda"]]
    assert any(style == "Heading 2" for style, _ in styles)
    properties = document.core_properties
    assert properties.title == facts["headline"]
    assert properties.author == facts["organisation"]
    assert properties.language == {"en": "en-GB", "az": "az-Latn-AZ", "ru": "ru-RU"}[language]
    assert properties.created is not None


def test_docx_numbering_restarts_for_each_programme(app, reference, make_event):
    from tracker.models import AgendaItem, Event

    with app.app_context():
        event = db.session.get(Event, reference.events["exhibition"])
        event.agenda.append(AgendaItem(position=1, kind="other", title="Opening of the exhibition"))
        db.session.commit()
    document = word(services.render_release(series_release(app, reference.series_id, "en"), "docx"))
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    num_ids = [p._p.pPr.numPr.numId.val for p in numbered]
    assert len(numbered) == 4
    assert num_ids[0] != num_ids[1] == num_ids[2] == num_ids[3]


# --- HTML and Markdown ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_html_states_the_facts_in_order(app, reference, language):
    html = event_file(app, reference.events["ceremony"], language, "html").decode("utf-8")
    text = normal(unescape(re.sub(r"<[^>]+>", " ", html.split("<body>", 1)[1])))
    _assert_in_order(text.replace(" .", "."), expected.facts(language))
    assert f'<html lang="{language}">' in html


def test_html_page_is_standalone_with_print_styles(app, reference):
    html = event_file(app, reference.events["ceremony"], "en", "html").decode("utf-8")
    assert "@media print" in html and "@page" in html
    assert not re.search(r"<(script|link|img|iframe|object)\b", html, re.I)
    # Nothing to load: the one reference is the link back to the event's page, which loads nothing.
    without_link = re.sub(r"""<a href="[^"]*/events/\d+">""", "<a>", html)
    assert without_link.count("<a>") == 1
    assert not re.search(r"""(src|href)\s*=|url\(|@import""", without_link, re.I)


@pytest.mark.parametrize("language", LANGUAGES)
def test_markdown_states_the_facts_in_order(app, reference, language):
    rendered = markdown_html(event_file(app, reference.events["ceremony"], language, "md"))
    text = normal(unescape(re.sub(r"<[^>]+>", " ", rendered)))
    _assert_in_order(text.replace(" .", "."), expected.facts(language))
    assert f"<h1>{expected.CEREMONY[language]['headline']}</h1>" in rendered
    assert rendered.count("<li>") == 3


# --- Texts typed by people --------------------------------------------------------------------------


@pytest.fixture
def tricky(app, reference):
    """The reference ceremony renamed with markup, Azerbaijani letters, Cyrillic and an emoji."""
    with app.app_context():
        from tracker.models import Event

        event = db.session.get(Event, reference.events["ceremony"])
        event.set_texts("title", {"az": TRICKY_TITLE})
        db.session.add(Report(event_id=event.id, language="az", body="Line <b>one</b> & 😀\nline two\n\n- not a list"))
        db.session.commit()
    return reference.events["ceremony"]


def test_html_escapes_typed_markup(app, tricky):
    html = event_file(app, tricky, "az", "html").decode("utf-8")
    assert "<script>" not in html and "<b>" not in html
    assert "Anım &lt;script&gt;alert(1)&lt;/script&gt; Ə ə Ğ ğ ı İ Ş ş Ç ç Ö ö Ü ü — Память 😀" in html


def test_markdown_escapes_typed_markup(app, tricky):
    data = event_file(app, tricky, "az", "md")
    rendered = markdown_html(data)
    assert "<script>" not in rendered and "<b>" not in rendered
    title = "Anım &lt;script&gt;alert(1)&lt;/script&gt; Ə ə Ğ ğ ı İ Ş ş Ç ç Ö ö Ü ü — Память 😀 *x* #1"
    assert f"<h1>{title}</h1>" in rendered
    assert "- not a list" in rendered and "<ul>" not in rendered
    assert "Line &lt;b&gt;one&lt;/b&gt; &amp; 😀<br />\nline two" in rendered


def test_pdf_prints_typed_text_as_typed(app, tricky):
    text = pdf_text(event_file(app, tricky, "az", "pdf"))
    assert normal(TRICKY_TITLE) in text
    assert "Line <b>one</b> & 😀 line two" in text


def test_docx_keeps_typed_text_and_line_breaks(app, tricky):
    document = word(event_file(app, tricky, "az", "docx"))
    texts = [p.text for p in document.paragraphs]
    assert TRICKY_TITLE in texts
    assert "Line <b>one</b> & 😀\nline two" in texts
    assert "- not a list" in texts


def test_artifacts_folder_is_git_ignored():
    gitignore = Path(__file__).resolve().parents[2] / ".gitignore"
    assert "tests/reports/artifacts/" in gitignore.read_text().splitlines()
