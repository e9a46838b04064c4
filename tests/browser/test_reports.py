"""Journey 6 of DESIGN §1 in a real browser: press staff write the press text and download the press
release in English, Azerbaijani and Russian (PDF, DOCX, HTML, Markdown) and the attendance sheet (XLSX,
CSV). Every file is opened with a library we did not write and checked for facts from the record.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import docx
import openpyxl
import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from tests.browser.conftest import PRESS, app_session, nav_link, sign_in, submit
from tracker.demo import read_story
from tracker.models import Event

PRESS_TEXT = {
    "ru": "Участники церемонии почтили память жертв минутой молчания.",
    "az": "Mərasim iştirakçıları qurbanların xatirəsini bir dəqiqəlik sükutla yad etdilər.",
    "en": "Those present remembered the victims with a minute's silence.",
}


def _flat(text: str) -> str:
    """Text with every run of whitespace as one space (PDF and DOCX break lines where they like)."""
    return " ".join(text.split())


def _held_ceremony(app) -> int:
    with app_session(app) as session:
        return session.execute(select(Event.id).where(Event.status == "held", Event.kind == "ceremony")).scalar_one()


def _download(page, link) -> tuple[str, bytes]:
    # By keyboard: the links start with text for screen readers only, and Playwright would aim its
    # click at that 1-pixel box rather than at the visible "PDF".
    link.focus()
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def _release_text(fmt: str, data: bytes) -> str:
    if fmt == "pdf":
        return _flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))
    if fmt == "docx":
        document = docx.Document(io.BytesIO(data))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        return _flat(" ".join([p.text for p in document.paragraphs] + cells))
    return _flat(data.decode("utf-8"))


def _sheet_rows(fmt: str, data: bytes) -> list[list[str]]:
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
        return [["" if value is None else str(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.parametrize("locale", ["ru", "en-GB"])
def test_press_staff_write_the_press_text_and_download_every_release_and_sheet(page_factory, tr, scenario,
                                                                              live_app, locale):
    lang = locale[:2]
    ceremony = next(spec for spec in scenario["events"] if spec["key"] == "ceremony")
    deputy = next(spec for spec in scenario["people"] if spec["key"] == "deputy")
    units = {spec["code"]: spec["name"] for spec in scenario["units"]}
    event_id = _held_ceremony(live_app)
    page = page_factory(locale=locale)
    sign_in(page, PRESS)

    # From the series to the ceremony, then to the press text in the interface language.
    nav_link(page, tr, lang, "Series").click()
    page.get_by_role("link", name=scenario["series"]["title"][lang]).click()
    # The series lists its events in order: the 2012 ceremony before the demo's upcoming one.
    page.get_by_role("link", name=ceremony["title"][lang]).first.click()
    expect(page).to_have_url(re.compile(rf"/events/{event_id}$"))
    page.locator(f".reports-panel a[href$='/press-summary/{lang}']").click()
    page.locator("#body").fill(PRESS_TEXT[lang])
    submit(page)
    expect(page.locator(".flashes")).to_contain_text(tr(lang, "Press text saved."))
    expect(page.locator("p.edited")).to_contain_text(read_story()["staff_names"][PRESS])
    expect(page.locator("#body")).to_have_value(PRESS_TEXT[lang])

    page.goto(f"/events/{event_id}")
    panel = page.locator(".reports-panel")
    for code in ("en", "az", "ru"):
        title = _flat(ceremony["title"][code])
        for fmt in ("pdf", "docx", "md"):
            name, data = _download(page, panel.locator(f"a[href$='/report.{fmt}?lang={code}']"))
            assert name.endswith(f".{fmt}")
            text = _release_text(fmt, data)
            assert title in text, (code, fmt)
            assert _flat(deputy["rank"][code]) in text, (code, fmt)
            if code == lang:
                assert PRESS_TEXT[lang] in text, (code, fmt)
        for fmt in ("xlsx", "csv"):
            name, data = _download(page, panel.locator(f"a[href$='/attendance.{fmt}?lang={code}']"))
            assert name.endswith(f".{fmt}")
            cells = [cell for row in _sheet_rows(fmt, data) for cell in row]
            assert units["CIT"][code] in cells, (code, fmt)
            assert "10" in cells, (code, fmt)  # the Citizenship Department's changed answer

        # The HTML release opens in the browser, standalone.
        panel.locator(f"a[href$='/report.html?lang={code}']").press("Enter")
        expect(page.locator("html")).to_have_attribute("lang", code)
        expect(page.locator("body")).to_contain_text(ceremony["title"][code])
        if code == lang:
            expect(page.locator("body")).to_contain_text(PRESS_TEXT[lang])
        page.go_back()
    assert page.external_requests == []


def test_press_text_from_the_editor_reaches_the_pdf_of_its_language(page_factory, live_app):
    event_id = _held_ceremony(live_app)
    page = page_factory(locale="az")
    sign_in(page, PRESS)
    page.goto(f"/events/{event_id}/press-summary/az")
    page.locator("#body").fill(PRESS_TEXT["az"])
    submit(page)
    _name, data = _download(page, page.locator("main a[href$='/report.pdf?lang=az']"))
    reader = PdfReader(io.BytesIO(data))
    assert PRESS_TEXT["az"] in _flat(" ".join(p.extract_text() for p in reader.pages))
