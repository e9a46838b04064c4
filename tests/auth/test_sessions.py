"""Sessions end for good: sign-out, password changes and deactivation end every cookie of an account;
sessions time out; sign-in starts a new session; cookies are Secure when configured."""

from __future__ import annotations

import time

from tests.auth.conftest import cookie, sign_in, signed_in
from tests.helpers import PASSWORD
from tracker.auth.services import load_user
from tracker.auth.sessions import SEEN_AT, SIGNED_IN_AT
from tracker.extensions import db
from tracker.models import User


def _client_with(app, **cookies):
    """A fresh browser holding only the given cookies (copied from another one)."""
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


def _remember_cookie_of(app, user):
    """Sign ``user`` in with "keep me signed in" on a new browser; that browser and its remember cookie."""
    browser = app.test_client()
    assert sign_in(browser, user.email, remember=True).status_code == 302
    return browser, cookie(browser, "remember_token")


def test_copied_session_cookie_is_refused_after_logout(app, client, auth, make_user):
    auth.login_as(make_user("organiser"))
    copied = cookie(client, "session")
    assert signed_in(_client_with(app, session=copied))
    auth.logout()
    assert not signed_in(_client_with(app, session=copied))


def test_logout_ends_the_sessions_of_the_account_on_other_browsers(app, auth, make_user):
    user = make_user("organiser")
    other = app.test_client()
    sign_in(other, user.email)
    auth.login_as(user)
    auth.logout()
    assert not signed_in(other)


def test_remember_cookie_alone_signs_in_again(app, make_user):
    _browser, remember = _remember_cookie_of(app, make_user("organiser"))
    assert signed_in(_client_with(app, remember_token=remember))


def test_remember_cookie_is_refused_after_logout(app, make_user):
    browser, remember = _remember_cookie_of(app, make_user("organiser"))
    browser.post("/logout")
    assert not signed_in(_client_with(app, remember_token=remember))


def test_remember_cookie_is_refused_after_an_admins_password_reset(app, client, login, make_user):
    user = make_user("organiser")
    _browser, remember = _remember_cookie_of(app, user)
    login("admin")
    response = client.post(f"/admin/users/{user.id}/password", data={"reset-password": "a brand new password"})
    assert response.status_code == 302
    assert not signed_in(_client_with(app, remember_token=remember))


def _edit(user, active):
    return {"name": user.name, "role": user.role, "unit_id": "", "language": "", "active": "y" if active else "",
            "confirmed": "1"}


def test_remember_cookie_stays_dead_after_deactivation_and_reactivation(app, client, login, make_user):
    user = make_user("organiser")
    _browser, remember = _remember_cookie_of(app, user)
    login("admin")
    assert client.post(f"/admin/users/{user.id}/edit", data=_edit(user, active=False)).status_code == 302
    assert not signed_in(_client_with(app, remember_token=remember))
    assert client.post(f"/admin/users/{user.id}/edit", data=_edit(user, active=True)).status_code == 302
    assert not signed_in(_client_with(app, remember_token=remember))
    assert sign_in(app.test_client(), user.email).status_code == 302  # the account itself works again


def test_saving_an_account_without_deactivating_it_keeps_its_sessions(app, client, login, make_user):
    user = make_user("organiser")
    _browser, remember = _remember_cookie_of(app, user)
    login("admin")
    client.post(f"/admin/users/{user.id}/edit", data=_edit(user, active=True))
    assert signed_in(_client_with(app, remember_token=remember))


def test_loader_accepts_only_the_current_version_of_an_active_account(app, make_user):
    user = make_user("organiser")
    with app.app_context():
        assert load_user(f"{user.id}:0") is not None
        for stale in (f"{user.id}:1", str(user.id), f"{user.id}:", "x:0", ""):
            assert load_user(stale) is None, stale
        db.session.get(User, user.id).active = False
        assert load_user(f"{user.id}:0") is None


def test_both_cookies_are_secure_when_configured(another_app, make_user):
    user = make_user("organiser")
    secure_app = another_app(SESSION_COOKIE_SECURE=True)
    response = sign_in(secure_app.test_client(), user.email, remember=True)
    cookies = {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}
    assert "; Secure" in cookies["session"]
    assert "; Secure" in cookies["remember_token"]
    assert "; HttpOnly" in cookies["remember_token"]


def test_cookies_are_not_secure_by_default(app, make_user):
    response = sign_in(app.test_client(), make_user("organiser").email, remember=True)
    assert not any("Secure" in header for header in response.headers.getlist("Set-Cookie"))


def test_remember_cookie_lasts_the_configured_time(app, make_user):
    app.config["REMEMBER_COOKIE_DURATION"] = 3600
    browser = app.test_client()
    sign_in(browser, make_user("organiser").email, remember=True)
    expires = browser.get_cookie("remember_token").expires
    assert abs(expires.timestamp() - (time.time() + 3600)) < 120


def _age_session(client, *, idle_minutes=0.0, hours_since_sign_in=0.0):
    with client.session_transaction() as session:
        session[SEEN_AT] = time.time() - idle_minutes * 60
        session[SIGNED_IN_AT] = time.time() - hours_since_sign_in * 3600


def test_idle_session_ends_after_the_idle_limit(app, client, auth, make_user):
    app.config["SESSION_IDLE_MINUTES"] = 30
    auth.login_as(make_user("organiser"))
    _age_session(client, idle_minutes=29)
    assert signed_in(client)
    _age_session(client, idle_minutes=31)
    assert not signed_in(client)


def test_activity_keeps_the_session_alive(app, client, auth, make_user):
    app.config["SESSION_IDLE_MINUTES"] = 30
    auth.login_as(make_user("organiser"))
    _age_session(client, idle_minutes=20)
    assert signed_in(client)  # this request counts as activity …
    with client.session_transaction() as session:
        session[SEEN_AT] -= 20 * 60  # … so twenty more idle minutes are still within the limit
    assert signed_in(client)


def test_busy_session_ends_after_the_absolute_limit(app, client, auth, make_user):
    app.config["SESSION_MAX_HOURS"] = 10
    auth.login_as(make_user("organiser"))
    _age_session(client, hours_since_sign_in=9.9)
    assert signed_in(client)
    _age_session(client, hours_since_sign_in=10.1)
    assert not signed_in(client)


def test_session_without_timestamps_is_not_trusted(client, auth, make_user):
    auth.login_as(make_user("organiser"))
    with client.session_transaction() as session:
        del session[SEEN_AT], session[SIGNED_IN_AT]
    assert not signed_in(client)


def test_remember_cookie_opens_a_new_session_after_a_timeout(app, make_user):
    browser, _remember = _remember_cookie_of(app, make_user("organiser"))
    _age_session(browser, idle_minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    assert signed_in(browser)
    with browser.session_transaction() as session:
        assert time.time() - session[SIGNED_IN_AT] < 60


def test_sign_in_replaces_the_session_but_keeps_the_language(app, client, make_user):
    user = make_user("organiser")
    client.post("/language", data={"language": "ru"})
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["_remember_seconds"] = 10 ** 9
    before = cookie(client, "session")
    assert sign_in(client, user.email).status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session and "_remember_seconds" not in session
        assert session["language"] == "ru"
        assert session["_user_id"] == f"{user.id}:0"
    assert cookie(client, "session") != before
    assert not signed_in(_client_with(app, session=before))


def test_own_password_change_keeps_this_session_and_ends_the_others(app, client, auth, make_user):
    user = make_user("organiser")
    other = app.test_client()
    sign_in(other, user.email)
    auth.login_as(user)
    assert 'href="/account/password"' in client.get("/events").get_data(as_text=True)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "password": "a brand new password", "confirm": "a brand new password"})
    assert response.status_code == 302
    assert signed_in(client)
    assert not signed_in(other)
    assert sign_in(app.test_client(), user.email, "a brand new password").status_code == 302


def test_own_password_change_renews_the_remember_cookie(app, make_user):
    browser, old = _remember_cookie_of(app, make_user("organiser"))
    browser.post("/account/password", data={
        "current_password": PASSWORD, "password": "a brand new password", "confirm": "a brand new password"})
    new = cookie(browser, "remember_token")
    assert not signed_in(_client_with(app, remember_token=old))
    assert signed_in(_client_with(app, remember_token=new))


def test_own_password_change_needs_the_current_password(app, client, auth, make_user):
    user = make_user("organiser")
    auth.login_as(user)
    response = client.post("/account/password", data={
        "current_password": "not it at all", "password": "a brand new password", "confirm": "a brand new password"})
    assert response.status_code == 422
    assert 'id="current_password-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user.id).check_password(PASSWORD)


def test_own_password_change_keeps_the_length_rule_and_needs_two_equal_entries(client, auth, make_user):
    auth.login_as(make_user("organiser"))
    short = client.post("/account/password", data={"current_password": PASSWORD, "password": "short",
                                                   "confirm": "short"})
    assert short.status_code == 422 and 'id="password-error"' in short.get_data(as_text=True)
    differ = client.post("/account/password", data={"current_password": PASSWORD, "password": "long enough 1",
                                                    "confirm": "long enough 2"})
    assert differ.status_code == 422 and 'id="confirm-error"' in differ.get_data(as_text=True)
