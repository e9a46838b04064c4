"""Recording on the day how many people came, per unit, with walk-ins."""

from __future__ import annotations

import re

import pytest

from tests.attendance.conftest import answer_data
from tests.helpers import field_error
from tracker.attendance import services
from tracker.extensions import db
from tracker.models import AuditEntry, Event, Invitation


@pytest.fixture
def two_units(event, make_unit, make_invitation):
    """CIT attends with 12, REG has not answered."""
    cit = make_invitation(event, make_unit("CIT", "Citizenship Department"), status="accepted", headcount=12)
    reg = make_invitation(event, make_unit("REG", "Registration Department"))
    return cit, reg


def _form(cit, reg, cit_came="", reg_came="", cit_was="", reg_was=""):
    return {f"came_{cit.id}": cit_came, f"was_{cit.id}": cit_was, f"came_{reg.id}": reg_came, f"was_{reg.id}": reg_was}


def test_check_in_page_lists_each_invited_unit_with_a_big_number_field(client, login, event, two_units):
    cit, reg = two_units
    login("organiser")
    html = client.get(f"/events/{event.id}/check-in").get_data(as_text=True)
    for invitation in (cit, reg):
        field = re.search(rf'<input[^>]*id="came_{invitation.id}"[^>]*>', html).group(0)
        assert 'inputmode="numeric"' in field and "big-number" in field
    assert "Citizenship Department" in html and "12 expected" in html


def test_organiser_records_how_many_came_and_the_event_page_shows_the_total(client, login, event, two_units, reload):
    cit, reg = two_units
    login("organiser")
    response = client.post(f"/events/{event.id}/check-in", data=_form(cit, reg, cit_came="10", reg_came="2"))
    assert response.headers["Location"] == f"/events/{event.id}/check-in"
    assert (reload(Invitation, cit.id).actual_attendance, reload(Invitation, reg.id).actual_attendance) == (10, 2)
    panel = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "12 people came" in panel


def test_a_negative_number_is_refused_beside_its_field(client, login, event, two_units, reload):
    cit, reg = two_units
    login("organiser")
    response = client.post(f"/events/{event.id}/check-in", data=_form(cit, reg, cit_came="-1"))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), f"came_{cit.id}")
    assert reload(Invitation, cit.id).actual_attendance is None


def test_saving_changes_only_the_rows_typed_into_on_this_page(client, login, app, event, two_units, reload):
    cit, reg = two_units
    login("organiser")
    # Another tablet recorded REG meanwhile; this page was shown before, with REG empty.
    with app.app_context():
        services.record_check_in(db.session.get(Event, event.id), {reg.id: 4}, by_user=None)
        db.session.commit()
    client.post(f"/events/{event.id}/check-in", data=_form(cit, reg, cit_came="9", reg_came=""))
    assert (reload(Invitation, cit.id).actual_attendance, reload(Invitation, reg.id).actual_attendance) == (9, 4)


def test_check_in_is_recorded_in_the_history(app, client, login, event, two_units):
    cit, reg = two_units
    organiser = login("organiser")
    client.post(f"/events/{event.id}/check-in", data=_form(cit, reg, cit_came="10"))
    with app.app_context():
        entry = db.session.execute(db.select(AuditEntry)).scalar_one()
        assert (entry.action, entry.user_id, entry.old, entry.new) == (
            "check_in", organiser.id, {"actual_attendance": None}, {"actual_attendance": 10})


def test_check_in_does_not_disturb_an_open_answer_form(client, login, auth, event, two_units, reload, make_user):
    cit, reg = two_units
    login("organiser")
    client.post(f"/events/{event.id}/check-in", data=_form(cit, reg, reg_came="1"))
    assert reload(Invitation, reg.id).version == 1


def test_organiser_adds_a_walk_in_unit(app, client, login, event, two_units, make_unit, reload):
    walk_in = make_unit("IT", "IT Centre")
    login("organiser")
    response = client.post(f"/events/{event.id}/check-in/walk-in", data={"unit": walk_in.id, "came": "3"})
    assert response.headers["Location"] == f"/events/{event.id}/check-in"
    with app.app_context():
        added = db.session.execute(db.select(Invitation).where(Invitation.unit_id == walk_in.id)).scalar_one()
        assert (added.walk_in, added.actual_attendance, added.status) == (True, 3, "pending")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "3 people came" in page and "including 1 walk-in unit" in page


def test_a_walk_in_needs_at_least_one_person(client, login, event, make_unit):
    walk_in = make_unit("IT")
    login("organiser")
    response = client.post(f"/events/{event.id}/check-in/walk-in", data={"unit": walk_in.id, "came": "0"})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "came")


def test_an_invited_unit_cannot_be_added_as_a_walk_in(app, event, two_units):
    cit, _reg = two_units
    with app.app_context():
        found = db.session.get(Event, event.id)
        with pytest.raises(services.AttendanceError, match="already on the list"):
            services.add_walk_in(found, db.session.get(Invitation, cit.id).unit, 2, by_user=None)


def test_a_walk_in_added_from_two_devices_at_once_is_stored_once_and_the_second_is_told(app, client, login, event,
                                                                                        make_unit):
    from sqlalchemy import event as sa_event

    from tracker.models import Unit

    walk_in = make_unit("IT")
    login("organiser")
    raced: list[bool] = []

    def other_device_first(conn, cursor, statement, *args) -> None:
        # Just before this request's INSERT, another device adds the same unit in its own transaction.
        if not raced and statement.lstrip().upper().startswith("INSERT INTO INVITATIONS"):
            raced.append(True)
            with app.app_context():
                services.add_walk_in(db.session.get(Event, event.id), db.session.get(Unit, walk_in.id), 3,
                                     by_user=None)
                db.session.commit()

    with app.app_context():
        engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", other_device_first)
    try:
        response = client.post(f"/events/{event.id}/check-in/walk-in", data={"unit": walk_in.id, "came": "2"})
    finally:
        sa_event.remove(engine, "before_cursor_execute", other_device_first)
    assert raced
    assert response.status_code == 422
    assert "added at the same moment from another device" in field_error(response.get_data(as_text=True), "unit")
    with app.app_context():
        stored = db.session.execute(db.select(Invitation).where(Invitation.unit_id == walk_in.id)).scalar_one()
        assert (stored.walk_in, stored.actual_attendance) == (True, 3)


def test_a_walk_in_is_not_offered_an_answer_link_or_a_reminder(app, client, login, event, make_unit, outbox):
    walk_in = make_unit("IT")
    login("organiser")
    client.post(f"/events/{event.id}/check-in/walk-in", data={"unit": walk_in.id, "came": "2"})
    client.post(f"/events/{event.id}/attendance/remind")
    assert outbox() == []


def test_check_in_of_a_draft_event_is_refused(client, login, make_event):
    draft = make_event(status="draft")
    login("organiser")
    assert "only for scheduled or held events" in client.get(f"/events/{draft.id}/check-in").get_data(as_text=True)
    assert client.post(f"/events/{draft.id}/check-in", data={}).status_code == 409
    assert client.post(f"/events/{draft.id}/check-in/walk-in", data={}).status_code == 409


def test_a_representative_can_change_the_answer_after_a_check_in(client, login, event, unit, make_invitation,
                                                                 reload):
    invitation = make_invitation(event, unit)
    login("organiser")
    client.post(f"/events/{event.id}/check-in", data={f"came_{invitation.id}": "2", f"was_{invitation.id}": ""})
    client.post("/logout")
    login("representative", unit=unit)
    assert client.post(f"/invitations/{invitation.id}", data=answer_data(1, headcount=2)).status_code == 302
    assert reload(Invitation, invitation.id).actual_attendance == 2
