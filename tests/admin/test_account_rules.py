"""Account rules called directly, without a form: the same answers a page, the CLI and the demo loader get."""

from __future__ import annotations

import pytest

from tests.helpers import PASSWORD
from tracker.auth.services import AccountChanges, AccountError, NewAccount, create_user, update_user
from tracker.extensions import db
from tracker.models import Role, User


def _account(**fields):
    values = {"email": "clerk@example.org", "name": "Clerk", "password": PASSWORD, "role": Role.ORGANISER}
    values.update(fields)
    return NewAccount(**values)


def test_an_email_is_unique_whatever_its_case(app, make_user):
    make_user(Role.PRESS, email="clerk@example.org")
    with app.app_context(), pytest.raises(AccountError) as caught:
        create_user(_account(email="Clerk@Example.ORG"))
    assert caught.value.field == "email"


def test_an_email_must_be_an_address(app):
    with app.app_context(), pytest.raises(AccountError) as caught:
        create_user(_account(email="not an email"))
    assert caught.value.field == "email"
    assert str(caught.value) == "not an email is not an email address."


def test_a_representative_needs_a_unit(app):
    with app.app_context(), pytest.raises(AccountError) as caught:
        create_user(_account(role=Role.REPRESENTATIVE))
    assert caught.value.field == "unit_id"


def test_a_representatives_unit_must_exist(app):
    with app.app_context(), pytest.raises(AccountError) as caught:
        create_user(_account(role=Role.REPRESENTATIVE, unit_id=999))
    assert caught.value.field == "unit_id"
    assert str(caught.value) == "The chosen unit does not exist."


def test_only_representatives_are_bound_to_a_unit(app, make_unit):
    unit = make_unit("CIT")
    with app.app_context(), pytest.raises(AccountError) as caught:
        create_user(_account(unit_id=unit.id))
    assert caught.value.field == "unit_id"


def test_a_short_password_is_refused(app):
    with app.app_context(), pytest.raises(AccountError) as caught:
        create_user(_account(password="short"))
    assert caught.value.field == "password"


def test_a_representative_is_created_bound_to_the_unit(app, make_unit):
    unit = make_unit("CIT")
    with app.app_context():
        user = create_user(_account(role=Role.REPRESENTATIVE, unit_id=unit.id, language="az"))
        assert (user.unit_id, user.language, user.name) == (unit.id, "az", "Clerk")


def test_an_admin_cannot_demote_themselves(app, make_user):
    admin = make_user(Role.ADMIN)
    with app.app_context():
        acting = db.session.get(User, admin.id)
        changes = AccountChanges(name="Me", role=Role.ORGANISER, unit_id=None, active=True)
        with pytest.raises(AccountError) as caught:
            update_user(acting, changes, acting=acting)
        assert caught.value.field == "role"
        assert acting.role == Role.ADMIN
