"""Access rules. Every view declares one; ``tests/test_access.py`` checks that none is missing.

- :func:`public` — anyone, signed in or not (sign-in page, signed answer links, feeds with a token).
- :func:`signed_in` — any active account.
- :func:`roles_required` — only the named roles; everyone else gets 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

from ..models import Role

F = TypeVar("F", bound=Callable[..., Any])

ORGANISERS = (Role.ADMIN, Role.ORGANISER)
STAFF = (Role.ADMIN, Role.ORGANISER, Role.PRESS)
EVERYONE = tuple(Role)


def public(view: F) -> F:
    """Mark a view as open to anyone; it must do its own checks (tokens, signatures)."""
    view.access = "public"  # type: ignore[attr-defined]
    return view


def signed_in(view: F) -> F:
    """Any signed-in, active account may use the view."""
    wrapped = login_required(view)
    wrapped.access = EVERYONE  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]


def roles_required(*roles: str) -> Callable[[F], F]:
    """Only accounts holding one of ``roles`` may use the view; others get 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        protected = login_required(wrapper)
        protected.access = tuple(roles)  # type: ignore[attr-defined]
        return protected  # type: ignore[return-value]

    return decorator
