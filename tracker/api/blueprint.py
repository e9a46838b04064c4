"""The blueprint every API resource is declared on: flask-smorest's, with unknown query parameters refused.

webargs drops unknown query parameters by default (``?stauts=held`` would list every event as if no filter were
given); here a query's unknown parameter is a 422 like a body's unknown field (``fields.Strict``).
"""

from __future__ import annotations

from flask_smorest import Blueprint as SmorestBlueprint
from webargs.flaskparser import FlaskParser


class StrictParser(FlaskParser):
    """webargs' parser; the query string follows the schema's ``unknown`` (``RAISE`` for ``fields.Strict``)."""

    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": None, "querystring": None}


class Blueprint(SmorestBlueprint):  # type: ignore[misc]
    """A resource's blueprint (``Blueprint("api_units", __name__, url_prefix="/api/v1/units")``)."""

    ARGUMENTS_PARSER = StrictParser()
