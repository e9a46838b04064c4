"""The month calendar: events on their days, previous and next months, drafts hidden."""

from __future__ import annotations

import re
from datetime import time

import pytest

from tests.helpers import baku, count_queries


def _day_cell(html: str, iso_day: str) -> str:
    """The HTML of the calendar cell for ``iso_day``."""
    match = re.search(rf'<td[^>]*>\s*<div class="day-number">[^<]*<span[^>]*>[^<]*</span>\s*'
                      rf'<time datetime="{iso_day}">.*?</td>', html, re.S)
    assert match, iso_day
    return match.group(0)


@pytest.fixture
def february_2012(make_event):
    make_event(title="Ceremony", starts_at=baku(2012, 2, 25, 10), ends_at=baku(2012, 2, 25, 11, 30))
    make_event(title="Exhibition", kind="exhibition", starts_at=baku(2012, 2, 22, 9), ends_at=baku(2012, 3, 1, 18),
               daily_opens=time(9), daily_closes=time(18))
    make_event(title="Draft meeting", status="draft", starts_at=baku(2012, 2, 10, 15),
               ends_at=baku(2012, 2, 10, 16))


def test_month_shows_each_event_on_its_day(client, login, february_2012):
    login("organiser")
    response = client.get("/calendar?month=2012-02")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "February 2012" in html
    assert "Ceremony" in _day_cell(html, "2012-02-25") and "10:00" in _day_cell(html, "2012-02-25")
    assert "Ceremony" not in _day_cell(html, "2012-02-24")


def test_an_exhibition_appears_on_every_day_it_is_open(client, login, february_2012):
    login("organiser")
    html = client.get("/calendar?month=2012-02").get_data(as_text=True)
    for day in ("2012-02-22", "2012-02-26", "2012-02-29", "2012-03-01"):
        assert "Exhibition" in _day_cell(html, day), day
    assert "Exhibition" not in _day_cell(html, "2012-02-21")
    assert "09:00–18:00" in _day_cell(html, "2012-02-23")


def test_month_links_to_the_months_before_and_after(client, login):
    login("organiser")
    html = client.get("/calendar?month=2012-01").get_data(as_text=True)
    assert 'href="/calendar?month=2011-12" rel="prev"' in html
    assert 'href="/calendar?month=2012-02" rel="next"' in html


def test_month_in_russian_names_the_month_in_russian(client, login):
    login("organiser")
    client.post("/language", data={"language": "ru"})
    html = client.get("/calendar?month=2012-02").get_data(as_text=True)
    assert "февраль 2012" in html.lower()


def test_drafts_are_left_out_of_the_calendar_for_press(client, login, february_2012):
    login("press")
    html = client.get("/calendar?month=2012-02").get_data(as_text=True)
    assert "Draft meeting" not in html and "Ceremony" in html


def test_drafts_are_on_the_calendar_for_organisers(client, login, february_2012):
    login("organiser")
    assert "Draft meeting" in _day_cell(client.get("/calendar?month=2012-02").get_data(as_text=True), "2012-02-10")


@pytest.mark.parametrize("month", ["2012-13", "February", "2012-2-1"])
def test_a_malformed_month_is_a_bad_request(client, login, month):
    login("organiser")
    response = client.get(f"/calendar?month={month}")
    assert response.status_code == 400
    assert "YYYY-MM" in response.get_data(as_text=True)


def test_month_uses_the_same_number_of_queries_for_one_or_many_events(app, client, login, make_event):
    login("representative")
    make_event(starts_at=baku(2012, 2, 1, 10), ends_at=baku(2012, 2, 1, 11))
    with count_queries(app) as one:
        client.get("/calendar?month=2012-02")
    for day in range(2, 20):
        make_event(starts_at=baku(2012, 2, day, 10), ends_at=baku(2012, 2, day, 11))
    with count_queries(app) as many:
        client.get("/calendar?month=2012-02")
    assert many.count == one.count


def test_a_month_without_events_says_so(client, login):
    login("press")
    assert "No events this month." in client.get("/calendar?month=2001-06").get_data(as_text=True)
