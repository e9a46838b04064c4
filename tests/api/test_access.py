"""Every route of the API declares the roles it admits, and that declaration is enforced for every role.

Walks the URL map like ``tests/test_access.py`` does for the pages, so a resource added later is covered without a
line here: no token → 401, the page's session cookie alone → 401 (the API never reads it), a role the route does not
name → 403, each as ``application/problem+json``; organisers and admins pass the access check wherever they are
admitted. Only the description (``/api/v1/openapi.json``) is public.
"""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from tracker.api import PREFIX
from tracker.api.access import ApiAccess
from tracker.api.problems import PROBLEM_MIMETYPE
from tracker.models import Role

ROLES = [role.value for role in Role]
SPEC_ENDPOINT = "api-docs.openapi_json"


@pytest.fixture(autouse=True)
def unthrottled(app):
    """Walking every route is more requests (good tokens and bad) than a client may make in a minute."""
    app.config["SIGNIN_LIMIT_ADDRESS"] = app.config["API_RATE_LIMIT"] = "100000 per minute"


def _api_rules(app):
    """Every rule under ``/api/v1`` but the public description."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX + "/") and rule.endpoint != SPEC_ENDPOINT:
            yield rule


def _requests(app):
    """(method, sample URL, the roles admitted) for every API rule and method."""
    for rule in _api_rules(app):
        values = {name: 999999 if isinstance(converter, IntegerConverter) else "x"
                  for name, converter in rule._converters.items()}  # noqa: SLF001
        url = rule.build(values, append_unknown=False)[1]
        access = app.view_functions[rule.endpoint].access
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, url, access


def _is_problem(response, status: int) -> bool:
    return (response.status_code == status and response.content_type == PROBLEM_MIMETYPE
            and response.json["status"] == status)


def test_every_api_route_declares_the_roles_it_admits(app):
    rules = list(_api_rules(app))
    assert rules, "no API route found"
    missing = [rule.endpoint for rule in rules if not isinstance(getattr(app.view_functions[rule.endpoint],
                                                                         "access", None), ApiAccess)]
    assert missing == []


def test_only_the_description_is_public(app, client):
    public = [rule.rule for rule in app.url_map.iter_rules()
              if rule.rule.startswith(PREFIX + "/") and app.view_functions[rule.endpoint].access == "public"]
    assert public == [f"{PREFIX}/openapi.json"]
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    assert response.json["openapi"] == "3.1.0"


def test_no_token_is_a_401_problem_with_a_challenge(app, client):
    checked = 0
    for method, url, _access in _requests(app):
        for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic eDp5"}):
            response = client.open(url, method=method, headers=headers)
            assert _is_problem(response, 401), (method, url, headers, response.status_code)
            assert response.headers["WWW-Authenticate"].startswith("Bearer"), (method, url)
        checked += 1
    assert checked > 0


@pytest.mark.parametrize("role", ROLES)
def test_a_signed_in_session_is_not_a_token(app, client, login, role):
    login(role)
    assert client.get("/").status_code == 200  # the session works for the pages …
    for method, url, _access in _requests(app):
        response = client.open(url, method=method, json={}, csrf=False)
        assert _is_problem(response, 401), (method, url, response.status_code)  # … and is ignored by the API


@pytest.mark.parametrize("role", ROLES)
def test_roles_outside_a_routes_rule_are_refused(app, api_client, role):
    api = api_client(role)
    checked = 0
    for method, url, access in _requests(app):
        if role in access:
            continue
        response = api.open(url, method, json={})
        assert _is_problem(response, 403), (method, url, response.status_code)
        checked += 1
    if role not in (Role.ADMIN, Role.ORGANISER):
        assert checked > 0


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ORGANISER])
def test_organisers_and_admins_pass_the_access_check_where_admitted(app, api_client, role):
    api = api_client(role)
    for method, url, access in _requests(app):
        if role not in access:
            continue
        response = api.open(url, method, json={})
        assert response.status_code not in (401, 403), (method, url, response.status_code)
        assert response.status_code < 500, (method, url, response.status_code)
        if response.status_code >= 400:
            assert response.content_type == PROBLEM_MIMETYPE, (method, url)
