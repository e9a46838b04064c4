"""Reminding units that have not answered, at most once per interval per unit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.attendance.conftest import answer_data
from tracker.attendance import services
from tracker.extensions import db
from tracker.models import Event, Invitation


def _flashes(client, response) -> str:
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_reminders_go_only_to_units_without_an_answer(client, login, event, make_unit, make_invitation, outbox):
    pending = make_invitation(event, make_unit("REG", "Registration Department"))
    make_invitation(event, make_unit("CIT"), status="accepted", headcount=3)
    login("organiser")
    response = client.post(f"/events/{event.id}/attendance/remind")
    assert response.headers["Location"] == f"/events/{event.id}/attendance"
    page = _flashes(client, response)
    assert "1 reminder queued." in page and "Skipped 1 unit that has answered." in page
    [reminder] = outbox("reminder")
    assert reminder.invitation_id == pending.id and reminder.recipients == ["reg@units.example.org"]
    assert "Please answer by" in reminder.subject


def test_a_unit_is_not_reminded_twice_within_the_interval_and_the_page_says_why(client, login, event, make_unit,
                                                                                make_invitation, outbox):
    make_invitation(event, make_unit("REG", "Registration Department"))
    login("organiser")
    client.post(f"/events/{event.id}/attendance/remind")
    page = _flashes(client, client.post(f"/events/{event.id}/attendance/remind"))
    assert "0 reminders queued." in page
    assert "Skipped 1 unit reminded less than 24 hours ago: Registration Department." in page
    assert len(outbox("reminder")) == 1


def test_a_unit_is_reminded_again_once_the_interval_has_passed(app, event, make_unit, make_invitation, outbox):
    make_invitation(event, make_unit("REG"))
    start = datetime.now(UTC)
    with app.app_context():
        found = db.session.get(Event, event.id)
        assert len(services.remind_pending_units(found, by_user=None, now=start).queued) == 1
        assert len(services.remind_pending_units(found, by_user=None, now=start + timedelta(hours=23)).queued) == 0
        assert len(services.remind_pending_units(found, by_user=None, now=start + timedelta(hours=24)).queued) == 1
        db.session.commit()
    assert len(outbox("reminder")) == 2


def test_the_interval_comes_from_the_configuration(app, event, make_unit, make_invitation):
    app.config["REMINDER_INTERVAL_HOURS"] = 2
    make_invitation(event, make_unit("REG"))
    start = datetime.now(UTC)
    with app.app_context():
        found = db.session.get(Event, event.id)
        services.remind_pending_units(found, by_user=None, now=start)
        assert len(services.remind_pending_units(found, by_user=None, now=start + timedelta(hours=2)).queued) == 1


def test_units_without_a_contact_address_are_skipped_with_a_reason(client, login, event, make_unit,
                                                                   make_invitation, outbox):
    make_invitation(event, make_unit("IT", "IT Centre", contact_emails=[]))
    login("organiser")
    page = _flashes(client, client.post(f"/events/{event.id}/attendance/remind"))
    assert "Skipped 1 unit without a contact address: IT Centre." in page
    assert outbox() == []


def test_a_reminder_does_not_turn_an_open_answer_form_into_a_conflict(app, client, login, event, unit, invitation,
                                                                      make_user, auth, reload):
    with app.app_context():
        services.remind_pending_units(db.session.get(Event, event.id), by_user=None)
        db.session.commit()
    assert reload(Invitation, invitation.id).version == 1
    login("representative", unit=unit)
    response = client.post(f"/invitations/{invitation.id}", data=answer_data(1))
    assert response.status_code == 302


def test_reminders_after_the_deadline_are_refused(client, login, make_event, make_unit, make_invitation, outbox):
    event = make_event(answer_deadline=datetime.now(UTC) - timedelta(hours=1))
    make_invitation(event, make_unit("REG"))
    login("organiser")
    page = _flashes(client, client.post(f"/events/{event.id}/attendance/remind"))
    assert "Answers for this event are closed" in page
    assert outbox() == []


def test_two_reminder_rounds_at_the_same_moment_remind_a_unit_once(app, event, make_unit, make_invitation, outbox):
    make_invitation(event, make_unit("REG"))
    moment = datetime.now(UTC)
    with app.app_context():
        first = services.remind_pending_units(db.session.get(Event, event.id), by_user=None, now=moment)
        db.session.commit()
    with app.app_context():
        # A second round that read the invitation before the first one committed.
        found = db.session.get(Event, event.id)
        invitation = db.session.execute(db.select(Invitation)).scalar_one()
        from sqlalchemy.orm.attributes import set_committed_value

        set_committed_value(invitation, "last_reminded_at", None)
        second = services.remind_pending_units(found, by_user=None, now=moment)
        db.session.commit()
    assert (len(first.queued), len(second.queued), len(second.recently_reminded)) == (1, 0, 1)
    assert len(outbox("reminder")) == 1


@pytest.mark.parametrize("role", ["press", "representative"])
def test_only_organisers_may_remind(client, login, event, role):
    login(role)
    assert client.post(f"/events/{event.id}/attendance/remind").status_code == 403


def test_the_reminder_flash_names_units_in_the_readers_language(client, login, event, make_unit, make_invitation,
                                                                outbox):
    names = {"az": "Qeydiyyat şöbəsi", "ru": "Отдел регистрации", "en": "Registration Department"}
    it_names = {"az": "İnformasiya texnologiyaları mərkəzi", "ru": "Центр информационных технологий",
                "en": "IT Centre"}
    make_invitation(event, make_unit("REG", names["en"], translations={"name": names}))
    make_invitation(event, make_unit("IT", it_names["en"], contact_emails=[], translations={"name": it_names}))
    login("organiser", language="az")
    client.post(f"/events/{event.id}/attendance/remind")
    page = _flashes(client, client.post(f"/events/{event.id}/attendance/remind"))
    # "Skipped … reminded less than 24 hours ago: …" and "… without a contact address: …", in Azerbaijani.
    assert page.count(names["az"]) >= 1 and page.count(it_names["az"]) >= 2
    assert names["en"] not in page and it_names["en"] not in page
