"""``/api/v1/series``: events held together (e.g. for an anniversary) — what the series pages do.

Same rules as the pages (``SeriesDetails`` and ``series_problems`` through ``create_series``/``update_series``) and
the same access: every signed-in role reads, organisers and admins write. A series' answer carries the first page
of its events that the caller may see; ``events_next_cursor`` continues that list at
``GET /api/v1/events?series_id=<id>&cursor=…``, so the answer stays bounded however many years the series spans.
"""

from __future__ import annotations

from typing import Any

from ..auth.access import EVERYONE, ORGANISERS
from ..bounds import RECORD_ID
from ..events import services
from ..extensions import db
from ..models import Series
from . import fields as f
from .access import token_required
from .blueprint import Blueprint
from .events import EventSchema, events_page
from .pagination import DEFAULT_LIMIT, Page, PageArgs, keyset_page, page_schema
from .problems import abort, refusals_as_problems

blp = Blueprint("api_series", __name__, url_prefix="/api/v1/series",
                description="Series of events, e.g. those of one anniversary, with the date they remember.")

_TITLE_LENGTH = f.column_length(Series.__table__.c.title)


class SeriesSchema(f.Strict):
    """A series as the API shows it."""

    id = f.Integer(dump_only=True)
    title = f.Texts(required=True, max_length=_TITLE_LENGTH)
    description = f.Texts(primary_required=False, load_default=dict, max_length=services.DESCRIPTION_LENGTH)
    commemorated_on = f.Date(load_default=None, allow_none=True, metadata={
        "description": "The day remembered; events of the series count their anniversary from its year.",
        "example": "1992-02-26"})


class SeriesDetailSchema(SeriesSchema):
    """A series with the first page of its events (those the caller may see), by start."""

    events = f.List(f.Nested(EventSchema), dump_only=True,
                    metadata={"description": f"The first {DEFAULT_LIMIT} events of the series, by start."})
    events_next_cursor = f.String(dump_only=True, allow_none=True, metadata={
        "description": "Pass as `cursor` to `GET /api/v1/events?series_id=<id>` for the rest; null when none."})


SeriesPageSchema = page_schema(SeriesSchema, "SeriesPage")


def _dump(series: Series) -> dict[str, Any]:
    return {"id": series.id, "title": series.texts("title"), "description": series.texts("description"),
            "commemorated_on": series.commemorated_on}


def _dump_with_events(series: Series) -> dict[str, Any]:
    """The series and the first page of its events; the ETag is the series' own (its events have theirs)."""
    own = _dump(series)
    blp.set_etag(own, SeriesSchema)
    events = events_page(services.EventFilters(when="all", series_id=series.id), limit=DEFAULT_LIMIT, cursor=None)
    return {**own, "events": events.items, "events_next_cursor": events.next_cursor}


def _series_or_404(series_id: int) -> Series:
    series = db.session.get(Series, series_id) if series_id in RECORD_ID else None
    if series is None:
        abort(404)
    return series


def _details(values: dict[str, Any]) -> services.SeriesDetails:
    title, title_translations = f.split_texts(values["title"])
    description, description_translations = f.split_texts(values.get("description"))
    return services.SeriesDetails(
        title=title.strip(), description=description.strip(), commemorated_on=values.get("commemorated_on"),
        translations={"title": title_translations, "description": description_translations},
    )


@blp.route("", methods=["GET"])
@token_required(*EVERYONE)
@blp.arguments(PageArgs, location="query")
@blp.response(200, SeriesPageSchema)
def list_series(args: dict[str, Any]) -> Page[dict[str, Any]]:
    """Every series, in the order they were added."""
    page = keyset_page(services.series_query(), [Series.id], lambda series: (series.id,),
                       limit=args["limit"], cursor=args["cursor"])
    return Page([_dump(series) for series in page.items], page.next_cursor)


@blp.route("", methods=["POST"])
@token_required(*ORGANISERS)
@blp.etag
@blp.arguments(SeriesSchema)
@blp.response(201, SeriesSchema)
def create_series(values: dict[str, Any]) -> dict[str, Any]:
    """Add a series."""
    with refusals_as_problems():
        series = services.create_series(_details(values))
    return _dump(series)


@blp.route("/<int:series_id>", methods=["GET"])
@token_required(*EVERYONE)
@blp.etag
@blp.response(200, SeriesDetailSchema)
def get_series(series_id: int) -> dict[str, Any]:
    """One series with the first page of its events."""
    return _dump_with_events(_series_or_404(series_id))


@blp.route("/<int:series_id>", methods=["PATCH"])
@token_required(*ORGANISERS)
@blp.etag
@blp.arguments(SeriesSchema(partial=True))
@blp.response(200, SeriesDetailSchema)
def update_series(changes: dict[str, Any], series_id: int) -> dict[str, Any]:
    """Change a series; send its ETag in If-Match. Texts given replace those languages' texts only."""
    series = _series_or_404(series_id)
    current = _dump(series)
    blp.check_etag(current, SeriesSchema)
    for name in ("title", "description"):
        if name in changes:
            changes[name] = f.merged_texts(series, name, changes[name])
    with refusals_as_problems():
        services.update_series(series, _details({**current, **changes}))
    return _dump_with_events(series)

