"""Fixtures: a fresh database per test, clients that carry CSRF tokens, and factories.

Tests run on SQLite by default: the schema is created once per run in a template file, copied for every test.
With ``TEST_DATABASE_URL`` set they run on PostgreSQL instead: the schema is created once per run and every
table is emptied after each test. Under pytest-xdist (``-n 2``) each worker process has its own database,
named after ``TEST_DATABASE_URL``'s with the worker's id appended (``tracker_test_gw0``), created for the run
and dropped at its end.
"""

from __future__ import annotations

import os
import shutil
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
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.routing import Rule

from tests.helpers import PASSWORD
from tracker import config as tracker_config
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


def _runs_long(item: pytest.Item) -> bool:
    """Property tests (Hypothesis) and browser tests: seconds to a minute each, where most tests take 0.1 s."""
    return (bool(getattr(getattr(item, "obj", None), "is_hypothesis_test", False)) or item.path.parent.name == "browser"
            or item.path.name == "test_schema_fuzz.py")  # Hypothesis inside, through schemathesis


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the long tests first, in their usual order, then the others in theirs.

    Under xdist the processes then share the short tests out around the long ones at the end of the run,
    instead of one process starting a one-minute property test while the other has nothing left to do.
    """
    items.sort(key=lambda item: not _runs_long(item))


class SharedTemplateCode(BytecodeCache):
    """Compiled templates kept in memory for every app of the run.

    Each test builds a new app, whose Jinja environment would otherwise compile every template it renders
    again; compiling was most of a test's first page. Entries are keyed by template and checked against the
    source's checksum by Jinja, so an edited template is compiled anew.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CODE = SharedTemplateCode()


@pytest.fixture(scope="session")
def template_code() -> SharedTemplateCode:
    """The run's compiled templates, for apps made outside the ``app`` fixture (``app.jinja_env.bytecode_cache``)."""
    return TEMPLATE_CODE


@pytest.fixture(scope="session", autouse=True)
def url_builders_compiled_once() -> Iterator[None]:
    """Compile each URL rule's builder once per run instead of once per app.

    Werkzeug turns every rule into Python source and compiles it when an app registers its routes: about
    four fifths of ``create_app``, which runs for every test. The builder depends only on the rule's parts
    and defaults, so one compiled per distinct rule serves every app.
    """
    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None:  # another Werkzeug: nothing to speed up
        yield
        return
    builders: dict[tuple[Any, ...], Any] = {}

    def compile_once(rule: Rule, append_unknown: bool = True) -> Any:
        key = (rule.rule, rule.subdomain, rule.host, tuple(rule._trace), repr(sorted((rule.defaults or {}).items())),
               append_unknown)
        if key not in builders:
            builders[key] = compile_builder(rule, append_unknown)
        return builders[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Rule, "_compile_builder", compile_once)
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


def _worker_database_url(url: str | None, worker: str | None) -> str | None:
    """The PostgreSQL URL this test process uses: ``url`` itself, or under xdist its database + ``_<worker>``."""
    if not url:
        return None
    parsed = make_url(normalise_database_url(url))
    if worker:
        parsed = parsed.set(database=f"{parsed.database}_{worker}")
    return parsed.render_as_string(hide_password=False)


#: This process's PostgreSQL database, or None to run on SQLite.
TEST_DATABASE_URL = _worker_database_url(os.environ.get("TEST_DATABASE_URL"), os.environ.get("PYTEST_XDIST_WORKER"))


@pytest.fixture(scope="session")
def test_database_url() -> str | None:
    """This process's PostgreSQL database URL (its own under xdist), or None when the suite runs on SQLite."""
    return TEST_DATABASE_URL


def _admin_engine(url: str) -> Any:
    """An engine on the server's ``postgres`` database, to create and drop databases."""
    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def empty_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build the schema once per run: a template SQLite file (its path), or this process's PostgreSQL database.

    An xdist worker's PostgreSQL database is created afresh here and dropped at the end; a database named by
    ``TEST_DATABASE_URL`` itself (no xdist) is created when missing and kept.
    """
    if TEST_DATABASE_URL:
        name = make_url(TEST_DATABASE_URL).database
        worker_owned = bool(os.environ.get("PYTEST_XDIST_WORKER"))
        admin = _admin_engine(TEST_DATABASE_URL)
        with admin.connect() as connection:
            if worker_owned:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
            if exists.first() is None:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        engine = create_engine(TEST_DATABASE_URL)
        db.metadata.drop_all(engine)
        db.metadata.create_all(engine)
        engine.dispose()
        yield TEST_DATABASE_URL
        if worker_owned:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        return
    base = tmp_path_factory.mktemp("schema")
    path = base / "empty.sqlite"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRACKER_INSTANCE_PATH", str(base / "instance"))
        template_app = create_app(_test_config(base, f"sqlite:///{path}"))
        with template_app.app_context():
            db.create_all()
            db.session.remove()
            db.engine.dispose()  # the last connection closes: the WAL is folded into the file, safe to copy
    yield str(path)


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


def _test_config(tmp_path: Any, uri: str | None = None) -> dict[str, Any]:
    """The test app's settings; its database ``uri`` defaults to this process's (SQLite: a file in ``tmp_path``)."""
    if uri is None:
        uri = TEST_DATABASE_URL or f"sqlite:///{tmp_path / 'test.sqlite'}"
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": uri,
        "BASE_URL": "http://tracker.test",
        "SERVER_NAME": None,
        "OUTBOX_DIR": str(tmp_path / "outbox"),
    }


@pytest.fixture
def app(empty_database: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """A fresh application and an empty database."""
    if TEST_DATABASE_URL:
        uri = TEST_DATABASE_URL
    else:
        copy = tmp_path / "test.sqlite"
        shutil.copyfile(empty_database, copy)
        uri = f"sqlite:///{copy}"
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(_test_config(tmp_path, uri))
    app.test_client_class = CSRFClient
    app.jinja_env.bytecode_cache = TEMPLATE_CODE
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
        other.jinja_env.bytecode_cache = TEMPLATE_CODE
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


def _as_entered(obj: Any) -> None:
    """Store the factories' plain texts as a form would: a plain text given (``make_unit("CIT", "Citizenship")``)
    is the primary language's text, or, where ``translations=`` gives that language too, the English text (as
    the older tests were written). The plain column then mirrors the primary language's text, as
    :meth:`~tracker.models.types.TranslatableMixin.set_texts` does."""
    primary = tracker_config.CONTENT_LANGUAGE
    for item in (obj, *getattr(obj, "agenda", ())):
        for field in getattr(item, "TEXT_FIELDS", ()):
            plain, texts = getattr(item, field), item.texts(field)
            if plain and plain not in texts.values():
                item.set_texts(field, {"en" if primary in texts else primary: plain})


def _save(app: Flask, obj: Any) -> Any:
    """Commit ``obj`` in its own app context and hand it back detached with its columns loaded."""
    with app.app_context():
        _as_entered(obj)
        db.session.add(obj)
        db.session.commit()
        db.session.refresh(obj)
        db.session.expunge(obj)
    return obj


@pytest.fixture
def make_unit(app: Flask) -> Callable[..., Unit]:
    """``make_unit(code="CIT", name=..., parent_id=..., contact_emails=[...], language="ru")``.

    Units read English (``language="en"``) unless a test says otherwise: the suite's emails are read in English.
    """
    counter = iter(range(1, 10_000))

    def factory(code: str | None = None, name: str | None = None, **fields: Any) -> Unit:
        n = next(counter)
        code = code or f"U{n}"
        fields.setdefault("contact_emails", [f"{code.lower()}@units.example.org"])
        fields.setdefault("language", "en")
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

