"""Destructive actions ask first (issue 11): in a <dialog> where scripts run, on a page where they do not.

With scripts: withdrawing an invitation on the attendance dashboard opens a dialog; "No" leaves everything,
"Yes" withdraws. Without scripts: removing an agenda item shows the confirmation page in the site layout;
"No, go back" returns to the agenda unchanged, "Yes, remove" removes the item.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import ADMIN, ORGANISER, PRESS, app_session, event_record, sign_in


def _agenda_titles(app, event_id: int, language: str = "en") -> list[str]:
    """The event's agenda item titles in ``language`` (the page's), in order."""
    from tracker.models import AgendaItem

    with app_session(app) as session:
        items = session.execute(
            select(AgendaItem).where(AgendaItem.event_id == event_id).order_by(AgendaItem.position)
        ).scalars()
        return [item.text("title", language) for item in items]


def test_withdrawing_asks_in_a_dialog_where_scripts_run(page, live_app, upcoming_ceremony):
    ceremony = upcoming_ceremony
    invited = len(ceremony.invited_units)
    sign_in(page, ORGANISER)
    page.goto(f"/events/{ceremony.id}/attendance")
    withdraw = page.get_by_role("button", name="Withdraw", exact=True).first
    question = withdraw.get_attribute("data-confirm")
    assert question and question.startswith("Withdraw the invitation of ")

    withdraw.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(question)
    expect(dialog.get_by_role("button", name="No, go back")).to_be_focused()
    dialog.get_by_role("button", name="No, go back").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page).to_have_url(re.compile(rf"/events/{ceremony.id}/attendance$"))
    assert len(event_record(live_app, ceremony.id).invited_units) == invited

    withdraw.click()
    page.get_by_role("dialog").get_by_role("button", name="Yes, withdraw").click()
    expect(page.locator(".flashes")).to_contain_text("withdrawn")
    expect(page).to_have_url(re.compile(rf"/events/{ceremony.id}/attendance$"))
    assert len(event_record(live_app, ceremony.id).invited_units) == invited - 1
    assert page.external_requests == []


def test_removing_an_agenda_item_asks_on_a_page_without_scripts(page_factory, live_app, upcoming_ceremony):
    ceremony = upcoming_ceremony
    titles = _agenda_titles(live_app, ceremony.id)
    assert titles, "the demo ceremony has an agenda"
    page = page_factory(java_script_enabled=False)
    sign_in(page, ORGANISER)
    page.goto(f"/events/{ceremony.id}/agenda")
    page.get_by_role("button", name="Remove", exact=True).first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Remove “{titles[0]}” from the agenda?")
    expect(page.locator("header.site-header")).to_be_visible()  # in the site layout
    page.get_by_role("link", name="No, go back").click()
    expect(page).to_have_url(re.compile(rf"/events/{ceremony.id}/agenda#item-\d+$"))
    assert _agenda_titles(live_app, ceremony.id) == titles

    page.get_by_role("button", name="Remove", exact=True).first.click()
    page.get_by_role("button", name="Yes, remove").click()
    expect(page.locator(".flashes")).to_contain_text("Item removed from the agenda.")
    assert _agenda_titles(live_app, ceremony.id) == titles[1:]
    assert page.external_requests == []


def test_deactivating_an_account_asks_only_when_active_is_unchecked(page, live_app):
    from tracker.models import User

    def account() -> tuple[bool, str]:
        with app_session(live_app) as session:
            user = session.execute(select(User).where(User.email == PRESS)).scalar_one()
            return user.active, user.name

    with app_session(live_app) as session:
        user_id = session.execute(select(User.id).where(User.email == PRESS)).scalar_one()
    active, name = account()
    assert active
    sign_in(page, ADMIN)
    page.goto(f"/admin/users/{user_id}/edit")
    page.locator("#name").fill(name + " (press)")
    page.locator("main form button[type=submit].primary").first.click()  # still active: saved at once
    expect(page).to_have_url(re.compile(r"/admin/users$"))
    assert account() == (True, name + " (press)")

    page.goto(f"/admin/users/{user_id}/edit")
    page.locator("#active").uncheck()
    page.locator("main form button[type=submit].primary").first.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(f"Deactivate the account {PRESS}?")
    dialog.get_by_role("button", name="No, go back").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert account()[0] is True

    page.locator("main form button[type=submit].primary").first.click()
    page.get_by_role("dialog").get_by_role("button", name="Yes, deactivate").click()
    expect(page).to_have_url(re.compile(r"/admin/users$"))
    assert account()[0] is False
