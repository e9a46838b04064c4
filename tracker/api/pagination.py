"""Lists of the API: ``{items, next_cursor}``, ``limit`` ≤ 200, an opaque ``cursor``, a stable order.

Keyset pagination: a list is ordered by columns that end with a unique one (the id), and the cursor carries the
last item's values of them; the next page reads ``WHERE (order columns) > (cursor values)``. So a page costs the
same in the tenth year as in the first (no OFFSET), and rows added meanwhile never shift a page.

A cursor is signed with the secret key and salted with the list's order columns, so the values in it are always
ones this list wrote, of the columns' types: a cursor changed by hand, or given by another list, is a 422 on
``cursor`` rather than a comparison the database refuses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

import marshmallow as ma
from flask_babel import lazy_gettext
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import Select, tuple_

from ..extensions import db
from ..settings import settings
from .fields import Integer, Length, Range, Strict, String
from .problems import abort

T = TypeVar("T")

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
#: Room for the longest cursor a list writes (a 200-character name in Cyrillic, its id and the signature).
MAX_CURSOR_LENGTH = 2000


class PageArgs(Strict):
    """``limit`` and ``cursor`` of every list."""

    limit = Integer(load_default=DEFAULT_LIMIT, validate=Range(min=1, max=MAX_LIMIT),
                              metadata={"description": "How many items at most (1–200)."})
    cursor = String(load_default=None, validate=Length(max=MAX_CURSOR_LENGTH),
                              metadata={"description": "`next_cursor` of the previous page; absent for the first."})


def page_schema(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """The schema of one page of ``item_schema`` items: ``{items: [...], next_cursor: str | null}``."""
    return ma.Schema.from_dict({
        "items": ma.fields.List(ma.fields.Nested(item_schema), required=True),
        "next_cursor": ma.fields.String(allow_none=True, required=True,
                                        metadata={"description": "Pass as `cursor` for the next page; null at "
                                                                 "the end."}),
    }, name=name)


@dataclass
class Page(Generic[T]):
    """One page of a list and the cursor of the next one (``None`` on the last page)."""

    items: list[T]
    next_cursor: str | None


_BAD_CURSOR = lazy_gettext("This cursor is not one this list gave; start again without it.")


def _serializer(order: Sequence[Any]) -> URLSafeSerializer:
    """Signs a list's cursors; the salt names the list's order columns, so no other list's cursor passes."""
    return URLSafeSerializer(settings().secret_key, salt="api-cursor:" + ",".join(str(column) for column in order),
                             serializer_kwargs={"ensure_ascii": False})


def _encode(values: Sequence[Any], order: Sequence[Any]) -> str:
    tagged = [{"d": value.isoformat()} if isinstance(value, datetime) else
              {"day": value.isoformat()} if isinstance(value, date) else value for value in values]
    return str(_serializer(order).dumps(tagged))


def _decode(cursor: str, order: Sequence[Any]) -> list[Any]:
    """The values ``cursor`` carries; a cursor this list did not give → 422 on the ``cursor`` field."""
    try:
        values = _serializer(order).loads(cursor)
        if not isinstance(values, list) or len(values) != len(order):
            raise ValueError(cursor)
        decoded: list[Any] = []
        for value in values:
            if isinstance(value, dict) and set(value) == {"d"}:
                decoded.append(datetime.fromisoformat(value["d"]))
            elif isinstance(value, dict) and set(value) == {"day"}:
                decoded.append(date.fromisoformat(value["day"]))
            elif isinstance(value, str | int) and not isinstance(value, bool):
                decoded.append(value)
            else:
                raise ValueError(cursor)
        return decoded
    except (BadData, ValueError, TypeError, RecursionError):
        abort(422, errors={"query": {"cursor": [str(_BAD_CURSOR)]}})


def keyset_page(select: Select[Any], order: Sequence[Any], key: Callable[[Any], Sequence[Any]],
                *, limit: int, cursor: str | None) -> Page[Any]:
    """One page of ``select`` ordered by ``order`` (ascending; its last column unique), after ``cursor``.

    ``key`` gives an item's values of ``order``, for the next cursor. Reads ``limit + 1`` rows to know whether
    there is a next page.
    """
    if cursor:
        values = _decode(cursor, order)
        select = select.where(tuple_(*order) > tuple_(*values))
    rows = list(db.session.execute(select.order_by(*order).limit(limit + 1)).scalars().unique())
    items, more = rows[:limit], len(rows) > limit
    return Page(items, _encode(key(items[-1]), order) if more and items else None)
