"""A representative's home page: the unit's invitations, soonest first, each with its state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import count_queries


def test_the_start_page_shows_a_representative_their_units_invitations(client, login):
    login("representative")
    response = client.get("/")
    assert response.status_code == 200
    assert "Invitations of Unit" in response.get_data(as_text=True)


def test_representatives_have_a_my_unit_link_in_the_menu(client, login):
    login("representative")
    assert '<a href="/my">My unit</a>' in client.get("/my").get_data(as_text=True)


def test_home_lists_the_units_invitations_soonest_first_with_their_state(client, login, make_event, make_unit,
                                                                         make_invitation):
    unit = make_unit("CIT")
    now = datetime.now(UTC)
    later = make_event("Exhibition opening", starts_at=now + timedelta(days=40))
    sooner = make_event("Wreath laying", starts_at=now + timedelta(days=5))
    cancelled = make_event("Concert", starts_at=now + timedelta(days=20), status="cancelled")
    make_invitation(later, unit)
    make_invitation(sooner, unit, status="accepted", headcount=10)
    make_invitation(cancelled, unit)
    login("representative", unit=unit)
    html = client.get("/my").get_data(as_text=True)
    # What awaits an answer comes first; the rest follow, the soonest first.
    positions = [html.index(title) for title in ("Awaiting your answer", "Exhibition opening", "Coming up",
                                                 "Wreath laying", "Concert")]
    assert positions == sorted(positions)
    assert "Change the answer" in html and "Please answer by" in html and "Event cancelled" in html
    assert "10 people" in html


def test_home_shows_nothing_of_other_units(client, login, event, make_unit, make_invitation):
    make_invitation(event, make_unit("OTHER"), status="accepted", headcount=40)
    login("representative")
    html = client.get("/my").get_data(as_text=True)
    assert "Commemoration ceremony" not in html
    assert "No invitations at the moment." in html


def test_past_events_are_listed_apart(client, login, make_event, make_unit, make_invitation):
    unit = make_unit("CIT")
    past = make_event("Last year's ceremony", starts_at=datetime.now(UTC) - timedelta(days=300), status="held")
    make_invitation(past, unit, status="accepted", headcount=5, actual_attendance=4)
    login("representative", unit=unit)
    html = client.get("/my").get_data(as_text=True)
    assert html.index("Past events") < html.index("Last year")
    assert "4 people came" in html


def test_draft_events_are_not_shown(client, login, make_event, make_unit, make_invitation):
    unit = make_unit("CIT")
    make_invitation(make_event("Secret plan", status="draft"), unit)
    login("representative", unit=unit)
    assert "Secret plan" not in client.get("/my").get_data(as_text=True)


def test_home_uses_the_same_number_of_queries_for_2_or_8_invitations(app, client, login, make_event, make_unit,
                                                                      make_invitation, make_venue):
    unit = make_unit("CIT")
    login("representative", unit=unit)
    venue = make_venue()

    def add(n: int) -> None:
        for _ in range(n):
            make_invitation(make_event(venue_id=venue.id), unit)

    add(2)
    client.get("/my")
    with count_queries(app) as few:
        client.get("/my")
    add(6)
    with count_queries(app) as many:
        client.get("/my")
    assert few.count == many.count


def test_organisers_have_no_unit_home(client, login):
    login("organiser")
    assert client.get("/my").status_code == 403


def _history(unit, make_event, make_invitation, years: int) -> None:
    """A ceremony a year ago, two years ago, … each with ``unit`` invited, and one ceremony coming up."""
    now = datetime.now(UTC)
    for year in range(1, years + 1):
        start = now - timedelta(days=365 * year)
        held = make_event(f"Ceremony {year:02d} years ago", starts_at=start, ends_at=start + timedelta(hours=1),
                          status="held")
        make_invitation(held, unit, status="accepted", headcount=2)
    make_invitation(make_event("Coming ceremony", starts_at=now + timedelta(days=3)), unit)


def test_past_events_come_a_page_at_a_time_the_latest_first(app, client, login, make_event, make_unit,
                                                             make_invitation):
    app.config["PAGE_SIZE"] = 3
    unit = make_unit("CIT")
    _history(unit, make_event, make_invitation, years=7)
    login("representative", unit=unit)
    first = client.get("/my").get_data(as_text=True)
    shown = [year for year in range(1, 8) if f"Ceremony {year:02d} years ago" in first]
    assert shown == [1, 2, 3]
    assert "Past events (7)" in first and "Page 1 of 3" in first
    assert 'href="/my?page=2#past" rel="next"' in first
    second = client.get("/my?page=2").get_data(as_text=True)
    assert [year for year in range(1, 8) if f"Ceremony {year:02d} years ago" in second] == [4, 5, 6]
    # What is coming stays whole on every page.
    assert "Coming ceremony" in second and "Awaiting your answer" in second
    assert 'href="/my?page=1#past" rel="prev"' in second and 'href="/my?page=3#past" rel="next"' in second
    third = client.get("/my?page=3").get_data(as_text=True)
    assert [year for year in range(1, 8) if f"Ceremony {year:02d} years ago" in third] == [7]
    assert 'rel="next"' not in third


def test_the_start_page_pages_the_past_as_my_unit_does(app, client, login, make_event, make_unit, make_invitation):
    app.config["PAGE_SIZE"] = 2
    unit = make_unit("CIT")
    _history(unit, make_event, make_invitation, years=3)
    login("representative", unit=unit)
    html = client.get("/?page=2").get_data(as_text=True)
    assert [year for year in range(1, 4) if f"Ceremony {year:02d} years ago" in html] == [3]
    assert 'href="/?page=1#past" rel="prev"' in html


@pytest.mark.parametrize("page", ["3", "0", "x"])
def test_a_page_of_the_past_that_cannot_exist_is_not_found(app, client, login, make_event, make_unit,
                                                           make_invitation, page):
    app.config["PAGE_SIZE"] = 2
    unit = make_unit("CIT")
    _history(unit, make_event, make_invitation, years=3)
    login("representative", unit=unit)
    assert client.get(f"/my?page={page}").status_code == 404
    assert client.get(f"/?page={page}").status_code == 404
