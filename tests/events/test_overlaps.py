"""Overlap warnings: one venue or one person in two events at once is shown before saving."""

from __future__ import annotations

from datetime import time

import pytest

from tests.events.data import agenda_form, event_form
from tests.helpers import baku
from tracker.events.services import find_clashes
from tracker.extensions import db
from tracker.models import AgendaItem, Event


@pytest.fixture
def hall(make_venue):
    return make_venue("Assembly hall")


@pytest.fixture
def booked(make_event, hall):
    """A meeting in the assembly hall on 25 February 2012, 10:30–12:00."""
    return make_event(title="Board meeting", kind="meeting", venue_id=hall.id,
                      starts_at=baku(2012, 2, 25, 10, 30), ends_at=baku(2012, 2, 25, 12))


def _count_events(app) -> int:
    with app.app_context():
        return len(db.session.execute(db.select(Event)).all())


def test_same_venue_at_the_same_time_warns_before_saving(app, client, login, hall, booked):
    login("organiser")
    response = client.post("/events/new", data=event_form(venue_id=str(hall.id)))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert 'class="warning-box"' in html
    assert "Assembly hall is already taken by “Board meeting”" in html
    assert 'name="confirm_overlaps" value="y"' in html
    assert _count_events(app) == 1


def test_save_anyway_creates_the_overlapping_event(app, client, login, hall, booked):
    login("organiser")
    response = client.post("/events/new", data=event_form(venue_id=str(hall.id), confirm_overlaps="y"))
    assert response.status_code == 302
    assert _count_events(app) == 2


def test_same_venue_at_another_time_does_not_warn(app, client, login, hall, booked):
    login("organiser")
    response = client.post("/events/new", data=event_form(venue_id=str(hall.id), start_time="12:00",
                                                          end_time="13:00"))
    assert response.status_code == 302


def test_another_venue_at_the_same_time_does_not_warn(client, login, booked, make_venue):
    login("organiser")
    other = make_venue("Waiting hall")
    response = client.post("/events/new", data=event_form(venue_id=str(other.id)))
    assert response.status_code == 302


def test_cancelled_events_do_not_clash(client, login, hall, make_event):
    login("organiser")
    make_event(venue_id=hall.id, status="cancelled", starts_at=baku(2012, 2, 25, 10),
               ends_at=baku(2012, 2, 25, 12))
    assert client.post("/events/new", data=event_form(venue_id=str(hall.id))).status_code == 302


def test_drafts_do_clash_because_they_are_plans_too(client, login, hall, make_event):
    login("organiser")
    make_event(venue_id=hall.id, status="draft", starts_at=baku(2012, 2, 25, 10), ends_at=baku(2012, 2, 25, 12))
    assert client.post("/events/new", data=event_form(venue_id=str(hall.id))).status_code == 409


def test_an_exhibitions_nights_do_not_clash_with_an_evening_event(client, login, hall, make_event):
    login("organiser")
    make_event(kind="exhibition", venue_id=hall.id, starts_at=baku(2012, 2, 22, 9), ends_at=baku(2012, 3, 1, 18),
               daily_opens=time(9), daily_closes=time(18))
    evening = event_form(venue_id=str(hall.id), start_time="19:00", end_time="21:00")
    assert client.post("/events/new", data=evening).status_code == 302
    daytime = event_form(venue_id=str(hall.id), start_time="17:00", end_time="19:00", title="Late afternoon")
    assert client.post("/events/new", data=daytime).status_code == 409


def test_presiding_person_in_two_events_at_once_warns(client, login, make_event, make_person):
    login("organiser")
    head = make_person("Head of Service")
    make_event(title="Other ceremony", presiding_id=head.id, starts_at=baku(2012, 2, 25, 11),
               ends_at=baku(2012, 2, 25, 12))
    response = client.post("/events/new", data=event_form(presiding_id=str(head.id)))
    assert response.status_code == 409
    assert "Head of Service is also in “Other ceremony”" in response.get_data(as_text=True)


def test_presiding_person_who_speaks_elsewhere_at_the_same_time_warns(client, login, make_event, make_person):
    login("organiser")
    head = make_person("Head of Service")
    make_event(title="Conference", starts_at=baku(2012, 2, 25, 9), ends_at=baku(2012, 2, 25, 17),
               agenda=[{"kind": "speech", "title": "Address", "speaker_id": head.id}])
    response = client.post("/events/new", data=event_form(presiding_id=str(head.id)))
    assert response.status_code == 409
    assert "Head of Service is also in “Conference”" in response.get_data(as_text=True)


def test_editing_an_event_checks_its_agenda_speakers_against_other_events(client, login, make_event,
                                                                         make_person):
    login("organiser")
    deputy = make_person("Deputy Head")
    ceremony = make_event(title="Ceremony", starts_at=baku(2012, 2, 25, 8), ends_at=baku(2012, 2, 25, 9),
                          agenda=[{"kind": "speech", "title": "Speech", "speaker_id": deputy.id}])
    make_event(title="Briefing", presiding_id=deputy.id, starts_at=baku(2012, 2, 25, 10),
               ends_at=baku(2012, 2, 25, 11))
    # Moving the ceremony onto the briefing puts the deputy in two places at once.
    response = client.post(f"/events/{ceremony.id}/edit", data=event_form(title="Ceremony"))
    assert response.status_code == 409
    assert "Deputy Head is also in “Briefing”" in response.get_data(as_text=True)


def test_an_event_does_not_clash_with_itself(client, login, hall, make_event, make_person):
    login("organiser")
    head = make_person()
    event = make_event(title="Ceremony", venue_id=hall.id, presiding_id=head.id, starts_at=baku(2012, 2, 25, 10),
                       ends_at=baku(2012, 2, 25, 11, 30))
    response = client.post(f"/events/{event.id}/edit", data=event_form(
        title="Ceremony", venue_id=str(hall.id), presiding_id=str(head.id), end_time="12:00"))
    assert response.status_code == 302


def test_choosing_a_busy_speaker_in_the_agenda_warns(app, client, login, make_event, make_person):
    login("organiser")
    deputy = make_person("Deputy Head")
    ceremony = make_event(title="Ceremony", starts_at=baku(2012, 2, 25, 10), ends_at=baku(2012, 2, 25, 11, 30))
    make_event(title="Briefing", presiding_id=deputy.id, starts_at=baku(2012, 2, 25, 11),
               ends_at=baku(2012, 2, 25, 12))
    response = client.post(f"/events/{ceremony.id}/agenda", data=agenda_form(speaker_id=str(deputy.id)))
    assert response.status_code == 409
    assert "Deputy Head is also in “Briefing”" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(AgendaItem).where(AgendaItem.event_id == ceremony.id)).first() is None
    confirmed = client.post(f"/events/{ceremony.id}/agenda",
                            data=agenda_form(speaker_id=str(deputy.id), confirm_overlaps="y"))
    assert confirmed.status_code == 302


def test_find_clashes_reports_venue_and_person_of_one_event_separately(app, hall, make_event, make_person):
    head = make_person("Head of Service")
    other = make_event(title="Other", venue_id=hall.id, presiding_id=head.id, starts_at=baku(2012, 2, 25, 10),
                       ends_at=baku(2012, 2, 25, 11))
    with app.app_context():
        schedule = db.session.get(Event, other.id)
        clashes = find_clashes(schedule, venue_id=hall.id, people_ids={head.id})
        assert [(c.other.id, bool(c.venue), c.person and c.person.id) for c in clashes] == [
            (other.id, True, None), (other.id, False, head.id)]
