"""Which mailbox fetcher takes and moves a message: a claim per message, decided by the database (issue 14).

Several fetchers may read one mailbox at once (``mail fetch --watch`` on two servers, a cron job beside them).
IMAP's MOVE is no compare-and-set (two sessions moving one message at the same instant both succeed, leaving two
copies), and a conditional STORE (RFC 7162 ``UNCHANGEDSINCE``) is not one either in practice: Dovecot let two
sessions both succeed on one message under load. So the fetcher claims a message here before it downloads it:
the INSERT of its row succeeds for one fetcher only (the primary key: folder, UIDVALIDITY, UID, which the server
never gives to another message). A claim carries its holder's token (``owner``, random per claim): a claim older
than the grace is taken over with a conditional UPDATE that gives it a new token (one fetcher wins that too; its
former holder stopped, or is so slow that it must not move the message any more). The holder renews the claim
(:func:`renew`, only while it still holds the token) just before it moves the message, and releases only its
own claim (:func:`release`). Nothing here commits: the fetcher commits each call at once, before it talks to the
server again.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, select, update
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


def _this(mailbox: str, validity: int, uid: int) -> tuple[Any, ...]:
    return (MailboxClaim.mailbox == mailbox, MailboxClaim.uid_validity == validity, MailboxClaim.uid == uid)


def _changed(result: Any) -> int:
    return cast("CursorResult[Any]", result).rowcount


def claim(mailbox: str, validity: int, uid: int, *, now: datetime, grace: timedelta) -> str | None:
    """Claim message ``uid`` for this fetcher: a new claim, or one older than ``grace`` taken over (its holder
    stopped, or is too slow to move it any more). Returns the claim's token (for :func:`renew` and
    :func:`release`); ``None`` when another fetcher holds a fresh claim on it."""
    owner = secrets.token_hex(16)
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    table = cast(Table, MailboxClaim.__table__)
    statement = (
        insert(table).values(mailbox=mailbox, uid_validity=validity, uid=uid, owner=owner, claimed_at=now)
        .on_conflict_do_nothing(index_elements=["mailbox", "uid_validity", "uid"])
        .returning(table.c.uid)
    )
    # RETURNING, not rowcount: drivers do not all report a row count for INSERT … ON CONFLICT.
    if db.session.execute(statement).first() is not None:
        return owner
    taken = db.session.execute(
        update(MailboxClaim)
        .where(*_this(mailbox, validity, uid), MailboxClaim.claimed_at < now - grace)
        .values(owner=owner, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    return owner if _changed(taken) == 1 else None


def renew(mailbox: str, validity: int, uid: int, owner: str, *, now: datetime) -> bool:
    """Whether this fetcher still holds the claim ``owner`` on ``uid``; if so, it counts from ``now`` again.
    Called just before the move: a claim taken over meanwhile means another fetcher moves the message."""
    renewed = db.session.execute(
        update(MailboxClaim)
        .where(*_this(mailbox, validity, uid), MailboxClaim.owner == owner)
        .values(claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    return _changed(renewed) == 1


def release(mailbox: str, validity: int, uid: int, owner: str) -> None:
    """Give up the claim ``owner`` on message ``uid`` (it stays in the folder): another fetcher may take it at
    once. A claim another fetcher took over meanwhile is its own and stays."""
    db.session.execute(
        delete(MailboxClaim)
        .where(*_this(mailbox, validity, uid), MailboxClaim.owner == owner)
        .execution_options(synchronize_session=False)
    )


def held(mailbox: str, validity: int, uids: Iterable[int], *, now: datetime, grace: timedelta) -> set[int]:
    """Which of ``uids`` carry a claim not older than ``grace`` (a read: no row is written)."""
    wanted = list(uids)
    if not wanted:
        return set()
    return set(db.session.scalars(
        select(MailboxClaim.uid)
        .where(MailboxClaim.mailbox == mailbox, MailboxClaim.uid_validity == validity,
               MailboxClaim.uid.in_(wanted), MailboxClaim.claimed_at >= now - grace)
    ))


def forget_old(now: datetime) -> None:
    """Delete the claims older than :data:`KEPT`."""
    db.session.execute(
        delete(MailboxClaim).where(MailboxClaim.claimed_at < now - KEPT).execution_options(synchronize_session=False)
    )
