"""`mail fetch` reads the organiser's mailbox on a real IMAP server (Dovecot, tests/imap_server.py).

Most tests replace what a message *means* (``inbox.take_calendar_message``, tested in its own module) by a
recorder that answers by a test header, so that they check only the mailbox: what is downloaded, committed,
moved, left unread. The last ones run the real reading end to end.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import OperationalError

from tests.imap_server import ImapServer, dovecot_available, free_port, start_imap_server
from tracker.calendar import claims, inbox, mailbox
from tracker.calendar.inbox import InboxOutcome, InboxResult
from tracker.extensions import db
from tracker.models import MailboxClaim
from tracker.models.types import utcnow
from tracker.settings import settings
from tracker.transactions import committed

APPLIED, REFUSED = "Tracker.Applied", "Tracker.Refused"  # Dovecot's maildir separates levels with "."


def _need_dovecot() -> None:
    if not dovecot_available():
        if os.environ.get("CI"):
            pytest.fail("Dovecot is needed for the mailbox tests (scripts/server-deps.sh installs it; CI is set)")
        pytest.skip("dovecot-imapd is not installed (scripts/server-deps.sh installs it)")


@pytest.fixture
def imap_server(tmp_path: Path) -> Iterator[ImapServer]:
    """A started Dovecot with an empty mailbox; stopped after the test."""
    _need_dovecot()
    server = start_imap_server(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def plain_imap_server(tmp_path: Path) -> Iterator[ImapServer]:
    """A Dovecot without MOVE and IDLE after login (an older or smaller server)."""
    _need_dovecot()
    server = start_imap_server(tmp_path, plain_capabilities=True)
    yield server
    server.stop()


class Recorder:
    """Stands for ``take_calendar_message``: the outcome is the message's ``X-Test-Outcome`` header; a
    Message-ID seen before is DUPLICATE with its first outcome (as the inbox's unique Message-ID does)."""

    def __init__(self) -> None:
        self.first: dict[str, InboxOutcome] = {}
        self.calls: list[str] = []
        self.lock = threading.Lock()
        #: Run while a message is taken (inside the fetcher's transaction): what happens meanwhile elsewhere.
        self.meanwhile: Callable[[], None] | None = None

    def __call__(self, raw: bytes, *, received_at=None) -> InboxResult:
        head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii", "replace")
        fields = dict(line.split(": ", 1) for line in head.split("\r\n") if ": " in line)
        outcome = InboxOutcome(fields.get("X-Test-Outcome", "ignored"))
        message_id = fields.get("Message-ID", "")
        if self.meanwhile is not None:
            self.meanwhile()
        with self.lock:
            self.calls.append(message_id)
            if outcome is InboxOutcome.IGNORED:
                return InboxResult(outcome, None)
            if message_id in self.first:
                return InboxResult(InboxOutcome.DUPLICATE, self.first[message_id])
            self.first[message_id] = outcome
            return InboxResult(outcome, None)


@pytest.fixture
def recorder(monkeypatch) -> Recorder:
    """Replace the inbox's reading by a :class:`Recorder` for the test."""
    stand_in = Recorder()
    monkeypatch.setattr(inbox, "take_calendar_message", stand_in)
    return stand_in


def email(outcome: str = "ignored", *, subject: str = "Hello", size: int = 0, message_id: str | None = None) -> bytes:
    """A small email (or one of about ``size`` bytes) whose test header names its outcome."""
    message = EmailMessage()
    message["From"] = "cit@units.example.org"
    message["To"] = "protocol@migration.example.org"
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="units.example.org")
    message["X-Test-Outcome"] = outcome
    message.set_content("Hello\n")
    if size:
        message.add_attachment(os.urandom(size * 3 // 4), maintype="application", subtype="octet-stream",
                               filename="scan.pdf")
    return message.as_bytes().replace(b"\n", b"\r\n")


def _fetch(app, *args: str):
    """Run ``flask mail fetch`` in this process (so the recorder stands in); stdout and stderr apart."""
    return app.test_cli_runner().invoke(args=["mail", "fetch", *args])


def _subjects(server: ImapServer, folder: str) -> list[str]:
    from email import message_from_bytes

    return sorted(str(message_from_bytes(raw)["Subject"]) for raw, _flags in server.messages(folder))


def test_each_outcome_goes_to_its_folder_and_other_mail_stays_unread(app, imap_server, recorder):
    for outcome in ("applied", "refused", "proposal", "refreshed", "ignored"):
        imap_server.append(email(outcome, subject=outcome))
    app.config["IMAP_URL"] = imap_server.url()
    result = _fetch(app)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "1 applied, 1 refused, 1 proposals, 1 refreshed, 1 ignored"
    assert _subjects(imap_server, APPLIED) == ["applied", "proposal", "refreshed"]
    assert _subjects(imap_server, REFUSED) == ["refused"]
    [(raw, flags)] = imap_server.messages("INBOX")
    assert b"Subject: ignored" in raw
    assert b"\\Seen" not in flags  # downloaded with BODY.PEEK[]: still unread for the organiser
    assert len(recorder.calls) == 5


def test_a_second_run_takes_nothing_again_and_a_read_message_is_taken_too(app, imap_server, recorder):
    imap_server.append(email("applied", subject="read already"), flags=(b"\\Seen",))
    app.config["IMAP_URL"] = imap_server.url()
    assert _fetch(app).output.startswith("1 applied")
    assert _fetch(app).output.strip() == "0 applied, 0 refused, 0 proposals, 0 refreshed, 0 ignored"
    assert _subjects(imap_server, APPLIED) == ["read already"]


def test_the_same_message_twice_is_taken_once_and_both_copies_are_moved(app, imap_server, recorder):
    twice = email("applied", subject="twice")
    imap_server.append(twice)
    imap_server.append(twice)
    app.config["IMAP_URL"] = imap_server.url()
    result = _fetch(app)
    assert result.output.strip() == ("1 applied, 0 refused, 0 proposals, 0 refreshed, 0 ignored, "
                                     "1 taken before (moved now)")
    assert _subjects(imap_server, APPLIED) == ["twice", "twice"]
    assert imap_server.messages("INBOX") == []


def test_a_message_taken_by_a_run_that_stopped_before_the_move_is_moved_by_the_next(app, imap_server, recorder):
    # The earlier run committed "refused" and died before MOVE: the message is still in INBOX.
    message_id = make_msgid(domain="units.example.org")
    recorder.first[message_id] = InboxOutcome.REFUSED
    imap_server.append(email("applied", subject="half done", message_id=message_id))
    app.config["IMAP_URL"] = imap_server.url()
    assert _fetch(app).exit_code == 0
    assert _subjects(imap_server, REFUSED) == ["half done"]  # where its first outcome says
    assert _subjects(imap_server, APPLIED) == []


def test_two_fetchers_at_once_take_each_message_once(app, imap_server, recorder):
    for n in range(24):
        imap_server.append(email("applied" if n % 3 else "refused", subject=f"reply {n:02}"))
    app.config["IMAP_URL"] = imap_server.url()
    barrier = threading.Barrier(2)
    reports: list[mailbox.FetchReport] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with app.app_context():
                barrier.wait()
                reports.append(mailbox.fetch_mailbox(settings()))
        except BaseException as error:  # reported below: a thread's exception is otherwise lost
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(recorder.first) == 24  # each message recorded once
    assert sum(r.applied for r in reports) == 16 and sum(r.refused for r in reports) == 8
    # Every message left INBOX for its folder, once: MOVE is no compare-and-set (two sessions moving one message at
    # the same instant both succeed), so only the fetcher whose claim the database accepted takes and moves it.
    applied, refused = _subjects(imap_server, APPLIED), _subjects(imap_server, REFUSED)
    assert (len(applied), len(set(applied)), len(refused), len(set(refused))) == (16, 16, 8, 8)
    assert imap_server.messages("INBOX") == []


def test_a_20_mb_message_is_read_and_left_unread(app, imap_server, recorder):
    imap_server.append(email(subject="big scan", size=20 * 1024 * 1024))
    app.config["IMAP_URL"] = imap_server.url()
    result = _fetch(app)
    assert result.exit_code == 0 and "1 ignored" in result.output
    [(raw, flags)] = imap_server.messages("INBOX")
    assert len(raw) > 20 * 1024 * 1024 and b"\\Seen" not in flags


def test_a_message_over_the_bound_is_never_downloaded_and_is_reported(app, imap_server, recorder):
    imap_server.append(email("applied", subject="too big", size=200_000))
    imap_server.append(email("applied", subject="small"))
    app.config["IMAP_URL"] = imap_server.url()
    with app.app_context():
        report = mailbox.fetch_mailbox(settings(), max_bytes=100_000)
    assert (report.applied, report.too_large) == (1, 1)
    assert "1 too large (left in the folder)" in report.summary()
    assert _subjects(imap_server, "INBOX") == ["too big"]


def test_starttls_with_a_private_ca_and_folders_named_in_the_settings(app, imap_server, recorder):
    imap_server.append(email("refused", subject="starttls"))
    app.config.update(IMAP_URL=imap_server.url(tls=False), IMAP_REFUSED_FOLDER="Calendar/Refused replies")
    result = _fetch(app)
    assert result.exit_code == 0, result.output
    assert _subjects(imap_server, "Calendar.Refused replies") == ["starttls"]


def test_plain_imap_only_when_the_url_says_so(app, imap_server, recorder):
    imap_server.append(email("applied"))
    app.config["IMAP_URL"] = imap_server.url(tls=False, starttls="no")
    assert _fetch(app).output.startswith("1 applied")


def test_a_server_certificate_nobody_vouches_for_is_refused(app, imap_server, recorder):
    app.config["IMAP_URL"] = imap_server.url(cafile="")  # the system's CAs only
    result = _fetch(app)
    assert result.exit_code == mailbox_exit()
    assert "mail fetch: cannot reach" in result.stderr and "CERTIFICATE_VERIFY_FAILED" in result.stderr
    assert recorder.calls == []


def test_a_wrong_password_ends_with_an_error_that_does_not_show_it(app, imap_server, recorder):
    imap_server.append(email("applied"))
    app.config["IMAP_URL"] = imap_server.url(password="not-the-password")
    result = _fetch(app)
    assert result.exit_code == mailbox_exit()
    assert result.stderr.startswith("mail fetch: login refused by 127.0.0.1:")
    assert "not-the-password" not in result.stderr + result.output
    assert recorder.calls == [] and len(imap_server.messages("INBOX")) == 1


def test_without_imap_url_the_command_says_so(app):
    app.config["IMAP_URL"] = ""
    result = _fetch(app)
    assert result.exit_code == mailbox_exit()
    assert "IMAP_URL is not set" in result.stderr


def mailbox_exit() -> int:
    from tracker.calendar.cli import MAILBOX_UNREADABLE

    return MAILBOX_UNREADABLE


def test_a_server_without_move_gets_copy_and_expunge(app, plain_imap_server, recorder):
    plain_imap_server.append(email("applied", subject="copied"))
    plain_imap_server.append(email(subject="stays"))
    app.config["IMAP_URL"] = plain_imap_server.url()
    assert _fetch(app).output.startswith("1 applied")
    assert _subjects(plain_imap_server, APPLIED) == ["copied"]
    assert _subjects(plain_imap_server, "INBOX") == ["stays"]


def test_the_url_is_shown_without_its_password():
    parsed = mailbox.parse_imap_url("imaps://protocol%40agency.az:pa%2Fss@mail.agency.az/Inbox%20calendar?cafile=/ca.pem")
    assert (parsed.username, parsed.password, parsed.folder, parsed.port) == (
        "protocol@agency.az", "pa/ss", "Inbox calendar", 993)
    assert "pa" not in parsed.display().replace("protocol", "") and "pa/ss" not in repr(parsed)
    assert mailbox.parse_imap_url("imap://h").starttls == "required"
    assert mailbox.parse_imap_url("imap://h?starttls=no").starttls == "off"
    with pytest.raises(ValueError, match="IMAP_URL"):
        mailbox.parse_imap_url("https://h/INBOX")


def _wait_for(condition, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.mark.parametrize("plain", [False, True], ids=["idle", "polling"])
def test_watch_takes_a_message_that_arrives_while_it_waits(app, tmp_path, recorder, plain):
    _need_dovecot()
    server = start_imap_server(tmp_path, plain_capabilities=plain)
    try:
        # A poll far longer than the test may wait: with IDLE, the new message itself must wake the watcher.
        app.config.update(IMAP_URL=server.url(), IMAP_POLL_SECONDS=3600 if not plain else 1)
        stop = threading.Event()
        errors: list[BaseException] = []

        def watch() -> None:
            try:
                with app.app_context():
                    mailbox.watch_mailbox(settings(), stop=stop)
            except BaseException as error:
                errors.append(error)

        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            server.append(email(subject="unrelated"))
            assert _wait_for(lambda: len(recorder.calls) == 1), "the watcher took nothing"
            server.append(email("applied", subject="arrived later"))
            assert _wait_for(lambda: _subjects(server, APPLIED) == ["arrived later"]), "not moved"
        finally:
            stop.set()
            watcher.join(timeout=60)
        assert not watcher.is_alive() and errors == []
        assert len(recorder.calls) == 2  # the unrelated message was read once, not on every pass
    finally:
        server.stop()


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_watch_runs_as_a_command_and_stops_cleanly_on_a_signal(app, imap_server, tmp_path, stop_signal):
    env = {
        **os.environ,
        "FLASK_APP": "tracker",
        "TRACKER_INSTANCE_PATH": str(tmp_path / "fetch-instance"),
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "TRACKER_SECRET_KEY": "fetch-test-key",
        "TRACKER_IMAP_URL": imap_server.url(),
        "TRACKER_IMAP_POLL_SECONDS": "1",
    }
    flask = Path(sys.executable).parent / "flask"
    watcher = subprocess.Popen([str(flask), "mail", "fetch", "--watch"], env=env,  # noqa: S603
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        first = watcher.stdout.readline() if watcher.stdout else ""
        assert "mail fetch: watching imaps://organiser@127.0.0.1:" in first
        assert imap_server.password.replace(" ", "%20") not in first
        imap_server.append(email(subject="not calendar"))
        time.sleep(0.5)  # let it reach IDLE; the stop must work wherever it is
        watcher.send_signal(stop_signal)
        output, _ = watcher.communicate(timeout=60)
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.communicate()
    assert watcher.returncode == 0, output
    assert "mail fetch: stopped" in output
    [(_raw, flags)] = imap_server.messages("INBOX")
    assert b"\\Seen" not in flags


#: The token of "another fetcher"'s claims in these tests.
THEIRS = "7" * 32


def _hold_claim(app, server: ImapServer, uid: int, claimed_at: datetime, owner: str = THEIRS) -> None:
    """Another fetcher's claim on message ``uid`` of the server's INBOX, made at ``claimed_at``."""
    client = server.client()
    try:
        validity = int(client.select_folder("INBOX", readonly=True)[b"UIDVALIDITY"])
    finally:
        client.logout()
    where = mailbox.parse_imap_url(server.url())
    with app.app_context(), committed():
        db.session.add(MailboxClaim(mailbox=claims.mailbox_key(where.username, where.host, where.port, where.folder),
                                    uid_validity=validity, uid=uid, owner=owner, claimed_at=claimed_at))


def _claims(app) -> list[tuple[int, datetime]]:
    with app.app_context():
        return [(row.uid, row.claimed_at) for row in db.session.scalars(db.select(MailboxClaim))]


def _owners(app) -> dict[int, str]:
    with app.app_context():
        return {row.uid: row.owner for row in db.session.scalars(db.select(MailboxClaim))}


def _age_claims(app, by: timedelta) -> None:
    with app.app_context(), committed():
        for row in db.session.scalars(db.select(MailboxClaim)):
            row.claimed_at -= by


def _take_over_now() -> None:
    """Another fetcher takes over every claim (as it would one it found lapsed): new token, counted from now."""
    db.session.execute(update(MailboxClaim).values(owner=THEIRS, claimed_at=utcnow()))


def test_a_claim_is_its_holders_only_and_taken_over_only_once_it_lapsed(app):
    grace = timedelta(seconds=mailbox.CLAIM_GRACE_SECONDS)
    start = utcnow()
    with app.app_context(), committed():
        mine = claims.claim("m" * 64, 7, 1, now=start, grace=grace)
        assert mine is not None and len(mine) == 32
        assert claims.claim("m" * 64, 7, 1, now=start + grace, grace=grace) is None  # not older than the grace
        assert claims.claim("m" * 64, 8, 1, now=start, grace=grace) not in (None, mine)  # another UIDVALIDITY
        theirs = claims.claim("m" * 64, 7, 1, now=start + grace + timedelta(seconds=1), grace=grace)
        assert theirs is not None and theirs != mine
        later = start + grace + timedelta(seconds=2)
        assert not claims.renew("m" * 64, 7, 1, mine, now=later)  # the slow former holder must not move it
        claims.release("m" * 64, 7, 1, mine)  # …nor delete the claim it lost
        assert claims.held("m" * 64, 7, [1, 2], now=later, grace=grace) == {1}
        assert claims.renew("m" * 64, 7, 1, theirs, now=later)
        claims.release("m" * 64, 7, 1, theirs)
        assert claims.held("m" * 64, 7, [1], now=later, grace=grace) == set()


def test_a_message_claimed_by_a_fetcher_that_stopped_before_its_move_is_taken_over(app, imap_server, recorder):
    # Another fetcher took it (refused), claimed it ten minutes ago and died before the move: still in INBOX.
    message_id = make_msgid(domain="units.example.org")
    recorder.first[message_id] = InboxOutcome.REFUSED
    imap_server.append(email("refused", subject="claimed", message_id=message_id))
    _hold_claim(app, imap_server, 1, utcnow() - timedelta(seconds=mailbox.CLAIM_GRACE_SECONDS + 300))
    _hold_claim(app, imap_server, 999, utcnow() - claims.KEPT - timedelta(minutes=1))  # a message moved long ago
    app.config["IMAP_URL"] = imap_server.url()
    with app.app_context():
        report = mailbox.fetch_mailbox(settings())
    assert report.duplicates == 1
    assert _subjects(imap_server, REFUSED) == ["claimed"] and imap_server.messages("INBOX") == []
    assert [uid for uid, _at in _claims(app)] == [1]  # the claim of a day ago is forgotten, ours kept a day
    assert _owners(app)[1] != THEIRS


def test_a_message_another_fetcher_claimed_is_left_to_it_until_the_claim_lapses(app, imap_server, recorder):
    imap_server.append(email("applied", subject="theirs"))
    imap_server.append(email("applied", subject="ours"))
    claimed_at = utcnow() - timedelta(seconds=mailbox.CLAIM_GRACE_SECONDS - 60)  # a slow fetcher, still within
    _hold_claim(app, imap_server, 1, claimed_at)
    app.config["IMAP_URL"] = imap_server.url()
    began = time.monotonic()
    result = _fetch(app)  # the other fetcher never moves it
    # A short wait for it to leave the folder (not the whole grace), then it is left to a later pass.
    assert time.monotonic() - began < mailbox.SETTLE_SECONDS + 20
    assert result.exit_code == 0 and result.stdout.strip() == (
        "1 applied, 0 refused, 0 proposals, 0 refreshed, 0 ignored, 1 claimed by another fetcher "
        "(left for a later pass)")
    assert len(recorder.calls) == 1 and _subjects(imap_server, APPLIED) == ["ours"]
    assert _subjects(imap_server, "INBOX") == ["theirs"]
    assert _owners(app)[1] == THEIRS and dict(_claims(app))[1] == claimed_at  # read, never written while it held

    _age_claims(app, timedelta(seconds=61))  # now it has lapsed: the next pass (of any fetcher) takes it over
    assert _fetch(app).stdout.startswith("1 applied")
    assert _subjects(imap_server, APPLIED) == ["ours", "theirs"] and imap_server.messages("INBOX") == []
    assert _owners(app)[1] != THEIRS and dict(_claims(app))[1] > claimed_at


def test_a_message_claimed_and_released_by_another_fetcher_while_this_one_waits_is_taken(app, imap_server,
                                                                                        recorder):
    imap_server.append(email("applied", subject="released"))
    _hold_claim(app, imap_server, 1, utcnow())
    app.config["IMAP_URL"] = imap_server.url()

    def release_soon() -> None:
        time.sleep(0.5)
        with app.app_context(), committed():
            db.session.execute(delete(MailboxClaim))

    releaser = threading.Thread(target=release_soon)
    releaser.start()
    with app.app_context():
        report = mailbox.fetch_mailbox(settings())
    releaser.join()
    assert (report.applied, report.later) == (1, 0) and _subjects(imap_server, APPLIED) == ["released"]


def test_a_move_is_skipped_when_the_claim_was_taken_over_meanwhile(app, imap_server, recorder):
    # This fetcher was so slow (a long download, a database busy) that another took its claim over: the other
    # one moves the message; moving it here too would leave two copies.
    imap_server.append(email("applied", subject="slow"))
    app.config["IMAP_URL"] = imap_server.url()
    recorder.meanwhile = _take_over_now
    with app.app_context():
        report = mailbox.fetch_mailbox(settings(), settle_seconds=0.5)
    assert (report.applied, report.later) == (1, 1)
    assert _subjects(imap_server, "INBOX") == ["slow"] and _subjects(imap_server, APPLIED) == []
    assert _owners(app) == {1: THEIRS}

    recorder.meanwhile = None  # the other fetcher stopped too: once its claim lapsed, a later pass moves it once
    _age_claims(app, timedelta(seconds=mailbox.CLAIM_GRACE_SECONDS + 1))
    with app.app_context():
        report = mailbox.fetch_mailbox(settings())
    assert (report.duplicates, report.later) == (1, 0)
    assert _subjects(imap_server, APPLIED) == ["slow"] and imap_server.messages("INBOX") == []


def test_a_release_after_a_takeover_leaves_the_new_owners_claim(app, imap_server, recorder):
    imap_server.append(email("ignored", subject="not calendar"))
    app.config["IMAP_URL"] = imap_server.url()
    recorder.meanwhile = _take_over_now
    with app.app_context():
        report = mailbox.fetch_mailbox(settings())
    assert report.ignored == 1 and _subjects(imap_server, "INBOX") == ["not calendar"]
    assert _owners(app) == {1: THEIRS}  # this fetcher released its own claim only, and it had none any more


def _locked_once(monkeypatch) -> list[int]:
    """The first claim fails as with a database restart or a locked SQLite; returns the calls made."""
    real, calls = claims.claim, []

    def claim(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("INSERT INTO mailbox_claims ...", {}, Exception("database is locked"))
        return real(*args, **kwargs)

    monkeypatch.setattr(claims, "claim", claim)
    return calls


def test_a_database_error_ends_a_single_fetch_with_a_clear_line(app, imap_server, recorder, monkeypatch):
    from tracker.calendar.cli import DATABASE_UNAVAILABLE

    imap_server.append(email("applied", subject="later"))
    app.config["IMAP_URL"] = imap_server.url()
    _locked_once(monkeypatch)
    result = _fetch(app)
    assert result.exit_code == DATABASE_UNAVAILABLE != 0
    assert result.stderr == ("mail fetch: database error, the pass stopped (the rest is left for the next run): "
                             "database is locked\n")
    assert result.stdout == "" and recorder.calls == [] and _subjects(imap_server, "INBOX") == ["later"]
    assert _fetch(app).stdout.startswith("1 applied")  # the next run takes it
    assert _subjects(imap_server, APPLIED) == ["later"]


def test_a_database_error_does_not_end_the_watch(app, imap_server, recorder, monkeypatch, caplog):
    imap_server.append(email("applied", subject="after the restart"))
    app.config.update(IMAP_URL=imap_server.url(), IMAP_POLL_SECONDS=1)
    calls = _locked_once(monkeypatch)
    stop = threading.Event()
    errors: list[BaseException] = []

    def watch() -> None:
        try:
            with app.app_context():
                mailbox.watch_mailbox(settings(), stop=stop)
        except BaseException as error:
            errors.append(error)

    watcher = threading.Thread(target=watch)
    with caplog.at_level("INFO", logger="tracker.calendar.mailbox"):
        watcher.start()
        try:
            assert _wait_for(lambda: _subjects(imap_server, APPLIED) == ["after the restart"]), "not moved"
        finally:
            stop.set()
            watcher.join(timeout=60)
    assert not watcher.is_alive() and errors == [] and len(calls) >= 2
    lines = [r.getMessage() for r in caplog.records]
    assert any(line.startswith("mailbox imaps://organiser@127.0.0.1:") and
               line.endswith(": database error: database is locked; trying again in 1 s") for line in lines), lines


def test_a_message_whose_move_fails_does_not_hold_up_the_others_and_is_moved_later(app, imap_server, recorder,
                                                                                  caplog):
    imap_server.append(email("refused", subject="stuck"))
    imap_server.append(email("applied", subject="after it"))
    # Dovecot refuses to create a folder whose name is too long for its file system.
    app.config.update(IMAP_URL=imap_server.url(), IMAP_REFUSED_FOLDER="Tracker/" + "r" * 300)
    result = _fetch(app)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == ("1 applied, 1 refused, 0 proposals, 0 refreshed, 0 ignored, "
                                     "1 failed (left in the folder)")
    assert "message 1: cannot create the folder" in result.stderr and "Mailbox name too long" in result.stderr
    assert _subjects(imap_server, APPLIED) == ["after it"]
    [(_raw, flags)] = imap_server.messages("INBOX")
    assert b"\\Seen" not in flags and [uid for uid, _at in _claims(app)] == [2]  # released: any next pass takes it
    assert any("stays in the folder, tried again next pass" in r.getMessage() for r in caplog.records)
    secret = imap_server.password.replace(" ", "%20")
    assert all(secret not in r.getMessage() and imap_server.password not in r.getMessage() for r in caplog.records)

    result = _fetch(app)  # still refused: reported again, nothing else changes
    assert "1 taken before (moved now), 1 failed" in result.output and _subjects(imap_server, "INBOX") == ["stuck"]
    app.config["IMAP_REFUSED_FOLDER"] = "Tracker/Refused"
    result = _fetch(app)
    assert result.output.strip() == ("0 applied, 0 refused, 0 proposals, 0 refreshed, 0 ignored, "
                                     "1 taken before (moved now)")
    assert _subjects(imap_server, REFUSED) == ["stuck"] and imap_server.messages("INBOX") == []


@pytest.mark.parametrize("secret", ["Zq9/Xw7Kp", "Zq9#Xw7Kp", "Zq9?Xw7Kp", "4711/Xw7Kp", "Zq9[Xw7Kp", "47#11"])
@pytest.mark.parametrize("watch", [False, True], ids=["once", "watch"])
def test_a_password_with_unescaped_special_characters_is_never_shown(app, recorder, secret, watch):
    app.config["IMAP_URL"] = f"imaps://organiser:{secret}@127.0.0.1:1/INBOX"
    result = _fetch(app, *(["--watch"] if watch else []))
    assert result.exit_code == mailbox_exit()
    assert result.stderr == ("mail fetch: TRACKER_IMAP_URL could not be read: percent-encode special characters "
                             "in the password\n")
    shown = result.stderr + result.output
    assert all(piece not in shown for piece in ("Zq9", "Xw7Kp", "4711", "47", "11"))
    assert recorder.calls == []


def test_an_at_sign_after_the_host_is_refused_without_quoting_the_url():
    for url in ("imaps://u:pa/ss@h/INBOX", "imaps://u:1234/ss@h", "imaps://u@h/IN@BOX", "imaps://u@h/INBOX?x=a@b",
                "imaps://u:p#w@h"):
        with pytest.raises(ValueError) as raised:
            mailbox.parse_imap_url(url)
        assert str(raised.value) == mailbox.UNREADABLE_URL
    assert mailbox.parse_imap_url("imaps://u:p%40w%2F@h/IN%40BOX").password == "p@w/"
    with pytest.raises(ValueError, match="timeout must be a number of seconds$"):
        mailbox.parse_imap_url("imaps://u:pw@h/INBOX?timeout=soon")
    # Should a password ever reach the host, port or folder, display() shows none of them.
    for folder in ("Zq9 Xw", "x/Zq9 Xw", "Zq9%20Xw"):
        assert mailbox.MailboxSettings("h", 993, password="Zq9 Xw", folder=folder).display() == "imaps://***"


def test_the_watchers_log_lines_do_not_show_the_password(app, caplog):
    # Nothing listens on this port: the watcher logs each failed attempt with the URL it tries.
    app.config.update(IMAP_URL=f"imaps://organiser:Zq9%2FXw%23Kp%3F@127.0.0.1:{free_port()}/INBOX",
                      IMAP_POLL_SECONDS=1)
    stop = threading.Event()

    def watch() -> None:
        with app.app_context():
            mailbox.watch_mailbox(settings(), stop=stop)

    watcher = threading.Thread(target=watch)
    with caplog.at_level("INFO", logger="tracker.calendar.mailbox"):
        watcher.start()
        try:
            assert _wait_for(lambda: any("trying again" in r.getMessage() for r in caplog.records))
        finally:
            stop.set()
            watcher.join(timeout=60)
    lines = [r.getMessage() for r in caplog.records]
    assert any(line.startswith("mailbox imaps://organiser@127.0.0.1:") for line in lines)
    assert all(piece not in line for line in lines for piece in ("Zq9", "Xw", "Kp"))


def test_wait_returns_at_once_for_a_message_announced_before_it_started(app, imap_server, recorder):
    # The race behind a watcher that slept a whole poll: a message arriving while a pass lists the folder is
    # announced (EXISTS) in the answer to one of the pass's commands, not in its listing, and IDLE never repeats it.
    app.config["IMAP_URL"] = imap_server.url()
    with app.app_context():
        reader = mailbox.MailboxReader.from_settings(settings())
    stop = threading.Event()
    with reader:
        with app.app_context():
            reader.fetch()
        imap_server.append(email("applied", subject="arrived during the pass"))
        reader.session.noop()  # announced now, answered to a command of "the pass"
        waiter = threading.Thread(target=reader.wait, args=(3600, stop))
        waiter.start()
        try:
            assert _wait_for(lambda: not waiter.is_alive()), "wait() slept on a message already announced"
        finally:
            stop.set()
            waiter.join(timeout=60)
        with app.app_context():
            assert reader.fetch().applied == 1
