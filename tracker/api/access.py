"""Who is calling: ``Authorization: Bearer <token>`` → the token's owner, with that owner's role and unit.

No token or a bad one → 401; a role the view does not name → 403; an object the caller may not see → 404 (the
views decide that one, with the same service functions as the pages). The session cookie is never read here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, request

from ..models import ApiToken, User
from .problems import abort, document_problems

F = TypeVar("F", bound=Callable[..., Any])


class ApiAccess(tuple):  # type: ignore[type-arg]
    """The roles an API view admits, as a view's ``access`` marker (``tests/test_access.py`` tells it from a
    page's: API views answer 401/403 as problems, not with the sign-in page)."""


def bearer_token() -> str | None:
    """The token of ``Authorization: Bearer <token>``, or ``None``."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def api_user() -> User:
    """The token's owner (only inside a view protected by :func:`token_required`)."""
    return g.api_user  # type: ignore[no-any-return]


def api_token() -> ApiToken:
    """The token the request came with (only inside a view protected by :func:`token_required`)."""
    return g.api_token  # type: ignore[no-any-return]


def token_required(*roles: str) -> Callable[[F], F]:
    """Only a valid token whose owner holds one of ``roles`` may use the view (401 without one, 403 otherwise).

    Every API view gets here, so this is also where requests are throttled (``throttle``: per token, and per
    address for bad tokens; 429) and where a ``POST``'s ``Idempotency-Key`` is honoured (``idempotency``).
    """
    from .idempotency import idempotent
    from .throttle import authenticate, count_token_use

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            found = authenticate(bearer_token())
            if found is None:
                abort(401, headers={"WWW-Authenticate": 'Bearer realm="tracker"'})
            user, token = found
            g.api_user, g.api_token = user, token
            g.page_language = user.language  # messages in the owner's language (tracker.i18n.select_locale)
            count_token_use()
            if not user.has_role(*roles):
                abort(403)
            return idempotent(view, user.id, args, kwargs)

        wrapper.access = ApiAccess(roles)  # type: ignore[attr-defined]
        document_problems(wrapper)  # 401, 403, 422, 429 and the bearer token in every operation's description
        return wrapper  # type: ignore[return-value]

    return decorator
