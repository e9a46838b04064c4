"""Throwaway probes of the reviewer (delete after)."""
import base64, json
from datetime import UTC, datetime, timedelta
import pytest
from tracker.extensions import db
from tracker.models import Event, Invitation, Unit, Venue, Person, IdempotentRequest, ApiToken

def show(tag, r):
    print(f"\n### {tag}: {r.status_code} {r.headers.get('Content-Type')} {r.get_data(as_text=True)[:300]}")

def test_bodies(api_client, make_event, make_venue, make_person):
    api = api_client("organiser")
    ev = make_event()
    for path in ("/api/v1/units", "/api/v1/people", "/api/v1/venues", "/api/v1/series", "/api/v1/events", f"/api/v1/events/{ev.id}/invitations"):
        for body in ("[]", '"x"', "null", "1", "{", "[" * 100000 + "]" * 100000, '{"a":' * 50000 + "1" + "}" * 50000):
            r = api.post(path, data=body, content_type="application/json")
            if r.status_code >= 500 or r.status_code in (200, 201):
                show(f"POST {path} {body[:10]}", r)
            assert r.status_code < 500
    r = api.put(f"/api/v1/events/{ev.id}/agenda", data="{}", content_type="application/json", headers={"If-Match": "*"})
    show("agenda {}", r)
    r = api.put(f"/api/v1/events/{ev.id}/agenda", data="null", content_type="application/json", headers={"If-Match": "*"})
    show("agenda null", r)
    r = api.put(f"/api/v1/events/{ev.id}/agenda", data="[null]", content_type="application/json", headers={"If-Match": "*"})
    show("agenda [null]", r)
    et = api.get(f"/api/v1/events/{ev.id}/agenda").headers["ETag"]
    r = api.put(f"/api/v1/events/{ev.id}/agenda", json=[], headers={"If-Match": et})
    show("agenda [] ", r)
    r = api.post("/api/v1/units", data="x" * (20 * 1024 * 1024), content_type="application/json")
    show("20MB", r)
    r = api.post("/api/v1/units", data="{}", content_type="text/plain")
    show("text/plain", r)

def test_control_and_texts(api_client):
    api = api_client("organiser")
    for body in ({"code": "A\x00B", "name": {"az": "x"}}, {"code": "AB", "name": {"az": "x\x00y"}},
                 {"code": "AC", "name": {"az": "x"}, "contact_emails": ["a\x00@b.c"]},
                 {"code": "AD", "name": {"az": "x", "xx": "y"}}, {"code": "AE", "name": {"az": None}},
                 {"code": "AF", "name": {"az": "x"}, "language": "xx"}, {"code": "AG", "name": "plain"},
                 {"code": "AH", "name": {"az": "x"}, "parent_code": "AH"},
                 {"code": " ", "name": {"az": "x"}}, {"code": "a b", "name": {"az": "x"}},
                 ):
        r = api.post("/api/v1/units", json=body)
        show(f"unit {body}", r)
        assert r.status_code < 500
    r = api.post("/api/v1/people", json={"full_name": {"az": "\x00"}})
    show("person nul", r)
    r = api.post("/api/v1/venues", json={"name": {"az": "V"}, "capacity": 10**30})
    show("venue huge", r)
    r = api.post("/api/v1/venues", json={"name": {"az": "V"}, "capacity": 0})
    show("venue 0", r)

def test_event_times(api_client, make_venue):
    api = api_client("organiser")
    base = {"title": {"az": "T"}, "kind": "ceremony", "venue_id": None}
    cases = [("9999-12-31T23:00:00+00:00", "9999-12-31T23:30:00+00:00"),
             ("0001-01-01T00:00:00+04:00", "0001-01-01T01:00:00+04:00"),
             ("0001-01-01T00:00:00", "0001-01-01T01:00:00"),
             ("2030-01-01T10:00:00", "2030-01-01T09:00:00+04:00"),
             ("2030-01-01T10:00:00+14:00", "2030-01-01T10:00:00-12:00"),
             ("2030-03-31T03:30:00", "2030-03-31T04:30:00"),
             ("2030-01-01T10:00:00Z", "2030-01-01T11:00:00Z"),
             ]
    for s, e in cases:
        r = api.post("/api/v1/events", json={**base, "starts_at": s, "ends_at": e})
        show(f"event {s} {e}", r)
        assert r.status_code < 500
    for extra in ({"answer_deadline": "0001-01-01T00:00:00+04:00"}, {"answer_deadline": "9999-12-31T23:59:59-12:00"},
                  {"timezone": "Asia"}, {"timezone": "../../etc/passwd"}, {"timezone": "\x00"}, {"timezone": "UTC\n"},
                  {"venue_id": 10**30}, {"series_id": -1}, {"presiding_person_id": 2**31},
                  {"daily_hours": {"opens": "09:00", "closes": "08:00"}}, {"daily_hours": {}},
                  {"languages": ["az", "az"]}, {"languages": None}, {"status": "held"}, {"status": "cancelled"},
                  {"description": None}, {"title": {"az": "  "}}):
        r = api.post("/api/v1/events", json={**base, "starts_at": "2030-01-01T10:00:00", "ends_at": "2030-01-01T11:00:00", **extra})
        show(f"event {extra}", r)
        assert r.status_code < 500
    for q in ("from=9999-12-31", "from=0001-01-01", "to=2030-01-01&from=2031-01-01", "limit=0", "limit=201", "limit=99999999999999999999",
              "cursor=" + base64.urlsafe_b64encode(b'["x","y"]').decode(), "cursor=" + base64.urlsafe_b64encode(b'[{"d":"2030-01-01T00:00:00"},1]').decode(),
              "cursor=" + base64.urlsafe_b64encode(b'[NaN, 1]').decode(), "cursor=" + base64.urlsafe_b64encode(b'[1e308, 1]').decode(),
              "cursor=" + base64.urlsafe_b64encode(b'[{"d":"0001-01-01T00:00:00+14:00"},1]').decode(),
              "series_id=99999999999", "kind=x", "stauts=x", "from=2030-02-30"):
        r = api.get("/api/v1/events?" + q)
        show(f"list {q}", r)
        assert r.status_code < 500
