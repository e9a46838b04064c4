"""Delivering the outbox: over SMTP, or into ``.eml`` files when no SMTP server is configured.

A message moves ``pending`` → ``sending`` → ``sent``; a failed attempt puts it back to ``pending`` with a
later ``next_attempt_at`` (exponential back-off) and the error in ``last_error``; after
``MAIL_MAX_ATTEMPTS`` attempts, or at once when the server refuses it for good (a 5xx answer to the
recipients or the data), it becomes ``failed``.

Claiming: a worker first marks a due message ``sending`` with a lease (``claimed_until``) in its own
committed transaction, with a compare-and-set UPDATE (and ``FOR UPDATE SKIP LOCKED`` on PostgreSQL so
that workers pass over each other's rows instead of queueing). Two workers therefore never send the same
message at the same time. A worker killed after the claim leaves the message ``sending``; when the lease
lapses another run claims it again and sends it with the same Message-ID. Delivery is thus
*at least once*: a crash between the SMTP server's "250 OK" and our "sent" commit sends the message a
second time, and receivers can drop the duplicate by its Message-ID.

No transaction is held open while talking to the SMTP server.

Messages queued to be composed later (``raw`` NULL, see :mod:`tracker.mail.deferred`) are composed by
the same run, a batch at a time, before they can be claimed.
"""

from __future__ import annotations

import logging
import os
import re
import smtplib
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app
from sqlalchemy import and_, or_, update

from ..extensions import db
from ..i18n import N_
from ..models import OutboxMessage
from ..models.outbox import OutboxStatus
from ..models.types import utcnow
from ..settings import settings
from ..text import clean_text

log = logging.getLogger(__name__)

PENDING, SENDING, SENT, FAILED = OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.SENT, OutboxStatus.FAILED
#: Never wait longer than this between two attempts, however many attempts failed.
MAX_BACKOFF = timedelta(hours=1)


# --- Settings ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to hand messages over, read from ``SMTP_URL``.

    ``smtp://user:password@host:port`` uses STARTTLS when the server offers it (``?starttls=1`` requires
    it, ``?starttls=0`` never uses it); ``smtps://`` speaks TLS from the first byte. Other query
    parameters: ``timeout`` (seconds, default 30) and ``cafile`` (a CA bundle for a private mail server).
    """

    host: str
    port: int
    implicit_tls: bool = False
    #: ``auto`` (when offered), ``required`` or ``off``.
    starttls: str = "auto"
    username: str = ""
    password: str = field(default="", repr=False)
    timeout: float = 30.0
    cafile: str | None = None

    def tls_context(self) -> ssl.SSLContext:
        """A verifying TLS context (with ``cafile`` added when given)."""
        return ssl.create_default_context(cafile=self.cafile)


#: What ``?starttls=`` may say in a mail server URL (``SMTP_URL``, and ``IMAP_URL`` in tracker.calendar.mailbox).
STARTTLS_WORDS = {"1": "required", "true": "required", "yes": "required", "0": "off", "false": "off", "no": "off"}


def parse_smtp_url(url: str) -> SmtpSettings:
    """Read an ``smtp://`` or ``smtps://`` URL; raise ``ValueError`` for anything else."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("SMTP_URL must look like smtp://user:password@host:port or smtps://host:port")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    starttls = STARTTLS_WORDS.get(query.get("starttls", "").lower(), "auto")
    implicit = parts.scheme == "smtps"
    if implicit:
        starttls = "off"
    default_port = 465 if implicit else (587 if starttls == "required" else 25)
    return SmtpSettings(
        host=parts.hostname,
        port=parts.port or default_port,
        implicit_tls=implicit,
        starttls=starttls,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        timeout=float(query.get("timeout", 30)),
        cafile=query.get("cafile") or None,
    )


def outbox_folder() -> Path:
    """Where messages go as ``.eml`` files when no SMTP server is configured (``OUTBOX_DIR``)."""
    configured = settings().outbox_dir
    return Path(configured) if configured else Path(current_app.instance_path) / "outbox"


# --- Transports ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Envelope:
    """What a transport needs of a message, copied out of the database row."""

    id: int
    message_id: str
    sender: str
    recipients: list[str]
    raw: bytes


class DeliveryError(Exception):
    """One attempt failed. ``permanent`` means retrying cannot help (the server refused for good)."""

    def __init__(self, message: str, *, permanent: bool = False, connection_lost: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        #: The server cannot be reached at all: stop this run rather than try each queued message.
        self.connection_lost = connection_lost


class Transport(Protocol):
    """Hands messages over; :class:`SmtpTransport` or :class:`FileTransport`."""

    def send(self, envelope: Envelope) -> str:
        """Deliver one message; return a note for ``last_error`` (e.g. refused extra recipients) or ''."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


class FileTransport:
    """Writes each message as ``<folder>/<id>-<message-id>.eml``; a retry rewrites the same file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_for(self, envelope: Envelope) -> Path:
        """The file of ``envelope``: outbox id and a file-system-safe Message-ID."""
        safe = re.sub(r"[^A-Za-z0-9._@-]", "_", envelope.message_id.strip("<> "))[:150]
        return self.folder / f"{envelope.id}-{safe}.eml"

    def send(self, envelope: Envelope) -> str:
        """Write the file atomically (a reader never sees half a message)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.path_for(envelope)
        partial = target.with_suffix(".eml.part")
        partial.write_bytes(envelope.raw)
        os.replace(partial, target)
        return ""

    def close(self) -> None:
        """Nothing to release."""


class SmtpTransport:
    """One SMTP session, opened on the first message and reused for the following ones."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            if s.implicit_tls:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=s.tls_context())
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            try:
                smtp.ehlo()
                if not s.implicit_tls and s.starttls != "off":
                    if smtp.has_extn("starttls"):
                        smtp.starttls(context=s.tls_context())
                        smtp.ehlo()
                    elif s.starttls == "required":
                        raise DeliveryError("the server does not offer STARTTLS, which SMTP_URL requires",
                                            connection_lost=True)
                if s.username:
                    smtp.login(s.username, s.password)
            except BaseException:
                smtp.close()
                raise
        except DeliveryError:
            raise
        except smtplib.SMTPAuthenticationError as error:
            raise DeliveryError(f"login refused: {error.smtp_code} {_text(error.smtp_error)}",
                                connection_lost=True) from error
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryError(f"cannot reach {s.host}:{s.port}: {_describe(error)}", connection_lost=True) from error
        return smtp

    def send(self, envelope: Envelope) -> str:
        """Send over the open session (connecting first if needed); classify what goes wrong."""
        reused = self._smtp is not None
        try:
            return self._send(envelope)
        except DeliveryError as error:
            if not (reused and error.connection_lost):
                raise
        # The server closed an idle session we kept open: one more try on a new connection.
        return self._send(envelope)

    def _send(self, envelope: Envelope) -> str:
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            refused = self._smtp.sendmail(envelope.sender, envelope.recipients, wire_format(envelope.raw))
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _message in error.recipients.values()]
            details = "; ".join(f"{rcpt}: {code} {_text(msg)}" for rcpt, (code, msg) in error.recipients.items())
            raise DeliveryError(f"recipients refused: {details}",
                                permanent=all(code >= 500 for code in codes)) from error
        except smtplib.SMTPResponseException as error:
            if error.smtp_code == 421:  # the server is closing the session
                self._drop()
            # 4xx: try again later; 5xx on the message itself: the server will never take it.
            permanent = error.smtp_code >= 500 and isinstance(error, smtplib.SMTPDataError)
            raise DeliveryError(f"{error.smtp_code} {_text(error.smtp_error)}", permanent=permanent) from error
        except (OSError, smtplib.SMTPException) as error:
            self._drop()
            raise DeliveryError(f"connection lost: {_describe(error)}", connection_lost=True) from error
        if refused:
            # Some recipients took it; sending again would give them a duplicate. Note who did not.
            return "refused by the server: " + "; ".join(
                f"{rcpt}: {code} {_text(msg)}" for rcpt, (code, msg) in refused.items()
            )
        return ""

    def _drop(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.close()
            finally:
                self._smtp = None

    def close(self) -> None:
        """Say QUIT politely; a dead connection is simply closed."""
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass
        finally:
            self._drop()


def wire_format(raw: bytes) -> bytes:
    """``raw`` with CRLF line ends, as SMTP requires.

    ``smtplib`` fixes line ends of ``str`` messages only; the outbox keeps bytes with the ``\n`` ends of
    ``EmailMessage.as_bytes()``, which a strict server reads as one endless line.
    """
    return re.sub(rb"\r?\n", b"\r\n", raw)


#: What went wrong, in plain words for the organiser, by how ``last_error`` of a FAILED message starts once the
#: retry note is set aside (see :func:`failure_summary`; the technical text, written for administrators and
#: logs, stays as it is). The first prefix that matches wins; the last entry catches all. ("refused by the
#: server", the note of a partly refused message, is kept on SENT rows only, so it needs no entry here.)
FAILURE_SUMMARIES: tuple[tuple[str, str], ...] = (
    ("recipients refused", N_("The mail server refused the unit's address. Check the unit's contact emails.")),
    ("cannot reach", N_("The mail server could not be reached. Tell the administrator.")),
    ("login refused", N_("The mail server refused the site's sign-in. Tell the administrator.")),
    ("could not be composed", N_("The email could not be written. Tell the administrator.")),
    ("", N_("The email could not be delivered. Tell the administrator.")),
)


#: What :func:`_mark_failed_attempt` puts before the last error when a message runs out of attempts.
_GAVE_UP = re.compile(r"^gave up after \d+ attempts: ")
#: What :func:`_give_up_abandoned` stores: every attempt ended with the worker dying, no server words.
_INTERRUPTED = "gave up: delivery was interrupted on every attempt"


def failure_summary(last_error: str) -> str:
    """The untranslated plain-words summary of a failed delivery (see :data:`FAILURE_SUMMARIES`)."""
    if last_error == _INTERRUPTED:
        return N_("Sending the email was interrupted on every attempt. Tell the administrator.")
    reason = _GAVE_UP.sub("", last_error, count=1)
    return next(summary for prefix, summary in FAILURE_SUMMARIES if reason.startswith(prefix))


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _describe(error: BaseException) -> str:
    if isinstance(error, socket.timeout):
        return "timed out"
    return str(error) or error.__class__.__name__


def transport_from_config() -> Transport:
    """SMTP when ``SMTP_URL`` is set, else ``.eml`` files under :func:`outbox_folder`."""
    url = settings().smtp_url
    if url:
        return SmtpTransport(parse_smtp_url(url))
    return FileTransport(outbox_folder())


# --- The queue -----------------------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    """What one run did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    #: Stopped early because the server could not be reached (the rest waits for the next run).
    stopped_early: bool = False
    errors: list[str] = field(default_factory=list)
    #: Messages waiting to be composed that were no longer wanted (see ``tracker.mail.deferred``).
    dropped: int = 0

    def summary(self) -> str:
        """One line for the command's output."""
        line = f"{self.sent} sent, {self.retrying} to retry, {self.failed} failed"
        if self.dropped:
            line += f", {self.dropped} no longer wanted"
        if self.stopped_early:
            line += " (stopped: the mail server cannot be reached)"
        return line


def max_attempts() -> int:
    """Attempts before a message is given up (``MAIL_MAX_ATTEMPTS``)."""
    return settings().mail_max_attempts


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: doubling from ``MAIL_RETRY_SECONDS``."""
    return min(settings().mail_retry * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def lease_length() -> timedelta:
    """How long a claim holds (``MAIL_LEASE_SECONDS``); longer than any single delivery can take."""
    return settings().mail_lease


def _due(now: datetime):  # noqa: ANN202 - a SQL expression
    return and_(
        # A message waiting to be composed is not due until it is (deferred.compose_pending).
        OutboxMessage.raw.is_not(None),
        or_(
            and_(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now),
            and_(OutboxMessage.status == SENDING, OutboxMessage.claimed_until < now),
        ),
    )


def _give_up_abandoned(now: datetime) -> int:
    """Fail messages whose every attempt ended with the worker dying (their lease lapsed each time)."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == SENDING, OutboxMessage.claimed_until < now,
               OutboxMessage.attempts >= max_attempts())
        .values(status=FAILED, claimed_until=None,
                last_error=_INTERRUPTED)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def claim_next(now: datetime) -> tuple[Envelope, datetime] | None:
    """Claim the most overdue message for this worker; return it with the lease, or ``None``.

    The claim is committed before anything is sent, so it holds even if this process dies.
    """
    lease = now + lease_length()
    for _round in range(5):
        query = (
            db.select(OutboxMessage.id).where(_due(now))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(1)
        )
        if db.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        message_id = db.session.execute(query).scalar_one_or_none()
        if message_id is None:
            db.session.commit()
            return None
        claimed = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, _due(now))
            .values(status=SENDING, claimed_until=lease, attempts=OutboxMessage.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            # Another worker took it between our SELECT and UPDATE (SQLite has no row locks): next one.
            db.session.commit()
            continue
        row = db.session.execute(
            db.select(OutboxMessage.recipients, OutboxMessage.raw, OutboxMessage.message_id)
            .where(OutboxMessage.id == message_id)
        ).one()
        db.session.commit()
        mail_from = settings().mail_from
        sender = parseaddr(mail_from)[1] or mail_from
        return Envelope(message_id, row.message_id, sender, list(row.recipients), bytes(row.raw)), lease
    return None


def _mark_sent(envelope: Envelope, note: str, now: datetime) -> None:
    # Delivered is delivered: record it even if our lease lapsed meanwhile.
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == envelope.id, OutboxMessage.status != SENT)
        # The server's words bypass the flush that cleans stored text; a NUL from it would fail on PostgreSQL.
        .values(status=SENT, sent_at=now, claimed_until=None, last_error=clean_text(note))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _mark_failed_attempt(envelope: Envelope, lease: datetime, error: DeliveryError, now: datetime) -> str:
    attempts = db.session.execute(
        db.select(OutboxMessage.attempts).where(OutboxMessage.id == envelope.id)
    ).scalar_one()
    give_up = error.permanent or attempts >= max_attempts()
    status = FAILED if give_up else PENDING
    reason = clean_text(str(error))[:2000]  # the server's words, stored without the cleaning flush
    if give_up and not error.permanent:
        reason = f"gave up after {attempts} attempts: {reason}"
    # Only while the claim is still ours: if it lapsed, another worker owns the message now.
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == envelope.id, OutboxMessage.status == SENDING,
               OutboxMessage.claimed_until == lease)
        .values(status=status, claimed_until=None, last_error=reason,
                next_attempt_at=now + retry_delay(attempts))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return status


def deliver_due(
    *,
    now: datetime | None = None,
    transport: Transport | None = None,
    limit: int | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> DeliveryReport:
    """Deliver every message that is due, once each, and return what happened.

    Stops early when the server cannot be reached, after ``limit`` messages, or when ``should_stop()``
    says so (checked between messages, never in the middle of one). Messages waiting to be composed are
    composed a batch at a time, ahead of delivery, so the oldest leave first.
    """
    # Imported here: ``deferred`` uses this module's states, and the mail worker is its only caller here.
    from .deferred import COMPOSE_BATCH, compose_pending

    clock: Callable[[], datetime] = (lambda: now) if now is not None else utcnow
    transport = transport or transport_from_config()
    report = DeliveryReport()
    report.failed += _give_up_abandoned(clock())
    handled = 0
    try:
        while not should_stop() and (limit is None or handled < limit):
            composition = compose_pending(limit=COMPOSE_BATCH)
            report.dropped += composition.dropped
            report.failed += composition.failed
            report.errors.extend(composition.errors)
            claim = claim_next(clock())
            if claim is None:
                if composition.composed or composition.dropped or composition.failed:
                    continue  # perhaps more to compose
                break
            envelope, lease = claim
            handled += 1
            try:
                note = transport.send(envelope)
            except DeliveryError as error:
                status = _mark_failed_attempt(envelope, lease, error, clock())
                report.errors.append(f"{envelope.message_id}: {error}")
                log.warning("outbox message %s not delivered: %s", envelope.id, error)
                if status == FAILED:
                    report.failed += 1
                else:
                    report.retrying += 1
                if error.connection_lost:
                    report.stopped_early = True
                    break
                continue
            _mark_sent(envelope, note, clock())
            report.sent += 1
    finally:
        transport.close()
        db.session.remove()
    return report


def run_worker(*, interval: float, stop: threading.Event, on_report: Callable[[DeliveryReport], None] | None = None
               ) -> None:
    """Deliver due messages every ``interval`` seconds until ``stop`` is set.

    A failing run (database unreachable, say) is logged and retried at the next tick, so a passing outage
    does not end the worker.
    """
    while not stop.is_set():
        try:
            report = deliver_due(should_stop=stop.is_set)
        except Exception:  # keep the worker alive through passing outages
            log.exception("mail delivery run failed")
            db.session.remove()
        else:
            if on_report is not None and (report.sent or report.retrying or report.failed):
                on_report(report)
        stop.wait(interval)
