"""A unit's language (of its emails, calendar files and feed): chosen in the unit form, checked by the service."""

from __future__ import annotations

import re

import pytest

from tests.helpers import field_error
from tracker.directory import services
from tracker.directory.services import DirectoryError, UnitDetails
from tracker.extensions import db
from tracker.i18n import primary_language
from tracker.models import Unit
from tracker.vocabulary import language_name


def _unit(app, code):
    with app.app_context():
        unit = db.session.execute(db.select(Unit).where(Unit.code == code)).scalar_one()
        db.session.expunge(unit)
        return unit


def _form(**fields):
    data = {"code": "GANJA", "name": "Gəncə regional idarəsi", "name_ru": "", "name_en": "", "parent_id": "",
            "contact_emails": "ganja@units.example.org", "active": "y"}
    data.update(fields)
    return data


def _options(html: str) -> dict[str, tuple[str, bool]]:
    """The language select's options: value → (label, selected)."""
    select = re.search(r'<select[^>]*name="language"[^>]*>(.*?)</select>', html, re.S)
    assert select, "the form has no language select"
    return {value: (label.strip(), "selected" in attributes)
            for attributes, value, label in re.findall(r'<option([^>]*value="([^"]*)"[^>]*)>(.*?)</option>',
                                                       select.group(1), re.S)}


def test_the_new_unit_form_offers_the_site_languages_and_starts_at_the_primary_one(app, client, login):
    login("organiser", language="en")
    html = client.get("/units/new").get_data(as_text=True)
    with app.test_request_context():
        names = {code: language_name(code, "en") for code in ("az", "ru", "en")}
        primary = primary_language()
    options = _options(html)
    assert {value: label for value, (label, _selected) in options.items()} == names
    assert [value for value, (_label, selected) in options.items() if selected] == [primary] == ["az"]


def test_a_unit_is_added_and_edited_with_its_language(app, client, login):
    login("organiser")
    response = client.post("/units/new", data=_form(language="ru"))
    assert response.status_code == 302, response.get_data(as_text=True)
    unit = _unit(app, "GANJA")
    assert unit.language == "ru"

    edit = client.get(f"/units/{unit.id}/edit").get_data(as_text=True)
    assert [value for value, (_label, selected) in _options(edit).items() if selected] == ["ru"]
    assert client.post(f"/units/{unit.id}/edit", data=_form(language="en")).status_code == 302
    assert _unit(app, "GANJA").language == "en"
    # A post without the field (an old form) keeps the stored language.
    assert client.post(f"/units/{unit.id}/edit", data=_form()).status_code == 302
    assert _unit(app, "GANJA").language == "en"


@pytest.mark.parametrize("value", ["de", "", "RU", "x" * 40])
def test_a_language_the_site_does_not_offer_is_refused_beside_the_field(app, client, login, make_unit, value):
    login("organiser")
    unit = make_unit("GANJA", "Gəncə regional idarəsi", language="ru")
    response = client.post(f"/units/{unit.id}/edit", data=_form(language=value))
    assert response.status_code == 422
    with app.test_request_context():
        expected = DirectoryError("Choose one of the site's languages.", "language").translated()
    assert field_error(response.get_data(as_text=True), "language") == expected
    assert _unit(app, "GANJA").language == "ru"
    new = client.post("/units/new", data=_form(code="NEW", language=value))
    assert new.status_code == 422 and field_error(new.get_data(as_text=True), "language") == expected


def test_the_service_keeps_the_rule_for_commands_and_imports_too(app):
    with app.test_request_context():
        unit = services.create_unit(UnitDetails(code="CIT", name="Vətəndaşlıq idarəsi"))
        assert unit.language == primary_language()
        services.update_unit(unit, UnitDetails(code="CIT", name="Vətəndaşlıq idarəsi", language="ru"))
        assert unit.language == "ru"
        services.update_unit(unit, UnitDetails(code="CIT", name="Vətəndaşlıq idarəsi"))  # not given: kept
        assert unit.language == "ru"
        with pytest.raises(DirectoryError) as refused:
            services.update_unit(unit, UnitDetails(code="CIT", name="Vətəndaşlıq idarəsi", language="tr"))
        assert refused.value.field == "language"
        assert unit.language == "ru"
        db.session.rollback()


def test_a_language_the_site_no_longer_offers_is_shown_as_the_primary_one(app, client, login, make_unit):
    login("organiser")
    unit = make_unit("GANJA", language="en")
    app.config["LANGUAGES"] = ("az", "ru")
    html = client.get(f"/units/{unit.id}/edit").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="language".*?</select>', html, re.S).group(0)
    chosen = [option for option in re.findall(r"<option[^>]*>", select) if "selected" in option]
    assert len(chosen) == 1 and f'value="{primary_language()}"' in chosen[0]
