"""Errors of the API as ``application/problem+json`` (RFC 9457): ``type``, ``title``, ``status``, ``detail`` and, for
a request that did not validate (422), ``errors`` mapping each field to its messages.

Every error of a path under ``/api/`` goes through :func:`problem_response`, whoever raised it: a view's
``abort``, webargs' validation, a service's :class:`~tracker.errors.RuleError`, Flask-Limiter, an unknown URL, a
server error. Titles and details are in the caller's language (the token owner's, else ``Accept-Language``).
"""

from __future__ import annotations

import http
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from copy import deepcopy
from typing import Any, NoReturn

import marshmallow as ma
from flask import Flask, current_app, json, request
from flask_babel import gettext, lazy_gettext
from flask_smorest import abort as smorest_abort
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from ..errors import RuleError

PROBLEM_MIMETYPE = "application/problem+json"

#: A plain-words title per status; anything else falls back to the status's own (translated) class.
_TITLES: Mapping[int, Any] = {
    400: lazy_gettext("The request could not be read"),
    401: lazy_gettext("A valid API token is needed"),
    403: lazy_gettext("Your role may not do this"),
    404: lazy_gettext("Not found"),
    405: lazy_gettext("This method is not allowed here"),
    409: lazy_gettext("Conflict with what is stored"),
    412: lazy_gettext("The object changed since you read it"),
    413: lazy_gettext("The request is too large"),
    415: lazy_gettext("Send JSON (Content-Type: application/json)"),
    422: lazy_gettext("The request did not pass validation"),
    428: lazy_gettext("An If-Match header is needed"),
    429: lazy_gettext("Too many requests"),
    500: lazy_gettext("Server error"),
}

_DETAILS: Mapping[int, Any] = {
    401: lazy_gettext("Send “Authorization: Bearer <token>” with a token from your account page."),
    403: lazy_gettext("The token's owner does not hold a role that may do this."),
    404: lazy_gettext("There is nothing here, or you may not see it."),
    412: lazy_gettext("Read the object again (GET), then send your change with its new ETag in If-Match."),
    428: lazy_gettext("Read the object first (GET) and send its ETag in If-Match, so no one's change is lost."),
    429: lazy_gettext("Wait for the number of seconds in Retry-After, then try again."),
    500: lazy_gettext("Something went wrong on our side; nothing was saved. Try again later."),
}


class ProblemSchema(ma.Schema):
    """A problem document as ``/api/v1/openapi.json`` describes it (only for the description: bodies are built by
    :func:`problem_response`). Other members may follow, e.g. ``current`` on a 412."""

    type = ma.fields.String(required=True, metadata={"description": "A URI naming the kind; `about:blank` here.",
                                                     "example": "about:blank"})
    title = ma.fields.String(required=True, metadata={"description": "What went wrong, in the caller's language."})
    status = ma.fields.Integer(required=True, metadata={"description": "The HTTP status.", "example": 422})
    detail = ma.fields.String(metadata={"description": "What to do about it, in the caller's language."})
    errors = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()),
                            metadata={"description": "422: each field's messages (`_schema` for the whole body).",
                                      "example": {"title": ["This field is required."]}})

    class Meta:
        unknown = ma.INCLUDE


#: The problems any token-protected view may answer, whatever it does (documented on every operation).
ACCESS_PROBLEMS = (401, 403, 422, 429)


def document_problems(view: Callable[..., Any], statuses: tuple[int, ...] = ACCESS_PROBLEMS) -> None:
    """Add ``statuses`` to the responses flask-smorest documents for ``view`` (those it documents already stay),
    and the bearer token as its security, so every operation's description lists them without each view's
    decorators repeating them."""
    doc = deepcopy(getattr(view, "_apidoc", {}))
    responses = doc.setdefault("response", {}).setdefault("responses", {})
    for status in statuses:
        if status not in responses:
            responses[status] = [http.HTTPStatus(status).name]  # the component registered in TrackerApi
    doc.setdefault("manual_doc", {})["security"] = [{"token": []}]
    view._apidoc = doc  # type: ignore[attr-defined]


def abort(status: int, **kwargs: Any) -> NoReturn:
    """flask-smorest's ``abort`` (``message=``, ``errors=``, ``headers=`` reach the problem document), typed as
    never returning."""
    smorest_abort(status, **kwargs)
    raise AssertionError("abort returned")  # pragma: no cover


def is_api_request() -> bool:
    """Whether the current request is one of the API's (its errors are problems, not pages)."""
    from . import PREFIX

    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


def problem_response(status: int, *, detail: str | None = None, errors: Mapping[str, list[str]] | None = None,
                     headers: Mapping[str, str] | None = None, extra: Mapping[str, Any] | None = None) -> Response:
    """A problem document with ``status``; ``extra`` adds members (e.g. the current object on a 412)."""
    title = _TITLES.get(status)
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": str(title) if title is not None else _fallback_title(status),
        "status": status,
    }
    if detail is None and status in _DETAILS:
        detail = str(_DETAILS[status])
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = {name: [str(message) for message in messages] for name, messages in errors.items()}
    if extra:
        body.update(extra)
    response = current_app.response_class(json.dumps(body), status=status, mimetype=PROBLEM_MIMETYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _fallback_title(status: int) -> str:
    if status >= 500:
        return gettext("Server error")
    return gettext("The request could not be done")


def _validation_errors(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """webargs' messages (``{"json": {"title": ["…"]}}``) as ``{"title": ["…"]}``; nested fields joined with dots."""
    messages = data.get("errors") or data.get("messages") or {}
    flat: dict[str, list[str]] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, Mapping):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list | tuple) and not any(isinstance(item, Mapping | list | tuple) for item in value):
            flat.setdefault(prefix or "_schema", []).extend(str(item) for item in value)
        elif isinstance(value, list | tuple):
            for index, inner in enumerate(value):
                walk(f"{prefix}.{index}" if prefix else str(index), inner)
        else:
            flat.setdefault(prefix or "_schema", []).append(str(value))

    for location, inner in messages.items():
        # One location per request in practice; its name (json, query) is not part of the field's name.
        walk("" if location in {"json", "query", "headers", "path", "form", "files"} else str(location), inner)
    return flat


def http_problem(error: HTTPException) -> Response:
    """The problem document for an ``HTTPException`` raised anywhere during an API request."""
    if isinstance(error, _Refused) and isinstance(error.response, Response):
        return error.response
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    headers = dict(data.get("headers") or {})
    if status == 405 and error.get_headers():
        headers.update({name: value for name, value in error.get_headers() if name.lower() == "allow"})
    if status == 429:
        retry_after = _retry_after(error)
        if retry_after:
            headers["Retry-After"] = retry_after
    errors = _validation_errors(data) if status == 422 else None
    detail = data.get("message") if isinstance(data.get("message"), str) else None
    extra = data.get("problem_extra")
    if status == 400 and not errors and detail is None:
        detail = gettext("The body is not valid JSON, or a parameter is malformed.")
    return problem_response(status, detail=detail, errors=errors, headers=headers, extra=extra)


def _retry_after(error: HTTPException) -> str | None:
    response = getattr(error, "response", None)
    if response is not None and response.headers.get("Retry-After"):
        return str(response.headers["Retry-After"])
    for name, value in error.get_headers():
        if name.lower() == "retry-after":
            return str(value)
    return None


def rule_problem(error: RuleError) -> Response:
    """A service's refusal: 422 with the message beside its field (``_schema`` when it names none)."""
    return problem_response(422, errors={error.field or "_schema": [error.translated()]})


@contextmanager
def refusals_as_problems(renamed: Mapping[str, str] | None = None) -> Iterator[None]:
    """A service's :class:`RuleError` in the block → 422 with its message beside its field; ``renamed`` maps the
    services' (forms') field names to the API's where they differ (``parent_id`` → ``parent_code``)."""
    try:
        yield
    except RuleError as error:
        field = (renamed or {}).get(error.field or "", error.field) or "_schema"
        raise _Refused(problem_response(422, errors={field: [error.translated()]})) from error


class _Refused(HTTPException):
    """Carries a ready problem response through Flask's error handling (``HTTPException.response``)."""

    code = 422

    def __init__(self, response: Response) -> None:
        super().__init__(response=response)


def register_problem_handlers(app: Flask) -> None:
    """Make every error of an API request a problem document; pages keep their error pages.

    The app's page handlers (``tracker.setup.register_errorhandlers``) ask :func:`is_api_request` first and hand
    API requests here; this adds the statuses they do not handle, and a service's ``RuleError``.
    """

    def any_http_error(error: HTTPException) -> Response | HTTPException:
        return http_problem(error) if is_api_request() else error

    def rule_error(error: RuleError) -> Response:
        if not is_api_request():
            raise error  # pages handle their RuleErrors in their views; one reaching here is a bug (500)
        return rule_problem(error)

    app.register_error_handler(HTTPException, any_http_error)
    app.register_error_handler(RuleError, rule_error)
