"""Forgotten passwords: the same answer for every email, a signed link that works once and expires."""

from __future__ import annotations

import re
import time
from email import message_from_bytes, policy

from itsdangerous import TimestampSigner

from tests.auth.conftest import sign_in, signed_in
from tests.helpers import PASSWORD
from tracker.auth.reset import make_reset_token
from tracker.auth.tokens import create_token, user_for_token
from tracker.extensions import db
from tracker.models import ApiToken, OutboxMessage, User

NEW = "a brand new password"


def _outbox(app):
    with app.app_context():
        messages = db.session.execute(db.select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()
        return [(m.kind, m.recipients, message_from_bytes(m.raw, policy=policy.default)) for m in messages]


def _link_path(message):
    text = message.get_body(("plain",)).get_content()
    match = re.search(r"http://tracker\.test(/password/reset/[^\s]+)", text)
    assert match, text
    return match.group(1)


def _request_link(app, client, user):
    client.post("/password/forgot", data={"email": user.email})
    return _link_path(_outbox(app)[-1][2])


def _set(client, path, password=NEW, confirm=None):
    return client.post(path, data={"password": password, "confirm": confirm or password})


def test_sign_in_page_offers_the_forgotten_password_page(client):
    assert 'href="/password/forgot"' in client.get("/login").get_data(as_text=True)
    assert client.get("/password/forgot").status_code == 200


def test_request_queues_a_link_to_the_account_in_its_language(app, client, make_user):
    user = make_user("organiser", language="az")
    response = client.post("/password/forgot", data={"email": user.email.upper()})
    assert response.headers["Location"] == "/login"
    [(kind, recipients, message)] = _outbox(app)
    assert kind == "password_reset" and recipients == [user.email]
    assert 'lang="az"' in message.get_body(("html",)).get_content()
    assert "Set a new password" not in message["Subject"]
    assert _link_path(message).startswith("/password/reset/")


def test_unknown_and_disabled_emails_get_the_same_answer_and_no_email(app, make_user):
    known = make_user("organiser")
    disabled = make_user("organiser", active=False)
    answers = []
    for email in (known.email, "nobody@example.org", disabled.email):
        browser = app.test_client()
        response = browser.post("/password/forgot", data={"email": email})
        page = browser.get(response.headers["Location"]).get_data(as_text=True)
        flashes = re.findall(r'<p class="flash[^"]*">(.*?)</p>', page, re.S)
        answers.append((response.status_code, response.headers["Location"], flashes))
    assert answers[0] == answers[1] == answers[2]
    assert [recipients for _kind, recipients, _message in _outbox(app)] == [[known.email]]


def test_link_sets_a_new_password_once(app, client, make_user):
    user = make_user("organiser")
    path = _request_link(app, client, user)
    form = client.get(path)
    assert form.status_code == 200 and form.headers["Cache-Control"] == "no-store"
    assert form.headers["Referrer-Policy"] == "same-origin"  # never sent to other sites
    response = _set(client, path)
    assert response.headers["Location"] == "/login"
    assert sign_in(app.test_client(), user.email, PASSWORD).status_code == 422
    assert sign_in(app.test_client(), user.email, NEW).status_code == 302
    again = client.get(path)
    assert again.status_code == 410 and 'id="reset-used"' in again.get_data(as_text=True)
    assert _set(client, path, "yet another password").status_code == 410


def test_reset_ends_every_other_session(app, client, make_user):
    user = make_user("organiser")
    elsewhere = app.test_client()
    sign_in(elsewhere, user.email, remember=True)
    _set(client, _request_link(app, client, user))
    assert not signed_in(elsewhere)


def test_representatives_may_reset_their_password_too(app, client, make_user):
    user = make_user("representative")
    _set(client, _request_link(app, client, user))
    assert sign_in(app.test_client(), user.email, NEW).status_code == 302


def test_expired_link_is_refused_with_a_clear_page(app, client, make_user, monkeypatch):
    user = make_user("organiser")
    hours = app.config["PASSWORD_RESET_HOURS"]
    issued = int(time.time()) - hours * 3600 - 5
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: issued)
    with app.app_context():
        token = make_reset_token(db.session.get(User, user.id))
    monkeypatch.undo()
    response = client.get(f"/password/reset/{token}")
    assert response.status_code == 410
    assert 'id="reset-expired"' in response.get_data(as_text=True)
    assert _set(client, f"/password/reset/{token}").status_code == 410


def test_link_within_its_time_still_works(app, client, make_user, monkeypatch):
    user = make_user("organiser")
    issued = int(time.time()) - app.config["PASSWORD_RESET_HOURS"] * 3600 + 60
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: issued)
    with app.app_context():
        token = make_reset_token(db.session.get(User, user.id))
    monkeypatch.undo()
    assert client.get(f"/password/reset/{token}").status_code == 200


def test_wrong_token_is_refused_with_a_clear_page(app, client, make_user):
    user = make_user("organiser")
    path = _request_link(app, client, user)
    for bad in ("/password/reset/not-a-token", path[:-3] + "abc", "/password/reset/" + "x" * 300):
        response = client.get(bad)
        assert response.status_code == 404, bad
        assert 'id="reset-invalid"' in response.get_data(as_text=True)
        assert 'href="/password/forgot"' in response.get_data(as_text=True)


def test_a_token_signed_for_something_else_is_refused(app, client, make_user):
    user = make_user("organiser")
    from itsdangerous import URLSafeTimedSerializer

    forged = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="wtf-csrf-token").dumps({"u": user.id, "v": 0})
    assert client.get(f"/password/reset/{forged}").status_code == 404


def test_link_dies_when_the_account_is_disabled_or_signs_out(app, client, auth, make_user):
    user = make_user("organiser")
    path = _request_link(app, client, user)
    auth.login_as(user)
    auth.logout()
    assert client.get(path).status_code == 410


def test_new_password_follows_the_length_rule_and_the_link_stays_usable(app, client, make_user):
    user = make_user("organiser")
    path = _request_link(app, client, user)
    short = _set(client, path, "short")
    assert short.status_code == 422 and 'id="password-error"' in short.get_data(as_text=True)
    differ = _set(client, path, NEW, NEW + "!")
    assert differ.status_code == 422 and 'id="confirm-error"' in differ.get_data(as_text=True)
    assert _set(client, path).status_code == 302


def test_reset_revokes_the_accounts_api_tokens(app, client, make_user):
    """Account recovery: a token whoever took the account over made must stop working too (a routine change
    keeps them: tests/auth/test_tokens.py)."""
    user, other = make_user("organiser"), make_user("organiser")
    with app.app_context():
        raws = [create_token(db.session.get(User, owner.id), "portal")[1] for owner in (user, user, other)]
        db.session.commit()
    assert _set(client, _request_link(app, client, user)).headers["Location"] == "/login"
    with app.app_context():
        assert [user_for_token(raw) is not None for raw in raws] == [False, False, True]
        assert all(token.revoked_at is not None for token in db.session.execute(
            db.select(ApiToken).where(ApiToken.user_id == user.id)).scalars())
