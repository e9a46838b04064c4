"""The organisers' attendance dashboard and the event page's attendance panel."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import count_queries
from tracker.extensions import db
from tracker.models import OutboxMessage
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


@pytest.mark.parametrize(("last_error", "language", "words"), [
    ("recipients refused: x@units.example.org: 550 mailbox unavailable", "az",
     "Poçt serveri bölmənin ünvanını qəbul etmədi"),
    ("cannot reach mail.example.org:25: timed out", "ru", "Не удалось связаться с почтовым сервером"),
    ("451 try again later", "en", "The email could not be delivered"),
])
def test_a_failed_email_is_explained_in_the_readers_words_with_the_server_text_apart(
    app, client, login, event, make_unit, make_invitation, last_error, language, words
):
    login("organiser", language=language)
    invitation = make_invitation(event, make_unit("CIT"))
    with app.app_context():
        db.session.add(OutboxMessage(kind="invitation", recipients=["x@units.example.org"], subject="Invitation",
                                     message_id="<failed@tracker>", raw=b"", status=OutboxStatus.FAILED, attempts=5,
                                     last_error=last_error, event_id=event.id, invitation_id=invitation.id))
        db.session.commit()
    html = client.get(f"/events/{event.id}/attendance").get_data(as_text=True)
    assert words in html
    detail = re.search(r"<details[^>]*>\s*<summary>[^<]+</summary>\s*<span lang=\"en\">([^<]*)</span>", html)
    assert detail and detail.group(1) == last_error  # the server's own words, marked as English, behind a summary
