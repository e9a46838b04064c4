"""People: speakers and officials with rank and position in each language."""

from __future__ import annotations

from tests.helpers import CONFIRMED, assert_asks, count_queries, field_error
from tracker.extensions import db
from tracker.models import AgendaItem, Person


def _form(**fields):
    """The person form as posted: plain fields in the primary language (az), ``_en``/``_ru`` the others."""
    data = {"full_name": "Pərviz Musayev", "rank": "Miqrasiya xidməti müşaviri",
            "position": "Xidmətin rəis müavini", "unit_id": ""}
    for name in ("full_name", "rank", "position"):
        data[f"{name}_en"] = data[f"{name}_ru"] = ""
    data.update(fields)
    return data


def _person(app, person_id):
    with app.app_context():
        return db.session.get(Person, person_id)


def test_list_shows_rank_position_and_unit(client, login, make_person, make_unit):
    login("organiser")
    unit = make_unit("CIT", "Citizenship Department")
    make_person("Firudin Nabiyev", rank="major-general", position="Head of the Service", unit_id=unit.id)
    html = client.get("/people").get_data(as_text=True)
    assert "Firudin Nabiyev" in html and "major-general" in html and "Head of the Service" in html
    assert "Citizenship Department" in html


def test_empty_list_says_what_to_do(client, login):
    login("organiser")
    html = client.get("/people").get_data(as_text=True)
    assert "No people yet" in html and 'href="/people/new"' in html


def test_list_uses_the_same_number_of_queries_for_many_people(app, client, login, make_person, make_unit):
    login("organiser")
    make_person(unit_id=make_unit().id)
    with count_queries(app) as few:
        client.get("/people")
    for n in range(8):
        make_person(f"Person {n}", unit_id=make_unit().id)
    with count_queries(app) as many:
        client.get("/people")
    assert many.count == few.count


def test_organiser_adds_a_person_with_translations(app, client, login, make_unit):
    login("organiser")
    unit = make_unit("CIT")
    response = client.post("/people/new", data=_form(
        full_name_en="Parviz Musayev", rank_ru="государственный советник миграционной службы III ранга",
        position_en="Deputy Head of the Service", unit_id=str(unit.id),
    ))
    assert response.headers["Location"] == "/people"
    with app.app_context():
        person = db.session.execute(db.select(Person)).scalar_one()
        assert person.unit_id == unit.id
        assert person.text("full_name", "az") == "Pərviz Musayev"
        assert person.text("full_name", "en") == "Parviz Musayev"
        assert person.text("position", "en") == "Deputy Head of the Service"
        assert person.text("rank", "ru").endswith("III ранга")
        assert person.text("rank", "en") == "Miqrasiya xidməti müşaviri"  # no English: the primary language's


def test_a_guest_has_no_unit(app, client, login):
    login("organiser")
    client.post("/people/new", data=_form(full_name="Guest Speaker", unit_id=""))
    with app.app_context():
        assert db.session.execute(db.select(Person.unit_id)).scalar_one() is None


def test_missing_full_name_is_shown_beside_the_field(client, login):
    login("organiser")
    response = client.post("/people/new", data=_form(full_name=""))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "full_name")


def test_organiser_edits_rank_and_position(app, client, login, make_person):
    login("organiser")
    person = make_person()
    html = client.get(f"/people/{person.id}/edit").get_data(as_text=True)
    assert 'value="Parviz Musayev"' in html
    response = client.post(f"/people/{person.id}/edit", data=_form(rank="major-general",
                                                                   position="Head of the Service"))
    assert response.headers["Location"] == "/people"
    changed = _person(app, person.id)
    assert (changed.rank, changed.position) == ("major-general", "Head of the Service")


def test_unused_person_is_deleted(app, client, login, make_person):
    login("organiser")
    person = make_person()
    response = client.post(f"/people/{person.id}/delete", data=CONFIRMED)
    assert response.headers["Location"] == "/people"
    assert _person(app, person.id) is None


def test_deleting_a_person_asks_first_and_an_unconfirmed_post_changes_nothing(app, client, login, make_person):
    login("organiser")
    person = make_person("Firudin Nabiyev")
    assert_asks(client.post(f"/people/{person.id}/delete"), "Delete Firudin Nabiyev?", f"/people/{person.id}/edit")
    assert _person(app, person.id) is not None
    edit = client.get(f"/people/{person.id}/edit").get_data(as_text=True)
    assert 'data-confirm="Delete Firudin Nabiyev? This cannot be undone." data-confirm-yes="Yes, delete"' in edit


def test_a_speaker_in_an_agenda_cannot_be_deleted(app, client, login, make_person, make_event):
    login("organiser")
    person = make_person()
    make_event("Commemoration ceremony", agenda=[{"kind": "speech", "title": "Speech", "speaker_id": person.id}])
    response = client.post(f"/people/{person.id}/delete", data=CONFIRMED)
    assert response.headers["Location"] == f"/people/{person.id}/edit"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "speaks in the agenda of “Commemoration ceremony”" in html
    assert _person(app, person.id) is not None
    with app.app_context():
        assert db.session.execute(db.select(AgendaItem.speaker_id)).scalar_one() == person.id


def test_a_presiding_official_cannot_be_deleted(app, client, login, make_person, make_event):
    login("organiser")
    person = make_person("Firudin Nabiyev")
    make_event("Commemoration ceremony", presiding_id=person.id)
    client.post(f"/people/{person.id}/delete", data=CONFIRMED)
    assert _person(app, person.id) is not None


def test_press_cannot_manage_people(client, login, make_person):
    person = make_person()
    login("press")
    assert client.get("/people").status_code == 403
    assert client.post("/people/new", data=_form()).status_code == 403
    assert client.post(f"/people/{person.id}/delete").status_code == 403


def test_a_full_name_of_control_characters_only_is_missing(app, client, login):
    login("organiser")
    response = client.post("/people/new", data=_form(full_name="\x00\x02"))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "full_name") == "A person needs a full name."
    with app.app_context():
        assert db.session.execute(db.select(Person)).first() is None
