"""``/api/v1/events/{id}/agenda``: an event's programme, read and replaced as one ordered list.

Same rules as the agenda page (``tracker.events.services``): organisers and admins change it, and whoever may
open the event's page may read it. Replacing the agenda, like editing it on the page, leaves the event's
SEQUENCE alone and queues nothing (``replace_agenda``). The page's warning about a speaker who is elsewhere at
the same time is not given here: there is no one to show it to before saving.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext

from ..auth.access import EVERYONE, ORGANISERS
from ..bounds import RECORD_ID
from ..events import services
from ..events.visibility import may_see
from ..models import AgendaItem, AgendaKind, Event
from . import fields as f
from .access import api_user, token_required
from .blueprint import Blueprint
from .pagination import Page, page_schema
from .problems import abort

blp = Blueprint("api_agenda", __name__, url_prefix="/api/v1/events",
                description="An event's agenda: its items in order, with kinds, speakers and times.")

_TITLE_LENGTH: int = f.column_length(AgendaItem.__table__.c.title)
#: More items than any programme has; a longer list is refused rather than stored.
MAX_ITEMS = 200


class AgendaItemSchema(f.Strict):
    """One agenda item; its place in the list is its position."""

    kind = f.String(required=True, validate=f.OneOf([kind.value for kind in AgendaKind]),
                    metadata={"example": "speech"})
    title = f.Texts(required=True, max_length=_TITLE_LENGTH)
    speaker_id = f.Integer(allow_none=True, load_default=None, validate=f.Range(min=RECORD_ID.low, max=RECORD_ID.high),
                           metadata={"description": "Id of the speaker in `/people`, or null."})
    starts_at = f.Time(allow_none=True, load_default=None,
                       metadata={"description": "Planned local start (the event's time zone); null: right after "
                                                "the item before.", "example": "10:15"})
    duration_minutes = f.Integer(allow_none=True, load_default=None,
                                 metadata={"description": "Minutes (1–1440), or null."})
    notes = f.String(load_default="", validate=f.Length(max=services.AGENDA_NOTES_LENGTH))


def _dump_item(item: AgendaItem) -> dict[str, Any]:
    return {"kind": item.kind, "title": item.texts("title"), "speaker_id": item.speaker_id,
            "starts_at": item.planned_start, "duration_minutes": item.duration_minutes, "notes": item.notes}


AgendaPageSchema = page_schema(AgendaItemSchema, "AgendaPage")


def _page(event: Event) -> Page[dict[str, Any]]:
    """The agenda as every list answers, ``{items, next_cursor}``: one page, since it holds at most
    :data:`MAX_ITEMS` items (``next_cursor`` null)."""
    return Page([_dump_item(item) for item in sorted(event.agenda, key=lambda item: item.position)], None)


def _event_or_404(event_id: int) -> Event:
    event = services.event_for_page(event_id)
    if event is not None and may_see(api_user(), event):
        return event
    abort(404)


def _details(values: dict[str, Any]) -> services.AgendaItemDetails:
    title, translations = f.split_texts(values["title"])
    return services.AgendaItemDetails(
        kind=values["kind"], title=title.strip(), speaker_id=values.get("speaker_id"),
        planned_start=values.get("starts_at"), duration_minutes=values.get("duration_minutes"),
        notes=(values.get("notes") or "").strip(), translations={"title": translations},
    )


#: The services' field names where the API's differ.
_RENAMED = {"planned_start": "starts_at"}


def _refuse_items(items: list[dict[str, Any]]) -> list[services.AgendaItemDetails]:
    """The items as the service takes them; 422 naming each refused item's field (``2.title``) otherwise."""
    errors: dict[str, list[str]] = {}
    if len(items) > MAX_ITEMS:
        abort(422, errors={"_schema": [gettext("At most %(max)s characters or items.", max=MAX_ITEMS)]})
    details = [_details(values) for values in items]
    for index, problems in enumerate(services.agenda_problems(details)):
        for problem in problems:
            field = _RENAMED.get(problem.field or "", problem.field or "_schema")
            errors.setdefault(f"{index}.{field}", []).append(problem.translated())
    if errors:
        abort(422, errors=errors)
    return details


@blp.route("/<int:event_id>/agenda", methods=["GET"])
@token_required(*EVERYONE)
@blp.etag
@blp.response(200, AgendaPageSchema)
def get_agenda(event_id: int) -> Page[dict[str, Any]]:
    """The agenda in order (whoever may see the event), as one page: at most 200 items, so `next_cursor` is null."""
    return _page(_event_or_404(event_id))


@blp.route("/<int:event_id>/agenda", methods=["PUT"])
@token_required(*ORGANISERS)
@blp.etag
@blp.arguments(AgendaItemSchema(many=True))
@blp.response(200, AgendaPageSchema)
def replace_agenda(items: list[dict[str, Any]], event_id: int) -> Page[dict[str, Any]]:
    """Replace the whole agenda with the list given, in its order; send the agenda's ETag in If-Match. Answers the
    new agenda as `GET` does."""
    event = _event_or_404(event_id)
    blp.check_etag(_page(event), AgendaPageSchema)
    services.replace_agenda(event, _refuse_items(items))
    return _page(event)
