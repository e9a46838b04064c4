"""SQL statements per page: the same number for a little or a lot of data, and at most :data:`BUDGET`.

Each test builds a few rows, counts the statements of one request, adds ten times as many rows of the same
kinds (events, invitations, agenda items, venues, speakers, answerers) and counts again. Counting is
deterministic where timing is not: a per-row lazy load shows up here as a count that grows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from tests.helpers import baku, count_queries

#: The most statements one page may make (issue 12).
BUDGET = 12


def assert_flat(app, client, url: str, add: Callable[[int], None]) -> None:
    """``url`` makes as many statements with 3 rows as with 30 (``add(n)`` adds n more), and no more than BUDGET."""
    add(3)
    assert client.get(url).status_code == 200  # the first request of a session loads what later ones reuse
    with count_queries(app) as few:
        assert client.get(url).status_code == 200
    add(27)
    with count_queries(app) as many:
        assert client.get(url).status_code == 200
    assert few.count == many.count, many.statements
    assert many.count <= BUDGET, many.statements


def _grow_unit_history(unit, make_event, make_invitation, make_venue):
    """``add(n)``: n past invitations of ``unit`` (held, with attendance, at venues) and one upcoming."""
    now = datetime.now(UTC)
    made = [0]

    def add(n: int) -> None:
        for _ in range(n):
            made[0] += 1
            i = made[0]
            venue = make_venue(f"Hall {i}")
            past = make_event(f"Past {i}", starts_at=now - timedelta(days=i), ends_at=now - timedelta(days=i) +
                              timedelta(hours=1), status="held", venue_id=venue.id)
            make_invitation(past, unit, status="accepted", headcount=3, actual_attendance=2)
        upcoming = make_event(f"Next {made[0]}", starts_at=now + timedelta(days=made[0]))
        make_invitation(upcoming, unit, status="accepted" if made[0] % 2 else "pending",
                        headcount=1 if made[0] % 2 else None)

    return add


def test_the_representatives_home_is_flat_in_the_units_history(app, client, login, make_unit, make_event,
                                                                make_invitation, make_venue):
    unit = make_unit("CIT")
    login("representative", unit=unit)
    assert_flat(app, client, "/", _grow_unit_history(unit, make_event, make_invitation, make_venue))


def test_my_unit_is_flat_in_the_units_history(app, client, login, make_unit, make_event, make_invitation,
                                              make_venue):
    unit = make_unit("CIT")
    login("representative", unit=unit)
    assert_flat(app, client, "/my", _grow_unit_history(unit, make_event, make_invitation, make_venue))


def test_the_series_page_is_flat_in_the_number_of_its_events(app, client, login, make_series, make_event,
                                                              make_venue):
    login("press")
    series = make_series()
    made = [0]

    def add(n: int) -> None:
        for _ in range(n):
            made[0] += 1
            make_event(f"Ceremony {made[0]}", series_id=series.id, venue_id=make_venue(f"Hall {made[0]}").id,
                       starts_at=baku(2000 + made[0], 2, 25, 10), ends_at=baku(2000 + made[0], 2, 25, 11))

    assert_flat(app, client, f"/series/{series.id}", add)


def test_the_event_page_is_flat_in_its_agenda_and_invitations(app, client, login, make_event, make_person,
                                                               make_unit, make_invitation):
    login("organiser")
    event = make_event(presiding_id=make_person("Head").id)
    made = [0]

    def add(n: int) -> None:
        from tracker.extensions import db
        from tracker.models import AgendaItem

        with app.app_context():
            for _ in range(n):
                made[0] += 1
                speaker = make_person(f"Speaker {made[0]}")
                db.session.add(AgendaItem(event_id=event.id, position=made[0], kind="speech",
                                          title=f"Speech {made[0]}", speaker_id=speaker.id))
                db.session.commit()
                make_invitation(event, make_unit(f"X{made[0]}"), status="accepted" if made[0] % 2 else "pending",
                                headcount=2 if made[0] % 2 else None)

    assert_flat(app, client, f"/events/{event.id}", add)


def test_the_event_list_is_flat_in_the_number_of_events(app, client, login, make_event, make_series, make_venue):
    login("organiser")
    now = datetime.now(UTC)
    made = [0]

    def add(n: int) -> None:
        for _ in range(n):
            made[0] += 1
            make_event(series_id=make_series(f"Series {made[0]}").id, venue_id=make_venue(f"Hall {made[0]}").id,
                       starts_at=now + timedelta(days=made[0]), ends_at=now + timedelta(days=made[0], hours=1))

    assert_flat(app, client, "/events", add)


def test_the_month_calendar_is_flat_in_the_number_of_events(app, client, login, make_event, make_venue):
    login("representative")
    made = [0]

    def add(n: int) -> None:
        for _ in range(n):
            made[0] += 1
            day = made[0] % 28 + 1
            make_event(venue_id=make_venue(f"Hall {made[0]}").id, starts_at=baku(2012, 2, day, 10),
                       ends_at=baku(2012, 2, day, 11))

    assert_flat(app, client, "/calendar?month=2012-02", add)


def test_the_dashboard_is_flat_in_the_number_of_invitations(app, client, login, make_event, make_unit, make_user,
                                                             make_invitation):
    login("organiser")
    event = make_event()
    made = [0]

    def add(n: int) -> None:
        for _ in range(n):
            made[0] += 1
            unit = make_unit(f"X{made[0]}")
            answered = made[0] % 2 == 1
            answerer = make_user("representative", unit=unit) if answered else None
            make_invitation(event, unit, status="accepted" if answered else "pending",
                            headcount=1 if answered else None, answered_by_id=answerer.id if answerer else None,
                            answered_at=datetime.now(UTC) if answered else None)

    assert_flat(app, client, f"/events/{event.id}/attendance", add)


def _grow_the_homes(app, make_event, make_unit, make_invitation, make_venue):
    """``add(n)``: n of each thing a start page lists — upcoming events with answers missing (some closing
    within days), recently held events with and without check-in figures and press texts, failed emails."""
    from tracker.extensions import db
    from tracker.models import OutboxMessage, Report

    now = datetime.now(UTC)
    made = [0]

    def add(n: int) -> None:
        for _ in range(n):
            made[0] += 1
            i = made[0]
            venue = make_venue(f"Hall {i}")
            upcoming = make_event(f"Next {i}", venue_id=venue.id, starts_at=now + timedelta(days=10 + i),
                                  answer_deadline=now + timedelta(days=i % 7, hours=1))
            make_invitation(upcoming, make_unit(f"P{i}"))
            make_invitation(upcoming, make_unit(f"A{i}"), status="accepted", headcount=2)
            held = make_event(f"Held {i}", venue_id=venue.id, status="held",
                              starts_at=now - timedelta(days=i % 80 + 1),
                              ends_at=now - timedelta(days=i % 80 + 1) + timedelta(hours=1))
            make_invitation(held, make_unit(f"H{i}"), status="accepted", headcount=3,
                            actual_attendance=2 if i % 2 else None)
            with app.app_context():
                if i % 3:
                    db.session.add(Report(event_id=held.id, language="az", body=f"Press text {i}"))
                db.session.add(OutboxMessage(kind="invitation", recipients=[f"u{i}@units.example.org"],
                                             subject="Invitation", message_id=f"<failed-{i}@tracker>", raw=b"",
                                             status="failed", attempts=5, last_error="cannot reach mail:25",
                                             event_id=upcoming.id))
                db.session.commit()

    return add


def test_the_organisers_home_is_flat_in_the_number_of_events(app, client, login, make_event, make_unit,
                                                              make_invitation, make_venue):
    login("organiser")
    assert_flat(app, client, "/", _grow_the_homes(app, make_event, make_unit, make_invitation, make_venue))


def test_the_press_home_is_flat_in_the_number_of_events(app, client, login, make_event, make_unit,
                                                         make_invitation, make_venue):
    login("press")
    assert_flat(app, client, "/", _grow_the_homes(app, make_event, make_unit, make_invitation, make_venue))
