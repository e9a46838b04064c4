"""Security headers on every kind of response, pages that need no inline code, and ProxyFix as a setting."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, make_response, request

from tests.helpers import PASSWORD
from tracker.auth.access import public
from tracker.config import from_environment

TEMPLATES = Path(__file__).parent.parent / "templates"
#: Templates never shown under the site's policy: emails, and the standalone press release (its own policy).
NOT_SITE_PAGES = ("emails/", "reports/release.html")


def _directives(response: Any) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


def assert_security_headers(response: Any) -> None:
    """The four protections, with a script policy that runs nothing but the site's own files."""
    directives = _directives(response)
    assert directives["script-src"] == "script-src 'self'"
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert directives["object-src"] == "object-src 'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


# --- Every response ----------------------------------------------------------------------------------


def test_sign_in_page_cannot_be_framed_by_another_site(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert_security_headers(response)


def test_not_found_page_carries_the_headers(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert_security_headers(response)


def test_forbidden_page_carries_the_headers(client, login):
    login("press")
    response = client.get("/units")
    assert response.status_code == 403
    assert_security_headers(response)


def test_redirect_to_sign_in_carries_the_headers(client):
    response = client.get("/events")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert_security_headers(response)


def test_calendar_download_carries_the_headers(client, login, make_event):
    event = make_event()
    login("organiser")
    response = client.get(f"/events/{event.id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert_security_headers(response)


def test_unit_feed_carries_the_headers(app, client, make_unit):
    unit = make_unit()
    response = client.get(f"/feeds/{unit.feed_token}.ics")
    assert response.status_code == 200
    assert_security_headers(response)


def test_static_file_carries_the_headers(client):
    response = client.get("/static/tracker.css")
    assert response.status_code == 200
    assert_security_headers(response)
    response.close()


def test_server_error_page_carries_the_headers(client, failing_route):
    response = client.get(failing_route)
    assert response.status_code == 500
    assert_security_headers(response)


def test_a_header_the_view_set_is_kept(app, client):
    @public
    def standalone() -> Any:
        response = make_response("<p>standalone</p>")
        response.headers["Content-Security-Policy"] = "default-src 'none'"
        return response

    app.add_url_rule("/standalone", "standalone", standalone)
    response = client.get("/standalone")
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"
    assert response.headers["X-Frame-Options"] == "DENY"


# --- Pages that a strict policy does not break -------------------------------------------------------


def _site_templates() -> list[Path]:
    return [
        path for path in sorted(TEMPLATES.rglob("*.html"))
        if not path.relative_to(TEMPLATES).as_posix().startswith(NOT_SITE_PAGES)
    ]


@pytest.mark.parametrize("pattern", [
    r"<script(?![^>]*\bsrc=)",  # an inline script block
    r"<style\b",  # an inline style sheet
    r"\son[a-z]+\s*=",  # an event handler attribute
    r"\sstyle\s*=",  # a style attribute
    r"javascript:",  # a script URL
], ids=["script", "style-block", "handler", "style-attribute", "javascript-url"])
def test_site_templates_have_no_inline_code_the_policy_would_block(pattern):
    offenders = [
        str(path.relative_to(TEMPLATES)) for path in _site_templates()
        if re.search(pattern, path.read_text(encoding="utf-8"), re.IGNORECASE)
    ]
    assert _site_templates() and offenders == []


# --- Referer: why same-origin and not no-referrer ----------------------------------------------------


@pytest.fixture
def proxied_app(another_app: Callable[..., Flask]) -> Callable[[int], Flask]:
    """``proxied_app(hops)``: an app behind ``hops`` trusted proxies, on the test database, with a probe route."""

    def factory(hops: int) -> Flask:
        proxied = another_app(PROXY_FIX_HOPS=hops)

        @public
        def probe() -> dict[str, str]:
            return {"scheme": request.scheme, "remote_addr": request.remote_addr or "", "host": request.host}

        proxied.add_url_rule("/probe", "probe", probe)
        return proxied

    return factory


FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Host": "tracker.agency"}


def test_with_one_trusted_proxy_the_forwarded_headers_are_followed(proxied_app):
    client = proxied_app(1).test_client()
    seen = client.get("/probe", headers=FORWARDED, environ_base={"REMOTE_ADDR": "10.0.0.2"}).get_json()
    assert seen == {"scheme": "https", "remote_addr": "203.0.113.7", "host": "tracker.agency"}


def test_without_proxy_fix_forwarded_headers_are_ignored(proxied_app):
    client = proxied_app(0).test_client()
    seen = client.get("/probe", headers=FORWARDED, environ_base={"REMOTE_ADDR": "10.0.0.2"}).get_json()
    assert seen == {"scheme": "http", "remote_addr": "10.0.0.2", "host": "localhost"}


def test_proxy_hops_are_read_from_the_environment_as_a_number():
    assert from_environment({"TRACKER_PROXY_FIX_HOPS": "2"})["PROXY_FIX_HOPS"] == 2


def test_behind_https_a_form_post_needs_the_same_origin_referer_the_policy_sends(proxied_app, make_user):
    """Flask-WTF checks the Referer of HTTPS posts: a ``no-referrer`` policy would break every form."""
    user = make_user("organiser")
    client = proxied_app(1).test_client()
    https = {**FORWARDED, "X-Forwarded-Host": "localhost"}
    form = {"email": user.email, "password": PASSWORD}
    page = client.get("/login", headers=https)
    assert page.headers["Referrer-Policy"] == "same-origin"
    without_referer = client.post("/login", data=form, headers=https)
    assert without_referer.status_code == 400
    with_referer = client.post("/login", data=form, headers={**https, "Referer": "https://localhost/login"})
    assert with_referer.status_code == 302
