"""``Idempotency-Key`` on the API's ``POST``s (through ``/api/v1/units``): a retry answers the first result."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text, update

from tracker.api.idempotency import lock_id
from tracker.extensions import db
from tracker.models import IdempotentRequest, Unit
from tracker.models.types import utcnow

UNIT = {"code": "cit", "name": {"az": "Mərkəz", "en": "Centre"}}


def _post(api, body, key="retry-1"):
    return api.post("/api/v1/units", json=body, headers={"Idempotency-Key": key})


def _units(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Unit)).scalar_one()


def test_a_retry_with_the_same_key_answers_the_first_result_and_creates_once(app, api_client):
    api = api_client("organiser")
    first = _post(api, UNIT)
    assert first.status_code == 201, first.json
    again = _post(api, UNIT)
    assert again.status_code == 201
    assert again.json == first.json
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.content_type == first.content_type
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert _units(app) == 1
    # without the key the same body is a new request: the service refuses the duplicate code
    assert api.post("/api/v1/units", json=UNIT).status_code == 422


def test_the_same_key_with_another_request_is_refused(app, api_client):
    api = api_client("organiser")
    assert _post(api, UNIT).status_code == 201
    other = _post(api, {**UNIT, "code": "hr"})
    assert other.status_code == 422
    assert other.content_type == "application/problem+json"
    assert "Idempotency-Key" in other.json["errors"]
    assert _units(app) == 1


def test_keys_of_different_owners_are_independent(app, api_client):
    first, second = api_client("organiser"), api_client("admin")
    assert _post(first, UNIT).status_code == 201
    other = _post(second, {**UNIT, "code": "hr"})
    assert other.status_code == 201, other.json
    assert other.json["code"] == "HR"
    assert _units(app) == 2


def test_after_a_day_the_key_runs_the_request_again(app, api_client):
    api = api_client("organiser")
    assert _post(api, UNIT).status_code == 201
    with app.app_context():
        db.session.execute(update(IdempotentRequest).values(created_at=utcnow() - timedelta(hours=24, seconds=1)))
        db.session.commit()
    again = _post(api, UNIT)
    assert again.status_code == 422  # the request ran again: the code is taken now
    assert "code" in again.json["errors"]
    renamed = _post(api, {**UNIT, "code": "hr"})  # the expired row is gone: the key is free for any request
    assert renamed.status_code == 201, renamed.json
    assert _units(app) == 2
    with app.app_context():
        rows = db.session.execute(select(IdempotentRequest)).scalars().all()
        assert [(row.key, row.status) for row in rows] == [("retry-1", 201)]


def test_expired_rows_of_others_are_deleted_as_requests_go_by(app, api_client):
    first, second = api_client("organiser"), api_client("admin")
    assert _post(first, UNIT, key="old").status_code == 201
    with app.app_context():
        db.session.execute(update(IdempotentRequest).values(created_at=utcnow() - timedelta(days=2)))
        db.session.commit()
    assert _post(second, {**UNIT, "code": "hr"}, key="new").status_code == 201
    with app.app_context():
        assert db.session.execute(select(IdempotentRequest.key)).scalars().all() == ["new"]


def test_a_refused_request_is_not_stored_and_can_be_corrected_under_the_same_key(app, api_client):
    api = api_client("organiser")
    refused = _post(api, {"code": "cit", "name": {"en": "Only English"}})
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(IdempotentRequest)).scalar_one() == 0
    corrected = _post(api, UNIT)
    assert corrected.status_code == 201, corrected.json
    assert _units(app) == 1


def test_a_malformed_key_is_a_422_on_the_header(app, api_client):
    api = api_client("organiser")
    for key in ("", "has space", "x" * 201, "ключ"):
        response = api.post("/api/v1/units", json=UNIT, headers={"Idempotency-Key": key.encode().decode("latin-1")})
        assert response.status_code == 422, key
        assert response.content_type == "application/problem+json"
        assert list(response.json["errors"]) == ["Idempotency-Key"]
    assert _post(api, UNIT, key="x" * 200).status_code == 201
    assert _units(app) == 1


def test_the_key_is_ignored_on_other_methods(app, api_client):
    api = api_client("organiser")
    assert _post(api, UNIT).status_code == 201
    etag = api.get("/api/v1/units/cit").headers["ETag"]
    changed = api.patch("/api/v1/units/cit", json={"active": False},
                        headers={"If-Match": etag, "Idempotency-Key": "retry-1"})
    assert changed.status_code == 200
    assert "Idempotent-Replayed" not in changed.headers


def test_a_retry_while_the_first_request_still_runs_is_a_409(app, api_client):
    """The first request holds its key's lock until it commits (PostgreSQL); a retry meanwhile is told so."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the lock is PostgreSQL's; SQLite runs one writer at a time")
    api = api_client("organiser")
    held = {"id": lock_id(api.user.id, "retry-1")}
    with app.app_context(), db.engine.connect() as running:
        running.execute(text("SELECT pg_advisory_lock(:id)"), held)  # the first request, still running
        retry = _post(api, UNIT)
        running.execute(text("SELECT pg_advisory_unlock(:id)"), held)
    assert retry.status_code == 409
    assert retry.content_type == "application/problem+json"
    assert _units(app) == 0
    assert _post(api, UNIT).status_code == 201
