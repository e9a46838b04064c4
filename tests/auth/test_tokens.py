"""API tokens: made by the command and the tokens page, hashed at rest, revocable, last use noted sparingly."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from tests.helpers import PASSWORD, count_queries
from tracker.auth.tokens import create_token, revoke_token, user_for_token
from tracker.extensions import db
from tracker.models import ApiToken, Role, User
from tracker.models.feeds import FEEDS, PAGES, read_content_generation


def _token_for(app: Flask, user: User, name: str = "intranet portal") -> str:
    """A new token of ``user``, committed; the raw token."""
    with app.app_context():
        _, raw = create_token(db.session.get(User, user.id), name)  # type: ignore[arg-type]
        db.session.commit()
    return raw


def _check(app: Flask, raw: Any) -> tuple[int, int] | None:
    """``user_for_token(raw)`` committed as a request would: (user id, token id) or ``None``."""
    with app.app_context():
        found = user_for_token(raw)
        db.session.commit()
        return None if found is None else (found[0].id, found[1].id)


def _token_row(app: Flask, raw: str) -> ApiToken:
    with app.app_context():
        token = db.session.execute(select(ApiToken).where(ApiToken.prefix == raw[:8])).scalar_one()
        db.session.expunge(token)
        return token


def test_a_new_token_authenticates_its_owner(app: Flask, make_user: Callable[..., User]) -> None:
    user = make_user(Role.PRESS)
    raw = _token_for(app, user)
    assert re.fullmatch(r"trk_[A-Za-z0-9_-]{43}", raw)
    found = _check(app, raw)
    assert found is not None and found[0] == user.id


def test_tokens_are_stored_hashed(app: Flask, make_user: Callable[..., User]) -> None:
    raw = _token_for(app, make_user())
    with app.app_context():
        rows = db.session.execute(text("SELECT * FROM api_tokens")).all()
    stored = " ".join(str(value) for row in rows for value in row)
    assert raw not in stored
    assert raw[8:] not in stored  # not even the secret part: only the 8 shown characters
    assert raw[:8] in stored


def test_a_revoked_token_authenticates_nobody(app: Flask, make_user: Callable[..., User]) -> None:
    raw = _token_for(app, make_user())
    with app.app_context():
        revoke_token(db.session.get(ApiToken, _token_row(app, raw).id))  # type: ignore[arg-type]
        db.session.commit()
    assert _check(app, raw) is None


def test_a_deactivated_owners_token_authenticates_nobody(app: Flask, make_user: Callable[..., User]) -> None:
    user = make_user()
    raw = _token_for(app, user)
    with app.app_context():
        db.session.get(User, user.id).active = False  # type: ignore[union-attr]
        db.session.commit()
    assert _check(app, raw) is None


def test_an_unknown_token_authenticates_nobody(app: Flask, make_user: Callable[..., User]) -> None:
    raw = _token_for(app, make_user())
    other = raw[:-1] + ("A" if raw[-1] != "A" else "B")
    assert _check(app, other) is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.one_of(
    st.text(),
    st.text(min_size=1000, max_size=5000),
    st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(["\x00", "\r", "\n", "\ud800"])).map(
        lambda tail: "trk_" + tail
    ),
    st.from_regex(r"trk_[A-Za-z0-9_-]{43}", fullmatch=True),
    st.none(), st.integers(), st.binary(),
))
def test_odd_input_authenticates_nobody_and_never_raises(app: Flask, raw: Any) -> None:
    assert _check(app, raw) is None


def test_a_check_costs_one_select(app: Flask, make_user: Callable[..., User]) -> None:
    raw = _token_for(app, make_user())
    _check(app, raw)  # the first use writes last_used_at; the next ones within the minute write nothing
    with app.app_context(), count_queries(app) as counter:
        assert user_for_token(raw) is not None
        db.session.commit()
    selects = [s for s in counter.statements if s.lstrip().upper().startswith("SELECT")]
    writes = [s for s in counter.statements if s.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]
    assert len(selects) == 1 and writes == []


def test_last_use_is_written_at_most_once_a_minute(app: Flask, make_user: Callable[..., User]) -> None:
    raw = _token_for(app, make_user())
    assert _token_row(app, raw).last_used_at is None
    _check(app, raw)
    first = _token_row(app, raw).last_used_at
    assert first is not None
    for _ in range(5):
        _check(app, raw)
    assert _token_row(app, raw).last_used_at == first
    # A minute later (moved back rather than waited for), the next use is written.
    with app.app_context():
        token = db.session.get(ApiToken, _token_row(app, raw).id)
        token.last_used_at = first - timedelta(minutes=2)  # type: ignore[union-attr]
        db.session.commit()
    _check(app, raw)
    assert _token_row(app, raw).last_used_at > first - timedelta(minutes=2)  # type: ignore[operator]


def test_noting_a_use_leaves_feed_and_page_caches_standing(app: Flask, make_user: Callable[..., User]) -> None:
    raw = _token_for(app, make_user())
    with app.app_context():
        before = (read_content_generation(db.session, FEEDS), read_content_generation(db.session, PAGES))
        db.session.rollback()
    _check(app, raw)
    with app.app_context():
        assert (read_content_generation(db.session, FEEDS), read_content_generation(db.session, PAGES)) == before


# --- The command ------------------------------------------------------------------------------------------


def test_the_command_prints_a_token_that_authenticates(app: Flask, runner: Any,
                                                       make_user: Callable[..., User]) -> None:
    user = make_user(Role.PRESS)
    result = runner.invoke(args=["tokens", "create", user.email.upper(), "--name", "intranet portal"])
    assert result.exit_code == 0, result.output
    raw = result.stdout.strip().splitlines()[-1]
    found = _check(app, raw)
    assert found is not None and found[0] == user.id
    assert _token_row(app, raw).name == "intranet portal"


def test_the_command_refuses_an_unknown_email(app: Flask, runner: Any) -> None:
    result = runner.invoke(args=["tokens", "create", "nobody@example.org"])
    assert result.exit_code != 0
    assert "nobody@example.org" in result.stderr
    with app.app_context():
        assert db.session.execute(select(ApiToken)).first() is None


def test_the_command_lists_and_revokes(app: Flask, runner: Any, make_user: Callable[..., User]) -> None:
    user = make_user()
    raw = _token_for(app, user, "nightly script")
    listed = runner.invoke(args=["tokens", "list", user.email])
    assert raw[:8] in listed.stdout and "nightly script" in listed.stdout and raw not in listed.stdout
    result = runner.invoke(args=["tokens", "revoke", user.email, raw[:8]])
    assert result.exit_code == 0, result.output
    assert _check(app, raw) is None


# --- The tokens page --------------------------------------------------------------------------------------


def test_the_page_makes_a_token_and_shows_it_once(app: Flask, client: Any, login: Callable[..., User]) -> None:
    user = login(Role.REPRESENTATIVE)
    response = client.post("/account/tokens", data={"name": "intranet portal"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    raw = re.search(r'value="(trk_[A-Za-z0-9_-]+)"', response.get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    found = _check(app, raw)
    assert found is not None and found[0] == user.id
    again = client.get("/account/tokens").get_data(as_text=True)
    assert "intranet portal" in again and raw[:8] in again and raw not in again


def test_the_page_refuses_a_token_without_a_name(app: Flask, client: Any, login: Callable[..., User]) -> None:
    login()
    for name in ("", "   ", "x" * 101):
        assert client.post("/account/tokens", data={"name": name}).status_code == 422
    with app.app_context():
        assert db.session.execute(select(ApiToken)).first() is None


def test_making_a_token_needs_the_csrf_token(app: Flask, client: Any, login: Callable[..., User]) -> None:
    login()
    response = client.post("/account/tokens", data={"name": "portal"}, csrf=False)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.execute(select(ApiToken)).first() is None


def test_the_page_revokes_an_own_token_once_confirmed(app: Flask, client: Any, login: Callable[..., User]) -> None:
    user = login()
    raw = _token_for(app, user)
    token_id = _token_row(app, raw).id
    asked = client.post(f"/account/tokens/{token_id}/revoke")
    assert asked.status_code == 200 and _check(app, raw) is not None  # the question, nothing done yet
    response = client.post(f"/account/tokens/{token_id}/revoke", data={"confirmed": "1"})
    assert response.headers["Location"] == "/account/tokens"
    assert _check(app, raw) is None
    assert _token_row(app, raw).revoked_at is not None


def test_revoking_needs_the_csrf_token(app: Flask, client: Any, login: Callable[..., User]) -> None:
    raw = _token_for(app, login())
    response = client.post(f"/account/tokens/{_token_row(app, raw).id}/revoke", data={"confirmed": "1"}, csrf=False)
    assert response.status_code == 400
    assert _check(app, raw) is not None


def test_nobody_revokes_another_persons_token(app: Flask, client: Any, login: Callable[..., User],
                                              make_user: Callable[..., User]) -> None:
    login(Role.ADMIN)
    raw = _token_for(app, make_user())
    response = client.post(f"/account/tokens/{_token_row(app, raw).id}/revoke", data={"confirmed": "1"})
    assert response.status_code == 404
    assert _check(app, raw) is not None
    assert raw[:8] not in client.get("/account/tokens").get_data(as_text=True)


def test_the_account_menu_links_to_the_tokens_page(client: Any, login: Callable[..., User]) -> None:
    login(Role.PRESS)
    assert 'href="/account/tokens"' in client.get("/account/password").get_data(as_text=True)


def test_a_password_change_leaves_tokens_working(app: Flask, client: Any, login: Callable[..., User]) -> None:
    raw = _token_for(app, login())
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "password": "another long one", "confirm": "another long one"})
    assert response.status_code == 302
    assert _check(app, raw) is not None


def test_a_routine_password_change_keeps_the_tokens(app: Flask, client: Any, login: Callable[..., User]) -> None:
    user = login("organiser")
    raw = _token_for(app, user)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "password": "a brand new password", "confirm": "a brand new password"})
    assert response.status_code == 302
    assert _check(app, raw) is not None
