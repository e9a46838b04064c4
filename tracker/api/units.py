"""``/api/v1/units``: the units invitations go to — what the directory pages do, for the HR system.

Same rules as the pages (``tracker.directory.services``) and the same access: organisers and admins.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext

from ..auth.access import ORGANISERS
from ..directory import services
from ..models import Unit
from . import fields as f
from .access import token_required
from .blueprint import Blueprint
from .pagination import Page, PageArgs, keyset_page, page_schema
from .problems import abort, refusals_as_problems

blp = Blueprint("api_units", __name__, url_prefix="/api/v1/units",
                description="Departments and regional offices: who is invited and who answers.")

_CODE_LENGTH = f.column_length(Unit.__table__.c.code)
_NAME_LENGTH = f.column_length(Unit.__table__.c.name)


class UnitSchema(f.Strict):
    """A unit as the API shows it."""

    code = f.String(required=True, validate=f.Length(min=1, max=_CODE_LENGTH),
                    metadata={"description": "Short stable code (letters, digits, - and _), stored upper-case.",
                              "example": "CIT"})
    name = f.Texts(required=True, max_length=_NAME_LENGTH)
    parent_code = f.String(allow_none=True, load_default=None, validate=f.Length(max=_CODE_LENGTH),
                           metadata={"description": "Code of the parent unit (regional offices), or null."})
    contact_emails = f.List(f.String(validate=f.Length(max=320)), load_default=list, validate=f.Length(max=50),
                            metadata={"description": "Addresses that receive invitations, reminders and updates."})
    active = f.Boolean(load_default=True)
    language = f.String(load_default=None, allow_none=True, validate=f.Length(max=8),
                        metadata={"description": "Language of what is sent to the unit (az, ru, en); the primary "
                                                 "language when not given."})


UnitPageSchema = page_schema(UnitSchema, "UnitPage")


def _dump(unit: Unit) -> dict[str, Any]:
    return {"code": unit.code, "name": unit.texts("name"), "parent_code": unit.parent.code if unit.parent else None,
            "contact_emails": list(unit.contact_emails or []), "active": unit.active, "language": unit.language}


def _unit_or_404(code: str) -> Unit:
    unit = services.find_unit_by_code(code)
    if unit is None:
        abort(404)
    return unit


def _parent_id(code: str | None) -> int | None:
    if not code:
        return None
    parent = services.find_unit_by_code(code)
    if parent is None:
        abort(422, errors={"parent_code": [gettext("No unit has the code %(code)s.", code=code)]})
    return parent.id


def _details(values: dict[str, Any]) -> services.UnitDetails:
    name, translations = f.split_texts(values["name"])
    return services.UnitDetails(
        code=values["code"], name=name, parent_id=_parent_id(values.get("parent_code")),
        contact_emails=values.get("contact_emails") or [], active=values.get("active", True),
        translations={"name": translations}, language=values.get("language"),
    )


#: The services' field names where the API's differ.
_RENAMED = {"parent_id": "parent_code"}


@blp.route("", methods=["GET"])
@token_required(*ORGANISERS)
@blp.arguments(PageArgs, location="query")
@blp.response(200, UnitPageSchema)
def list_units(args: dict[str, Any]) -> Page[dict[str, Any]]:
    """Every unit, active or not, by code."""
    page = keyset_page(services.units_query(), [Unit.code, Unit.id], lambda unit: (unit.code, unit.id),
                       limit=args["limit"], cursor=args["cursor"])
    return Page([_dump(unit) for unit in page.items], page.next_cursor)


@blp.route("", methods=["POST"])
@token_required(*ORGANISERS)
@blp.etag
@blp.arguments(UnitSchema)
@blp.response(201, UnitSchema)
def create_unit(values: dict[str, Any]) -> dict[str, Any]:
    """Add a unit; codes are unique whatever their case."""
    with refusals_as_problems(_RENAMED):
        unit = services.create_unit(_details(values))
    return _dump(unit)


@blp.route("/<code>", methods=["GET"])
@token_required(*ORGANISERS)
@blp.etag
@blp.response(200, UnitSchema)
def get_unit(code: str) -> dict[str, Any]:
    """One unit, by code (any case)."""
    return _dump(_unit_or_404(code))


@blp.route("/<code>", methods=["PATCH"])
@token_required(*ORGANISERS)
@blp.etag
@blp.arguments(UnitSchema(partial=True))
@blp.response(200, UnitSchema)
def update_unit(changes: dict[str, Any], code: str) -> dict[str, Any]:
    """Change a unit; send its ETag in If-Match. Texts given replace those languages' texts only."""
    unit = _unit_or_404(code)
    current = _dump(unit)
    blp.check_etag(current, UnitSchema)
    if "name" in changes:
        changes["name"] = f.merged_texts(unit, "name", changes["name"])
    with refusals_as_problems(_RENAMED):
        services.update_unit(unit, _details({**current, **changes}))
    return _dump(unit)
