"""Answering an invitation on the page: the rules, the deadline, on behalf, and the history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.attendance.conftest import answer_data
from tests.helpers import field_error
from tracker.attendance import services
from tracker.extensions import db
from tracker.models import AuditEntry, Invitation


def _history(app, invitation_id):
    with app.app_context():
        return [
            (entry.action, entry.via, entry.user_id, entry.old, entry.new)
            for entry in db.session.execute(
                db.select(AuditEntry).where(AuditEntry.invitation_id == invitation_id).order_by(AuditEntry.id)
            ).scalars()
        ]


def test_representative_answers_attending_with_delegates(app, client, login, unit, invitation, reload):
    user = login("representative", unit=unit)
    response = client.post(f"/invitations/{invitation.id}",
                           data=answer_data(1, headcount=12, delegates="  Aysel Mammadova\n\nRashad Aliyev  \n"))
    assert response.headers["Location"] == f"/invitations/{invitation.id}"
    saved = reload(Invitation, invitation.id)
    assert (saved.status, saved.headcount, saved.delegates) == ("accepted", 12, "Aysel Mammadova\nRashad Aliyev")
    assert (saved.answered_by_id, saved.answered_via, saved.version) == (user.id, "page", 2)
    assert saved.answered_at is not None
    assert "Your answer is saved." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_changing_the_answer_from_12_to_10_people_is_recorded_with_old_and_new_values(
        app, client, login, unit, invitation):
    user = login("representative", unit=unit)
    client.post(f"/invitations/{invitation.id}", data=answer_data(1, headcount=12))
    client.post(f"/invitations/{invitation.id}", data=answer_data(2, headcount=10))
    history = _history(app, invitation.id)
    assert [entry[:3] for entry in history] == [("answer", "page", user.id), ("answer", "page", user.id)]
    assert history[0][3]["status"] == "pending" and history[0][4]["headcount"] == 12
    assert (history[1][3]["headcount"], history[1][4]["headcount"]) == (12, 10)


def test_history_is_shown_on_the_invitation_page_newest_first(app, client, login, unit, invitation):
    login("representative", unit=unit)
    client.post(f"/invitations/{invitation.id}", data=answer_data(1, headcount=12))
    client.post(f"/invitations/{invitation.id}", data=answer_data(2, headcount=10))
    html = client.get(f"/invitations/{invitation.id}").get_data(as_text=True)
    history = html[html.index('id="history-heading"'):]
    assert history.index("People: 12 → 10") < history.index("Answer: No answer yet → Attending")


def test_declining_with_people_is_refused_beside_the_field(client, login, unit, invitation, reload):
    login("representative", unit=unit)
    response = client.post(f"/invitations/{invitation.id}", data=answer_data(1, status="declined", headcount=3))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "headcount") == "A unit that does not attend sends 0 people."
    assert reload(Invitation, invitation.id).status == "pending"


def test_declining_without_a_number_stores_zero_people(client, login, unit, invitation, reload):
    login("representative", unit=unit)
    client.post(f"/invitations/{invitation.id}", data=answer_data(1, status="declined", headcount=None))
    saved = reload(Invitation, invitation.id)
    assert (saved.status, saved.headcount) == ("declined", 0)


def test_attending_without_a_number_of_people_is_refused(client, login, unit, invitation):
    login("representative", unit=unit)
    response = client.post(f"/invitations/{invitation.id}", data=answer_data(1, headcount=None))
    assert response.status_code == 422
    assert "at least 1" in field_error(response.get_data(as_text=True), "headcount")


def test_more_people_than_the_venue_holds_is_refused(client, login, unit, invitation):
    login("representative", unit=unit)
    response = client.post(f"/invitations/{invitation.id}", data=answer_data(1, headcount=51))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "headcount") == "The venue holds at most 50 people."


def test_maybe_with_a_number_is_accepted(client, login, unit, invitation, reload):
    login("representative", unit=unit)
    client.post(f"/invitations/{invitation.id}", data=answer_data(1, status="tentative", headcount=3))
    assert (reload(Invitation, invitation.id).status, reload(Invitation, invitation.id).headcount) == ("tentative", 3)


def test_an_answer_without_a_choice_is_refused(client, login, unit, invitation):
    login("representative", unit=unit)
    response = client.post(f"/invitations/{invitation.id}", data=answer_data(1, status=""))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "status")


def test_sending_the_same_answer_again_records_nothing(app, client, login, unit, invitation, reload):
    login("representative", unit=unit)
    client.post(f"/invitations/{invitation.id}", data=answer_data(1))
    response = client.post(f"/invitations/{invitation.id}", data=answer_data(2))
    assert "Nothing changed" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert len(_history(app, invitation.id)) == 1 and reload(Invitation, invitation.id).version == 2


@pytest.fixture
def closed_invitation(make_event, make_invitation, hall, unit):
    """An invitation whose answer deadline passed yesterday, answered "attending, 7" before."""
    event = make_event(venue_id=hall.id, answer_deadline=datetime.now(UTC) - timedelta(days=1))
    return make_invitation(event, unit, status="accepted", headcount=7)


def test_after_the_deadline_the_answer_is_read_only_with_a_message(client, login, unit, closed_invitation):
    login("representative", unit=unit)
    html = client.get(f"/invitations/{closed_invitation.id}").get_data(as_text=True)
    assert 'id="closed"' in html and "Answers closed on" in html
    assert 'name="status"' not in html
    assert "<dd>7</dd>" in html


def test_a_post_after_the_deadline_changes_nothing(client, login, unit, closed_invitation, reload):
    login("representative", unit=unit)
    response = client.post(f"/invitations/{closed_invitation.id}", data=answer_data(1, headcount=9))
    assert response.status_code == 409
    assert reload(Invitation, closed_invitation.id).headcount == 7


def test_answers_to_a_cancelled_event_are_refused(client, login, make_event, make_invitation, unit, reload):
    event = make_event(status="cancelled")
    invitation = make_invitation(event, unit)
    login("representative", unit=unit)
    response = client.post(f"/invitations/{invitation.id}", data=answer_data(1))
    assert response.status_code == 409
    assert "This event is cancelled" in response.get_data(as_text=True)
    assert reload(Invitation, invitation.id).status == "pending"


def test_organiser_answers_on_a_units_behalf_and_the_record_says_so(app, client, login, invitation, reload):
    organiser = login("organiser")
    page = client.get(f"/invitations/{invitation.id}").get_data(as_text=True)
    assert 'id="on-behalf"' in page
    client.post(f"/invitations/{invitation.id}", data=answer_data(1, headcount=4))
    saved = reload(Invitation, invitation.id)
    assert (saved.answered_via, saved.answered_by_id) == ("on_behalf", organiser.id)
    assert _history(app, invitation.id)[0][1:3] == ("on_behalf", organiser.id)
    assert "on the unit&#39;s behalf" in client.get(f"/invitations/{invitation.id}").get_data(as_text=True)


def test_press_cannot_open_an_invitation(client, login, invitation):
    login("press")
    assert client.get(f"/invitations/{invitation.id}").status_code == 403


def test_answer_without_csrf_token_is_refused(client, login, unit, invitation, reload):
    login("representative", unit=unit)
    response = client.post(f"/invitations/{invitation.id}", data=answer_data(1), csrf=False)
    assert response.status_code == 400
    assert reload(Invitation, invitation.id).status == "pending"


def test_a_damaged_version_field_is_refused(client, login, unit, invitation):
    login("representative", unit=unit)
    data = answer_data(1)
    data["version"] = "x"
    assert client.post(f"/invitations/{invitation.id}", data=data).status_code == 422


def test_record_answer_refuses_an_unknown_channel(app, invitation):
    with app.app_context():
        found = db.session.get(Invitation, invitation.id)
        with pytest.raises(ValueError, match="unknown answer channel"):
            services.record_answer(found, services.AnswerDetails("accepted", 1, "", ""), by_user=None, via="fax",
                                   expected_version=1)


def test_a_calendar_accept_without_a_number_is_recorded_with_the_number_unknown(app, invitation, reload):
    with app.app_context():
        found = db.session.get(Invitation, invitation.id)
        services.record_answer(found, services.AnswerDetails("declined", 0, "", ""), by_user=None, via="calendar",
                               expected_version=None)
        services.record_answer(found, services.AnswerDetails("accepted", found.headcount, "", ""), by_user=None,
                               via="calendar", expected_version=None)
        db.session.commit()
    saved = reload(Invitation, invitation.id)
    assert (saved.status, saved.headcount, saved.answered_via) == ("accepted", None, "calendar")
    assert [entry[1] for entry in _history(app, invitation.id)] == ["calendar", "calendar"]


def test_record_answer_applies_the_capacity_rule_to_every_channel(app, invitation):
    with app.app_context():
        found = db.session.get(Invitation, invitation.id)
        with pytest.raises(services.AttendanceError) as refused:
            services.record_answer(found, services.AnswerDetails("accepted", 80, "", ""), by_user=None, via="calendar",
                                   expected_version=None)
    assert refused.value.field == "headcount" and str(refused.value) == "The venue holds at most 50 people."
