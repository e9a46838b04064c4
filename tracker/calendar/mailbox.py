"""Reading the organiser's mailbox over IMAP: each calendar reply in it is taken like an uploaded one.

One pass (:meth:`MailboxReader.fetch`) lists the folder of ``IMAP_URL``, downloads each message with
``BODY.PEEK[]`` (so a message we leave stays unread), hands it to :func:`tracker.calendar.inbox.take_calendar_message`
in its own committed transaction, and only then moves it: applied replies, proposals and answered REFRESHes to
``IMAP_APPLIED_FOLDER``, refused ones to ``IMAP_REFUSED_FOLDER``; anything else stays where it is, untouched.

Exactly once: the inbox remembers each Message-ID, so a message taken before (a crash between the commit and
the move, or another fetcher that got there first) comes back DUPLICATE with its first outcome, and is moved
where that outcome says. A message another fetcher moved meanwhile has simply gone. Several fetchers may
therefore read the same mailbox at once. IMAP's MOVE is no compare-and-set (two sessions moving one message at
the same instant both succeed, leaving two copies), so a fetcher claims each message in the database
(:mod:`tracker.calendar.claims`) before it downloads it, and only the fetcher holding the claim takes and moves it
(it checks, just before the move, that the claim is still its own: a claim is taken over once it has lapsed).

``mail fetch --watch`` (:func:`watch_mailbox`) repeats the pass: it waits in IMAP IDLE when the server offers
it (a new message wakes it) and never longer than ``IMAP_POLL_SECONDS``; without IDLE it polls. A dropped
connection, and a database error (a restart, SQLite locked), are retried with a growing pause.
"""

from __future__ import annotations

import contextlib
import logging
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError
from sqlalchemy.exc import OperationalError

from ..extensions import db
from ..mail.delivery import STARTTLS_WORDS
from ..models.types import utcnow
from ..settings import Settings
from ..transactions import committed
from . import claims, inbox
from .inbox import InboxOutcome

log = logging.getLogger(__name__)

#: A message larger than this is not downloaded: left in the folder and reported (no calendar reply is near it).
MAX_MESSAGE_BYTES = 25 * 1024 * 1024
#: The longest pause between two attempts to reach a server that dropped us or cannot be reached.
MAX_RECONNECT_SECONDS = 300.0
#: How long a watcher's IDLE runs before one NOOP asks for mail delivered while it started (see ``wait``).
IDLE_RECHECK_SECONDS = 2.0

#: How old a claim must be before another fetcher takes it over (its holder stopped between its claim and its
#: move, or is so slow that it will not move it any more). Far longer than a holder may need: a 25 MB download,
#: the IMAP timeout (30 s by default; the grace is at least 5 times the URL's ``timeout``) and SQLite's busy wait
#: (15 s), and than the clocks of the hosts running fetchers may differ. Like the mail worker's lease.
CLAIM_GRACE_SECONDS = 300.0
#: How long a pass waits, at its end, for the messages other fetchers claimed to leave the folder. Those still
#: there are left to a later pass (of any fetcher), which takes them over once their claim has lapsed.
SETTLE_SECONDS = 5.0

#: Where a message goes by what taking it decided (``None``: it stays in the folder, unread if it was).
APPLIED, REFUSED = "applied", "refused"
DESTINATIONS: dict[InboxOutcome, str | None] = {
    InboxOutcome.APPLIED: APPLIED,
    InboxOutcome.PROPOSAL: APPLIED,
    InboxOutcome.REFRESHED: APPLIED,
    InboxOutcome.REFUSED: REFUSED,
    InboxOutcome.IGNORED: None,
}


class MailboxError(Exception):
    """The mailbox cannot be read: unreachable, TLS refused or failed, login refused, a folder refused."""


# --- Settings ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MailboxSettings:
    """Where the organiser's mailbox is, read from ``IMAP_URL``.

    ``imaps://user:password@host:port/FOLDER`` speaks TLS from the first byte (port 993). ``imap://`` (port 143)
    upgrades with STARTTLS and refuses a server that does not offer it: the password never crosses the network
    in the clear unless the URL says ``?starttls=no``. Other query parameters, as in ``SMTP_URL``: ``cafile``
    (a CA bundle for a private mail server) and ``timeout`` (seconds, default 30). The folder defaults to INBOX.
    """

    host: str
    port: int
    implicit_tls: bool = True
    #: ``required`` (``imap://``'s default) or ``off`` (``?starttls=no``); ``imaps://`` needs none.
    starttls: str = "required"
    username: str = ""
    password: str = field(default="", repr=False)
    folder: str = "INBOX"
    timeout: float = 30.0
    cafile: str | None = None

    def tls_context(self) -> ssl.SSLContext:
        """A verifying TLS context (with ``cafile`` added when given)."""
        return ssl.create_default_context(cafile=self.cafile)

    def display(self) -> str:
        """The URL without its password, for output and logs.

        :func:`parse_imap_url` keeps the password out of the host, port and folder; should any of them still
        hold it, in any spelling, only the scheme is shown."""
        scheme = "imaps" if self.implicit_tls else "imap"
        user = f"{quote(self.username, safe='')}@" if self.username else ""
        shown = f"{scheme}://{user}{self.host}:{self.port}/{quote(self.folder)}"
        texts = (shown, unquote(shown))
        if self.password and any(form in text for form in _spellings(self.password) for text in texts):
            return f"{scheme}://***"
        return shown


def _spellings(secret: str) -> set[str]:
    """``secret`` as it is and as a URL may percent-encode it (each non-empty)."""
    return {form for form in (secret, quote(secret, safe=""), quote(secret), quote(secret, safe="@:")) if form}


#: The one answer to a URL that cannot be read. It quotes nothing of the URL: an unescaped ``/``, ``#`` or ``?`` in
#: the password ends the host early, so the password would be read as the port (and quoted by ``urlsplit``'s
#: error) or as the folder, the query or the fragment.
UNREADABLE_URL = "TRACKER_IMAP_URL could not be read: percent-encode special characters in the password"


def parse_imap_url(url: str) -> MailboxSettings:
    """Read an ``imap://`` or ``imaps://`` URL; raise ``ValueError`` for anything else (its message never quotes
    the URL). A URL whose folder, query or fragment holds an ``@`` is refused: the password ran into them."""
    try:
        parts = urlsplit(url)
        hostname, port = parts.hostname, parts.port
    except ValueError:
        raise ValueError(UNREADABLE_URL) from None
    if "@" in parts.path + parts.query + parts.fragment:
        raise ValueError(UNREADABLE_URL)
    if parts.scheme not in ("imap", "imaps") or not hostname:
        raise ValueError("IMAP_URL must look like imaps://user:password@host/INBOX or imap://…?starttls=no")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    implicit = parts.scheme == "imaps"
    starttls = "off" if implicit else STARTTLS_WORDS.get(query.get("starttls", "").lower(), "required")
    port = port or (993 if implicit else 143)
    try:
        timeout = float(query.get("timeout", 30))
    except ValueError:
        raise ValueError("IMAP_URL: timeout must be a number of seconds") from None
    return MailboxSettings(
        host=hostname,
        port=port,
        implicit_tls=implicit,
        starttls=starttls,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
        timeout=timeout,
        cafile=query.get("cafile") or None,
    )


def connect(settings: MailboxSettings) -> IMAPClient:
    """A logged-in session (TLS as the URL says); :class:`MailboxError` when that cannot be had."""
    s = settings
    where = f"{s.host}:{s.port}"
    try:
        client = IMAPClient(s.host, port=s.port, ssl=s.implicit_tls,
                            ssl_context=s.tls_context() if s.implicit_tls else None, timeout=s.timeout)
    except (OSError, IMAPClientError) as error:
        raise MailboxError(f"cannot reach {where}: {_describe(error)}") from error
    try:
        if not s.implicit_tls and s.starttls != "off":
            if not client.has_capability("STARTTLS"):
                raise MailboxError(f"{where} does not offer STARTTLS; IMAP_URL must say ?starttls=no to log in "
                                   "without TLS")
            client.starttls(s.tls_context())
        client.login(s.username, s.password)
    except MailboxError:
        _close(client)
        raise
    except LoginError as error:
        _close(client)
        raise MailboxError(f"login refused by {where}: {_describe(error)}") from error
    except (OSError, IMAPClientError) as error:
        _close(client)
        raise MailboxError(f"cannot open a session with {where}: {_describe(error)}") from error
    client.normalise_times = False  # INTERNALDATE as the server's aware datetime
    return client


def _close(client: IMAPClient) -> None:
    try:
        client.logout()
    except (OSError, IMAPClientError):
        with contextlib.suppress(OSError, IMAPClientError):
            client.shutdown()


def _describe(error: BaseException) -> str:
    if isinstance(error, OSError):  # ssl.SSLError too: str() carries the reason
        return str(error) or error.__class__.__name__
    text = error.args[0] if error.args else ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return str(text) or error.__class__.__name__


# --- One pass ------------------------------------------------------------------------------------------


@dataclass
class FetchReport:
    """What one pass did."""

    applied: int = 0
    refused: int = 0
    proposals: int = 0
    refreshed: int = 0
    ignored: int = 0
    #: Taken before (by another fetcher, or by a run that stopped before the move): moved now.
    duplicates: int = 0
    #: Larger than the bound: left in the folder, never downloaded.
    too_large: int = 0
    #: Gone between the listing and the download (another fetcher moved it).
    vanished: int = 0
    #: Claimed by another fetcher and still in the folder when the pass ended, or taken over by one before this
    #: fetcher's move: left to it, or to a later pass once its claim has lapsed.
    later: int = 0
    errors: list[str] = field(default_factory=list)

    def count(self, outcome: InboxOutcome) -> None:
        """Add one message taken with ``outcome``."""
        name = {InboxOutcome.APPLIED: "applied", InboxOutcome.REFUSED: "refused",
                InboxOutcome.PROPOSAL: "proposals", InboxOutcome.REFRESHED: "refreshed",
                InboxOutcome.IGNORED: "ignored", InboxOutcome.DUPLICATE: "duplicates",
                InboxOutcome.RETRY: "ignored"}[outcome]
        setattr(self, name, getattr(self, name) + 1)

    def busy(self) -> bool:
        """Whether anything was taken, moved or went wrong (what a watcher reports)."""
        return bool(self.applied or self.refused or self.proposals or self.refreshed or self.duplicates
                    or self.too_large or self.later or self.errors)

    def summary(self) -> str:
        """One line for the command's output."""
        line = (f"{self.applied} applied, {self.refused} refused, {self.proposals} proposals, "
                f"{self.refreshed} refreshed, {self.ignored} ignored")
        if self.duplicates:
            line += f", {self.duplicates} taken before (moved now)"
        if self.too_large:
            line += f", {self.too_large} too large (left in the folder)"
        if self.later:
            line += f", {self.later} claimed by another fetcher (left for a later pass)"
        if self.errors:
            line += f", {len(self.errors)} failed (left in the folder)"
        return line


class MailboxReader:
    """One session with the organiser's mailbox: passes over its folder and waits for news between them.

    Messages left in the folder (not calendar mail, too large) are remembered for the session, so a watcher
    downloads each of them once, not on every pass.
    """

    def __init__(self, settings: MailboxSettings, *, applied_folder: str, refused_folder: str,
                 max_bytes: int = MAX_MESSAGE_BYTES, claim_grace: float | None = None,
                 settle_seconds: float = SETTLE_SECONDS) -> None:
        self.settings = settings
        self.claim_grace = max(CLAIM_GRACE_SECONDS, 5 * settings.timeout) if claim_grace is None else claim_grace
        self.settle_seconds = settle_seconds
        self.wanted = {APPLIED: applied_folder, REFUSED: refused_folder}
        self.max_bytes = max_bytes
        self.client: IMAPClient | None = None
        self._folders: dict[str, str] = {}
        self._left: set[tuple[int, int]] = set()
        #: The folder's name in :mod:`tracker.calendar.claims`.
        self._claims_key = claims.mailbox_key(settings.username, settings.host, settings.port, settings.folder)
        #: Messages of this pass another fetcher had claimed when this one came to them.
        self._claimed_elsewhere: list[int] = []

    @classmethod
    def from_settings(cls, settings: Settings, **options: Any) -> MailboxReader:
        """The reader of ``IMAP_URL``; :class:`MailboxError` when it is unset or unreadable."""
        if not settings.imap_url:
            raise MailboxError("IMAP_URL is not set: there is no mailbox to read")
        try:
            mailbox = parse_imap_url(settings.imap_url)
        except ValueError as error:
            raise MailboxError(str(error)) from None
        return cls(mailbox, applied_folder=settings.imap_applied_folder,
                   refused_folder=settings.imap_refused_folder, **options)

    def __enter__(self) -> MailboxReader:
        self.client = connect(self.settings)
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.client is not None:
            _close(self.client)
            self.client = None

    @property
    def session(self) -> IMAPClient:
        """The open session (inside ``with reader:``)."""
        if self.client is None:
            raise MailboxError("not connected")
        return self.client

    # Folders ---------------------------------------------------------------------------------------------

    def _server_name(self, wanted: str) -> str:
        """``wanted`` ("Tracker/Applied") in the server's terms: its hierarchy delimiter and personal prefix."""
        client = self.session
        delimiter = "/"
        prefix = ""
        try:
            if client.has_capability("NAMESPACE"):
                personal = client.namespace().personal
                if personal:
                    prefix, found = personal[0]
                    delimiter = found.decode() if isinstance(found, bytes) else (found or "/")
            else:
                listed = client.list_folders(directory="", pattern="")
                if listed and listed[0][1]:
                    found = listed[0][1]
                    delimiter = found.decode() if isinstance(found, bytes) else found
        except IMAPClientError:
            pass
        name = delimiter.join(part for part in wanted.split("/") if part)
        if prefix and not name.upper().startswith(prefix.upper()) and name.upper() != "INBOX":
            name = prefix + name
        return name

    def folder(self, which: str) -> str:
        """The server's name of the Applied or Refused folder, created (and subscribed) when missing."""
        if which in self._folders:
            return self._folders[which]
        client = self.session
        name = self._server_name(self.wanted[which])
        if not client.folder_exists(name):
            try:
                client.create_folder(name)
            except IMAPClientError as error:
                if not client.folder_exists(name):  # not another fetcher creating it at the same moment
                    raise MailboxError(f"cannot create the folder {name!r}: {_describe(error)}") from error
            with contextlib.suppress(IMAPClientError):  # only mail clients' folder lists depend on it
                client.subscribe_folder(name)
        self._folders[which] = name
        return name

    def _gone(self, uid: int, error: IMAPClientError) -> bool:
        """Whether ``error`` only says that another session removed message ``uid`` meanwhile."""
        if "EXPUNGEISSUED" in _describe(error).upper():
            return True
        try:
            return not self.session.search(["UID", str(uid)])
        except IMAPClientError:
            return False

    def _move(self, uid: int, destination: str) -> None:
        """Move ``uid`` to ``destination``; one another fetcher moved first is already where it belongs."""
        try:
            self._move_now(uid, destination)
        except IMAPClientAbortError:
            raise  # the connection is gone: the pass ends (a watcher reconnects)
        except IMAPClientError as error:
            if not self._gone(uid, error):
                raise MailboxError(f"cannot move message {uid} to {destination!r}: {_describe(error)}") from error

    def _move_now(self, uid: int, destination: str) -> None:
        client = self.session
        if client.has_capability("MOVE"):
            client.move([uid], destination)
            return
        client.copy([uid], destination)
        client.add_flags([uid], [b"\\Deleted"], silent=True)
        # UID EXPUNGE removes this message only; plain EXPUNGE would also remove others someone marked deleted.
        client.expunge([uid] if client.has_capability("UIDPLUS") else None)

    # The pass --------------------------------------------------------------------------------------------

    def _select_source(self) -> dict[bytes, Any]:
        """Select the folder read; forget the arrivals announced before (the SELECT counts them)."""
        try:
            selected = self.session.select_folder(self.settings.folder)
        except IMAPClientAbortError:
            raise
        except IMAPClientError as error:
            raise MailboxError(f"cannot open the folder {self.settings.folder!r}: {_describe(error)}") from error
        self._announced()
        return selected

    def _announced(self) -> bool:
        """Whether the server announced a new message (``EXISTS``) since the last call or SELECT. imaplib keeps
        every untagged response of every command here, also those IMAPClient does not return."""
        responses = self.session._imap.untagged_responses  # noqa: SLF001
        responses.pop("RECENT", None)  # comes with EXISTS; alone it says nothing new
        return bool(responses.pop("EXISTS", None))

    def fetch(self, *, should_stop: Callable[[], bool] = lambda: False) -> FetchReport:
        """Take every message of the folder once; move the taken ones. Stops between messages on ``should_stop``."""
        client = self.session
        report = FetchReport()
        selected = self._select_source()
        validity = int(selected.get(b"UIDVALIDITY", 0))
        # A message that arrives while the listing runs may be announced with its answer (EXISTS, which IDLE will
        # not repeat) without being in it: :meth:`wait` looks for the announcements the pass's commands collected.
        listed = client.search(["NOT", "DELETED"])
        uids = [uid for uid in listed if (validity, uid) not in self._left]
        sizes = {uid: int(data.get(b"RFC822.SIZE", 0)) for uid, data in client.fetch(uids, ["RFC822.SIZE"]).items()
                 } if uids else {}
        for uid in uids:
            if should_stop():
                break
            if uid not in sizes:
                report.vanished += 1
                continue
            if sizes[uid] > self.max_bytes:
                report.too_large += 1
                self._left.add((validity, uid))
                log.warning("message %s of %s (%d bytes) is larger than %d bytes: left in the folder",
                            uid, self.settings.folder, sizes[uid], self.max_bytes)
                continue
            self._take(uid, validity, report)
        self._settle(validity, should_stop, report)
        with committed():
            claims.forget_old(utcnow())
        return report

    # Claims ----------------------------------------------------------------------------------------------

    def _claim(self, validity: int, uid: int) -> str | None:
        """This fetcher's token for its claim on ``uid`` (committed at once); ``None``: another one holds it."""
        with committed():
            return claims.claim(self._claims_key, validity, uid, now=utcnow(),
                                grace=timedelta(seconds=self.claim_grace))

    def _renew(self, validity: int, uid: int, owner: str) -> bool:
        """Whether the claim ``owner`` on ``uid`` is still this fetcher's (then renewed, committed at once)."""
        with committed():
            return claims.renew(self._claims_key, validity, uid, owner, now=utcnow())

    def _release(self, validity: int, uid: int, owner: str) -> None:
        """Give up the claim on ``uid``, which stays in the folder: the next pass (of any fetcher) takes it."""
        with committed():
            claims.release(self._claims_key, validity, uid, owner)

    def _held(self, validity: int, uids: list[int]) -> set[int]:
        """Which of ``uids`` carry a claim that has not lapsed (read in a transaction of its own)."""
        with committed():
            return claims.held(self._claims_key, validity, uids, now=utcnow(),
                               grace=timedelta(seconds=self.claim_grace))

    # One message -----------------------------------------------------------------------------------------

    def _moved(self, uid: int, validity: int, owner: str, destination: str, report: FetchReport) -> None:
        """Move ``uid`` to the ``destination`` folder if the claim ``owner`` is still this fetcher's (else the
        fetcher that took it over moves it). When the move fails (the server refuses the folder, say), report it
        and go on: the message stays in the folder, unclaimed, and a later pass takes it again (DUPLICATE)."""
        try:
            folder = self.folder(destination)
            if not self._renew(validity, uid, owner):
                log.warning("message %s of %s: another fetcher took over the claim before the move: left to it",
                            uid, self.settings.folder)
                report.later += 1
                return
            self._move(uid, folder)
        except MailboxError as error:
            log.warning("message %s of %s stays in the folder, tried again next pass: %s",
                        uid, self.settings.folder, error)
            report.errors.append(f"message {uid}: {error}")
            self._release(validity, uid, owner)

    def _take(self, uid: int, validity: int, report: FetchReport, *, owner: str | None = None) -> None:
        """Claim ``uid`` (unless ``owner`` says this fetcher holds it), download it, take it, move it by the
        outcome."""
        if owner is None:
            owner = self._claim(validity, uid)
        if owner is None:
            self._claimed_elsewhere.append(uid)  # another fetcher is on it: see :meth:`_settle`
            return
        client = self.session
        try:
            fetched = client.fetch([uid], ["BODY.PEEK[]", "INTERNALDATE"]).get(uid)
        except IMAPClientError as error:
            # Dovecot answers NO for a message another session expunged meanwhile: gone, not an error.
            if self._gone(uid, error):
                report.vanished += 1
                return
            self._release(validity, uid, owner)
            raise MailboxError(f"cannot download message {uid}: {_describe(error)}") from error
        if not fetched or not fetched.get(b"BODY[]"):  # Dovecot sends NIL for one expunged meanwhile
            report.vanished += 1
            return
        raw = bytes(fetched[b"BODY[]"])
        received = fetched.get(b"INTERNALDATE")
        try:
            with committed():
                result = inbox.take_calendar_message(
                    raw, received_at=received if isinstance(received, datetime) else None)
        except Exception as error:  # a database outage, say: leave the message for the next pass
            log.exception("message %s of %s could not be taken", uid, self.settings.folder)
            report.errors.append(f"message {uid}: {error.__class__.__name__}: {error}")
            with contextlib.suppress(Exception):  # the database may be the trouble: the claim then lapses
                self._release(validity, uid, owner)
            return
        report.count(result.outcome)
        outcome = result.first_outcome if result.outcome is InboxOutcome.DUPLICATE else result.outcome
        destination = DESTINATIONS.get(outcome) if outcome is not None else None
        if result.outcome is InboxOutcome.RETRY or destination is None:
            # Not calendar mail we act on (left, remembered for this session), or an answer that changed
            # meanwhile (taken again next pass): unclaimed, so that any fetcher's next pass may look again.
            if result.outcome is not InboxOutcome.RETRY:
                self._left.add((validity, uid))
            self._release(validity, uid, owner)
            return
        self._moved(uid, validity, owner, destination, report)

    def _settle(self, validity: int, should_stop: Callable[[], bool], report: FetchReport) -> None:
        """Wait a little (:attr:`settle_seconds`) for the messages other fetchers claimed to leave the folder;
        take those still there whose claim was released or has lapsed (their fetcher stopped before its move).
        The claims are read, not written, while they hold; the messages still claimed at the end are left to a
        later pass."""
        pending, self._claimed_elsewhere = self._claimed_elsewhere, []
        client = self.session
        deadline = time.monotonic() + self.settle_seconds
        while pending and not should_stop():
            client.noop()  # hear of expunges by other sessions
            present = set(client.search(["UID", ",".join(str(uid) for uid in pending)]))
            pending = [uid for uid in pending if uid in present]
            held = self._held(validity, pending)
            waiting = []
            for uid in pending:
                owner = None if uid in held else self._claim(validity, uid)
                if owner is None:
                    waiting.append(uid)
                    continue
                log.warning("message %s of %s was claimed by another fetcher that did not move it: taken now",
                            uid, self.settings.folder)
                self._take(uid, validity, report, owner=owner)
            pending = waiting
            if not pending or time.monotonic() >= deadline:
                break
            time.sleep(0.2)
        report.later += len(pending)

    # Waiting ---------------------------------------------------------------------------------------------

    def wait(self, seconds: float, stop: threading.Event) -> None:
        """Wait up to ``seconds`` for news in the folder: IDLE when offered (new mail ends it), else a plain pause.

        Returns at once when a message arrived after the pass listed the folder: the server announces a new
        message once, and may have done so in the answer to a command of the pass, which IDLE does not repeat.
        Returns early when ``stop`` is set (checked every second).
        """
        client = self.session
        if self._announced():
            return
        if not client.has_capability("IDLE"):
            stop.wait(seconds)
            client.noop()  # the connection is still there, or the caller reconnects
            return
        # A message delivered while IDLE starts can go unannounced (Dovecot watches the folder only once IDLE has
        # begun, and a change within the same second escapes its later checks): after a moment of IDLE, a NOOP
        # asks for anything delivered meanwhile, then IDLE goes on.
        first = min(seconds, IDLE_RECHECK_SECONDS)
        if self._idle(first, stop) or stop.is_set() or seconds <= first:
            return
        client.noop()
        if not self._announced():
            self._idle(seconds - first, stop)

    def _idle(self, seconds: float, stop: threading.Event) -> bool:
        """IDLE up to ``seconds`` (or until ``stop``); whether a new message was announced meanwhile."""
        client = self.session
        client.idle()
        try:
            if self._announced():  # announced before the server's go-ahead: news already
                return True
            remaining = seconds
            while remaining > 0 and not stop.is_set():
                step = min(1.0, remaining)
                responses = client.idle_check(timeout=step)
                remaining -= step
                if any(len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses):
                    return True
            return False
        finally:
            client.idle_done()


def fetch_mailbox(settings: Settings, **options: Any) -> FetchReport:
    """One pass over the mailbox of ``IMAP_URL`` (``flask mail fetch``). A database error (SQLAlchemy's
    ``OperationalError``) ends it, rolled back."""
    with MailboxReader.from_settings(settings, **options) as reader:
        return reader.fetch()


def watch_mailbox(settings: Settings, *, stop: threading.Event,
                  on_report: Callable[[FetchReport], None] | None = None) -> None:
    """Pass over the mailbox, wait for news, again, until ``stop`` is set (``flask mail fetch --watch``).

    A lost connection (or a server that cannot be reached), and a database error (a restart, SQLite locked: the
    session is rolled back and the IMAP session closed), are retried after 1, 2, 4 … seconds, at most
    :data:`MAX_RECONNECT_SECONDS`; a pass that goes through starts the count again.
    """
    reader = MailboxReader.from_settings(settings)  # a bad IMAP_URL ends the watch at once
    poll = settings.imap_poll.total_seconds()
    pause = 1.0
    while not stop.is_set():
        try:
            with reader:
                while not stop.is_set():
                    report = reader.fetch(should_stop=stop.is_set)
                    pause = 1.0  # a whole pass went through (not just the login): the count starts again
                    if on_report is not None and report.busy():
                        on_report(report)
                    if not stop.is_set():
                        reader.wait(poll, stop)
        except (MailboxError, OSError, IMAPClientError) as error:
            reason = _describe(error)
        except OperationalError as error:  # like a lost connection: the IMAP session is closed too
            with contextlib.suppress(Exception):  # a connection gone for good is replaced by the pool
                db.session.rollback()
            reason = f"database error: {describe_database_error(error)}"
        else:
            continue  # stopped
        log.warning("mailbox %s: %s; trying again in %g s", reader.settings.display(), reason, pause)
        stop.wait(pause)
        pause = min(pause * 2, MAX_RECONNECT_SECONDS)


def describe_database_error(error: OperationalError) -> str:
    """The driver's reason for a database error, on one line (without the statement and its parameters)."""
    text = str(error.orig if error.orig is not None else error).strip()
    return text.splitlines()[0] if text else error.__class__.__name__
