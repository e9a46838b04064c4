"""Browser tests: a live server on 127.0.0.1 and Debian's Chromium driven by Playwright.

The demo database is built once per run (migrations + ``flask demo``) and copied for every test, so each
test starts from the reference scenario. On failure a screenshot and the page HTML are kept under
``tests/browser/artifacts/``.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from tracker import create_app
from tracker.config import normalise_database_url

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("TRACKER_CHROMIUM", "/usr/bin/chromium")
HERE = Path(__file__).parent
ARTIFACTS = HERE / "artifacts"
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
DEMO_PASSWORD = "demo-password"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


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
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database holding the demo data, to copy from."""
    base = tmp_path_factory.mktemp("browser-demo")
    if TEST_DATABASE_URL:
        url = make_url(normalise_database_url(TEST_DATABASE_URL))
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
def database_uri(demo_template: str, tmp_path: Path) -> Iterator[str]:
    """A fresh copy of the demo database for one test."""
    if TEST_DATABASE_URL:
        url = make_url(normalise_database_url(TEST_DATABASE_URL))
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
def live_app(database_uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The application the live server serves."""
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path / "instance"))
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_uri,
            "SECRET_KEY": "browser-tests",
            "OUTBOX_DIR": str(tmp_path / "outbox"),
        }
    )


@pytest.fixture
def live_server(live_app: Any) -> Iterator[str]:
    """Serve ``live_app`` on a free port of 127.0.0.1; yields the base URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    live_app.config["BASE_URL"] = base_url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
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

    Every request the page makes outside the live server is recorded in ``page.external_requests``.
    """
    pages: list[Any] = []
    contexts: list[Any] = []

    def factory(locale: str = "en-GB", width: int = 1280, height: int = 900) -> Any:
        context = browser.new_context(base_url=live_server, locale=locale,
                                      viewport={"width": width, "height": height})
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
    """Sign in through the form, as a person would."""
    page.goto("/login")
    page.get_by_label(re.compile("Email|E-poçt|Эл")).fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit].primary").click()
    page.wait_for_load_state()


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """Run axe-core in the page; the violations of the given impacts."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:5]]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]
