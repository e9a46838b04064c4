"""The start page ("/", where sign-in lands): each role sees its work first, each line one click from its page.

Built on the reference scenario (DESIGN §1, ``tracker/demo_data/reference.json``): its ceremony is moved ten
days ahead and scheduled (3 units answered, 10 not), its exhibition was held three weeks ago.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest

from tests.helpers import count_queries
from tests.reports.reference import REFERENCE, Reference, build_reference
from tracker.attendance.services import event_invitations, summarise
from tracker.extensions import db
from tracker.home import services
from tracker.models import Event, Invitation, InvitationStatus, OutboxMessage, Report, Unit
from tracker.models.outbox import OutboxStatus


@dataclass
class Home:
    """The reference scenario as the home pages see it."""

    ref: Reference
    ceremony_id: int
    exhibition_id: int


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def home(app) -> Home:
    """The reference scenario with its ceremony upcoming (scheduled) and its exhibition held recently."""
    ref = build_reference(app)
    now = _now()
    with app.app_context():
        # Every language's text, whatever the builder kept of the English one.
        for entry in REFERENCE["events"]:
            db.session.get(Event, ref.events[entry["key"]]).set_texts("title", entry["title"])
        for entry in REFERENCE["units"]:
            db.session.get(Unit, ref.units[entry["code"]]).set_texts("name", entry["name"])
        ceremony = db.session.get(Event, ref.events["ceremony"])
        ceremony.status = "scheduled"
        ceremony.starts_at = now + timedelta(days=10)
        ceremony.ends_at = ceremony.starts_at + timedelta(minutes=90)
        exhibition = db.session.get(Event, ref.events["exhibition"])
        exhibition.starts_at = now - timedelta(days=21)
        exhibition.ends_at = now - timedelta(days=14)
        db.session.commit()
    return Home(ref, ref.events["ceremony"], ref.events["exhibition"])


def _page(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return unescape(response.get_data(as_text=True))


def _section(html: str, section_id: str) -> str | None:
    """The HTML of ``<section id=…>``, or ``None`` when the page has no such section."""
    found = re.search(rf'<section[^>]*id="{section_id}"[^>]*>(.*?)</section>', html, re.S)
    return found.group(1) if found else None


def _update(app, model, record_id: int, **values) -> None:
    with app.app_context():
        record = db.session.get(model, record_id)
        for name, value in values.items():
            setattr(record, name, value)
        db.session.commit()


def _add(app, *records) -> None:
    with app.app_context():
        db.session.add_all(records)
        db.session.commit()


def _failed_mail(event_id: int | None, n: int) -> OutboxMessage:
    return OutboxMessage(kind="invitation", recipients=["x@units.example.org"], subject="Invitation",
                         message_id=f"<failed-{event_id}-{n}@tracker>", raw=b"", status=OutboxStatus.FAILED,
                         attempts=5, last_error="550 mailbox unavailable", event_id=event_id)


def _silent_units(app, event_id: int) -> list[Unit]:
    """The units of ``event_id`` without an answer, in the order the home names them."""
    with app.app_context():
        units = db.session.execute(
            db.select(Unit).join(Invitation, Invitation.unit_id == Unit.id)
            .where(Invitation.event_id == event_id, Invitation.status == InvitationStatus.PENDING)
            .order_by(Unit.name, Unit.id)).scalars().all()
        db.session.expunge_all()
        return list(units)


# --- Organisers and administrators --------------------------------------------------------------------


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_sign_in_lands_on_the_home_with_the_upcoming_event_and_its_tally(app, client, auth, make_user, home, role):
    user = make_user(role, language="en")
    assert auth.login_as(user).headers["Location"] == "/"
    html = _page(client)
    upcoming = _section(html, "upcoming")
    assert upcoming is not None and REFERENCE["events"][1]["title"]["en"] in upcoming
    answers = {a["status"]: a for a in REFERENCE["events"][1]["answers"]}
    pending = len(REFERENCE["units"]) - len(answers)
    for status, words in (("accepted", "attending"), ("declined", "not attending"), ("tentative", "maybe")):
        assert f"<strong>{1 if status in answers else 0}</strong> {words}" in upcoming
    assert f"<strong>{pending}</strong> no answer yet" in upcoming
    expected = answers["accepted"].get("then", answers["accepted"]["headcount"])
    assert f"{expected} people expected, {answers['tentative']['headcount']} more maybe" in upcoming
    # The held exhibition is not upcoming.
    assert REFERENCE["events"][0]["title"]["en"] not in upcoming


def test_silent_units_are_named_in_the_readers_language_then_counted_with_a_link(app, client, login, home):
    login("organiser", language="ru")
    upcoming = _section(_page(client), "upcoming")
    silent = _silent_units(app, home.ceremony_id)
    assert len(silent) > services.SILENT_NAMES
    for unit in silent[:services.SILENT_NAMES]:
        assert unit.text("name", "ru") in upcoming
        assert unit.text("name", "en") not in upcoming
    for unit in silent[services.SILENT_NAMES:]:
        assert unit.text("name", "ru") not in upcoming
    assert f"и ещё {len(silent) - services.SILENT_NAMES}" in upcoming
    assert f'href="/events/{home.ceremony_id}/attendance"' in upcoming
    # Units that answered are not listed as silent.
    with app.app_context():
        cit = db.session.get(Unit, home.ref.units["CIT"])
        assert cit.text("name", "ru") not in upcoming


def test_the_dashboard_link_opens_the_events_attendance(app, client, login, home):
    login("organiser", language="en")
    upcoming = _section(_page(client), "upcoming")
    link = re.search(r'<a href="([^"]+)">Follow the answers</a>', upcoming).group(1)
    page = client.get(link)
    assert page.status_code == 200
    assert all(unit.text("name", "en") in unescape(page.get_data(as_text=True))
               for unit in _silent_units(app, home.ceremony_id))


def test_drafts_cancelled_and_past_events_are_not_upcoming(app, client, login, home, make_event):
    soon = _now() + timedelta(days=3)
    make_event("A draft not yet announced", status="draft", starts_at=soon)
    make_event("A cancelled concert", status="cancelled", starts_at=soon)
    make_event("An earlier meeting", starts_at=_now() + timedelta(days=2))
    login("organiser", language="en")
    upcoming = _section(_page(client), "upcoming")
    assert "A draft" not in upcoming and "A cancelled" not in upcoming
    # Soonest first.
    assert upcoming.index("An earlier meeting") < upcoming.index(REFERENCE["events"][1]["title"]["en"])


def test_a_deadline_within_7_days_is_listed_only_then(app, client, login, home):
    login("organiser", language="en")
    assert _section(_page(client), "deadlines") is None  # answers close when the event starts, in 10 days
    _update(app, Event, home.ceremony_id, answer_deadline=_now() + timedelta(days=3))
    deadlines = _section(_page(client), "deadlines")
    pending = len(_silent_units(app, home.ceremony_id))
    assert deadlines is not None and f"{pending} units have not answered" in deadlines
    assert f'href="/events/{home.ceremony_id}/attendance"' in deadlines


def test_an_event_still_waiting_for_answers_is_listed_behind_many_answered_ones(app, client, login, home, make_event,
                                                                              make_unit):
    # More events than the list holds close sooner, every invited unit answered (a walk-in needs no answer).
    now = _now()
    for i in range(services.LIST_LIMIT + 1):
        answered = make_event(f"Answered meeting {i}", starts_at=now + timedelta(days=20),
                              answer_deadline=now + timedelta(days=1, minutes=i))
        _add(app, Invitation(event_id=answered.id, unit_id=make_unit(f"ANS{i}").id, status="accepted", headcount=2),
             Invitation(event_id=answered.id, unit_id=make_unit(f"WALK{i}").id, walk_in=True))
    _update(app, Event, home.ceremony_id, answer_deadline=now + timedelta(days=services.DEADLINE_HORIZON.days - 1))
    login("organiser", language="en")
    html = _page(client)
    deadlines = _section(html, "deadlines")
    assert deadlines is not None and f'href="/events/{home.ceremony_id}/attendance"' in deadlines
    assert "Answered meeting" not in deadlines
    assert f"Answers closing within {services.DEADLINE_HORIZON.days} days" in html  # the horizon, not a fixed text


def test_failed_emails_are_listed_with_a_link_to_the_event(app, client, login, home):
    login("organiser", language="en")
    assert _section(_page(client), "failed-mail") is None
    _add(app, _failed_mail(home.ceremony_id, 1), _failed_mail(home.ceremony_id, 2), _failed_mail(None, 3))
    failed = _section(_page(client), "failed-mail")
    assert failed is not None
    assert f'href="/events/{home.ceremony_id}/attendance"' in failed and "2 emails failed" in failed
    assert "Emails not about an event" in failed and "1 email failed" in failed


def test_a_held_event_without_check_in_figures_links_to_check_in(app, client, login, home):
    login("organiser", language="en")
    section = _section(_page(client), "without-check-in")
    assert section is not None and REFERENCE["events"][0]["title"]["en"] in section
    assert f'href="/events/{home.exhibition_id}/check-in"' in section
    _add(app, Invitation(event_id=home.exhibition_id, unit_id=home.ref.units["HR"], walk_in=True,
                         actual_attendance=4))
    assert _section(_page(client), "without-check-in") is None


def test_a_scheduled_event_already_over_counts_as_held(app, client, login, home, make_event):
    over = make_event("Briefing nobody marked held", starts_at=_now() - timedelta(days=2))
    login("organiser", language="en")
    html = _page(client)
    assert f'href="/events/{over.id}/check-in"' in _section(html, "without-check-in")
    assert "Briefing nobody marked held" in _section(html, "without-release")
    assert "Briefing nobody marked held" not in _section(html, "upcoming")


def test_events_held_long_ago_are_history_not_work(app, client, login, home, make_event):
    make_event("Held last year", status="held", starts_at=_now() - services.RECENT_HELD - timedelta(days=1))
    login("organiser", language="en")
    assert "Held last year" not in _page(client)


def test_a_held_event_without_a_press_release_links_to_the_editor(app, client, login, home):
    login("organiser", language="en")
    section = _section(_page(client), "without-release")
    assert section is not None and REFERENCE["events"][0]["title"]["en"] in section
    assert f'href="/events/{home.exhibition_id}/press-summary/az"' in section
    _add(app, Report(event_id=home.exhibition_id, language="ru", body="Выставка прошла."))
    assert _section(_page(client), "without-release") is None


def test_nothing_to_do_is_said_plainly(app, client, login, home):
    _add(app, Report(event_id=home.exhibition_id, language="az", body="Sərgi keçirildi."),
         Invitation(event_id=home.exhibition_id, unit_id=home.ref.units["HR"], walk_in=True, actual_attendance=4))
    login("organiser", language="en")
    html = _page(client)
    for section in ("deadlines", "failed-mail", "without-check-in", "without-release"):
        assert _section(html, section) is None
    assert 'id="nothing-to-do"' in html


def test_a_fresh_installation_offers_to_create_the_first_event(client, login):
    login("organiser", language="en")
    html = _page(client)
    assert "No events yet" in html
    assert 'href="/events/new"' in html
    assert 'id="upcoming"' not in html


def test_the_home_is_translated(client, login, home):
    login("organiser", language="az")
    html = _page(client)
    assert "Home" not in re.sub(r"<[^>]+>", " ", html.split("<main", 1)[1]).split()
    assert REFERENCE["events"][1]["title"]["az"] in html


def test_the_number_of_queries_does_not_grow_with_held_events(app, client, login, home, make_event, make_unit,
                                                              make_invitation):
    login("organiser")
    unit = make_unit("EXTRA")

    def hold(n: int, start: int) -> None:
        for i in range(start, start + n):
            held = make_event(f"Held {i}", status="held", starts_at=_now() - timedelta(days=1 + i % 80))
            make_invitation(held, unit, status="accepted", headcount=2)
            _add(app, _failed_mail(held.id, i), Report(event_id=held.id, language="en", body=f"Held {i}."))
            make_event(f"Upcoming {i}", starts_at=_now() + timedelta(days=1 + i))

    hold(5, 0)
    client.get("/")
    with count_queries(app) as few:
        assert client.get("/").status_code == 200
    hold(45, 5)
    with count_queries(app) as many:
        html = _page(client)
    assert few.count == many.count
    # Lists are capped, and the link to the full list counts them all.
    assert html.count('class="card home-event"') == services.UPCOMING_LIMIT
    assert "All 51 upcoming events" in html


# --- Press staff ---------------------------------------------------------------------------------------


def test_press_see_releases_missing_in_some_language_first(app, client, login, home):
    _add(app, Report(event_id=home.exhibition_id, language="az", body="Sərgi keçirildi."))
    login("press", language="en")
    html = _page(client)
    to_write = _section(html, "releases-to-write")
    assert to_write is not None and REFERENCE["events"][0]["title"]["en"] in to_write
    assert f'href="/events/{home.exhibition_id}/press-summary/ru"' in to_write
    assert f'href="/events/{home.exhibition_id}/press-summary/en"' in to_write
    assert f'href="/events/{home.exhibition_id}/press-summary/az"' not in to_write
    assert html.index('id="releases-to-write"') < html.index('id="upcoming"')
    assert REFERENCE["events"][1]["title"]["en"] in _section(html, "upcoming")
    # Press staff see no answer tallies or check-in work.
    assert "without-check-in" not in html and "no answer yet" not in html


def test_press_see_a_release_written_in_every_language_apart(app, client, login, home):
    _add(app, *(Report(event_id=home.exhibition_id, language=code, body=f"Text {code}.")
                for code in ("az", "ru", "en")))
    login("press", language="en")
    html = _page(client)
    assert _section(html, "releases-to-write") is None
    assert REFERENCE["events"][0]["title"]["en"] in _section(html, "releases-written")


# --- Representatives -----------------------------------------------------------------------------------


def test_a_representative_sees_what_awaits_an_answer_first_and_only_their_unit(app, client, login, home):
    legal = _unit(app, home.ref.units["LEGAL"])
    login("representative", unit=legal, language="en")
    html = _page(client)
    awaiting = _section(html, "awaiting")
    assert awaiting is not None and REFERENCE["events"][1]["title"]["en"] in awaiting
    assert "Please answer by" in awaiting
    assert legal.text("name", "en") in html
    for code, unit_id in home.ref.units.items():
        if code != "LEGAL":
            assert _unit(app, unit_id).text("name", "en") not in html


def test_a_representative_who_answered_has_nothing_awaiting(app, client, login, home):
    cit = _unit(app, home.ref.units["CIT"])
    login("representative", unit=cit, language="en")
    html = _page(client)
    assert _section(html, "awaiting") is None
    assert "Change the answer" in html


def _unit(app, unit_id: int) -> Unit:
    with app.app_context():
        unit = db.session.get(Unit, unit_id)
        db.session.expunge(unit)
        return unit


def test_the_home_tally_counts_as_the_dashboard_does(app, make_event, make_unit, make_invitation):
    event = make_event()
    for code, fields in {"A": {"status": "accepted", "headcount": 4}, "B": {"status": "accepted", "headcount": None},
                         "C": {"status": "tentative", "headcount": 3}, "D": {"status": "declined", "headcount": 9},
                         "E": {}, "F": {"walk_in": True, "status": "accepted", "headcount": 5,
                                        "actual_attendance": 5}}.items():
        make_invitation(event, make_unit(code), **fields)
    with app.app_context():
        dashboard = summarise(db.session.get(Event, event.id), event_invitations(db.session.get(Event, event.id)))
        home = services.tallies([event.id])[event.id]
    assert (home.accepted, home.tentative, home.declined, home.pending) == tuple(
        dashboard.counts.get(status, 0) for status in ("accepted", "tentative", "declined", "pending"))
    assert (home.expected, home.maybe) == (dashboard.expected, dashboard.maybe) == (4, 3)
