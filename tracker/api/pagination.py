"""Lists of the API: ``{items, next_cursor}``, ``limit`` ≤ 200, an opaque ``cursor``, a stable order.

Keyset pagination: a list is ordered by columns that end with a unique one (the id), and the cursor carries the
last item's values of them; the next page reads ``WHERE (order columns) > (cursor values)``. So a page costs the
same in the tenth year as in the first (no OFFSET), and rows added meanwhile never shift a page.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

import marshmallow as ma
from flask_babel import lazy_gettext
from sqlalchemy import Select, tuple_

from ..extensions import db
from .fields import Integer, Length, Range, Strict, String
from .problems import abort

T = TypeVar("T")

MAX_LIMIT = 200
DEFAULT_LIMIT = 50


class PageArgs(Strict):
    """``limit`` and ``cursor`` of every list."""

    limit = Integer(load_default=DEFAULT_LIMIT, validate=Range(min=1, max=MAX_LIMIT),
                              metadata={"description": "How many items at most (1–200)."})
    cursor = String(load_default=None, validate=Length(max=500),
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


def _encode(values: Sequence[Any]) -> str:
    tagged = [{"d": value.isoformat()} if isinstance(value, datetime) else
              {"day": value.isoformat()} if isinstance(value, date) else value for value in values]
    raw = json.dumps(tagged, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, count: int) -> list[Any]:
    """The values ``cursor`` carries; a cursor no list gave → 422 on the ``cursor`` field."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != count:
            raise ValueError(cursor)
        decoded: list[Any] = []
        for value in values:
            if isinstance(value, dict) and set(value) == {"d"}:
                decoded.append(datetime.fromisoformat(value["d"]))
            elif isinstance(value, dict) and set(value) == {"day"}:
                decoded.append(date.fromisoformat(value["day"]))
            elif isinstance(value, str | int | float) and not isinstance(value, bool):
                if isinstance(value, int) and abs(value) >= 2**63:
                    raise ValueError(cursor)
                decoded.append(value)
            else:
                raise ValueError(cursor)
        return decoded
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, RecursionError):
        abort(422, errors={"query": {"cursor": [str(_BAD_CURSOR)]}})


def keyset_page(select: Select[Any], order: Sequence[Any], key: Callable[[Any], Sequence[Any]],
                *, limit: int, cursor: str | None) -> Page[Any]:
    """One page of ``select`` ordered by ``order`` (ascending; its last column unique), after ``cursor``.

    ``key`` gives an item's values of ``order``, for the next cursor. Reads ``limit + 1`` rows to know whether
    there is a next page.
    """
    if cursor:
        values = _decode(cursor, len(order))
        select = select.where(tuple_(*order) > tuple_(*values))
    rows = list(db.session.execute(select.order_by(*order).limit(limit + 1)).scalars().unique())
    items, more = rows[:limit], len(rows) > limit
    return Page(items, _encode(key(items[-1])) if more and items else None)
