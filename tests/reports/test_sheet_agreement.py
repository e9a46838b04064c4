"""The attendance sheet and the organisers' dashboard say the same thing: the same labels, the same totals."""

from __future__ import annotations

import re

import lxml.html

from tracker.attendance.services import add_walk_in
from tracker.extensions import db
from tracker.i18n import site_languages
from tracker.models import Event, Unit
from tracker.reports import services

from .helpers import sheet
from .readers import workbook


def _sheet_rows(app, event_id, language):
    """The sheet as openpyxl reads it back: header, one row per unit, totals."""
    data = services.render_sheet(sheet(app, event_id, language), "xlsx")
    return [list(row) for row in workbook(data).active.iter_rows(values_only=True)]


def _dashboard(client, event_id):
    response = client.get(f"/events/{event_id}/attendance")
    assert response.status_code == 200
    return lxml.html.fromstring(response.get_data(as_text=True))


def _text(element) -> str:
    return " ".join(element.text_content().split())


def _dashboard_answers(page) -> dict[str, str]:
    """Each unit's answer as the dashboard labels it: the badge of an answer, the heading of the pending list."""
    answers = {}
    for row in page.xpath("//table[@id='answers']/tbody/tr"):
        cells = row.xpath("./td")
        answers[_text(cells[0])] = _text(cells[1].xpath(".//span[contains(@class, 'badge')]")[0])
    pending = re.sub(r"\s*\(\d+\)$", "", _text(page.xpath("//*[@id='pending-heading']")[0]))
    for row in page.xpath("//table[@id='pending']/tbody/tr"):
        answers[(row.xpath("./td")[0].text or "").strip()] = pending
    return answers


def test_every_answer_reads_the_same_in_the_sheet_and_on_the_dashboard(app, client, login, reference):
    event_id = reference.events["ceremony"]
    with app.app_context():
        languages = site_languages()
    assert languages
    for language in languages:
        login("organiser", language=language)
        page_answers = _dashboard_answers(_dashboard(client, event_id))
        rows = _sheet_rows(app, event_id, language)
        sheet_answers = {row[0]: row[2] for row in rows[1:-1]}
        assert len(sheet_answers) == len(rows) - 2 > 1, language
        assert sheet_answers == page_answers, language
        # Both "attending" and "maybe" are among them, so the words that used to disagree are compared.
        assert len(set(sheet_answers.values())) >= 3, language
        # The totals' tally names the answers with the same labels and the dashboard's counts.
        tally = [int(strong.text) for strong in _dashboard(client, event_id).xpath("//ul[@class='tally']/li/strong")]
        summary = dict(part.rsplit(": ", 1) for part in rows[-1][2].split(" · "))
        assert set(summary) <= set(sheet_answers.values()), language
        counted = {label: sum(1 for answer in sheet_answers.values() if answer == label) for label in summary}
        assert {label: int(count) for label, count in summary.items()} == counted, language
        assert sorted(int(count) for count in summary.values()) == sorted(n for n in tally if n), language


def test_sheet_totals_are_the_dashboards_expected_and_maybe_apart(app, client, login, reference):
    event_id = reference.events["ceremony"]
    with app.app_context():
        languages = site_languages()
    for language in languages:
        login("organiser", language=language)
        expected_text = _text(_dashboard(client, event_id).xpath("//p[@id='expected']")[0])
        # "10 people expected, 3 more maybe · the venue holds 250", in the reader's words.
        expected, maybe = (int(n) for n in re.findall(r"\d+", expected_text)[:2])
        rows = _sheet_rows(app, event_id, language)
        totals = rows[-1]
        assert (totals[3], totals[4]) == (expected, maybe), (language, expected_text)
        # Each total is the sum of its column: a "maybe" is never counted among the expected.
        assert totals[3] == sum(row[3] or 0 for row in rows[1:-1])
        assert totals[4] == sum(row[4] or 0 for row in rows[1:-1])
        assert all(row[3] is None or row[4] is None for row in rows[1:-1])
    assert maybe > 0  # the reference scenario has a unit that may come: the case that used to add up wrongly


def test_a_walk_in_reads_the_same_on_the_check_in_page_and_in_the_sheet(app, client, login, reference):
    event_id = reference.events["ceremony"]
    names = {"az": "Mətbuat qonağı", "ru": "Гость прессы", "en": "Press guest"}
    with app.app_context():
        unit = Unit(code="GUEST", name=names["en"], contact_emails=[])
        unit.set_texts("name", names)
        db.session.add(unit)
        db.session.flush()
        add_walk_in(db.session.get(Event, event_id), unit, 4, by_user=None)
        db.session.commit()
        languages = site_languages()
    for language in languages:
        login("organiser", language=language)
        page = lxml.html.fromstring(client.get(f"/events/{event_id}/check-in").get_data(as_text=True))
        row = next(label for label in page.xpath("//li[contains(@class, 'check-in-row')]/label")
                   if _text(label.xpath("./span[@class='unit']")[0]) == names[language])
        rows = _sheet_rows(app, event_id, language)
        walk_in = next(sheet_row for sheet_row in rows if sheet_row[0] == names[language])
        assert _text(row.xpath("./span[contains(@class, 'expected')]")[0]) == walk_in[2], language
        # A walk-in was not expected: neither among the expected people nor among the answers' counts.
        assert (walk_in[3], walk_in[4], walk_in[6]) == (None, None, 4)
        assert walk_in[2] in rows[-1][2]
