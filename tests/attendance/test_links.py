"""Signed answer links: open without a password, scoped to one invitation, until the deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous import URLSafeSerializer

from tests.attendance.conftest import answer_data
from tracker.attendance import links
from tracker.extensions import db
from tracker.models import AuditEntry, Event, Invitation


def _token(app, invitation) -> str:
    with app.app_context():
        return links.make_answer_token(db.session.get(Invitation, invitation.id))


def test_a_link_opens_the_answer_form_without_signing_in(app, client, invitation):
    response = client.get(f"/answer/{_token(app, invitation)}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Invitation for Citizenship Department" in html and 'name="status"' in html
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "no-store" in response.headers["Cache-Control"]


def test_an_answer_through_the_link_is_recorded_as_coming_by_link(app, client, invitation, reload):
    url = f"/answer/{_token(app, invitation)}"
    response = client.post(url, data=answer_data(1, headcount=5, note="Two drivers"))
    assert response.headers["Location"] == url
    saved = reload(Invitation, invitation.id)
    assert (saved.status, saved.headcount, saved.note) == ("accepted", 5, "Two drivers")
    assert (saved.answered_via, saved.answered_by_id) == ("link", None)
    with app.app_context():
        entry = db.session.execute(db.select(AuditEntry)).scalar_one()
        assert (entry.action, entry.via, entry.user_id) == ("answer", "link", None)


def test_a_link_answer_by_a_signed_in_representative_of_the_unit_names_them(app, client, login, unit, invitation,
                                                                            reload):
    user = login("representative", unit=unit)
    client.post(f"/answer/{_token(app, invitation)}", data=answer_data(1))
    assert reload(Invitation, invitation.id).answered_by_id == user.id


def test_a_link_answer_by_someone_signed_in_elsewhere_is_credited_to_the_unit(app, client, login, invitation,
                                                                              reload):
    login("representative")
    client.post(f"/answer/{_token(app, invitation)}", data=answer_data(1))
    assert reload(Invitation, invitation.id).answered_by_id is None


def test_a_link_answer_is_checked_like_any_other(app, client, invitation):
    response = client.post(f"/answer/{_token(app, invitation)}", data=answer_data(1, headcount=500))
    assert response.status_code == 422
    assert "The venue holds at most 50 people." in response.get_data(as_text=True)


def test_a_tampered_link_gets_a_clear_not_found_page(app, client, invitation):
    token = _token(app, invitation)
    response = client.get(f"/answer/{token[:-2]}{'AA' if not token.endswith('AA') else 'BB'}")
    assert response.status_code == 404
    assert "This answer link is not valid" in response.get_data(as_text=True)


@pytest.mark.parametrize(("language", "name"), [("ru", "Протокольный отдел"), ("az", "Protokol şöbəsi"),
                                                 ("en", "Protocol Office")])
def test_a_broken_link_names_whom_to_contact_in_the_readers_language(app, client, language, name):
    app.config.update(ORGANIZER_NAME="Protocol Office", ORGANIZER_NAME_AZ="Protokol şöbəsi",
                      ORGANIZER_NAME_RU="Протокольный отдел", ORGANIZER_EMAIL="protocol@agency.example.org")
    response = client.get("/answer/not-a-token", headers={"Accept-Language": language})
    assert response.status_code == 404
    assert f"{name}, protocol@agency.example.org" in response.get_data(as_text=True)


def test_a_link_signed_by_another_installation_is_refused(app, client, invitation):
    foreign = URLSafeSerializer("another-secret", salt=links.SALT).dumps(
        {"i": invitation.id, "e": invitation.event_id, "u": invitation.unit_id})
    assert client.get(f"/answer/{foreign}").status_code == 404


def test_a_token_made_for_something_else_is_refused(app, client, invitation):
    other_purpose = URLSafeSerializer(app.config["SECRET_KEY"], salt="something-else").dumps(
        {"i": invitation.id, "e": invitation.event_id, "u": invitation.unit_id})
    assert client.get(f"/answer/{other_purpose}").status_code == 404


def test_a_link_cannot_be_pointed_at_another_units_invitation(app, client, event, invitation, make_unit,
                                                              make_invitation, reload):
    other = make_invitation(event, make_unit("REG"))
    forged = URLSafeSerializer(app.config["SECRET_KEY"], salt=links.SALT).dumps(
        {"i": other.id, "e": event.id, "u": invitation.unit_id})
    response = client.post(f"/answer/{forged}", data=answer_data(1))
    assert response.status_code == 410
    assert reload(Invitation, other.id).status == "pending"


def test_the_link_of_a_withdrawn_invitation_is_gone_even_when_its_id_is_reused(app, client, event, invitation,
                                                                               make_unit, reload):
    token = _token(app, invitation)
    with app.app_context():
        db.session.delete(db.session.get(Invitation, invitation.id))
        db.session.commit()
        reused = Invitation(id=invitation.id, event_id=event.id, unit_id=make_unit("REG").id)
        db.session.add(reused)
        db.session.commit()
    response = client.post(f"/answer/{token}", data=answer_data(1))
    assert response.status_code == 410
    assert "This invitation was withdrawn" in response.get_data(as_text=True)
    assert reload(Invitation, invitation.id).status == "pending"


def test_after_the_deadline_the_link_shows_that_answers_are_closed_and_the_answer(app, client, invitation):
    with app.app_context():
        event = db.session.get(Event, invitation.event_id)
        event.answer_deadline = datetime.now(UTC) - timedelta(minutes=1)
        found = db.session.get(Invitation, invitation.id)
        found.status, found.headcount = "accepted", 6
        db.session.commit()
    response = client.get(f"/answer/{_token(app, invitation)}")
    html = response.get_data(as_text=True)
    assert response.status_code == 410
    assert "Answers are closed" in html and "<dd>6</dd>" in html


def test_a_link_works_again_when_the_deadline_is_extended(app, client, invitation):
    token = _token(app, invitation)
    with app.app_context():
        event = db.session.get(Event, invitation.event_id)
        event.answer_deadline = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()
        assert client.get(f"/answer/{token}").status_code == 410
        event.answer_deadline = datetime.now(UTC) + timedelta(days=1)
        db.session.commit()
    assert client.get(f"/answer/{token}").status_code == 200


def test_the_link_dies_when_the_event_is_cancelled(app, client, invitation):
    token = _token(app, invitation)
    with app.app_context():
        db.session.get(Event, invitation.event_id).status = "cancelled"
        db.session.commit()
    response = client.post(f"/answer/{token}", data=answer_data(1))
    assert response.status_code == 410
    assert "This event is cancelled" in response.get_data(as_text=True)


def test_the_link_opens_nothing_but_its_invitation(app, client, invitation):
    client.get(f"/answer/{_token(app, invitation)}")
    assert client.get(f"/invitations/{invitation.id}").headers["Location"].startswith("/login")
    assert client.get("/my").headers["Location"].startswith("/login")
    assert client.get(f"/events/{invitation.event_id}").headers["Location"].startswith("/login")


def test_the_emailed_link_is_absolute_on_the_base_url(app, invitation):
    with app.test_request_context():
        url = links.answer_url(db.session.get(Invitation, invitation.id))
    assert url.startswith("http://tracker.test/answer/")
    with app.app_context():
        assert links.check_answer_token(url.rsplit("/", 1)[1]).invitation.id == invitation.id


def test_a_stale_link_form_gets_the_conflict_page(app, client, invitation, reload):
    url = f"/answer/{_token(app, invitation)}"
    client.post(url, data=answer_data(1, headcount=3))
    response = client.post(url, data=answer_data(1, headcount=4))
    assert response.status_code == 409
    assert "Changed by Citizenship Department (emailed link)" in response.get_data(as_text=True)
    assert reload(Invitation, invitation.id).headcount == 3
