"""The anniversaries feed: a signed per-account address, all-day events parsed by three parsers, revocation."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream

from tests.calendar.ics_checks import check_calendar
from tests.helpers import count_queries
from tracker.events import anniversaries
from tracker.extensions import db
from tracker.models import Role, Series, User


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(anniversaries, "agency_today", lambda settings: date(2026, 11, 30))


@pytest.fixture
def khojaly(make_series, make_event) -> Series:
    series = make_series(title="Xocalı faciəsinin 20-ci ildönümü", commemorated_on=date(1992, 2, 26),
                         translations={"title": {"az": "Xocalı faciəsinin 20-ci ildönümü",
                                                 "en": "Events for the 20th anniversary of the Khojaly tragedy",
                                                 "ru": "Мероприятия к 20-й годовщине Ходжалинской трагедии"}})
    make_event(series_id=series.id, starts_at=datetime(2012, 2, 25, 6, tzinfo=UTC),
               ends_at=datetime(2012, 2, 25, 7, 30, tzinfo=UTC), status="held")
    return series


def _feed_path(client) -> str:
    html = client.get("/series/anniversaries").get_data(as_text=True)
    url = re.search(r'id="anniversary-feed-url" class="feed-url" value="([^"]+)"', html).group(1)
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


@pytest.mark.parametrize(("language", "summary", "next_summary"), [
    ("en", "Events for the 35th anniversary of the Khojaly tragedy",
     "Events for the 40th anniversary of the Khojaly tragedy"),
    ("az", "Xocalı faciəsinin 35-ci ildönümü", "Xocalı faciəsinin 40-cı ildönümü"),
    ("ru", "Мероприятия к 35-й годовщине Ходжалинской трагедии",
     "Мероприятия к 40-й годовщине Ходжалинской трагедии"),
])
def test_feed_has_the_35th_as_an_all_day_event(app, client, login, auth, khojaly, language, summary, next_summary):
    login(Role.ORGANISER, language=language)
    path = _feed_path(client)
    auth.logout()  # the address works without a session, and survives signing out
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = check_calendar(response.data, method=None)
    events = calendar.walk("VEVENT")
    assert [(str(e["SUMMARY"]), e["DTSTART"].dt) for e in events] == [
        (summary, date(2027, 2, 26)), (next_summary, date(2032, 2, 26))]
    assert "DTSTART;VALUE=DATE:20270226" in response.get_data(as_text=True)
    parsed = vobject.readOne(response.data.decode())
    assert parsed.vevent.dtstart.value == date(2027, 2, 26)
    stream = IcsCalendarStream.calendar_from_ics(response.data.decode())
    assert [event.dtstart for event in stream.events] == [date(2027, 2, 26), date(2032, 2, 26)]


def test_feed_is_refused_after_a_password_change(app, client, login, khojaly):
    user = login(Role.ORGANISER)
    path = _feed_path(client)
    assert client.get(path).status_code == 200
    with app.app_context():
        db.session.get(User, user.id).set_password("another long password 123")
        db.session.commit()
    assert client.get(path).status_code == 404


def test_feed_is_refused_for_a_deactivated_account(app, client, login, khojaly):
    user = login(Role.PRESS)
    path = _feed_path(client)
    assert client.get(path).status_code == 200
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("token", ["garbage", "eyJ1IjoxfQ.bad", "x" * 300])
def test_bad_tokens_are_404(client, token):
    assert client.get(f"/feeds/anniversaries/{token}.ics").status_code == 404


def test_feed_queries_do_not_grow_with_history(app, client, login, make_series, make_event):
    login(Role.ORGANISER)
    make_series(title="First", commemorated_on=date(1992, 2, 26))
    path = _feed_path(client)
    with count_queries(app) as few:
        client.get(path)
    for year in range(1993, 2026):
        series = make_series(title=f"Year {year}", commemorated_on=date(1990 + year % 7, 3, 1))
        make_event(series_id=series.id, starts_at=datetime(year, 3, 1, 6, tzinfo=UTC),
                   ends_at=datetime(year, 3, 1, 8, tzinfo=UTC))
    with count_queries(app) as many:
        client.get(path)
    assert many.count == few.count
