"""SEQUENCE and the domain signals: calendar-visible edits raise it and announce the fields; others do not."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any

import pytest

from tests.events.data import event_form
from tests.helpers import CONFIRMED, assert_asks, baku
from tracker.events.services import EventDetails, update_event
from tracker.extensions import db
from tracker.models import Event
from tracker.signals import event_cancelled, event_rescheduled


@contextmanager
def recording(signal: Any):
    """Collect ``(sender id, keyword arguments)`` of every send of ``signal`` while active."""
    received: list[tuple[int, dict[str, Any]]] = []

    def receiver(sender: Event, **kwargs: Any) -> None:
        received.append((sender.id, kwargs))

    with signal.connected_to(receiver):
        yield received


@pytest.fixture
def ceremony(make_event, make_venue):
    """A scheduled ceremony on 25 February 2012, 10:00–11:30 in Baku, in the assembly hall."""
    venue = make_venue("Assembly hall")
    return make_event(starts_at=baku(2012, 2, 25, 10), ends_at=baku(2012, 2, 25, 11, 30), venue_id=venue.id,
                      title="Commemoration ceremony")


def _form_of(event: Event, **overrides: Any) -> dict[str, Any]:
    return event_form(**{"title": event.title, "venue_id": str(event.venue_id or 0), **overrides})


def _sequence(app, event_id: int) -> int:
    with app.app_context():
        return db.session.get(Event, event_id).sequence


def test_moving_the_event_by_an_hour_raises_sequence_and_announces_the_times(app, client, login, ceremony):
    login("organiser")
    with recording(event_rescheduled) as received:
        response = client.post(f"/events/{ceremony.id}/edit",
                               data=_form_of(ceremony, start_time="11:00", end_time="12:30"))
    assert response.headers["Location"] == f"/events/{ceremony.id}"
    assert _sequence(app, ceremony.id) == 1
    assert received == [(ceremony.id, {"fields": {"starts_at", "ends_at"}, "languages": None})]


@pytest.mark.parametrize(
    ("overrides", "fields", "languages"),
    [
        # The primary language's text is what every language reads until it has its own: all of them changed.
        ({"title": "Renamed ceremony"}, {"title"}, {"az", "ru", "en"}),
        ({"description": "New words"}, {"description"}, {"az", "ru", "en"}),
        ({"title_ru": "Траурная церемония"}, {"title"}, {"ru"}),
        ({"venue_id": "0"}, {"venue"}, None),
        ({"status": "held"}, {"status"}, None),
        ({"timezone": "Europe/Berlin"}, {"timezone", "starts_at", "ends_at"}, None),
        ({"all_day": "y", "start_time": "", "end_time": ""}, {"all_day", "starts_at", "ends_at"}, None),
        ({"ends_on": "2012-02-27", "daily_opens": "10:00", "daily_closes": "11:30"},
         {"ends_at", "daily_opens", "daily_closes"}, None),
    ],
)
def test_each_calendar_visible_change_raises_sequence_once(app, client, login, ceremony, overrides, fields,
                                                           languages):
    login("organiser")
    with recording(event_rescheduled) as received:
        client.post(f"/events/{ceremony.id}/edit", data=_form_of(ceremony, **overrides))
    assert _sequence(app, ceremony.id) == 1
    assert received == [(ceremony.id, {"fields": fields, "languages": languages})]


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"languages": ["az", "ru"]},
        {"public": "y"},
        {"kind": "commemoration"},
        {"deadline_on": "2012-02-24"},
    ],
)
def test_changes_calendars_do_not_show_keep_the_sequence(app, client, login, ceremony, overrides):
    login("organiser")
    with recording(event_rescheduled) as rescheduled, recording(event_cancelled) as cancelled:
        response = client.post(f"/events/{ceremony.id}/edit", data=_form_of(ceremony, **overrides))
    assert response.status_code == 302
    assert _sequence(app, ceremony.id) == 0
    assert rescheduled == [] and cancelled == []


def test_signal_is_sent_after_the_new_sequence_is_flushed(app, ceremony):
    seen: list[int] = []

    def receiver(sender: Event, **kwargs: Any) -> None:
        # A receiver reading the database (as the mail area does) must see the raised sequence.
        seen.append(db.session.execute(db.select(Event.sequence).where(Event.id == sender.id)).scalar_one())

    with app.app_context(), event_rescheduled.connected_to(receiver):
        event = db.session.get(Event, ceremony.id)
        details = EventDetails(title="Moved", kind=event.kind, starts_at=event.starts_at, ends_at=event.ends_at,
                               timezone=event.timezone, venue_id=event.venue_id, status=event.status)
        changed = update_event(event, details)
        assert changed == {"title"}
        db.session.rollback()
    assert seen == [1]


def test_cancel_asks_for_confirmation_first(app, client, login, ceremony):
    login("organiser")
    response = client.get(f"/events/{ceremony.id}/cancel")
    assert response.status_code == 200
    assert "Yes, cancel the event" in response.get_data(as_text=True)
    assert _sequence(app, ceremony.id) == 0


def test_cancelling_raises_sequence_and_sends_the_cancellation(app, client, login, ceremony):
    login("organiser")
    with recording(event_cancelled) as cancelled, recording(event_rescheduled) as rescheduled:
        response = client.post(f"/events/{ceremony.id}/cancel", data=CONFIRMED)
    assert response.headers["Location"] == f"/events/{ceremony.id}"
    with app.app_context():
        event = db.session.get(Event, ceremony.id)
        assert (event.status, event.sequence) == ("cancelled", 1)
    assert cancelled == [(ceremony.id, {})]
    assert rescheduled == []


def test_cancelling_twice_changes_nothing(app, client, login, ceremony):
    login("organiser")
    client.post(f"/events/{ceremony.id}/cancel", data=CONFIRMED)
    with recording(event_cancelled) as cancelled:
        client.post(f"/events/{ceremony.id}/cancel", data=CONFIRMED)
    assert _sequence(app, ceremony.id) == 1
    assert cancelled == []


def test_cancel_without_csrf_token_is_refused(app, client, login, ceremony):
    login("organiser")
    assert client.post(f"/events/{ceremony.id}/cancel", data=CONFIRMED, csrf=False).status_code == 400
    with app.app_context():
        assert db.session.get(Event, ceremony.id).status == "scheduled"


def test_setting_the_status_to_cancelled_in_the_form_is_a_cancellation(app, client, login, ceremony):
    login("organiser")
    with recording(event_cancelled) as cancelled, recording(event_rescheduled) as rescheduled:
        client.post(f"/events/{ceremony.id}/edit", data=_form_of(ceremony, status="cancelled"))
    assert _sequence(app, ceremony.id) == 1
    assert cancelled == [(ceremony.id, {})]
    assert rescheduled == []


@pytest.mark.parametrize("role", ["press", "representative"])
def test_only_organisers_cancel_events(app, client, login, ceremony, role):
    login(role)
    assert client.get(f"/events/{ceremony.id}/cancel").status_code == 403
    assert client.post(f"/events/{ceremony.id}/cancel", data=CONFIRMED).status_code == 403
    with app.app_context():
        assert db.session.get(Event, ceremony.id).status == "scheduled"


def test_an_unconfirmed_cancel_post_only_asks(app, client, login, ceremony):
    login("organiser")
    with recording(event_cancelled) as cancelled:
        response = client.post(f"/events/{ceremony.id}/cancel")
    assert_asks(response, "Cancel “Commemoration ceremony”?", f"/events/{ceremony.id}")
    assert "Yes, cancel the event" in response.get_data(as_text=True)
    assert cancelled == []
    with app.app_context():
        assert db.session.get(Event, ceremony.id).status == "scheduled"
