"""Venues: halls and rooms with an optional capacity."""

from __future__ import annotations

from tests.helpers import CONFIRMED, assert_asks, count_queries, field_error
from tracker.extensions import db
from tracker.models import Venue


def _form(**fields):
    data = {"name": "İclas zalı", "name_en": "", "name_ru": "", "address": "Baş ofis, 2-ci mərtəbə",
            "address_en": "Head office, 2nd floor", "address_ru": "",
            "capacity": "250"}
    data.update(fields)
    return data


def _venue(app, venue_id):
    with app.app_context():
        return db.session.get(Venue, venue_id)


def test_list_shows_name_address_and_capacity(client, login, make_venue):
    login("organiser")
    make_venue("Assembly hall", capacity=250)
    html = client.get("/venues").get_data(as_text=True)
    assert "Assembly hall" in html and "Head office, 2nd floor" in html and "250" in html


def test_empty_list_says_what_to_do(client, login):
    login("organiser")
    assert "No venues yet" in client.get("/venues").get_data(as_text=True)


def test_list_uses_the_same_number_of_queries_for_many_venues(app, client, login, make_venue):
    login("organiser")
    make_venue()
    with count_queries(app) as few:
        client.get("/venues")
    for n in range(8):
        make_venue(f"Room {n}")
    with count_queries(app) as many:
        client.get("/venues")
    assert many.count == few.count


def test_organiser_adds_a_venue_with_translations(app, client, login):
    login("organiser")
    response = client.post("/venues/new", data=_form(name_en="Assembly hall", name_ru="Актовый зал"))
    assert response.headers["Location"] == "/venues"
    with app.app_context():
        venue = db.session.execute(db.select(Venue)).scalar_one()
        assert venue.capacity == 250
        assert venue.text("name", "ru") == "Актовый зал"
        assert (venue.text("name", "az"), venue.text("name", "en")) == ("İclas zalı", "Assembly hall")
        assert venue.text("address", "en") == "Head office, 2nd floor"
        assert venue.text("address", "ru") == "Baş ofis, 2-ci mərtəbə"  # no Russian: the primary language's


def test_capacity_may_be_left_empty(app, client, login):
    login("organiser")
    client.post("/venues/new", data=_form(capacity=""))
    with app.app_context():
        assert db.session.execute(db.select(Venue.capacity)).scalar_one() is None


def test_capacity_zero_is_refused_beside_the_field(app, client, login):
    login("organiser")
    response = client.post("/venues/new", data=_form(capacity="0"))
    assert response.status_code == 422
    assert "at least 1" in field_error(response.get_data(as_text=True), "capacity")
    with app.app_context():
        assert db.session.execute(db.select(Venue)).first() is None


def test_organiser_edits_a_venue(app, client, login, make_venue):
    login("organiser")
    venue = make_venue(capacity=100)
    assert 'value="100"' in client.get(f"/venues/{venue.id}/edit").get_data(as_text=True)
    response = client.post(f"/venues/{venue.id}/edit", data=_form(capacity="120"))
    assert response.headers["Location"] == "/venues"
    assert _venue(app, venue.id).capacity == 120


def test_unused_venue_is_deleted(app, client, login, make_venue):
    login("organiser")
    venue = make_venue()
    assert client.post(f"/venues/{venue.id}/delete", data=CONFIRMED).headers["Location"] == "/venues"
    assert _venue(app, venue.id) is None


def test_deleting_a_venue_asks_first_and_an_unconfirmed_post_changes_nothing(app, client, login, make_venue):
    login("organiser")
    venue = make_venue()
    assert_asks(client.post(f"/venues/{venue.id}/delete"), "Delete Assembly hall?", f"/venues/{venue.id}/edit")
    assert _venue(app, venue.id) is not None
    edit = client.get(f"/venues/{venue.id}/edit").get_data(as_text=True)
    assert 'data-confirm="Delete Assembly hall? This cannot be undone." data-confirm-yes="Yes, delete"' in edit


def test_a_venue_with_events_cannot_be_deleted(app, client, login, make_venue, make_event):
    login("organiser")
    venue = make_venue()
    make_event("Commemoration ceremony", venue_id=venue.id)
    response = client.post(f"/venues/{venue.id}/delete", data=CONFIRMED)
    assert response.headers["Location"] == f"/venues/{venue.id}/edit"
    assert "takes place in Assembly hall" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _venue(app, venue.id) is not None


def test_representative_cannot_manage_venues(client, login, make_venue):
    venue = make_venue()
    login("representative")
    assert client.get("/venues").status_code == 403
    assert client.post(f"/venues/{venue.id}/edit", data=_form()).status_code == 403


def test_a_name_of_control_characters_only_is_missing(app, client, login):
    """``\\x00`` passes "required" but would be stored empty (the stored-text rule removes it): refused."""
    login("organiser")
    response = client.post("/venues/new", data=_form(name=" \x00\x01 "))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "name") == "A venue needs a name."
    with app.app_context():
        assert db.session.execute(db.select(Venue)).first() is None
