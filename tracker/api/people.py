"""``/api/v1/people``: speakers and officials — what the directory pages do, for the HR system.

Same rules as the pages (``tracker.directory.services``) and the same access: organisers and admins. A person
an agenda or an event still names cannot be deleted (409), as on the pages.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext

from ..auth.access import ORGANISERS
from ..directory import services
from ..directory.services import DirectoryError
from ..extensions import db
from ..models import Person, Unit
from . import fields as f
from .access import token_required
from .blueprint import Blueprint
from .pagination import Page, PageArgs, keyset_page, page_schema
from .problems import abort, refusals_as_problems

blp = Blueprint("api_people", __name__, url_prefix="/api/v1/people",
                description="Speakers and officials: reused from agenda to agenda and as presiding officials.")

_NAME_LENGTH = f.column_length(Person.__table__.c.full_name)
_RANK_LENGTH = f.column_length(Person.__table__.c.rank)
_POSITION_LENGTH = f.column_length(Person.__table__.c.position)
_CODE_LENGTH = f.column_length(Unit.__table__.c.code)


class PersonSchema(f.Strict):
    """A person as the API shows it."""

    id = f.Integer(dump_only=True, metadata={"example": 7})
    full_name = f.Texts(required=True, max_length=_NAME_LENGTH)
    rank = f.Texts(max_length=_RANK_LENGTH, primary_required=False, load_default=dict,
                   metadata={"description": "Rank per language, printed before the name (e.g. major-general); "
                                            "optional."})
    position = f.Texts(max_length=_POSITION_LENGTH, primary_required=False, load_default=dict,
                       metadata={"description": "Position per language (e.g. Deputy Head of the Service); "
                                                "optional."})
    unit_code = f.String(allow_none=True, load_default=None, validate=f.Length(max=_CODE_LENGTH),
                         metadata={"description": "Code of the person's unit, or null for a guest from outside "
                                                  "the agency.", "example": "CIT"})


PersonPageSchema = page_schema(PersonSchema, "PersonPage")


def _dump(person: Person) -> dict[str, Any]:
    return {"id": person.id, "full_name": person.texts("full_name"), "rank": person.texts("rank"),
            "position": person.texts("position"), "unit_code": person.unit.code if person.unit else None}


def _person_or_404(person_id: int) -> Person:
    return db.get_or_404(Person, person_id)


def _unit_id(code: str | None) -> int | None:
    if not code:
        return None
    unit = services.find_unit_by_code(code)
    if unit is None:
        abort(422, errors={"unit_code": [gettext("No unit has the code %(code)s.", code=code)]})
    return unit.id


def _details(values: dict[str, Any]) -> services.PersonDetails:
    full_name, name_translations = f.split_texts(values["full_name"])
    rank, rank_translations = f.split_texts(values.get("rank"))
    position, position_translations = f.split_texts(values.get("position"))
    return services.PersonDetails(
        full_name=full_name, rank=rank, position=position, unit_id=_unit_id(values.get("unit_code")),
        translations={"full_name": name_translations, "rank": rank_translations,
                      "position": position_translations},
    )


#: The services' field names where the API's differ.
_RENAMED = {"unit_id": "unit_code"}


@blp.route("", methods=["GET"])
@token_required(*ORGANISERS)
@blp.arguments(PageArgs, location="query")
@blp.response(200, PersonPageSchema)
def list_people(args: dict[str, Any]) -> Page[dict[str, Any]]:
    """Every person, by name (the primary language's) then id."""
    page = keyset_page(services.people_query(), [Person.full_name, Person.id],
                       lambda person: (person.full_name, person.id), limit=args["limit"], cursor=args["cursor"])
    return Page([_dump(person) for person in page.items], page.next_cursor)


@blp.route("", methods=["POST"])
@token_required(*ORGANISERS)
@blp.etag
@blp.arguments(PersonSchema)
@blp.response(201, PersonSchema)
def create_person(values: dict[str, Any]) -> dict[str, Any]:
    """Add a speaker or official; the answer carries the new ``id``."""
    with refusals_as_problems(_RENAMED):
        person = services.create_person(_details(values))
    return _dump(person)


@blp.route("/<int:person_id>", methods=["GET"])
@token_required(*ORGANISERS)
@blp.etag
@blp.response(200, PersonSchema)
@blp.alt_response(404, response="NOT_FOUND")
def get_person(person_id: int) -> dict[str, Any]:
    """One person, by id."""
    return _dump(_person_or_404(person_id))


@blp.route("/<int:person_id>", methods=["PATCH"])
@token_required(*ORGANISERS)
@blp.etag
@blp.arguments(PersonSchema(partial=True))
@blp.response(200, PersonSchema)
@blp.alt_response(404, response="NOT_FOUND")
def update_person(changes: dict[str, Any], person_id: int) -> dict[str, Any]:
    """Change a person; send its ETag in If-Match. Texts given replace those languages' texts only (an empty
    text removes one); every agenda they speak in shows the new rank and position."""
    person = _person_or_404(person_id)
    current = _dump(person)
    blp.check_etag(current, PersonSchema)
    for name in ("full_name", "rank", "position"):
        if name in changes:
            changes[name] = f.merged_texts(person, name, changes[name])
    with refusals_as_problems(_RENAMED):
        services.update_person(person, _details({**current, **changes}))
    return _dump(person)


@blp.route("/<int:person_id>", methods=["DELETE"])
@token_required(*ORGANISERS)
@blp.etag
@blp.response(204)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def delete_person(person_id: int) -> None:
    """Delete a person; send its ETag in If-Match. Refused (409) while an agenda or an event names them."""
    person = _person_or_404(person_id)
    blp.check_etag(_dump(person), PersonSchema)
    try:
        services.delete_person(person)
    except DirectoryError as error:
        abort(409, message=error.translated())
