"""Every route declares who may use it, and the declaration is enforced for every role.

Walks the whole URL map: any new route without an access rule fails here, and every route refuses
the roles it does not name (403) and anonymous visitors (sign-in page), whatever its arguments.
"""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from tracker.api.access import ApiAccess
from tracker.models import Role

ROLES = [role.value for role in Role]


def _rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        yield rule


def _page_rules(app):
    """The pages' rules: the API's answer 401/403 problems instead (``tests/api/test_access.py`` walks those)."""
    for rule in _rules(app):
        if not isinstance(getattr(app.view_functions[rule.endpoint], "access", None), ApiAccess):
            yield rule


def _sample_url(rule) -> str:
    values = {}
    for name, converter in rule._converters.items():  # noqa: SLF001
        values[name] = 999999 if isinstance(converter, IntegerConverter) else "x"
    path = rule.build(values, append_unknown=False)[1]
    return path


def test_every_route_declares_its_access_rule(app):
    missing = [rule.endpoint for rule in _rules(app) if not hasattr(app.view_functions[rule.endpoint], "access")]
    assert missing == []


@pytest.mark.parametrize("role", ROLES)
def test_roles_outside_a_routes_rule_are_refused(app, client, login, role):
    login(role)
    checked = 0
    for rule in _page_rules(app):
        access = app.view_functions[rule.endpoint].access
        if access == "public" or role in access:
            continue
        url = _sample_url(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            assert response.status_code == 403, (method, url, response.status_code)
            checked += 1
    if role != Role.ADMIN:
        assert checked > 0


def test_anonymous_visitors_are_sent_to_sign_in(app, client):
    for rule in _page_rules(app):
        if app.view_functions[rule.endpoint].access == "public":
            continue
        url = _sample_url(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            assert response.status_code == 302, (method, url)
            assert response.headers["Location"].startswith("/login"), (method, url)
