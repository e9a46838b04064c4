"""Attendance pages: the unit's home, answering (signed in or by signed link), the organisers' dashboard,
inviting, reminders and check-in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from ..auth.access import ORGANISERS, public, roles_required
from ..bounds import requested_page
from ..extensions import db
from ..forms import confirmation_page, confirmed
from ..i18n import current_language, local_datetime, open_page_in, unit_language
from ..mail.outbox import latest_messages_by_invitation
from ..models import AnswerChannel, Event, EventStatus, Invitation, Role, User
from ..models.types import utcnow
from ..pagecache import cached_page
from . import services
from .forms import AnswerForm, DeadlineForm, InviteForm, WalkInForm, check_in_form
from .links import LinkCheck, LinkProblem, check_answer_token

bp = Blueprint("attendance", __name__)

#: Everyone who may open an invitation page: organisers (on behalf) and representatives (their unit's).
ANSWERERS = (Role.ADMIN, Role.ORGANISER, Role.REPRESENTATIVE)

# --- Template helpers ----------------------------------------------------------------------------------
# The labels of answers, channels and history entries are in tracker.vocabulary.


def answered_by_text(invitation: Invitation) -> str:
    """Who gave the current answer: a person's name, or the unit when it came by link or calendar."""
    if invitation.answered_by is not None:
        return invitation.answered_by.name
    if invitation.answered_via == AnswerChannel.CALENDAR:
        return _("%(unit)s (calendar reply)", unit=invitation.unit.text("name", current_language()))
    return _("%(unit)s (emailed link)", unit=invitation.unit.text("name", current_language()))


def attendance_panel(event: Event) -> dict[str, Any]:
    """What the event page's attendance panel shows to the current user."""
    invitations = list(event.invitations)
    own = None
    if current_user.is_authenticated and current_user.role == Role.REPRESENTATIVE:
        own = next((i for i in invitations if i.unit_id == current_user.unit_id and not i.walk_in), None)
    return {
        "summary": services.summarise(event, invitations),
        "own": own,
        "open": services.answers_open(event),
        "organiser": current_user.is_authenticated and current_user.is_organiser,
        "staff": current_user.is_authenticated and current_user.role in (Role.ADMIN, Role.ORGANISER, Role.PRESS),
    }


# --- Loading with the access rule ----------------------------------------------------------------------


def _event_or_404(event_id: int) -> Event:
    return db.get_or_404(Event, event_id, options=[selectinload(Event.venue)])


def _visible_invitation(invitation_id: int) -> Invitation:
    """The invitation, if the current user may see it; 404 otherwise so that its existence does not leak."""
    invitation = db.session.get(
        Invitation, invitation_id,
        options=[selectinload(Invitation.event).selectinload(Event.venue), selectinload(Invitation.unit)],
    )
    if invitation is None:
        abort(404)
    if current_user.role == Role.REPRESENTATIVE and invitation.unit_id != current_user.unit_id:
        abort(404)
    return invitation


def _acting_user() -> User | None:
    return current_user._get_current_object() if current_user.is_authenticated else None  # noqa: SLF001


# --- Answering -----------------------------------------------------------------------------------------


def _answer_page(invitation: Invitation, *, via: str, by_user: User | None, template: str,
                 extra: Callable[[Invitation], dict[str, Any]] = lambda _i: {}) -> tuple[str, int] | Response:
    """Show and handle the answer form of ``invitation`` (shared by the signed-in page and the link).

    ``extra`` gives more template values once the outcome is known (the history, read after a conflict).
    """
    event = invitation.event
    form = AnswerForm(event=event)
    is_open = services.may_be_answered(invitation)
    status = 200
    conflict: dict[str, Any] | None = None
    if request.method == "POST" and not is_open:
        status = 409
    elif request.method == "POST" and form.validate_on_submit():
        try:
            changed = services.record_answer(invitation, form.details(), by_user=by_user, via=via,
                                             expected_version=form.expected_version)
        except services.StaleAnswer:
            db.session.rollback()  # someone else's answer won: read it again to show it
            invitation = db.session.get(Invitation, invitation.id)  # type: ignore[assignment]
            conflict = {
                "who": answered_by_text(invitation),
                "when": local_datetime(invitation.answered_at, zone=event.zone) if invitation.answered_at else "",
                "mine": {"status": form.status.data, "headcount": form.headcount.data,
                         "delegates": services.normalise_delegates(form.delegates.data), "note": form.note.data},
            }
            form = AnswerForm(formdata=None, event=event)
            form.fill_from(invitation)
            status = 409
        except services.AnswersClosed:
            is_open, status = False, 409
        except services.AttendanceError as error:
            form.add_error(error)
            status = 422
        else:
            flash(_("Your answer is saved.") if changed else _("Nothing changed: this is already the answer."),
                  "success")
            return redirect(request.path)
    elif request.method == "POST":
        status = 422
    else:
        form.fill_from(invitation)
    return render_template(
        template, invitation=invitation, event=event, form=form, is_open=is_open, conflict=conflict,
        via=via, **extra(invitation),
    ), status


@bp.route("/my")
@roles_required(Role.REPRESENTATIVE)
@cached_page
def unit_home() -> str:
    """A representative's start page (also shown at "/"): what awaits an answer first, then the unit's others."""
    return unit_home_page()


def unit_home_page() -> str:
    """The signed-in representative's unit page, at the page of past invitations the query string asks for."""
    unit = current_user.unit
    now = utcnow()
    lists = services.unit_home_lists(unit.id, now, requested_page(request.args)) if unit is not None else None
    return render_template("attendance/unit_home.html", unit=unit, lists=lists, now=now,
                           answers_open=services.answers_open)


@bp.route("/invitations/<int:invitation_id>", methods=["GET", "POST"])
@roles_required(*ANSWERERS)
def invitation(invitation_id: int) -> tuple[str, int] | Response:
    """A unit's invitation: the answer form and the history of changes.

    Representatives answer for their own unit; organisers answer on a unit's behalf.
    """
    found = _visible_invitation(invitation_id)
    via = AnswerChannel.ON_BEHALF if current_user.is_organiser else AnswerChannel.PAGE
    return _answer_page(found, via=via, by_user=_acting_user(), template="attendance/invitation.html",
                        extra=lambda shown: {"history": services.invitation_history(shown)})


@bp.route("/answer/<token>", methods=["GET", "POST"])
@public
def answer_by_link(token: str) -> Response:
    """The page an emailed answer link opens: one invitation's answer form, no password needed."""
    check = check_answer_token(token)
    if check.invitation is not None:
        # The unit's emails are in its language: the page they link to opens in it too, unless the visitor chose.
        open_page_in(unit_language(check.invitation.unit))
    response: tuple[str, int] | Response
    if not check.usable:
        response = _link_problem(check)
    else:
        invitation = check.invitation
        assert invitation is not None
        # Credit a signed-in representative of the unit by name; anyone else holding the link is "the unit".
        by_user = _acting_user()
        if by_user is not None and by_user.unit_id != invitation.unit_id:
            by_user = None
        response = _answer_page(invitation, via=AnswerChannel.LINK, by_user=by_user,
                                template="attendance/link.html")
    page = make_response(response)
    # The token is a password for this one invitation: keep it out of caches. Referer: the site-wide
    # same-origin policy (tracker.security) — ``no-referrer`` would fail the form's CSRF check over HTTPS.
    page.headers["Cache-Control"] = "no-store"
    return page


def _link_problem(check: LinkCheck) -> tuple[str, int]:
    status = 404 if check.problem == LinkProblem.INVALID else 410
    invitation = check.invitation
    return render_template("attendance/link_problem.html", problem=check.problem, invitation=invitation,
                           event=invitation.event if invitation else None), status


# --- Organisers: following and inviting -----------------------------------------------------------------


@bp.route("/events/<int:event_id>/attendance")
@roles_required(*ORGANISERS)
@cached_page
def dashboard(event_id: int) -> str:
    """Where an event stands: answers counted, people against capacity, who is silent, latest answers."""
    event = _event_or_404(event_id)
    lists = services.invitation_lists(event)
    return render_template(
        "attendance/dashboard.html", event=event, summary=services.summarise(event, lists.all),
        answered=lists.answered, pending=lists.pending, walk_ins=lists.walk_ins,
        mail=latest_messages_by_invitation(event.id),
        is_open=services.answers_open(event), can_withdraw=services.can_withdraw(event),
        interval_hours=services.reminder_interval().total_seconds() / 3600,
    )


def _invite_forms(event: Event, *, deadline_form: DeadlineForm | None = None) -> dict[str, Any]:
    """The invitation page's values: the round form (posted data, if any), the deadline form, the units."""
    offered = services.invite_candidates(event)
    form = InviteForm(candidates=offered.candidates, parents=offered.parents)
    if deadline_form is None:
        deadline_form = DeadlineForm(formdata=None, event=event)
        deadline_form.fill_from(event)
    return {"event": event, "form": form, "deadline_form": deadline_form, "candidates": offered.candidates,
            "invited_count": offered.invited_count, "can_invite": services.answers_open(event),
            "deadline_editable": event.status in (EventStatus.DRAFT, EventStatus.SCHEDULED)}


@bp.route("/events/<int:event_id>/attendance/invite", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def invite(event_id: int) -> tuple[str, int] | Response:
    """Invite all active units, a hand-picked set, or a parent unit with its sub-units; set the deadline."""
    event = _event_or_404(event_id)
    context = _invite_forms(event)
    form: InviteForm = context["form"]
    if request.method == "GET":
        return render_template("attendance/invite.html", **context), 200
    if not context["can_invite"]:
        abort(409, description=_("This event does not take invitations now: it must be scheduled and its answer "
                                 "deadline still ahead."))
    if not form.validate_on_submit():
        return render_template("attendance/invite.html", **context), 422
    units = services.units_in_scope(form.details())
    try:
        result = services.invite_units(event, units, by_user=_acting_user())
    except services.AttendanceError as error:
        abort(409, description=error.translated())
    except IntegrityError:
        # Someone invited some of the same units at the same moment (unique event × unit). The failed
        # statement leaves the transaction unusable: roll back before the redirect's commit.
        db.session.rollback()
        flash(_("Someone else invited units to this event at the same moment; nothing was changed. "
                "Check the list and invite again if needed."), "warning")
        return redirect(url_for("attendance.dashboard", event_id=event.id))
    flash(ngettext("%(num)s unit invited; its contacts will get the invitation by email.",
                   "%(num)s units invited; their contacts will get the invitation by email.",
                   len(result.invited)), "success")
    if result.already_invited:
        flash(ngettext("%(num)s unit was already invited.", "%(num)s units were already invited.",
                       len(result.already_invited)), "info")
    if result.no_contacts:
        flash(_("No contact address, so no email for: %(units)s. Tell them another way.",
                units=", ".join(unit.text("name", current_language()) for unit in result.no_contacts)), "warning")
    return redirect(url_for("attendance.dashboard", event_id=event.id))


@bp.route("/events/<int:event_id>/attendance/deadline", methods=["POST"])
@roles_required(*ORGANISERS)
def set_deadline(event_id: int) -> tuple[str, int] | Response:
    """Set or clear the answer deadline (local time of the event)."""
    event = _event_or_404(event_id)
    deadline_form = DeadlineForm(event=event)
    context = _invite_forms(event, deadline_form=deadline_form)
    if not context["deadline_editable"]:
        abort(409, description=_("The deadline of a held or cancelled event cannot change."))
    if deadline_form.apply(lambda: services.set_answer_deadline(event, deadline_form.deadline_instant(),
                                                                by_user=_acting_user())) is not None:
        flash(_("Answer deadline saved."), "success")
        return redirect(url_for("attendance.invite", event_id=event.id))
    return render_template("attendance/invite.html", **context), 422


@bp.route("/invitations/<int:invitation_id>/withdraw", methods=["POST"])
@roles_required(*ORGANISERS)
def withdraw(invitation_id: int) -> Response | tuple[str, int]:
    """Take back an unanswered invitation, once confirmed; the unit's contacts are told."""
    found = db.get_or_404(Invitation, invitation_id)
    event_id, unit_name = found.event_id, found.unit.text("name", current_language())
    if not confirmed():
        return confirmation_page(
            title=_("Withdraw the invitation of %(unit)s?", unit=unit_name),
            consequence=_("%(unit)s will be told that it is no longer invited to “%(event)s”.", unit=unit_name,
                          event=found.event.text("title", current_language())),
            yes=_("Yes, withdraw"), back=url_for("attendance.dashboard", event_id=event_id))
    try:
        services.withdraw_invitation(found, by_user=_acting_user())
    except services.AttendanceError as error:
        # Refused, and the redirect below commits: discard what the service wrote before it learnt (at its
        # flush) that the unit had just answered.
        db.session.rollback()
        flash(error.translated(), "error")
    else:
        flash(_("Invitation of %(unit)s withdrawn.", unit=unit_name), "success")
    return redirect(url_for("attendance.dashboard", event_id=event_id))


@bp.route("/events/<int:event_id>/attendance/remind", methods=["POST"])
@roles_required(*ORGANISERS)
def remind(event_id: int) -> Response:
    """Queue reminders to units without an answer; say how many, and why the others were skipped."""
    event = _event_or_404(event_id)
    try:
        result = services.remind_pending_units(event, by_user=_acting_user())
    except services.AttendanceError as error:
        flash(error.translated(), "error")
        return redirect(url_for("attendance.dashboard", event_id=event.id))
    hours = int(result.interval.total_seconds() // 3600)
    flash(ngettext("%(num)s reminder queued.", "%(num)s reminders queued.", len(result.queued)),
          "success" if result.queued else "info")
    if result.answered:
        flash(ngettext("Skipped %(num)s unit that has answered.", "Skipped %(num)s units that have answered.",
                       result.answered), "info")
    if result.recently_reminded:
        names = ", ".join(i.unit.text("name", current_language()) for i in result.recently_reminded)
        flash(ngettext("Skipped %(num)s unit reminded less than %(hours)s hours ago: %(units)s.",
                       "Skipped %(num)s units reminded less than %(hours)s hours ago: %(units)s.",
                       len(result.recently_reminded), hours=hours, units=names), "info")
    if result.no_contacts:
        names = ", ".join(i.unit.text("name", current_language()) for i in result.no_contacts)
        flash(ngettext("Skipped %(num)s unit without a contact address: %(units)s.",
                       "Skipped %(num)s units without a contact address: %(units)s.",
                       len(result.no_contacts), units=names), "warning")
    return redirect(url_for("attendance.dashboard", event_id=event.id))


# --- Check-in ------------------------------------------------------------------------------------------


def _check_in_context(event: Event, invitations: list[Invitation], *, form: Any = None,
                      walk_in_form: WalkInForm | None = None) -> dict[str, Any]:
    walk_in_units = services.walk_in_candidates(invitations)
    if form is None:
        form = check_in_form(invitations, formdata=None)
    if walk_in_form is None:
        walk_in_form = WalkInForm(formdata=None, units=walk_in_units)
    return {"event": event, "invitations": invitations, "by_id": {i.id: i for i in invitations},
            "form": form, "walk_in_form": walk_in_form,
            "walk_in_units": walk_in_units, "summary": services.summarise(event, invitations),
            "is_open": services.check_in_open(event)}


@bp.route("/events/<int:event_id>/check-in", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def check_in(event_id: int) -> tuple[str, int] | Response:
    """On the day: how many people came from each unit (one form, a number per unit)."""
    event = _event_or_404(event_id)
    invitations = services.event_invitations(event)
    if request.method == "GET":
        return render_template("attendance/check_in.html", **_check_in_context(event, invitations)), 200
    if not services.check_in_open(event):
        abort(409, description=_("Attendance can be recorded only for scheduled or held events."))
    form = check_in_form(invitations)
    changed = form.apply(lambda: services.record_check_in(event, form.changed_counts(request.form),
                                                          by_user=_acting_user()))
    if changed is None:
        return render_template("attendance/check_in.html", **_check_in_context(event, invitations, form=form)), 422
    flash(ngettext("%(num)s row saved.", "%(num)s rows saved.", changed) if changed else _("Nothing changed."),
          "success")
    return redirect(url_for("attendance.check_in", event_id=event.id))


@bp.route("/events/<int:event_id>/check-in/walk-in", methods=["POST"])
@roles_required(*ORGANISERS)
def add_walk_in(event_id: int) -> tuple[str, int] | Response:
    """Add a unit that came without an invitation, with its number of people."""
    event = _event_or_404(event_id)
    if not services.check_in_open(event):
        abort(409, description=_("Attendance can be recorded only for scheduled or held events."))
    invitations = services.event_invitations(event)
    context = _check_in_context(event, invitations)
    walk_in_form = WalkInForm(units=context["walk_in_units"])
    context["walk_in_form"] = walk_in_form
    try:
        added = walk_in_form.apply(lambda: services.add_walk_in(
            event, walk_in_form.chosen_unit(), walk_in_form.came.data, by_user=_acting_user()))
    except IntegrityError:
        # The same unit was added from another device at the same moment; the page shows the list again.
        db.session.rollback()
        walk_in_form.unit.errors = [*walk_in_form.unit.errors,
                                    _("This unit was added at the same moment from another device.")]
    else:
        if added is not None:
            flash(_("%(unit)s added as a walk-in.", unit=added.unit.text("name", current_language())), "success")
            return redirect(url_for("attendance.check_in", event_id=event.id))
    return render_template("attendance/check_in.html", **context), 422
