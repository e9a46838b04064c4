"""``/api/v1/events``: the event pages' rules and visibility through the API."""

from __future__ import annotations

from datetime import date

import pytest

from tests.api.conftest import ApiClient
from tests.helpers import baku, count_queries
from tracker.extensions import db
from tracker.models import Event, OutboxMessage


def _body(**fields: object) -> dict:
    return {"title": {"az": "Anım mərasimi", "en": "Commemoration ceremony"}, "kind": "ceremony",
            "venue_id": None, "starts_at": "2012-02-25T10:00:00", "ends_at": "2012-02-25T11:30:00", **fields}


def _new_event(api: ApiClient, **fields: object) -> dict:
    response = api.post("/api/v1/events", json=_body(**fields))
    assert response.status_code == 201, response.json
    return response.json


def test_organiser_creates_an_event_with_every_field(api_client, make_venue, make_person, make_series):
    venue, person = make_venue(), make_person()
    series = make_series(commemorated_on=date(1992, 2, 26))
    api = api_client("organiser")
    created = _new_event(api, kind="exhibition", venue_id=venue.id, series_id=series.id,
                         starts_at="2012-02-22T09:00:00", ends_at="2012-03-01T18:00:00",
                         daily_hours={"opens": "09:00", "closes": "18:00"}, languages=["en", "az", "ru"],
                         presiding_person_id=person.id, answer_deadline="2012-02-20T18:00:00",
                         description={"az": "Sərgi"}, status="scheduled", public=True)
    assert set(created) >= {"id", "uid", "sequence", "status", "anniversary", "title", "kind", "venue_id",
                            "starts_at", "ends_at", "timezone", "description", "series_id", "daily_hours",
                            "languages", "presiding_person_id", "answer_deadline"}
    assert created["sequence"] == 0 and created["status"] == "scheduled"
    assert created["timezone"] == "Asia/Baku"
    assert created["starts_at"] == "2012-02-22T09:00:00+04:00"
    assert created["daily_hours"] == {"opens": "09:00:00", "closes": "18:00:00"}
    assert created["languages"] == ["az", "ru", "en"]
    assert created["presiding_person_id"] == person.id
    assert created["anniversary"] == {"number": 20, "label": {"az": "20-ci", "ru": "20-я", "en": "20th"}}


def test_a_time_without_offset_is_local_to_the_events_zone(app, api_client):
    api = api_client("organiser")
    baku_event = _new_event(api)
    london = _new_event(api, timezone="Europe/London", starts_at="2012-07-01T10:00:00",
                        ends_at="2012-07-01T11:00:00")
    with_offset = _new_event(api, starts_at="2012-02-25T06:00:00Z", ends_at="2012-02-25T07:30:00+00:00")
    with app.app_context():
        assert db.session.get(Event, baku_event["id"]).starts_at == baku(2012, 2, 25, 10)
        assert db.session.get(Event, london["id"]).starts_at.isoformat() == "2012-07-01T09:00:00+00:00"
        assert db.session.get(Event, with_offset["id"]).starts_at == baku(2012, 2, 25, 10)
    assert london["starts_at"] == "2012-07-01T10:00:00+01:00"
    assert with_offset["starts_at"] == "2012-02-25T10:00:00+04:00"


def test_an_event_without_a_commemorated_date_has_no_anniversary(api_client, make_series):
    api = api_client("organiser")
    assert _new_event(api)["anniversary"] is None
    series = make_series(commemorated_on=None)
    assert _new_event(api, series_id=series.id)["anniversary"] is None


@pytest.mark.parametrize(("fields", "field"), [
    ({"ends_at": "2012-02-25T09:00:00"}, "ends_at"),
    ({"ends_at": "2012-02-24T11:30:00"}, "ends_at"),
    ({"venue_id": 999_999}, "venue_id"),
    ({"venue_id": 2**40}, "venue_id"),
    ({"series_id": 999_999}, "series_id"),
    ({"presiding_person_id": 999_999}, "presiding_person_id"),
    ({"answer_deadline": "2012-02-26T00:00:00"}, "answer_deadline"),
    ({"daily_hours": {"opens": "09:00", "closes": "18:00"}}, "daily_hours"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"timezone": "Asia"}, "timezone"),
    ({"starts_at": "0001-01-01T00:00:00"}, "starts_at"),
    ({"ends_at": "9999-12-31T23:59:00-12:00"}, "ends_at"),
    ({"kind": "party"}, "kind"),
    ({"status": "postponed"}, "status"),
    ({"languages": ["de"]}, "languages"),
    ({"title": {"en": "Only English"}}, "title"),
    ({"starts_at": "yesterday"}, "starts_at"),
    ({"colour": "red"}, "colour"),
    ({"uid": "mine@example.org"}, "uid"),
])
def test_what_the_form_refuses_is_a_422_beside_the_apis_field(app, api_client, fields, field):
    refused = api_client("organiser").post("/api/v1/events", json=_body(**fields))
    assert refused.status_code == 422, refused.json
    assert refused.content_type == "application/problem+json"
    assert field in refused.json["errors"], refused.json
    with app.app_context():
        assert db.session.query(Event).count() == 0


def test_reading_shows_each_role_what_the_pages_show(api_client, make_event):
    draft = make_event(status="draft")
    scheduled = make_event(status="scheduled")
    for role in ("organiser", "admin"):
        api = api_client(role)
        assert api.get(f"/api/v1/events/{draft.id}").status_code == 200
        assert {item["id"] for item in api.get("/api/v1/events").json["items"]} == {draft.id, scheduled.id}
    for role in ("press", "representative"):
        api = api_client(role)
        missing = api.get(f"/api/v1/events/{draft.id}")
        assert missing.status_code == 404 and missing.content_type == "application/problem+json"
        assert api.get(f"/api/v1/events/{scheduled.id}").status_code == 200
        assert [item["id"] for item in api.get("/api/v1/events").json["items"]] == [scheduled.id]
        assert api.get("/api/v1/events", query_string={"status": "draft"}).json["items"] == []
    assert api_client("organiser").get("/api/v1/events/999999").status_code == 404
    assert api_client("organiser").get(f"/api/v1/events/{2**40}").status_code == 404


def test_only_organisers_and_admins_write(api_client, client, make_event):
    event = make_event()
    for role in ("press", "representative"):
        api = api_client(role)
        etag = api.get(f"/api/v1/events/{event.id}").headers["ETag"]
        assert api.post("/api/v1/events", json=_body()).status_code == 403
        assert api.patch(f"/api/v1/events/{event.id}", json={"status": "cancelled"},
                         headers={"If-Match": etag}).status_code == 403
    assert client.get("/api/v1/events").status_code == 401
    assert client.get(f"/api/v1/events/{event.id}").status_code == 401
    assert _new_event(api_client("admin"))["status"] == "draft"


def test_filters_narrow_the_list(api_client, make_event, make_series):
    series = make_series()
    in_series = make_event(series_id=series.id, starts_at=baku(2012, 2, 25, 10), ends_at=baku(2012, 2, 25, 11))
    exhibition = make_event(kind="exhibition", starts_at=baku(2012, 2, 22, 9), ends_at=baku(2012, 3, 1, 18))
    cancelled = make_event(status="cancelled", starts_at=baku(2013, 2, 25, 10), ends_at=baku(2013, 2, 25, 11))
    api = api_client("representative")

    def ids(**query: object) -> list[int]:
        response = api.get("/api/v1/events", query_string=query)
        assert response.status_code == 200, response.json
        return [item["id"] for item in response.json["items"]]

    assert ids() == [exhibition.id, in_series.id, cancelled.id]
    assert ids(series_id=series.id) == [in_series.id]
    assert ids(kind="exhibition") == [exhibition.id]
    assert ids(status="cancelled") == [cancelled.id]
    assert ids(**{"from": "2012-02-26"}) == [exhibition.id, cancelled.id]
    assert ids(to="2012-02-24") == [exhibition.id]
    assert ids(**{"from": "2012-02-25", "to": "2012-02-25"}) == [exhibition.id, in_series.id]
    for bad in ({"from": "2012-03-01", "to": "2012-02-01"}, {"kind": "party"}, {"from": "0001-01-01"},
                {"from": "someday"}, {"when": "past"}):
        refused = api.get("/api/v1/events", query_string=bad)
        assert refused.status_code == 422, (bad, refused.json)


def test_the_list_pages_with_a_cursor_in_a_stable_order(api_client, make_event):
    # Two events at the same start: the id breaks the tie, so no page repeats or skips one.
    made = [make_event(title=f"E{n}", starts_at=baku(2012, 2, 20 + n // 2, 10), ends_at=baku(2012, 2, 20 + n // 2, 11))
            for n in range(7)]
    api = api_client("organiser")
    seen, cursor = [], None
    while True:
        page = api.get("/api/v1/events", query_string={"limit": 2, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200
        assert len(page.json["items"]) <= 2
        seen += [item["id"] for item in page.json["items"]]
        if cursor is not None:
            make_event(title="Earlier", starts_at=baku(2011, 1, 1, 10), ends_at=baku(2011, 1, 1, 11))
        cursor = page.json["next_cursor"]
        if cursor is None:
            break
    assert seen == [event.id for event in made]
    assert api.get("/api/v1/events", query_string={"cursor": "garbage!"}).status_code == 422
    assert api.get("/api/v1/events", query_string={"limit": 201}).status_code == 422


def test_a_change_needs_the_current_etag_and_moves_the_event(app, api_client, make_event):
    event = make_event(starts_at=baku(2012, 2, 25, 10), ends_at=baku(2012, 2, 25, 11, 30))
    api = api_client("organiser")
    read = api.get(f"/api/v1/events/{event.id}")
    etag = read.headers["ETag"]
    change = {"starts_at": "2012-02-25T11:00:00", "ends_at": "2012-02-25T12:30:00"}
    assert api.patch(f"/api/v1/events/{event.id}", json=change).status_code == 428
    moved = api.patch(f"/api/v1/events/{event.id}", json=change, headers={"If-Match": etag})
    assert moved.status_code == 200, moved.json
    assert moved.json["starts_at"] == "2012-02-25T11:00:00+04:00"
    assert moved.json["sequence"] == 1
    assert moved.headers["ETag"] != etag
    stale = api.patch(f"/api/v1/events/{event.id}", json={"title": {"en": "Late"}}, headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.content_type == "application/problem+json"
    texts = api.patch(f"/api/v1/events/{event.id}", json={"title": {"ru": "Церемония"}},
                      headers={"If-Match": moved.headers["ETag"]})
    assert texts.status_code == 200
    assert texts.json["title"]["ru"] == "Церемония" and texts.json["title"]["az"] == read.json["title"]["az"]
    with app.app_context():
        assert db.session.get(Event, event.id).ends_at == baku(2012, 2, 25, 12, 30)


def test_a_change_the_form_would_refuse_is_a_422_and_changes_nothing(app, api_client, make_event):
    event = make_event(starts_at=baku(2012, 2, 25, 10), ends_at=baku(2012, 2, 25, 11, 30))
    api = api_client("organiser")
    etag = api.get(f"/api/v1/events/{event.id}").headers["ETag"]
    for change, field in (({"ends_at": "2012-02-25T09:00:00"}, "ends_at"), ({"venue_id": 424242}, "venue_id"),
                          ({"sequence": 9}, "sequence"), ({"colour": "red"}, "colour")):
        refused = api.patch(f"/api/v1/events/{event.id}", json=change, headers={"If-Match": etag})
        assert refused.status_code == 422 and field in refused.json["errors"], refused.json
    with app.app_context():
        assert db.session.get(Event, event.id).ends_at == baku(2012, 2, 25, 11, 30)


def test_a_new_series_brings_its_anniversary(api_client, make_event, make_series):
    event = make_event(starts_at=baku(2027, 2, 25, 10), ends_at=baku(2027, 2, 25, 11))
    series = make_series(commemorated_on=date(1992, 2, 26))
    api = api_client("organiser")
    etag = api.get(f"/api/v1/events/{event.id}").headers["ETag"]
    changed = api.patch(f"/api/v1/events/{event.id}", json={"series_id": series.id}, headers={"If-Match": etag})
    assert changed.status_code == 200, changed.json
    assert changed.json["anniversary"] == {"number": 35, "label": {"az": "35-ci", "ru": "35-я", "en": "35th"}}


def test_cancelling_queues_a_cancellation_to_every_invited_unit(app, api_client, make_event, make_unit,
                                                               make_invitation):
    event = make_event()
    for unit in (make_unit(), make_unit()):
        make_invitation(event, unit)
    api = api_client("organiser")
    etag = api.get(f"/api/v1/events/{event.id}").headers["ETag"]
    cancelled = api.patch(f"/api/v1/events/{event.id}", json={"status": "cancelled"}, headers={"If-Match": etag})
    assert cancelled.status_code == 200, cancelled.json
    assert (cancelled.json["status"], cancelled.json["sequence"]) == ("cancelled", 1)
    with app.app_context():
        kinds = [message.kind for message in db.session.query(OutboxMessage)]
    assert kinds == ["cancellation", "cancellation"]


def test_the_list_makes_as_many_statements_for_many_events_as_for_few(app, api_client, make_event, make_series,
                                                                     make_venue):
    series, venue = make_series(), make_venue()
    api = api_client("representative")

    def add(n: int) -> None:
        for _ in range(n):
            make_event(series_id=series.id, venue_id=venue.id)

    add(3)
    assert api.get("/api/v1/events").status_code == 200
    with count_queries(app) as few:
        assert api.get("/api/v1/events").status_code == 200
        assert api.get(f"/api/v1/series/{series.id}").status_code == 200
    add(20)
    with count_queries(app) as many:
        assert api.get("/api/v1/events").status_code == 200
        assert api.get(f"/api/v1/series/{series.id}").status_code == 200
    assert few.count == many.count, many.statements


def test_an_overlap_in_the_same_venue_is_refused_unless_allowed_as_on_the_page(app, api_client, make_event,
                                                                               make_venue):
    venue = make_venue()
    other = make_event(venue_id=venue.id, starts_at=baku(2012, 2, 25, 10, 30), ends_at=baku(2012, 2, 25, 12))
    api = api_client("organiser")
    refused = api.post("/api/v1/events", json=_body(venue_id=venue.id))
    assert refused.status_code == 409 and refused.content_type == "application/problem+json"
    assert refused.json["clashes"] == [{"event_id": other.id, "venue_id": venue.id, "person_id": None}]
    assert "Commemoration ceremony" in refused.json["detail"]
    with app.app_context():
        assert db.session.query(Event).count() == 1
    created = _new_event(api, venue_id=venue.id, allow_overlaps=True)
    assert "allow_overlaps" not in created
    etag = api.get(f"/api/v1/events/{created['id']}").headers["ETag"]
    assert api.patch(f"/api/v1/events/{created['id']}", json={"title": {"az": "Yeni"}},
                     headers={"If-Match": etag}).status_code == 409
    assert api.patch(f"/api/v1/events/{created['id']}", json={"starts_at": "2012-02-25T08:00:00",
                                                              "ends_at": "2012-02-25T09:00:00"},
                     headers={"If-Match": etag}).status_code == 200
