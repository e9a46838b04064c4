"""Which mailbox fetcher takes and moves a message: a claim per message, decided by the database (issue 14).

Several fetchers may read one mailbox at once (``mail fetch --watch`` on two servers, a cron job beside them).
IMAP's MOVE is no compare-and-set (two sessions moving one message at the same instant both succeed, leaving two
copies), and a conditional STORE (RFC 7162 ``UNCHANGEDSINCE``) is not one either in practice: Dovecot let two
sessions both succeed on one message under load. So the fetcher claims a message here before it downloads it:
the INSERT of its row succeeds for one fetcher only (the primary key: folder, UIDVALIDITY, UID, which the server
never gives to another message); a claim older than the grace is taken over with a conditional UPDATE, which one
fetcher wins too (its claimer stopped between its claim and its move). Nothing here commits: the fetcher commits
each claim at once, before it talks to the server again.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult

from ..extensions import db
from ..models import MailboxClaim

#: Claims kept this long after they were made: a message moved long ago never comes back under its UID.
KEPT = timedelta(days=1)


def mailbox_key(username: str, host: str, port: int, folder: str) -> str:
    """The claims' name of a folder: sha256 (hex) of ``user@host:port/folder`` (no address kept in the clear)."""
    return hashlib.sha256(f"{username}@{host.lower()}:{port}/{folder}".encode("utf-8", "surrogateescape")).hexdigest()


def claim(mailbox: str, validity: int, uid: int, *, now: datetime, grace: timedelta) -> bool:
    """Whether this fetcher now holds the claim on message ``uid``: a new claim, or one older than ``grace``
    taken over (its fetcher stopped). ``False``: another fetcher holds a fresh claim on it."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    table = cast(Table, MailboxClaim.__table__)
    statement = (
        insert(table).values(mailbox=mailbox, uid_validity=validity, uid=uid, claimed_at=now)
        .on_conflict_do_nothing(index_elements=["mailbox", "uid_validity", "uid"])
        .returning(table.c.uid)
    )
    # RETURNING, not rowcount: drivers do not all report a row count for INSERT … ON CONFLICT.
    if db.session.execute(statement).first() is not None:
        return True
    taken = db.session.execute(
        update(MailboxClaim)
        .where(MailboxClaim.mailbox == mailbox, MailboxClaim.uid_validity == validity, MailboxClaim.uid == uid,
               MailboxClaim.claimed_at < now - grace)
        .values(claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    return cast("CursorResult[Any]", taken).rowcount == 1


def release(mailbox: str, validity: int, uid: int) -> None:
    """Give up the claim on message ``uid`` (it stays in the folder): another fetcher may take it at once."""
    db.session.execute(
        delete(MailboxClaim)
        .where(MailboxClaim.mailbox == mailbox, MailboxClaim.uid_validity == validity, MailboxClaim.uid == uid)
        .execution_options(synchronize_session=False)
    )


def forget_old(now: datetime) -> None:
    """Delete the claims older than :data:`KEPT`."""
    db.session.execute(
        delete(MailboxClaim).where(MailboxClaim.claimed_at < now - KEPT).execution_options(synchronize_session=False)
    )
