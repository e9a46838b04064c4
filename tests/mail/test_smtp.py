"""Delivery over SMTP to a real server on 127.0.0.1 (aiosmtpd): refusals, outages, TLS, login, workers."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.mail.conftest import accept_login, free_port
from tracker.mail import delivery
from tracker.models.types import utcnow


def _deliver(app, **kwargs):
    with app.app_context():
        return delivery.deliver_due(**kwargs)


def test_message_is_delivered_over_smtp_and_parses(app, smtp_server, queue, outbox_rows):
    server = smtp_server()
    app.config["SMTP_URL"] = server.url
    queue(1)
    report = _deliver(app)
    assert report.sent == 1
    [received] = server.mailbox.received
    [row] = outbox_rows()
    assert row.status == "sent"
    assert received["Message-ID"] == row.message_id
    assert received["Subject"] == "Message 0"
    assert received.get_body(("plain",)).get_content().rstrip() == "Body 0"
    assert received.get_body(("html",)).get_content().rstrip() == "<p>Body 0</p>"
    assert server.mailbox.envelopes == [("tracker@migration.example.org", ["unit0@units.example.org"])]
    assert b"\n" not in server.mailbox.raw[0].replace(b"\r\n", b"")  # SMTP wants CRLF line ends


def test_envelope_sender_is_the_address_of_mail_from(app, smtp_server, queue):
    server = smtp_server()
    app.config.update(SMTP_URL=server.url, MAIL_FROM="Protocol Office <protocol@migration.example.org>")
    queue(1)
    _deliver(app)
    assert server.mailbox.envelopes[0][0] == "protocol@migration.example.org"


def test_one_session_carries_several_messages(app, smtp_server, queue):
    server = smtp_server()
    app.config["SMTP_URL"] = server.url
    queue(5)
    assert _deliver(app).sent == 5
    assert len(set(server.mailbox.message_ids())) == 5


def test_a_refusing_server_that_recovers_loses_and_duplicates_nothing(app, smtp_server, queue, outbox_rows):
    server = smtp_server()
    app.config["SMTP_URL"] = server.url
    ids = queue(3)
    server.mailbox.reply = "451 4.3.0 Mail system busy, try later"
    report = _deliver(app)
    assert report.sent == 0 and report.retrying == 3
    rows = outbox_rows()
    assert {row.status for row in rows} == {"pending"}
    assert all("451" in row.last_error for row in rows)
    server.mailbox.reply = "250 OK"
    later = max(row.next_attempt_at for row in rows)
    assert _deliver(app, now=later).sent == 3
    assert sorted(server.mailbox.message_ids()) == sorted(row.message_id for row in outbox_rows())
    assert len(server.mailbox.received) == len(ids)
    assert _deliver(app, now=later + (later - utcnow())).sent == 0


def test_a_stopped_server_that_comes_back_loses_and_duplicates_nothing(app, smtp_server, queue, outbox_rows):
    server = smtp_server()
    app.config["SMTP_URL"] = server.url
    queue(3)
    server.stop()
    report = _deliver(app)
    # The first message found the server down; the run stops instead of trying each message in turn.
    assert (report.sent, report.retrying, report.stopped_early) == (0, 1, True)
    rows = outbox_rows()
    assert "cannot reach 127.0.0.1" in rows[0].last_error
    assert [row.status for row in rows] == ["pending", "pending", "pending"]
    server.start()
    assert _deliver(app, now=rows[0].next_attempt_at).sent == 3
    assert len(server.mailbox.received) == 3 == len(set(server.mailbox.message_ids()))


def test_a_permanent_refusal_of_the_data_fails_the_message_at_once(app, smtp_server, queue, outbox_rows):
    server = smtp_server()
    app.config["SMTP_URL"] = server.url
    server.mailbox.reply = "554 5.6.0 Message rejected"
    queue(1)
    report = _deliver(app)
    [row] = outbox_rows()
    assert report.failed == 1 and row.status == "failed" and "554" in row.last_error


def test_the_server_login_is_used(app, smtp_server, queue):
    server = smtp_server(authenticator=accept_login("tracker", "s3cret pass"), auth_require_tls=False)
    app.config["SMTP_URL"] = f"smtp://tracker:s3cret%20pass@127.0.0.1:{server.port}"
    queue(1)
    assert _deliver(app).sent == 1
    assert len(server.mailbox.received) == 1


def test_a_wrong_login_is_recorded_and_retried(app, smtp_server, queue, outbox_rows):
    server = smtp_server(authenticator=accept_login("tracker", "right"), auth_require_tls=False)
    app.config["SMTP_URL"] = f"smtp://tracker:wrong@127.0.0.1:{server.port}"
    queue(1)
    report = _deliver(app)
    [row] = outbox_rows()
    assert report.retrying == 1 and row.status == "pending" and "login refused: 535" in row.last_error
    assert server.mailbox.received == []


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for 127.0.0.1 (made with the openssl command)."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    return cert, key


def test_starttls_is_used_when_the_server_offers_it(app, smtp_server, queue, certificate):
    import ssl

    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = smtp_server(tls_context=context, require_starttls=True)
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{server.port}?cafile={cert}"
    queue(1)
    assert _deliver(app).sent == 1  # the server refuses MAIL before STARTTLS, so TLS was used
    assert len(server.mailbox.received) == 1


def test_starttls_required_but_not_offered_is_an_error(app, smtp_server, queue, outbox_rows):
    server = smtp_server()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{server.port}?starttls=1"
    queue(1)
    _deliver(app)
    assert "does not offer STARTTLS" in outbox_rows()[0].last_error
    assert server.mailbox.received == []


def test_two_workers_at_once_send_every_message_exactly_once(app, smtp_server, queue, outbox_rows):
    server = smtp_server()
    app.config["SMTP_URL"] = server.url
    queue(30)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with app.app_context():
                barrier.wait()
                delivery.deliver_due()
        except BaseException as error:  # reported below: a thread's exception is otherwise lost
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    ids = server.mailbox.message_ids()
    assert len(ids) == 30 and len(set(ids)) == 30
    assert {row.status for row in outbox_rows()} == {"sent"}


def _wait_for(condition, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_worker_delivers_in_the_background_and_stops_cleanly_on_a_signal(app, queue, tmp_path, stop_signal):
    outbox_dir = Path(app.config["OUTBOX_DIR"])
    env = {
        **os.environ,
        "FLASK_APP": "tracker",
        "TRACKER_INSTANCE_PATH": str(tmp_path / "worker-instance"),
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "TRACKER_OUTBOX_DIR": str(outbox_dir),
        "TRACKER_SECRET_KEY": "worker-test-key",
        "TRACKER_SMTP_URL": "",
    }
    flask = Path(sys.executable).parent / "flask"
    worker = subprocess.Popen([str(flask), "mail", "worker", "--interval", "0.2"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        queue(2)
        assert _wait_for(lambda: len(list(outbox_dir.glob("*.eml"))) == 2), "the worker delivered nothing"
        worker.send_signal(stop_signal)
        output, _ = worker.communicate(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()
    assert worker.returncode == 0, output
    assert "mail worker: stopped" in output


def test_free_port_helper_gives_a_closed_port():
    import socket

    port = free_port()
    with socket.socket() as probe, pytest.raises(ConnectionRefusedError):
        probe.connect(("127.0.0.1", port))


def test_an_invitation_arrives_over_smtp_with_text_html_and_the_calendar_invitation(app, smtp_server, make_event,
                                                                                  make_unit):
    from tracker.attendance import services
    from tracker.extensions import db
    from tracker.models import Event

    server = smtp_server()
    app.config["SMTP_URL"] = server.url
    event = make_event("Commemoration ceremony")
    make_unit("GANJA", "Ganja Regional Office", contact_emails=["ganja@units.example.org"])
    with app.app_context():
        services.invite_units(db.session.get(Event, event.id), services.active_units(), by_user=None)
        db.session.commit()
    assert _deliver(app).sent == 1
    [received] = server.mailbox.received
    assert server.mailbox.envelopes[0][1] == ["ganja@units.example.org"]
    assert received.get_content_type() == "multipart/mixed"
    types = [part.get_content_type() for part in received.walk()]
    assert types == ["multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/calendar",
                     "application/ics"]
    assert "Dear colleagues of Ganja Regional Office" in received.get_body(("plain",)).get_content()
    calendar = next(part for part in received.walk() if part.get_content_type() == "text/calendar")
    assert calendar.get_param("method") == "REQUEST"
    assert b"METHOD:REQUEST" in calendar.get_payload(decode=True)


def test_a_refusal_with_control_characters_is_recorded_without_them(app, smtp_server, queue, outbox_rows):
    # The server's words are stored with a core UPDATE, past the flush that cleans text; PostgreSQL refuses NUL.
    server = smtp_server()
    app.config["SMTP_URL"] = server.url
    server.mailbox.reply = "554 5.6.0 Rejected\x00 by\x07 policy\x1b"
    queue(1)
    assert _deliver(app).failed == 1
    [row] = outbox_rows()
    assert "554 5.6.0 Rejected by policy" in row.last_error
