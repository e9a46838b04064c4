"""Putting emails into the outbox. Delivery is ``tracker.mail.delivery``'s job, never a web request's."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import getaddresses, make_msgid

from sqlalchemy.orm import defer

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
    # getaddresses, not a split on commas: a display name may hold a comma ("Office, Ganja" <x@y>).
    headers = [str(value) for name in ("To", "Cc", "Bcc") for value in (message.get_all(name) or [])]
    recipients = list(dict.fromkeys(address for _name, address in getaddresses(headers) if address))
    if not recipients:
        raise ValueError("an email without recipients cannot be queued")
    # Bcc is an envelope matter: it must not travel in the headers every recipient sees.
    del message["Bcc"]
    entry = OutboxMessage(
        kind=kind,
        recipients=recipients,
        subject=str(message["Subject"] or "")[:500],
        message_id=str(message["Message-ID"]),
        raw=message.as_bytes(),
        event_id=event.id if event is not None else None,
        invitation_id=invitation.id if invitation is not None else None,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def latest_messages_by_invitation(event_id: int) -> dict[int, OutboxMessage]:
    """The newest outbox message of each invitation of an event (one query; the bodies are not loaded)."""
    rows = db.session.execute(
        db.select(OutboxMessage)
        .where(OutboxMessage.event_id == event_id, OutboxMessage.invitation_id.is_not(None))
        .options(defer(OutboxMessage.raw))
        .order_by(OutboxMessage.id)
    ).scalars()
    return {message.invitation_id: message for message in rows if message.invitation_id is not None}
