"""``/api/v1/events/{id}/agenda``: the agenda page's rules through the API."""

from __future__ import annotations

from tracker.extensions import db
from tracker.models import AgendaItem, Event, OutboxMessage

ITEMS = [
    {"kind": "opening", "title": {"az": "Açılış", "en": "Opening"}, "starts_at": "10:00", "duration_minutes": 5},
    {"kind": "silence", "title": {"az": "Sükut dəqiqəsi"}, "duration_minutes": 1},
    {"kind": "speech", "title": {"az": "Çıxış"}, "notes": "Lectern left"},
]


def _url(event) -> str:
    return f"/api/v1/events/{event.id}/agenda"


def _put(api, event, items, etag=None):
    etag = etag or api.get(_url(event)).headers["ETag"]
    return api.put(_url(event), json=items, headers={"If-Match": etag})


def test_organiser_replaces_the_agenda_in_order(app, api_client, make_event, make_person):
    api = api_client("organiser")
    speaker = make_person()
    event = make_event(agenda=[{"kind": "other", "title": "Old item"}])
    items = [*ITEMS[:2], {**ITEMS[2], "speaker_id": speaker.id}]
    response = _put(api, event, items)
    assert response.status_code == 200, response.json
    assert response.json["next_cursor"] is None
    answered = response.json["items"]
    assert [item["kind"] for item in answered] == ["opening", "silence", "speech"]
    assert answered[0]["title"] == {"az": "Açılış", "en": "Opening"}
    assert answered[0]["starts_at"].startswith("10:00")
    assert answered[2]["speaker_id"] == speaker.id and answered[2]["notes"] == "Lectern left"
    read = api.get(_url(event))
    assert read.json == response.json and read.headers["ETag"] == response.headers["ETag"]
    shorter = _put(api, event, [ITEMS[1]])
    assert shorter.status_code == 200
    with app.app_context():
        stored = db.session.execute(db.select(AgendaItem).where(AgendaItem.event_id == event.id)).scalars().all()
        assert [(item.position, item.kind) for item in stored] == [(1, "silence")]


def test_replacing_the_agenda_changes_the_sequence_as_the_page_does(app, api_client, make_event):
    """The agenda page leaves SEQUENCE alone and queues nothing; so does a PUT."""
    api = api_client("organiser")
    event = make_event(sequence=2)
    assert _put(api, event, ITEMS).status_code == 200
    with app.app_context():
        assert db.session.get(Event, event.id).sequence == 2
        assert db.session.execute(db.select(db.func.count(OutboxMessage.id))).scalar_one() == 0


def test_an_empty_list_clears_the_agenda(api_client, make_event):
    api = api_client("admin")
    event = make_event(agenda=[{"kind": "speech", "title": "Speech"}])
    response = _put(api, event, [])
    assert response.status_code == 200 and response.json == {"items": [], "next_cursor": None}


def test_a_change_needs_the_current_etag(api_client, make_event):
    api = api_client("organiser")
    event = make_event()
    etag = api.get(_url(event)).headers["ETag"]
    assert api.put(_url(event), json=ITEMS).status_code == 428
    assert _put(api, event, ITEMS, etag).status_code == 200
    stale = _put(api, event, ITEMS[:1], etag)
    assert stale.status_code == 412
    assert stale.content_type == "application/problem+json"
    assert len(api.get(_url(event)).json["items"]) == 3


def test_items_the_rules_refuse_are_422_beside_their_field(api_client, make_event):
    api = api_client("organiser")
    event = make_event()
    unknown = _put(api, event, [{**ITEMS[0], "colour": "red"}])
    assert unknown.status_code == 422 and "0.colour" in unknown.json["errors"]
    no_primary = _put(api, event, [ITEMS[0], {"kind": "speech", "title": {"en": "Speech"}}])
    assert no_primary.status_code == 422 and "1.title" in no_primary.json["errors"]
    blank = _put(api, event, [{"kind": "speech", "title": {"az": "   "}}])
    assert blank.status_code == 422 and "0.title" in blank.json["errors"]
    kind = _put(api, event, [{"kind": "dance", "title": {"az": "Rəqs"}}])
    assert kind.status_code == 422 and "0.kind" in kind.json["errors"]
    too_long = _put(api, event, [ITEMS[0], {**ITEMS[1], "duration_minutes": 24 * 60 + 1}])
    assert too_long.status_code == 422 and "1.duration_minutes" in too_long.json["errors"]
    nobody = _put(api, event, [{**ITEMS[2], "speaker_id": 999_999}])
    assert nobody.status_code == 422 and "0.speaker_id" in nobody.json["errors"]
    not_a_list = _put(api, event, {"kind": "speech"})
    assert not_a_list.status_code == 422
    assert api.get(_url(event)).json["items"] == []


def test_everyone_who_may_see_the_event_reads_its_agenda(api_client, make_event):
    event = make_event(agenda=[{"kind": "speech", "title": "Speech"}])
    draft = make_event(status="draft")
    for role in ("organiser", "admin", "press", "representative"):
        api = api_client(role)
        response = api.get(_url(event))
        assert response.status_code == 200, role
        assert response.json["items"][0]["title"] == {"az": "Speech"}
        assert response.headers["ETag"]
    assert api_client("organiser").get(_url(draft)).status_code == 200
    for role in ("press", "representative"):
        assert api_client(role).get(_url(draft)).status_code == 404


def test_only_organisers_change_the_agenda(api_client, client, make_event):
    event = make_event()
    assert client.get(_url(event)).status_code == 401
    for role in ("press", "representative"):
        api = api_client(role)
        refused = api.put(_url(event), json=ITEMS, headers={"If-Match": api.get(_url(event)).headers["ETag"]})
        assert refused.status_code == 403
    assert api_client("organiser").get("/api/v1/events/999999/agenda").status_code == 404
