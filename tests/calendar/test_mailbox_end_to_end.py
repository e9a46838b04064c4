"""Issue 14 end to end: real clients' replies are delivered to a real IMAP server (Dovecot), ``flask mail fetch``
reads them with the real inbox, and the organiser sees each answer on the attendance dashboard with nobody
uploading anything. The replies are the real fixtures of ``../shared/fixtures/itip`` (and Outlook's ``.eml``),
with the UID, SEQUENCE and attendee set to an event and unit the test made.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from email import message_from_bytes
from email.message import EmailMessage
from pathlib import Path

import pytest
from markupsafe import escape

from tests.calendar.test_inbox import _attendee_message
from tests.calendar.test_inbox import _email as wrapped
from tests.calendar.test_replies import _fill
from tests.helpers import CONFIRMED
from tests.imap_server import ImapServer, dovecot_available, start_imap_server
from tracker.extensions import db
from tracker.models import AuditEntry, Event, Invitation, MailboxMessage, OutboxMessage, Unit

SHARED = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "itip"
APPLIED, REFUSED = "Tracker.Applied", "Tracker.Refused"  # Dovecot's maildir separates levels with "."
CIT = "cit@units.example.org"
#: Each client's Accept: the shared fixture it is built from (Outlook: the project's whole ``.eml``).
CLIENTS = {
    "outlook": "outlook-reply-accepted.eml",
    "google": "google-reply-accepted-spot.ics",
    "apple": "apple-ical3-reply-accepted.ics",
    "thunderbird": "thunderbird-reply-accepted-pointproduit.ics",
}


@pytest.fixture
def imap_server(tmp_path: Path) -> Iterator[ImapServer]:
    if not dovecot_available():
        if os.environ.get("CI"):
            pytest.fail("Dovecot is needed for the mailbox tests (scripts/server-deps.sh installs it; CI is set)")
        pytest.skip("dovecot-imapd is not installed (scripts/server-deps.sh installs it)")
    if not SHARED.is_dir():
        pytest.skip("the shared real-client fixtures are not here")
    server = start_imap_server(tmp_path)
    yield server
    server.stop()


def _event(app, event_id: int) -> dict:
    with app.app_context():
        event = db.session.get(Event, event_id)
        return {"uid": event.uid, "sequence": event.sequence, "starts_at": event.starts_at, "ends_at": event.ends_at}


def _retarget(ics: bytes, event: dict, email: str) -> bytes:
    """A real client's reply, answering ``event`` from ``email``: its UID, SEQUENCE and attendee replaced, the rest
    (folding, line ends, time zones, vendor properties) as the client wrote it."""
    text = re.sub(rb"\r?\n[ \t]", b"", ics)  # unfold: the UID and the attendee are folded in some of them
    text = re.sub(rb"(?m)^UID:[^\r\n]*", b"UID:" + event["uid"].encode(), text)
    text = re.sub(rb"(?m)^(SEQUENCE|X-MICROSOFT-CDO-APPT-SEQUENCE):[^\r\n]*",
                  lambda m: m.group(1) + b":" + str(event["sequence"]).encode(), text)
    return re.sub(rb"(?im)^(ATTENDEE[^\r\n]*?)mailto:[^\r\n]+", lambda m: m.group(1) + b"mailto:" + email.encode(),
                  text)


def _crlf(raw: bytes) -> bytes:
    return re.sub(rb"\r?\n", b"\r\n", raw)


def client_email(client: str, event: dict, *, email: str = CIT, message_id: str | None = None) -> bytes:
    """An Accept from ``client`` for ``event``, as that client mails it."""
    if client == "outlook":
        raw = _fill(CLIENTS[client], event, email=email)
        if message_id:
            raw = raw.replace(b"<0123456789ABCDEF@EXCH01.units.example.org>", message_id.encode())
        return _crlf(raw)
    ics = _retarget((SHARED / CLIENTS[client]).read_bytes(), event, email).decode("utf-8")
    message_id = message_id or f"<{client}-accept@units.example.org>"
    if client in ("google", "apple"):  # Google: inline + application/ics; Apple: a text/calendar attachment
        return _crlf(wrapped(ics, shape=client, message_id=message_id, sender=email))
    # Thunderbird: the answer in text, the calendar inline (method=REPLY) and the same file attached.
    message = EmailMessage()
    message["From"] = f"Citizenship Department <{email}>"
    message["To"] = "protocol@migration.example.org"
    message["Subject"] = "Accepted: Commemoration ceremony"
    message["Message-ID"] = message_id
    message["User-Agent"] = "Mozilla Thunderbird"
    message.set_content("Citizenship Department has accepted your event invitation.")
    message.add_attachment(ics.encode(), maintype="text", subtype="calendar", params={"method": "REPLY"},
                           disposition="inline")
    message.add_attachment(ics.encode(), maintype="application", subtype="ics", filename="invite.ics")
    return _crlf(bytes(message))


def _fetch(app):
    result = app.test_cli_runner().invoke(args=["mail", "fetch"])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def _answer(app, invitation_id: int) -> tuple[str, str | None, list[tuple]]:
    """Status, channel, and the history entries (what, via whom, how) of an invitation."""
    with app.app_context():
        invitation = db.session.get(Invitation, invitation_id)
        entries = db.session.execute(
            db.select(AuditEntry).where(AuditEntry.invitation_id == invitation_id).order_by(AuditEntry.id)
        ).scalars()
        return invitation.status, invitation.answered_via, [(e.action, e.via, e.old, e.new) for e in entries]


def _subjects(server: ImapServer, folder: str) -> list[str]:
    return [str(message_from_bytes(raw)["Subject"]) for raw, _flags in server.messages(folder)]


def _messages(app) -> list[MailboxMessage]:
    with app.app_context():
        found = db.session.execute(db.select(MailboxMessage).order_by(MailboxMessage.id)).scalars().all()
        db.session.expunge_all()
        return list(found)


@pytest.mark.parametrize("client_name", list(CLIENTS))
def test_an_accept_from_each_client_shows_on_the_dashboard_after_one_fetch(
        app, client, login, imap_server, upcoming, make_event, make_invitation, client_name):
    event_id, unit_id, invitation_id = upcoming()
    # The same Accept uploaded by hand for a twin event of the same unit: what the mailbox must record too.
    with app.app_context():
        twin = make_event("Twin ceremony", starts_at=db.session.get(Event, event_id).starts_at)
        twin_invitation = make_invitation(twin, db.session.get(Unit, unit_id)).id
    organiser = login("organiser")
    uploaded = client_email(client_name, _event(app, twin.id), message_id="<uploaded@units.example.org>")
    assert client.post("/events/replies", data={"upload": (io.BytesIO(uploaded), "reply.eml")},
                       content_type="multipart/form-data").status_code == 302

    imap_server.append(client_email(client_name, _event(app, event_id)))
    app.config["IMAP_URL"] = imap_server.url()
    assert _fetch(app) == "1 applied, 0 refused, 0 proposals, 0 refreshed, 0 ignored"

    status, via, history = _answer(app, invitation_id)
    assert (status, via, len(history)) == ("accepted", "calendar", 1)
    assert _answer(app, twin_invitation) == (status, via, history)  # exactly as the upload form records it
    with app.app_context():
        entry = db.session.execute(db.select(AuditEntry).where(AuditEntry.invitation_id == invitation_id)
                                   ).scalar_one()
        assert entry.user_id is None  # nobody uploaded anything (the form records the organiser)
    assert _subjects(imap_server, APPLIED) == ["Accepted: Commemoration ceremony"]
    assert imap_server.messages("INBOX") == []
    [message] = _messages(app)
    assert (message.method, message.outcome, message.event_id, message.sender) == ("REPLY", "applied", event_id, CIT)

    page = client.get(f"/events/{event_id}/attendance").get_data(as_text=True)
    assert 'id="mailbox-messages"' in page and 'class="mailbox-applied"' in page
    assert CIT in page and "Recorded" in page
    assert organiser.name not in page.split('id="mailbox-messages"', 1)[1].split("</table>", 1)[0]


@pytest.mark.parametrize("language", ["az", "ru"])
def test_a_stale_sequence_is_refused_shown_with_its_reason_and_applied_by_hand(
        app, client, login, imap_server, upcoming, language):
    event_id, _unit_id, invitation_id = upcoming()
    old = _event(app, event_id)
    with app.app_context():
        db.session.get(Event, event_id).sequence += 1  # the event moved after the unit answered
        db.session.commit()
    imap_server.append(client_email("apple", old))
    app.config["IMAP_URL"] = imap_server.url()
    assert _fetch(app).startswith("0 applied, 1 refused")
    assert _subjects(imap_server, REFUSED) == ["Accepted: Commemoration ceremony"]
    assert _answer(app, invitation_id) == ("pending", None, [])

    [message] = _messages(app)
    reason = message.reason[language]
    assert reason and reason != message.reason["en"]
    login("organiser", language=language)
    page = client.get(f"/events/{event_id}/attendance").get_data(as_text=True)
    assert str(escape(reason)) in page and message.reason["en"] not in page
    url = f"/events/{event_id}/mailbox/{message.id}/apply"
    assert url in page
    assert client.post(url, data=CONFIRMED).status_code == 302
    status, via, history = _answer(app, invitation_id)
    assert (status, via, len(history)) == ("accepted", "calendar", 1)


def test_mail_that_is_not_calendar_stays_in_the_inbox_unread(app, imap_server, upcoming):
    upcoming()
    message = EmailMessage()
    message["From"] = CIT
    message["Subject"] = "Question about parking"
    message["Message-ID"] = "<parking@units.example.org>"
    message.set_content("Where do we park?")
    imap_server.append(_crlf(bytes(message)))
    app.config["IMAP_URL"] = imap_server.url()
    assert _fetch(app) == "0 applied, 0 refused, 0 proposals, 0 refreshed, 1 ignored"
    [(_raw, flags)] = imap_server.messages("INBOX")
    assert b"\\Seen" not in flags
    assert _messages(app) == []


def test_the_same_message_delivered_twice_is_recorded_once(app, imap_server, upcoming):
    event_id, _unit_id, invitation_id = upcoming()
    raw = client_email("google", _event(app, event_id))
    imap_server.append(raw)
    imap_server.append(raw)
    app.config["IMAP_URL"] = imap_server.url()
    assert _fetch(app).endswith("1 taken before (moved now)")
    assert _fetch(app) == "0 applied, 0 refused, 0 proposals, 0 refreshed, 0 ignored"
    assert len(_answer(app, invitation_id)[2]) == 1 and len(_messages(app)) == 1
    assert len(_subjects(imap_server, APPLIED)) == 2 and imap_server.messages("INBOX") == []


def test_two_fetch_processes_at_once_record_each_answer_once(app, imap_server, tmp_path, upcoming, make_unit,
                                                             make_invitation):
    event_id, _unit_id, first = upcoming()
    with app.app_context():
        event = db.session.get(Event, event_id)
        db.session.expunge(event)
    invitations = {"cit": first}
    for code in ("ganja", "sumqayit", "lankaran"):
        unit = make_unit(code.upper(), f"{code} office", contact_emails=[f"{code}@units.example.org"])
        invitations[code] = make_invitation(event, unit).id
    for (code, _id), client_name in zip(invitations.items(), CLIENTS, strict=True):
        raw = client_email(client_name, _event(app, event_id), email=f"{code}@units.example.org",
                           message_id=f"<{code}@units.example.org>")
        imap_server.append(raw)
        imap_server.append(raw)  # and each delivered twice
    env = {**os.environ, "FLASK_APP": "tracker", "TRACKER_INSTANCE_PATH": str(tmp_path / "fetch-instance"),
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "TRACKER_SECRET_KEY": "fetch-test-key",
           "TRACKER_IMAP_URL": imap_server.url()}
    flask = Path(sys.executable).parent / "flask"
    fetchers = [subprocess.Popen([str(flask), "mail", "fetch"], env=env, stdout=subprocess.PIPE,  # noqa: S603
                                 stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    outputs = [fetcher.communicate(timeout=120)[0] for fetcher in fetchers]
    assert [fetcher.returncode for fetcher in fetchers] == [0, 0], outputs
    assert "failed" not in "".join(outputs)
    for invitation_id in invitations.values():
        status, via, history = _answer(app, invitation_id)
        assert (status, via, len(history)) == ("accepted", "calendar", 1)
    assert len(_messages(app)) == 4
    assert imap_server.messages("INBOX") == []
    assert len(_subjects(imap_server, APPLIED)) == 8  # both copies of each, and no third


def test_a_counter_is_shown_as_a_proposal_and_changes_nothing(app, client, login, imap_server, upcoming):
    event_id, _unit_id, invitation_id = upcoming()
    event = _event(app, event_id)
    extra = "DTSTART:20991231T090000Z\r\nDTEND:20991231T100000Z\r\nCOMMENT:Could it be a day later?"
    imap_server.append(_crlf(wrapped(_attendee_message(event, "COUNTER", extra=extra), shape="google",
                                     method="COUNTER", message_id="<counter@units.example.org>")))
    app.config["IMAP_URL"] = imap_server.url()
    assert _fetch(app).startswith("0 applied, 0 refused, 1 proposals")
    assert _answer(app, invitation_id) == ("pending", None, [])
    with app.app_context():
        assert db.session.get(Event, event_id).starts_at == event["starts_at"]
    assert len(_subjects(imap_server, APPLIED)) == 1
    login("organiser", language="en")
    page = client.get(f"/events/{event_id}/attendance").get_data(as_text=True)
    assert 'class="mailbox-proposal"' in page and "A proposal: nothing was changed" in page
    assert "Could it be a day later?" in page


def test_a_refresh_queues_one_request_for_that_unit(app, imap_server, upcoming, make_unit, make_invitation):
    event_id, _unit_id, invitation_id = upcoming()
    with app.app_context():
        event = db.session.get(Event, event_id)
        db.session.expunge(event)
    make_invitation(event, make_unit("GANJA", "Ganja office", contact_emails=["ganja@units.example.org"]))
    imap_server.append(_crlf(wrapped(_attendee_message(_event(app, event_id), "REFRESH"), shape="apple",
                                     method="REFRESH", message_id="<refresh@units.example.org>")))
    app.config["IMAP_URL"] = imap_server.url()
    assert _fetch(app).startswith("0 applied, 0 refused, 0 proposals, 1 refreshed")
    with app.app_context():
        [queued] = db.session.execute(db.select(OutboxMessage)).scalars().all()
        assert (queued.kind, queued.invitation_id, queued.recipients) == ("invitation", invitation_id, [CIT])
    assert len(_subjects(imap_server, APPLIED)) == 1
