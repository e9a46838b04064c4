"""Fixtures of the API's tests: a client that sends a token (``api_client("organiser")``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tracker.auth.tokens import create_token
from tracker.extensions import db
from tracker.models import Role, User


class ApiClient:
    """The Flask test client with ``Authorization: Bearer <token>`` on every request; ``user`` is the owner."""

    def __init__(self, client: Any, token: str, user: User) -> None:
        self._client = client
        self.token = token
        self.user = user

    def open(self, path: str, method: str = "GET", headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
        return self._client.open(path, method=method,
                                 headers={"Authorization": f"Bearer {self.token}", **(headers or {})}, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.open(path, "GET", **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.open(path, "POST", **kwargs)

    def put(self, path: str, **kwargs: Any) -> Any:
        return self.open(path, "PUT", **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Any:
        return self.open(path, "PATCH", **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.open(path, "DELETE", **kwargs)


@pytest.fixture
def make_token(app: Flask) -> Callable[[User], str]:
    """``make_token(user)`` → a raw API token of ``user``."""

    def factory(user: User) -> str:
        with app.app_context():
            owner = db.session.get(User, user.id)
            assert owner is not None
            _token, raw = create_token(owner, "tests")
            db.session.commit()
        return raw

    return factory


@pytest.fixture
def api_client(app: Flask, make_user: Callable[..., User], make_token: Callable[[User], str]
               ) -> Callable[..., ApiClient]:
    """``api_client("organiser")`` (or ``api_client(user=...)``): a new client calling the API with a token."""

    def factory(role: str = Role.ORGANISER, *, user: User | None = None, **fields: Any) -> ApiClient:
        owner = user if user is not None else make_user(role, **fields)
        # Flask's own client: the suite's default one adds a form's CSRF token, which no API request has.
        return ApiClient(FlaskClient(app, app.response_class), make_token(owner), owner)

    return factory
