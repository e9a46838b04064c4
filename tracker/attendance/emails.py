"""What the attendance emails (invitation, reminder, withdrawal) say, and to whom; queued in the outbox.

Each email goes to all contact addresses of one unit (:func:`contact_addresses`), in the unit's language
(:func:`tracker.i18n.unit_language`), with the event's essentials and the unit's signed answer link, from the
sender every email to a unit has (:func:`compose_unit_email`). Nothing here commits: the message leaves only if
the change that caused it is committed.

Invitations and withdrawals carry an iCalendar message (METHOD:REQUEST so mail clients show
Accept/Decline; METHOD:CANCEL so the event leaves the unit's calendar). That part is the calendar area's, which
depends on this one, not the other way round: :mod:`tracker.calendar.notifications` builds it and asks
:func:`invitation_email` / :func:`withdrawal_email` for the rest. It composes the invitations queued here
(:func:`queue_invitations`) and sends the withdrawal when :data:`tracker.signals.invitation_withdrawn` says
that an invitation is being withdrawn.

Invitations and reminders go out in rounds to many units, so they are queued to be composed by the mail
worker (``tracker.mail.deferred``); :func:`compose_reminder` is the reminder's one composing function.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.message import EmailMessage
from typing import Any

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from ..events.display import when_text, where_text
from ..i18n import local_datetime, unit_language
from ..mail.compose import compose_email, mailbox
from ..mail.deferred import Draft, queue_for_composition
from ..models import Event, EventStatus, Invitation, Unit
from ..settings import settings as current_settings
from ..vocabulary import kind_label, organisation_name
from .links import answer_url


def _context(invitation: Invitation, language: str, *, with_link: bool = True) -> dict[str, Any]:
    # Called under ``force_locale(language)``: the formatters and labels follow the mail language.
    event = invitation.event
    settings = current_settings()
    return {
        "event": event,
        "unit": invitation.unit,
        "unit_name": invitation.unit.text("name", language),
        "invitation": invitation,
        "language": language,
        "title": event.text("title", language),
        "kind": kind_label(event.kind, language),
        "when": when_text(event),
        "zone": event.timezone,
        "where": where_text(event, language),
        "presiding": event.presiding.title_line(language) if event.presiding is not None else "",
        "deadline": local_datetime(event.answers_close_at, zone=event.zone, language=language),
        "answer_url": answer_url(invitation) if with_link else "",
        "event_url": _event_url(event),
        "organizer_name": settings.organizer(language),
        "organizer_email": settings.organizer_email,
        "organisation": organisation_name(language),
    }


def contact_addresses(unit: Unit) -> list[str]:
    """The addresses a unit's emails go to: its contact emails, blanks left out."""
    return [address.strip() for address in unit.contact_emails or [] if address.strip()]


def _event_url(event: Event) -> str:
    """The absolute address of the event's page (``Settings.site_url``: ``BASE_URL``, else the serving address)."""
    return current_settings().page_url("events.detail", event_id=event.id)


def compose_unit_email(to: list[str], *, template: str, subject: str, context: dict[str, Any],
                       calendar: bytes | None = None, calendar_method: str = "REQUEST") -> EmailMessage:
    """An email to a unit from ``templates/<template>.txt`` and ``.html``, with an optional iCalendar part.

    Every email to units has the same sender (the organiser's name at ``MAIL_FROM``) and Reply-To
    (``ORGANIZER_EMAIL``), so that threads and calendar replies stay together.
    """
    settings = current_settings()
    organizer_name = settings.organizer(str(context.get("language") or settings.mail_language))
    return compose_email(
        sender=mailbox(organizer_name, settings.mail_from) if organizer_name else settings.mail_from,
        to=to,
        subject=" ".join(subject.split()),
        text=render_template(f"{template}.txt", **context),
        html=render_template(f"{template}.html", **context),
        calendar=calendar,
        calendar_method=calendar_method,
        reply_to=settings.organizer_email or None,
    )


def queue_invitations(invitations: Sequence[Invitation]) -> int:
    """Queue the invitation email to each of ``invitations`` that has contacts (one INSERT for all).

    The mail worker composes them (``tracker.calendar.notifications.compose_invitation``, which adds the
    iCalendar invitation to :func:`invitation_email`); returns how many were queued.
    """
    return queue_for_composition("invitation", [(i, contact_addresses(i.unit)) for i in invitations])


def queue_reminders(invitations: Sequence[Invitation]) -> int:
    """Queue a reminder to each of ``invitations`` that has contacts, composed later (:func:`compose_reminder`)."""
    return queue_for_composition("reminder", [(i, contact_addresses(i.unit)) for i in invitations])


def invitation_email(invitation: Invitation, to: list[str], language: str, *, calendar: bytes) -> EmailMessage:
    """The invitation email in ``language``: essentials and answer link, carrying ``calendar`` (METHOD:REQUEST)."""
    with force_locale(language):
        context = _context(invitation, language)
        subject = _("Invitation: %(title)s, %(when)s", title=context["title"], when=context["when"])
        return compose_unit_email(to, template="emails/invitation", subject=subject, context=context,
                                  calendar=calendar, calendar_method="REQUEST")


def compose_reminder(draft: Draft) -> EmailMessage | None:
    """A reminder to answer, with the answer link and the deadline.

    ``None`` (not sent) when the unit has answered or the event was cancelled before it was composed.
    """
    invitation = draft.invitation
    if invitation.answered or invitation.event.status == EventStatus.CANCELLED:
        return None
    language = unit_language(invitation.unit)
    with force_locale(language):
        context = _context(invitation, language)
        subject = _("Please answer by %(deadline)s: %(title)s", deadline=context["deadline"], title=context["title"])
        return compose_unit_email(draft.to, template="emails/reminder", subject=subject, context=context)


def withdrawal_email(invitation: Invitation, to: list[str], language: str, *, calendar: bytes) -> EmailMessage:
    """The notice in ``language`` that ``invitation`` was withdrawn, carrying ``calendar`` (METHOD:CANCEL)."""
    with force_locale(language):
        context = _context(invitation, language, with_link=False)
        subject = _("Invitation withdrawn: %(title)s", title=context["title"])
        return compose_unit_email(to, template="emails/withdrawal", subject=subject, context=context,
                                  calendar=calendar, calendar_method="CANCEL")
