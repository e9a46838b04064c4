"""The feed box on a real server without ``BASE_URL``: its links point at the port serving, its copy button
copies that address where scripts run (under the strict CSP) and stays hidden where they do not."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import CIT, app_session, sign_in
from tracker.models import Unit


def _feed(live_app: Any) -> tuple[int, str]:
    with app_session(live_app) as session:
        unit = session.execute(select(Unit).where(Unit.code == "CIT")).scalar_one()
        return unit.id, unit.feed_token


def test_the_feed_box_links_and_copies_the_address_of_the_serving_port(page_factory, live_app, live_server):
    live_app.config["BASE_URL"] = ""  # as `make run` leaves it: links follow the server actually serving
    unit_id, token = _feed(live_app)
    page = page_factory()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    sign_in(page, CIT)
    page.goto(f"/units/{unit_id}/feed")
    feed = f"{live_server}/feeds/{token}.ics"
    assert page.locator(".feed-url").input_value() == feed
    assert page.get_by_role("link", name="Download .ics").get_attribute("href") == feed
    subscribe = page.get_by_role("link", name="Subscribe in a calendar app").get_attribute("href")
    assert subscribe == "webcal://" + feed.removeprefix("http://")
    copy = page.get_by_role("button", name="Copy the feed address")
    copy.click()
    expect(page.locator(f"#feed-{unit_id}-url-status")).to_have_text("Feed address copied.")
    assert page.evaluate("() => navigator.clipboard.readText()") == feed


def test_without_scripts_the_copy_button_stays_hidden_and_the_address_selectable(page_factory, live_app):
    unit_id, token = _feed(live_app)
    page = page_factory(java_script_enabled=False)
    sign_in(page, CIT)
    page.goto(f"/units/{unit_id}/feed")
    assert page.get_by_role("button", name="Copy the feed address").count() == 0
    assert page.locator(".feed-url").input_value().endswith(f"/feeds/{token}.ics")
