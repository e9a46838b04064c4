"""Throttling of the API: per token (``API_RATE_LIMIT``), and per client address for bad tokens."""

from __future__ import annotations

from flask.testing import FlaskClient


def _retry_after(response) -> int:
    return int(response.headers["Retry-After"])


def test_a_token_past_its_limit_gets_a_429_problem_with_retry_after(app, api_client):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    api = api_client("organiser")
    for _ in range(3):
        assert api.get("/api/v1/units").status_code == 200
    refused = api.get("/api/v1/units")
    assert refused.status_code == 429
    assert refused.content_type == "application/problem+json"
    assert refused.json["status"] == 429
    assert 1 <= _retry_after(refused) <= 61
    # every path and method counts against the same token
    assert api.post("/api/v1/units", json={"code": "cit", "name": {"az": "Mərkəz"}}).status_code == 429


def test_tokens_are_counted_apart(app, api_client):
    app.config["API_RATE_LIMIT"] = "2 per minute"
    first, second = api_client("organiser"), api_client("organiser")
    for _ in range(2):
        assert first.get("/api/v1/units").status_code == 200
    assert first.get("/api/v1/units").status_code == 429
    assert second.get("/api/v1/units").status_code == 200


def test_bad_tokens_are_limited_per_address_before_the_token_is_checked(app, api_client):
    app.config["SIGNIN_LIMIT_ADDRESS"] = "3 per minute"
    api = api_client("organiser")
    guesser = FlaskClient(app, app.response_class)
    attacker = {"REMOTE_ADDR": "10.0.0.66"}
    for n in range(3):
        response = guesser.get("/api/v1/units", headers={"Authorization": f"Bearer trk_{'x' * 42}{n}"},
                               environ_base=attacker)
        assert response.status_code == 401
    refused = guesser.get("/api/v1/units", headers={"Authorization": f"Bearer {api.token}"}, environ_base=attacker)
    assert refused.status_code == 429  # even the right token, so that guessing learns nothing
    assert refused.content_type == "application/problem+json"
    assert _retry_after(refused) >= 1
    # another address is not affected, and requests with a good token never count against an address
    assert api.get("/api/v1/units", environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code == 200
    for _ in range(5):
        assert api.get("/api/v1/units", environ_base={"REMOTE_ADDR": "10.0.0.8"}).status_code == 200


def test_requests_without_a_token_do_not_count_against_the_address(app, api_client):
    app.config["SIGNIN_LIMIT_ADDRESS"] = "2 per minute"
    api = api_client("organiser")
    anonymous = FlaskClient(app, app.response_class)
    for _ in range(4):
        assert anonymous.get("/api/v1/units").status_code == 401
    assert api.get("/api/v1/units").status_code == 200
