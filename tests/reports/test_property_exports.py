"""The builders lay out any text the database can hold: every file opens in its reader and says what was stored.

The database holds text after :func:`tracker.text.clean_text`, so that is what these releases and sheets are
made of: right-to-left scripts and marks, emoji, combining and zero-width characters, characters the PDF font
lacks, markup, and 10,000-character strings. The builders are called directly (no database), so many more
examples run here than in the journey of ``tests/test_property_text.py``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdfium2 import PdfDocument

from tests.typed_text import LONG_OR_SHORT, stored, typed
from tracker.reports.content import AgendaEntry, Attendance, EventSection, PressRelease
from tracker.reports.docx import build_release_docx
from tracker.reports.html import build_release_html
from tracker.reports.markdown import build_release_markdown
from tracker.reports.pdf import build_release_pdf
from tracker.reports.sheets import AttendanceSheet, build_attendance_csv, build_attendance_xlsx, neutralise

from .readers import csv_rows, markdown_html, normal, pdf_text, word_text, workbook

# A failing example holds 10,000-character strings; Hypothesis warns that printing it is expensive.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

SHORT = stored(typed())
ANY = stored(LONG_OR_SHORT)

def pdfium_text(data: bytes) -> str:
    """All text of a PDF as pdfium (Chrome's PDF engine) extracts it."""
    return " ".join(page.get_textpage().get_text_range() for page in PdfDocument(data))


AGENDA = st.builds(AgendaEntry, position=st.integers(1, 20), time=st.sampled_from(("", "10:00")), title=SHORT,
                   speaker=SHORT)
SECTION = st.builds(
    EventSection, event_id=st.just(1), title=SHORT, heading=SHORT, lead=ANY, programme_heading=st.just("Programme"),
    agenda_intro=SHORT, agenda=st.lists(AGENDA, max_size=3).map(tuple), exhibition_heading=st.just("Exhibition"),
    exhibition=SHORT, attendance=st.just(Attendance(1, 10, recorded=True)), attendance_text=SHORT,
)
RELEASE = st.builds(
    PressRelease, language=st.sampled_from(("az", "ru", "en")), subject=st.just("event"), subject_id=st.just(1),
    label=st.just("Press release"), organisation=SHORT, kicker=SHORT,
    headline=SHORT.map(lambda text: "Headline " + text), dateline=SHORT, lead=ANY,
    sections=st.lists(SECTION, min_size=1, max_size=2).map(tuple),
    press_text=st.lists(ANY.filter(str.strip), max_size=3).map(tuple),
    press_contact_label=st.just("Press contact"), press_contact=SHORT, first_day=st.just(date(2012, 2, 25)),
    generated_at=st.just(datetime(2012, 3, 2, 9, tzinfo=UTC)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(release=RELEASE)
def test_any_stored_text_makes_a_word_html_and_markdown_release_that_opens(release):
    headline = normal(release.headline)
    assert headline in word_text(build_release_docx(release))
    html = build_release_html(release).decode("utf-8")
    assert "<h1" in html
    assert markdown_html(build_release_markdown(release))
    for paragraph in release.press_text:
        assert normal(paragraph) in word_text(build_release_docx(release))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(release=RELEASE)
def test_any_stored_text_makes_a_pdf_release_that_opens(release):
    data = build_release_pdf(release)
    pdf_text(data)  # pypdf reads it (its text of runs with C1 controls is garbled; pdfium's is right)
    # Text drawn in visual order, without invisible controls: only the plain start of the headline is certain.
    assert "Headline" in pdfium_text(data)


def test_a_paragraph_separator_after_a_space_at_a_line_end_does_not_stop_the_pdf():
    # Word pastes U+2029; WeasyPrint failed an assertion where a line wrapped right after " \u2029".
    text = "Speeches were heard \u2029" * 200
    section = EventSection(1, "Ceremony", "", "", "Programme", "", (), "Exhibition", "", Attendance(0, 0, False), "")
    release = PressRelease("en", "event", 1, "Press release", "State Migration Service", "", "Headline " + text, "",
                           text, (section,), (text,), "Press contact", "", date(2012, 2, 25),
                           datetime(2012, 3, 2, 9, tzinfo=UTC))
    assert "Speeches were heard" in pdfium_text(build_release_pdf(release))


CELL = st.one_of(ANY, st.integers(0, 500), st.none())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=ANY, author=SHORT, rows=st.lists(st.tuples(*[CELL] * 7), max_size=4))
def test_any_stored_text_makes_an_attendance_sheet_that_opens(title, author, rows):
    headers = ("Unit", "Parent unit", "Answer", "Expected people", "Delegates", "Actual attendance", "Answered by")
    sheet = AttendanceSheet(language="en", title=title, sheet_name="Attendance", headers=headers,
                            rows=tuple(rows), totals=("Total", "", "", 0, 0, None, ""), filename_stem="attendance",
                            ascii_filename_stem="attendance", author=author)
    read = list(workbook(build_attendance_xlsx(sheet)).active.iter_rows(values_only=True))
    assert len(read) == len(rows) + 2
    for written, found in zip(rows, read[1:], strict=False):
        assert list(found) == [neutralise(value) if value != "" else None for value in written]
    assert len(csv_rows(build_attendance_csv(sheet))) == len(rows) + 2

