"""The emails of the attendance area (invitation, reminder, withdrawal), queued in the outbox.

Each email goes to all contact addresses of one unit, in the mail language (``MAIL_LANGUAGE``),
with the event's essentials and the unit's signed answer link. Invitations carry the iCalendar
invitation (METHOD:REQUEST) so mail clients show Accept/Decline; a withdrawal carries METHOD:CANCEL so the
event leaves the unit's calendar. Nothing here commits: the message leaves only if the change that
caused it is committed.

Invitations and reminders go out in rounds to many units, so they are queued to be composed by the mail
worker (``tracker.mail.deferred``): :func:`compose_invitation` and :func:`compose_reminder` are their one
composing function each. A withdrawal concerns one unit and is composed at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.message import EmailMessage
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from ..calendar.ics import build_invitation_ics, event_location, settings_from_config
from ..events.display import kind_label, when_text
from ..i18n import local_datetime, mail_language, organisation_name
from ..mail.compose import compose_email, mailbox
from ..mail.deferred import Draft, queue_for_composition
from ..mail.outbox import queue_email
from ..models import EventStatus, Invitation, OutboxMessage, Unit
from .links import answer_url


def _context(invitation: Invitation, language: str, *, with_link: bool = True) -> dict[str, Any]:
    # Called under ``force_locale(language)``: the formatters and labels follow the mail language.
    event = invitation.event
    settings = settings_from_config(current_app.config, language=language)
    return {
        "event": event,
        "unit": invitation.unit,
        "unit_name": invitation.unit.text("name", language),
        "invitation": invitation,
        "language": language,
        "title": event.text("title", language),
        "kind": kind_label(event.kind),
        "when": when_text(event),
        "zone": event.timezone,
        "where": event_location(event, language),
        "presiding": event.presiding.title_line(language) if event.presiding is not None else "",
        "deadline": local_datetime(event.answers_close_at, zone=event.zone, language=language),
        "answer_url": answer_url(invitation) if with_link else "",
        "event_url": settings.event_url(event),
        "organizer_name": settings.organizer_name,
        "organizer_email": settings.organizer_email,
        "organisation": organisation_name(language),
    }


def contact_addresses(unit: Unit) -> list[str]:
    """The addresses a unit's emails go to: its contact emails, blanks left out."""
    return [address.strip() for address in unit.contact_emails or [] if address.strip()]


def _compose(to: list[str], *, kind: str, subject: str, context: dict[str, Any], calendar: bytes | None = None,
             calendar_method: str = "REQUEST") -> EmailMessage:
    config = current_app.config
    return compose_email(
        sender=mailbox(config["ORGANIZER_NAME"], config["MAIL_FROM"]) if config.get("ORGANIZER_NAME")
        else config["MAIL_FROM"],
        to=to,
        subject=" ".join(subject.split()),
        text=render_template(f"emails/{kind}.txt", **context),
        html=render_template(f"emails/{kind}.html", **context),
        calendar=calendar,
        calendar_method=calendar_method,
        reply_to=config.get("ORGANIZER_EMAIL") or None,
    )


def queue_invitations(invitations: Sequence[Invitation]) -> int:
    """Queue the invitation email to each of ``invitations`` that has contacts (one INSERT for all).

    The mail worker composes them (:func:`compose_invitation`); returns how many were queued.
    """
    return queue_for_composition("invitation", [(i, contact_addresses(i.unit)) for i in invitations])


def queue_reminders(invitations: Sequence[Invitation]) -> int:
    """Queue a reminder to each of ``invitations`` that has contacts, composed later (:func:`compose_reminder`)."""
    return queue_for_composition("reminder", [(i, contact_addresses(i.unit)) for i in invitations])


def compose_invitation(draft: Draft) -> EmailMessage | None:
    """The invitation email: essentials, answer link and the iCalendar invitation (METHOD:REQUEST).

    ``None`` (not sent) when the event was cancelled before the email was composed: the unit gets the
    cancellation notice instead.
    """
    invitation = draft.invitation
    if invitation.event.status == EventStatus.CANCELLED:
        return None
    language = mail_language()
    with force_locale(language):
        context = _context(invitation, language)
        settings = settings_from_config(current_app.config, language=language)
        ics = build_invitation_ics(invitation.event, invitation, method="REQUEST", settings=settings)
        subject = _("Invitation: %(title)s, %(when)s", title=context["title"], when=context["when"])
        return _compose(draft.to, kind="invitation", subject=subject, context=context, calendar=ics,
                        calendar_method="REQUEST")


def compose_reminder(draft: Draft) -> EmailMessage | None:
    """A reminder to answer, with the answer link and the deadline.

    ``None`` (not sent) when the unit has answered or the event was cancelled before it was composed.
    """
    invitation = draft.invitation
    if invitation.answered or invitation.event.status == EventStatus.CANCELLED:
        return None
    language = mail_language()
    with force_locale(language):
        context = _context(invitation, language)
        subject = _("Please answer by %(deadline)s: %(title)s", deadline=context["deadline"], title=context["title"])
        return _compose(draft.to, kind="reminder", subject=subject, context=context)


def queue_withdrawal(invitation: Invitation) -> OutboxMessage:
    """Queue the notice that an invitation was withdrawn, with METHOD:CANCEL for the unit's calendar.

    Composed at once: the invitation it is made from is about to be deleted.
    """
    language = mail_language()
    with force_locale(language):
        context = _context(invitation, language, with_link=False)
        settings = settings_from_config(current_app.config, language=language)
        ics = build_invitation_ics(invitation.event, invitation, method="CANCEL", settings=settings)
        subject = _("Invitation withdrawn: %(title)s", title=context["title"])
        message = _compose(contact_addresses(invitation.unit), kind="withdrawal", subject=subject,
                           context=context, calendar=ics, calendar_method="CANCEL")
    # The invitation row is about to be deleted; the message stays tied to the event only.
    return queue_email(message, kind="withdrawal", event=invitation.event)
