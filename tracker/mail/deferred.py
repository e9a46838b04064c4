"""Emails queued now and composed later, so that a bulk round holds the database only briefly.

Composing one message (two templates, the iCalendar invitation, the MIME message) takes 10–15 ms; inside
the request that invites 2,500 units that is half a minute of holding SQLite's single write lock, and
answers sent meanwhile fail with "database is locked". So a bulk round (:func:`queue_for_composition`)
inserts, in its own transaction and in one statement, an outbox row per unit that says only *who* gets
*what*: the kind, the recipients, a Message-ID fixed now (retries keep it), the invitation, and a small
``recipe`` for what else the composer needs. ``raw`` stays NULL until the message is composed.

The mail worker (and ``flask mail send``) composes such rows first, in batches of :data:`COMPOSE_BATCH`
(:func:`compose_pending`): it reads a batch and composes it without writing anything, then writes the
whole batch in one short transaction. Composition reads the invitation and its event *as they are then*;
a message that is no longer wanted is dropped (its row deleted):

- the invitation is gone (withdrawn, or its event deleted): the withdrawal notice went on its own;
- the composer says so by returning ``None`` (an invitation, reminder or update of an event cancelled
  meanwhile, whose cancellation notice is queued anyway; a reminder to a unit that has answered).

Links in a message composed later are built on the address the round's request was served at when
``BASE_URL`` is not set: the round records it in the recipe (``RECIPE_ROOT``) and the composer builds the
message inside :func:`tracker.settings.serving_address`. The worker itself has no request to ask.

Each kind has exactly one composing function (:data:`COMPOSERS`), the same one whether the message is
composed by the worker or, for single messages, at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, update
from sqlalchemy.orm import selectinload
from werkzeug.utils import import_string

from ..extensions import db
from ..models import Invitation, OutboxMessage
from ..models.types import utcnow
from ..settings import serving_address
from ..settings import settings as current_settings
from ..text import clean_text
from .delivery import FAILED, PENDING

log = logging.getLogger(__name__)

#: Messages composed between two writes: ~50 × 12 ms of work outside any transaction, then one short write.
COMPOSE_BATCH = 50

#: The recipe key holding the root of links (the request's address) for the composer; absent when BASE_URL is set.
RECIPE_ROOT = "base_url"

#: The one composing function of each kind that can wait to be composed ("module:function": the mail
#: package sits below the areas that own the emails, so it names them rather than importing them).
COMPOSERS: dict[str, str] = {
    "invitation": "tracker.calendar.notifications:compose_invitation",
    "reminder": "tracker.attendance.emails:compose_reminder",
    "update": "tracker.calendar.notifications:compose_update",
    "cancellation": "tracker.calendar.notifications:compose_cancellation",
}


@dataclass(frozen=True)
class Draft:
    """What a message waiting to be composed is composed from, read when it is composed."""

    invitation: Invitation
    #: The addresses the message goes to, fixed when it was queued.
    to: list[str]
    #: What the round that queued it recorded for its composer (e.g. the fields an update names).
    recipe: dict[str, Any] = field(default_factory=dict)


#: A composer returns the message, or ``None`` when it is no longer wanted (it is then dropped).
Composer = Callable[[Draft], EmailMessage | None]


def composer_for(kind: str) -> Composer:
    """The composing function of ``kind`` (``KeyError`` for a kind that cannot wait to be composed)."""
    return import_string(COMPOSERS[kind].replace(":", "."))


def queue_for_composition(kind: str, addressed: Sequence[tuple[Invitation, list[str]]], *,
                          recipe: dict[str, Any] | None = None) -> int:
    """Queue one ``kind`` message per ``(invitation, recipients)``, to be composed by the mail worker.

    One INSERT for all of them, in the current transaction: the messages leave only if it commits.
    Pairs without recipients are skipped. Returns how many were queued.
    """
    if kind not in COMPOSERS:
        raise ValueError(f"emails of kind {kind!r} cannot wait to be composed")
    now = utcnow()
    root = current_settings().request_root_url()
    if root:
        recipe = {**(recipe or {}), RECIPE_ROOT: root}
    rows = [
        {"kind": kind, "recipients": list(recipients), "subject": "", "raw": None, "recipe": recipe,
         "message_id": make_msgid(domain="tracker"), "invitation_id": invitation.id,
         "event_id": invitation.event_id, "created_at": now, "next_attempt_at": now}
        for invitation, recipients in addressed if recipients
    ]
    if rows:
        db.session.execute(insert(OutboxMessage), rows)
    return len(rows)


@dataclass
class CompositionReport:
    """What one :func:`compose_pending` run did."""

    composed: int = 0
    #: No longer wanted (see the module docstring); their rows were deleted.
    dropped: int = 0
    #: The composer raised: the message is ``failed`` with the error, and ``flask mail retry`` tries again.
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def compose_pending(*, limit: int | None = None, batch_size: int = COMPOSE_BATCH) -> CompositionReport:
    """Compose messages waiting to be composed, oldest first, at most ``limit``; commits after each batch.

    Each batch is read and composed first, with nothing written, then stored in one short transaction,
    so the database's write lock is held only for those few statements. A message another worker
    composed meanwhile keeps that worker's bytes (the UPDATE only fills an empty ``raw``).
    """
    report = CompositionReport()
    table = cast(Table, OutboxMessage.__table__)
    while limit is None or report.composed + report.dropped + report.failed < limit:
        size = batch_size if limit is None else min(batch_size, limit - report.composed - report.dropped
                                                    - report.failed)
        rows = db.session.execute(
            db.select(OutboxMessage.id, OutboxMessage.kind, OutboxMessage.recipients, OutboxMessage.recipe,
                      OutboxMessage.message_id, OutboxMessage.invitation_id)
            .where(OutboxMessage.status == PENDING, OutboxMessage.raw.is_(None))
            .order_by(OutboxMessage.id).limit(size)
        ).all()
        if not rows:
            break
        invitations = {
            invitation.id: invitation
            for invitation in db.session.execute(
                db.select(Invitation)
                .where(Invitation.id.in_({row.invitation_id for row in rows if row.invitation_id is not None}))
                .options(selectinload(Invitation.unit), selectinload(Invitation.event))
            ).scalars()
        }
        composed: list[dict[str, Any]] = []
        dropped: list[int] = []
        failed: list[dict[str, Any]] = []
        for row in rows:
            invitation = invitations.get(row.invitation_id) if row.invitation_id is not None else None
            recipe = dict(row.recipe or {})
            try:
                with serving_address(recipe.get(RECIPE_ROOT)):
                    message = None if invitation is None else composer_for(row.kind)(
                        Draft(invitation=invitation, to=list(row.recipients), recipe=recipe))
            except Exception as error:  # one broken message must not hold up the rest of the outbox
                log.exception("outbox message %s could not be composed", row.id)
                # Stored by a Core UPDATE, which the flush listener does not see: clean it here.
                reason = clean_text(f"could not be composed: {error.__class__.__name__}: {error}")[:2000]
                failed.append({"row_id": row.id, "last_error": reason})
                report.errors.append(f"{row.message_id}: {reason}")
                continue
            if message is None:
                dropped.append(row.id)
                continue
            del message["Message-ID"]
            message["Message-ID"] = row.message_id
            composed.append({"row_id": row.id, "raw": message.as_bytes(),
                             "subject": str(message["Subject"] or "")[:500]})
        # The write: a few statements in one transaction, whatever the batch took to compose.
        waiting = (table.c.id == bindparam("row_id"), table.c.raw.is_(None), table.c.status == PENDING)
        if composed:
            db.session.execute(update(table).where(*waiting).values(raw=bindparam("raw"),
                                                                    subject=bindparam("subject")), composed)
        if failed:
            db.session.execute(update(table).where(*waiting).values(status=FAILED,
                                                                    last_error=bindparam("last_error")), failed)
        if dropped:
            db.session.execute(delete(table).where(table.c.id.in_(dropped), table.c.raw.is_(None),
                                                   table.c.status == PENDING))
        db.session.commit()
        report.composed += len(composed)
        report.dropped += len(dropped)
        report.failed += len(failed)
    return report
