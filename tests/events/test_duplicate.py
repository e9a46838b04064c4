"""Duplicating an event with its agenda to a new date (next year's anniversary)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from tests.events.data import input_value
from tests.helpers import baku, field_error
from tracker.events.services import duplicate_event
from tracker.extensions import db
from tracker.models import Event


@pytest.fixture
def ceremony(make_event, make_person, make_series, make_venue):
    """The reference ceremony of 2012 with two agenda items, already announced (sequence 3)."""
    speaker = make_person()
    return make_event(
        title="Commemoration ceremony",
        series_id=make_series().id,
        venue_id=make_venue().id,
        presiding_id=make_person("Head of Service").id,
        starts_at=baku(2012, 2, 25, 10),
        ends_at=baku(2012, 2, 25, 11, 30),
        answer_deadline=baku(2012, 2, 24, 18),
        languages=["az", "ru", "en"],
        translations={"title": {"az": "Anım mərasimi"}},
        sequence=3,
        agenda=[
            {"kind": "silence", "title": "Silence", "duration_minutes": 1,
             "translations": {"title": {"ru": "Минута молчания"}}},
            {"kind": "speech", "title": "Speech", "speaker_id": speaker.id, "planned_start": time(10, 5),
             "duration_minutes": 20, "notes": "Microphone on the left"},
        ],
    )


def test_duplicate_form_suggests_the_same_day_next_year(client, login, ceremony):
    login("organiser")
    response = client.get(f"/events/{ceremony.id}/duplicate")
    assert response.status_code == 200
    assert input_value(response.get_data(as_text=True), "starts_on") == "2013-02-25"


def test_duplicate_copies_the_event_and_its_agenda_to_the_new_date(app, client, login, ceremony):
    login("organiser")
    response = client.post(f"/events/{ceremony.id}/duplicate", data={"starts_on": "2013-02-25"})
    with app.app_context():
        original = db.session.get(Event, ceremony.id)
        copy = db.session.execute(db.select(Event).where(Event.id != ceremony.id)).scalar_one()
        assert response.headers["Location"] == f"/events/{copy.id}/edit"
        assert (copy.starts_at, copy.ends_at) == (baku(2013, 2, 25, 10), baku(2013, 2, 25, 11, 30))
        assert copy.answer_deadline == baku(2013, 2, 24, 18)
        assert copy.uid != original.uid
        assert (copy.sequence, copy.status) == (0, "draft")
        assert (copy.series_id, copy.venue_id, copy.presiding_id) == (
            original.series_id, original.venue_id, original.presiding_id)
        assert copy.languages == ["az", "ru", "en"]
        assert copy.text("title", "az") == "Anım mərasimi"
        assert [(i.position, i.kind, i.title, i.speaker_id, i.planned_start, i.duration_minutes, i.notes)
                for i in copy.agenda] == [
            (i.position, i.kind, i.title, i.speaker_id, i.planned_start, i.duration_minutes, i.notes)
            for i in original.agenda]
        assert copy.agenda[0].text("title", "ru") == "Минута молчания"
        assert {i.id for i in copy.agenda}.isdisjoint({i.id for i in original.agenda})
        # The original is untouched.
        assert (original.sequence, original.status, len(original.agenda)) == (3, "scheduled", 2)


def test_duplicate_of_a_series_event_marks_the_next_anniversary(app, client, login, ceremony):
    login("organiser")
    client.post(f"/events/{ceremony.id}/duplicate", data={"starts_on": "2013-02-25"})
    with app.app_context():
        copy = db.session.execute(db.select(Event).where(Event.id != ceremony.id)).scalar_one()
        assert copy.anniversary == 21


def test_duplicate_keeps_local_times_across_a_daylight_saving_change(app, make_event):
    berlin = ZoneInfo("Europe/Berlin")
    winter = make_event(starts_at=datetime(2024, 1, 10, 10, tzinfo=berlin),
                        ends_at=datetime(2024, 1, 10, 11, tzinfo=berlin), timezone="Europe/Berlin")
    with app.app_context():
        copy = duplicate_event(db.session.get(Event, winter.id), date(2024, 7, 10))
        assert copy.local_start == datetime(2024, 7, 10, 10, tzinfo=berlin)
        assert copy.local_end.time() == time(11)


def test_duplicate_of_an_exhibition_keeps_its_number_of_days_and_hours(app, make_event):
    # 22 February – 1 March 2012 is nine opening days (2012 has a 29 February); so is the copy.
    exhibition = make_event(kind="exhibition", starts_at=baku(2012, 2, 22, 9), ends_at=baku(2012, 3, 1, 18),
                            daily_opens=time(9), daily_closes=time(18))
    with app.app_context():
        copy = duplicate_event(db.session.get(Event, exhibition.id), date(2013, 2, 22))
        assert (copy.starts_at, copy.ends_at) == (baku(2013, 2, 22, 9), baku(2013, 3, 2, 18))
        assert (copy.daily_opens, copy.daily_closes) == (time(9), time(18))


@pytest.mark.parametrize(("value", "message"), [("", "This field is required."),
                                                ("next year", "Not a valid date value.")])
def test_duplicate_without_a_valid_date_is_refused(app, client, login, ceremony, value, message):
    login("organiser")
    response = client.post(f"/events/{ceremony.id}/duplicate", data={"starts_on": value})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "starts_on") == message
    with app.app_context():
        assert len(db.session.execute(db.select(Event)).all()) == 1


@pytest.mark.parametrize("role", ["press", "representative"])
def test_only_organisers_duplicate_events(app, client, login, ceremony, role):
    login(role)
    assert client.get(f"/events/{ceremony.id}/duplicate").status_code == 403
    assert client.post(f"/events/{ceremony.id}/duplicate", data={"starts_on": "2013-02-25"}).status_code == 403
    with app.app_context():
        assert len(db.session.execute(db.select(Event)).all()) == 1
