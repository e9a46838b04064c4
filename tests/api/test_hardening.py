"""The API core refuses what it cannot trust: forged cursors, unreadable or non-JSON bodies, numbers that are not
whole, texts of control characters only, ``If-Match: *``; agenda answers as a list; idempotency keys see JSON."""

from __future__ import annotations

import base64
import json

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import Person, Unit, Venue

UNITS = "/api/v1/units"


def _units(api, count: int) -> None:
    for n in range(count):
        response = api.post(UNITS, json={"code": f"U{n}", "name": {"az": f"Bölmə {n}"}})
        assert response.status_code == 201, response.json


def _forged(values) -> str:
    """A cursor as the unsigned lists wrote them: base64 of the JSON values."""
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _cursor_refused(response) -> bool:
    return (response.status_code == 422 and response.content_type == "application/problem+json"
            and "cursor" in response.json["errors"])


# --- 1: cursors are signed for their list --------------------------------------------------------------------


@pytest.mark.parametrize("values", [[1, 2], ["x", "y"], [2**62, 1], [1.5, 2], [{"d": "2024-01-01T00:00:00"}, 1],
                                    ["U1", "x"], [None, None]])
def test_a_cursor_not_signed_by_the_list_is_a_422_on_cursor(api_client, values):
    api = api_client("organiser")
    _units(api, 3)
    for path in (UNITS, "/api/v1/events", "/api/v1/people", "/api/v1/venues", "/api/v1/series"):
        assert _cursor_refused(api.get(path, query_string={"cursor": _forged(values)})), path


def test_a_tampered_cursor_or_one_from_another_list_is_a_422(api_client, make_person):
    api = api_client("organiser")
    _units(api, 3)
    for n in range(3):
        make_person(full_name=f"Şəxs {n}")
    unit_cursor = api.get(UNITS, query_string={"limit": 1}).json["next_cursor"]
    person_cursor = api.get("/api/v1/people", query_string={"limit": 1}).json["next_cursor"]
    assert unit_cursor and person_cursor
    following = api.get(UNITS, query_string={"limit": 1, "cursor": unit_cursor})
    assert following.status_code == 200 and following.json["items"][0]["code"] == "U1"
    # another list's cursor, though its values have the right shape for this list's columns
    assert _cursor_refused(api.get(UNITS, query_string={"cursor": person_cursor}))
    assert _cursor_refused(api.get("/api/v1/people", query_string={"cursor": unit_cursor}))
    payload, _, signature = unit_cursor.rpartition(".")
    changed = _forged(["U2", 2])
    assert _cursor_refused(api.get(UNITS, query_string={"cursor": f"{changed}.{signature}"}))
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    assert _cursor_refused(api.get(UNITS, query_string={"cursor": f"{payload}.{flipped}"}))


def test_a_long_cyrillic_name_still_pages(api_client, make_person):
    api = api_client("organiser")
    for letter in "ЖЗ":
        make_person(full_name=letter * 200)
    first = api.get("/api/v1/people", query_string={"limit": 1})
    assert first.status_code == 200 and first.json["next_cursor"]
    second = api.get("/api/v1/people", query_string={"limit": 1, "cursor": first.json["next_cursor"]})
    assert second.status_code == 200, second.json
    assert second.json["items"][0]["full_name"]["az"] == "З" * 200


# --- 3 and 4: bodies that cannot be read, or are not JSON ----------------------------------------------------


@pytest.mark.parametrize("body", ["[" * 100_000 + "]" * 100_000,
                                  '{"code": "X", "name": {"az": "X"}, "n": ' + "1" * 5000 + "}",
                                  '{"code": '])
def test_a_body_json_cannot_read_is_a_400_problem(app, api_client, body):
    api = api_client("organiser")
    response = api.post(UNITS, data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Unit)).scalar_one() == 0


def test_a_body_that_is_not_json_is_a_415_not_ignored(app, api_client):
    api = api_client("organiser")
    _units(api, 1)
    etag = api.get(f"{UNITS}/U0").headers["ETag"]
    body = json.dumps({"active": False})
    for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
        response = api.patch(f"{UNITS}/U0", data=body, headers={"If-Match": etag},
                             **({"content_type": content_type} if content_type else {}))
        assert response.status_code == 415, content_type
        assert response.content_type == "application/problem+json"
    assert api.post(UNITS, data=json.dumps({"code": "T", "name": {"az": "T"}}),
                    content_type="text/plain").status_code == 415
    assert api.get(f"{UNITS}/U0").json["active"] is True
    # JSON under a +json type is JSON
    changed = api.patch(f"{UNITS}/U0", data=body, headers={"If-Match": etag},
                        content_type="application/merge-patch+json")
    assert changed.status_code == 200 and changed.json["active"] is False


def test_a_missing_body_where_one_is_required_stays_422(api_client):
    api = api_client("organiser")
    for content_type in ("application/json", "text/plain"):
        response = api.post(UNITS, data="", content_type=content_type)
        assert response.status_code == 422, content_type
        assert {"code", "name"} <= set(response.json["errors"])


# --- 5: whole numbers are whole numbers ----------------------------------------------------------------------


@pytest.mark.parametrize("capacity", [5.5, 5.0, "12", True, "5"])
def test_a_number_that_is_not_a_json_integer_is_refused(app, api_client, capacity):
    api = api_client("organiser")
    response = api.post("/api/v1/venues", json={"name": {"az": "Zal"}, "capacity": capacity})
    assert response.status_code == 422
    assert "capacity" in response.json["errors"]
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Venue)).scalar_one() == 0


def test_a_json_integer_is_taken(api_client):
    api = api_client("organiser")
    response = api.post("/api/v1/venues", json={"name": {"az": "Zal"}, "capacity": 12})
    assert response.status_code == 201 and response.json["capacity"] == 12


@pytest.mark.parametrize("limit", ["1.5", "2.0", "", " 2", "2 ", "1e1", "٢", "+", "9" * 5000])
def test_a_query_number_is_whole_number_text(api_client, limit):
    api = api_client("organiser")
    response = api.get(UNITS, query_string={"limit": limit})
    assert response.status_code == 422 and "limit" in response.json["errors"]


def test_whole_number_text_in_a_query_is_a_number(api_client, make_series):
    api = api_client("organiser")
    _units(api, 3)
    assert len(api.get(UNITS, query_string={"limit": "2"}).json["items"]) == 2
    series = make_series()
    assert api.get("/api/v1/events", query_string={"series_id": str(series.id)}).status_code == 200
    assert api.get("/api/v1/events", query_string={"series_id": "1.0"}).status_code == 422


# --- 6 (API): a text of control characters only is empty -----------------------------------------------------


@pytest.mark.parametrize("name", ["\u0000", "\u0000\u0007\u001f", " \u0000 \u007f "])
def test_a_text_of_control_characters_only_counts_as_empty(app, api_client, name):
    api = api_client("organiser")
    response = api.post("/api/v1/people", json={"full_name": {"az": name}})
    assert response.status_code == 422
    assert "full_name" in response.json["errors"]
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Person)).scalar_one() == 0


def test_control_characters_are_cleaned_from_a_text(api_client):
    api = api_client("organiser")
    response = api.post("/api/v1/people", json={"full_name": {"az": "Pər\u0000viz", "en": "\u0007Parviz"}})
    assert response.status_code == 201, response.json
    assert response.json["full_name"] == {"az": "Pərviz", "en": "Parviz"}


# --- 7: the agenda answers as every list ---------------------------------------------------------------------


def test_the_agenda_answers_items_and_a_null_cursor(api_client, make_event):
    api = api_client("organiser")
    event = make_event(agenda=[{"kind": "speech", "title": "Speech"}])
    read = api.get(f"/api/v1/events/{event.id}/agenda")
    assert read.status_code == 200
    assert set(read.json) == {"items", "next_cursor"} and read.json["next_cursor"] is None
    assert [item["kind"] for item in read.json["items"]] == ["speech"]


# --- 8: an idempotency key compares JSON, not its whitespace -------------------------------------------------


def test_the_same_json_with_other_whitespace_or_key_order_is_the_same_request(app, api_client):
    api = api_client("organiser")
    headers = {"Idempotency-Key": "spaces-1"}
    first = api.post(UNITS, data='{"code": "CIT", "name": {"az": "Mərkəz"}}', content_type="application/json",
                     headers=headers)
    assert first.status_code == 201, first.json
    again = api.post(UNITS, data='{\n  "name" : {"az":"M\\u0259rk\\u0259z"},\n  "code":"CIT"\n}\n',
                     content_type="application/json", headers=headers)
    assert again.status_code == 201, again.json
    assert again.headers["Idempotent-Replayed"] == "true" and again.json == first.json
    other = api.post(UNITS, data='{"code": "CIT", "name": {"az": "Başqa"}}', content_type="application/json",
                     headers=headers)
    assert other.status_code == 422 and "Idempotency-Key" in other.json["errors"]
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Unit)).scalar_one() == 1


# --- 10: If-Match: * does not skip the lost-update check -----------------------------------------------------


def test_if_match_star_on_a_write_is_a_428(api_client, make_event):
    api = api_client("organiser")
    _units(api, 1)
    star = api.patch(f"{UNITS}/U0", json={"active": False}, headers={"If-Match": "*"})
    assert star.status_code == 428 and star.content_type == "application/problem+json"
    assert api.get(f"{UNITS}/U0").json["active"] is True
    event = make_event()
    assert api.put(f"/api/v1/events/{event.id}/agenda", json=[], headers={"If-Match": "*"}).status_code == 428
