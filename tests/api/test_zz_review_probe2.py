"""Throwaway probes of the reviewer (delete after)."""
import base64, json
from datetime import UTC, datetime, timedelta
import pytest
from tracker.extensions import db
from tracker.models import Event, Invitation, Unit, Venue, Person, IdempotentRequest, ApiToken, Role
from tests.helpers import count_queries

def show(tag, r):
    print(f"\n### {tag}: {r.status_code} {r.headers.get('Content-Type')} {r.get_data(as_text=True)[:300]}")

def enc(values):
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")

def test_cursors(api_client, make_event, make_unit, make_person, make_venue):
    api = api_client("organiser")
    ev = make_event()
    make_unit("CIT"); make_person(); make_venue()
    for path in ("/api/v1/events", "/api/v1/units", "/api/v1/people", "/api/v1/venues", "/api/v1/series", f"/api/v1/events/{ev.id}/invitations"):
        for values in (["x", "y"], [1, 2], [{"d": "2030-01-01T00:00:00"}, 1], [{"day": "2030-01-01"}, "z"], [1.5, 2], [2**62, 1], [1e308, 1], ["\u0000", 1]):
            try:
                r = api.get(path + "?cursor=" + enc(values))
            except Exception as e:
                print("\n### 500", path, values, type(e).__name__, str(e)[:120]); db.session.remove(); continue
            if r.status_code >= 500:
                show(f"{path} {values}", r)

def test_empty_names(api_client, make_event):
    api = api_client("organiser")
    ev = make_event()
    for path, body in (("/api/v1/units", {"code": "Z1", "name": {"az": "\x00"}}),
                       ("/api/v1/venues", {"name": {"az": "\x01"}}),
                       ("/api/v1/series", {"title": {"az": "\x00"}}),
                       ("/api/v1/events", {"title": {"az": "\x00"}, "kind": "ceremony", "venue_id": None, "starts_at": "2030-01-01T10:00:00", "ends_at": "2030-01-01T11:00:00"})):
        r = api.post(path, json=body)
        show(f"empty {path}", r)
    et = api.get(f"/api/v1/events/{ev.id}/agenda").headers["ETag"]
    r = api.put(f"/api/v1/events/{ev.id}/agenda", json=[{"kind": "speech", "title": {"az": "\x00"}}], headers={"If-Match": et})
    show("agenda empty title", r)

def test_nplus1(app, api_client, make_event, make_unit, make_person, make_series, make_invitation, make_user):
    api = api_client("organiser")
    counts = {}
    def measure(n):
        s = make_series()
        for i in range(n):
            u = make_unit(); p = make_person(unit_id=u.id)
            e = make_event(series_id=s.id)
        return s
    for n in (2, 8):
        s = measure(n)
        ev = make_event()
        for i in range(n):
            u = make_unit(); make_invitation(ev, u, status="accepted", headcount=2)
        for path in ("/api/v1/events?limit=200", "/api/v1/units?limit=200", "/api/v1/people?limit=200", "/api/v1/venues?limit=200", f"/api/v1/series/{s.id}", f"/api/v1/events/{ev.id}/invitations?limit=200", "/api/v1/series?limit=200"):
            with count_queries(app) as c:
                r = api.get(path)
            assert r.status_code == 200, (path, r.json)
            counts.setdefault(path.split("?")[0].rsplit("/", 1)[0] if "series/" in path or "invitations" in path else path, []).append(c.count)
    print("\n### counts", counts)

def test_idempotency(app, api_client):
    api = api_client("organiser")
    body = {"code": "IDK", "name": {"az": "x"}}
    r1 = api.post("/api/v1/units", json=body, headers={"Idempotency-Key": "k1"})
    r2 = api.post("/api/v1/units", json=body, headers={"Idempotency-Key": "k1"})
    show("idem1", r1); show("idem2", r2); print(dict(r2.headers))
    other = api_client("admin")
    r3 = other.post("/api/v1/units", json=body, headers={"Idempotency-Key": "k1"})
    show("idem other user", r3)
    # same key, failing request, then success
    r4 = api.post("/api/v1/units", json={"code": "BAD CODE", "name": {"az": "x"}}, headers={"Idempotency-Key": "k2"})
    r5 = api.post("/api/v1/units", json={"code": "OK2", "name": {"az": "x"}}, headers={"Idempotency-Key": "k2"})
    show("idem fail", r4); show("idem after fail", r5)
    # whitespace variant of same body
    r6 = api.post("/api/v1/units", data=json.dumps(body, indent=2), content_type="application/json", headers={"Idempotency-Key": "k1"})
    show("idem reformatted body", r6)
    # idempotency on PUT / GET ignored
    r7 = api.get("/api/v1/units", headers={"Idempotency-Key": "k1"})
    show("idem on GET", r7)
    # 409 from event overlap stored?
    with app.app_context():
        print("rows", db.session.execute(db.select(IdempotentRequest.key, IdempotentRequest.status, IdempotentRequest.user_id)).all())

def test_session_cookie(app, client, make_user, login_as=None):
    u = make_user("organiser")
    from tests.conftest import AuthActions
    AuthActions(client).login(u.email)
    r = client.get("/api/v1/units")
    show("session only", r)
    r = client.post("/api/v1/units", data=json.dumps({"code": "SES", "name": {"az": "x"}}), content_type="application/json")
    show("session post", r)

def test_representative(app, api_client, make_event, make_unit, make_invitation, make_user):
    unit = make_unit("MINE"); other = make_unit("OTHR")
    rep = api_client("representative", unit=unit)
    ev = make_event()
    draft = make_event(status="draft")
    make_invitation(ev, unit); make_invitation(ev, other); make_invitation(draft, unit)
    for path in (f"/api/v1/events/{ev.id}/invitations", f"/api/v1/events/{ev.id}/invitations/OTHR", f"/api/v1/events/{ev.id}/invitations/othr ",
                 f"/api/v1/events/{draft.id}/invitations", f"/api/v1/events/{draft.id}", f"/api/v1/events/{draft.id}/agenda",
                 "/api/v1/units", "/api/v1/people", "/api/v1/series", "/api/v1/events"):
        show(f"rep GET {path}", rep.get(path))
    r = rep.put(f"/api/v1/events/{ev.id}/invitations/OTHR", json={"status": "declined", "headcount": 0}, headers={"If-Match": "*"})
    show("rep PUT other *", r)
    r = rep.patch(f"/api/v1/events/{ev.id}/invitations/MINE", json={"actual_attendance": 5}, headers={"If-Match": "*"})
    show("rep PATCH own checkin", r)
    r = rep.put(f"/api/v1/events/{ev.id}/invitations/MINE", json={"status": "accepted", "headcount": 3}, headers={"If-Match": "*"})
    show("rep PUT own If-Match *", r)
    r = rep.put(f"/api/v1/events/{ev.id}/invitations/MINE", json={"status": "accepted", "headcount": 3})
    show("rep PUT own no If-Match", r)
    press = api_client("press")
    for path in (f"/api/v1/events/{ev.id}/invitations", f"/api/v1/events/{ev.id}/agenda", f"/api/v1/events/{draft.id}"):
        show(f"press GET {path}", press.get(path))
    norole = api_client("representative", unit=None)
    show("rep without unit", norole.get(f"/api/v1/events/{ev.id}/invitations"))
