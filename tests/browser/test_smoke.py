"""The sign-in page in a real browser: it loads from this server alone and signs an organiser in."""

from __future__ import annotations

from tests.browser.conftest import axe_violations, sign_in


def test_login_page_is_accessible_and_loads_nothing_external(page):
    page.goto("/login")
    assert page.title().startswith("Sign in")
    assert axe_violations(page) == []
    assert page.external_requests == []


def test_organiser_signs_in(page):
    sign_in(page, "organiser@example.org")
    assert page.url.endswith("/")  # the organiser's home (tests/browser/test_home.py)
    assert page.get_by_role("heading", level=1, name="Home").is_visible()
    assert page.get_by_role("link", name="Events").first.is_visible()
