"""The strict Content-Security-Policy breaks no page: Chromium, with the policy enforced, reports no violation
on the main pages of each role, and the listener does see one when an inline script is tried.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tests.browser.conftest import CIT, ORGANISER, PRESS, app_session, sign_in
from tracker.models import Event, Invitation, Unit

#: Runs before the page's own code (via the DevTools protocol, so the policy does not apply to it) and
#: reports every violation on the console, where the test collects it.
REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline'));
});
"""


def _watched_page(page_factory: Any) -> Any:
    """A page (policy enforced: ``bypass_csp`` left off) whose CSP violations land in ``page.violations``."""
    page = page_factory()
    page.violations = []
    page.context.add_init_script(REPORT_VIOLATIONS)

    def collect(message: Any) -> None:
        if "Content Security Policy" in message.text or message.text.startswith("CSP violation"):
            page.violations.append(message.text)

    page.on("console", collect)
    return page


def _visit(page: Any, paths: list[str]) -> dict[str, list[str]]:
    """Open each path; the violations seen on each (none: an empty dict)."""
    found = {}
    for path in paths:
        page.violations.clear()
        response = page.goto(path)
        assert response is not None and response.ok, (path, response and response.status)
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("load")
        # The stylesheet applied: a page whose CSS was blocked would fall back to the browser's defaults.
        assert page.evaluate("getComputedStyle(document.querySelector('.skip-link')).position") == "absolute", path
        if page.violations:
            found[path] = list(page.violations)
    return found


def _ids(app: Any) -> dict[str, Any]:
    from tracker.attendance.links import make_answer_token

    with app_session(app) as session:
        held = session.execute(select(Event.id).where(Event.status == "held", Event.kind == "ceremony")).scalar_one()
        upcoming = session.execute(
            select(Event.id).where(Event.status == "scheduled", Event.kind == "ceremony")).scalars().first()
        invitation = session.execute(
            select(Invitation).join(Unit, Invitation.unit_id == Unit.id)
            .where(Invitation.event_id == upcoming, Unit.code == "CIT")).scalar_one()
        with app.test_request_context():
            token = make_answer_token(invitation)
        return {"held": held, "upcoming": upcoming, "invitation": invitation.id, "unit": invitation.unit_id,
                "token": token}


def test_pages_of_each_role_load_without_a_policy_violation(page_factory, live_app):
    ids = _ids(live_app)
    found: dict[str, list[str]] = {}

    anonymous = _watched_page(page_factory)
    found |= _visit(anonymous, ["/login", f"/answer/{ids['token']}"])

    organiser = _watched_page(page_factory)
    sign_in(organiser, ORGANISER)
    found |= _visit(organiser, [
        "/", "/events", f"/events/{ids['upcoming']}", f"/events/{ids['upcoming']}/agenda",
        f"/events/{ids['upcoming']}/attendance", f"/events/{ids['upcoming']}/attendance/invite",
        f"/events/{ids['upcoming']}/check-in", "/events/new", "/calendar?month=2012-02", "/series", "/units",
        f"/units/{ids['unit']}/feed",
    ])

    representative = _watched_page(page_factory)
    sign_in(representative, CIT)
    found |= _visit(representative, ["/", "/my", f"/events/{ids['upcoming']}", f"/invitations/{ids['invitation']}"])

    press = _watched_page(page_factory)
    sign_in(press, PRESS)
    found |= _visit(press, ["/", f"/events/{ids['held']}", f"/events/{ids['held']}/press-summary/az", "/series"])
    assert found == {}


def test_the_check_sees_an_inline_script_being_blocked(page_factory):
    """The listener above can fail: an inline script added to a page is refused and reported."""
    page = _watched_page(page_factory)
    page.goto("/login")
    page.evaluate("""() => {
        const script = document.createElement('script');
        script.textContent = 'window.inlineRan = true';
        document.body.appendChild(script);
    }""")
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.inlineRan === true") is False
    assert any("script-src" in violation for violation in page.violations)
