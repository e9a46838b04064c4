"""Inviting units, the invitation email, withdrawing, and the answer deadline."""

from __future__ import annotations

from email import message_from_bytes, policy

import icalendar

from tests.helpers import CONFIRMED, assert_asks, baku, field_error
from tracker.attendance import links, services
from tracker.extensions import db
from tracker.models import AuditEntry, Event, Invitation, OutboxMessage


def _invited_codes(app, event_id):
    with app.app_context():
        return sorted(
            invitation.unit.code
            for invitation in db.session.execute(
                db.select(Invitation).where(Invitation.event_id == event_id)).scalars()
        )


def test_organiser_invites_all_active_units(app, client, login, event, make_unit):
    for code in ("CIT", "REG", "IT"):
        make_unit(code)
    make_unit("OLD", active=False)
    login("organiser")
    response = client.post(f"/events/{event.id}/attendance/invite", data={"scope": "all"})
    assert response.headers["Location"] == f"/events/{event.id}/attendance"
    assert _invited_codes(app, event.id) == ["CIT", "IT", "REG"]
    assert "3 units invited" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_organiser_invites_a_hand_picked_set(app, client, login, event, make_unit):
    cit, _reg, it = make_unit("CIT"), make_unit("REG"), make_unit("IT")
    login("organiser")
    client.post(f"/events/{event.id}/attendance/invite", data={"scope": "selected", "units": [cit.id, it.id]})
    assert _invited_codes(app, event.id) == ["CIT", "IT"]


def test_organiser_invites_a_parent_unit_with_all_its_sub_units(app, client, login, event, make_unit):
    regions = make_unit("REGIONS")
    north = make_unit("NORTH", parent_id=regions.id, active=False)
    make_unit("GANJA", parent_id=regions.id)
    make_unit("SHAKI", parent_id=north.id)  # under an inactive office, still part of the branch
    make_unit("CIT")
    login("organiser")
    client.post(f"/events/{event.id}/attendance/invite", data={"scope": "branch", "parent": regions.id})
    assert _invited_codes(app, event.id) == ["GANJA", "REGIONS", "SHAKI"]


def test_a_hand_picked_round_without_units_is_refused_beside_the_field(app, client, login, event, make_unit):
    make_unit("CIT")
    login("organiser")
    response = client.post(f"/events/{event.id}/attendance/invite", data={"scope": "selected"})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "units") == "Tick at least one unit."
    assert _invited_codes(app, event.id) == []


def test_a_branch_round_without_its_parent_is_refused(client, login, event, make_unit):
    make_unit("CIT")
    login("organiser")
    response = client.post(f"/events/{event.id}/attendance/invite", data={"scope": "branch", "parent": "0"})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "parent") == "Choose the parent unit."


def test_units_already_invited_are_not_invited_twice(app, client, login, event, invitation, make_unit, outbox):
    make_unit("REG")
    login("organiser")
    client.post(f"/events/{event.id}/attendance/invite", data={"scope": "all"})
    assert _invited_codes(app, event.id) == ["CIT", "REG"]
    assert len(outbox("invitation")) == 1


def test_a_draft_event_takes_no_invitations(app, client, login, make_event, make_unit):
    draft = make_event(status="draft")
    make_unit("CIT")
    login("organiser")
    page = client.get(f"/events/{draft.id}/attendance/invite").get_data(as_text=True)
    assert 'id="not-scheduled"' in page and 'id="invite-form"' not in page
    assert client.post(f"/events/{draft.id}/attendance/invite", data={"scope": "all"}).status_code == 409
    assert _invited_codes(app, draft.id) == []


def test_each_invitation_queues_an_email_with_the_essentials_the_link_and_the_calendar_invitation(
        app, client, login, event, make_unit, outbox):
    make_unit("CIT", "Citizenship Department", contact_emails=["cit@units.example.org", "head.cit@units.example.org"])
    login("organiser")
    client.post(f"/events/{event.id}/attendance/invite", data={"scope": "all"})
    [row] = outbox("invitation")
    assert row.recipients == ["cit@units.example.org", "head.cit@units.example.org"]
    message = message_from_bytes(row.raw, policy=policy.default)
    assert message["Message-ID"] == row.message_id
    assert message["Subject"].startswith("Invitation: Commemoration ceremony")
    assert message.get_content_type() == "multipart/mixed"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Citizenship Department" in text and "Assembly hall" in text and "(Asia/Baku)" in text
    link = next(line for line in text.splitlines() if line.startswith("http://tracker.test/answer/"))
    assert f'href="{link}"' in html
    with app.app_context():
        assert links.check_answer_token(link.rsplit("/", 1)[1]).invitation.id == row.invitation_id
    calendar_part = next(part for part in message.walk() if part.get_content_type() == "text/calendar")
    assert calendar_part.get_param("method") == "REQUEST"
    attachment = next(message.iter_attachments())
    assert attachment.get_filename() == "invite.ics"
    calendar = icalendar.Calendar.from_ical(calendar_part.get_content())
    assert str(calendar["METHOD"]) == "REQUEST"
    with app.app_context():
        assert str(calendar.walk("VEVENT")[0]["UID"]) == db.session.get(Event, event.id).uid


def test_the_invitation_and_its_email_are_written_together_or_not_at_all(app, event, unit, outbox):
    with app.app_context():
        services.invite_units(db.session.get(Event, event.id), services.active_units(), by_user=None)
        db.session.rollback()
        assert db.session.execute(db.select(Invitation)).first() is None
    assert outbox() == []


def test_a_unit_without_a_contact_address_is_invited_and_the_page_says_no_email_went(
        app, client, login, event, make_unit, outbox):
    make_unit("IT", "IT Centre", contact_emails=[])
    login("organiser")
    response = client.post(f"/events/{event.id}/attendance/invite", data={"scope": "all"})
    assert _invited_codes(app, event.id) == ["IT"]
    assert outbox() == []
    assert "No contact address, so no email for: IT Centre" in client.get(
        response.headers["Location"]).get_data(as_text=True)


def test_the_invite_round_is_recorded(app, client, login, event, unit):
    organiser = login("organiser")
    client.post(f"/events/{event.id}/attendance/invite", data={"scope": "all"})
    with app.app_context():
        entry = db.session.execute(db.select(AuditEntry)).scalar_one()
        assert (entry.action, entry.user_id, entry.new) == ("invite", organiser.id, {"unit": "CIT"})


def test_organiser_withdraws_an_unanswered_invitation_and_the_unit_is_told(app, client, login, invitation, outbox,
                                                                          reload):
    login("organiser")
    response = client.post(f"/invitations/{invitation.id}/withdraw", data=CONFIRMED)
    assert response.headers["Location"] == f"/events/{invitation.event_id}/attendance"
    assert reload(Invitation, invitation.id) is None
    [notice] = outbox("withdrawal")
    message = message_from_bytes(notice.raw, policy=policy.default)
    assert message["Subject"] == "Invitation withdrawn: Commemoration ceremony"
    calendar = next(part for part in message.walk() if part.get_content_type() == "text/calendar")
    assert calendar.get_param("method") == "CANCEL"
    with app.app_context():
        entry = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "withdraw")).scalar_one()
        assert entry.event_id == invitation.event_id and entry.old["unit"] == "CIT"


def test_an_answered_invitation_cannot_be_withdrawn(client, login, event, unit, make_invitation, reload):
    answered = make_invitation(event, unit, status="declined", headcount=0)
    login("organiser")
    response = client.post(f"/invitations/{answered.id}/withdraw", data=CONFIRMED)
    assert "already answered" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert reload(Invitation, answered.id) is not None


def test_a_withdrawal_that_loses_the_race_to_an_answer_keeps_the_invitation_and_says_why(
        app, client, login, invitation, outbox, reload, monkeypatch):
    from tracker.attendance import services

    can_withdraw = services.can_withdraw
    raced: list[bool] = []

    def answered_meanwhile(*args):
        if not raced:  # the unit answers by link, in its own transaction, after the withdrawal read it
            raced.append(True)
            with app.app_context():
                theirs = db.session.get(Invitation, invitation.id)
                services.record_answer(theirs, services.AnswerDetails("declined", 0), by_user=None, via="link",
                                       expected_version=None)
                db.session.commit()
        return can_withdraw(*args)

    monkeypatch.setattr("tracker.attendance.services.can_withdraw", answered_meanwhile)
    login("organiser")
    response = client.post(f"/invitations/{invitation.id}/withdraw", data=CONFIRMED)
    assert response.headers["Location"] == f"/events/{invitation.event_id}/attendance"
    assert "This unit has just answered; its invitation stays." in client.get(
        response.headers["Location"]).get_data(as_text=True)
    assert reload(Invitation, invitation.id).status == "declined"
    assert outbox("withdrawal") == []  # neither the notice nor the history entry of the refused withdrawal
    with app.app_context():
        assert db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "withdraw")).first() is None


def test_withdrawing_a_missing_invitation_is_not_found(client, login):
    login("organiser")
    assert client.post("/invitations/4242/withdraw").status_code == 404


def test_organiser_sets_the_deadline_in_the_events_time_zone(app, client, login, event, reload):
    login("organiser")
    response = client.post(f"/events/{event.id}/attendance/deadline", data={"deadline": "2012-02-20T18:00"})
    assert response.headers["Location"] == f"/events/{event.id}/attendance/invite"
    assert reload(Event, event.id).answer_deadline == baku(2012, 2, 20, 18, 0)
    client.post(f"/events/{event.id}/attendance/deadline", data={"deadline": ""})
    assert reload(Event, event.id).answer_deadline is None


def test_a_deadline_after_the_event_ends_is_refused_beside_the_field(client, login, event, reload):
    login("organiser")
    response = client.post(f"/events/{event.id}/attendance/deadline", data={"deadline": "2199-01-01T10:00"})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "deadline") == "The deadline cannot be after the event ends."
    assert reload(Event, event.id).answer_deadline is None


def test_after_the_deadline_no_more_units_can_be_invited(app, client, login, event, make_unit):
    make_unit("CIT")
    login("organiser")
    client.post(f"/events/{event.id}/attendance/deadline", data={"deadline": "2012-02-20T18:00"})
    assert 'id="deadline-passed"' in client.get(f"/events/{event.id}/attendance/invite").get_data(as_text=True)
    assert client.post(f"/events/{event.id}/attendance/invite", data={"scope": "all"}).status_code == 409


def test_invite_page_of_a_missing_event_is_not_found(client, login):
    login("organiser")
    assert client.get("/events/4242/attendance/invite").status_code == 404


def test_withdrawal_email_keeps_no_link_to_the_deleted_invitation(app, client, login, invitation, outbox):
    login("organiser")
    client.post(f"/invitations/{invitation.id}/withdraw", data=CONFIRMED)
    assert [row.invitation_id for row in outbox()] == [None]
    with app.app_context():
        assert db.session.execute(db.select(OutboxMessage.event_id)).scalar_one() == invitation.event_id


def test_two_organisers_inviting_at_once_invite_and_email_each_unit_once(app, event, make_unit, make_user, outbox):
    import threading

    from tests.helpers import PASSWORD

    for i in range(8):
        make_unit(f"U{i}")
    browsers = []
    for _ in range(2):
        organiser = make_user("organiser")
        browser = app.test_client()
        browser.post("/login", data={"email": organiser.email, "password": PASSWORD})
        browsers.append(browser)
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def invite(browser) -> None:
        barrier.wait()
        codes.append(browser.post(f"/events/{event.id}/attendance/invite", data={"scope": "all"}).status_code)

    threads = [threading.Thread(target=invite, args=(browser,)) for browser in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [302, 302]
    assert _invited_codes(app, event.id) == sorted(f"U{i}" for i in range(8))
    emailed = [row.invitation_id for row in outbox("invitation")]
    assert len(emailed) == 8 == len(set(emailed))


def test_invitations_of_an_event_that_has_begun_cannot_be_withdrawn(client, login, make_event, unit,
                                                                    make_invitation, reload):
    from datetime import UTC, datetime, timedelta

    started = make_event(starts_at=datetime.now(UTC) - timedelta(hours=1))
    invitation = make_invitation(started, unit)
    login("organiser")
    assert "Withdraw" not in client.get(f"/events/{started.id}/attendance").get_data(as_text=True)
    response = client.post(f"/invitations/{invitation.id}/withdraw", data=CONFIRMED)
    assert "only before a scheduled event begins" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert reload(Invitation, invitation.id) is not None


def test_withdrawing_asks_first_and_an_unconfirmed_post_changes_nothing(client, login, invitation, outbox, reload):
    login("organiser")
    response = client.post(f"/invitations/{invitation.id}/withdraw")
    assert_asks(response, "Withdraw the invitation of Citizenship Department?",
                f"/events/{invitation.event_id}/attendance")
    assert "Yes, withdraw" in response.get_data(as_text=True)
    assert reload(Invitation, invitation.id) is not None
    assert outbox("withdrawal") == []
    dashboard = client.get(f"/events/{invitation.event_id}/attendance").get_data(as_text=True)
    assert ('data-confirm="Withdraw the invitation of Citizenship Department?" data-confirm-yes="Yes, withdraw"'
            in dashboard)


def test_the_confirmation_step_speaks_the_readers_language(client, login, invitation):
    login("organiser")
    response = client.post(f"/invitations/{invitation.id}/withdraw", headers={"Accept-Language": "az"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Citizenship Department struktur bölməsinə dəvət geri götürülsün?" in html
    assert "Bəli, geri götür" in html and "Xeyr, geri qayıt" in html
    assert "No, go back" not in html and "Yes, withdraw" not in html
