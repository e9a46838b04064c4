"""Text is stored so that every output can carry it (``tracker.text.clean_text`` before every flush).

Controls other than TAB and LF, DEL, lone surrogates and U+FFFE/U+FFFF are dropped; CRLF and CR become LF;
everything else people type (right-to-left marks, emoji, zero-width joiners) is kept. The same rule holds on
SQLite and PostgreSQL, which refuses NUL.
"""

from __future__ import annotations

import pytest

from tests.attendance.conftest import answer_data
from tests.events.data import agenda_form
from tests.reports.readers import word, word_text, workbook
from tracker.extensions import db
from tracker.models import AgendaItem, Invitation, Person, Report, Unit
from tracker.text import clean_text


def test_nul_characters_are_dropped_from_text_and_translations(app):
    with app.app_context():
        person = Person(position="Head")
        person.set_texts("full_name", {"az": "Firudin\x00 Nəbiyev", "en": "Firudin\x00 Nabiyev"})
        person.set_texts("rank", {"az": "general-\x00mayor"})
        db.session.add(person)
        db.session.commit()
        person_id = person.id
    with app.app_context():
        stored = db.session.get(Person, person_id)
        assert stored.full_name == "Firudin Nəbiyev"  # the plain column, mirroring the primary language
        assert stored.rank == "general-mayor"
        assert stored.text("full_name", "az") == "Firudin Nəbiyev"
        assert stored.text("full_name", "en") == "Firudin Nabiyev"
        assert stored.text("rank", "az") == "general-mayor"


@pytest.mark.parametrize("character", [
    *(chr(code) for code in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)),
    "\ud800", "\udbff", "\udc00", "\udfff", "\ufffe", "\uffff",
])
def test_every_character_no_output_can_carry_is_dropped(app, character):
    with app.app_context():
        person = Person(full_name=f"Parviz{character} Musayev", rank="", position="")
        db.session.add(person)
        db.session.commit()  # a lone surrogate cannot even be encoded for the database driver
        person_id = person.id
    with app.app_context():
        assert db.session.get(Person, person_id).full_name == "Parviz Musayev"


def test_crlf_and_lone_cr_become_lf_and_tabs_stay(app):
    with app.app_context():
        person = Person(full_name="Name", rank="", position="Head\r\nof the\rService\tand\nmore")
        db.session.add(person)
        db.session.commit()
        person_id = person.id
    with app.app_context():
        assert db.session.get(Person, person_id).position == "Head\nof the\nService\tand\nmore"


def test_text_people_mean_is_kept(app):
    meant = "\u200fمرحبا\u200e 👩‍👩‍👧 e\u0301 \u200b\u200c\u200d\ufeff \U0010fffd \ufffd 漢字 𓀀"
    with app.app_context():
        person = Person(full_name=meant, rank="", position="")
        db.session.add(person)
        db.session.commit()
        person_id = person.id
    with app.app_context():
        assert db.session.get(Person, person_id).full_name == meant


def test_json_lists_and_translations_of_changed_rows_are_cleaned(app, make_unit):
    unit = make_unit("CIT", "Citizenship", contact_emails=["cit@units.example.org"])
    with app.app_context():
        stored = db.session.get(Unit, unit.id)
        stored.contact_emails = ["cit\x07@units.example.org", "chief\x1b@units.example.org"]
        stored.set_texts("name", {"ru": "Гражданство\x0c\r\nи\x7f паспорта"})
        db.session.commit()
    with app.app_context():
        stored = db.session.get(Unit, unit.id)
        assert stored.contact_emails == ["cit@units.example.org", "chief@units.example.org"]
        assert stored.text("name", "ru") == "Гражданство\nи паспорта"


def test_cleaning_twice_changes_nothing():
    once = clean_text("a\r\r\n\x00b\ud800\r\x07\n")
    assert once == "a\n\nb\n\n"
    assert clean_text(once) == once


# --- The problems that made exports fail for everyone ------------------------------------------------


def test_a_control_character_in_delegates_leaves_the_attendance_workbook_readable_for_everyone(
        app, client, auth, make_user, make_unit, make_event, make_invitation):
    unit = make_unit("CIT", "Citizenship Department")
    event = make_event("Commemoration ceremony")
    invitation = make_invitation(event, unit)
    representative = make_user("representative", unit=unit)
    auth.login_as(representative)
    answer = answer_data(1, headcount=2, delegates="Aysel\x07 Mammadova\r\nRashad\x1b Aliyev")
    assert client.post(f"/invitations/{invitation.id}", data=answer).status_code == 302
    for role in ("organiser", "press"):
        auth.logout()
        auth.login_as(make_user(role))
        response = client.get(f"/events/{event.id}/attendance.xlsx?lang=en")
        assert response.status_code == 200, role
        rows = list(workbook(response.data).active.iter_rows(values_only=True))
        assert rows[1][5] == "Aysel Mammadova; Rashad Aliyev"
    with app.app_context():
        assert db.session.get(Invitation, invitation.id).delegates == "Aysel Mammadova\nRashad Aliyev"


def test_a_control_character_in_the_press_text_or_an_agenda_title_leaves_the_release_readable(
        app, client, login, make_event):
    event = make_event("Commemoration ceremony")
    login("organiser")
    added = client.post(f"/events/{event.id}/agenda", data=agenda_form(title="One minute\x07s silence"))
    assert added.status_code == 302
    saved = client.post(f"/events/{event.id}/press-summary/en",
                        data={"body": "\x0bSpeeches\x08 were heard.\r\n\r\nSecond\x1f paragraph.", "version": ""})
    assert saved.status_code == 302
    response = client.get(f"/events/{event.id}/report.docx?lang=en")
    assert response.status_code == 200
    text = word_text(response.data)
    assert "One minutes silence" in text
    assert [
        p.text for p in word(response.data).paragraphs if p.text in ("Speeches were heard.", "Second paragraph.")
    ] == ["Speeches were heard.", "Second paragraph."]
    with app.app_context():
        assert db.session.execute(db.select(AgendaItem.title)).scalar_one() == "One minutes silence"
        assert db.session.execute(db.select(Report.body)).scalar_one() == "Speeches were heard.\n\nSecond paragraph."
