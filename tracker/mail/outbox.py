"""Putting emails into the outbox. Delivery is ``tracker.mail.delivery``'s job, never a web request's."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

from ..extensions import db
from ..models import Event, Invitation, OutboxMessage


def queue_email(
    message: EmailMessage, *, kind: str, event: Event | None = None, invitation: Invitation | None = None
) -> OutboxMessage:
    """Store ``message`` for delivery in the current transaction; it leaves only if the transaction commits.

    A Message-ID is fixed now so that a retried delivery is recognisable as the same message.
    """
    if not message["Message-ID"]:
        message["Message-ID"] = make_msgid(domain="tracker")
    recipients = [addr.strip() for field in ("To", "Cc") for addr in (message.get_all(field) or [])]
    entry = OutboxMessage(
        kind=kind,
        recipients=[r for header in recipients for r in header.split(",") if r.strip()],
        subject=str(message["Subject"] or ""),
        message_id=str(message["Message-ID"]),
        raw=message.as_bytes(),
        event_id=event.id if event is not None else None,
        invitation_id=invitation.id if invitation is not None else None,
    )
    db.session.add(entry)
    db.session.flush()
    return entry
