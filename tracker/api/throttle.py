"""Throttling of the API (Flask-Limiter, the same limiter and storage as sign-in throttling).

Every request with a valid token counts against that token (``API_RATE_LIMIT``, every path and method together):
beyond it the answer is 429 with ``Retry-After``. A request with a bad token counts against its client address,
with the limit on failed sign-ins per address (``SIGNIN_LIMIT_ADDRESS``): that limit is checked before the token
is, so once an address has used it up even a right token is refused until the window has moved on, and guessing
tokens is as slow as guessing passwords (a request without any token guesses nothing and does not count). Both
run inside ``access.token_required``, so every resource is throttled without doing anything.
"""

from __future__ import annotations

from flask import Response as FlaskResponse
from flask import current_app, g
from flask_limiter import RequestLimit
from flask_limiter.util import get_remote_address
from werkzeug.wrappers import Response

from ..auth.throttle import retry_after_seconds
from ..auth.tokens import user_for_token
from ..extensions import limiter
from ..models import ApiToken, User
from ..settings import settings

_BAD_TOKEN = "tracker_api_bad_token"  # noqa: S105 - a name in flask.g, not a secret


def _token_key() -> str:
    token = g.get("api_token")
    return f"token-{token.id}" if token is not None else "-"


def _bad_token(_response: Response) -> bool:
    return bool(g.get(_BAD_TOKEN, False))


def _with_retry_after(_limit: RequestLimit) -> FlaskResponse:
    """The breach's response: only its ``Retry-After``, which ``problems.http_problem`` puts on the problem."""
    response: FlaskResponse = current_app.response_class(status=429)
    response.headers["Retry-After"] = str(retry_after_seconds())
    return response


@limiter.shared_limit(lambda: settings().signin_limit_address, scope="api-bad-token", key_func=get_remote_address,
                      deduct_when=_bad_token, on_breach=_with_retry_after)
def authenticate(raw: str | None) -> tuple[User, ApiToken] | None:
    """The owner and token ``raw`` authenticates, or ``None``; a bad token counts against the client address
    (a request without any token guesses nothing and does not count, though it is refused while the limit is
    used up)."""
    if raw is None:
        return None
    found = user_for_token(raw)
    if found is None:
        g.setdefault(_BAD_TOKEN, True)
    return found


@limiter.shared_limit(lambda: settings().api_rate_limit, scope="api-token", key_func=_token_key,
                      on_breach=_with_retry_after)
def count_token_use() -> None:
    """Count this request against its token (``g.api_token``); 429 once the token used up ``API_RATE_LIMIT``."""
