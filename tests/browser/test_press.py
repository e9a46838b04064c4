"""Issue 15 in a real browser: press staff add photos to a held ceremony, publish its release, take the press kit,
sign out, and find the release with its photos on the public press page."""

from __future__ import annotations

import io
import re
import zipfile

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import PRESS, app_session, sign_in, submit
from tests.photos import pictures
from tracker.models import Event

TEXT = "Those present remembered the victims with a minute's silence; the release is now public."


def _held_ceremony(app) -> tuple[int, str]:
    with app_session(app) as session:
        event = session.execute(
            select(Event).where(Event.status == "held", Event.kind == "ceremony")).scalar_one()
        return event.id, event.text("title", "en")


def test_press_publishes_a_release_and_finds_it_on_the_public_page(page_factory, live_app, tr):
    live_app.config["PRESS_PAGE_ENABLED"] = True
    event_id, title = _held_ceremony(live_app)
    page = page_factory(locale="en-GB")
    sign_in(page, PRESS)

    # Two photos, the first captioned in English (it leads the release).
    page.goto(f"/events/{event_id}")
    page.get_by_role("link", name=tr("en", "Photos for the release")).click()
    page.locator("input[type=file]").set_input_files([
        {"name": f"p{seed}.jpg", "mimeType": "image/jpeg", "buffer": pictures.jpeg(seed=seed)} for seed in (1, 2)])
    page.get_by_role("button", name=tr("en", "Upload"), exact=True).click()
    expect(page.locator(".photo-grid img")).to_have_count(2)
    first = page.locator(".photo-card").first
    first.locator("[name$='-caption_en']").fill("Flowers laid at the memorial")
    first.get_by_role("button", name=tr("en", "Save"), exact=True).click()
    expect(page.locator(".flashes")).to_contain_text(tr("en", "Photo saved."))

    # The press kit: a ZIP a journalist can take away.
    page.goto(f"/events/{event_id}")
    # By keyboard, as tests/browser/test_reports.py downloads: a click would wait for the navigation the download
    # replaces, and the kit (nine releases, three of them PDFs) takes a while on a busy machine.
    page.get_by_role("link", name=tr("en", "Press kit (ZIP)")).focus()
    with page.expect_download(timeout=120_000) as download:
        page.keyboard.press("Enter")
    with zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes())) as kit:
        names = kit.namelist()
        assert sum(name.endswith(".jpg") for name in names) == 2 and kit.testzip() is None
        assert any(name.endswith(".pdf") for name in names)

    page.goto(f"/events/{event_id}/press-summary/en")
    page.locator("#body").fill(TEXT)
    submit(page)
    expect(page.locator(".flashes")).to_contain_text(tr("en", "Press text saved."))
    expect(page.locator(".publish-state")).to_have_attribute("data-state", "draft")

    page.get_by_role("button", name=tr("en", "Publish"), exact=True).click()
    expect(page.locator(".flashes")).to_contain_text(tr("en", "Version %(number)d is on the press page.", number=1))
    expect(page.locator(".publish-state")).to_have_attribute("data-state", "published")
    expect(page.locator("table.publish-history tbody tr")).to_have_count(1)
    public_link = page.get_by_role("link", name=tr("en", "Open the public page"))
    public_url = public_link.get_attribute("href")
    assert public_url and re.search(rf"/press/en/event-{event_id}/$", public_url)

    page.locator(".account-menu summary").click()
    page.get_by_role("button", name=tr("en", "Sign out"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/login$"))

    # Signed out: the list, then the release.
    page.goto("/press/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".account-menu")).to_have_count(0)
    page.get_by_role("link", name=title).click()
    expect(page).to_have_url(re.compile(rf"/press/en/event-{event_id}/$"))
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator("main")).to_contain_text(TEXT)
    expect(page.locator("main figure")).to_have_count(2)
    expect(page.locator("main figure").first).to_contain_text("Flowers laid at the memorial")
    for image in page.locator("main figure img").all():  # served to a visitor who is signed out
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    expect(page.locator("meta[property='og:type']")).to_have_attribute("content", "article")
    assert page.external_requests == []
