"""axe-core on the main pages of each role: no serious or critical violation, and nothing loaded from
outside the server. One browser page per role visits its pages in turn, to keep the suite fast.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests.browser.conftest import ADMIN, CIT, ORGANISER, PRESS, app_session, axe_violations, sign_in
from tracker.models import Event, Invitation, Unit


def _ids(app: Any) -> dict[str, int]:
    """Ids of the demo's held 2012 ceremony, its upcoming successor and the CIT invitation to the latter."""
    with app_session(app) as session:
        held = session.execute(select(Event.id).where(Event.status == "held", Event.kind == "ceremony")).scalar_one()
        upcoming = session.execute(
            select(Event.id).where(Event.status == "scheduled", Event.kind == "ceremony")).scalars().first()
        invitation = session.execute(
            select(Invitation.id).join(Unit, Invitation.unit_id == Unit.id)
            .where(Invitation.event_id == upcoming, Unit.code == "CIT")).scalar_one()
    return {"held": held, "upcoming": upcoming, "invitation": invitation}


def _audit(page: Any, paths: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Visit each path; the serious and critical violations found on each page (none: an empty dict)."""
    found = {}
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.ok, (path, response and response.status)
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    return found


@pytest.mark.parametrize("locale", ["en-GB", "az"])
def test_organiser_pages_have_no_serious_accessibility_violation(page_factory, live_app, locale):
    ids = _ids(live_app)
    page = page_factory(locale=locale)
    sign_in(page, ORGANISER)
    found = _audit(page, [
        "/",
        "/events",
        f"/events/{ids['upcoming']}",
        f"/events/{ids['held']}",
        f"/events/{ids['upcoming']}/agenda",
        "/units",
        f"/events/{ids['upcoming']}/attendance",
        f"/events/{ids['upcoming']}/attendance/invite",
        f"/events/{ids['upcoming']}/check-in",
        "/calendar?month=2012-02",
        "/series",
    ])
    # The event form shown again with errors beside its fields.
    page.goto("/events/new")
    page.locator("#ends_on").fill("2012-02-20")
    page.locator("main form button[type=submit].primary").click()
    page.wait_for_load_state()
    assert page.locator(".field.has-error").count() > 0
    violations = axe_violations(page)
    if violations:
        found["/events/new (with errors)"] = violations
    assert found == {}
    assert page.external_requests == []


def test_representative_pages_have_no_serious_accessibility_violation(page_factory, live_app):
    ids = _ids(live_app)
    page = page_factory(locale="ru")
    sign_in(page, CIT)
    found = _audit(page, ["/", "/my", f"/events/{ids['upcoming']}", f"/invitations/{ids['invitation']}"])
    # The answer form with an error: attending without a number of people.
    page.locator("input[name=status][value=accepted]").check()
    page.locator("form.answer-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#headcount[aria-invalid=true]").count() == 1
    violations = axe_violations(page)
    if violations:
        found["answer form (with errors)"] = violations
    assert found == {}
    assert page.external_requests == []


def test_press_pages_have_no_serious_accessibility_violation(page_factory, live_app):
    ids = _ids(live_app)
    page = page_factory()
    sign_in(page, PRESS)
    found = _audit(page, ["/", f"/events/{ids['held']}", f"/events/{ids['held']}/press-summary/az",
                          "/series"])
    assert found == {}
    assert page.external_requests == []


def test_admin_pages_have_no_serious_accessibility_violation(page_factory):
    page = page_factory()
    sign_in(page, ADMIN)
    found = _audit(page, ["/admin/users", "/admin/users/new", "/people", "/venues"])
    assert found == {}
    assert page.external_requests == []


def test_error_pages_have_no_serious_accessibility_violation(page_factory):
    page = page_factory()
    sign_in(page, ORGANISER)
    response = page.goto("/events/999999")
    assert response.status == 404
    assert axe_violations(page) == []


def test_the_audit_reports_an_input_without_a_label(page_factory):
    """The check above can fail: a field without a label is a critical violation."""
    page = page_factory()
    page.goto("/login")
    page.evaluate("document.querySelector('main form').insertAdjacentHTML('beforeend', '<input type=text>')")
    assert "label" in {violation["id"] for violation in axe_violations(page)}
