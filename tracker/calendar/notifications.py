"""Every email that carries an iCalendar message (iTIP) to a unit: invitation, withdrawal, update, cancellation.

- Invitations are queued in rounds by the attendance area (``tracker.attendance.emails.queue_invitations``);
  :func:`compose_invitation` composes each: the iCalendar invitation (METHOD:REQUEST) built here, the rest
  of the email as attendance words it (:func:`tracker.attendance.emails.invitation_email`).
- A withdrawal (:data:`~tracker.signals.invitation_withdrawn`) is composed at once, with METHOD:CANCEL,
  while the invitation still exists (:func:`on_invitation_withdrawn`).
- When the events services raise ``event.sequence`` and send :data:`~tracker.signals.event_rescheduled`
  or :data:`~tracker.signals.event_cancelled`, every invited unit gets an iTIP message with the same UID
  and the new SEQUENCE (METHOD:REQUEST for an update, METHOD:CANCEL with STATUS:CANCELLED for a
  cancellation), queued in the outbox in the same transaction. They are composed later by the mail worker
  (``tracker.mail.deferred``), so a change that reaches thousands of units holds the database only for one
  INSERT.

Every one has the attendance emails' sender and Reply-To, so threads and replies stay together. Nothing here
commits. This module depends on the attendance area (contact addresses, answer links, the emails' wording);
attendance never imports the calendar area.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from email.message import EmailMessage
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..attendance.emails import compose_unit_email, contact_addresses, invitation_email, withdrawal_email
from ..attendance.links import answer_url
from ..events.display import where_text
from ..extensions import db
from ..i18n import unit_language
from ..mail.deferred import Draft, queue_for_composition
from ..mail.outbox import queue_email
from ..models import Event, EventStatus, Invitation
from ..signals import event_cancelled, event_rescheduled, invitation_withdrawn
from .ics import build_invitation_ics, settings_from_app

#: Field names a ``fields`` set may hold, as the email names them.
FIELD_LABELS = {
    "starts_at": "time",
    "ends_at": "time",
    "daily_opens": "time",
    "daily_closes": "time",
    "all_day": "time",
    "timezone": "time",
    "venue": "place",
    "venue_id": "place",
    "title": "title",
    "description": "description",
    "status": "status",
}


def _invitations(event: Event) -> Sequence[Invitation]:
    """The event's invitations with their units, in one query; walk-ins were never sent the event."""
    return db.session.execute(
        db.select(Invitation)
        .where(Invitation.event_id == event.id, Invitation.walk_in.is_(False))
        .options(selectinload(Invitation.unit))
        .order_by(Invitation.id)
    ).scalars().all()


def _changed_labels(fields: Iterable[str]) -> list[str]:
    names = {"time": _("time"), "place": _("place"), "title": _("title"), "description": _("description"),
             "status": _("status")}
    seen = []
    for field in fields:
        key = FIELD_LABELS.get(field)
        if key and names[key] not in seen:
            seen.append(names[key])
    return seen


def queue_calendar_messages(event: Event, *, method: str, fields: Iterable[str] = (),
                            languages: Collection[str] | None = None) -> int:
    """Queue METHOD ``method`` (REQUEST = update, CANCEL = cancellation) to every invited unit's contacts.

    Units without a contact address are skipped, and, given ``languages``, units reading another language
    (a change only to texts some languages read). The messages are queued with one INSERT and composed by
    the mail worker (:func:`compose_update`, :func:`compose_cancellation`) from the event as it is then,
    so they carry its latest SEQUENCE. Returns how many were queued (one per unit).
    """
    kind = "cancellation" if method == "CANCEL" else "update"
    recipe = {"fields": sorted(set(fields))} if kind == "update" else None
    return queue_for_composition(
        kind,
        [(invitation, contact_addresses(invitation.unit)) for invitation in _invitations(event)
         if languages is None or unit_language(invitation.unit) in languages],
        recipe=recipe,
    )


def compose_invitation(draft: Draft) -> EmailMessage | None:
    """The invitation email: essentials, answer link and the iCalendar invitation (METHOD:REQUEST).

    ``None`` (not sent) when the event was cancelled before the email was composed: the unit gets the
    cancellation notice instead.
    """
    invitation = draft.invitation
    if invitation.event.status == EventStatus.CANCELLED:
        return None
    language = unit_language(invitation.unit)
    ics = build_invitation_ics(invitation.event, invitation, method="REQUEST", settings=settings_from_app(language))
    return invitation_email(invitation, draft.to, language, calendar=ics)


def on_invitation_withdrawn(sender: Invitation, **_extra: Any) -> None:
    """Queue the notice that an invitation was withdrawn, with METHOD:CANCEL for the unit's calendar.

    Composed at once: the invitation it is made from is about to be deleted. A unit without a contact
    address is told nothing.
    """
    to = contact_addresses(sender.unit)
    if not to:
        return
    language = unit_language(sender.unit)
    ics = build_invitation_ics(sender.event, sender, method="CANCEL", settings=settings_from_app(language))
    message = withdrawal_email(sender, to, language, calendar=ics)
    # The invitation row is about to be deleted; the message stays tied to the event only.
    queue_email(message, kind="withdrawal", event=sender.event)


def compose_update(draft: Draft) -> EmailMessage | None:
    """The update (METHOD:REQUEST, same UID, the current SEQUENCE) naming what changed, with the answer link.

    ``None`` (not sent) when the event was cancelled before it was composed: its cancellation is queued.
    """
    if draft.invitation.event.status == EventStatus.CANCELLED:
        return None
    return _compose(draft, method="REQUEST")


def compose_cancellation(draft: Draft) -> EmailMessage:
    """The cancellation (METHOD:CANCEL, STATUS:CANCELLED, the current SEQUENCE)."""
    return _compose(draft, method="CANCEL")


def _compose(draft: Draft, *, method: str) -> EmailMessage:
    invitation = draft.invitation
    event = invitation.event
    language = unit_language(invitation.unit)
    settings = settings_from_app(language)
    kind = "cancellation" if method == "CANCEL" else "update"
    template = f"calendar/emails/{kind}"
    with force_locale(language):
        ics = build_invitation_ics(event, invitation, method=method, settings=settings)
        context: dict[str, Any] = {
            "event": event, "unit": invitation.unit, "language": language, "where": where_text(event, language),
            "changed": _changed_labels(draft.recipe.get("fields", ())),
            "event_url": settings.event_url(event),
            "organizer_name": settings.organizer_name, "organizer_email": settings.organizer_email,
            # Updates carry the unit's own answer link, so a changed answer needs no password.
            "answer_url": answer_url(invitation) if kind == "update" else None,
        }
        if kind == "cancellation":
            subject = _("Cancelled: %(title)s", title=event.text("title", language))
        else:
            subject = _("Updated: %(title)s", title=event.text("title", language))
        # The same sender and Reply-To as the invitation, so threads and replies stay together.
        return compose_unit_email(draft.to, template=template, subject=subject, context=context, calendar=ics,
                                  calendar_method=method)


def on_event_rescheduled(sender: Event, fields: Iterable[str] = (), languages: Collection[str] | None = None,
                         **_extra: Any) -> None:
    """Send every invited unit an update (METHOD:REQUEST, same UID, the new SEQUENCE); when only texts changed
    (``languages`` given), only the units that read one of those languages."""
    # Drafts were never sent to anyone; a cancelled event gets its CANCEL from ``event_cancelled``.
    if sender.status in (EventStatus.DRAFT, EventStatus.CANCELLED):
        return
    queue_calendar_messages(sender, method="REQUEST", fields=fields, languages=languages)


def on_event_cancelled(sender: Event, **_extra: Any) -> None:
    """Send every invited unit a cancellation (METHOD:CANCEL, STATUS:CANCELLED, the new SEQUENCE)."""
    queue_calendar_messages(sender, method="CANCEL")


def connect_receivers() -> None:
    """Follow the domain signals. Blinker keeps one connection per receiver, so a second app adds none."""
    event_rescheduled.connect(on_event_rescheduled)
    event_cancelled.connect(on_event_cancelled)
    invitation_withdrawn.connect(on_invitation_withdrawn)


def resend_invitations(invitations: Sequence[Invitation]) -> int:
    """Queue the invitation again (METHOD:REQUEST with the event's current SEQUENCE, composed by the mail worker) to
    each unit's contact addresses: the answer to a calendar's REFRESH. Returns how many were queued."""
    return queue_for_composition("invitation", [(invitation, contact_addresses(invitation.unit))
                                                for invitation in invitations])
