"""Journey 4 of DESIGN §1 in a real browser: the organiser moves the ceremony by an hour, then cancels it.

Every invited unit must get an update with the same UID and a higher SEQUENCE (so calendars move the
event in place), and then a cancellation. Runs in English and in Russian; the messages are read back
from the outbox with the ``icalendar`` library.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    ORGANISER,
    calendar_of,
    event_record,
    nav_link,
    outbox,
    parse_email,
    sign_in,
    submit,
)

BAKU = ZoneInfo("Asia/Baku")


def _vevent(message) -> tuple[str, object]:
    calendar = calendar_of(parse_email(message.raw))
    events = [component for component in calendar.walk("VEVENT")]
    assert len(events) == 1
    return str(calendar["METHOD"]), events[0]


def _open_event(page, tr, lang: str, title: str) -> None:
    """From the events list to the event page, by the event's title in the page's language."""
    nav_link(page, tr, lang, "Events").click()
    page.get_by_role("link", name=title).first.click()
    expect(page).to_have_url(re.compile(r"/events/\d+$"))


@pytest.mark.parametrize("locale", ["en-GB", "ru"])
def test_moving_then_cancelling_the_ceremony_notifies_every_invited_unit(page_factory, tr, live_app,
                                                                         upcoming_ceremony, locale):
    lang = locale[:2]
    ceremony = upcoming_ceremony
    assert len(ceremony.invited_units) == 13
    page = page_factory(locale=locale)
    sign_in(page, ORGANISER)

    # Move it by an hour: 10:00–11:30 becomes 11:00–12:30.
    _open_event(page, tr, lang, ceremony.title_in(lang))
    actions = page.get_by_role("navigation", name=tr(lang, "Event actions"), exact=True)
    actions.get_by_role("link", name=tr(lang, "Edit"), exact=True).click()
    expect(page.locator("#start_time")).to_have_value("10:00")
    page.locator("#start_time").fill("11:00")
    page.locator("#end_time").fill("12:30")
    submit(page)
    expect(page).to_have_url(re.compile(rf"/events/{ceremony.id}$"))
    expect(page.locator(".flashes")).to_contain_text(tr(lang, "Event saved. Invited units will be sent the change."))
    expect(page.locator("dl.facts")).to_contain_text("11:00–12:30")

    moved = event_record(live_app, ceremony.id)
    assert moved.uid == ceremony.uid
    assert moved.sequence > ceremony.sequence
    updates = outbox(live_app, "update", ceremony.id)
    assert len(updates) == len(ceremony.invited_units)
    recipients = sorted(address for message in updates for address in message.recipients)
    assert recipients == sorted(f"{code.lower()}@units.example.org" for code in ceremony.invited_units)
    for message in updates:
        method, vevent = _vevent(message)
        assert method == "REQUEST"
        assert str(vevent["UID"]) == ceremony.uid
        assert int(vevent["SEQUENCE"]) == moved.sequence
        start = vevent.decoded("DTSTART").astimezone(BAKU)
        end = vevent.decoded("DTEND").astimezone(BAKU)
        assert (start.hour, start.minute, end.hour, end.minute) == (11, 0, 12, 30)

    # Cancel it: every invited unit is sent a cancellation, again under the same UID.
    page.get_by_role("navigation", name=tr(lang, "Event actions"), exact=True).get_by_role(
        "link", name=tr(lang, "Cancel event…")).click()
    page.get_by_role("button", name=tr(lang, "Yes, cancel the event"), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/events/{ceremony.id}$"))
    expect(page.locator("header .badge")).to_have_class(re.compile("status-cancelled"))

    cancelled = event_record(live_app, ceremony.id)
    assert cancelled.sequence > moved.sequence
    cancellations = outbox(live_app, "cancellation", ceremony.id)
    assert len(cancellations) == len(ceremony.invited_units)
    for message in cancellations:
        method, vevent = _vevent(message)
        assert method == "CANCEL"
        assert str(vevent["UID"]) == ceremony.uid
        assert str(vevent["STATUS"]) == "CANCELLED"
        assert int(vevent["SEQUENCE"]) == cancelled.sequence
    assert page.external_requests == []

