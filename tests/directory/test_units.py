"""Units: the list with parents and sub-units, adding, editing, and removing them safely."""

from __future__ import annotations

from tests.helpers import CONFIRMED, assert_asks, count_queries, field_error
from tracker.extensions import db
from tracker.models import Unit


def _unit(app, code):
    with app.app_context():
        unit = db.session.execute(db.select(Unit).where(Unit.code == code)).scalar_one_or_none()
        if unit is not None:
            db.session.expunge(unit)
        return unit


def _form(**fields):
    data = {"code": "CIT", "name": "Vətəndaşlıq idarəsi", "name_en": "", "name_ru": "", "parent_id": "",
            "contact_emails": "", "active": "y"}
    data.update(fields)
    return data


def test_list_shows_parent_and_sub_units(client, login, make_unit):
    login("organiser")
    regions = make_unit("REGIONS", "Regional Offices Directorate")
    make_unit("GANJA", "Ganja Regional Office", parent_id=regions.id)
    html = client.get("/units").get_data(as_text=True)
    row = html.split(f'/units/{regions.id}/edit')[1].split("</tr>")[0]
    assert "Ganja Regional Office" in row
    ganja_row = html.split("GANJA</a>")[1].split("</tr>")[0]
    assert "Regional Offices Directorate" in ganja_row


def test_list_shows_names_in_the_readers_language(client, login, make_unit):
    login("organiser", language="az")
    make_unit("CIT", "Citizenship Department", translations={"name": {"az": "Vətəndaşlıq idarəsi"}})
    assert "Vətəndaşlıq idarəsi" in client.get("/units").get_data(as_text=True)


def test_empty_list_says_what_to_do(client, login):
    login("admin")
    html = client.get("/units").get_data(as_text=True)
    assert "No units yet" in html and 'href="/units/new"' in html


def test_list_uses_the_same_number_of_queries_for_many_units(app, client, login, make_unit):
    login("organiser")
    parent = make_unit("P1")
    make_unit(parent_id=parent.id)
    with count_queries(app) as few:
        assert client.get("/units").status_code == 200
    for _ in range(8):
        child_parent = make_unit()
        make_unit(parent_id=child_parent.id)
    with count_queries(app) as many:
        assert client.get("/units").status_code == 200
    assert many.count == few.count


def test_list_is_paginated(app, client, login, make_unit):
    app.config["PAGE_SIZE"] = 2
    login("organiser")
    for code in ("AAA", "BBB", "CCC"):
        make_unit(code, f"{code} office")
    first = client.get("/units").get_data(as_text=True)
    assert "AAA office" in first and "CCC office" not in first and 'rel="next"' in first
    assert "CCC office" in client.get("/units?page=2").get_data(as_text=True)


def test_search_narrows_the_list(client, login, make_unit):
    login("organiser")
    make_unit("CIT", "Citizenship Department")
    make_unit("IT", "Information Technology Department")
    html = client.get("/units?q=citizen").get_data(as_text=True)
    assert "Citizenship Department" in html and "Information Technology" not in html


def test_organiser_adds_a_unit_with_translations_parent_and_emails(app, client, login, make_unit):
    login("organiser")
    regions = make_unit("REGIONS")
    response = client.post("/units/new", data=_form(
        code="ganja", name="Gəncə regional idarəsi", name_en="Ganja Regional Office", name_ru="",
        parent_id=str(regions.id), contact_emails="ganja@units.example.org\n\n  chief@units.example.org \n",
    ))
    assert response.headers["Location"] == "/units"
    unit = _unit(app, "GANJA")
    assert unit.parent_id == regions.id
    assert unit.contact_emails == ["ganja@units.example.org", "chief@units.example.org"]
    assert unit.translations == {"name": {"az": "Gəncə regional idarəsi", "en": "Ganja Regional Office"}}
    assert unit.name == "Gəncə regional idarəsi"
    assert unit.active


def test_new_unit_form_renders(client, login):
    login("organiser")
    html = client.get("/units/new").get_data(as_text=True)
    assert 'name="code"' in html and 'name="contact_emails"' in html
    assert 'name="name"' in html and 'name="name_ru"' in html and 'name="name_en"' in html
    assert 'name="name_az"' not in html  # the plain field is the primary language's


def test_bad_contact_email_is_shown_beside_the_field(app, client, login):
    login("organiser")
    response = client.post("/units/new", data=_form(contact_emails="ok@units.example.org\nnot-an-address"))
    assert response.status_code == 422
    assert "not-an-address is not an email address" in field_error(response.get_data(as_text=True), "contact_emails")
    assert _unit(app, "CIT") is None


def test_duplicate_code_is_refused_whatever_the_case(client, login, make_unit):
    login("organiser")
    make_unit("CIT")
    response = client.post("/units/new", data=_form(code="cit"))
    assert response.status_code == 422
    assert "already has the code CIT" in field_error(response.get_data(as_text=True), "code")


def test_code_with_spaces_is_refused(client, login):
    login("organiser")
    response = client.post("/units/new", data=_form(code="C I T"))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "code")


def test_missing_name_is_refused(client, login):
    login("organiser")
    response = client.post("/units/new", data=_form(name=""))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "name")


def test_edit_form_shows_the_stored_values(client, login, make_unit):
    login("organiser")
    unit = make_unit("CIT", contact_emails=["a@units.example.org", "b@units.example.org"],
                     translations={"name": {"ru": "Управление"}})
    html = client.get(f"/units/{unit.id}/edit").get_data(as_text=True)
    assert "a@units.example.org\nb@units.example.org" in html
    assert 'value="Управление"' in html


def test_organiser_edits_a_unit_and_removes_a_translation(app, client, login, make_unit):
    login("organiser")
    unit = make_unit("CIT", "Citizenship", translations={"name": {"az": "Vətəndaşlıq", "ru": "Гражданство"}})
    response = client.post(f"/units/{unit.id}/edit", data=_form(
        code="CIT", name="Vətəndaşlıq idarəsi", name_en="Citizenship Department", name_ru="",
        contact_emails="cit@units.example.org", active="",
    ))
    assert response.headers["Location"] == "/units"
    changed = _unit(app, "CIT")
    assert changed.name == "Vətəndaşlıq idarəsi"
    assert changed.translations == {"name": {"az": "Vətəndaşlıq idarəsi", "en": "Citizenship Department"}}
    assert changed.active is False


def test_a_unit_cannot_be_put_under_its_own_sub_unit(app, client, login, make_unit):
    login("organiser")
    regions = make_unit("REGIONS")
    ganja = make_unit("GANJA", parent_id=regions.id)
    response = client.post(f"/units/{regions.id}/edit", data=_form(code="REGIONS", name="Regions",
                                                                  parent_id=str(ganja.id)))
    assert response.status_code == 422
    assert "one of its own sub-units" in field_error(response.get_data(as_text=True), "parent_id")
    assert _unit(app, "REGIONS").parent_id is None


def test_a_unit_is_not_offered_as_its_own_parent(client, login, make_unit):
    login("organiser")
    unit = make_unit("CIT")
    response = client.post(f"/units/{unit.id}/edit", data=_form(code="CIT", parent_id=str(unit.id)))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "parent_id")


def test_editing_a_missing_unit_is_404(client, login):
    login("organiser")
    assert client.get("/units/4242/edit").status_code == 404


def test_unused_unit_is_deleted(app, client, login, make_unit):
    login("organiser")
    unit = make_unit("TMP")
    response = client.post(f"/units/{unit.id}/delete", data=CONFIRMED)
    assert response.headers["Location"] == "/units"
    assert _unit(app, "TMP") is None


def test_deleting_or_deactivating_a_unit_asks_first_and_an_unconfirmed_post_changes_nothing(
        app, client, login, make_unit, make_event, make_invitation):
    login("organiser")
    unused, invited = make_unit("TMP", "Temporary office"), make_unit("CIT", "Citizenship Department")
    make_invitation(make_event(), invited)
    assert_asks(client.post(f"/units/{unused.id}/delete"), "Delete the unit Temporary office?",
                f"/units/{unused.id}/edit")
    assert_asks(client.post(f"/units/{invited.id}/delete"), "Deactivate the unit Citizenship Department?",
                f"/units/{invited.id}/edit")
    assert _unit(app, "TMP") is not None and _unit(app, "CIT").active is True
    edit = client.get(f"/units/{invited.id}/edit").get_data(as_text=True)
    assert 'data-confirm="Deactivate the unit Citizenship Department?" data-confirm-yes="Yes, deactivate"' in edit


def test_unit_with_invitations_is_deactivated_not_deleted(app, client, login, make_unit, make_event,
                                                         make_invitation):
    login("organiser")
    unit = make_unit("CIT")
    make_invitation(make_event(), unit)
    assert "Deactivate unit" in client.get(f"/units/{unit.id}/edit").get_data(as_text=True)
    response = client.post(f"/units/{unit.id}/delete", data=CONFIRMED)
    assert response.headers["Location"] == "/units"
    kept = _unit(app, "CIT")
    assert kept is not None and kept.active is False
    assert "deactivated instead of deleted" in client.get("/units").get_data(as_text=True)


def test_unit_with_a_representative_is_deactivated_not_deleted(app, client, login, make_unit, make_user):
    login("organiser")
    unit = make_unit("CIT")
    make_user("representative", unit=unit)
    client.post(f"/units/{unit.id}/delete", data=CONFIRMED)
    assert _unit(app, "CIT").active is False


def test_delete_needs_csrf(app, client, login, make_unit):
    login("organiser")
    unit = make_unit("TMP")
    assert client.post(f"/units/{unit.id}/delete", data=dict(CONFIRMED), csrf=False).status_code == 400
    assert _unit(app, "TMP") is not None


def test_representative_and_press_cannot_manage_units(client, login, make_unit):
    unit = make_unit("CIT")
    login("press")
    assert client.get("/units").status_code == 403
    assert client.post("/units/new", data=_form(code="NEW")).status_code == 403
    assert client.post(f"/units/{unit.id}/delete").status_code == 403


def test_representative_cannot_edit_a_unit(client, login, make_unit):
    unit = make_unit("CIT")
    login("representative", unit=unit)
    assert client.get(f"/units/{unit.id}/edit").status_code == 403
