"""The blueprint every API resource is declared on: flask-smorest's, with its parser and ETag checks made strict.

- webargs drops unknown query parameters by default (``?stauts=held`` would list every event as if no filter were
  given); here a query's unknown parameter is a 422 like a body's unknown field (``fields.Strict``).
- A query's whole numbers are whole-number text (``?limit=20``); ``?limit=1.5`` is a 422, not 1 (``fields.Integer``
  is strict: a JSON body's ``5.5`` or ``"12"`` is refused too).
- A body sent with another ``Content-Type`` than JSON is a 415, not silently ignored (webargs reads it as absent,
  so a ``PATCH`` would change nothing and answer 200); a body JSON cannot read (nested too deep, a number of
  thousands of digits) is a 400 like any malformed JSON.
- ``If-Match: *`` on a write is a 428 like no ``If-Match``: it would skip the lost-update protection.
"""

from __future__ import annotations

import json
import re
from typing import Any

import marshmallow as ma
from flask import Request, request
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest.exceptions import PreconditionRequired
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from webargs.multidictproxy import MultiDictProxy

from .problems import abort

#: Whole-number text, as a query string carries a whole number (at most 18 digits: beyond any id or limit).
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,18}")
#: The methods whose body a view may read.
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class _QueryProxy(MultiDictProxy):
    """The query string as webargs reads it, with whole-number text given as ``int`` to integer fields."""

    def __init__(self, multidict: Any, schema: ma.Schema, **kwargs: Any) -> None:
        super().__init__(multidict, schema, **kwargs)
        self.integer_keys = {field.data_key or name for name, field in schema.fields.items()
                             if isinstance(field, ma.fields.Integer)
                             or isinstance(getattr(field, "inner", None), ma.fields.Integer)}

    def __getitem__(self, key: str) -> Any:
        value = super().__getitem__(key)
        if key not in self.integer_keys:
            return value
        if isinstance(value, list):
            return [_whole_number(item) for item in value]
        return _whole_number(value)


def _whole_number(value: Any) -> Any:
    """``int`` of whole-number text; anything else as given (the strict field refuses it)."""
    return int(value) if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value) else value


class StrictParser(FlaskParser):
    """webargs' parser; the query string follows the schema's ``unknown`` (``RAISE`` for ``fields.Strict``)."""

    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": None, "querystring": None}

    def load_querystring(self, req: Request, schema: ma.Schema) -> Any:
        return self._makeproxy(req.args, schema, cls=_QueryProxy)

    def _raw_load_json(self, req: Request) -> Any:
        body = req.get_data(cache=True)
        if not is_json_request(req):
            if body and req.method in _BODY_METHODS:
                abort(415)
            return core.missing
        try:
            return core.parse_json(body)
        except json.JSONDecodeError:
            raise  # webargs: an empty body is absent (422 where required), anything else 400
        except (ValueError, RecursionError):
            abort(400)


class Blueprint(SmorestBlueprint):  # type: ignore[misc]
    """A resource's blueprint (``Blueprint("api_units", __name__, url_prefix="/api/v1/units")``)."""

    ARGUMENTS_PARSER = StrictParser()

    def _check_precondition(self) -> None:
        """flask-smorest's check before a write (428 without ``If-Match``), refusing ``If-Match: *`` as well."""
        if request.method in self.METHODS_NEEDING_CHECK_ETAG and (not request.if_match or request.if_match.star_tag):
            raise PreconditionRequired
