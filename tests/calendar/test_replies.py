"""Calendar replies (METHOD:REPLY) update the right invitation; bad replies change nothing and say why."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import vobject
from dateutil import tz

from tests.calendar.conftest import SETTINGS, load_event, load_invitation
from tracker.calendar.ics import build_invitation_ics
from tracker.calendar.replies import ReplyError, extract_calendar_text, parse_reply
from tracker.extensions import db
from tracker.models import AuditEntry, Event, Invitation

FIXTURES = Path(__file__).parent / "fixtures"
BAKU = ZoneInfo("Asia/Baku")


def _fill(name: str, event: dict, *, email: str = "cit@units.example.org", sequence: int | None = None) -> bytes:
    """A fixture with the event's UID, SEQUENCE, times and the attendee's address filled in."""
    text = (FIXTURES / name).read_bytes().decode("utf-8")
    start, end = event["starts_at"], event["ends_at"]
    values = {
        "{{UID}}": event["uid"],
        "{{SEQ}}": str(event["sequence"] if sequence is None else sequence),
        "{{EMAIL}}": email,
        "{{START}}": start.astimezone(BAKU).strftime("%Y%m%dT%H%M%S"),
        "{{END}}": end.astimezone(BAKU).strftime("%Y%m%dT%H%M%S"),
        "{{START_UTC}}": start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"),
        "{{END_UTC}}": end.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"),
    }
    for key, value in values.items():
        text = text.replace(key, value)
    return text.encode("utf-8")


def _event(app, event_id: int) -> dict:
    with app.app_context():
        event = db.session.get(Event, event_id)
        return {"uid": event.uid, "sequence": event.sequence, "starts_at": event.starts_at, "ends_at": event.ends_at}


def _answer(app, invitation_id: int) -> tuple[str, str | None, int]:
    """Status, channel and number of history entries of an invitation."""
    with app.app_context():
        invitation = db.session.get(Invitation, invitation_id)
        entries = db.session.execute(
            db.select(db.func.count()).select_from(AuditEntry).where(AuditEntry.invitation_id == invitation_id)
        ).scalar_one()
        return invitation.status, invitation.answered_via, entries


def _raise_sequence(app, event_id: int) -> None:
    with app.app_context():
        db.session.get(Event, event_id).sequence += 1
        db.session.commit()


@pytest.fixture
def invited(upcoming):
    """(event id, unit id, invitation id) of CIT invited to a ceremony a month ahead."""
    return upcoming()


@pytest.fixture
def organiser(login):
    """An organiser, signed in."""
    return login("organiser")


def _post_text(client, data: bytes):
    return client.post("/events/replies", data={"text": data.decode("utf-8")})


def _post_file(client, data: bytes, filename: str = "reply.ics"):
    return client.post("/events/replies", data={"upload": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


# --- replies from real clients' shapes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "email", "expected"),
    [
        ("outlook-reply-accepted.ics", "CIT@Units.Example.org", "accepted"),
        ("outlook-reply-declined-no-sequence.ics", "cit@units.example.org", "declined"),
        ("google-reply-tentative.ics", "cit@units.example.org", "tentative"),
        ("apple-reply-declined.ics", "cit@units.example.org", "declined"),
        ("thunderbird-reply-accepted.ics", "cit@units.example.org", "accepted"),
    ],
)
def test_client_replies_update_the_invitation(app, client, organiser, invited, fixture, email, expected):
    event_id, _unit_id, invitation_id = invited
    _raise_sequence(app, event_id)  # answers to an update: SEQUENCE 1
    response = _post_file(client, _fill(fixture, _event(app, event_id), email=email))
    assert response.headers["Location"] == "/events/replies"
    assert _answer(app, invitation_id) == (expected, "calendar", 1)


def test_outlook_email_with_the_reply_inside_updates_the_invitation(app, client, organiser, invited):
    event_id, _unit_id, invitation_id = invited
    response = _post_file(client, _fill("outlook-reply-accepted.eml", _event(app, event_id)), "Accepted.eml")
    assert response.headers["Location"] == "/events/replies"
    assert _answer(app, invitation_id) == ("accepted", "calendar", 1)


def test_pasted_reply_updates_the_invitation(app, client, organiser, invited):
    event_id, _unit_id, invitation_id = invited
    response = _post_text(client, _fill("google-reply-tentative.ics", _event(app, event_id)))
    assert response.headers["Location"] == "/events/replies"
    assert _answer(app, invitation_id) == ("tentative", "calendar", 1)


def test_history_records_the_calendar_and_the_organiser(app, client, organiser, invited):
    event_id, _unit_id, invitation_id = invited
    _post_text(client, _fill("outlook-reply-accepted.ics", _event(app, event_id)))
    with app.app_context():
        entry = db.session.execute(db.select(AuditEntry).where(AuditEntry.invitation_id == invitation_id)).scalar_one()
        assert (entry.action, entry.via, entry.user_id) == ("answer", "calendar", organiser.id)
        assert entry.new["status"] == "accepted"
        assert entry.new["note"] == "We will come."


def test_page_confirms_what_was_recorded(app, client, organiser, invited):
    event_id, _unit_id, _invitation_id = invited
    response = _post_text(client, _fill("google-reply-tentative.ics", _event(app, event_id)))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Recorded from calendar: Citizenship Department — maybe" in page


def test_reply_built_by_vobject_from_our_invitation_updates_it(app, client, organiser, invited):
    """A calendar we did not write reads our REQUEST and answers it, as Accept in a mail client does."""
    event_id, _unit_id, invitation_id = invited
    with app.app_context():
        request_ics = build_invitation_ics(load_event(event_id), load_invitation(invitation_id), settings=SETTINGS)
    calendar = vobject.readOne(request_ics.decode("utf-8"))
    calendar.method.value = "REPLY"
    calendar.vevent.attendee.params["PARTSTAT"] = ["DECLINED"]
    calendar.vevent.dtstamp.value = datetime.now(tz.UTC)
    for name in ("valarm",):
        for child in list(calendar.vevent.contents.get(name, [])):
            calendar.vevent.remove(child)
    reply = calendar.serialize().encode("utf-8")
    assert b"METHOD:REPLY" in reply
    _post_file(client, reply)
    assert _answer(app, invitation_id) == ("declined", "calendar", 1)


def test_reply_written_from_scratch_by_vobject_updates_the_invitation(app, client, organiser, invited):
    event_id, _unit_id, invitation_id = invited
    event = _event(app, event_id)
    calendar = vobject.iCalendar()
    calendar.add("method").value = "REPLY"
    vevent = calendar.add("vevent")
    vevent.add("uid").value = event["uid"]
    vevent.add("dtstamp").value = datetime.now(tz.UTC)
    vevent.add("dtstart").value = event["starts_at"].astimezone(tz.UTC)
    vevent.add("sequence").value = str(event["sequence"])
    attendee = vevent.add("attendee")
    attendee.value = "mailto:cit@units.example.org"
    attendee.params["PARTSTAT"] = ["TENTATIVE"]
    _post_file(client, calendar.serialize().encode("utf-8"))
    assert _answer(app, invitation_id) == ("tentative", "calendar", 1)


def test_reply_from_a_shared_address_answers_every_unit_that_has_it(app, client, organiser, upcoming, make_unit,
                                                                     make_invitation):
    event_id, _unit_id, first = upcoming()
    with app.app_context():
        event = db.session.get(Event, event_id)
        db.session.expunge(event)
    other = make_unit(contact_emails=["CIT@units.example.org"])
    second = make_invitation(event, other).id
    _post_text(client, _fill("google-reply-tentative.ics", _event(app, event_id)))
    assert _answer(app, first)[0] == _answer(app, second)[0] == "tentative"


def test_same_answer_again_is_not_recorded_twice(app, client, organiser, invited):
    event_id, _unit_id, invitation_id = invited
    reply = _fill("google-reply-tentative.ics", _event(app, event_id))
    _post_text(client, reply)
    response = _post_text(client, reply)
    assert response.headers["Location"] == "/events/replies"
    assert _answer(app, invitation_id) == ("tentative", "calendar", 1)


# --- bad replies change nothing ------------------------------------------------------------------------------


def _assert_refused(app, response, invitation_id: int, reason: str) -> None:
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Nothing was changed." in html
    assert reason in html
    assert _answer(app, invitation_id) == ("pending", None, 0)


def test_unknown_uid_changes_nothing(app, client, organiser, invited):
    event_id, _unit_id, invitation_id = invited
    event = {**_event(app, event_id), "uid": "someone-elses-event@example.org"}
    response = _post_text(client, _fill("google-reply-tentative.ics", event))
    _assert_refused(app, response, invitation_id, "No event has the UID someone-elses-event@example.org")


def test_attendee_who_is_not_a_contact_changes_nothing(app, client, organiser, invited):
    event_id, _unit_id, invitation_id = invited
    response = _post_text(client, _fill("google-reply-tentative.ics", _event(app, event_id),
                                        email="stranger@example.org"))
    _assert_refused(app, response, invitation_id, "stranger@example.org is not a contact address of any unit")


def test_contact_of_a_unit_not_invited_changes_nothing(app, client, organiser, invited, make_unit):
    event_id, _unit_id, invitation_id = invited
    make_unit(contact_emails=["outsider@units.example.org"])
    response = _post_text(client, _fill("google-reply-tentative.ics", _event(app, event_id),
                                        email="outsider@units.example.org"))
    _assert_refused(app, response, invitation_id, "is not a contact address of any unit invited")


def test_reply_to_an_older_sequence_changes_nothing(app, client, organiser, invited):
    event_id, _unit_id, invitation_id = invited
    old = _fill("outlook-reply-accepted.ics", _event(app, event_id))  # answered version 0
    _raise_sequence(app, event_id)  # then the event moved: version 1 was sent
    response = _post_text(client, old)
    _assert_refused(app, response, invitation_id, "answers an older version of the event (SEQUENCE 0")


def test_a_reply_that_loses_the_race_to_an_answer_given_meanwhile_changes_nothing(app, client, organiser, invited,
                                                                                  monkeypatch):
    from tracker.attendance import services

    event_id, _unit_id, invitation_id = invited
    answer_problems = services.answer_problems
    raced: list[bool] = []

    def answered_meanwhile(*args):
        if not raced:  # the unit answers by link, in its own transaction, while the reply is being recorded
            raced.append(True)
            with app.app_context():
                theirs = db.session.get(Invitation, invitation_id)
                services.record_answer(theirs, services.AnswerDetails("declined", 0), by_user=None, via="link",
                                       expected_version=None)
                db.session.commit()
        return answer_problems(*args)

    monkeypatch.setattr("tracker.attendance.services.answer_problems", answered_meanwhile)
    response = _post_text(client, _fill("google-reply-tentative.ics", _event(app, event_id)))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Nothing was changed." in html and "This answer was changed by someone else in the meantime." in html
    assert _answer(app, invitation_id) == ("declined", "link", 1)


def test_reply_with_a_sequence_never_sent_changes_nothing(app, client, organiser, invited):
    event_id, _unit_id, invitation_id = invited
    response = _post_text(client, _fill("google-reply-tentative.ics", _event(app, event_id), sequence=7))
    _assert_refused(app, response, invitation_id, "names SEQUENCE 7, but the last one sent is 0")


def test_a_request_instead_of_a_reply_changes_nothing(app, client, organiser, invited):
    event_id, _unit_id, invitation_id = invited
    with app.app_context():
        request_ics = build_invitation_ics(load_event(event_id), load_invitation(invitation_id), settings=SETTINGS)
    response = _post_file(client, request_ics)
    _assert_refused(app, response, invitation_id, "METHOD is REQUEST, expected REPLY")


def test_a_reply_without_method_changes_nothing(app, client, organiser, invited):
    event_id, _unit_id, invitation_id = invited
    reply = _fill("google-reply-tentative.ics", _event(app, event_id)).replace(b"METHOD:REPLY\r\n", b"")
    response = _post_text(client, reply)
    _assert_refused(app, response, invitation_id, "METHOD is —, expected REPLY")


@pytest.mark.parametrize(
    "broken",
    [
        b"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VCALENDAR\r\n",
        b"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:x\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:cit@u",
        b"BEGIN:VCALENDAR\r\n\x00\xff\xfe ;;: garbage\r\nEND:VCALENDAR\r\n",
    ],
    ids=["unbalanced", "truncated", "garbage"],
)
def test_a_broken_file_changes_nothing(app, client, organiser, invited, broken):
    _event_id, _unit_id, invitation_id = invited
    response = _post_file(client, broken)
    _assert_refused(app, response, invitation_id, "broken")


def test_a_file_that_is_not_a_calendar_changes_nothing(app, client, organiser, invited):
    _event_id, _unit_id, invitation_id = invited
    response = _post_file(client, "Привет, это не календарь".encode(), "notes.txt")
    _assert_refused(app, response, invitation_id, "not an iCalendar file")


def test_an_email_without_a_calendar_part_changes_nothing(app, client, organiser, invited):
    _event_id, _unit_id, invitation_id = invited
    message = (b"From: a@units.example.org\r\nSubject: Hello\r\nMIME-Version: 1.0\r\n"
               b"Content-Type: multipart/mixed; boundary=b\r\n\r\n"
               b"--b\r\nContent-Type: text/plain\r\n\r\nHi\r\n--b--\r\n")
    response = _post_file(client, message, "hello.eml")
    _assert_refused(app, response, invitation_id, "no calendar part")


def test_a_reply_without_an_answer_changes_nothing(app, client, organiser, invited):
    event_id, _unit_id, invitation_id = invited
    reply = _fill("google-reply-tentative.ics", _event(app, event_id)).replace(b"TENTATIVE", b"NEEDS-ACTION")
    response = _post_text(client, reply)
    _assert_refused(app, response, invitation_id, "NEEDS-ACTION is not accepted, tentative or declined")


def test_a_reply_after_the_answer_deadline_changes_nothing(app, client, organiser, upcoming):
    event_id, _unit_id, invitation_id = upcoming(answer_deadline=datetime.now(UTC) - timedelta(days=1))
    response = _post_text(client, _fill("google-reply-tentative.ics", _event(app, event_id)))
    _assert_refused(app, response, invitation_id, "Answers for this event are closed.")


def test_a_reply_to_a_cancelled_event_changes_nothing(app, client, organiser, upcoming):
    event_id, _unit_id, invitation_id = upcoming(status="cancelled")
    response = _post_text(client, _fill("google-reply-tentative.ics", _event(app, event_id)))
    _assert_refused(app, response, invitation_id, "The event is cancelled")


# --- the page itself -----------------------------------------------------------------------------------------


def test_organiser_sees_the_reply_form(client, organiser):
    response = client.get("/events/replies")
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.get_data(as_text=True)


def test_empty_form_is_refused_with_a_field_error(client, organiser):
    from tests.helpers import field_error

    response = client.post("/events/replies", data={"text": ""})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "text") == "Upload a reply file or paste its text."


def test_reply_without_csrf_is_refused(app, client, organiser, invited):
    event_id, _unit_id, invitation_id = invited
    response = client.post("/events/replies", data={"text": _fill("google-reply-tentative.ics",
                                                                   _event(app, event_id)).decode()}, csrf=False)
    assert response.status_code in (400, 422)
    assert _answer(app, invitation_id) == ("pending", None, 0)


@pytest.mark.parametrize("role", ["representative", "press"])
def test_only_organisers_may_record_replies(client, login, role):
    login(role)
    assert client.get("/events/replies").status_code == 403


# --- the parser on its own -----------------------------------------------------------------------------------


def test_mailto_prefix_and_case_are_ignored():
    reply = parse_reply(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:u1\r\n"
        b"DTSTAMP:20120220T101500Z\r\nATTENDEE;PARTSTAT=ACCEPTED:MAILTO:Unit%40Example.ORG\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert (reply.uid, reply.sequence, reply.answers[0].email) == ("u1", 0, "unit@example.org")


def test_calendar_part_is_taken_from_a_base64_email():
    import email.message

    message = email.message.EmailMessage()
    message["Subject"] = "Accepted"
    message.set_content("Accepted")
    message.add_alternative(b"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nEND:VCALENDAR\r\n", maintype="text",
                            subtype="calendar", params={"method": "REPLY"}, cte="base64")
    assert extract_calendar_text(message.as_bytes()) == b"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nEND:VCALENDAR\r\n"


def test_oversized_input_is_refused():
    with pytest.raises(ReplyError):
        extract_calendar_text(b"BEGIN:VCALENDAR\r\n" + b"X" * (3 * 1024 * 1024))


@pytest.mark.parametrize("uid", ["evil\x00uid", "tab\tinside"])
def test_a_uid_with_control_characters_changes_nothing(app, client, organiser, invited, uid):
    event_id, _unit_id, invitation_id = invited
    reply = _fill("google-reply-tentative.ics", {**_event(app, event_id), "uid": uid})
    response = _post_file(client, reply)
    _assert_refused(app, response, invitation_id, "control characters")


def test_the_reader_refuses_a_uid_with_control_characters():
    reply = (b"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:a\x00b\r\n"
             b"ATTENDEE;PARTSTAT=ACCEPTED:mailto:c@u\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    with pytest.raises(ReplyError, match="control characters"):
        parse_reply(reply)
