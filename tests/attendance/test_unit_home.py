"""A representative's home page: the unit's invitations, soonest first, each with its state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
