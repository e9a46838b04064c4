"""Creating and editing events: every field, local times in the event's zone, and the rules between fields."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from tests.events.data import event_form, input_value
from tests.helpers import baku, field_error
from tracker.extensions import db
from tracker.models import Event


def _only_event(app) -> Event:
    with app.app_context():
        events = db.session.execute(db.select(Event)).scalars().all()
        assert len(events) == 1
        db.session.expunge(events[0])
        return events[0]


def test_new_event_form_defaults_to_the_configured_time_zone(client, login):
    login("organiser")
    response = client.get("/events/new")
    assert response.status_code == 200
    assert '<option selected value="Asia/Baku">' in response.get_data(as_text=True)


def test_new_event_form_preselects_the_series_it_was_opened_from(client, login, make_series):
    login("organiser")
    series = make_series()
    html = client.get(f"/events/new?series_id={series.id}").get_data(as_text=True)
    assert f'<option selected value="{series.id}">' in html


def test_organiser_creates_an_event_with_every_field(app, client, login, make_series, make_venue, make_person):
    organiser = login("organiser")
    series, venue, head = make_series(), make_venue(), make_person("Head of Service", rank="major-general")
    response = client.post("/events/new", data=event_form(
        series_id=str(series.id),
        title="Anım mərasimi",
        title_en="Commemoration ceremony",
        title_ru="Траурная церемония",
        description="Qurbanların xatirəsinə.",
        description_ru="Памяти жертв.",
        venue_id=str(venue.id),
        presiding_id=str(head.id),
        languages=["az", "en"],
        deadline_on="2012-02-24",
        deadline_time="18:00",
        public="y",
    ))
    event = _only_event(app)
    assert response.headers["Location"] == f"/events/{event.id}"
    assert event.starts_at == baku(2012, 2, 25, 10)
    assert event.ends_at == baku(2012, 2, 25, 11, 30)
    assert event.starts_at.tzinfo is not None and event.starts_at.utcoffset() == UTC.utcoffset(None)
    assert (event.series_id, event.venue_id, event.presiding_id) == (series.id, venue.id, head.id)
    assert event.text("title", "az") == "Anım mərasimi" and event.text("title", "ru") == "Траурная церемония"
    assert event.text("title", "en") == "Commemoration ceremony" and event.title == "Anım mərasimi"
    assert event.text("description", "ru") == "Памяти жертв."
    assert event.text("description", "en") == "Qurbanların xatirəsinə."  # no English: the primary language's
    assert event.languages == ["az", "en"]
    assert event.answer_deadline == baku(2012, 2, 24, 18)
    assert event.public is True
    assert (event.status, event.kind, event.sequence) == ("scheduled", "ceremony", 0)
    assert event.created_by_id == organiser.id
    assert event.uid.endswith("@tracker")


def test_times_are_read_in_the_chosen_time_zone(app, client, login):
    login("organiser")
    client.post("/events/new", data=event_form(timezone="Europe/Berlin", start_time="10:00", end_time="11:00"))
    event = _only_event(app)
    assert event.starts_at == datetime(2012, 2, 25, 9, 0, tzinfo=UTC)
    assert event.timezone == "Europe/Berlin"


def test_exhibition_takes_its_first_and_last_times_from_the_daily_hours(app, client, login):
    login("organiser")
    response = client.post("/events/new", data=event_form(
        kind="exhibition", starts_on="2012-02-22", ends_on="2012-03-01", start_time="", end_time="",
        daily_opens="09:00", daily_closes="18:00",
    ))
    assert response.status_code == 302
    event = _only_event(app)
    assert event.starts_at == baku(2012, 2, 22, 9)
    assert event.ends_at == baku(2012, 3, 1, 18)
    assert (event.daily_opens, event.daily_closes) == (time(9), time(18))


def test_all_day_event_keeps_local_midnights_with_an_exclusive_end(app, client, login):
    login("organiser")
    client.post("/events/new", data=event_form(
        all_day="y", start_time="", end_time="", starts_on="2012-02-26", ends_on="2012-02-26",
    ))
    event = _only_event(app)
    assert event.all_day is True
    assert (event.starts_at, event.ends_at) == (baku(2012, 2, 26), baku(2012, 2, 27))


def test_edit_form_shows_the_event_in_its_own_zone(client, login, make_event):
    login("organiser")
    event = make_event(starts_at=datetime(2012, 2, 25, 9, 0, tzinfo=UTC),
                       ends_at=datetime(2012, 2, 25, 10, 0, tzinfo=UTC), timezone="Europe/Berlin")
    html = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert input_value(html, "start_time") == "10:00"
    assert input_value(html, "starts_on") == "2012-02-25"
    assert '<option selected value="Europe/Berlin">' in html


def test_edit_form_shows_the_last_day_of_an_all_day_event(client, login, make_event):
    login("organiser")
    event = make_event(all_day=True, starts_at=baku(2012, 2, 26), ends_at=baku(2012, 2, 27))
    html = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert input_value(html, "ends_on") == "2012-02-26"
    assert input_value(html, "end_time") == ""


def test_organiser_edits_an_event(app, client, login, make_event):
    login("organiser")
    event = make_event(title="Old title", starts_at=baku(2012, 2, 25, 10), ends_at=baku(2012, 2, 25, 11, 30))
    response = client.post(f"/events/{event.id}/edit", data=event_form(title="New title", end_time="12:00"))
    assert response.headers["Location"] == f"/events/{event.id}"
    with app.app_context():
        saved = db.session.get(Event, event.id)
        assert saved.title == "New title"
        assert saved.ends_at == baku(2012, 2, 25, 12)


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"end_time": "09:00"}, "end_time", "The end must be after the start."),
        ({"end_time": "10:00"}, "end_time", "The end must be after the start."),
        ({"ends_on": "2012-02-24"}, "ends_on", "The end must be after the start."),
        ({"title": ""}, "title", "This field is required."),
        ({"starts_on": ""}, "starts_on", "This field is required."),
        ({"starts_on": "25.02.2012"}, "starts_on", "Not a valid date value."),
        ({"start_time": ""}, "start_time", "Give a start time"),
        ({"venue_id": "424242"}, "venue_id", "Not a valid choice."),
        ({"timezone": "Mars/Olympus"}, "timezone", "Not a valid choice."),
        ({"kind": "party"}, "kind", "Not a valid choice."),
        ({"languages": ["az", "de"]}, "languages", "not a valid choice"),
        ({"ends_on": "2012-02-26", "daily_opens": "18:00", "daily_closes": "09:00"}, "daily_closes",
         "Closing must be after opening"),
        ({"ends_on": "2012-02-26", "daily_opens": "09:00", "daily_closes": "09:00"}, "daily_closes",
         "Closing must be after opening"),
        ({"daily_opens": "09:00", "daily_closes": "18:00"}, "daily_opens", "several days"),
        ({"ends_on": "2012-02-26", "daily_opens": "09:00"}, "daily_closes", "both the opening and the closing"),
        ({"ends_on": "2012-02-26", "all_day": "y", "daily_opens": "09:00", "daily_closes": "18:00"}, "all_day",
         "not all-day"),
        ({"deadline_on": "2012-02-26"}, "deadline_on", "The deadline cannot be after the event ends."),
        ({"deadline_time": "18:00"}, "deadline_on", "Give the date as well"),
    ],
)
def test_invalid_event_is_refused_with_the_error_beside_its_field(app, client, login, overrides, field_id,
                                                                  message):
    login("organiser")
    response = client.post("/events/new", data=event_form(**overrides))
    assert response.status_code == 422
    assert message.lower() in field_error(response.get_data(as_text=True), field_id).lower()
    with app.app_context():
        assert db.session.execute(db.select(Event)).first() is None


def test_invalid_edit_keeps_the_event_unchanged(app, client, login, make_event):
    login("organiser")
    event = make_event(starts_at=baku(2012, 2, 25, 10), ends_at=baku(2012, 2, 25, 11, 30))
    response = client.post(f"/events/{event.id}/edit", data=event_form(end_time="08:00"))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "end_time") == "The end must be after the start."
    with app.app_context():
        assert db.session.get(Event, event.id).ends_at == baku(2012, 2, 25, 11, 30)


def test_event_form_without_csrf_token_is_refused(app, client, login):
    login("organiser")
    response = client.post("/events/new", data=event_form(), csrf=False)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.execute(db.select(Event)).first() is None


def test_editing_a_missing_event_is_404(client, login):
    login("organiser")
    assert client.get("/events/424242/edit").status_code == 404


def test_an_event_in_an_unlisted_zone_can_still_be_edited(app, client, login, make_event):
    login("organiser")
    event = make_event(timezone="Etc/GMT-4", starts_at=baku(2012, 2, 25, 10), ends_at=baku(2012, 2, 25, 11))
    response = client.post(f"/events/{event.id}/edit", data=event_form(timezone="Etc/GMT-4", end_time="12:00"))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Event, event.id).ends_at == baku(2012, 2, 25, 12)


def test_every_rule_the_service_refuses_is_shown_beside_its_own_field(app, client, login):
    login("organiser")
    response = client.post("/events/new", data=event_form(end_time="09:00", deadline_on="2012-02-26"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_error(html, "end_time") == "The end must be after the start."
    assert field_error(html, "deadline_on") == "The deadline cannot be after the event ends."
    with app.app_context():
        assert db.session.execute(db.select(Event)).first() is None
