"""Password guessing is throttled per account and per address, in memory and in a shared Redis."""

from __future__ import annotations

import socket

import redis

from tests.auth.conftest import sign_in, signed_in
from tests.helpers import PASSWORD
from tracker.extensions import db, limiter
from tracker.models import OutboxMessage, User

WRONG = "not the password"


def _fail(client, email, times, **kwargs):
    for _ in range(times):
        response = sign_in(client, email, WRONG, **kwargs)
        assert response.status_code == 422, response.status_code


def _throttled_text(response):
    html = response.get_data(as_text=True)
    start = html.index('id="throttled"')
    return html[start:html.index("</div>", start)]


def test_right_password_is_refused_after_too_many_wrong_ones(client, make_user):
    user = make_user("organiser")
    _fail(client, user.email, 5)
    response = sign_in(client, user.email)
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 61
    assert 'id="throttled"' in response.get_data(as_text=True)
    assert not signed_in(client)


def test_the_account_limit_holds_for_every_browser_and_any_spelling_of_the_email(app, make_user):
    make_user("organiser", email="clerk@example.org")
    _fail(app.test_client(), "Clerk@Example.org", 5)
    response = sign_in(app.test_client(), "  CLERK@example.org ", environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert response.status_code == 429


def test_the_limit_holds_for_emails_without_an_account_too(client):
    _fail(client, "nobody@example.org", 5)
    assert sign_in(client, "nobody@example.org").status_code == 429


def test_only_failed_sign_ins_count(client, auth, make_user):
    user = make_user("organiser")
    for _ in range(8):
        assert auth.login(user.email).status_code == 302
        auth.logout()
    _fail(client, user.email, 4)
    assert auth.login(user.email).status_code == 302


def test_other_accounts_are_not_throttled_by_one_accounts_failures(app, make_user):
    victim, colleague = make_user("organiser"), make_user("organiser")
    _fail(app.test_client(), victim.email, 5)
    assert sign_in(app.test_client(), colleague.email).status_code == 302


def test_throttled_page_is_in_the_readers_language(app, make_user):
    user = make_user("organiser")
    _fail(app.test_client(), user.email, 5)
    texts = {}
    for language in ("en", "ru", "az"):
        browser = app.test_client()
        browser.post("/language", data={"language": language})
        response = sign_in(browser, user.email)
        assert response.status_code == 429
        assert f'lang="{language}"' in response.get_data(as_text=True)
        texts[language] = _throttled_text(response)
    assert "Too many attempts" in texts["en"]
    assert texts["ru"] != texts["en"] and texts["az"] != texts["en"] and texts["az"] != texts["ru"]


def test_failures_from_one_address_are_limited_across_accounts(app, make_user):
    app.config["SIGNIN_LIMIT_ADDRESS"] = "3 per minute"
    user = make_user("organiser")
    attacker = {"REMOTE_ADDR": "10.0.0.66"}
    for n in range(3):
        _fail(app.test_client(), f"guess{n}@example.org", 1, environ_base=attacker)
    assert sign_in(app.test_client(), user.email, environ_base=attacker).status_code == 429
    # the same account from another address is not affected
    assert sign_in(app.test_client(), user.email, environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code == 302


def test_each_new_app_starts_with_fresh_counts(another_app, make_user):
    """memory:// counts per app (per process): the suite's many sign-ins never add up across tests."""
    user = make_user("organiser")
    first = another_app()
    _fail(first.test_client(), user.email, 5)
    assert sign_in(first.test_client(), user.email).status_code == 429
    second = another_app()
    assert sign_in(second.test_client(), user.email).status_code == 302


def test_app_servers_sharing_a_redis_share_the_counts(another_app, redis_url, make_user):
    user = make_user("organiser")
    first_server = another_app(RATELIMIT_STORAGE_URI=redis_url)
    _fail(first_server.test_client(), user.email, 5)
    # A second server, with its own connection to the same Redis, knows about the five failures.
    second_server = another_app(RATELIMIT_STORAGE_URI=redis_url)
    response = sign_in(second_server.test_client(), user.email)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    store = redis.Redis.from_url(redis_url)
    try:
        assert any(key.startswith(b"LIMITS:LIMITER/tracker/") for key in store.keys("*"))
    finally:
        store.close()


def test_password_reset_requests_are_throttled(app, client, make_user):
    user = make_user("organiser")
    for _ in range(3):
        assert client.post("/password/forgot", data={"email": user.email}).status_code == 302
    response = client.post("/password/forgot", data={"email": user.email})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert 'id="throttled"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(OutboxMessage.id))).scalar_one() == 3


def test_reset_requests_from_one_address_are_limited(app, client):
    app.config["PASSWORD_RESET_LIMIT_ADDRESS"] = "2 per hour"
    for n in range(2):
        assert client.post("/password/forgot", data={"email": f"x{n}@example.org"}).status_code == 302
    assert client.post("/password/forgot", data={"email": "x9@example.org"}).status_code == 429


def test_guessing_the_current_password_on_the_change_page_is_throttled(app, client, auth, make_user):
    user = make_user("organiser")
    auth.login_as(user)
    new = {"password": "a brand new password", "confirm": "a brand new password"}
    for _ in range(5):
        assert client.post("/account/password", data={"current_password": WRONG, **new}).status_code == 422
    response = client.post("/account/password", data={"current_password": PASSWORD, **new})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert 'id="throttled"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user.id).check_password(PASSWORD)


def test_sign_in_still_works_and_is_throttled_while_redis_is_down(another_app, make_user):
    user = make_user("organiser")
    unreachable = another_app(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{_closed_port()}/0")
    try:
        assert sign_in(unreachable.test_client(), user.email).status_code == 302
        _fail(unreachable.test_client(), user.email, 5)
        assert sign_in(unreachable.test_client(), user.email).status_code == 429
    finally:
        limiter._storage_dead = False  # the limiter is one object; let the next app start healthy


def _closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
