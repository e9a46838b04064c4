"""The JSON API v1 (issue 13): the same product for other systems, under ``/api/v1``.

Requests are authenticated by ``Authorization: Bearer <token>`` (``tracker.auth.tokens``) and never by the
session cookie, so no API request needs a CSRF token and a page's session cannot be borrowed by a script. Each
resource module (``units``, ``people`` …) holds its schemas and its views; every view calls the services the
pages call, so a rule lives in one place. Schemas are marshmallow's, through flask-smorest: the same schema
validates a request, dumps a response and describes both in ``/api/v1/openapi.json`` (OpenAPI 3.1). See
``docs/api.md``.
"""

from __future__ import annotations

import http
from collections.abc import Callable
from typing import Any

from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from flask_smorest import Api
from marshmallow import Schema

from .problems import PROBLEM_MIMETYPE, ProblemSchema, register_problem_handlers

#: Where the API lives; one place for the views, the error handlers and the tests.
PREFIX = "/api/v1"


class TrackerApi(Api):
    """flask-smorest's ``Api`` without its application-wide JSON error handler: errors of the API are
    ``application/problem+json`` (``problems.py``) and the pages keep their own error pages."""

    #: Error responses are described as problem documents (flask-smorest's own ``Error`` schema is not used).
    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        """Errors are handled by :func:`register_problem_handlers` for API paths only."""

    def _register_responses(self) -> None:
        """Describe every error response (``UNAUTHORIZED``, ``PRECONDITION_FAILED``, ``default`` …) as
        ``application/problem+json`` with :class:`ProblemSchema`; success responses stay ``application/json``."""
        headers = {401: {"WWW-Authenticate": {"description": "`Bearer realm=\"tracker\"`",
                                              "schema": {"type": "string"}}},
                   429: {"Retry-After": {"description": "Seconds to wait before trying again.",
                                         "schema": {"type": "integer"}}}}
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["content"] = {PROBLEM_MIMETYPE: {"schema": ProblemSchema}}
            if status in headers:
                response["headers"] = headers[status]
            self.spec.components.response(status.name, response, lazy=True)
        self.spec.components.response("DEFAULT_ERROR", {
            "description": "Any other error, as a problem document.",
            "content": {PROBLEM_MIMETYPE: {"schema": ProblemSchema}},
        }, lazy=True)


def schema_name(schema: type[Schema] | Schema) -> str:
    """A schema's name in the description: its class's without "Schema"; a partial one (a PATCH's body) gets
    "Changes" (``UnitSchema(partial=True)`` → ``UnitChanges``), so the two never collide."""
    kind = schema if isinstance(schema, type) else type(schema)
    name = kind.__name__.removesuffix("Schema") or kind.__name__
    partial = not isinstance(schema, type) and schema.partial
    return f"{name}Changes" if partial else name


def register_api(app: Flask) -> None:
    """Describe and mount the API's blueprints."""
    from ..extensions import csrf
    from . import agenda, events, invitations, people, series, units, venues

    api = TrackerApi(app, spec_kwargs={
        "marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=schema_name),
        "info": {"description": "Units, people, venues, series, events, agendas and answers of the ceremony "
                                "tracker. Authenticate with `Authorization: Bearer <token>` (created on the "
                                "account page or by `flask --app tracker tokens create EMAIL`)."},
    })
    api.spec.components.security_scheme("token", {"type": "http", "scheme": "bearer"})
    for module in (units, people, venues, series, events, agenda, invitations):
        api.register_blueprint(module.blp)
        csrf.exempt(module.blp)
    _describe_idempotency(api)
    _protect_spec_view(app)
    register_problem_handlers(app)


def _describe_idempotency(api: Api) -> None:
    """Every POST takes ``Idempotency-Key`` (``idempotency.py``, in the one access wrapper): say so in each POST's
    description, with the 409 of a retry that arrives while the first request still runs."""
    from ..models.idempotency import MAX_KEY_LENGTH
    from .idempotency import KEY_HEADER

    header = {
        "name": KEY_HEADER, "in": "header", "required": False,
        "description": "Send the same key with a retried POST: within 24 hours the first result is returned "
                       "instead of doing the work twice. The same key with another body → 422.",
        "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": "^[!-~]+$"},
    }
    busy = {"description": "The first request with this Idempotency-Key is still running; retry later.",
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    for operations in api.spec._paths.values():  # noqa: SLF001  (apispec keeps the registered paths here)
        post = operations.get("post")
        if post is not None:
            post.setdefault("parameters", []).append(header)
            post.setdefault("responses", {}).setdefault("409", busy)


def _protect_spec_view(app: Flask) -> None:
    """The description is public (it holds no data), like the sign-in page: mark it so for the access tests."""
    from ..auth.access import public

    for endpoint, view in list(app.view_functions.items()):
        if endpoint.startswith("api-docs."):
            app.view_functions[endpoint] = public(_as_function(view))


def _as_function(view: Callable[..., Any]) -> Callable[..., Any]:
    """A plain function calling ``view`` (flask-smorest's is a bound method, which takes no attributes)."""

    def spec_view(*args: Any, **kwargs: Any) -> Any:
        return view(*args, **kwargs)

    spec_view.__doc__ = view.__doc__
    return spec_view
