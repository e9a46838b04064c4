"""The organisers' attendance dashboard and the event page's attendance panel."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest

from tests.helpers import count_queries
from tests.mail.conftest import Mailbox, SmtpServer, free_port
from tracker.extensions import db
from tracker.mail import delivery
from tracker.mail.compose import compose_email
from tracker.mail.outbox import queue_email
from tracker.models import Event, Invitation, OutboxMessage
from tracker.models.outbox import OutboxStatus


def _answers(make_invitation, event, make_unit):
    now = datetime.now(UTC)
    make_invitation(event, make_unit("CIT", "Citizenship Department"), status="accepted", headcount=12,
                    answered_at=now - timedelta(hours=3), answered_via="page")
    make_invitation(event, make_unit("IT", "IT Centre"), status="declined", headcount=0,
                    answered_at=now - timedelta(hours=1), answered_via="link")
    make_invitation(event, make_unit("GANJA", "Ganja Regional Office"), status="tentative", headcount=3,
                    answered_at=now - timedelta(hours=2), answered_via="calendar")
    make_invitation(event, make_unit("REG", "Registration Department"))


def test_dashboard_counts_the_answers_and_the_expected_people_against_capacity(client, login, event, make_unit,
                                                                              make_invitation):
    _answers(make_invitation, event, make_unit)
    login("organiser")
    html = client.get(f"/events/{event.id}/attendance").get_data(as_text=True)
    tally = re.sub(r"\s+", " ", html[html.index('class="tally"'):html.index('id="expected"')])
    assert "<strong>1</strong> attending" in tally and "<strong>1</strong> maybe" in tally
    assert "<strong>1</strong> not attending" in tally and "<strong>1</strong> no answer yet" in tally
    expected = re.sub(r"\s+", " ", html[html.index('id="expected"'):html.index("</p>", html.index('id="expected"'))])
    assert "12 people expected, 3 more maybe · the venue holds 50" in expected


def test_dashboard_lists_who_has_not_answered(client, login, event, make_unit, make_invitation):
    _answers(make_invitation, event, make_unit)
    login("organiser")
    html = client.get(f"/events/{event.id}/attendance").get_data(as_text=True)
    pending = html[html.index('id="pending"'):html.index("</table>", html.index('id="pending"'))]
    assert "Registration Department" in pending and "Citizenship Department" not in pending


def test_dashboard_shows_the_latest_answers_first(client, login, event, make_unit, make_invitation):
    _answers(make_invitation, event, make_unit)
    login("organiser")
    html = client.get(f"/events/{event.id}/attendance").get_data(as_text=True)
    answers = html[html.index('id="answers"'):]
    order = [answers.index(name) for name in ("IT Centre", "Ganja Regional Office", "Citizenship Department")]
    assert order == sorted(order)


def test_dashboard_warns_when_more_people_are_expected_than_the_venue_holds(client, login, make_event, make_venue,
                                                                           make_unit, make_invitation):
    small = make_venue("Small room", capacity=10)
    event = make_event(venue_id=small.id)
    make_invitation(event, make_unit("CIT"), status="accepted", headcount=8)
    make_invitation(event, make_unit("IT"), status="accepted", headcount=5)
    login("organiser")
    html = client.get(f"/events/{event.id}/attendance").get_data(as_text=True)
    assert "More people are expected than the venue holds (13 for 10 places)." in html


def test_dashboard_of_an_event_without_invitations_says_what_to_do(client, login, event):
    login("organiser")
    html = client.get(f"/events/{event.id}/attendance").get_data(as_text=True)
    assert "No units invited yet." in html
    assert f'href="/events/{event.id}/attendance/invite"' in html


def test_dashboard_shows_the_state_of_each_invitation_email(app, client, login, event, unit):
    login("organiser")
    client.post(f"/events/{event.id}/attendance/invite", data={"scope": "all"})
    assert "waiting" in client.get(f"/events/{event.id}/attendance").get_data(as_text=True)
    with app.app_context():
        from tracker.mail.delivery import deliver_due

        deliver_due()
    pending = client.get(f"/events/{event.id}/attendance").get_data(as_text=True)
    assert 'class="mail-sent"' in pending


def test_dashboard_of_a_missing_event_is_not_found(client, login):
    login("organiser")
    assert client.get("/events/4242/attendance").status_code == 404


def test_dashboard_uses_the_same_number_of_queries_for_3_or_12_units(app, client, login, event, make_unit,
                                                                     make_invitation, make_user):
    login("organiser")

    def add(n: int, offset: int) -> None:
        for i in range(n):
            unit = make_unit(f"X{offset + i}")
            answerer = make_user("representative", unit=unit)
            make_invitation(event, unit, status="accepted" if i % 2 else "pending", headcount=1 if i % 2 else None,
                            answered_by_id=answerer.id if i % 2 else None)

    add(3, 0)
    client.get(f"/events/{event.id}/attendance")
    with count_queries(app) as few:
        assert client.get(f"/events/{event.id}/attendance").status_code == 200
    add(9, 100)
    with count_queries(app) as many:
        assert client.get(f"/events/{event.id}/attendance").status_code == 200
    assert few.count == many.count


def test_the_event_page_shows_organisers_the_tally_and_the_way_to_the_dashboard(client, login, event, make_unit,
                                                                               make_invitation):
    _answers(make_invitation, event, make_unit)
    login("organiser")
    html = client.get(f"/events/{event.id}").get_data(as_text=True)
    panel = html[html.index('class="attendance-panel'):]
    assert "12 people expected" in panel
    assert f'href="/events/{event.id}/attendance"' in panel and f'href="/events/{event.id}/check-in"' in panel


def test_the_event_page_shows_a_representative_only_their_units_answer(client, login, event, make_unit,
                                                                      make_invitation):
    mine = make_unit("MINE", "My Department")
    own = make_invitation(event, mine, status="accepted", headcount=4)
    # 47: a number no date or time on the panel can contain (a 30 matched "until 30 December").
    make_invitation(event, make_unit("OTHER"), status="accepted", headcount=47)
    login("representative", unit=mine)
    html = client.get(f"/events/{event.id}").get_data(as_text=True)
    panel = html[html.index('class="attendance-panel'):html.index("</section>", html.index('class="attendance-panel'))]
    assert "s answer:" in panel and "4 people" in panel
    assert f'href="/invitations/{own.id}"' in panel
    assert "47" not in re.sub(r'href="[^"]*"', "", panel) and "people expected" not in panel


def test_the_event_page_tells_an_uninvited_representative_so(client, login, event):
    login("representative")
    html = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Your unit is not invited to this event." in html


@dataclass
class _RecipientsBusy(Mailbox):
    """A mail server that keeps refusing every recipient for now (4xx: the outbox tries again later)."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's name)
        return "450 4.2.1 mailbox busy, try again later"


def _fail_for_good(app, fault: str) -> None:
    """Deliver the outbox until its message fails, the way the mail worker does, with the server at ``fault``."""
    server: SmtpServer | None = None
    if fault == "recipients busy":
        server = SmtpServer(_RecipientsBusy(), free_port())
    elif fault == "data deferred":
        server = SmtpServer(Mailbox(reply="451 4.3.0 try again later"), free_port())
    port = server.port if server else free_port()  # "down": nobody listens on the port
    app.config.update(SMTP_URL=f"smtp://127.0.0.1:{port}", MAIL_MAX_ATTEMPTS=5)
    if server:
        server.start()
    try:
        with app.app_context():
            for attempt in range(1, 6):  # each run a month after the last: the retry is due by then
                delivery.deliver_due(now=datetime.now(UTC) + timedelta(days=30 * attempt))
    finally:
        if server:
            server.stop()


def _interrupted_every_time(app) -> None:
    """The worker died during every attempt: the claim of the last one lapsed (the next run gives up)."""
    app.config["MAIL_MAX_ATTEMPTS"] = 5
    with app.app_context():
        row = db.session.execute(db.select(OutboxMessage)).scalar_one()
        row.status, row.attempts = OutboxStatus.SENDING, 5
        row.claimed_until = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()
        delivery.deliver_due(transport=delivery.FileTransport(delivery.outbox_folder()))


@pytest.mark.parametrize(("fault", "stored", "language", "words"), [
    ("recipients busy", r"gave up after 5 attempts: recipients refused: x@units\.example\.org: 450 ", "az",
     "Poçt serveri bölmənin ünvanını qəbul etmədi"),
    ("down", r"gave up after 5 attempts: cannot reach 127\.0\.0\.1:\d+: ", "ru",
     "Не удалось связаться с почтовым сервером"),
    ("data deferred", r"gave up after 5 attempts: 451 4\.3\.0 try again later", "en",
     "The email could not be delivered"),
    ("interrupted", r"gave up: delivery was interrupted on every attempt$", "en",
     "Sending the email was interrupted on every attempt"),
])
def test_a_failed_email_is_explained_in_the_readers_words_with_the_server_text_apart(
    app, client, login, event, make_unit, make_invitation, fault, stored, language, words
):
    login("organiser", language=language)
    invitation = make_invitation(event, make_unit("CIT"))
    with app.app_context():
        message = compose_email(sender="tracker@migration.example.org", to=["x@units.example.org"],
                                subject="Invitation", text="Body\n", html="<p>Body</p>")
        queue_email(message, kind="invitation", event=db.session.get(Event, event.id),
                    invitation=db.session.get(Invitation, invitation.id))
        db.session.commit()
    if fault == "interrupted":
        _interrupted_every_time(app)
    else:
        _fail_for_good(app, fault)
    with app.app_context():
        row = db.session.execute(db.select(OutboxMessage)).scalar_one()
        assert row.status == OutboxStatus.FAILED and re.match(stored, row.last_error), row.last_error
        last_error = row.last_error
    html = client.get(f"/events/{event.id}/attendance").get_data(as_text=True)
    assert words in html
    detail = re.search(r"<details[^>]*>\s*<summary>[^<]+</summary>\s*<span lang=\"en\">([^<]*)</span>", html)
    assert detail and unescape(detail.group(1)) == last_error  # the server's own words, as English, behind a summary
