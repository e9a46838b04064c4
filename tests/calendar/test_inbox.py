"""What a message from the organiser's mailbox does (issue 14): replies recorded as the upload form records them,
proposals kept, refreshes answered, everything else left alone; each message taken once."""

from __future__ import annotations

import email.policy
import re
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import CONFIRMED
from tracker.calendar.inbox import InboxOutcome, InboxResult, take_calendar_message
from tracker.extensions import db
from tracker.models import AuditEntry, Event, Invitation, MailboxMessage, OutboxMessage

FIXTURES = Path(__file__).parent / "fixtures"
#: Real clients' messages (``../shared/fixtures/itip``): their UIDs are foreign to us.
SHARED_FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "itip"
BAKU = ZoneInfo("Asia/Baku")
CIT = "cit@units.example.org"


def _fill(text: str, event: dict, *, email: str = CIT, sequence: int | None = None) -> str:
    start, end = event["starts_at"], event["ends_at"]
    values = {
        "{{UID}}": event["uid"], "{{SEQ}}": str(event["sequence"] if sequence is None else sequence),
        "{{EMAIL}}": email,
        "{{START}}": start.astimezone(BAKU).strftime("%Y%m%dT%H%M%S"),
        "{{END}}": end.astimezone(BAKU).strftime("%Y%m%dT%H%M%S"),
        "{{START_UTC}}": start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"),
        "{{END_UTC}}": end.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"),
    }
    for key, value in values.items():
        text = text.replace(key, value)
    return text


def _fixture(name: str, event: dict, **kwargs) -> str:
    return _fill((FIXTURES / name).read_text("utf-8"), event, **kwargs)


def _email(ics: str, *, shape: str, method: str = "REPLY", message_id: str | None = "<reply-1@units.example.org>",
           sender: str = CIT) -> bytes:
    """``ics`` wrapped the way each client sends it."""
    message = EmailMessage()
    message["From"] = f"Citizenship Department <{sender}>"
    message["To"] = "Protocol Office <protocol@migration.example.org>"
    message["Subject"] = "Accepted: Commemoration ceremony"
    if message_id:
        message["Message-ID"] = message_id
    data = ics.encode("utf-8")
    if shape == "outlook":  # multipart/alternative with the calendar inline, and the same .ics attached
        message.set_content("We will come.")
        message.add_alternative("<p>We will come.</p>", subtype="html")
        message.add_alternative(data, maintype="text", subtype="calendar", params={"method": method})
        message.add_attachment(data, maintype="application", subtype="ics", filename="invite.ics")
    elif shape == "google":  # text/calendar inline, application/ics attached
        message.set_content("Citizenship Department has accepted this invitation.")
        message.add_alternative(data, maintype="text", subtype="calendar", params={"method": method})
        message.add_attachment(data, maintype="application", subtype="ics", filename="invite.ics")
    elif shape == "apple":  # the calendar as an attachment only
        message.set_content("Citizenship Department has accepted your invitation.")
        message.add_attachment(data, maintype="text", subtype="calendar", filename="iCal-20120220.ics",
                               params={"method": method})
    else:
        raise AssertionError(shape)
    return bytes(message)


def _event(app, event_id: int) -> dict:
    with app.app_context():
        event = db.session.get(Event, event_id)
        return {"uid": event.uid, "sequence": event.sequence, "starts_at": event.starts_at, "ends_at": event.ends_at}


def _take(app, raw: bytes, **kwargs) -> InboxResult:
    """One message in its own transaction, as the mailbox reader takes it."""
    with app.app_context():
        result = take_calendar_message(raw, **kwargs)
        db.session.commit()
        return result


def _answer(app, invitation_id: int) -> tuple[str, str | None, int]:
    with app.app_context():
        invitation = db.session.get(Invitation, invitation_id)
        entries = db.session.execute(
            db.select(db.func.count()).select_from(AuditEntry).where(AuditEntry.invitation_id == invitation_id)
        ).scalar_one()
        return invitation.status, invitation.answered_via, entries


def _records(app) -> list[tuple[str | None, str, str]]:
    with app.app_context():
        return [(m.method, m.outcome, m.reason.get("en", "")) for m in
                db.session.execute(db.select(MailboxMessage).order_by(MailboxMessage.id)).scalars()]


def _raise_sequence(app, event_id: int) -> None:
    with app.app_context():
        db.session.get(Event, event_id).sequence += 1
        db.session.commit()


@pytest.fixture
def invited(upcoming):
    """(event id, unit id, invitation id) of CIT invited to a ceremony a month ahead."""
    return upcoming()


# --- replies ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "shape", "expected"),
    [
        ("outlook-reply-accepted.ics", "outlook", "accepted"),
        ("outlook-reply-declined-no-sequence.ics", "outlook", "declined"),
        ("google-reply-tentative.ics", "google", "tentative"),
        ("apple-reply-declined.ics", "apple", "declined"),
        ("thunderbird-reply-accepted.ics", "apple", "accepted"),
    ],
)
def test_each_clients_reply_is_recorded_like_the_upload_form(app, invited, fixture, shape, expected):
    event_id, _unit_id, invitation_id = invited
    sequence = 0 if "no-sequence" in fixture else None
    raw = _email(_fixture(fixture, _event(app, event_id), sequence=sequence), shape=shape)
    assert _take(app, raw) == InboxResult(InboxOutcome.APPLIED, None)
    assert _answer(app, invitation_id) == (expected, "calendar", 1)
    assert _records(app) == [("REPLY", "applied", "")]


def test_outlooks_whole_email_is_recorded(app, invited):
    event_id, _unit_id, invitation_id = invited
    raw = _fixture("outlook-reply-accepted.eml", _event(app, event_id)).encode()
    assert _take(app, raw).outcome == InboxOutcome.APPLIED
    assert _answer(app, invitation_id) == ("accepted", "calendar", 1)


def test_the_same_message_twice_is_taken_once(app, invited):
    event_id, _unit_id, invitation_id = invited
    raw = _email(_fixture("google-reply-tentative.ics", _event(app, event_id)), shape="google")
    assert _take(app, raw).outcome == InboxOutcome.APPLIED
    assert _take(app, raw) == InboxResult(InboxOutcome.DUPLICATE, InboxOutcome.APPLIED)
    assert _answer(app, invitation_id) == ("tentative", "calendar", 1)
    assert len(_records(app)) == 1


def test_a_refused_message_read_again_is_a_duplicate_of_a_refusal(app, invited):
    raw = _email(_fixture("google-reply-tentative.ics", {**_event(app, invited[0]), "uid": "nobody@x"}),
                 shape="google")
    assert _take(app, raw).outcome == InboxOutcome.REFUSED
    assert _take(app, raw) == InboxResult(InboxOutcome.DUPLICATE, InboxOutcome.REFUSED)


def test_a_message_without_message_id_is_remembered_by_its_bytes(app, invited):
    event_id, _unit_id, invitation_id = invited
    raw = _email(_fixture("google-reply-tentative.ics", _event(app, event_id)), shape="google", message_id=None)
    assert _take(app, raw).outcome == InboxOutcome.APPLIED
    assert _take(app, raw).outcome == InboxOutcome.DUPLICATE
    with app.app_context():
        assert db.session.execute(db.select(MailboxMessage.message_id)).scalar_one().startswith("sha256:")


def test_the_same_answer_again_in_another_message_is_applied_and_changes_nothing(app, invited):
    event_id, _unit_id, invitation_id = invited
    ics = _fixture("google-reply-tentative.ics", _event(app, event_id))
    assert _take(app, _email(ics, shape="google", message_id="<a@x>")).outcome == InboxOutcome.APPLIED
    assert _take(app, _email(ics, shape="google", message_id="<b@x>")).outcome == InboxOutcome.APPLIED
    assert _answer(app, invitation_id) == ("tentative", "calendar", 1)


def test_an_unknown_uid_is_refused_with_the_reason(app, invited):
    event = {**_event(app, invited[0]), "uid": "foreign-uid@elsewhere.example"}
    result = _take(app, _email(_fixture("outlook-reply-accepted.ics", event), shape="outlook"))
    assert result.outcome == InboxOutcome.REFUSED
    [(method, outcome, reason)] = _records(app)
    assert (method, outcome) == ("REPLY", "refused")
    assert "foreign-uid@elsewhere.example" in reason
    with app.app_context():
        message = db.session.execute(db.select(MailboxMessage)).scalar_one()
        assert message.event_id is None
        assert set(message.reason) == {"az", "ru", "en"}
        assert message.reason["az"] != message.reason["en"] != message.reason["ru"]


def test_a_stale_sequence_is_refused_and_changes_nothing(app, invited):
    event_id, _unit_id, invitation_id = invited
    old = _event(app, event_id)
    _raise_sequence(app, event_id)
    result = _take(app, _email(_fixture("outlook-reply-accepted.ics", old), shape="outlook"))
    assert result.outcome == InboxOutcome.REFUSED
    assert "older version" in _records(app)[0][2]
    assert _answer(app, invitation_id) == ("pending", None, 0)


def test_a_reply_from_an_address_of_no_invited_unit_is_refused(app, invited):
    raw = _email(_fixture("apple-reply-declined.ics", _event(app, invited[0]), email="stranger@example.org"),
                 shape="apple")
    assert _take(app, raw).outcome == InboxOutcome.REFUSED
    assert "stranger@example.org" in _records(app)[0][2]


@pytest.mark.skipif(not SHARED_FIXTURES.is_dir(), reason="the shared real-client fixtures are not here")
@pytest.mark.parametrize("name", sorted(p.name for p in SHARED_FIXTURES.glob("*reply*.ics"))
                         if SHARED_FIXTURES.is_dir() else [])
def test_real_clients_replies_to_events_we_never_sent_are_refused(app, invited, name):
    ics = (SHARED_FIXTURES / name).read_text("utf-8")
    assert _take(app, _email(ics, shape="outlook")).outcome == InboxOutcome.REFUSED
    assert "UID" in _records(app)[0][2]


# --- what is left alone, and what is broken --------------------------------------------------------------------


def test_mail_without_a_calendar_is_ignored_and_not_recorded(app, invited):
    message = EmailMessage()
    message["From"] = CIT
    message["Message-ID"] = "<hello@x>"
    message.set_content("BEGIN:VCALENDAR quoted in a plain text body is not a calendar part.")
    assert _take(app, bytes(message)) == InboxResult(InboxOutcome.IGNORED, None)
    assert _records(app) == []


@pytest.mark.parametrize("fixture", ["outlook-request-exchange2010-pommes.ics", "google-cancel-buffalo.ics"])
def test_invitations_and_cancellations_sent_to_the_organiser_are_ignored(app, fixture):
    if not SHARED_FIXTURES.is_dir():
        pytest.skip("the shared real-client fixtures are not here")
    ics = (SHARED_FIXTURES / fixture).read_text("utf-8")
    method = re.search(r"METHOD:(\w+)", ics).group(1)
    assert _take(app, _email(ics, shape="google", method=method)).outcome == InboxOutcome.IGNORED
    assert _records(app) == []


def test_a_broken_calendar_part_is_refused(app):
    """Decided: a calendar part that cannot be read is REFUSED (moved aside, reason shown), unless its
    Content-Type names a method the mailbox does not take (then IGNORED)."""
    ics = "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:x\r\n"  # truncated
    assert _take(app, _email(ics, shape="outlook")).outcome == InboxOutcome.REFUSED
    assert _records(app) == [("REPLY", "refused", "The file is broken and cannot be read as iCalendar.")]
    assert _take(app, _email(ics, shape="apple", method="REQUEST", message_id="<2@x>")).outcome == \
        InboxOutcome.IGNORED


def _with_a_large_pdf(raw: bytes) -> bytes:
    message = message_from_bytes(raw, policy=email.policy.default)
    message.add_attachment(b"%PDF" + b"x" * (3 * 1024 * 1024), maintype="application", subtype="pdf",
                           filename="agenda.pdf")
    return bytes(message)


def test_a_reply_with_a_large_attachment_is_read(app, invited):
    """A whole message over 2 MB is looked into; only the calendar part itself is bounded."""
    event_id, _unit_id, invitation_id = invited
    raw = _email(_fixture("google-reply-tentative.ics", _event(app, event_id)), shape="google")
    assert _take(app, _with_a_large_pdf(raw)).outcome == InboxOutcome.APPLIED
    assert _answer(app, invitation_id) == ("tentative", "calendar", 1)


def test_large_mail_that_is_no_attendee_message_is_left_alone(app, invited):
    request = _email(_attendee_message(_event(app, invited[0]), "REQUEST"), shape="google", method="REQUEST",
                     message_id="<request@x>")
    assert _take(app, _with_a_large_pdf(request)).outcome == InboxOutcome.IGNORED
    plain = (b"From: a@example.org\r\nMessage-ID: <big@x>\r\n\r\nBEGIN:VCALENDAR text/calendar\r\n"
             + b"y" * (3 * 1024 * 1024))
    assert _take(app, plain).outcome == InboxOutcome.IGNORED
    assert _records(app) == []


def test_a_calendar_part_too_large_to_read_is_refused(app, invited):
    ics = _fixture("google-reply-tentative.ics", _event(app, invited[0]))
    ics = ics.replace("END:VEVENT", "COMMENT:" + "x" * (3 * 1024 * 1024) + "\r\nEND:VEVENT")
    assert _take(app, _email(ics, shape="google")).outcome == InboxOutcome.REFUSED
    assert "too large" in _records(app)[0][2]


@settings(max_examples=80, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow,
                                                                                HealthCheck.function_scoped_fixture])
@given(st.one_of(
    st.binary(max_size=2000),
    st.builds(lambda head, body: head + b"\r\n\r\n" + body,
              st.sampled_from([b"Content-Type: text/calendar; method=REPLY", b"Content-Type: multipart/mixed; "
                               b"boundary=b", b"Message-ID: <\xff\x00>\r\nContent-Type: application/ics",
                               b"From: =?utf-8?q?broken", b"Content-Type: text/calendar; method=COUNTER\r\n"
                               b"Content-Transfer-Encoding: base64"]),
              st.binary(max_size=1000)),
    st.builds(lambda text: ("Content-Type: text/calendar; method=REFRESH\r\n\r\nBEGIN:VCALENDAR\r\n" + text
                            + "\r\nEND:VCALENDAR\r\n").encode("utf-8", "surrogatepass"),
              st.text(max_size=500)),
))
def test_no_message_makes_the_inbox_raise(app, raw):
    with app.app_context():
        result = take_calendar_message(raw)
        assert result.outcome in set(InboxOutcome)
        db.session.rollback()


# --- COUNTER and REFRESH ---------------------------------------------------------------------------------------


def _attendee_message(event: dict, method: str, *, extra: str = "", email: str = CIT) -> str:
    return "\r\n".join([
        "BEGIN:VCALENDAR", "PRODID:-//Google Inc//Google Calendar 70.9054//EN", "VERSION:2.0", f"METHOD:{method}",
        "BEGIN:VEVENT", f"UID:{event['uid']}", f"SEQUENCE:{event['sequence']}", "DTSTAMP:20120220T124344Z",
        "ORGANIZER:mailto:protocol@migration.example.org",
        f"ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:{email}", *([extra] if extra else []),
        "END:VEVENT", "END:VCALENDAR", "",
    ])


def test_a_counter_is_kept_as_a_proposal_and_never_applied(app, invited):
    event_id, unit_id, invitation_id = invited
    event = _event(app, event_id)
    proposed = event["starts_at"] + timedelta(days=1)
    extra = "\r\n".join([f"DTSTART:{proposed.strftime('%Y%m%dT%H%M%SZ')}",
                         f"DTEND:{(proposed + timedelta(hours=1)).strftime('%Y%m%dT%H%M%SZ')}",
                         "COMMENT:We are away that day; could it be the next?"])
    raw = _email(_attendee_message(event, "COUNTER", extra=extra), shape="google", method="COUNTER")
    assert _take(app, raw).outcome == InboxOutcome.PROPOSAL
    assert _answer(app, invitation_id) == ("pending", None, 0)
    with app.app_context():
        message = db.session.execute(db.select(MailboxMessage)).scalar_one()
        assert (message.method, message.outcome, message.event_id) == ("COUNTER", "proposal", event_id)
        assert message.summary["units"] == [unit_id]
        assert datetime.fromisoformat(message.summary["starts_at"]) == proposed.replace(microsecond=0)
        assert db.session.get(Event, event_id).starts_at == event["starts_at"]


def test_a_refresh_queues_the_current_invitation_for_that_unit(app, invited):
    event_id, _unit_id, invitation_id = invited
    _raise_sequence(app, event_id)
    raw = _email(_attendee_message(_event(app, event_id), "REFRESH"), shape="apple", method="REFRESH")
    assert _take(app, raw).outcome == InboxOutcome.REFRESHED
    with app.app_context():
        [queued] = db.session.execute(db.select(OutboxMessage)).scalars().all()
        assert (queued.kind, queued.invitation_id, queued.recipients) == ("invitation", invitation_id, [CIT])
    assert _take(app, raw).outcome == InboxOutcome.DUPLICATE
    with app.app_context():
        assert len(db.session.execute(db.select(OutboxMessage)).scalars().all()) == 1


def test_a_refresh_from_a_stranger_is_refused_and_sends_nothing(app, invited):
    raw = _email(_attendee_message(_event(app, invited[0]), "REFRESH", email="x@example.org"), shape="apple",
                 method="REFRESH")
    assert _take(app, raw).outcome == InboxOutcome.REFUSED
    with app.app_context():
        assert db.session.execute(db.select(OutboxMessage)).scalars().all() == []


# --- the organiser's view --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "accepted", "refused"), [
    ("en", "Attending", "The reply answers an older version of the event"),
    ("ru", None, None),
    ("az", None, None),
])
def test_the_dashboard_shows_the_mailbox_in_the_readers_language(app, client, login, invited, language, accepted,
                                                                  refused):
    event_id, _unit_id, _invitation_id = invited
    old = _event(app, event_id)
    _raise_sequence(app, event_id)
    _take(app, _email(_fixture("apple-reply-declined.ics", old), shape="apple", message_id="<old@x>"))
    _take(app, _email(_fixture("google-reply-tentative.ics", _event(app, event_id)), shape="google"))
    login("organiser", language=language)
    page = client.get(f"/events/{event_id}/attendance").get_data(as_text=True)
    assert 'id="mailbox-messages"' in page
    with app.app_context():
        stored = db.session.execute(db.select(MailboxMessage).where(MailboxMessage.outcome == "refused")
                                    ).scalar_one()
        reason = stored.reason[language]
    from markupsafe import escape
    assert str(escape(reason)) in page
    if refused:
        assert refused in page
    assert CIT in page
    assert f"/events/{event_id}/mailbox/{stored.id}/apply" in page


def test_an_organiser_applies_a_refused_reply_by_hand(app, client, login, invited):
    event_id, _unit_id, invitation_id = invited
    old = _event(app, event_id)
    _raise_sequence(app, event_id)
    _take(app, _email(_fixture("apple-reply-declined.ics", old), shape="apple"))
    with app.app_context():
        message_id = db.session.execute(db.select(MailboxMessage.id)).scalar_one()
    organiser = login("organiser")
    url = f"/events/{event_id}/mailbox/{message_id}/apply"
    asked = client.post(url)  # without confirmation: the question, nothing done
    assert asked.status_code == 200
    assert _answer(app, invitation_id) == ("pending", None, 0)
    done = client.post(url, data=CONFIRMED)
    assert done.headers["Location"].startswith(f"/events/{event_id}/attendance")
    assert _answer(app, invitation_id) == ("declined", "calendar", 1)
    with app.app_context():
        message = db.session.get(MailboxMessage, message_id)
        assert (message.outcome, message.handled_by_id) == ("applied", organiser.id)
        assert message.handled_at is not None
    page = client.get(f"/events/{event_id}/attendance").get_data(as_text=True)
    assert "applied by hand by" in page
    again = client.post(url, data=CONFIRMED, follow_redirects=True)
    assert "nothing to apply" in again.get_data(as_text=True)


def test_a_reply_refused_again_by_hand_shows_the_reason_and_changes_nothing(app, client, login, invited):
    event_id, _unit_id, invitation_id = invited
    event = _event(app, event_id)
    _take(app, _email(_fixture("apple-reply-declined.ics", event, email="stranger@example.org"), shape="apple"))
    with app.app_context():
        message = db.session.execute(db.select(MailboxMessage)).scalar_one()
        message_id = message.id
        message.event_id = event_id  # the UID named the event; the address is what is wrong
        db.session.commit()
    login("organiser")
    response = client.post(f"/events/{event_id}/mailbox/{message_id}/apply", data=CONFIRMED, follow_redirects=True)
    assert "Still refused" in response.get_data(as_text=True)
    assert "stranger@example.org" in response.get_data(as_text=True)
    assert _answer(app, invitation_id) == ("pending", None, 0)
    with app.app_context():
        assert db.session.get(MailboxMessage, message_id).outcome == "refused"


def test_only_organisers_apply_by_hand(app, client, login, invited):
    event_id, unit_id, invitation_id = invited
    _take(app, _email(_fixture("apple-reply-declined.ics", {**_event(app, event_id), "sequence": 7}),
                      shape="apple"))
    with app.app_context():
        message_id = db.session.execute(db.select(MailboxMessage.id)).scalar_one()
    login("representative")
    assert client.post(f"/events/{event_id}/mailbox/{message_id}/apply", data=CONFIRMED).status_code == 403
    assert _answer(app, invitation_id) == ("pending", None, 0)


def test_a_message_of_another_event_is_not_found(app, client, login, invited, make_event):
    event_id, _unit_id, _invitation_id = invited
    _take(app, _email(_fixture("apple-reply-declined.ics", {**_event(app, event_id), "sequence": 7}),
                      shape="apple"))
    other = make_event("Another")
    with app.app_context():
        message_id = db.session.execute(db.select(MailboxMessage.id)).scalar_one()
    login("organiser")
    assert client.post(f"/events/{other.id}/mailbox/{message_id}/apply", data=CONFIRMED).status_code == 404


def test_the_replies_page_lists_messages_that_match_no_event(app, client, login, invited):
    event = {**_event(app, invited[0]), "uid": "foreign-uid@elsewhere.example"}
    _take(app, _email(_fixture("outlook-reply-accepted.ics", event), shape="outlook"))
    login("organiser", language="ru")
    page = client.get("/events/replies").get_data(as_text=True)
    assert 'id="unmatched-messages"' in page
    assert "foreign-uid@elsewhere.example" in page


# --- who may speak for a unit (review of issue 14) ---------------------------------------------------------------


def test_a_reply_sent_from_an_address_that_is_not_the_units_is_refused(app, invited):
    event_id, _unit_id, invitation_id = invited
    raw = _email(_fixture("apple-reply-declined.ics", _event(app, event_id)), shape="apple",
                 sender="mallory@evil.example")
    assert _take(app, raw).outcome == InboxOutcome.REFUSED
    [(_method, _outcome, reason)] = _records(app)
    assert "mallory@evil.example" in reason and "apply it by hand" in reason
    assert _answer(app, invitation_id) == ("pending", None, 0)
    with app.app_context():
        message = db.session.execute(db.select(MailboxMessage)).scalar_one()
        assert message.event_id == event_id
        assert message.reason["az"] != message.reason["en"] != message.reason["ru"]


def test_the_units_own_address_in_another_case_may_reply(app, invited):
    event_id, _unit_id, invitation_id = invited
    raw = _email(_fixture("apple-reply-declined.ics", _event(app, event_id)), shape="apple",
                 sender="CIT@Units.Example.ORG")
    assert _take(app, raw).outcome == InboxOutcome.APPLIED
    assert _answer(app, invitation_id) == ("declined", "calendar", 1)


def test_a_reply_from_a_stranger_can_still_be_applied_by_hand(app, client, login, invited):
    event_id, _unit_id, invitation_id = invited
    _take(app, _email(_fixture("apple-reply-declined.ics", _event(app, event_id)), shape="apple",
                      sender="mallory@evil.example"))
    with app.app_context():
        message_id = db.session.execute(db.select(MailboxMessage.id)).scalar_one()
    login("organiser")
    page = client.get(f"/events/{event_id}/attendance").get_data(as_text=True)
    assert "mallory@evil.example" in page and f"/events/{event_id}/mailbox/{message_id}/apply" in page
    client.post(f"/events/{event_id}/mailbox/{message_id}/apply", data=CONFIRMED)
    assert _answer(app, invitation_id) == ("declined", "calendar", 1)


def test_a_refresh_or_counter_from_a_stranger_for_a_unit_does_nothing(app, invited):
    event = _event(app, invited[0])
    refresh = _email(_attendee_message(event, "REFRESH"), shape="apple", method="REFRESH",
                     sender="mallory@evil.example")
    assert _take(app, refresh).outcome == InboxOutcome.REFUSED
    counter = _email(_attendee_message(event, "COUNTER", extra="DTSTART:20300101T100000Z"), shape="google",
                     method="COUNTER", sender="mallory@evil.example", message_id="<counter@x>")
    assert _take(app, counter).outcome == InboxOutcome.REFUSED
    with app.app_context():
        assert db.session.execute(db.select(OutboxMessage)).scalars().all() == []


def test_a_refresh_sends_the_invitation_again_at_most_once_an_hour(app, invited):
    event = _event(app, invited[0])
    first = _email(_attendee_message(event, "REFRESH"), shape="apple", method="REFRESH", message_id="<r1@x>")
    again = _email(_attendee_message(event, "REFRESH"), shape="google", method="REFRESH", message_id="<r2@x>")
    assert _take(app, first).outcome == InboxOutcome.REFRESHED
    assert _take(app, again).outcome == InboxOutcome.REFUSED
    assert "less than an hour ago" in _records(app)[1][2]
    with app.app_context():
        assert len(db.session.execute(db.select(OutboxMessage)).scalars().all()) == 1


# --- exactly once, by Message-ID and content ---------------------------------------------------------------------


def test_another_reply_reusing_a_message_id_is_taken_as_new(app, invited):
    event_id, _unit_id, invitation_id = invited
    event = _event(app, event_id)
    first = _email(_fixture("google-reply-tentative.ics", event), shape="google", message_id="<same@x>")
    second = _email(_fixture("apple-reply-declined.ics", event), shape="apple", message_id="<same@x>")
    assert _take(app, first).outcome == InboxOutcome.APPLIED
    assert _take(app, second).outcome == InboxOutcome.APPLIED
    assert _answer(app, invitation_id) == ("declined", "calendar", 2)
    assert _take(app, second) == InboxResult(InboxOutcome.DUPLICATE, InboxOutcome.APPLIED)
    assert len(_records(app)) == 2


def test_a_reply_that_loses_the_race_to_another_answer_is_taken_again_later(app, invited, monkeypatch):
    from tracker.attendance import services

    event_id, _unit_id, invitation_id = invited
    answer_problems = services.answer_problems
    raced: list[bool] = []

    def answered_meanwhile(*args):
        if not raced:  # another answer gets in between the reply's read and its write (a new version)
            raced.append(True)
            table = Invitation.__table__
            db.session.execute(table.update().where(table.c.id == invitation_id)
                               .values(version=table.c.version + 1))
        return answer_problems(*args)

    monkeypatch.setattr("tracker.attendance.services.answer_problems", answered_meanwhile)
    raw = _email(_fixture("google-reply-tentative.ics", _event(app, event_id)), shape="google")
    assert _take(app, raw) == InboxResult(InboxOutcome.RETRY, None)
    assert _records(app) == []  # nothing remembered: the next pass takes it afresh
    assert _take(app, raw).outcome == InboxOutcome.APPLIED
    assert _answer(app, invitation_id) == ("tentative", "calendar", 1)


# --- what the message names --------------------------------------------------------------------------------------


@pytest.mark.parametrize("uid", ["evil\x00uid", "line\x01break"])
def test_a_uid_with_control_characters_is_refused(app, invited, uid):
    event = {**_event(app, invited[0]), "uid": uid}
    assert _take(app, _email(_fixture("google-reply-tentative.ics", event), shape="google")).outcome == \
        InboxOutcome.REFUSED
    assert "control characters" in _records(app)[0][2]
    refresh = _email(_attendee_message(event, "REFRESH"), shape="apple", method="REFRESH", message_id="<r@x>")
    assert _take(app, refresh).outcome == InboxOutcome.REFUSED


def test_a_floating_proposed_time_is_the_events_wall_clock(app, invited):
    event_id, _unit_id, _invitation_id = invited
    raw = _email(_attendee_message(_event(app, event_id), "COUNTER", extra="DTSTART:20300101T100000"),
                 shape="google", method="COUNTER")
    assert _take(app, raw).outcome == InboxOutcome.PROPOSAL
    with app.app_context():
        message = db.session.execute(db.select(MailboxMessage)).scalar_one()
        zone = db.session.get(Event, event_id).zone
        assert datetime.fromisoformat(message.summary["starts_at"]) == datetime(2030, 1, 1, 10, tzinfo=zone)


def test_a_walk_in_is_matched_alike_by_the_upload_form_and_the_mailbox(app, client, login, invited):
    event_id, _unit_id, invitation_id = invited
    with app.app_context():
        db.session.get(Invitation, invitation_id).walk_in = True
        db.session.commit()
    ics = _fixture("google-reply-tentative.ics", _event(app, event_id))
    assert _take(app, _email(ics, shape="google")).outcome == InboxOutcome.REFUSED
    reason = _records(app)[0][2]
    assert "is not a contact address of any unit invited" in reason
    login("organiser")
    response = client.post("/events/replies", data={"text": ics})
    assert response.status_code == 422
    assert "is not a contact address of any unit invited" in response.get_data(as_text=True)


# --- applying by hand --------------------------------------------------------------------------------------------


def test_applying_by_hand_asks_again_before_replacing_a_newer_answer(app, client, login, invited):
    from tracker.attendance import services

    event_id, _unit_id, invitation_id = invited
    old = _event(app, event_id)
    _raise_sequence(app, event_id)
    _take(app, _email(_fixture("apple-reply-declined.ics", old), shape="apple"),
          received_at=datetime.now(UTC) - timedelta(days=1))
    with app.app_context():
        message_id = db.session.execute(db.select(MailboxMessage.id)).scalar_one()
        services.record_answer(db.session.get(Invitation, invitation_id), services.AnswerDetails("tentative"),
                               by_user=None, via="link", expected_version=None)
        db.session.commit()
    login("organiser")
    url = f"/events/{event_id}/mailbox/{message_id}/apply"
    asked = client.post(url, data=CONFIRMED)  # the button's question answered, but a newer answer is there
    assert asked.status_code == 200
    assert 'id="newer-answers"' in asked.get_data(as_text=True)
    assert 'name="replace_newer" value="1"' in asked.get_data(as_text=True)
    assert _answer(app, invitation_id) == ("tentative", "link", 1)
    done = client.post(url, data={**CONFIRMED, "replace_newer": "1"})
    assert done.headers["Location"].startswith(f"/events/{event_id}/attendance")
    assert _answer(app, invitation_id) == ("declined", "calendar", 2)


def test_a_reply_applied_by_another_organiser_meanwhile_is_not_applied_again(app, invited, make_user):
    from tracker.calendar.inbox import apply_by_hand
    from tracker.calendar.replies import ReplyError
    from tracker.models import User

    event_id, _unit_id, invitation_id = invited
    old = _event(app, event_id)
    _raise_sequence(app, event_id)
    _take(app, _email(_fixture("apple-reply-declined.ics", old), shape="apple"))
    first_id, second_id = make_user().id, make_user().id
    with app.app_context():
        message = db.session.execute(db.select(MailboxMessage)).scalar_one()
        first, second = db.session.get(User, first_id), db.session.get(User, second_id)
        # The first organiser's apply committed after this request read the message as still refused.
        db.session.execute(MailboxMessage.__table__.update().values(outcome="applied", handled_by_id=first.id))
        with pytest.raises(ReplyError):
            apply_by_hand(message, by_user=second)
        db.session.commit()
        db.session.expire_all()
        assert db.session.get(MailboxMessage, message.id).handled_by_id == first.id
    assert _answer(app, invitation_id) == ("pending", None, 0)
