"""Signing in and out, the ``next`` rule, CSRF, and the ``users create`` command."""

from __future__ import annotations

from tracker.extensions import db
from tracker.models import User


def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b'name="email"' in response.data and b'name="password"' in response.data


def test_organiser_signs_in_and_lands_on_events(client, auth, make_user):
    user = make_user("organiser")
    response = auth.login(user.email)
    assert response.headers["Location"] == "/"
    assert client.get("/events").status_code == 200


def test_wrong_password_is_refused_beside_the_field(client, auth, make_user):
    user = make_user("organiser")
    response = auth.login(user.email, "not the password")
    assert response.status_code == 422
    assert b"Wrong email or password" in response.data
    assert client.get("/events").headers["Location"].startswith("/login")


def test_email_is_matched_without_case(client, auth, make_user):
    make_user("press", email="Press.Officer@Example.org")
    assert auth.login("press.officer@example.org").status_code == 302


def test_disabled_account_cannot_sign_in(auth, make_user):
    user = make_user("organiser", active=False)
    assert auth.login(user.email).status_code == 422


def test_next_goes_to_a_path_on_this_site(client, make_user):
    user = make_user("organiser")
    response = client.post("/login?next=/series", data={"email": user.email, "password": _pw(), "next": "/series"})
    assert response.headers["Location"] == "/series"


def test_next_to_another_site_is_ignored(client, make_user):
    user = make_user("organiser")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        response = client.post("/login", data={"email": user.email, "password": _pw(), "next": target})
        assert response.headers["Location"] == "/", target
        client.post("/logout")


def test_anonymous_visitor_is_sent_to_login_with_next(client):
    response = client.get("/events")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_post_without_csrf_token_is_refused(client, make_user):
    user = make_user("organiser")
    response = client.post("/login", data={"email": user.email, "password": _pw()}, csrf=False)
    assert response.status_code == 400
    assert client.get("/events").status_code == 302


def test_logout_ends_the_session(client, auth, make_user):
    auth.login_as(make_user("organiser"))
    response = auth.logout()
    assert response.headers["Location"] == "/login"
    assert client.get("/events").status_code == 302


def test_logout_needs_post(client, auth, make_user):
    auth.login_as(make_user("organiser"))
    assert client.get("/logout").status_code == 405


def test_language_choice_is_remembered_on_the_account(app, client, auth, make_user):
    user = make_user("organiser")
    auth.login_as(user)
    response = client.post("/language", data={"language": "az", "next": "/events"})
    assert response.headers["Location"] == "/events"
    with app.app_context():
        assert db.session.get(User, user.id).language == "az"
    assert 'lang="az"' in client.get("/events").get_data(as_text=True)


def test_users_create_command_makes_a_representative(app, runner, make_unit):
    unit = make_unit("CIT")
    result = runner.invoke(
        args=["users", "create", "clerk@example.org", "--role", "representative", "--unit", "CIT",
              "--password", "long enough password"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.execute(db.select(User).where(User.email == "clerk@example.org")).scalar_one()
        assert user.unit_id == unit.id and user.check_password("long enough password")


def test_users_create_prints_a_generated_password(runner):
    result = runner.invoke(args=["users", "create", "press@example.org", "--role", "press"])
    assert result.exit_code == 0
    assert "Password: " in result.output


def test_users_create_refuses_a_representative_without_unit(runner):
    result = runner.invoke(args=["users", "create", "x@example.org", "--role", "representative"])
    assert result.exit_code == 2
    assert "must be bound to a unit" in result.output


def test_users_create_refuses_unknown_unit_and_duplicate_email(runner, make_user):
    result = runner.invoke(args=["users", "create", "x@example.org", "--role", "representative", "--unit", "NOPE"])
    assert result.exit_code == 2 and "no unit with code" in result.output
    existing = make_user("press")
    result = runner.invoke(args=["users", "create", existing.email, "--role", "press"])
    assert result.exit_code == 2 and "already exists" in result.output


def _pw() -> str:
    from tests.helpers import PASSWORD

    return PASSWORD
