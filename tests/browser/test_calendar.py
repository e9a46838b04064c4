"""The month calendar in a real browser: the 2012 events on their days, moving between months, and the
event page one click away. Runs in English and Azerbaijani, asserting on titles, days and hours.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from babel.dates import format_date
from playwright.sync_api import expect

from tests.browser.conftest import ORGANISER, PRESS, nav_link, sign_in


def _day(page, day: date):
    """The calendar cell of ``day``."""
    return page.locator("table.month td").filter(has=page.locator(f"time[datetime='{day.isoformat()}']"))


@pytest.mark.parametrize("locale", ["en-GB", "az"])
def test_month_calendar_shows_the_anniversary_events_on_their_days(page_factory, tr, scenario, locale):
    lang = locale[:2]
    events = {spec["key"]: spec for spec in scenario["events"]}
    exhibition, ceremony = events["exhibition"]["title"][lang], events["ceremony"]["title"][lang]
    page = page_factory(locale=locale)
    sign_in(page, PRESS)

    nav_link(page, tr, lang, "Calendar").click()
    expect(page).to_have_url(re.compile(r"/calendar$"))
    page.goto("/calendar?month=2012-02")
    expect(page.locator("h1")).to_contain_text(format_date(date(2012, 2, 1), "LLLL y", locale=lang))

    # The ceremony on its day with its start time; the exhibition every day of its run, with its hours.
    on_25th = _day(page, date(2012, 2, 25))
    expect(on_25th.get_by_role("link", name=ceremony)).to_be_visible()
    expect(on_25th.locator("li", has_text=ceremony).locator(".time")).to_have_text("10:00")
    for day in range(22, 30):
        cell = _day(page, date(2012, 2, day))
        expect(cell.locator("li", has_text=exhibition).locator(".time")).to_have_text("09:00–18:00")
    expect(_day(page, date(2012, 2, 21)).locator("li")).to_have_count(0)

    # The exhibition runs on into March.
    page.locator("a[rel=next]").click()
    expect(page).to_have_url(re.compile(r"month=2012-03$"))
    expect(_day(page, date(2012, 3, 1)).get_by_role("link", name=exhibition)).to_be_visible()
    expect(_day(page, date(2012, 3, 2)).locator("li")).to_have_count(0)

    # Back to February, and from the calendar to the programme.
    page.locator("a[rel=prev]").click()
    expect(page).to_have_url(re.compile(r"month=2012-02$"))
    _day(page, date(2012, 2, 25)).get_by_role("link", name=ceremony).click()
    expect(page).to_have_url(re.compile(r"/events/\d+$"))
    expect(page.locator("h1")).to_have_text(ceremony)
    assert page.external_requests == []


def test_month_calendar_in_a_narrow_window_lists_days_with_events(page_factory, scenario):
    ceremony = scenario["events"][1]["title"]["en"]
    page = page_factory(width=360)
    sign_in(page, ORGANISER)
    page.goto("/calendar?month=2012-02")
    expect(_day(page, date(2012, 2, 25)).get_by_role("link", name=ceremony)).to_be_visible()
    # Empty days fold away on a phone instead of making a grid too wide to read.
    expect(_day(page, date(2012, 2, 2))).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_malformed_month_is_refused(page_factory):
    page = page_factory()
    sign_in(page, ORGANISER)
    response = page.goto("/calendar?month=2012-13")
    assert response.status == 400
