"""The outbox without an SMTP server: .eml files, claims, leases, give-up, and the commands."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from tracker.extensions import db
from tracker.mail import delivery
from tracker.mail.compose import compose_email
from tracker.mail.delivery import DeliveryError, Envelope, parse_smtp_url
from tracker.mail.outbox import queue_email
from tracker.models import OutboxMessage
from tracker.models.types import utcnow


def _deliver(app, **kwargs):
    with app.app_context():
        return delivery.deliver_due(**kwargs)


def test_without_smtp_each_message_becomes_an_eml_file(app, queue, outbox_rows):
    [message_id] = queue(1)
    report = _deliver(app)
    assert (report.sent, report.failed) == (1, 0)
    [row] = outbox_rows()
    assert row.status == "sent" and row.sent_at is not None and row.attempts == 1
    files = list(Path(app.config["OUTBOX_DIR"]).glob("*.eml"))
    assert [f.name.split("-", 1)[0] for f in files] == [str(message_id)]
    parsed = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert parsed["Message-ID"] == row.message_id
    assert parsed["Subject"] == "Message 0"
    assert parsed.get_body(("plain",)).get_content() == "Body 0\n"


def test_outbox_folder_defaults_to_the_instance_folder(app, queue):
    app.config["OUTBOX_DIR"] = ""
    queue(1)
    _deliver(app)
    assert len(list((Path(app.instance_path) / "outbox").glob("*.eml"))) == 1


def test_send_command_delivers_due_messages_once_and_exits(app, runner, queue, outbox_rows):
    queue(3)
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "3 sent, 0 to retry, 0 failed" in result.output
    assert {row.status for row in outbox_rows()} == {"sent"}
    again = runner.invoke(args=["mail", "send"])
    assert "0 sent" in again.output
    assert len(list(Path(app.config["OUTBOX_DIR"]).glob("*.eml"))) == 3


def test_a_message_queued_in_a_rolled_back_transaction_never_leaves(app, outbox_rows):
    with app.app_context():
        message = compose_email(sender="a@example.org", to=["b@example.org"], subject="x", text="y")
        queue_email(message, kind="invitation")
        db.session.rollback()
    assert outbox_rows() == []
    assert _deliver(app).sent == 0


def test_recipients_with_commas_in_their_names_are_parsed_whole(app):
    with app.app_context():
        message = compose_email(sender="a@example.org", to=['"Office, Ganja" <ganja@example.org>', "b@example.org"],
                                subject="x", text="y")
        assert queue_email(message, kind="invitation").recipients == ["ganja@example.org", "b@example.org"]


def test_bcc_goes_in_the_envelope_but_not_in_the_headers(app):
    with app.app_context():
        message = compose_email(sender="a@example.org", to=["b@example.org"], subject="x", text="y")
        message["Bcc"] = "archive@example.org"
        row = queue_email(message, kind="invitation")
        assert row.recipients == ["b@example.org", "archive@example.org"]
        assert b"archive@example.org" not in row.raw


def test_a_claimed_message_is_not_claimed_again_while_the_lease_holds(app, queue):
    queue(1)
    with app.app_context():
        first = delivery.claim_next(utcnow())
        second = delivery.claim_next(utcnow())
    assert first is not None and second is None


def test_a_message_left_by_a_killed_worker_is_sent_after_the_lease_with_the_same_message_id(app, queue, outbox_rows):
    queue(1)
    with app.app_context():
        envelope, _lease = delivery.claim_next(utcnow())  # the worker dies here, before sending
    assert outbox_rows()[0].status == "sending"
    assert _deliver(app).sent == 0  # the lease still holds
    later = utcnow() + timedelta(seconds=app.config["MAIL_LEASE_SECONDS"] + 1)
    assert _deliver(app, now=later).sent == 1
    [row] = outbox_rows()
    assert row.status == "sent" and row.attempts == 2 and row.message_id == envelope.message_id


def test_a_message_that_kills_every_worker_is_given_up(app, queue, outbox_rows):
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    queue(1)
    moment = utcnow()
    lease = timedelta(seconds=app.config["MAIL_LEASE_SECONDS"] + 1)
    with app.app_context():
        assert delivery.claim_next(moment) is not None
        assert delivery.claim_next(moment + lease) is not None
    report = _deliver(app, now=moment + 2 * lease)
    [row] = outbox_rows()
    assert row.status == "failed" and "interrupted" in row.last_error and report.failed == 1


class _Flaky:
    """A transport failing the first ``failures`` sends (a temporary error), then delivering."""

    def __init__(self, failures: int, permanent: bool = False) -> None:
        self.failures = failures
        self.permanent = permanent
        self.sent: list[str] = []

    def send(self, envelope: Envelope) -> str:
        if self.failures:
            self.failures -= 1
            raise DeliveryError("451 try again later", permanent=self.permanent)
        self.sent.append(envelope.message_id)
        return ""

    def close(self) -> None:
        pass


def test_failed_attempts_are_retried_with_doubling_waits_and_the_last_error_kept(app, queue, outbox_rows):
    queue(1)
    transport = _Flaky(failures=3)
    start = utcnow()
    waits = []
    moment = start
    for _ in range(3):
        _deliver(app, now=moment, transport=transport)
        [row] = outbox_rows()
        assert row.status == "pending" and row.last_error == "451 try again later"
        waits.append(row.next_attempt_at - moment)
        assert _deliver(app, now=moment, transport=transport).sent == 0  # not due yet
        moment = row.next_attempt_at
    assert waits == [timedelta(seconds=60), timedelta(seconds=120), timedelta(seconds=240)]
    assert _deliver(app, now=moment, transport=transport).sent == 1
    assert len(transport.sent) == 1 and outbox_rows()[0].attempts == 4


def test_after_the_last_attempt_the_message_is_failed_with_its_error(app, runner, queue, outbox_rows):
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    queue(1)
    transport = _Flaky(failures=5)
    _deliver(app, transport=transport)
    _deliver(app, now=outbox_rows()[0].next_attempt_at, transport=transport)
    [row] = outbox_rows()
    assert row.status == "failed"
    assert row.last_error == "gave up after 2 attempts: 451 try again later"
    status = runner.invoke(args=["mail", "status"])
    assert "failed" in status.output and "gave up after 2 attempts" in status.output


def test_a_permanent_refusal_fails_at_once(app, queue, outbox_rows):
    queue(1)
    report = _deliver(app, transport=_Flaky(failures=1, permanent=True))
    assert report.failed == 1 and outbox_rows()[0].status == "failed" and outbox_rows()[0].attempts == 1


def test_retry_command_queues_failed_messages_again(app, runner, queue, outbox_rows):
    queue(1)
    _deliver(app, transport=_Flaky(failures=1, permanent=True))
    result = runner.invoke(args=["mail", "retry", "--failed"])
    assert result.exit_code == 0 and "1 message(s) queued again" in result.output
    [row] = outbox_rows()
    assert (row.status, row.attempts) == ("pending", 0)
    assert _deliver(app).sent == 1


def test_retry_command_needs_ids_or_failed(runner):
    result = runner.invoke(args=["mail", "retry"])
    assert result.exit_code == 2 and "--failed" in result.output


def test_status_command_says_when_nothing_waits(runner):
    result = runner.invoke(args=["mail", "status"])
    assert result.exit_code == 0 and "Nothing waiting or failed." in result.output


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.org", ("mail.example.org", 25, False, "auto", "", "")),
        ("smtp://user%40x:p%3Ass@mail.example.org:2525", ("mail.example.org", 2525, False, "auto", "user@x", "p:ss")),
        ("smtp://mail.example.org?starttls=1", ("mail.example.org", 587, False, "required", "", "")),
        ("smtp://mail.example.org:25?starttls=0", ("mail.example.org", 25, False, "off", "", "")),
        ("smtps://u:p@mail.example.org", ("mail.example.org", 465, True, "off", "u", "p")),
    ],
)
def test_smtp_url_is_read(url, expected):
    s = parse_smtp_url(url)
    assert (s.host, s.port, s.implicit_tls, s.starttls, s.username, s.password) == expected


@pytest.mark.parametrize("url", ["http://mail.example.org", "smtp://", "mail.example.org:25"])
def test_a_wrong_smtp_url_is_refused(url):
    with pytest.raises(ValueError, match="SMTP_URL"):
        parse_smtp_url(url)


def test_password_does_not_show_in_the_settings_repr():
    assert "secret" not in repr(parse_smtp_url("smtp://u:secret@mail.example.org"))


def test_outbox_message_status_is_pending_when_queued(app, queue, outbox_rows):
    queue(1)
    [row] = outbox_rows()
    assert (row.status, row.attempts, row.last_error) == ("pending", 0, "")
    with app.app_context():
        assert db.session.get(OutboxMessage, row.id).raw.startswith(b"From: ")
