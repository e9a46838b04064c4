"""``/api/v1/series``: the series pages' rules through the API."""

from __future__ import annotations

from tests.api.conftest import ApiClient
from tests.helpers import baku


def _new_series(api: ApiClient, **fields: object) -> dict:
    body = {"title": {"az": "Faciənin 20-ci ildönümü", "en": "20th anniversary"}, **fields}
    response = api.post("/api/v1/series", json=body)
    assert response.status_code == 201, response.json
    return response.json


def test_organiser_creates_reads_and_changes_a_series(api_client):
    api = api_client("organiser")
    created = _new_series(api, commemorated_on="1992-02-26", description={"en": "Events of 2012"})
    assert set(created) == {"id", "title", "description", "commemorated_on"}
    assert created["commemorated_on"] == "1992-02-26"
    assert created["description"] == {"en": "Events of 2012"}
    read = api.get(f"/api/v1/series/{created['id']}")
    assert read.status_code == 200
    assert read.json["events"] == [] and read.json["events_next_cursor"] is None
    changed = api.patch(f"/api/v1/series/{created['id']}", json={"title": {"ru": "20-я годовщина"},
                                                                  "commemorated_on": None},
                        headers={"If-Match": read.headers["ETag"]})
    assert changed.status_code == 200, changed.json
    assert changed.json["title"] == {"az": "Faciənin 20-ci ildönümü", "en": "20th anniversary",
                                     "ru": "20-я годовщина"}
    assert changed.json["commemorated_on"] is None
    assert changed.headers["ETag"] != read.headers["ETag"]
    assert api.get(f"/api/v1/series/{created['id']}").headers["ETag"] == changed.headers["ETag"]


def test_a_change_needs_the_current_etag(api_client):
    api = api_client("organiser")
    series = _new_series(api)
    path = f"/api/v1/series/{series['id']}"
    etag = api.get(path).headers["ETag"]
    assert api.patch(path, json={"commemorated_on": "1992-02-26"}).status_code == 428
    assert api.patch(path, json={"commemorated_on": "1992-02-26"}, headers={"If-Match": etag}).status_code == 200
    stale = api.patch(path, json={"commemorated_on": None}, headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.content_type == "application/problem+json"
    assert api.get(path).json["commemorated_on"] == "1992-02-26"


def test_the_etag_is_the_series_own_not_its_events(api_client, make_series, make_event):
    series = make_series()
    api = api_client("organiser")
    etag = api.get(f"/api/v1/series/{series.id}").headers["ETag"]
    make_event(series_id=series.id)
    assert api.get(f"/api/v1/series/{series.id}").headers["ETag"] == etag


def test_unknown_fields_and_the_forms_rules_are_422_problems(api_client):
    api = api_client("organiser")
    for body, field in (({"title": {"az": "X"}, "colour": "red"}, "colour"),
                        ({"title": {"az": "X"}, "id": 5}, "id"),
                        ({"title": {"en": "Only English"}}, "title"),
                        ({"title": {"az": "   "}}, "title"),
                        ({"title": {"az": "X"}, "commemorated_on": "0001-01-01"}, "commemorated_on"),
                        ({"title": {"az": "X"}, "commemorated_on": "26.02.1992"}, "commemorated_on"),
                        ({"title": {"az": "X" * 301}}, "title")):
        refused = api.post("/api/v1/series", json=body)
        assert refused.status_code == 422, (body, refused.json)
        assert refused.content_type == "application/problem+json"
        # A text too long is named down to its language ("title.az.value").
        assert any(name.split(".")[0] == field for name in refused.json["errors"]), refused.json
    series = _new_series(api)
    path = f"/api/v1/series/{series['id']}"
    etag = api.get(path).headers["ETag"]
    refused = api.patch(path, json={"title": {"az": ""}}, headers={"If-Match": etag})
    assert refused.status_code == 422 and "title" in refused.json["errors"]


def test_a_series_shows_the_events_the_caller_may_see_a_page_at_most(api_client, make_series, make_event):
    series = make_series()
    draft = make_event(series_id=series.id, status="draft", starts_at=baku(2012, 2, 1, 10),
                       ends_at=baku(2012, 2, 1, 11))
    published = [make_event(series_id=series.id, starts_at=baku(2012, 2, 2, 10) + n * (baku(2012, 1, 2) -
                                                                                    baku(2012, 1, 1)),
                            ends_at=baku(2012, 2, 2, 11) + n * (baku(2012, 1, 2) - baku(2012, 1, 1)))
                 for n in range(50)]
    make_event(status="scheduled")  # another series' (none)
    organiser = api_client("organiser").get(f"/api/v1/series/{series.id}").json
    assert [event["id"] for event in organiser["events"]] == [draft.id] + [e.id for e in published[:49]]
    rest = api_client("organiser").get("/api/v1/events", query_string={"series_id": series.id,
                                                                       "cursor": organiser["events_next_cursor"]})
    assert [event["id"] for event in rest.json["items"]] == [published[49].id]
    representative = api_client("representative").get(f"/api/v1/series/{series.id}").json
    assert [event["id"] for event in representative["events"]] == [e.id for e in published]
    assert representative["events_next_cursor"] is None
    assert representative["events"][0]["anniversary"]["number"] == 20


def test_every_role_reads_only_organisers_and_admins_write(api_client, client, make_series):
    series = make_series()
    for role in ("press", "representative", "organiser", "admin"):
        api = api_client(role)
        assert api.get("/api/v1/series").status_code == 200
        read = api.get(f"/api/v1/series/{series.id}")
        assert read.status_code == 200
        if role in ("press", "representative"):
            assert api.post("/api/v1/series", json={"title": {"az": "X"}}).status_code == 403
            assert api.patch(f"/api/v1/series/{series.id}", json={"title": {"az": "Y"}},
                             headers={"If-Match": read.headers["ETag"]}).status_code == 403
        else:
            _new_series(api)
    assert client.get("/api/v1/series").status_code == 401
    assert client.get(f"/api/v1/series/{series.id}").status_code == 401
    assert api_client("organiser").get("/api/v1/series/999999").status_code == 404
    assert api_client("organiser").get(f"/api/v1/series/{2**40}").status_code == 404


def test_the_list_pages_with_a_cursor_in_a_stable_order(api_client):
    api = api_client("organiser")
    made = [_new_series(api, title={"az": f"Seriya {n}"})["id"] for n in range(5)]
    seen, cursor = [], None
    while True:
        page = api.get("/api/v1/series", query_string={"limit": 2, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200
        assert len(page.json["items"]) <= 2
        seen += [item["id"] for item in page.json["items"]]
        cursor = page.json["next_cursor"]
        if cursor is None:
            break
    assert seen == made
    assert api.get("/api/v1/series", query_string={"cursor": "garbage!"}).status_code == 422
    assert api.get("/api/v1/series", query_string={"limit": 0}).status_code == 422
