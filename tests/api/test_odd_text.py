"""Text no form would send: a NUL in a unit code is no unit (never a server error, also on PostgreSQL), and a
required text made only of control characters is missing, as on the pages."""

from __future__ import annotations

import pytest

from tracker.extensions import db
from tracker.models import Person, Unit

#: Control characters the stored-text rule removes (``tracker.text.clean_text``), with spaces around.
ONLY_CONTROLS = " \x00\x01\x1f\x7f "


# --- Unit codes ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["A%00B", "%00", "A%01", "C" * 33, "C%C4%B0T"])
def test_a_code_no_unit_can_have_is_not_found(api_client, make_event, make_unit, make_invitation, code):
    api = api_client("organiser")
    event = make_event()
    make_invitation(event, make_unit("CIT"))
    assert api.get(f"/api/v1/units/{code}").status_code == 404
    assert api.get(f"/api/v1/events/{event.id}/invitations/{code}").status_code == 404
    assert api.put(f"/api/v1/events/{event.id}/invitations/{code}", json={"status": "declined", "headcount": 0},
                   headers={"If-Match": '"x"'}).status_code == 404


def test_a_code_no_unit_can_have_is_refused_in_a_body(app, api_client, make_event, make_unit):
    api = api_client("organiser")
    event = make_event()
    make_unit("CIT")
    parent = api.post("/api/v1/units", json={"code": "NEW", "name": {"az": "Yeni"}, "parent_code": "\u0000"})
    assert parent.status_code == 422 and "parent_code" in parent.json["errors"]
    person = api.post("/api/v1/people", json={"full_name": {"az": "Ad"}, "unit_code": "A\u0000"})
    assert person.status_code == 422 and "unit_code" in person.json["errors"]
    invite = api.post(f"/api/v1/events/{event.id}/invitations", json={"unit_codes": ["CIT", "A\u0000"]})
    assert invite.status_code == 422 and len(invite.json["errors"]["unit_codes"]) == 1
    with app.app_context():
        assert db.session.execute(db.select(Unit.code)).scalars().all() == ["CIT"]
        assert db.session.execute(db.select(Person)).first() is None
    assert api.get(f"/api/v1/events/{event.id}/invitations").json["items"] == []


def test_a_code_is_still_found_whatever_its_case_and_spaces(api_client, make_event, make_unit, make_invitation):
    api = api_client("organiser")
    event = make_event()
    make_invitation(event, make_unit("CIT"))
    assert api.get("/api/v1/units/cit").status_code == 200
    assert api.get(f"/api/v1/events/{event.id}/invitations/%20cIt%20").json["unit_code"] == "CIT"


# --- Required texts of control characters only -------------------------------------------------------------


def test_a_required_text_of_control_characters_is_missing(app, api_client, make_event):
    api = api_client("organiser")
    blank = {"az": ONLY_CONTROLS, "en": "Something"}
    refusals = {
        "/api/v1/units": ({"code": "NEW", "name": blank}, "name"),
        "/api/v1/people": ({"full_name": blank}, "full_name"),
        "/api/v1/venues": ({"name": blank}, "name"),
        "/api/v1/series": ({"title": blank}, "title"),
        "/api/v1/events": ({"title": blank, "kind": "ceremony", "venue_id": None,
                            "starts_at": "2012-02-25T10:00:00", "ends_at": "2012-02-25T11:30:00"}, "title"),
    }
    for path, (body, field) in refusals.items():
        refused = api.post(path, json=body)
        assert refused.status_code == 422, (path, refused.json)
        assert field in refused.json["errors"], (path, refused.json)
        assert api.get(path).json["items"] == [], path
    event = make_event()
    agenda = f"/api/v1/events/{event.id}/agenda"
    refused = api.put(agenda, json=[{"kind": "speech", "title": blank}],
                      headers={"If-Match": api.get(agenda).headers["ETag"]})
    assert refused.status_code == 422 and "0.title" in refused.json["errors"]
