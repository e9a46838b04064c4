"""The events list: upcoming and past, filters, pagination, drafts hidden, a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import baku, count_queries, field_error

NOW = datetime.now(UTC)


def _titles(html: str, *candidates: str) -> list[str]:
    """Which of ``candidates`` the page shows, in the order it shows them."""
    found = [(html.index(f">{title}</a>"), title) for title in candidates if f">{title}</a>" in html]
    return [title for _, title in sorted(found)]


@pytest.fixture
def calendar_of_events(make_event, make_series, make_venue):
    """Past and upcoming events of different kinds, statuses and series."""
    series = make_series("Khojaly remembrance")
    venue = make_venue()
    make_event(title="Past ceremony", series_id=series.id, venue_id=venue.id, status="held",
               starts_at=baku(2012, 2, 25, 10), ends_at=baku(2012, 2, 25, 11, 30))
    make_event(title="Past exhibition", kind="exhibition", status="held",
               starts_at=baku(2012, 2, 22, 9), ends_at=baku(2012, 3, 1, 18))
    make_event(title="Soon meeting", kind="meeting", starts_at=NOW + timedelta(days=2),
               ends_at=NOW + timedelta(days=2, hours=1))
    make_event(title="Later ceremony", series_id=series.id, starts_at=NOW + timedelta(days=40),
               ends_at=NOW + timedelta(days=40, hours=1))
    make_event(title="Cancelled ceremony", status="cancelled", starts_at=NOW + timedelta(days=10),
               ends_at=NOW + timedelta(days=10, hours=1))
    make_event(title="Draft ceremony", status="draft", starts_at=NOW + timedelta(days=5),
               ends_at=NOW + timedelta(days=5, hours=1))
    return series


ALL = ("Past ceremony", "Past exhibition", "Soon meeting", "Later ceremony", "Cancelled ceremony",
       "Draft ceremony")


def test_list_shows_upcoming_events_soonest_first_by_default(client, login, calendar_of_events):
    login("organiser")
    response = client.get("/events")
    assert response.status_code == 200
    assert _titles(response.get_data(as_text=True), *ALL) == [
        "Soon meeting", "Draft ceremony", "Cancelled ceremony", "Later ceremony"]


def test_past_events_are_listed_latest_first(client, login, calendar_of_events):
    login("organiser")
    html = client.get("/events?when=past").get_data(as_text=True)
    assert _titles(html, *ALL) == ["Past ceremony", "Past exhibition"]


def test_drafts_are_hidden_from_press_and_representatives(client, login, calendar_of_events):
    for role in ("press", "representative"):
        login(role)
        html = client.get("/events?when=all").get_data(as_text=True)
        assert "Draft ceremony" not in html
        assert "Cancelled ceremony" in html and "Past ceremony" in html


def test_press_cannot_filter_for_drafts(client, login, calendar_of_events):
    login("press")
    response = client.get("/events?when=all&status=draft")
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "status") == "Not a valid choice."
    assert "Draft ceremony" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=exhibition", ["Past exhibition"]),
        ("kind=meeting", ["Soon meeting"]),
        ("status=held", ["Past ceremony", "Past exhibition"]),
        ("status=cancelled", ["Cancelled ceremony"]),
        ("date_from=2012-02-24&date_to=2012-02-26", ["Past ceremony", "Past exhibition"]),
        ("date_from=2012-02-29&date_to=2012-03-05", ["Past exhibition"]),
        ("date_to=2012-02-23", ["Past exhibition"]),
    ],
)
def test_filters_narrow_the_list(client, login, calendar_of_events, query, expected):
    login("organiser")
    html = client.get(f"/events?when=all&{query}").get_data(as_text=True)
    assert sorted(_titles(html, *ALL)) == sorted(expected)


def test_series_filter_shows_only_that_series(client, login, calendar_of_events):
    login("organiser")
    html = client.get(f"/events?when=all&series={calendar_of_events.id}").get_data(as_text=True)
    assert _titles(html, *ALL) == ["Later ceremony", "Past ceremony"]


def test_filters_that_match_nothing_say_so(client, login, calendar_of_events):
    login("organiser")
    html = client.get("/events?when=all&kind=commemoration").get_data(as_text=True)
    assert "No events match these filters." in html


def test_empty_list_tells_organisers_what_to_do(client, login):
    login("organiser")
    html = client.get("/events").get_data(as_text=True)
    assert "No upcoming events." in html and "/events/new" in html


@pytest.mark.parametrize(
    ("query", "field_id", "message"),
    [
        ("date_from=yesterday", "date_from", "Not a valid date value."),
        ("date_from=2012-03-01&date_to=2012-02-01", "date_to", "must not be before"),
        ("series=abc", "series", "Invalid Choice: could not coerce."),
        ("kind=party", "kind", "Not a valid choice."),
    ],
)
def test_invalid_filter_is_shown_beside_its_field_and_left_out(client, login, calendar_of_events, query,
                                                               field_id, message):
    login("organiser")
    response = client.get(f"/events?{query}")
    assert response.status_code == 422
    assert message in field_error(response.get_data(as_text=True), field_id)


def test_list_is_paginated(app, client, login, make_event):
    login("organiser")
    app.config["PAGE_SIZE"] = 2
    for day in range(1, 6):
        make_event(title=f"Event {day}", starts_at=NOW + timedelta(days=day),
                   ends_at=NOW + timedelta(days=day, hours=1))
    first = client.get("/events").get_data(as_text=True)
    assert _titles(first, *(f"Event {d}" for d in range(1, 6))) == ["Event 1", "Event 2"]
    assert "Page 1 of 3" in first and 'rel="next"' in first
    third = client.get("/events?page=3").get_data(as_text=True)
    assert _titles(third, *(f"Event {d}" for d in range(1, 6))) == ["Event 5"]


def test_pagination_keeps_the_filters(app, client, login, make_event):
    login("organiser")
    app.config["PAGE_SIZE"] = 1
    for day in (1, 2):
        make_event(kind="meeting", starts_at=NOW + timedelta(days=day), ends_at=NOW + timedelta(days=day, hours=1))
    html = client.get("/events?kind=meeting").get_data(as_text=True)
    assert "kind=meeting" in html.split('rel="next"')[0].rsplit("<a", 1)[1]


def test_list_uses_the_same_number_of_queries_for_one_or_many_events(app, client, login, make_event, make_series,
                                                                     make_venue):
    login("organiser")

    def add_events(n: int) -> None:
        for i in range(n):
            make_event(series_id=make_series(f"Series {i}").id, venue_id=make_venue(f"Hall {i}").id,
                       starts_at=NOW + timedelta(days=i + 1), ends_at=NOW + timedelta(days=i + 1, hours=1))

    add_events(1)
    with count_queries(app) as one:
        assert client.get("/events").status_code == 200
    add_events(10)
    with count_queries(app) as many:
        assert client.get("/events").status_code == 200
    assert many.count == one.count


def test_series_list_uses_the_same_number_of_queries_for_one_or_many(app, client, login, make_series, make_event):
    login("press")
    make_event(series_id=make_series("First").id)
    with count_queries(app) as one:
        assert client.get("/series").status_code == 200
    for i in range(10):
        make_event(series_id=make_series(f"Series {i}").id)
    with count_queries(app) as many:
        assert client.get("/series").status_code == 200
    assert many.count == one.count


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/events")
    assert response.headers["Location"].startswith("/login?next=")


def test_series_page_uses_the_same_number_of_queries_for_one_or_many_events(app, client, login, make_series,
                                                                           make_event, make_venue):
    login("press")
    series = make_series()
    make_event(series_id=series.id, venue_id=make_venue("Hall 0").id)
    with count_queries(app) as one:
        assert client.get(f"/series/{series.id}").status_code == 200
    for i in range(1, 10):
        make_event(series_id=series.id, venue_id=make_venue(f"Hall {i}").id, starts_at=NOW + timedelta(days=i),
                   ends_at=NOW + timedelta(days=i, hours=1))
    with count_queries(app) as many:
        assert client.get(f"/series/{series.id}").status_code == 200
    assert many.count == one.count


def test_event_page_uses_the_same_number_of_queries_for_a_short_or_long_agenda(app, client, login, make_event,
                                                                               make_person):
    login("organiser")

    def agenda(n: int) -> list[dict]:
        return [{"kind": "speech", "title": f"Speech {i}", "speaker_id": make_person(f"Speaker {i}").id}
                for i in range(n)]

    short = make_event(presiding_id=make_person("Head").id, agenda=agenda(1))
    long = make_event(presiding_id=make_person("Head").id, agenda=agenda(12))
    with count_queries(app) as one:
        assert client.get(f"/events/{short.id}").status_code == 200
    with count_queries(app) as many:
        assert client.get(f"/events/{long.id}").status_code == 200
    assert many.count == one.count
