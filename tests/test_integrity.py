"""The database holds the rules itself: what bypasses the forms and services is still refused.

The forms and services give the friendly messages (their own tests show them); these tests show the last
line behind them, and that when it is the database that says no, people still get a form error, not a 500.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from tests.helpers import field_error
from tracker.auth import services as account_services
from tracker.directory import services as directory_services
from tracker.errors import RuleError
from tracker.events.services import EventDetails, create_event
from tracker.extensions import db
from tracker.models import Role, Unit, User

START = datetime(2030, 2, 25, 6, 0, tzinfo=UTC)


def test_an_event_that_ends_before_it_starts_cannot_be_stored_even_by_a_service_call(app):
    details = EventDetails(title="Backwards", kind="ceremony", starts_at=START, ends_at=START - timedelta(hours=1),
                           timezone="Asia/Baku")
    with app.app_context(), pytest.raises((IntegrityError, RuleError)):
        create_event(details)
        db.session.flush()


def test_an_event_that_ends_as_it_starts_cannot_be_stored(app, make_event):
    with pytest.raises(IntegrityError):
        make_event(starts_at=START, ends_at=START)


def test_a_unit_code_in_another_case_cannot_be_stored_by_bypassing_the_services(app, make_unit):
    make_unit("CIT")
    with app.app_context():
        db.session.add(Unit(code="cit", name="Second citizenship unit"))
        with pytest.raises(IntegrityError):
            db.session.flush()


def test_an_email_in_another_case_cannot_be_stored_by_bypassing_the_services(app, make_user):
    make_user(Role.PRESS, email="clerk@example.org")
    with app.app_context():
        db.session.add(User(email="Clerk@Example.ORG", name="Clerk", password_hash="x", role=Role.PRESS))
        with pytest.raises(IntegrityError):
            db.session.flush()


def test_a_representative_must_have_a_unit_and_no_other_role_may(app, make_unit):
    unit = make_unit()
    for role, unit_id in ((Role.REPRESENTATIVE, None), (Role.ORGANISER, unit.id)):
        with app.app_context():
            db.session.add(User(email=f"{role}@example.org", name="x", password_hash="x", role=role, unit_id=unit_id))
            with pytest.raises(IntegrityError):
                db.session.flush()
            db.session.rollback()


def test_a_unit_with_representatives_cannot_be_deleted_behind_the_services_back(app, make_user):
    representative = make_user(Role.REPRESENTATIVE)
    with app.app_context():
        db.session.delete(db.session.get(Unit, representative.unit_id))
        with pytest.raises(IntegrityError):
            db.session.flush()


def test_a_unit_code_taken_between_check_and_save_is_a_form_error(client, login, make_unit, monkeypatch):
    login("organiser")
    make_unit("CIT")
    # Another request stores "CIT" after this one looked: the look-up finds nothing, the index refuses.
    monkeypatch.setattr(directory_services, "find_unit_by_code", lambda code: None)
    response = client.post("/units/new", data={"code": "cit", "name": "Citizenship", "name_az": "", "name_ru": "",
                                               "parent_id": "", "contact_emails": "", "active": "y"})
    assert response.status_code == 422
    assert "already has the code CIT" in field_error(response.get_data(as_text=True), "code")


def test_an_email_taken_between_check_and_save_is_a_form_error(client, login, make_user, monkeypatch):
    login("admin")
    make_user(Role.PRESS, email="clerk@example.org")
    monkeypatch.setattr(account_services, "find_user_by_email", lambda email: None)
    response = client.post("/admin/users/new", data={
        "email": "Clerk@Example.ORG", "name": "Clerk", "role": "organiser", "unit_id": "",
        "password": "long enough password", "language": ""})
    assert response.status_code == 422
    assert "already exists" in field_error(response.get_data(as_text=True), "email")


def test_the_users_command_finds_a_unit_by_its_code_in_any_case(app, runner, make_unit):
    unit = make_unit("GANJA")
    result = runner.invoke(args=["users", "create", "ganja@example.org", "--role", "representative",
                                 "--unit", "ganja", "--password", "long enough password"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = account_services.find_user_by_email("GANJA@example.org")
        assert user is not None and user.unit_id == unit.id


def test_a_savepoint_first_in_a_transaction_is_undone_with_it(app, make_unit):
    """SQLite's driver begins a transaction only before a write: a SAVEPOINT coming first must not become the whole
    transaction (its RELEASE would commit what the outer rollback is meant to take back)."""
    from tracker.models import Unit

    unit = make_unit()
    with app.app_context():
        with db.session.begin_nested():
            db.session.get(Unit, unit.id).active = False
        db.session.rollback()
        assert db.session.get(Unit, unit.id).active is True
