"""Browser tests: a live server on 127.0.0.1 and Debian's Chromium driven by Playwright.

The demo database is built once per test process (migrations + ``flask demo``; under xdist one per worker,
named after the worker's database on PostgreSQL) and copied for every test, so each test starts from the
reference scenario. On failure a screenshot and the page HTML are kept under
``tests/browser/artifacts/``.

Tests that run in Azerbaijani or Russian find fields by name or id, links and buttons by role with names
from the catalogs (``tr``), and assert on data values (unit names, titles, numbers) in the page's
language. ``app_session``, ``outbox`` and ``event_record`` read what the pages recorded in the live
server's database.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as email_policy
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from tracker import create_app

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("TRACKER_CHROMIUM", "/usr/bin/chromium")
HERE = Path(__file__).parent
ARTIFACTS = HERE / "artifacts"
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
DEMO_PASSWORD = "demo-password"


def _pg_admin(url: str) -> Any:
    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def _build_demo(uri: str, instance: Path) -> None:
    os.environ["TRACKER_INSTANCE_PATH"] = str(instance)
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "browser-tests", "TESTING": True})
    runner = app.test_cli_runner()
    for args in (["db", "upgrade"], ["demo"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    with app.app_context():
        from tracker.extensions import db

        db.engine.dispose()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory, test_database_url: str | None) -> Iterator[str]:
    """A database holding the demo data, to copy from (on PostgreSQL named after this process's database)."""
    base = tmp_path_factory.mktemp("browser-demo")
    if test_database_url:
        url = make_url(test_database_url)
        name = f"{url.database}_browser_template"
        admin = _pg_admin(str(url.render_as_string(hide_password=False)))
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        template = url.set(database=name).render_as_string(hide_password=False)
        _build_demo(template, base / "instance")
        yield name
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = base / "demo.sqlite"
        _build_demo(f"sqlite:///{path}", base / "instance")
        yield str(path)


@pytest.fixture
def database_uri(demo_template: str, tmp_path: Path, test_database_url: str | None) -> Iterator[str]:
    """A fresh copy of the demo database for one test."""
    if test_database_url:
        url = make_url(test_database_url)
        name = f"{url.database}_browser_{uuid.uuid4().hex[:8]}"
        admin = _pg_admin(str(url.render_as_string(hide_password=False)))
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{demo_template}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        copy = tmp_path / "live.sqlite"
        shutil.copy(demo_template, copy)
        yield f"sqlite:///{copy}"


@pytest.fixture
def live_app(database_uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template_code: Any) -> Any:
    """The application the live server serves."""
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_uri,
            "SECRET_KEY": "browser-tests",
            "OUTBOX_DIR": str(tmp_path / "outbox"),
        }
    )
    app.jinja_env.bytecode_cache = template_code
    return app


def _closed_before_sending(app: Any) -> Any:
    """Read each response whole and close it before the server writes a byte.

    Werkzeug's development server closes the response in a ``finally`` that first drains the request
    socket; when the browser has already dropped the connection (a stylesheet request cancelled by a quick
    navigation) the drain raises and the close is skipped, leaving the static file open until the garbage
    collector warns about it in whichever test runs then. Buffered, every response is closed here.
    """

    def buffered(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return buffered


@pytest.fixture
def live_server(live_app: Any) -> Iterator[str]:
    """Serve ``live_app`` on a free port of 127.0.0.1; yields the base URL."""
    server = make_server("127.0.0.1", 0, _closed_before_sending(live_app), threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    live_app.config["BASE_URL"] = base_url
    # A short poll interval: shutdown() waits for the loop to look, once per test.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield base_url
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    with live_app.app_context():
        from tracker.extensions import db

        db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium; Playwright's own browser downloads are not available here."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}; run `make test` (it installs it) or apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    """Remember each phase's outcome on the item, for the artifact fixture."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def page_factory(browser: Any, live_server: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """``page_factory(locale="az", width=360)`` opens a new browser context on the live server.

    Other keyword arguments go to ``browser.new_context`` (``java_script_enabled=False``). Every request
    the page makes outside the live server is recorded in ``page.external_requests``.
    """
    pages: list[Any] = []
    contexts: list[Any] = []

    def factory(locale: str = "en-GB", width: int = 1280, height: int = 900, **options: Any) -> Any:
        context = browser.new_context(base_url=live_server, locale=locale,
                                      viewport={"width": width, "height": height}, **options)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.external_requests = []

        def record(req: Any) -> None:
            if not req.url.startswith(live_server) and not req.url.startswith(("data:", "about:")):
                page.external_requests.append(req.url)

        page.on("request", record)
        contexts.append(context)
        pages.append(page)
        return page

    yield factory
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        for index, page in enumerate(pages):
            try:
                page.screenshot(path=str(ARTIFACTS / f"{stem}-{index}.png"), full_page=True)
                (ARTIFACTS / f"{stem}-{index}.html").write_text(page.content())
            except Exception as error:  # noqa: BLE001 — keep what we can; the test failure matters more
                (ARTIFACTS / f"{stem}-{index}.txt").write_text(f"could not save the page: {error}")
    for context in contexts:
        context.close()


@pytest.fixture
def page(page_factory: Any) -> Any:
    """A desktop-sized page in English."""
    return page_factory()


def sign_in(page: Any, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form, as a person would (located by field names: works in every language)."""
    page.goto("/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit].primary").click()
    page.wait_for_url(lambda url: "/login" not in url)


@functools.cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8") + "\n;undefined"


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """Run axe-core in the page; the violations of the given impacts.

    axe is evaluated through the DevTools protocol rather than added as a ``<script>`` tag: the site's
    Content-Security-Policy blocks inline scripts, and the pages are audited under their real policy.
    """
    page.evaluate(_axe_source())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:5]]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]


# --- Demo accounts and the scenario -----------------------------------------------------------------

ORGANISER = "organiser@example.org"
PRESS = "press@example.org"
ADMIN = "admin@example.org"
#: Representatives of the Citizenship and IT departments (one per unit code in the demo).
CIT = "cit@example.org"
IT = "it@example.org"


@pytest.fixture(scope="session")
def scenario() -> dict[str, Any]:
    """The reference scenario the demo data is built from (texts in en, az and ru)."""
    from tracker.demo import read_scenario

    return read_scenario()


@pytest.fixture
def tr(live_app: Any) -> Any:
    """``tr("az", "Invite units")``: a message as the live server shows it in that language.

    Locators of tests that run in Azerbaijani or Russian take their names from here, so they follow the
    catalogs (and keep working while a message is still untranslated).
    """
    from flask_babel import force_locale, gettext, ngettext

    def translate(language: str, message: str, plural: str | None = None, **variables: Any) -> str:
        """``plural`` given: the form for ``num`` (``tr("ru", "%(num)s unit", "%(num)s units", num=13)``)."""
        with live_app.test_request_context(), force_locale(language[:2]):
            if plural is not None:
                return ngettext(message, plural, variables.pop("num"), **variables)
            return gettext(message, **variables)

    return translate


@contextlib.contextmanager
def app_session(app: Any) -> Iterator[Any]:
    """The database session of ``app`` (the live server's), to read what the pages recorded."""
    from tracker.extensions import db

    with app.app_context():
        yield db.session


def run_command(app: Any, *args: str) -> str:
    """Run a ``flask`` command of ``app`` (e.g. ``mail send``); its output."""
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def submit(page: Any, form: str = "main form") -> None:
    """Press the primary button of ``form`` (a CSS selector) and wait for the answer page."""
    page.locator(f"{form} button[type=submit].primary").click()
    page.wait_for_load_state()


def language_of(page: Any) -> str:
    """The interface language the page is in (``<html lang>``)."""
    return page.locator("html").get_attribute("lang")


@dataclass(frozen=True)
class EventRecord:
    """What a test needs to know of an event in the live database."""

    id: int
    uid: str
    sequence: int
    title: str
    translations: dict[str, Any]
    invited_units: tuple[str, ...]

    def title_in(self, language: str) -> str:
        """The title as the page shows it in ``language`` (every language's text is in ``translations``; the
        plain column mirrors the primary language's)."""
        return (self.translations.get("title") or {}).get(language[:2]) or self.title


def event_record(app: Any, event_id: int) -> EventRecord:
    """Read an event and the codes of its invited units from the live database."""
    from tracker.models import Event, Invitation, Unit

    with app_session(app) as session:
        event = session.get(Event, event_id)
        codes = session.execute(
            select(Unit.code).join(Invitation, Invitation.unit_id == Unit.id).where(Invitation.event_id == event_id)
            .order_by(Unit.code)
        ).scalars().all()
        return EventRecord(event.id, event.uid, event.sequence, event.title, dict(event.translations or {}),
                           tuple(codes))


@pytest.fixture
def upcoming_ceremony(live_app: Any) -> EventRecord:
    """The demo's next anniversary ceremony: scheduled, every active unit invited, nobody answered yet."""
    from tracker.models import Event

    with app_session(live_app) as session:
        event_id = session.execute(
            select(Event.id).where(Event.status == "scheduled", Event.kind == "ceremony").order_by(Event.starts_at)
        ).scalars().first()
    assert event_id is not None, "the demo data has no upcoming ceremony"
    return event_record(live_app, event_id)


def outbox(app: Any, kind: str, event_id: int | None = None) -> list[Any]:
    """Queued emails of ``kind`` (``invitation``, ``update``, ``cancellation`` …), oldest first, detached.

    Messages waiting to be composed are composed first, as the mail worker would.
    """
    from tracker.mail.deferred import compose_pending
    from tracker.models import OutboxMessage

    with app_session(app) as session:
        compose_pending()
        query = select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        if event_id is not None:
            query = query.where(OutboxMessage.event_id == event_id)
        messages = session.execute(query).scalars().all()
        session.expunge_all()
        return list(messages)


def parse_email(raw: bytes) -> EmailMessage:
    """An RFC 5322 message as the standard library reads it."""
    return message_from_bytes(raw, policy=email_policy)


def calendar_of(message: EmailMessage) -> Any:
    """The iCalendar part of an email, parsed by the ``icalendar`` library."""
    import icalendar

    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return icalendar.Calendar.from_ical(part.get_payload(decode=True))
    raise AssertionError("the email has no text/calendar part")


def text_of(message: EmailMessage) -> str:
    """The plain-text body of an email."""
    body = message.get_body(preferencelist=("plain",))
    assert body is not None, "the email has no text/plain part"
    return body.get_content()


def nav_link(page: Any, tr: Any, language: str, name: str) -> Any:
    """A link of the main navigation, by its name in ``language`` (``nav_link(page, tr, "az", "Events")``)."""
    main = page.get_by_role("navigation", name=tr(language, "Main"), exact=True)
    return main.get_by_role("link", name=tr(language, name), exact=True)
