"""The admin's account pages: list, create, edit, reset a password; an admin never locks themselves out."""

from __future__ import annotations

from tests.helpers import PASSWORD, assert_asks, count_queries, field_error
from tracker.extensions import db
from tracker.models import User


def _user(app, email):
    with app.app_context():
        user = db.session.execute(db.select(User).where(User.email == email)).scalar_one_or_none()
        if user is not None:
            db.session.expunge(user)
        return user


def _new(**fields):
    data = {"email": "clerk@example.org", "name": "Clerk", "role": "organiser", "unit_id": "",
            "password": "long enough password", "language": ""}
    data.update(fields)
    return data


def _edit(user, **fields):
    data = {"name": user.name, "role": user.role, "unit_id": str(user.unit_id or ""),
            "language": user.language or "", "active": "y" if user.active else ""}
    data.update(fields)
    return data


def test_list_shows_accounts_with_role_and_unit(client, login, make_user, make_unit):
    login("admin")
    make_user("representative", unit=make_unit("CIT", "Citizenship Department"), email="cit@example.org")
    html = client.get("/admin/users").get_data(as_text=True)
    assert "cit@example.org" in html and "Unit representative" in html and "Citizenship Department (CIT)" in html


def test_list_filters_by_role(client, login, make_user):
    login("admin")
    make_user("press", email="press.officer@example.org")
    html = client.get("/admin/users?role=organiser").get_data(as_text=True)
    assert "press.officer@example.org" not in html


def test_list_uses_the_same_number_of_queries_for_many_accounts(app, client, login, make_user):
    login("admin")
    make_user("representative")
    with count_queries(app) as few:
        client.get("/admin/users")
    for _ in range(6):
        make_user("representative")
    with count_queries(app) as many:
        client.get("/admin/users")
    assert many.count == few.count


def test_admin_creates_an_organiser_who_can_sign_in(app, client, login, auth):
    login("admin")
    response = client.post("/admin/users/new", data=_new(language="ru"))
    assert response.headers["Location"] == "/admin/users"
    user = _user(app, "clerk@example.org")
    assert user.role == "organiser" and user.language == "ru" and user.unit_id is None
    auth.logout()
    assert auth.login("clerk@example.org", "long enough password").status_code == 302


def test_admin_creates_a_representative_for_a_unit(app, client, login, make_unit):
    login("admin")
    unit = make_unit("CIT")
    client.post("/admin/users/new", data=_new(role="representative", unit_id=str(unit.id)))
    assert _user(app, "clerk@example.org").unit_id == unit.id


def test_representative_without_unit_is_refused_beside_the_unit(app, client, login):
    login("admin")
    response = client.post("/admin/users/new", data=_new(role="representative"))
    assert response.status_code == 422
    assert "must be bound to a unit" in field_error(response.get_data(as_text=True), "unit_id")
    assert _user(app, "clerk@example.org") is None


def test_organiser_with_a_unit_is_refused(client, login, make_unit):
    login("admin")
    unit = make_unit("CIT")
    response = client.post("/admin/users/new", data=_new(unit_id=str(unit.id)))
    assert response.status_code == 422
    assert "Only representatives" in field_error(response.get_data(as_text=True), "unit_id")


def test_short_password_is_refused_beside_the_field(client, login):
    login("admin")
    response = client.post("/admin/users/new", data=_new(password="short"))
    assert response.status_code == 422
    assert "at least 8 characters" in field_error(response.get_data(as_text=True), "password")


def test_duplicate_email_is_refused(client, login, make_user):
    login("admin")
    make_user("press", email="Clerk@Example.org")
    response = client.post("/admin/users/new", data=_new())
    assert response.status_code == 422
    assert "already exists" in field_error(response.get_data(as_text=True), "email")


def test_bad_email_is_refused(client, login):
    login("admin")
    response = client.post("/admin/users/new", data=_new(email="not an email"))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "email")


def test_admin_changes_role_unit_name_language_and_active(app, client, login, make_user, make_unit):
    login("admin")
    user = make_user("organiser")
    unit = make_unit("GANJA")
    assert f'value="{user.name}"' in client.get(f"/admin/users/{user.id}/edit").get_data(as_text=True)
    response = client.post(f"/admin/users/{user.id}/edit", data=_edit(
        user, name="Ganja clerk", role="representative", unit_id=str(unit.id), language="az", active="", confirmed="1"))
    assert response.headers["Location"] == "/admin/users"
    changed = _user(app, user.email)
    assert (changed.name, changed.role, changed.unit_id, changed.language, changed.active) == (
        "Ganja clerk", "representative", unit.id, "az", False)


def test_deactivated_account_can_no_longer_sign_in(client, login, auth, make_user):
    login("admin")
    user = make_user("press")
    client.post(f"/admin/users/{user.id}/edit", data=_edit(user, active="", confirmed="1"))
    auth.logout()
    assert auth.login(user.email).status_code == 422


def test_changing_a_representative_to_press_needs_the_unit_removed(client, login, make_user):
    login("admin")
    user = make_user("representative")
    response = client.post(f"/admin/users/{user.id}/edit", data=_edit(user, role="press"))
    assert response.status_code == 422
    assert "Only representatives" in field_error(response.get_data(as_text=True), "unit_id")


def test_admin_cannot_demote_themselves(app, client, login):
    admin = login("admin")
    response = client.post(f"/admin/users/{admin.id}/edit", data=_edit(admin, role="organiser"))
    assert response.status_code == 422
    assert "your own admin role" in field_error(response.get_data(as_text=True), "role")
    assert _user(app, admin.email).role == "admin"


def test_admin_cannot_deactivate_themselves(app, client, login):
    admin = login("admin")
    response = client.post(f"/admin/users/{admin.id}/edit", data=_edit(admin, active=""))
    assert response.status_code == 422
    assert "deactivate your own account" in field_error(response.get_data(as_text=True), "active")
    assert _user(app, admin.email).active is True


def test_admin_may_demote_another_admin(app, client, login, make_user):
    login("admin")
    other = make_user("admin")
    client.post(f"/admin/users/{other.id}/edit", data=_edit(other, role="organiser"))
    assert _user(app, other.email).role == "organiser"


def test_admin_resets_a_password(app, client, login, auth, make_user):
    login("admin")
    user = make_user("press")
    response = client.post(f"/admin/users/{user.id}/password", data={"reset-password": "brand new secret"})
    assert response.headers["Location"] == f"/admin/users/{user.id}/edit"
    auth.logout()
    assert auth.login(user.email, PASSWORD).status_code == 422
    assert auth.login(user.email, "brand new secret").status_code == 302


def test_short_reset_password_is_refused_beside_the_field(app, client, login, make_user):
    login("admin")
    user = make_user("press")
    response = client.post(f"/admin/users/{user.id}/password", data={"reset-password": "short"})
    assert response.status_code == 422
    assert "at least 8 characters" in field_error(response.get_data(as_text=True), "reset-password")
    with app.app_context():
        assert db.session.get(User, user.id).check_password(PASSWORD)


def test_editing_a_missing_account_is_404(client, login):
    login("admin")
    assert client.get("/admin/users/4242/edit").status_code == 404


def test_organiser_cannot_manage_accounts(client, login, make_user):
    user = make_user("press")
    login("organiser")
    assert client.get("/admin/users").status_code == 403
    assert client.post("/admin/users/new", data=_new()).status_code == 403
    response = client.post(f"/admin/users/{user.id}/password", data={"reset-password": "brand new secret"})
    assert response.status_code == 403


def test_deactivating_asks_first_and_keeps_the_posted_changes(app, client, login, make_user):
    login("admin")
    user = make_user("press")
    response = client.post(f"/admin/users/{user.id}/edit", data=_edit(user, name="Press office", active=""))
    assert_asks(response, f"Deactivate the account {user.email}?", f"/admin/users/{user.id}/edit")
    html = response.get_data(as_text=True)
    assert '<input type="hidden" name="name" value="Press office">' in html
    assert '<input type="hidden" name="active" value="">' in html  # carried as posted: unchecked
    assert (_user(app, user.email).active, _user(app, user.email).name) == (True, user.name)
    confirmed = client.post(f"/admin/users/{user.id}/edit", data=_edit(user, name="Press office", active="",
                                                                       confirmed="1"))
    assert confirmed.headers["Location"] == "/admin/users"
    assert (_user(app, user.email).active, _user(app, user.email).name) == (False, "Press office")


def test_saving_without_deactivating_does_not_ask(app, client, login, make_user):
    login("admin")
    user = make_user("press")
    response = client.post(f"/admin/users/{user.id}/edit", data=_edit(user, name="Press office"))
    assert response.headers["Location"] == "/admin/users"
    form = client.get(f"/admin/users/{user.id}/edit").get_data(as_text=True)
    assert 'data-confirm-when-unchecked="active"' in form
