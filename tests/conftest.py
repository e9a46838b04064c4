"""Fixtures: a fresh database per test, clients that carry CSRF tokens, and factories.

Tests run on SQLite by default (a new file per test). With ``TEST_DATABASE_URL`` set they run on that
PostgreSQL database instead: the schema is created once per run and every table is emptied after each test.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import text

from tests.helpers import PASSWORD
from tracker import create_app
from tracker.config import normalise_database_url
from tracker.extensions import db
from tracker.models import (
    AgendaItem,
    Event,
    Invitation,
    Person,
    Role,
    Series,
    Unit,
    User,
    Venue,
    users,
)

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
_pg_schema_ready = False
TRANSLATIONS = Path(__file__).parent.parent / "tracker" / "translations"


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes() -> Iterator[None]:
    """Hash test passwords with one PBKDF2 round instead of scrypt: sign-ins are most of the suite's work.

    Checking a hash reads its method from the hash itself, so nothing else changes; production keeps scrypt
    (``tests/auth/test_timing.py::test_production_hashes_passwords_with_scrypt``).
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(users, "PASSWORD_HASH_METHOD", "pbkdf2:sha256:1")
        yield


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs() -> None:
    """Compile a message catalog whose .mo is missing or older than its .po.

    ``make test`` compiles them first (the ``catalogs`` target); this covers a plain ``pytest`` run, so
    that pages are not silently shown in English.
    """
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=po_path.parent.parent.name)
        partial = mo_path.with_suffix(".mo.tmp")
        with partial.open("wb") as handle:
            write_mo(handle, catalog)
        partial.replace(mo_path)  # a server reading the catalog never sees half a file


class CSRFClient(FlaskClient):
    """A test client that adds a valid CSRF token to every form it posts, as a browser page would.

    Pass ``csrf=False`` to post without one (to test that such requests are refused).
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        csrf = kwargs.pop("csrf", True)
        method = (kwargs.get("method") or "GET").upper()
        data = kwargs.get("data")
        if csrf and method in {"POST", "PUT", "PATCH", "DELETE"} and (data is None or isinstance(data, dict)):
            data = dict(data or {})
            data.setdefault("csrf_token", self.csrf_token())
            kwargs["data"] = data
        return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        """A token Flask-WTF accepts for this client's session."""
        with self.session_transaction() as session:
            raw = session.setdefault("csrf_token", os.urandom(20).hex())
        serializer = URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token")
        return serializer.dumps(raw)


def _test_config(tmp_path: Any) -> dict[str, Any]:
    uri = (
        normalise_database_url(TEST_DATABASE_URL)
        if TEST_DATABASE_URL
        else f"sqlite:///{tmp_path / 'test.sqlite'}"
    )
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": uri,
        "BASE_URL": "http://tracker.test",
        "SERVER_NAME": None,
        "OUTBOX_DIR": str(tmp_path / "outbox"),
    }


@pytest.fixture
def app(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """A fresh application and an empty database."""
    global _pg_schema_ready
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(_test_config(tmp_path))
    app.test_client_class = CSRFClient
    with app.app_context():
        if not TEST_DATABASE_URL:
            db.create_all()
        elif not _pg_schema_ready:
            db.drop_all()
            db.create_all()
            _pg_schema_ready = True
    yield app
    with app.app_context():
        db.session.remove()
        if TEST_DATABASE_URL:
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def failing_route(app: Flask) -> str:
    """The path of a route that raises, with exceptions handled as in production (the 500 page)."""
    from tracker.auth.access import public

    app.config["PROPAGATE_EXCEPTIONS"] = False

    @public
    def explode() -> str:
        raise RuntimeError("boom")

    app.add_url_rule("/explode", "explode", explode)
    return "/explode"


#: Settings another app server shares with the test app (same database, secret key and outbox).
_SHARED = ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "BASE_URL", "SERVER_NAME", "OUTBOX_DIR")


@pytest.fixture
def another_app(app: Flask) -> Iterator[Callable[..., Flask]]:
    """``another_app(**settings)``: a second ``create_app`` on the test app's database, as a second server.

    Note that the limiter is one object: the newest app's storage is the one every app counts in.
    """
    made: list[Flask] = []

    def factory(**settings: Any) -> Flask:
        config = {key: app.config[key] for key in _SHARED}
        config.update(settings)
        other = create_app(config)
        other.test_client_class = app.test_client_class
        made.append(other)
        return other

    yield factory
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> CSRFClient:
    """A browser without a session."""
    return app.test_client()  # type: ignore[return-value]


@pytest.fixture
def runner(app: Flask) -> Any:
    """Runs ``flask`` commands against the test app."""
    return app.test_cli_runner()


def _save(app: Flask, obj: Any) -> Any:
    """Commit ``obj`` in its own app context and hand it back detached with its columns loaded."""
    with app.app_context():
        db.session.add(obj)
        db.session.commit()
        db.session.refresh(obj)
        db.session.expunge(obj)
    return obj


@pytest.fixture
def make_unit(app: Flask) -> Callable[..., Unit]:
    """``make_unit(code="CIT", name=..., parent_id=..., contact_emails=[...])``."""
    counter = iter(range(1, 10_000))

    def factory(code: str | None = None, name: str | None = None, **fields: Any) -> Unit:
        n = next(counter)
        code = code or f"U{n}"
        fields.setdefault("contact_emails", [f"{code.lower()}@units.example.org"])
        return _save(app, Unit(code=code, name=name or f"Unit {code}", **fields))

    return factory


@pytest.fixture
def make_user(app: Flask, make_unit: Callable[..., Unit]) -> Callable[..., User]:
    """``make_user("organiser")``; a representative gets a new unit unless ``unit=`` is given."""
    counter = iter(range(1, 10_000))

    def factory(role: str = Role.ORGANISER, unit: Unit | None = None, **fields: Any) -> User:
        n = next(counter)
        if role == Role.REPRESENTATIVE and unit is None:
            unit = make_unit()
        fields.setdefault("email", f"{role}{n}@example.org")
        fields.setdefault("name", f"{role.title()} {n}")
        user = User(role=role, unit_id=unit.id if unit else None, **fields)
        user.set_password(PASSWORD)
        return _save(app, user)

    return factory


@pytest.fixture
def make_person(app: Flask) -> Callable[..., Person]:
    """``make_person(full_name=..., rank=..., position=...)``."""

    def factory(full_name: str = "Parviz Musayev", **fields: Any) -> Person:
        fields.setdefault("rank", "III rank state migration service counsellor")
        fields.setdefault("position", "Deputy Head of the Service")
        return _save(app, Person(full_name=full_name, **fields))

    return factory


@pytest.fixture
def make_venue(app: Flask) -> Callable[..., Venue]:
    """``make_venue(name=..., capacity=...)``."""

    def factory(name: str = "Assembly hall", **fields: Any) -> Venue:
        fields.setdefault("address", "Head office, 2nd floor")
        return _save(app, Venue(name=name, **fields))

    return factory


@pytest.fixture
def make_series(app: Flask) -> Callable[..., Series]:
    """``make_series(title=..., commemorated_on=date(...))``."""

    def factory(title: str = "Events for the 20th anniversary", **fields: Any) -> Series:
        fields.setdefault("commemorated_on", date(1992, 2, 26))
        return _save(app, Series(title=title, **fields))

    return factory


@pytest.fixture
def make_event(app: Flask) -> Callable[..., Event]:
    """``make_event(title=..., starts_at=..., ends_at=..., status="scheduled", agenda=[{...}])``.

    Defaults to a scheduled ceremony a month from now, 10:00–11:30 in Baku.
    """

    def factory(title: str = "Commemoration ceremony", agenda: list[dict[str, Any]] | None = None,
                **fields: Any) -> Event:
        start = datetime.now(UTC).replace(hour=6, minute=0, second=0, microsecond=0) + timedelta(days=30)
        fields.setdefault("starts_at", start)
        fields.setdefault("ends_at", fields["starts_at"] + timedelta(minutes=90))
        fields.setdefault("status", "scheduled")
        fields.setdefault("kind", "ceremony")
        fields.setdefault("timezone", "Asia/Baku")
        event = Event(title=title, **fields)
        for position, item in enumerate(agenda or [], start=1):
            event.agenda.append(AgendaItem(position=position, **item))
        return _save(app, event)

    return factory


@pytest.fixture
def make_invitation(app: Flask) -> Callable[..., Invitation]:
    """``make_invitation(event, unit, status="pending", ...)``."""

    def factory(event: Event, unit: Unit, **fields: Any) -> Invitation:
        return _save(app, Invitation(event_id=event.id, unit_id=unit.id, **fields))

    return factory


class AuthActions:
    """Sign in and out through the real forms."""

    def __init__(self, client: CSRFClient) -> None:
        self._client = client

    def login(self, email: str, password: str = PASSWORD) -> Any:
        """Post the sign-in form."""
        return self._client.post("/login", data={"email": email, "password": password})

    def login_as(self, user: User) -> Any:
        """Sign in as ``user`` (made by ``make_user``) and check that it worked."""
        response = self.login(user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    def logout(self) -> Any:
        """Post the sign-out form."""
        return self._client.post("/logout")


@pytest.fixture
def auth(client: CSRFClient) -> AuthActions:
    """Sign-in helper bound to ``client``."""
    return AuthActions(client)


@pytest.fixture
def login(auth: AuthActions, make_user: Callable[..., User]) -> Callable[..., User]:
    """``login("organiser")`` creates an account with that role, signs it in and returns it."""

    def factory(role: str = Role.ORGANISER, **fields: Any) -> User:
        user = make_user(role, **fields)
        auth.login_as(user)
        return user

    return factory

