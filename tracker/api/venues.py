"""``/api/v1/venues``: halls and rooms events take place in — what the directory pages do, for other systems.

Same rules as the pages (``tracker.directory.services``, capacity within ``tracker.bounds.VENUE_CAPACITY``) and
the same access: organisers and admins.
"""

from __future__ import annotations

from typing import Any

from ..auth.access import ORGANISERS
from ..bounds import VENUE_CAPACITY
from ..directory import services
from ..extensions import db
from ..models import Venue
from . import fields as f
from .access import token_required
from .blueprint import Blueprint
from .pagination import Page, PageArgs, keyset_page, page_schema
from .problems import refusals_as_problems

blp = Blueprint("api_venues", __name__, url_prefix="/api/v1/venues",
                description="Halls and rooms where events take place, with their capacity.")

_NAME_LENGTH = f.column_length(Venue.__table__.c.name)


class VenueSchema(f.Strict):
    """A venue as the API shows it."""

    id = f.Integer(dump_only=True, metadata={"example": 3})
    name = f.Texts(required=True, max_length=_NAME_LENGTH)
    address = f.Texts(max_length=services.VENUE_ADDRESS_LENGTH, primary_required=False, load_default=dict,
                      metadata={"description": "Address per language; optional."})
    # The range is the service's (a refusal names ``capacity``); the spec states it for the reader.
    capacity = f.Integer(allow_none=True, load_default=None,
                         metadata={"description": f"Seats or standing places ({VENUE_CAPACITY.low}–"
                                                  f"{VENUE_CAPACITY.high}); null when unknown.",
                                   "minimum": VENUE_CAPACITY.low, "maximum": VENUE_CAPACITY.high,
                                   "example": 250})


VenuePageSchema = page_schema(VenueSchema, "VenuePage")


def _dump(venue: Venue) -> dict[str, Any]:
    return {"id": venue.id, "name": venue.texts("name"), "address": venue.texts("address"),
            "capacity": venue.capacity}


def _venue_or_404(venue_id: int) -> Venue:
    return db.get_or_404(Venue, venue_id)


def _details(values: dict[str, Any]) -> services.VenueDetails:
    name, name_translations = f.split_texts(values["name"])
    address, address_translations = f.split_texts(values.get("address"))
    return services.VenueDetails(name=name, address=address, capacity=values.get("capacity"),
                                 translations={"name": name_translations, "address": address_translations})


@blp.route("", methods=["GET"])
@token_required(*ORGANISERS)
@blp.arguments(PageArgs, location="query")
@blp.response(200, VenuePageSchema)
def list_venues(args: dict[str, Any]) -> Page[dict[str, Any]]:
    """Every venue, by name (the primary language's) then id."""
    page = keyset_page(services.venues_query(), [Venue.name, Venue.id], lambda venue: (venue.name, venue.id),
                       limit=args["limit"], cursor=args["cursor"])
    return Page([_dump(venue) for venue in page.items], page.next_cursor)


@blp.route("", methods=["POST"])
@token_required(*ORGANISERS)
@blp.etag
@blp.arguments(VenueSchema)
@blp.response(201, VenueSchema)
def create_venue(values: dict[str, Any]) -> dict[str, Any]:
    """Add a venue; the answer carries the new ``id``."""
    with refusals_as_problems():
        venue = services.create_venue(_details(values))
    return _dump(venue)


@blp.route("/<int:venue_id>", methods=["GET"])
@token_required(*ORGANISERS)
@blp.etag
@blp.response(200, VenueSchema)
@blp.alt_response(404, response="NOT_FOUND")
def get_venue(venue_id: int) -> dict[str, Any]:
    """One venue, by id."""
    return _dump(_venue_or_404(venue_id))


@blp.route("/<int:venue_id>", methods=["PATCH"])
@token_required(*ORGANISERS)
@blp.etag
@blp.arguments(VenueSchema(partial=True))
@blp.response(200, VenueSchema)
@blp.alt_response(404, response="NOT_FOUND")
def update_venue(changes: dict[str, Any], venue_id: int) -> dict[str, Any]:
    """Change a venue; send its ETag in If-Match. Texts given replace those languages' texts only (an empty text
    removes one); ``capacity: null`` forgets the capacity."""
    venue = _venue_or_404(venue_id)
    current = _dump(venue)
    blp.check_etag(current, VenueSchema)
    for name in ("name", "address"):
        if name in changes:
            changes[name] = f.merged_texts(venue, name, changes[name])
    with refusals_as_problems():
        services.update_venue(venue, _details({**current, **changes}))
    return _dump(venue)
