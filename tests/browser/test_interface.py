"""The interface as a whole: nothing loaded from elsewhere, the language switcher, narrow screens, the
keyboard, and the essential actions without JavaScript.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import (
    CIT,
    DEMO_PASSWORD,
    ORGANISER,
    app_session,
    language_of,
    nav_link,
    sign_in,
    submit,
)
from tracker.models import Event, Invitation, Unit

#: Links a crawl does not follow: files (calendar, reports, sheets) rather than pages.
FILES = re.compile(r"\.(ics|pdf|docx|md|html|xlsx|csv|zip|jpg)(\?|$)")
#: The start page ("/"), where signing in lands.
HOME = re.compile(r"^https?://[^/]+/$")


def _ids(app: Any) -> dict[str, int]:
    with app_session(app) as session:
        upcoming = session.execute(
            select(Event.id).where(Event.status == "scheduled", Event.kind == "ceremony")).scalars().first()
        invitation = session.execute(
            select(Invitation.id).join(Unit, Invitation.unit_id == Unit.id)
            .where(Invitation.event_id == upcoming, Unit.code == "CIT")).scalar_one()
    return {"upcoming": upcoming, "invitation": invitation}


def _no_horizontal_scrolling(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


# --- Nothing from outside ---------------------------------------------------------------------------


@pytest.mark.parametrize("email", [ORGANISER, CIT])
def test_no_page_reached_from_the_navigation_loads_anything_from_outside(page_factory, email):
    """Follow the site's links (pages, not files) three levels deep from the start page."""
    page = page_factory()
    sign_in(page, email)
    seen: set[str] = set()
    frontier = [urlsplit(page.url).path]
    for _depth in range(3):
        following: list[str] = []
        for path in frontier:
            if path in seen or len(seen) >= 80:
                continue
            seen.add(path)
            response = page.goto(path)
            assert response is not None and response.status < 400, (path, response and response.status)
            hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
            for href in hrefs:
                parts = urlsplit(href)
                if parts.netloc or not parts.path.startswith("/") or FILES.search(href) or "/feeds/" in href:
                    continue
                following.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        frontier = following
    assert {"/events", "/calendar"} <= seen
    assert page.external_requests == []


# --- Languages --------------------------------------------------------------------------------------


def test_language_switcher_changes_the_page_and_is_remembered_after_signing_out(page_factory, tr):
    page = page_factory(locale="en-GB")
    sign_in(page, ORGANISER)
    assert language_of(page) == "en"
    page.goto("/events")
    page.locator(".language-switcher button[value=az]").click()
    expect(page.locator("html")).to_have_attribute("lang", "az")
    expect(page).to_have_url(re.compile(r"/events$"))  # back where the switch was made
    expect(page.locator(".language-switcher button[value=az]")).to_have_attribute("aria-current", "true")

    page.locator(".account-menu summary").click()  # the account's actions sit in a disclosure menu
    page.get_by_role("button", name=tr("az", "Sign out"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/login$"))

    # Another browser whose language is English: the account's choice wins once signed in.
    elsewhere = page_factory(locale="en-GB")
    elsewhere.goto("/login")
    assert language_of(elsewhere) == "en"
    sign_in(elsewhere, ORGANISER)
    assert language_of(elsewhere) == "az"
    expect(nav_link(elsewhere, tr, "az", "Events")).to_be_visible()


def test_language_switcher_works_before_signing_in(page_factory):
    page = page_factory(locale="en-GB")
    page.goto("/login")
    page.locator(".language-switcher button[value=ru]").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page).to_have_url(re.compile(r"/login$"))


@pytest.mark.parametrize(("accept", "expected"), [("az", "az"), ("ru-RU", "ru"), ("en-US", "en")])
def test_the_browser_language_decides_before_any_choice(page_factory, accept, expected):
    page = page_factory(locale=accept)
    page.goto("/login")
    assert language_of(page) == expected


# --- Narrow screens ---------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["en-GB", "az", "ru"])
def test_main_pages_fit_a_360_pixel_screen(page_factory, live_app, locale):
    ids = _ids(live_app)
    organiser = page_factory(locale=locale, width=360, height=740)
    sign_in(organiser, ORGANISER)
    representative = page_factory(locale=locale, width=360, height=740)
    sign_in(representative, CIT)
    too_wide = []
    for page, path in [(organiser, "/events"), (organiser, f"/events/{ids['upcoming']}"),
                       (representative, f"/events/{ids['upcoming']}"), (representative, "/my"),
                       (representative, f"/invitations/{ids['invitation']}")]:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide.append((path, width))
        # A table that scrolls sideways inside its box hides its last columns (the "Answer" link) too.
        hidden = page.evaluate(
            "[...document.querySelectorAll('.table-wrap')].filter(w => w.scrollWidth > w.clientWidth + 1).length"
        )
        if hidden:
            too_wide.append((path, f"{hidden} table(s) scroll sideways"))
    assert too_wide == []


# --- Keyboard ---------------------------------------------------------------------------------------

FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {name: el.getAttribute('name') || el.tagName, visible: el.matches(':focus-visible'),
          outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
          shadow: style.boxShadow !== 'none'};
}"""


def test_sign_in_with_the_keyboard_alone_and_focus_is_visible(page_factory):
    page = page_factory()
    page.goto("/login")
    stops = []
    for _ in range(20):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_STYLE)
        stops.append(stop)
        if stop["name"] == "email":
            break
    assert stops[-1]["name"] == "email", stops
    # The first stop is the skip link, and every stop on the way shows where the focus is.
    assert stops[0]["name"] == "A"
    assert all(stop["visible"] and (stop["outline"] or stop["shadow"]) for stop in stops), stops
    page.keyboard.type(ORGANISER)
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUS_STYLE)["name"] == "password"
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(HOME)  # signed in: the start page


def test_skip_link_moves_the_focus_to_the_content(page_factory):
    page = page_factory()
    sign_in(page, ORGANISER)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


# --- Without JavaScript -----------------------------------------------------------------------------


def test_sign_in_and_answer_without_javascript(page_factory, live_app, tr):
    ids = _ids(live_app)
    page = page_factory(locale="az", java_script_enabled=False)
    page.goto("/login")
    page.locator("input[name=email]").fill(CIT)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    submit(page)
    expect(page).to_have_url(HOME)  # signed in: the start page, the unit's own for a representative
    with app_session(live_app) as session:
        unit = session.execute(select(Unit).where(Unit.code == "CIT")).scalar_one().text("name", "az")
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("az", "Invitations of %(unit)s", unit=unit))
    page.goto(f"/invitations/{ids['invitation']}")
    page.locator("input[name=status][value=accepted]").check()
    page.locator("#headcount").fill("7")
    submit(page, "form.answer-form")
    expect(page.locator(".flashes .flash-success")).to_be_visible()
    expect(page.locator("#headcount")).to_have_value("7")
    with app_session(live_app) as session:
        invitation = session.get(Invitation, ids["invitation"])
        assert (invitation.status, invitation.headcount) == ("accepted", 7)


def test_switch_language_and_sign_out_without_javascript(page_factory):
    page = page_factory(java_script_enabled=False)
    sign_in(page, ORGANISER)
    page.locator(".language-switcher button[value=ru]").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.locator(".account-menu summary").click()  # <details>: opens without JavaScript
    page.locator("header form[action$='/logout'] button").click()
    expect(page).to_have_url(re.compile(r"/login$"))
