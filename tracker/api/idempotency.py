"""``Idempotency-Key`` on ``POST``: a retried request answers its first result instead of doing the work twice.

The same key from the same token owner with the same request (method, path and body) within
:data:`KEY_LIFETIME` answers the stored status, body and describing headers of the first response, with
``Idempotent-Replayed: true``; the same key with another request is refused (422). The result is stored in the
transaction of the request's own work (``tracker.transactions.finish`` commits both or neither), and only when it
succeeded (below 400): a request refused with 422 can be sent again, corrected, under the same key.

A retry arriving while the first request still runs is answered 409: on PostgreSQL the first holds a transaction
advisory lock on (owner, key), which the retry fails to take; elsewhere (SQLite, one writer at a time) the
retry's row meets the first's at the unique constraint. Rows older than :data:`KEY_LIFETIME` are ignored, and
deleted (a small batch with each stored result, and the caller's own expired row when met), so the table holds
about a day of keyed requests.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import current_app, request
from flask_babel import gettext
from sqlalchemy import delete, select, text
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from ..extensions import db
from ..models import IdempotentRequest
from ..models.idempotency import MAX_KEY_LENGTH
from ..models.types import utcnow
from .problems import abort

KEY_HEADER = "Idempotency-Key"
#: How long a key's first result is answered again.
KEY_LIFETIME = timedelta(hours=24)
#: Visible ASCII only: a key is copied between systems and logs.
_KEY_SHAPE = re.compile(rf"[\x21-\x7e]{{1,{MAX_KEY_LENGTH}}}")
#: The headers of a stored response that describe its body, answered again with it.
_KEPT_HEADERS = ("Content-Type", "ETag", "Location")
#: Expired rows deleted with each stored result: more than one, so the table shrinks while it holds old rows.
_PURGE_BATCH = 100

def idempotent(view: Callable[..., Any], user_id: int, args: Any, kwargs: Any) -> Any:
    """Run ``view`` (a ``POST`` with an ``Idempotency-Key``), or answer the result its key already has."""
    key = request.headers.get(KEY_HEADER)
    if key is None or request.method != "POST":
        return view(*args, **kwargs)
    if not _KEY_SHAPE.fullmatch(key):
        abort(422, errors={KEY_HEADER: [gettext(
            "Use 1 to %(count)s visible ASCII characters (no spaces).", count=MAX_KEY_LENGTH)]})
    if not _try_lock(user_id, key):
        abort(409, message=_running())
    request_hash = _request_hash()
    stored = db.session.execute(
        select(IdempotentRequest).where(IdempotentRequest.user_id == user_id, IdempotentRequest.key == key)
    ).scalar_one_or_none()
    if stored is not None and stored.created_at <= utcnow() - KEY_LIFETIME:
        db.session.delete(stored)
        db.session.flush()
        stored = None
    if stored is not None:
        if stored.request_hash != request_hash:
            abort(422, errors={KEY_HEADER: [gettext(
                "This key was used for another request in the last 24 hours; send a new key for a new request.")]})
        return _replay(stored)
    response = current_app.make_response(view(*args, **kwargs))
    if response.status_code < 400:
        _store(user_id, key, request_hash, response)
    return response


def _running() -> str:
    return gettext("A request with this Idempotency-Key is still running; send it again once that one has finished.")


def _try_lock(user_id: int, key: str) -> bool:
    """Take the transaction's lock on (owner, key) if no other transaction holds it (PostgreSQL; else ``True``)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return True
    return bool(db.session.execute(text("SELECT pg_try_advisory_xact_lock(:id)"), {"id": lock_id(user_id, key)})
                .scalar())


def lock_id(user_id: int, key: str) -> int:
    """The advisory lock's number for (owner, key): 64 bits of their sha256."""
    digest = hashlib.sha256(f"{user_id}\n{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _request_hash() -> str:
    """sha256 of the method, the path (with its query) and the sha256 of the body (:func:`_canonical_body`)."""
    body = hashlib.sha256(_canonical_body()).hexdigest()
    path = request.path + (f"?{request.query_string.decode('latin-1')}" if request.query_string else "")
    return hashlib.sha256(f"{request.method}\n{path}\n{body}".encode()).hexdigest()


def _canonical_body() -> bytes:
    """A JSON body in one form (keys sorted, no spaces), so the same request sent with other whitespace or key order
    is the same request; any other body (not JSON, or JSON that cannot be read) as its bytes."""
    raw = request.get_data(cache=True)
    if not request.is_json:
        return raw
    try:
        return json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    except (ValueError, RecursionError):
        return raw


def _replay(stored: IdempotentRequest) -> Response:
    response = current_app.response_class(stored.body, status=stored.status)
    for name, value in (stored.headers or {}).items():
        response.headers[name] = value
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _store(user_id: int, key: str, request_hash: str, response: Response) -> None:
    """Keep ``response`` for the key's retries, in the request's transaction; delete a batch of expired rows."""
    cutoff = utcnow() - KEY_LIFETIME
    expired = (select(IdempotentRequest.id).where(IdempotentRequest.created_at <= cutoff)
               .order_by(IdempotentRequest.created_at).limit(_PURGE_BATCH).with_for_update(skip_locked=True))
    db.session.execute(delete(IdempotentRequest).where(IdempotentRequest.id.in_(expired)),
                       execution_options={"synchronize_session": False})
    headers = {name: response.headers[name] for name in _KEPT_HEADERS if name in response.headers}
    row = IdempotentRequest(user_id=user_id, key=key, request_hash=request_hash, status=response.status_code,
                            body=response.get_data(as_text=True), headers=headers)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        abort(409, message=_running())  # another request stored this key meanwhile (a database without the lock)
