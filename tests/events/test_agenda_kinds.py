"""Agenda kinds of a ceremony's run-of-show (opening … closing): the form, the page, the .ics and the release."""

from __future__ import annotations

import re
from dataclasses import replace
from html import unescape

import icalendar
import pytest

from tests.calendar.conftest import SETTINGS
from tests.events.data import agenda_form
from tests.helpers import baku
from tracker.calendar.ics import build_event_ics
from tracker.extensions import db
from tracker.models import AgendaItem, AgendaKind, Event
from tracker.vocabulary import agenda_kind_label, title_names_kind

#: The order a ceremony runs: the agenda form lists the kinds so.
CEREMONY_ORDER = [
    "opening", "anthem", "silence", "speech", "wreath_laying", "exhibition_review", "screening", "award",
    "closing", "other",
]


def _item(kind: str, en: str, az: str, ru: str, minutes: int) -> dict:
    return {"kind": kind, "title": en, "duration_minutes": minutes,
            "translations": {"title": {"az": az, "ru": ru}}}


@pytest.fixture
def programme(make_event):
    """A ceremony on 25 February 2012 at 10:00 in Baku whose titles do not name their kinds."""
    return make_event(
        starts_at=baku(2012, 2, 25, 10),
        ends_at=baku(2012, 2, 25, 11, 30),
        agenda=[
            _item("opening", "Welcome address", "Giriş sözü", "Приветственное слово", 5),
            _item("anthem", "Played by the band", "Orkestrin ifasında", "В исполнении оркестра", 3),
            _item("wreath_laying", "At the memorial", "Memorial önündə", "У мемориала", 15),
            _item("award", "Long-service medals", "Uzunmüddətli xidmətə görə medallar", "Медали за выслугу лет", 20),
            _item("closing", "Final words", "Yekun söz", "Заключительное слово", 5),
        ],
    )


#: Each kind's words per language: the page's label (vocabulary) and the release's phrase (reports).
LABELS = {
    "az": ["Açılış", "Dövlət himni", "Əklil və gül dəstələrinin qoyulması", "Təltif", "Bağlanış"],
    "ru": ["Открытие", "Государственный гимн", "Возложение венков и цветов", "Награждение", "Закрытие"],
}
RELEASE_LINES = {
    "az": [
        "Açılış. Giriş sözü.",
        "Dövlət himninin səsləndirilməsi. Orkestrin ifasında.",
        "Əklil və gül dəstələrinin qoyulması. Memorial önündə.",
        "Mükafatların təqdim edilməsi. Uzunmüddətli xidmətə görə medallar.",
        "Bağlanış. Yekun söz.",
    ],
    "ru": [
        "Открытие. Приветственное слово.",
        "Исполнение государственного гимна. В исполнении оркестра.",
        "Возложение венков и цветов. У мемориала.",
        "Вручение наград. Медали за выслугу лет.",
        "Закрытие. Заключительное слово.",
    ],
}
ENGLISH_LABELS = ["Opening", "National anthem", "Wreath or flower laying", "Award", "Closing"]


def test_the_kind_select_lists_kinds_in_the_order_a_ceremony_runs(client, login, programme):
    login("organiser")
    html = client.get(f"/events/{programme.id}/agenda").get_data(as_text=True)
    select = re.search(r'<select[^>]*\bid="kind"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None
    assert re.findall(r'<option[^>]*value="([^"]+)"', select.group(1)) == CEREMONY_ORDER
    assert [member.value for member in AgendaKind] == CEREMONY_ORDER


@pytest.mark.parametrize("kind", ["opening", "anthem", "wreath_laying", "award", "closing"])
def test_a_new_kind_goes_through_the_agenda_form_and_back(app, client, login, programme, kind):
    login("organiser")
    response = client.post(f"/events/{programme.id}/agenda", data=agenda_form(kind=kind, title="Probe"))
    assert response.status_code == 302
    with app.app_context():
        item = db.session.execute(db.select(AgendaItem).where(AgendaItem.title == "Probe")).scalar_one()
        assert item.kind == kind
        item_id = item.id
    html = client.get(f"/events/{programme.id}/agenda/{item_id}/edit").get_data(as_text=True)
    assert re.search(rf'<option[^>]*value="{kind}"[^>]*selected|<option[^>]*selected[^>]*value="{kind}"', html)

    other = "closing" if kind != "closing" else "opening"
    response = client.post(f"/events/{programme.id}/agenda/{item_id}/edit",
                           data=agenda_form(kind=other, title="Probe"))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(AgendaItem, item_id).kind == other


@pytest.mark.parametrize("language", ["az", "ru"])
def test_run_of_show_names_each_kind_in_the_readers_language(client, login, programme, language):
    login("organiser")
    client.post("/language", data={"language": language})
    html = unescape(client.get(f"/events/{programme.id}/run-of-show").get_data(as_text=True))
    for label in LABELS[language]:
        assert label in html
    for label in ENGLISH_LABELS:
        assert f">{label}<" not in html


@pytest.mark.parametrize("language", ["az", "ru"])
def test_the_ics_agenda_lines_say_each_kind_in_the_calendar_language(app, programme, language):
    with app.app_context():
        data = build_event_ics(db.session.get(Event, programme.id), settings=replace(SETTINGS, language=language))
    event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    lines = str(event["DESCRIPTION"]).splitlines()
    start = lines.index({"az": "Gündəlik:", "ru": "Программа:"}[language])
    titles = {"az": ["Giriş sözü", "Orkestrin ifasında", "Memorial önündə", "Uzunmüddətli xidmətə görə medallar",
                     "Yekun söz"],
              "ru": ["Приветственное слово", "В исполнении оркестра", "У мемориала", "Медали за выслугу лет",
                     "Заключительное слово"]}[language]
    times = ["10:00", "10:05", "10:08", "10:23", "10:43"]
    assert lines[start + 1 : start + 6] == [
        f"{number}. {time} {label}. {title}"
        for number, (time, label, title) in enumerate(zip(times, LABELS[language], titles, strict=True), start=1)
    ]


@pytest.mark.parametrize("language", ["az", "ru"])
@pytest.mark.parametrize("fmt", ["html", "md"])
def test_the_press_release_words_each_kind_in_its_language(client, login, programme, language, fmt):
    login("press")
    response = client.get(f"/events/{programme.id}/report.{fmt}?lang={language}")
    assert response.status_code == 200
    text = unescape(re.sub(r"<[^>]+>", "", response.get_data(as_text=True))).replace("\\.", ".")
    for line in RELEASE_LINES[language]:
        assert line in text
    for label in ENGLISH_LABELS:
        assert label not in text


def test_a_title_that_already_names_its_kind_is_not_preceded_by_it(app):
    with app.test_request_context("/"):
        assert title_names_kind("One minute's silence in remembrance of the victims", "Minute of silence")
        assert title_names_kind("Qurbanların xatirəsinin bir dəqiqəlik sükutla yad edilməsi", "Sükut dəqiqəsi")
        assert title_names_kind("Выступление об истории трагедии", agenda_kind_label("speech", "ru"))
        assert title_names_kind("SƏRGİYƏ BAXIŞ", "Sərgiyə baxış")
        assert not title_names_kind("В исполнении оркестра", "Исполнение государственного гимна")
        assert not title_names_kind("Welcome address", agenda_kind_label("opening", "en"))
        assert not title_names_kind("Заключительное слово", agenda_kind_label("closing", "ru"))
