"""One vocabulary of labels, one "no choice" value in every optional select, the site's languages from configuration."""

from __future__ import annotations

import re

import pytest

from tests.events.data import event_form
from tracker.extensions import db
from tracker.forms import NO_CHOICE, optional_id
from tracker.i18n import primary_language, site_languages, translation_languages
from tracker.models import Event
from tracker.vocabulary import (
    agenda_kind_label,
    answer_label,
    answer_words,
    channel_label,
    kind_label,
    language_list,
    organisation_name,
    position_in_sentence,
    role_label,
    status_label,
    tally_words,
)

# --- Labels ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("label", "language", "expected"), [
    (lambda language: kind_label("ceremony", language), "az", "Mərasim"),
    (lambda language: kind_label("ceremony", language), "ru", "Церемония"),
    (lambda language: status_label("draft", language), "ru", "Черновик"),
    (lambda language: answer_label("accepted", language), "az", "İştirak edəcək"),
    (lambda language: answer_label(None, language), "ru", "Ответа ещё нет"),
    (lambda language: answer_words("tentative", language), "ru", "возможно"),
    (lambda language: kind_label("meeting", language), "en", "Meeting"),
])
def test_a_label_is_given_in_the_language_asked_for(app, label, language, expected):
    with app.test_request_context("/"):  # the reader's language is English; the label follows ``language``
        assert label(language) == expected


def test_a_label_follows_the_readers_language_when_none_is_asked_for(app):
    with app.test_request_context("/", headers={"Accept-Language": "ru"}):
        assert kind_label("ceremony") == "Церемония"
        assert agenda_kind_label("wreath_laying") != "Wreath laying"
        assert language_list(["az", "en"]) == "азербайджанский, английский"


def test_unknown_values_are_shown_as_stored(app):
    with app.test_request_context("/"):
        assert kind_label("parade") == "parade"
        assert role_label("auditor") == "auditor"
        assert channel_label(None) == ""


def test_the_organisation_is_named_in_the_language_asked_for(app):
    with app.test_request_context("/"):
        assert organisation_name("az") == "Dövlət Miqrasiya Xidməti"
        assert organisation_name("en") == "State Migration Service"
        assert organisation_name("ru", {"ORGANISATION_NAME": "Agency"}) == "Agency"


# --- A position inside a sentence ------------------------------------------------------------------------


@pytest.mark.parametrize(("position", "language", "expected"), [
    ("Начальник Службы", "ru", "начальник Службы"),  # the proper noun further on keeps its capital
    ("Заместитель начальника Службы", "ru", "заместитель начальника Службы"),
    ("Xidmətin rəisi", "az", "xidmətin rəisi"),
    ("İdarənin rəisi", "az", "idarənin rəisi"),  # Azerbaijani dotted İ lowers to i, not "i̇"
    ("Iİ şöbənin rəisi", "az", "Iİ şöbənin rəisi"),
    ("Işıqlandırma şöbəsinin rəisi", "az", "ışıqlandırma şöbəsinin rəisi"),  # dotless I lowers to ı
    ("DTX rəisi", "az", "DTX rəisi"),  # an acronym stays
    ("МВД России", "ru", "МВД России"),
    ("Head of the Service", "en", "Head of the Service"),  # English keeps the capital
    ("начальник отдела", "ru", "начальник отдела"),
    ("", "ru", ""),
    ("Я", "ru", "Я"),
])
def test_a_position_is_lower_case_mid_sentence_in_az_and_ru_only(app, position, language, expected):
    with app.test_request_context("/"):  # the reader's English does not matter: the language asked for does
        assert position_in_sentence(position, language) == expected


def test_a_position_follows_the_readers_language_when_none_is_asked_for(app):
    with app.test_request_context("/", headers={"Accept-Language": "ru"}):
        assert position_in_sentence("Начальник Службы") == "начальник Службы"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert position_in_sentence("Head of the Service") == "Head of the Service"


# --- No choice ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("posted", [NO_CHOICE, "0", 0, None, "None"])
def test_every_way_of_posting_no_choice_means_none(posted):
    assert optional_id(posted) is None


def test_a_chosen_id_is_an_integer():
    assert optional_id("7") == 7


@pytest.mark.parametrize("posted", ["", "0"])
def test_an_event_without_series_venue_or_presiding_official_may_post_either_empty_value(app, client, login,
                                                                                          posted):
    login("organiser")
    response = client.post("/events/new", data=event_form(series_id=posted, venue_id=posted, presiding_id=posted))
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        event = db.session.execute(db.select(Event)).scalar_one()
        assert (event.series_id, event.venue_id, event.presiding_id) == (None, None, None)


def test_optional_selects_offer_the_same_none_entry(client, login):
    login("organiser")
    html = client.get("/events/new").get_data(as_text=True)
    for field in ("series_id", "venue_id", "presiding_id"):
        select = re.search(rf'<select[^>]*id="{field}".*?</select>', html, re.S)
        assert select is not None
        assert '<option selected value="">— none —</option>' in select.group(0)


# --- Languages -----------------------------------------------------------------------------------------------


def test_the_site_languages_come_from_configuration(app):
    with app.app_context():
        assert site_languages() == ("az", "ru", "en")
        assert primary_language() == "az"
        assert translation_languages() == ("ru", "en")
        app.config["LANGUAGES"] = ("en", "az")
        assert site_languages() == ("en", "az")
        assert translation_languages() == ("en",)


def test_the_switcher_offers_only_the_configured_languages_in_their_order(app, client):
    app.config["LANGUAGES"] = ("en", "az")
    html = client.get("/login").get_data(as_text=True)
    assert re.findall(r'name="language" value="(\w+)"', html) == ["en", "az"]
    client.post("/language", data={"language": "ru", "next": "/login"})
    assert '<html lang="en">' in client.get("/login", headers={"Accept-Language": "ru"}).get_data(as_text=True)


def test_the_account_form_offers_the_configured_languages(app, client, login):
    app.config["LANGUAGES"] = ("az", "en")
    login("admin")
    html = client.get("/admin/users/new").get_data(as_text=True)
    select = re.search(r'<select[^>]*id="language".*?</select>', html, re.S)
    assert select is not None
    assert re.findall(r'<option[^>]*value="(\w*)"', select.group(0)) == ["", "az", "en"]


def test_translation_fields_are_offered_in_every_site_language_but_the_primary(app, client, login):
    login("organiser")
    event_page = client.get("/events/new").get_data(as_text=True)
    unit_page = client.get("/units/new").get_data(as_text=True)
    with app.app_context():
        primary, others = primary_language(), translation_languages()
    assert others and primary not in others
    for code in others:
        assert f'name="title_{code}"' in event_page and f'name="description_{code}"' in event_page
        assert f'name="name_{code}"' in unit_page
    assert 'name="title"' in event_page and 'name="name"' in unit_page  # the primary language's own field
    assert f'name="title_{primary}"' not in event_page and f'name="name_{primary}"' not in unit_page


def test_tally_words_agree_with_the_number_in_russian(app):
    with app.test_request_context():
        assert [tally_words("accepted", n, "ru") for n in (1, 2, 5, 21)] == [
            "будет присутствовать", "будут присутствовать", "будут присутствовать", "будет присутствовать"]
        assert [tally_words("declined", n, "ru") for n in (1, 3)] == ["не будет", "не будут"]
        assert tally_words("accepted", 4, "az") == tally_words("accepted", 1, "az") == "iştirak edəcək"
        assert tally_words("tentative", 2, "en") == "maybe" and tally_words("pending", 0, "en") == "no answer yet"


def test_the_dashboard_tally_reads_right_in_russian(client, login, make_event, make_unit, make_invitation):
    login("organiser", language="ru")
    event = make_event()
    for code in ("CIT", "IT"):
        make_invitation(event, make_unit(code), status="accepted", headcount=2)
    make_invitation(event, make_unit("HR"), status="declined", headcount=0)
    html = client.get(f"/events/{event.id}/attendance").get_data(as_text=True)
    assert "<strong>2</strong> будут присутствовать" in html and "<strong>1</strong> не будет" in html
