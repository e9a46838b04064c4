"""The API against its own description: schemathesis generates requests from ``/api/v1/openapi.json`` (valid ones
and invalid ones) for every operation and checks that none is a server error and every answer is one the description
documents — its status, content type, headers and body.

The description is loaded from the app itself (WSGI, no network) and the requests go to it the same way, with an
organiser's token and, second, a representative's (mostly 403s, which must be documented too). A little data is
stored first so reads and changes by id can find something. The number of examples is bounded (20 valid and 20
invalid requests per operation, derandomised: the same cases every run) so it runs in CI in about a minute.

schemathesis's own pytest integration (``schemathesis.pytest.from_fixture``) does not run on pytest 9 (it sets
``Function._nodeid``), so each operation is run here with Hypothesis directly, and every failure of every
operation is reported together.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tracker.api import PREFIX
from tracker.api.problems import PROBLEM_MIMETYPE
from tracker.models import Role, Unit

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection]


@pytest.fixture(params=[Role.ORGANISER, Role.REPRESENTATIVE])
def fuzz_headers(request: pytest.FixtureRequest, make_user: Callable[..., Any], make_token: Callable[..., str],
                 make_unit: Callable[..., Unit], make_venue: Callable[..., Any], make_person: Callable[..., Any],
                 make_series: Callable[..., Any], make_event: Callable[..., Any]) -> dict[str, str]:
    """Some stored data, and the headers of a token whose owner has the parameter's role."""
    app = request.getfixturevalue("app")
    # Thousands of requests in a minute or two: more than the throttle lets a token (or bad ones) make.
    app.config["SIGNIN_LIMIT_ADDRESS"] = app.config["API_RATE_LIMIT"] = "100000 per minute"
    unit = make_unit("CIT")
    make_venue()
    make_person()
    series = make_series()
    make_event(series_id=series.id)
    owner = make_user(request.param, unit=unit if request.param == Role.REPRESENTATIVE else None)
    return {"Authorization": f"Bearer {make_token(owner)}"}


def _fuzz(operation: Any, mode: schemathesis.GenerationMode, headers: dict[str, str]) -> None:
    """Up to ``max_examples`` cases of ``operation`` in ``mode``, each sent and checked; Hypothesis shrinks a failure
    to its simplest case and raises it."""

    @settings(max_examples=20, deadline=None, derandomize=True, database=None, phases=_PHASES,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


#: No ``explain`` phase: it reruns a failing case many times only to annotate the report.
_PHASES = [Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink]


def test_every_operation_answers_as_described(app: Flask, fuzz_headers: dict[str, str]) -> None:
    schema = schemathesis.openapi.from_wsgi(f"{PREFIX}/openapi.json", app)
    failures: dict[str, str] = {}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()  # a malformed operation in the description raises here
        operations += 1
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, fuzz_headers)
            except (Exception, BaseExceptionGroup) as error:  # every operation is tried; all failures reported
                failures[f"{operation.label} ({mode.value})"] = f"{type(error).__name__}: {error}"
    assert operations > 0
    assert failures == {}, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())


#: The issue's contract (issue 13): every operation the description must have (path parameters' names aside).
CONTRACT = {
    "/units": {"get", "post"}, "/units/{}": {"get", "patch"},
    "/people": {"get", "post"}, "/people/{}": {"get", "patch", "delete"},
    "/venues": {"get", "post"}, "/venues/{}": {"get", "patch"},
    "/series": {"get", "post"}, "/series/{}": {"get", "patch"},
    "/events": {"get", "post"}, "/events/{}": {"get", "patch"},
    "/events/{}/agenda": {"get", "put"},
    "/events/{}/invitations": {"get", "post"},
    "/events/{}/invitations/{}": {"get", "put", "patch"},
}
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def _description(client: Any) -> dict[str, Any]:
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    return response.json  # type: ignore[no-any-return]


def test_the_description_is_openapi_3_1_with_every_path_of_the_contract(client: Any) -> None:
    spec = _description(client)
    assert spec["openapi"] == "3.1.0"
    described: dict[str, set[str]] = {}
    for path, item in spec["paths"].items():
        assert path.startswith(PREFIX + "/"), path
        shape = re.sub(r"\{[^}]+\}", "{}", path.removeprefix(PREFIX))
        described.setdefault(shape, set()).update(set(item) & HTTP_METHODS)
    missing = {path: sorted(methods - described.get(path, set())) for path, methods in CONTRACT.items()
               if methods - described.get(path, set())}
    assert missing == {}


def test_every_operation_documents_its_problems_and_the_token(client: Any) -> None:
    spec = _description(client)
    components = spec["components"]["responses"]

    def resolved(response: dict[str, Any]) -> dict[str, Any]:
        ref = response.get("$ref")
        return components[ref.rsplit("/", 1)[1]] if ref else response

    undocumented = []
    for path, item in spec["paths"].items():
        for method in set(item) & HTTP_METHODS:
            operation = item[method]
            assert operation.get("security") == [{"token": []}], (method, path)
            responses = operation["responses"]
            for status in ("401", "403", "422", "default"):
                response = resolved(responses[status]) if status in responses else None
                if response is None or list(response.get("content", {})) != [PROBLEM_MIMETYPE]:
                    undocumented.append((method, path, status))
            for status, response in responses.items():
                if status != "default" and int(status) >= 400:
                    content = resolved(response).get("content", {})
                    if list(content) != [PROBLEM_MIMETYPE]:
                        undocumented.append((method, path, status))
    assert undocumented == []
    assert "WWW-Authenticate" in components["UNAUTHORIZED"]["headers"]
    assert "Retry-After" in components["TOO_MANY_REQUESTS"]["headers"]
    problem = spec["components"]["schemas"]["Problem"]
    assert set(problem["properties"]) == {"type", "title", "status", "detail", "errors"}


def test_every_post_describes_the_idempotency_key(client: Any) -> None:
    spec = client.get("/api/v1/openapi.json").json
    posts = [operations["post"] for operations in spec["paths"].values() if "post" in operations]
    assert posts
    for post in posts:
        assert any(parameter["name"] == "Idempotency-Key" and parameter["in"] == "header"
                   for parameter in post.get("parameters", []))
        assert "409" in post["responses"]
