"""Fixtures of the mail tests: a real SMTP server on 127.0.0.1 (aiosmtpd) and queued messages."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from flask import Flask

from tracker.extensions import db
from tracker.mail.compose import compose_email
from tracker.mail.outbox import queue_email
from tracker.models import OutboxMessage


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Mailbox:
    """What the test SMTP server received, and how it answers DATA (``reply``)."""

    reply: str = "250 OK"
    received: list[EmailMessage] = field(default_factory=list)
    #: The bytes as they came over the wire.
    raw: list[bytes] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        if not self.reply.startswith("250"):
            return self.reply
        with self.lock:
            self.raw.append(envelope.original_content)
            self.received.append(message_from_bytes(envelope.original_content, policy=policy.default))
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return self.reply

    def message_ids(self) -> list[str]:
        """Message-IDs received, in arrival order (duplicates kept)."""
        return [str(message["Message-ID"]) for message in self.received]


class SmtpServer:
    """A real SMTP server in a thread; ``stop()`` and ``start()`` again on the same port."""

    def __init__(self, mailbox: Mailbox, port: int, **options: Any) -> None:
        self.mailbox = mailbox
        self.port = port
        self.options = options
        self.controller: Controller | None = None

    def start(self) -> None:
        """Listen (a new controller each time: aiosmtpd's cannot restart)."""
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port, **self.options)
        self.controller.start()

    def stop(self) -> None:
        """Stop listening; connections are refused until ``start()``."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def url(self) -> str:
        """``SMTP_URL`` pointing at this server."""
        return f"smtp://127.0.0.1:{self.port}"


@pytest.fixture
def smtp_server() -> Iterator[Callable[..., SmtpServer]]:
    """``smtp_server(**controller_options)``: a started server; stopped after the test."""
    servers: list[SmtpServer] = []

    def start(**options: Any) -> SmtpServer:
        server = SmtpServer(Mailbox(), free_port(), **options)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def accept_login(username: str, password: str) -> Callable[..., AuthResult]:
    """An aiosmtpd authenticator accepting exactly one user and password."""

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == username.encode() \
            and auth_data.password == password.encode()
        return AuthResult(success=ok, handled=False)

    return authenticator


@pytest.fixture
def queue(app: Flask) -> Callable[..., list[int]]:
    """``queue(n=1, kind="invitation")``: commit ``n`` messages to the outbox; returns their ids."""

    def put(n: int = 1, kind: str = "invitation") -> list[int]:
        ids = []
        with app.app_context():
            for i in range(n):
                message = compose_email(sender="tracker@migration.example.org", to=[f"unit{i}@units.example.org"],
                                        subject=f"Message {i}", text=f"Body {i}\n",
                                        html=f"<p>Body {i}</p>")
                ids.append(queue_email(message, kind=kind).id)
            db.session.commit()
        return ids

    return put


@pytest.fixture
def outbox_rows(app: Flask) -> Callable[[], list[OutboxMessage]]:
    """The outbox as the database has it now (detached rows)."""

    def rows() -> list[OutboxMessage]:
        with app.app_context():
            found = list(db.session.execute(db.select(OutboxMessage).order_by(OutboxMessage.id)).scalars())
            for row in found:
                db.session.expunge(row)
            return found

    return rows
