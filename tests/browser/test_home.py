"""The organiser's home in a real browser: sign-in lands on it, the demo's upcoming ceremony is listed with the
units that have not answered, and its link opens the ceremony's attendance dashboard.

Runs in English and in Azerbaijani; names of headings and links come from the catalogs (``tr``), the
assertions check data (titles, unit names) in the page's language.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import ORGANISER, app_session, language_of, sign_in
from tracker.models import Invitation, Unit


def _silent_unit_names(app, event_id: int, language: str) -> list[str]:
    """The names, in ``language``, of the units invited to ``event_id`` that have not answered."""
    with app_session(app) as session:
        units = session.execute(
            select(Unit).join(Invitation, Invitation.unit_id == Unit.id)
            .where(Invitation.event_id == event_id, Invitation.status == "pending", Invitation.walk_in.is_(False))
        ).scalars().all()
        return [unit.text("name", language) for unit in units]


@pytest.mark.parametrize("locale", ["en-GB", "az"])
def test_an_organiser_lands_on_the_home_and_follows_a_silent_events_link(page_factory, live_app, tr,
                                                                        upcoming_ceremony, locale):
    page = page_factory(locale=locale)
    sign_in(page, ORGANISER)
    expect(page).to_have_url(re.compile(r"/$"))
    language = language_of(page)
    assert language == locale[:2]
    expect(page.get_by_role("heading", level=1, name=tr(language, "Home"), exact=True)).to_be_visible()

    upcoming = page.locator("section#upcoming")
    card = upcoming.locator(f"#event-{upcoming_ceremony.id}")
    expect(card.get_by_role("link", name=upcoming_ceremony.title_in(language), exact=True)).to_be_visible()
    silent = _silent_unit_names(live_app, upcoming_ceremony.id, language)
    assert silent, "the demo's upcoming ceremony should wait for answers"
    named = card.locator(".silent-units")
    expect(named).to_contain_text(tr(language, "Not answered:"))
    shown = [name for name in silent if name in named.inner_text()]
    assert shown, named.inner_text()

    card.get_by_role("link", name=tr(language, "Follow the answers"), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/events/{upcoming_ceremony.id}/attendance$"))
    expect(page.get_by_role("heading", level=1, name=tr(language, "Attendance"), exact=True)).to_be_visible()
    for name in shown:
        expect(page.locator("main")).to_contain_text(name)
