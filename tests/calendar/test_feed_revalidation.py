"""A unit feed's revalidation answered below Flask (``tracker.calendar.revalidation``, issue 12).

The fast path answers a matching conditional GET with the view's own 304, header for header, and leaves
everything else — a changed feed, another address, an unknown token, a cookie — to the view.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from tracker.calendar import services
from tracker.calendar.revalidation import FeedRevalidation, hooks_known
from tracker.extensions import db
from tracker.models import Event, Unit

TOKEN_ONLY_IN_TESTS = "x" * 43


class Counted:
    """The application behind the fast path, counting the requests it was left."""

    def __init__(self, wsgi_app: Any) -> None:
        self.wsgi_app = wsgi_app
        self.calls = 0

    def __call__(self, environ: Any, start_response: Any) -> Any:
        self.calls += 1
        return self.wsgi_app(environ, start_response)


def _fast_path(app: Flask) -> FeedRevalidation:
    wrapped = app.wsgi_app
    while not isinstance(wrapped, FeedRevalidation):
        wrapped = wrapped.app  # type: ignore[attr-defined]  # ProxyFix
    return wrapped


@pytest.fixture
def flask_calls(app: Flask) -> Iterator[Counted]:
    """Counts the requests the fast path leaves to Flask."""
    fast = _fast_path(app)
    counted = Counted(fast.wsgi_app)
    fast.wsgi_app = counted
    yield counted
    fast.wsgi_app = counted.wsgi_app


@pytest.fixture
def feed(app: Flask, scenario: Any) -> str:
    """The CIT unit's feed URL, its body built and recorded once."""
    with app.app_context():
        url = f"/feeds/{db.session.get(Unit, scenario.cit_id).feed_token}.ics"
    assert app.test_client().get(url).status_code == 200
    return url


def _validators(response: Any) -> dict[str, str]:
    return {"If-None-Match": response.headers["ETag"]}


def _since(response: Any) -> dict[str, str]:
    return {"If-Modified-Since": response.headers["Last-Modified"]}


VALIDATORS: dict[str, Callable[[Any], dict[str, str]]] = {"If-None-Match": _validators,
                                                          "If-Modified-Since": _since}


@pytest.mark.parametrize("validator", VALIDATORS)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_the_fast_304_carries_the_views_headers(app, feed, flask_calls, validator, method) -> None:
    client = app.test_client()
    headers = VALIDATORS[validator](client.get(feed))
    flask_calls.calls = 0
    fast = client.open(feed, method=method, headers=headers)
    assert flask_calls.calls == 0  # answered below Flask
    app.config["FEED_REVALIDATION_FAST_PATH"] = False
    slow = client.open(feed, method=method, headers=headers)
    assert flask_calls.calls == 1
    assert fast.status_code == slow.status_code == 304
    assert sorted(fast.headers.items()) == sorted(slow.headers.items())
    assert fast.data == slow.data == b""
    assert "Set-Cookie" not in fast.headers


def test_the_default_application_uses_the_fast_path(app) -> None:
    # A new hook before or after every request fails this test: teach revalidation.KNOWN_HOOKS what it does
    # to a feed's 304 (and not_modified the headers it adds), or the fast path stays off.
    assert hooks_known(app)


def test_an_unknown_hook_turns_the_fast_path_off(app, scenario, flask_calls) -> None:
    @app.after_request
    def stamp(response: Any) -> Any:
        response.headers["X-Stamp"] = "1"
        return response

    with app.app_context():
        feed = f"/feeds/{db.session.get(Unit, scenario.cit_id).feed_token}.ics"
    client = app.test_client()
    response = client.get(feed, headers=_validators(client.get(feed)))
    assert response.status_code == 304
    assert response.headers["X-Stamp"] == "1"
    assert flask_calls.calls == 2


def _rename_ceremony(app: Flask, scenario: Any) -> None:
    event = db.session.get(Event, scenario.ceremony_id)
    event.set_texts("title", {"az": "Anım mərasimi", "en": "Ceremony of remembrance"})


def _rename_unit(app: Flask, scenario: Any) -> None:
    db.session.get(Unit, scenario.cit_id).set_texts("name", {"az": "Vətəndaşlıq", "en": "Citizenship"})


def _unit_speaks_russian(app: Flask, scenario: Any) -> None:
    db.session.get(Unit, scenario.cit_id).language = "ru"


def _cancel_ceremony(app: Flask, scenario: Any) -> None:
    db.session.get(Event, scenario.ceremony_id).status = "cancelled"


CHANGES = {"event renamed": _rename_ceremony, "unit renamed": _rename_unit, "unit's language": _unit_speaks_russian,
           "event cancelled": _cancel_ceremony}


@pytest.mark.parametrize("validator", VALIDATORS)
@pytest.mark.parametrize("change", CHANGES)
def test_a_changed_feed_is_never_304(app, scenario, feed, flask_calls, change, validator) -> None:
    client = app.test_client()
    before = client.get(feed)
    assert client.get(feed, headers=VALIDATORS[validator](before)).status_code == 304
    with app.app_context():
        CHANGES[change](app, scenario)
        db.session.commit()
    calls = flask_calls.calls
    after = client.get(feed, headers=VALIDATORS[validator](before))
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert flask_calls.calls == calls + 1
    # The new body's validators are answered by the fast path again.
    assert client.get(feed, headers=VALIDATORS[validator](after)).status_code == 304
    assert flask_calls.calls == calls + 1


@pytest.mark.parametrize("key, value", [("ORGANISATION_NAME", "Migration Service"),
                                        ("CALENDAR_REFRESH_INTERVAL", "PT2H"),
                                        ("BASE_URL", "https://tracker.example.org")])
def test_a_changed_setting_is_never_304(app, feed, flask_calls, key, value) -> None:
    client = app.test_client()
    before = client.get(feed)
    assert client.get(feed, headers=_validators(before)).status_code == 304
    app.config[key] = value
    calls = flask_calls.calls
    after = client.get(feed, headers=_validators(before))
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert client.get(feed, headers=_validators(after)).status_code == 304
    assert flask_calls.calls == calls + 1


def test_a_setting_the_body_does_not_show_leaves_the_304_to_flask(app, feed, flask_calls) -> None:
    client = app.test_client()
    before = client.get(feed)
    app.config["ALARMS"] = "PT2H"  # invitations carry alarms, feeds do not: same bytes, another state key
    calls = flask_calls.calls
    assert client.get(feed, headers=_validators(before)).status_code == 304
    assert flask_calls.calls == calls + 1
    assert client.get(feed, headers=_validators(before)).status_code == 304  # recorded with the new key
    assert flask_calls.calls == calls + 1


def test_without_base_url_each_address_has_its_own_feed(app, feed, flask_calls) -> None:
    app.config["BASE_URL"] = ""
    client = app.test_client()
    here = client.get(feed, base_url="http://here.test")
    assert b"http://here.test/events/" in here.data
    calls = flask_calls.calls
    assert client.get(feed, base_url="http://here.test", headers=_validators(here)).status_code == 304
    assert flask_calls.calls == calls
    there = client.get(feed, base_url="http://there.test", headers=_validators(here))
    assert there.status_code == 200
    assert b"http://there.test/events/" in there.data


def test_behind_a_proxy_the_clients_address_counts(app, another_app, scenario) -> None:
    proxied = another_app(BASE_URL="", PROXY_FIX_HOPS=1)
    with proxied.app_context():
        url = f"/feeds/{db.session.get(Unit, scenario.cit_id).feed_token}.ics"
    counted = Counted(_fast_path(proxied).wsgi_app)
    _fast_path(proxied).wsgi_app = counted
    client = proxied.test_client()
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "tracker.example.org"}
    first = client.get(url, headers=forwarded)
    assert b"https://tracker.example.org/events/" in first.data
    assert client.get(url, headers={**forwarded, **_validators(first)}).status_code == 304
    assert counted.calls == 1
    assert client.get(url, headers=_validators(first)).status_code == 200  # http://localhost: another body


def test_everything_else_goes_to_flask(app, scenario, feed, flask_calls) -> None:
    client = app.test_client()
    validators = _validators(client.get(feed))
    calls = flask_calls.calls
    assert client.get(f"/feeds/{TOKEN_ONLY_IN_TESTS}.ics", headers=validators).status_code == 404
    assert client.post(feed, headers=validators).status_code == 405
    assert client.get(feed, headers={"If-None-Match": '"another"'}).status_code == 200
    client.set_cookie("session", "not-a-session")
    assert client.get(feed, headers=validators).status_code == 304
    assert flask_calls.calls == calls + 4
    client.delete_cookie("session")
    with app.app_context():
        db.session.get(Unit, scenario.cit_id).active = False
        db.session.commit()
    assert client.get(feed, headers=validators).status_code == 404
    assert flask_calls.calls == calls + 5


def test_a_failure_goes_to_flask_without_the_token_in_the_log(app, feed, flask_calls, monkeypatch, caplog) -> None:
    client = app.test_client()
    validators = _validators(client.get(feed))
    token = feed.removeprefix("/feeds/").removesuffix(".ics")
    real = services.unit_by_feed_token

    def failing(found: str, connection: Any = None, **options: Any) -> Any:
        if connection is not None:
            raise RuntimeError(f"no database for {found}")
        return real(found, **options)

    monkeypatch.setattr(services, "unit_by_feed_token", failing)
    calls = flask_calls.calls
    with caplog.at_level(logging.DEBUG, logger=app.logger.name):
        assert client.get(feed, headers=validators).status_code == 304
    assert flask_calls.calls == calls + 1
    assert "left to the application" in caplog.text
    assert token not in caplog.text


def test_connections_go_back_to_the_pool(app, feed, flask_calls) -> None:
    client = app.test_client()
    validators = _validators(client.get(feed))
    for _ in range(20):
        assert client.get(feed, headers=validators).status_code == 304
    assert flask_calls.calls == 1
    with app.app_context():
        assert db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def test_application_wide_rate_limits_turn_the_fast_path_off(another_app) -> None:
    # Flask-Limiter then checks every request before any view (tracker.setup keeps its hook).
    assert not hooks_known(another_app(RATELIMIT_DEFAULT="100/minute"))


def test_a_full_get_of_an_unchanged_feed_is_one_statement(app, feed) -> None:
    from tests.helpers import count_queries

    client = app.test_client()
    first = client.get(feed)
    assert first.status_code == 200
    with count_queries(app) as counted:
        again = client.get(feed)
    assert again.status_code == 200 and again.data == first.data
    assert counted.count == 1, counted.statements  # the unit, the count, the validators and the body together
