"""``/api/v1/events/{id}/invitations``: inviting, answering and check-in through the API, with the pages' rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask_babel import force_locale

from tracker.extensions import db
from tracker.models import AuditEntry, Invitation, Role
from tracker.vocabulary import channel_label


def _url(event, code: str | None = None) -> str:
    base = f"/api/v1/events/{event.id}/invitations"
    return f"{base}/{code}" if code else base


def _answer(api, event, code, body, etag=None):
    etag = etag or api.get(_url(event, code)).headers["ETag"]
    return api.put(_url(event, code), json=body, headers={"If-Match": etag})


def _audit(app, invitation_id: int, action: str = "answer") -> list[AuditEntry]:
    with app.app_context():
        return list(db.session.execute(db.select(AuditEntry).where(
            AuditEntry.invitation_id == invitation_id, AuditEntry.action == action)).scalars())


# --- Inviting -----------------------------------------------------------------------------------------------


def test_organiser_invites_units_by_code(app, api_client, make_event, make_unit):
    api = api_client("organiser")
    event = make_event()
    make_unit("CIT")
    make_unit("BAK", contact_emails=[])
    response = api.post(_url(event), json={"unit_codes": ["cit", "BAK"]})
    assert response.status_code == 201, response.json
    assert sorted(item["unit_code"] for item in response.json["invited"]) == ["BAK", "CIT"]
    assert response.json["no_contacts"] == ["BAK"]
    assert all(item["status"] == "pending" for item in response.json["invited"])
    again = api.post(_url(event), json={"unit_codes": ["CIT"]})
    assert again.status_code == 201
    assert again.json["invited"] == [] and again.json["already_invited"] == ["CIT"]
    with app.app_context():
        entries = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "invite")).scalars().all()
        assert len(entries) == 2 and {entry.user_id for entry in entries} == {api.user.id}


def test_organiser_invites_every_active_unit(api_client, make_event, make_unit):
    api = api_client("admin")
    event = make_event()
    make_unit("A1")
    make_unit("A2")
    make_unit("OLD", active=False)
    response = api.post(_url(event), json={"all": True})
    assert response.status_code == 201
    codes = {item["unit_code"] for item in response.json["invited"]}
    assert {"A1", "A2"} <= codes and "OLD" not in codes


def test_an_unknown_or_inactive_code_invites_nobody(api_client, make_event, make_unit):
    api = api_client("organiser")
    event = make_event()
    make_unit("CIT")
    make_unit("OLD", active=False)
    unknown = api.post(_url(event), json={"unit_codes": ["CIT", "NOPE"]})
    assert unknown.status_code == 422
    assert "NOPE" in unknown.json["errors"]["unit_codes"][0].upper()
    inactive = api.post(_url(event), json={"unit_codes": ["OLD"]})
    assert inactive.status_code == 422 and "unit_codes" in inactive.json["errors"]
    for body in ({}, {"all": False}, {"unit_codes": []}, {"all": True, "unit_codes": ["CIT"]}, {"everyone": True}):
        assert api.post(_url(event), json=body).status_code == 422, body
    assert api.get(_url(event)).json["items"] == []


def test_only_a_scheduled_event_with_answers_open_takes_invitations(api_client, make_event, make_unit):
    api = api_client("organiser")
    make_unit("CIT")
    draft = make_event(status="draft")
    closed = make_event(answer_deadline=datetime.now(UTC) - timedelta(hours=1))
    for event in (draft, closed):
        refused = api.post(_url(event), json={"unit_codes": ["CIT"]})
        assert refused.status_code == 409
        assert refused.content_type == "application/problem+json"


def test_only_organisers_invite(api_client, client, make_event, make_unit):
    event = make_event()
    make_unit("CIT")
    assert client.post(_url(event), json={"all": True}, csrf=False).status_code == 401
    for role in ("press", "representative"):
        assert api_client(role).post(_url(event), json={"all": True}).status_code == 403
    assert api_client("organiser").post("/api/v1/events/999999/invitations", json={"all": True}).status_code == 404


# --- Reading ------------------------------------------------------------------------------------------------


def test_organisers_list_every_invitation_a_page_at_a_time(api_client, make_event, make_unit, make_invitation):
    api = api_client("organiser")
    event = make_event()
    for n in range(5):
        make_invitation(event, make_unit(f"U{n}"))
    seen, cursor = [], None
    while True:
        page = api.get(_url(event), query_string={"limit": 2, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200
        seen += [item["unit_code"] for item in page.json["items"]]
        cursor = page.json["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"U{n}" for n in range(5)]


def test_a_representative_sees_only_its_own_units_invitation(api_client, make_user, make_event, make_unit,
                                                             make_invitation):
    own, other = make_unit("OWN"), make_unit("OTHER")
    api = api_client(user=make_user(Role.REPRESENTATIVE, unit=own))
    event = make_event()
    make_invitation(event, own)
    make_invitation(event, other)
    listed = api.get(_url(event))
    assert listed.status_code == 200
    assert [item["unit_code"] for item in listed.json["items"]] == ["OWN"]
    assert api.get(_url(event, "own")).status_code == 200
    assert api.get(_url(event, "OTHER")).status_code == 404
    assert api_client("press").get(_url(event)).status_code == 403
    draft = make_event(status="draft")
    make_invitation(draft, own)
    assert api.get(_url(draft, "OWN")).status_code == 404


def test_an_item_has_its_etag_in_the_header_and_the_body(api_client, make_event, make_unit, make_invitation):
    api = api_client("organiser")
    event = make_event()
    make_invitation(event, make_unit("CIT"))
    response = api.get(_url(event, "CIT"))
    assert response.status_code == 200
    assert response.headers["ETag"] == response.json["etag"]
    assert api.get(_url(event)).json["items"][0]["etag"] == response.json["etag"]
    assert api.get(_url(event, "NOPE")).status_code == 404


# --- Answering ----------------------------------------------------------------------------------------------


def test_a_representative_answers_for_its_unit_and_the_history_names_it(app, api_client, make_user, make_event,
                                                                       make_unit, make_invitation):
    unit = make_unit("OWN")
    api = api_client(user=make_user(Role.REPRESENTATIVE, unit=unit))
    event = make_event()
    invitation = make_invitation(event, unit)
    before = api.get(_url(event, "OWN")).headers["ETag"]
    response = _answer(api, event, "OWN", {"status": "accepted", "headcount": 3, "delegates": " A \n\n B ",
                                           "note": "Two cars"}, before)
    assert response.status_code == 200, response.json
    assert response.json["status"] == "accepted" and response.json["headcount"] == 3
    assert response.json["delegates"] == "A\nB"
    assert response.json["answered_by"] == api.user.name and response.json["answered_via"] == "api"
    assert response.headers["ETag"] == response.json["etag"] != before
    [entry] = _audit(app, invitation.id)
    assert (entry.user_id, entry.via) == (api.user.id, "api")
    assert entry.new["headcount"] == 3


def test_an_organiser_answers_on_a_units_behalf(app, api_client, make_event, make_unit, make_invitation):
    api = api_client("organiser")
    event = make_event()
    invitation = make_invitation(event, make_unit("CIT"))
    response = _answer(api, event, "CIT", {"status": "declined", "headcount": 0})
    assert response.status_code == 200
    [entry] = _audit(app, invitation.id)
    assert (entry.user_id, entry.via) == (api.user.id, "api")


def test_a_representative_cannot_answer_for_another_unit(app, api_client, make_user, make_event, make_unit,
                                                         make_invitation):
    own, other = make_unit("OWN"), make_unit("OTHER")
    api = api_client(user=make_user(Role.REPRESENTATIVE, unit=own))
    event = make_event()
    make_invitation(event, own)
    invitation = make_invitation(event, other)
    etag = api_client("organiser").get(_url(event, "OTHER")).headers["ETag"]
    refused = api.put(_url(event, "OTHER"), json={"status": "accepted", "headcount": 2}, headers={"If-Match": etag})
    assert refused.status_code == 404
    assert _audit(app, invitation.id) == []
    assert api_client("press").put(_url(event, "OTHER"), json={"status": "declined"},
                                   headers={"If-Match": etag}).status_code == 403


def test_a_stale_etag_is_412_with_the_current_answer(api_client, make_user, make_event, make_unit,
                                                     make_invitation):
    unit = make_unit("OWN")
    api = api_client(user=make_user(Role.REPRESENTATIVE, unit=unit))
    event = make_event()
    make_invitation(event, unit)
    etag = api.get(_url(event, "OWN")).headers["ETag"]
    assert _answer(api_client("organiser"), event, "OWN", {"status": "tentative", "headcount": 2}).status_code == 200
    stale = _answer(api, event, "OWN", {"status": "declined", "headcount": 0}, etag)
    assert stale.status_code == 412
    assert stale.content_type == "application/problem+json"
    assert stale.json["current"]["status"] == "tentative" and stale.json["current"]["headcount"] == 2
    assert stale.json["current"]["etag"] != etag
    assert api.get(_url(event, "OWN")).json["status"] == "tentative"


def test_an_answer_needs_if_match(api_client, make_event, make_unit, make_invitation):
    api = api_client("organiser")
    event = make_event()
    make_invitation(event, make_unit("CIT"))
    missing = api.put(_url(event, "CIT"), json={"status": "declined", "headcount": 0})
    assert missing.status_code == 428
    assert missing.content_type == "application/problem+json"


def test_no_answers_after_the_deadline(api_client, make_event, make_unit, make_invitation):
    api = api_client("organiser")
    event = make_event(answer_deadline=datetime.now(UTC) - timedelta(minutes=5))
    make_invitation(event, make_unit("CIT"))
    closed = _answer(api, event, "CIT", {"status": "accepted", "headcount": 2})
    assert closed.status_code == 409
    assert api.get(_url(event, "CIT")).json["status"] == "pending"


def test_headcount_follows_the_answer_forms_rules(api_client, make_event, make_unit, make_venue, make_invitation):
    api = api_client("organiser")
    event = make_event(venue_id=make_venue(capacity=50).id)
    make_invitation(event, make_unit("CIT"))
    for body in ({"status": "accepted"}, {"status": "accepted", "headcount": 0},
                 {"status": "declined", "headcount": 3}, {"status": "tentative", "headcount": -1},
                 {"status": "accepted", "headcount": 51}, {"status": "accepted", "headcount": 10**12}):
        refused = _answer(api, event, "CIT", body)
        assert refused.status_code == 422, body
        assert "headcount" in refused.json["errors"], body
    bad_status = _answer(api, event, "CIT", {"status": "pending", "headcount": 1})
    assert bad_status.status_code == 422 and "status" in bad_status.json["errors"]
    unknown = _answer(api, event, "CIT", {"status": "declined", "headcount": 0, "colour": "red"})
    assert unknown.status_code == 422 and "colour" in unknown.json["errors"]
    assert _answer(api, event, "CIT", {"status": "accepted", "headcount": 50}).status_code == 200


# --- Check-in -----------------------------------------------------------------------------------------------


def test_organiser_records_check_in(app, api_client, make_event, make_unit, make_invitation):
    api = api_client("organiser")
    event = make_event(status="held")
    invitation = make_invitation(event, make_unit("CIT"))
    etag = api.get(_url(event, "CIT")).headers["ETag"]
    assert api.patch(_url(event, "CIT"), json={"actual_attendance": 4}).status_code == 428
    response = api.patch(_url(event, "CIT"), json={"actual_attendance": 4}, headers={"If-Match": etag})
    assert response.status_code == 200, response.json
    assert response.json["actual_attendance"] == 4
    assert response.headers["ETag"] == response.json["etag"] != etag
    stale = api.patch(_url(event, "CIT"), json={"actual_attendance": 5}, headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.json["current"]["actual_attendance"] == 4
    [entry] = _audit(app, invitation.id, "check_in")
    assert entry.user_id == api.user.id and entry.new == {"actual_attendance": 4}
    with app.app_context():
        assert db.session.get(Invitation, invitation.id).version == 1  # an open answer form stays valid


def test_check_in_follows_the_check_in_pages_rules(api_client, make_user, make_event, make_unit, make_invitation):
    api = api_client("organiser")
    unit = make_unit("CIT")
    held = make_event(status="held")
    make_invitation(held, unit)
    for count in (-1, 10_001):
        refused = api.patch(_url(held, "CIT"), json={"actual_attendance": count},
                            headers={"If-Match": api.get(_url(held, "CIT")).headers["ETag"]})
        assert refused.status_code == 422 and "actual_attendance" in refused.json["errors"], count
    cancelled = make_event(status="cancelled")
    make_invitation(cancelled, unit)
    closed = api.patch(_url(cancelled, "CIT"), json={"actual_attendance": 2},
                       headers={"If-Match": api.get(_url(cancelled, "CIT")).headers["ETag"]})
    assert closed.status_code == 409
    representative = api_client(user=make_user(Role.REPRESENTATIVE, unit=unit))
    assert representative.patch(_url(held, "CIT"), json={"actual_attendance": 2},
                                headers={"If-Match": "x"}).status_code == 403


def test_the_api_channel_has_a_label_in_every_language(app):
    with app.test_request_context():
        labels = {}
        for language in ("az", "ru", "en"):
            with force_locale(language):
                labels[language] = channel_label("api")
    assert labels == {"az": "API vasitəsilə", "ru": "через API", "en": "through the API"}


def test_a_walk_in_has_no_answer_to_give(api_client, make_event, make_unit, make_invitation):
    api = api_client("organiser")
    event = make_event()
    make_invitation(event, make_unit("CIT"), walk_in=True)
    refused = _answer(api, event, "CIT", {"status": "accepted", "headcount": 2})
    assert refused.status_code == 409
    assert refused.json["detail"] == "Answers for this event are closed."


def test_check_in_of_a_draft_is_refused_with_the_services_message(api_client, make_event, make_unit,
                                                                   make_invitation):
    api = api_client("organiser")
    draft = make_event(status="draft")
    make_invitation(draft, make_unit("CIT"))
    refused = api.patch(_url(draft, "CIT"), json={"actual_attendance": 2},
                        headers={"If-Match": api.get(_url(draft, "CIT")).headers["ETag"]})
    assert refused.status_code == 409
    assert refused.json["detail"] == "Attendance can be recorded only for scheduled or held events."
