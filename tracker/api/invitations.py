"""``/api/v1/events/{id}/invitations``: inviting units, their answers and check-in, for the intranet and scripts.

The same rules as the attendance pages (``tracker.attendance.services``): organisers and admins invite and
record check-in; a representative answers for its own unit only (another unit's invitation is not found, 404),
an organiser on any unit's behalf. Answers go through ``record_answer`` with the channel ``api`` and the token's
owner, so the invitation's history says who answered and how.

Each invitation's ETag is made from its ``version`` (raised by every answer) and its check-in count: the
``etag`` member of an item and the ``ETag`` header of the item are the same string, to be sent back in
``If-Match``.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_smorest.exceptions import PreconditionFailed
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from ..attendance import services
from ..attendance.views import ANSWERERS
from ..auth.access import ORGANISERS
from ..bounds import HEADCOUNT
from ..directory.services import find_unit_by_code, find_units_by_codes
from ..events.visibility import may_see
from ..extensions import db
from ..models import AnswerChannel, Event, Invitation, Role, Unit
from . import fields as f
from .access import api_user, token_required
from .blueprint import Blueprint
from .pagination import Page, PageArgs, keyset_page, page_schema
from .problems import abort, refusals_as_problems

blp = Blueprint("api_invitations", __name__, url_prefix="/api/v1/events",
                description="Units invited to an event, their answers and how many people came.")

#: More codes than units the agency has; a longer list is refused.
MAX_UNIT_CODES = 5_000


class InvitationSchema(f.Strict):
    """A unit's invitation to an event and its answer."""

    unit_code = f.String(required=True, metadata={"example": "CIT"})
    status = f.String(required=True, metadata={"description": "pending, accepted, tentative or declined."})
    headcount = f.Integer(allow_none=True, metadata={"description": "People the unit sends."})
    delegates = f.String(required=True, metadata={"description": "Delegate names, one per line."})
    note = f.String(required=True)
    actual_attendance = f.Integer(allow_none=True, metadata={"description": "People who came (check-in)."})
    walk_in = f.Boolean(required=True, metadata={"description": "Came without an invitation."})
    etag = f.String(required=True, metadata={"description": "The item's ETag, for If-Match."})
    answered_by = f.String(allow_none=True, metadata={"description": "Name of who answered; null by link or "
                                                                     "calendar reply."})
    answered_at = f.DateTime(allow_none=True)
    answered_via = f.String(allow_none=True, metadata={"description": "page, link, on_behalf, calendar or api."})


InvitationPageSchema = page_schema(InvitationSchema, "InvitationPage")


_CODE_LENGTH: int = f.column_length(Unit.__table__.c.code)


class InviteSchema(f.Strict):
    """Whom to invite: the units with these codes, or every active unit."""

    unit_codes = f.List(f.String(validate=f.Length(max=_CODE_LENGTH)),
                        validate=f.Length(max=MAX_UNIT_CODES), metadata={"example": ["CIT", "BAK"]})
    all = f.Boolean(metadata={"description": "true: every active unit."})


class InviteResultSchema(f.Strict):
    """What an invitation round did."""

    invited = f.List(f.Nested(InvitationSchema), required=True)
    already_invited = f.List(f.String(), required=True, metadata={"description": "Codes of units invited before."})
    no_contacts = f.List(f.String(), required=True,
                         metadata={"description": "Codes of newly invited units without a contact address (no email "
                                                  "could be sent)."})


class AnswerSchema(f.Strict):
    """A unit's answer (replaces the stored one)."""

    status = f.String(required=True, validate=f.OneOf([str(status) for status in services.ANSWER_STATUSES]))
    headcount = f.Integer(allow_none=True, load_default=None,
                          metadata={"description": "People the unit sends; required when attending, 0 when not."})
    delegates = f.String(load_default="", validate=f.Length(max=services.DELEGATES_LENGTH))
    note = f.String(load_default="", validate=f.Length(max=services.NOTE_LENGTH))


class CheckInSchema(f.Strict):
    """How many people came from the unit (null: not recorded)."""

    actual_attendance = f.Integer(required=True, allow_none=True,
                                  metadata={"description": f"People who came ({HEADCOUNT.low}–{HEADCOUNT.high})."})


def _etag_data(invitation: Invitation) -> dict[str, Any]:
    return {"invitation": invitation.id, "version": invitation.version,
            "actual_attendance": invitation.actual_attendance}


def _etag(invitation: Invitation) -> str:
    """The ETag header's value for ``invitation`` (as ``@blp.etag`` writes it from :func:`_etag_data`)."""
    return f'"{Blueprint._generate_etag(_etag_data(invitation))}"'  # noqa: SLF001  (the header's own rule)


def _dump(invitation: Invitation) -> dict[str, Any]:
    return {
        "unit_code": invitation.unit.code, "status": invitation.status, "headcount": invitation.headcount,
        "delegates": invitation.delegates or "", "note": invitation.note or "",
        "actual_attendance": invitation.actual_attendance, "walk_in": invitation.walk_in, "etag": _etag(invitation),
        "answered_by": invitation.answered_by.name if invitation.answered_by is not None else None,
        "answered_at": invitation.answered_at, "answered_via": invitation.answered_via,
    }


def _event_or_404(event_id: int) -> Event:
    event = db.session.get(Event, event_id, options=[selectinload(Event.venue)])
    if event is not None and may_see(api_user(), event):
        return event
    abort(404)


def _sees_own_unit_only() -> bool:
    """Whether the caller is a representative, who sees its own unit's invitations only (organisers see all)."""
    return api_user().role == Role.REPRESENTATIVE


def _invitation_or_404(event: Event, code: str) -> Invitation:
    """The event's invitation of the unit ``code`` (any case), if the caller may see it; 404 otherwise."""
    unit = find_unit_by_code(code)
    if unit is None:
        abort(404)
    query = (
        select(Invitation).where(Invitation.event_id == event.id, Invitation.unit_id == unit.id)
        .options(selectinload(Invitation.answered_by))
    )
    invitation = db.session.execute(query).scalar_one_or_none()
    if invitation is not None and (not _sees_own_unit_only() or invitation.unit_id == api_user().unit_id):
        return invitation
    abort(404)


def _current(invitation: Invitation) -> dict[str, Any]:
    """The stored answer as a 412 problem shows it (member ``current``)."""
    return {"current": InvitationSchema().dump(_dump(invitation))}


def _check_etag(invitation: Invitation) -> None:
    """412 with the current answer when If-Match is not the invitation's ETag (428 without: ``@blp.etag``)."""
    try:
        blp.check_etag(_etag_data(invitation))
    except PreconditionFailed:
        abort(412, problem_extra=_current(invitation))


@blp.route("/<int:event_id>/invitations", methods=["GET"])
@token_required(*ANSWERERS)
@blp.etag
@blp.arguments(PageArgs, location="query")
@blp.response(200, InvitationPageSchema)
def list_invitations(args: dict[str, Any], event_id: int) -> Page[dict[str, Any]]:
    """The event's invitations by unit code (walk-ins included); a representative sees its own unit's only."""
    event = _event_or_404(event_id)
    query = (
        select(Invitation).join(Invitation.unit).where(Invitation.event_id == event.id)
        .options(contains_eager(Invitation.unit), selectinload(Invitation.answered_by))
    )
    if _sees_own_unit_only():
        query = query.where(Invitation.unit_id == api_user().unit_id)
    page = keyset_page(query, [Unit.code, Invitation.id], lambda invitation: (invitation.unit.code, invitation.id),
                       limit=args["limit"], cursor=args["cursor"])
    return Page([_dump(invitation) for invitation in page.items], page.next_cursor)


def _units_named(codes: list[str]) -> list[Unit]:
    """The active units with ``codes`` (any case); 422 naming the codes no unit has, or whose unit is inactive."""
    wanted = {code.strip().lower() for code in codes}
    found = find_units_by_codes(wanted)
    errors = [gettext("No unit has the code %(code)s.", code=code) for code in sorted(wanted - set(found))]
    errors += [gettext("The unit %(code)s is not active.", code=unit.code)
               for key, unit in sorted(found.items()) if not unit.active]
    if errors:
        abort(422, errors={"unit_codes": errors})
    chosen = services.InviteDetails(scope=services.InviteScope.SELECTED, unit_ids=tuple(u.id for u in found.values()))
    return services.units_in_scope(chosen)


@blp.route("/<int:event_id>/invitations", methods=["POST"])
@token_required(*ORGANISERS)
@blp.etag
@blp.arguments(InviteSchema)
@blp.response(201, InviteResultSchema)
def invite(values: dict[str, Any], event_id: int) -> dict[str, Any]:
    """Invite the units with ``unit_codes``, or with ``all: true`` every active unit; units invited before are
    left alone. Their contacts are sent the invitation by email."""
    event = _event_or_404(event_id)
    everyone, codes = values.get("all") is True, values.get("unit_codes")
    if everyone == bool(codes) or (everyone and codes is not None):
        abort(422, errors={"_schema": [gettext("Give either unit_codes (at least one) or all: true.")]})
    if not services.answers_open(event):
        abort(409, message=gettext("This event does not take invitations now: it must be scheduled and its "
                                   "answer deadline still ahead."))
    units = (services.units_in_scope(services.InviteDetails(scope=services.InviteScope.ALL)) if everyone
             else _units_named(codes or []))
    try:
        result = services.invite_units(event, units, by_user=api_user())
    except services.AttendanceError as error:
        abort(409, message=error.translated())
    except IntegrityError:
        db.session.rollback()
        abort(409, message=gettext("Someone else invited units to this event at the same moment; nothing was "
                                   "changed. Check the list and invite again if needed."))
    return {"invited": [_dump(invitation) for invitation in result.invited],
            "already_invited": [unit.code for unit in result.already_invited],
            "no_contacts": [unit.code for unit in result.no_contacts]}


@blp.route("/<int:event_id>/invitations/<code>", methods=["GET"])
@token_required(*ANSWERERS)
@blp.etag
@blp.response(200, InvitationSchema)
def get_invitation(event_id: int, code: str) -> dict[str, Any]:
    """One unit's invitation and answer, by unit code, with its ETag."""
    invitation = _invitation_or_404(_event_or_404(event_id), code)
    blp.set_etag(_etag_data(invitation))
    return _dump(invitation)


@blp.route("/<int:event_id>/invitations/<code>", methods=["PUT"])
@token_required(*ANSWERERS)
@blp.etag
@blp.arguments(AnswerSchema)
@blp.response(200, InvitationSchema)
def answer(values: dict[str, Any], event_id: int, code: str) -> dict[str, Any]:
    """Answer for the unit (a representative for its own, an organiser on any unit's behalf); send the
    invitation's ETag in If-Match. A stale one is refused (412) with the current answer in ``current``."""
    event = _event_or_404(event_id)
    invitation = _invitation_or_404(event, code)
    _check_etag(invitation)
    if not services.may_be_answered(invitation):
        abort(409, message=gettext("Answers for this event are closed."))
    details = services.AnswerDetails(status=values["status"], headcount=values.get("headcount"),
                                     delegates=values.get("delegates") or "", note=values.get("note") or "")
    invitation_id = invitation.id
    with refusals_as_problems():
        missing = services.missing_headcount_problem(details.status, details.headcount)
        if missing is not None:
            raise missing
        try:
            services.record_answer(invitation, details, by_user=api_user(), via=AnswerChannel.API,
                                   expected_version=invitation.version)
        except services.StaleAnswer:
            db.session.rollback()  # someone else's answer was stored first: read it again to show it
            fresh = db.session.get(Invitation, invitation_id)
            assert fresh is not None
            abort(412, problem_extra=_current(fresh))
        except services.AnswersClosed as error:
            abort(409, message=error.translated())
    db.session.expire(invitation, ["answered_by"])
    blp.set_etag(_etag_data(invitation))
    return _dump(invitation)


@blp.route("/<int:event_id>/invitations/<code>", methods=["PATCH"])
@token_required(*ORGANISERS)
@blp.etag
@blp.arguments(CheckInSchema)
@blp.response(200, InvitationSchema)
def check_in(values: dict[str, Any], event_id: int, code: str) -> dict[str, Any]:
    """Record how many people came from the unit (check-in, scheduled or held events); send its ETag in If-Match."""
    event = _event_or_404(event_id)
    invitation = _invitation_or_404(event, code)
    _check_etag(invitation)
    renamed = {"": "actual_attendance", f"came_{invitation.id}": "actual_attendance"}
    with refusals_as_problems(renamed):
        try:
            services.record_check_in(event, {invitation.id: values["actual_attendance"]}, by_user=api_user())
        except services.CheckInClosed as error:
            abort(409, message=error.translated())
    blp.set_etag(_etag_data(invitation))
    return _dump(invitation)
