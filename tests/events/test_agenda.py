"""The agenda editor: add, edit, remove and reorder items; speakers from people or added on the spot."""

from __future__ import annotations

from datetime import time
from html import unescape

import pytest

from tests.events.data import agenda_form
from tests.helpers import CONFIRMED, assert_asks, baku, field_error
from tracker.events.services import (
    AgendaItemDetails,
    EventError,
    add_agenda_item,
    agenda_problems,
    replace_agenda,
    run_of_show,
)
from tracker.extensions import db
from tracker.models import AgendaItem, Event, Person


@pytest.fixture
def ceremony(make_event):
    """A ceremony on 25 February 2012 at 10:00 in Baku with three items."""
    return make_event(
        starts_at=baku(2012, 2, 25, 10),
        ends_at=baku(2012, 2, 25, 11, 30),
        agenda=[
            {"kind": "silence", "title": "Silence", "duration_minutes": 1},
            {"kind": "speech", "title": "Speech", "duration_minutes": 20},
            {"kind": "exhibition_review", "title": "Review", "duration_minutes": 30},
        ],
    )


def _agenda(app, event_id: int) -> list[tuple[int, str]]:
    with app.app_context():
        event = db.session.get(Event, event_id)
        return [(item.position, item.title) for item in event.agenda]


def _item_id(app, event_id: int, title: str) -> int:
    with app.app_context():
        return db.session.execute(
            db.select(AgendaItem.id).where(AgendaItem.event_id == event_id, AgendaItem.title == title)
        ).scalar_one()


def test_agenda_editor_lists_items_in_order_with_their_times(client, login, ceremony):
    login("organiser")
    response = client.get(f"/events/{ceremony.id}/agenda")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.index("Silence") < html.index("Speech") < html.index("Review")
    assert "10:01–10:21" in html


def test_organiser_adds_an_item_with_a_speaker_from_people(app, client, login, ceremony, make_person):
    login("organiser")
    speaker = make_person("Parviz Musayev")
    response = client.post(f"/events/{ceremony.id}/agenda", data=agenda_form(
        kind="speech", title="Closing words", title_ru="Заключительное слово", speaker_id=str(speaker.id),
        planned_start="11:00", duration_minutes="10", notes="Lectern",
    ))
    item_id = _item_id(app, ceremony.id, "Closing words")
    assert response.headers["Location"] == f"/events/{ceremony.id}/agenda#item-{item_id}"
    with app.app_context():
        item = db.session.get(AgendaItem, item_id)
        assert (item.position, item.kind, item.speaker_id) == (4, "speech", speaker.id)
        assert (item.planned_start, item.duration_minutes, item.notes) == (time(11), 10, "Lectern")
        assert item.text("title", "ru") == "Заключительное слово"


def test_organiser_adds_a_new_person_on_the_spot(app, client, login, ceremony):
    login("organiser")
    client.post(f"/events/{ceremony.id}/agenda", data=agenda_form(
        kind="speech", title="Guest speech", new_speaker_name="Elmira Hasanova",
        new_speaker_rank="colonel", new_speaker_position="Head of the Citizenship Department",
    ))
    with app.app_context():
        person = db.session.execute(db.select(Person)).scalar_one()
        assert (person.full_name, person.rank, person.position) == (
            "Elmira Hasanova", "colonel", "Head of the Citizenship Department")
        item = db.session.get(AgendaItem, _item_id(app, ceremony.id, "Guest speech"))
        assert item.speaker_id == person.id


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"title": "\x00\x1f"}, "title", "This field is required."),
        ({"kind": "dance"}, "kind", "Not a valid choice."),
        ({"speaker_id": "424242"}, "speaker_id", "Not a valid choice."),
        ({"duration_minutes": "0"}, "duration_minutes", "Number must be between 1 and 1440."),
        ({"duration_minutes": "ten"}, "duration_minutes", "Not a valid integer value."),
        ({"planned_start": "25:00"}, "planned_start", "Not a valid time value."),
        ({"new_speaker_rank": "colonel"}, "new_speaker_name", "Give the new person's full name."),
        ({"new_speaker_name": "\x00", "new_speaker_rank": "colonel"}, "new_speaker_name",
         "Give the new person's full name."),
    ],
)
def test_invalid_item_is_refused_with_the_error_beside_its_field(app, client, login, ceremony, overrides,
                                                                 field_id, message):
    login("organiser")
    response = client.post(f"/events/{ceremony.id}/agenda", data=agenda_form(**overrides))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), field_id) == message
    assert len(_agenda(app, ceremony.id)) == 3


def test_choosing_a_speaker_and_adding_a_new_one_is_refused(app, client, login, ceremony, make_person):
    login("organiser")
    speaker = make_person()
    response = client.post(f"/events/{ceremony.id}/agenda", data=agenda_form(
        speaker_id=str(speaker.id), new_speaker_name="Someone Else"))
    assert response.status_code == 422
    assert "not both" in field_error(response.get_data(as_text=True), "new_speaker_name")
    with app.app_context():
        assert len(db.session.execute(db.select(Person)).all()) == 1


def test_organiser_edits_an_item(app, client, login, ceremony):
    login("organiser")
    item_id = _item_id(app, ceremony.id, "Speech")
    page = client.get(f"/events/{ceremony.id}/agenda/{item_id}/edit")
    assert page.status_code == 200 and 'value="Speech"' in page.get_data(as_text=True)
    response = client.post(f"/events/{ceremony.id}/agenda/{item_id}/edit",
                           data=agenda_form(kind="speech", title="Keynote", duration_minutes="25"))
    assert response.headers["Location"] == f"/events/{ceremony.id}/agenda#item-{item_id}"
    assert _agenda(app, ceremony.id) == [(1, "Silence"), (2, "Keynote"), (3, "Review")]


def test_invalid_edit_of_an_item_is_refused(app, client, login, ceremony):
    login("organiser")
    item_id = _item_id(app, ceremony.id, "Speech")
    response = client.post(f"/events/{ceremony.id}/agenda/{item_id}/edit", data=agenda_form(title=""))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "title") == "This field is required."
    assert _agenda(app, ceremony.id)[1] == (2, "Speech")


def test_removing_an_item_closes_the_gap(app, client, login, ceremony):
    login("organiser")
    item_id = _item_id(app, ceremony.id, "Silence")
    response = client.post(f"/events/{ceremony.id}/agenda/{item_id}/delete", data=CONFIRMED)
    assert response.headers["Location"] == f"/events/{ceremony.id}/agenda"
    assert _agenda(app, ceremony.id) == [(1, "Speech"), (2, "Review")]


def test_moving_an_item_up_swaps_it_with_the_one_before(app, client, login, ceremony):
    login("organiser")
    item_id = _item_id(app, ceremony.id, "Review")
    response = client.post(f"/events/{ceremony.id}/agenda/{item_id}/move", data={"direction": "up"})
    assert response.headers["Location"] == f"/events/{ceremony.id}/agenda#item-{item_id}"
    assert _agenda(app, ceremony.id) == [(1, "Silence"), (2, "Review"), (3, "Speech")]


def test_moving_an_item_down_swaps_it_with_the_one_after(app, client, login, ceremony):
    login("organiser")
    item_id = _item_id(app, ceremony.id, "Silence")
    client.post(f"/events/{ceremony.id}/agenda/{item_id}/move", data={"direction": "down"})
    assert _agenda(app, ceremony.id) == [(1, "Speech"), (2, "Silence"), (3, "Review")]


@pytest.mark.parametrize(("title", "direction"), [("Silence", "up"), ("Review", "down")])
def test_moving_past_either_end_changes_nothing(app, client, login, ceremony, title, direction):
    login("organiser")
    item_id = _item_id(app, ceremony.id, title)
    client.post(f"/events/{ceremony.id}/agenda/{item_id}/move", data={"direction": direction})
    assert _agenda(app, ceremony.id) == [(1, "Silence"), (2, "Speech"), (3, "Review")]


def test_moving_in_an_unknown_direction_is_a_bad_request(app, client, login, ceremony):
    login("organiser")
    item_id = _item_id(app, ceremony.id, "Speech")
    assert client.post(f"/events/{ceremony.id}/agenda/{item_id}/move",
                       data={"direction": "sideways"}).status_code == 400


def test_positions_with_gaps_are_mended_by_the_next_change(app, client, login, make_event):
    login("organiser")
    event = make_event(agenda=[{"kind": "other", "title": "A"}, {"kind": "other", "title": "B"}])
    with app.app_context():
        for item in db.session.get(Event, event.id).agenda:
            item.position *= 5  # 5, 10: as two editors at once might leave them
        db.session.commit()
    client.post(f"/events/{event.id}/agenda", data=agenda_form(title="C"))
    assert _agenda(app, event.id) == [(1, "A"), (2, "B"), (3, "C")]


def test_an_item_of_another_event_is_not_found(app, client, login, ceremony, make_event):
    login("organiser")
    other = make_event(title="Other", agenda=[{"kind": "other", "title": "Foreign"}])
    foreign = _item_id(app, other.id, "Foreign")
    assert client.get(f"/events/{ceremony.id}/agenda/{foreign}/edit").status_code == 404
    assert client.post(f"/events/{ceremony.id}/agenda/{foreign}/delete", data=CONFIRMED).status_code == 404
    assert client.post(f"/events/{ceremony.id}/agenda/{foreign}/move", data={"direction": "up"}).status_code == 404
    assert _agenda(app, other.id) == [(1, "Foreign")]


def test_run_of_show_counts_from_the_start_and_planned_times(app, make_event):
    event = make_event(
        starts_at=baku(2012, 2, 25, 10),
        ends_at=baku(2012, 2, 25, 12),
        agenda=[
            {"kind": "silence", "title": "A", "duration_minutes": 1},
            {"kind": "speech", "title": "B", "duration_minutes": 20},
            {"kind": "other", "title": "C"},
            {"kind": "other", "title": "D", "duration_minutes": 5},
            {"kind": "other", "title": "E", "planned_start": time(11, 0), "duration_minutes": 30},
            {"kind": "other", "title": "F"},
        ],
    )
    with app.app_context():
        entries = run_of_show(db.session.get(Event, event.id))
        times = [(e.starts_at and e.starts_at.strftime("%H:%M"), e.ends_at and e.ends_at.strftime("%H:%M"))
                 for e in entries]
    assert times == [("10:00", "10:01"), ("10:01", "10:21"), ("10:21", None), (None, None),
                     ("11:00", "11:30"), ("11:30", None)]


def test_run_of_show_is_in_the_events_time_zone(app, make_event):
    event = make_event(starts_at=baku(2012, 2, 25, 10), ends_at=baku(2012, 2, 25, 11), timezone="Europe/Berlin",
                       agenda=[{"kind": "other", "title": "A", "planned_start": time(8, 0)}])
    with app.app_context():
        entry = run_of_show(db.session.get(Event, event.id))[0]
    assert str(entry.starts_at.tzinfo) == "Europe/Berlin" and entry.starts_at.hour == 8


def test_run_of_show_page_is_printable_for_everyone_who_sees_the_event(client, login, ceremony):
    login("press")
    response = client.get(f"/events/{ceremony.id}/run-of-show")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "10:01–10:21" in html and "Review" in html
    assert "Edit agenda" not in html


@pytest.mark.parametrize("role", ["press", "representative"])
def test_only_organisers_edit_the_agenda(app, client, login, ceremony, role):
    login(role)
    item_id = _item_id(app, ceremony.id, "Speech")
    base = f"/events/{ceremony.id}/agenda"
    assert client.get(base).status_code == 403
    assert client.post(base, data=agenda_form()).status_code == 403
    assert client.get(f"{base}/{item_id}/edit").status_code == 403
    assert client.post(f"{base}/{item_id}/edit", data=agenda_form(title="X")).status_code == 403
    assert client.post(f"{base}/{item_id}/delete", data=CONFIRMED).status_code == 403
    assert client.post(f"{base}/{item_id}/move", data={"direction": "up"}).status_code == 403
    assert _agenda(app, ceremony.id) == [(1, "Silence"), (2, "Speech"), (3, "Review")]


def test_removing_an_item_asks_first_and_an_unconfirmed_post_changes_nothing(app, client, login, ceremony):
    login("organiser")
    item_id = _item_id(app, ceremony.id, "Silence")
    response = client.post(f"/events/{ceremony.id}/agenda/{item_id}/delete")
    assert_asks(response, "Remove “Silence” from the agenda?", f"/events/{ceremony.id}/agenda#item-{item_id}")
    assert _agenda(app, ceremony.id) == [(1, "Silence"), (2, "Speech"), (3, "Review")]
    editor = client.get(f"/events/{ceremony.id}/agenda").get_data(as_text=True)
    assert 'data-confirm="Remove “Silence” from the agenda?" data-confirm-yes="Yes, remove"' in unescape(editor)


def test_a_speaker_must_be_in_the_directory_whoever_stores_the_item(app, ceremony, make_person):
    """The rule is the services' (the page's select and the API both end there), not a view's."""
    speaker = make_person()
    with app.app_context():
        event = db.session.get(Event, ceremony.id)
        unknown = AgendaItemDetails(kind="speech", title="Speech", speaker_id=424242)
        known = AgendaItemDetails(kind="speech", title="Speech", speaker_id=speaker.id)
        for store in (lambda: add_agenda_item(event, unknown), lambda: replace_agenda(event, [known, unknown])):
            with pytest.raises(EventError) as caught:
                store()
            assert caught.value.field == "speaker_id"
        assert [[p.field for p in problems] for problems in agenda_problems([known, unknown])] == [[], ["speaker_id"]]
        db.session.rollback()
    assert len(_agenda(app, ceremony.id)) == 3
