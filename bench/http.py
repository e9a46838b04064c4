"""``python -m bench http``: the pages and feeds of issue 12 served by gunicorn, against a floor (issue 12).

For each backend — SQLite in a temporary folder, and PostgreSQL when ``TEST_DATABASE_URL``'s server or one on
127.0.0.1:5432 answers (a fresh ``tracker_bench_<pid>`` database, dropped after) — it migrates an empty
database, seeds ten years of use (:mod:`bench.seed`), starts gunicorn (2 sync workers, access log to
``/dev/null``) for the app and for the floor (:mod:`bench.floor`, a bare Flask route of 2.6 kB), signs in
through the login form and loads each page for a few seconds (:mod:`bench.load`: wrk when present). Each
page's requests per second are reported as a share of the floor's, measured before and after the pages
(mean). Every answer's status is counted: a redirect to the sign-in page or an error fails the measurement.

Then 20 representatives answer 10 invitations each at once through the answer form (gunicorn restarted with
4 workers) and the answers are read back from the database; last, the peak RSS of every app worker.
Targets (issue 12): 304 ≥ 50 % of the floor; the 528-event feed ≥ 10 %; event page, list, month ≥ 20 %;
series, dashboard, representative's home and press release ≥ 10 %; answers: 0 lost, 0 5xx, p99 < 500 ms
(PostgreSQL); worker peak RSS < 250 MB. Writes ``bench/results/http-<backend>.json``.
"""

from __future__ import annotations

import html
import http.client
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from bench import load
from bench.seed import Seeded

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
SECRET_KEY = "bench-secret-key-not-for-production"  # noqa: S105 - a throwaway server on a throwaway database
#: Seconds each page is loaded; the floor is loaded twice as long in two halves around the pages.
PAGE_SECONDS = 4.0
WORKERS = 2
ANSWER_WORKERS = 4
ANSWER_CLIENTS = 20
ANSWERS_EACH = 10
ANSWER_P99_MS = 500.0
RSS_LIMIT_MB = 250.0
DEFAULT_POSTGRESQL = "postgresql://postgres@127.0.0.1:5432/postgres"


@dataclass(frozen=True)
class Page:
    """One measured URL: who asks, the status it must answer, the share of the floor it must reach."""

    key: str
    label: str
    path: str
    who: str | None = None
    expect: int = 200
    target: float | None = None
    #: ``"etag"`` or ``"since"``: sent with the feed's validators (If-None-Match / If-Modified-Since).
    conditional: str | None = None


def pages(seeded: Seeded) -> list[Page]:
    """The table of issue 12, with the accounts that see each page."""
    feed = f"/feeds/{seeded.feed_token}.ics"
    return [
        Page("feed", "unit feed (full body)", feed, target=0.10),
        Page("feed_etag", "unit feed, If-None-Match (304)", feed, expect=304, target=0.50, conditional="etag"),
        Page("feed_since", "unit feed, If-Modified-Since (304)", feed, expect=304, target=0.50,
             conditional="since"),
        Page("public_calendar", "public /calendar.ics", "/calendar.ics"),
        Page("rep_home", "representative's home /", "/", who="representative", target=0.10),
        Page("rep_my", "representative's home /my", "/my", who="representative", target=0.10),
        Page("dashboard", "attendance dashboard (200)", f"/events/{seeded.dashboard_event_id}/attendance",
             who="organiser", target=0.10),
        Page("series", "series page", f"/series/{seeded.series_id}", who="organiser", target=0.10),
        Page("event", "event page", f"/events/{seeded.event_id}", who="organiser", target=0.20),
        Page("event_list", "event list", "/events", who="organiser", target=0.20),
        Page("month", "month calendar", "/calendar", who="organiser", target=0.20),
        Page("press_html", "press release (HTML)", f"/events/{seeded.held_event_id}/report.html", who="press",
             target=0.10),
    ]


# --- A browser's worth of HTTP: cookies and forms ----------------------------------------------------------


class Client:
    """One user agent on ``base``: keeps cookies, signs in through the login form, fills forms' hidden fields."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def request(self, method: str, path: str, form: dict[str, str] | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, http.client.HTTPMessage, str]:
        """Send one request with the cookies kept so far; keep the ones the answer sets."""
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = self.cookie_header()
        body = None
        if form is not None:
            body = urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=sent)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (ConnectionError, http.client.HTTPException):
                # The server closed the kept-alive connection (gunicorn's sync workers do): once more, anew.
                self.connection.close()
                if attempt == 2:
                    raise
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response.status, response.msg, text

    def cookie_header(self) -> str:
        """The ``Cookie`` header this client sends (given to the load generator)."""
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def sign_in(self, email: str, password: str) -> None:
        """Sign in through ``/login`` like a browser; raises when the form does not let us in."""
        status, _headers, page = self.request("GET", "/login")
        if status != 200:
            raise RuntimeError(f"GET /login answered {status}")
        status, headers, _page = self.request("POST", "/login", form={
            "csrf_token": hidden(page, "csrf_token"), "email": email, "password": password, "next": ""})
        if status != 302 or "/login" in (headers.get("Location") or ""):
            raise RuntimeError(f"signing in as {email} answered {status}")

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()


def hidden(page: str, name: str) -> str:
    """The value of the ``<input name=…>`` of an HTML page (a CSRF token, a version)."""
    tag = re.search(rf'<input\b[^>]*\bname="{re.escape(name)}"[^>]*>', page)
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0)) if tag else None
    if value is None:
        raise RuntimeError(f"no {name} field in the page")
    return html.unescape(value.group(1))


# --- Databases and servers ------------------------------------------------------------------------------


def postgresql_server() -> str | None:
    """The URL of a reachable PostgreSQL server's maintenance database, or ``None``."""
    import psycopg

    parts = urlsplit(os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRESQL)
    url = urlunsplit(("postgresql", parts.netloc, "/postgres", "", ""))
    try:
        with psycopg.connect(url, connect_timeout=3):
            return url
    except psycopg.Error:
        return None


@contextmanager
def database(backend: str, folder: Path) -> Iterator[str]:
    """An empty database's URL: a SQLite file in ``folder``, or a new PostgreSQL database dropped after."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'bench.sqlite'}"
        return
    import psycopg

    server = postgresql_server()
    if server is None:
        raise RuntimeError("PostgreSQL is not reachable")
    name = f"tracker_bench_{os.getpid()}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed_database(url: str) -> tuple[Any, Seeded]:
    """Migrate the empty database at ``url`` and seed it; returns the app (to read back answers) and the seed."""
    from flask_migrate import upgrade

    from bench.seed import seed
    from tracker import create_app
    from tracker.config import normalise_database_url
    from tracker.extensions import db

    app = create_app({"SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": normalise_database_url(url)})
    with app.app_context():
        began = time.perf_counter()
        upgrade()
        migrated = time.perf_counter() - began
        seeded = seed(db)
        print(f"  migrated in {migrated:.1f} s, seeded {seeded.events:,} events and {seeded.invitations:,} "
              f"invitations in {time.perf_counter() - began - migrated:.1f} s", flush=True)
        db.session.remove()
        db.engine.dispose()
    return app, seeded


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """A running gunicorn: its address and master process."""

    base: str
    process: subprocess.Popen[bytes]
    log: Path

    def worker_pids(self) -> list[int]:
        """The worker processes (the master's children)."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children")
        if children.exists():
            return [int(child) for child in children.read_text().split()]
        found = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                if re.search(rf"^PPid:\s+{pid}$", status.read_text(), re.MULTILINE):
                    found.append(int(status.parent.name))
            except OSError:
                continue
        return found

    def peak_rss_mb(self) -> list[float]:
        """Each worker's peak resident memory (VmHWM), in MB."""
        peaks = []
        for pid in self.worker_pids():
            try:
                match = re.search(r"^VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.MULTILINE)
            except OSError:
                continue
            if match:
                peaks.append(int(match.group(1)) / 1024)
        return peaks


@contextmanager
def gunicorn(app: str, env: dict[str, str], workers: int, log: Path, ready_path: str) -> Iterator[Server]:
    """Run ``app`` under the venv's gunicorn on a free port until the block ends (its whole process group)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [GUNICORN, "-c", "python:tracker.gunicorn_conf", "-w", str(workers), "-b", f"127.0.0.1:{port}",
               "--access-logfile", "/dev/null", "--error-logfile", str(log), app]
    environment = {**os.environ, **env, "BASE_URL": base, "TRACKER_BASE_URL": base}
    with log.open("ab") as stream:
        process = subprocess.Popen(command, env=environment, cwd=ROOT,  # noqa: S603 - the venv's gunicorn, our args
                                   stdout=stream, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(base, process, log)
    try:
        _wait_until_ready(server, ready_path)
        yield server
    finally:
        _stop(process)


def _wait_until_ready(server: Server, path: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            client = Client(server.base)
            status, _headers, _body = client.request("GET", path)
            client.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    tail = server.log.read_text(errors="replace")[-3000:] if server.log.exists() else ""
    raise RuntimeError(f"gunicorn at {server.base} did not answer {path}:\n{tail}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


# --- Measurements ----------------------------------------------------------------------------------------


@dataclass
class Measured:
    """One page's figures and verdict."""

    key: str
    label: str
    path: str
    expect: int
    target: float | None
    rps: float = 0.0
    share: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    requests: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    #: Why the measurement failed (wrong status, no answer), or ``None``.
    failure: str | None = None

    @property
    def ok(self) -> bool:
        """Measured without a wrong answer, and at or above the target when there is one."""
        return self.failure is None and (self.target is None or self.share >= self.target)


def measure_pages(app: Server, floor: Server, seeded: Seeded) -> tuple[dict[str, Any], list[Measured]]:
    """Load the floor, each page, the floor again; shares against the floor's mean."""
    clients = {}
    for who, email in (("organiser", seeded.organiser), ("press", seeded.press),
                       ("representative", seeded.representative)):
        clients[who] = Client(app.base)
        clients[who].sign_in(email, seeded.password)
    floor_before = load.measure(floor.base + "/", seconds=PAGE_SECONDS)
    results = []
    validators: dict[str, str] = {}
    for page in pages(seeded):
        print(f"  {page.label} …", end=" ", flush=True)
        results.append(_measure(app, page, clients, validators))
        print(f"{results[-1].rps:.1f} req/s" + (f" FAILED: {results[-1].failure}" if results[-1].failure else ""),
              flush=True)
    floor_after = load.measure(floor.base + "/", seconds=PAGE_SECONDS)
    for client in clients.values():
        client.close()
    floors = [floor_before, floor_after]
    floor_rps = sum(run.rps for run in floors) / 2
    for row in results:
        row.share = row.rps / floor_rps if floor_rps else 0.0
    wrong = sum(run.unexpected(200) for run in floors)
    floor_figures = {"rps": floor_rps, "before_rps": floor_before.rps, "after_rps": floor_after.rps,
                     "p50_ms": (floor_before.p50_ms + floor_after.p50_ms) / 2, "unexpected": wrong,
                     "tool": floor_before.tool}
    return floor_figures, results


def _measure(app: Server, page: Page, clients: dict[str, Client], validators: dict[str, str]) -> Measured:
    row = Measured(page.key, page.label, page.path, page.expect, page.target)
    client = clients[page.who] if page.who else Client(app.base)
    headers: dict[str, str] = {}
    if page.conditional == "etag":
        headers["If-None-Match"] = validators.get("etag", "")
    elif page.conditional == "since":
        headers["If-Modified-Since"] = validators.get("last_modified", "")
    # One request first: it checks the answer (and warms whatever the app keeps between requests).
    status, answer_headers, _body = client.request("GET", page.path, headers=headers)
    if page.key == "feed":
        validators["etag"] = answer_headers.get("ETag") or ""
        validators["last_modified"] = answer_headers.get("Last-Modified") or ""
    if status != page.expect:
        where = answer_headers.get("Location")
        row.failure = f"answered {status}" + (f" → {where}" if where else "")
        return row
    if client.cookies:
        headers["Cookie"] = client.cookie_header()
    run = load.measure(app.base + page.path, headers, seconds=PAGE_SECONDS)
    row.rps, row.p50_ms, row.p99_ms, row.requests = run.rps, run.p50_ms, run.p99_ms, run.requests
    row.statuses, row.errors = run.statuses, run.errors
    wrong = run.unexpected(page.expect)
    if wrong:
        row.failure = f"{wrong} of {run.requests + run.errors} answers not {page.expect}: {run.statuses}"
    elif not run.requests:
        row.failure = "no answer"
    return row


def open_invitations(app: Any) -> list[tuple[str, list[int]]]:
    """``ANSWER_CLIENTS`` representatives, each with ``ANSWERS_EACH`` of their unit's invitations still open."""
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import Event, Invitation, User

    soon = datetime.now(UTC) + timedelta(days=1)
    with app.app_context():
        rows = db.session.execute(
            select(User.email, Invitation.id)
            .join(Invitation, Invitation.unit_id == User.unit_id)
            .join(Event, Event.id == Invitation.event_id)
            .where(User.role == "representative", Event.status == "scheduled", Event.answer_deadline > soon,
                   Invitation.walk_in.is_(False))
            .order_by(User.id, Event.starts_at, Invitation.id)
        ).all()
        db.session.remove()
    by_user: dict[str, list[int]] = {}
    for email, invitation_id in rows:
        by_user.setdefault(email, []).append(invitation_id)
    chosen = [(email, ids[:ANSWERS_EACH]) for email, ids in by_user.items() if len(ids) >= ANSWERS_EACH]
    if len(chosen) < ANSWER_CLIENTS:
        raise RuntimeError(f"only {len(chosen)} representatives have {ANSWERS_EACH} open invitations")
    step = len(chosen) // ANSWER_CLIENTS  # spread over the units
    return chosen[::step][:ANSWER_CLIENTS]


def measure_answers(server: Server, app: Any, seeded: Seeded) -> dict[str, Any]:
    """20 representatives answer 10 invitations each at once through the answer form; read them back."""
    work = open_invitations(app)
    sent: dict[int, tuple[int, str]] = {}
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    failures: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(work))

    def answer(number: int, email: str, invitation_ids: list[int]) -> None:
        client = Client(server.base)
        try:
            client.sign_in(email, seeded.password)
            start.wait()
            for k, invitation_id in enumerate(invitation_ids):
                path = f"/invitations/{invitation_id}"
                status, _headers, page = client.request("GET", path)
                if status != 200:
                    with lock:
                        statuses[status] = statuses.get(status, 0) + 1
                        failures.append(f"GET {path} answered {status}")
                    continue
                headcount, delegates = 1 + (number + k) % 9, f"Bench delegate {number}-{k}"
                form = {"csrf_token": hidden(page, "csrf_token"), "version": hidden(page, "version"),
                        "status": "accepted", "headcount": str(headcount), "delegates": delegates, "note": ""}
                began = time.perf_counter()
                status, _headers, _page = client.request("POST", path, form=form)
                took = time.perf_counter() - began
                with lock:
                    sent[invitation_id] = (headcount, delegates)
                    latencies.append(took)
                    statuses[status] = statuses.get(status, 0) + 1
                    if status != 302:
                        failures.append(f"POST {path} answered {status}")
        except (OSError, RuntimeError, http.client.HTTPException, threading.BrokenBarrierError) as error:
            with lock:
                failures.append(f"{email}: {error}")
        finally:
            client.close()

    threads = [threading.Thread(target=answer, args=(n, email, ids)) for n, (email, ids) in enumerate(work)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    expected = len(work) * ANSWERS_EACH
    stored = _stored_answers(app, sent)
    return {"clients": len(work), "answers": expected, "sent": len(sent), "stored": stored,
            "lost": expected - stored, "server_errors": sum(n for status, n in statuses.items() if status >= 500),
            "statuses": statuses, "p50_ms": load.percentile(latencies, 50) * 1000,
            "p99_ms": load.percentile(latencies, 99) * 1000, "max_ms": max(latencies, default=0) * 1000,
            "seconds": elapsed, "failures": failures[:10]}


def _stored_answers(app: Any, sent: dict[int, tuple[int, str]]) -> int:
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import Invitation

    with app.app_context():
        rows = db.session.execute(select(Invitation.id, Invitation.status, Invitation.headcount,
                                         Invitation.delegates).where(Invitation.id.in_(list(sent)))).all()
        db.session.remove()
        db.engine.dispose()
    return sum(1 for row in rows
               if row.status == "accepted" and (row.headcount, row.delegates) == sent[row.id])


# --- One backend, start to end ----------------------------------------------------------------------------


def run(backend: str) -> dict[str, Any]:
    """Seed, serve, measure one backend; the figures and verdicts as written to ``http-<backend>.json``."""
    print(f"{backend}:", flush=True)
    with tempfile.TemporaryDirectory(prefix=f"tracker-bench-http-{backend}-") as name:
        folder = Path(name)
        instance = folder / "instance"
        instance.mkdir()
        os.environ["TRACKER_INSTANCE_PATH"] = str(instance)
        with database(backend, folder) as url:
            app, seeded = seed_database(url)
            env = {"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "TRACKER_SECRET_KEY": SECRET_KEY,
                   "TRACKER_INSTANCE_PATH": str(instance)}
            with gunicorn("bench.floor:app", env, WORKERS, folder / "floor.log", "/") as floor, \
                    gunicorn("tracker:create_app()", env, WORKERS, folder / "app.log", "/login") as server:
                floor_figures, measured = measure_pages(server, floor, seeded)
                rss = {"pages_workers_mb": server.peak_rss_mb(), "floor_workers_mb": floor.peak_rss_mb()}
            print(f"  {ANSWER_CLIENTS} clients answering {ANSWERS_EACH} invitations each …", flush=True)
            with gunicorn("tracker:create_app()", env, ANSWER_WORKERS, folder / "answers.log", "/login") as server:
                answers = measure_answers(server, app, seeded)
                rss["answers_workers_mb"] = server.peak_rss_mb()
            log_tail = (folder / "app.log").read_text(errors="replace")[-2000:]
    peak = max([*rss["pages_workers_mb"], *rss["answers_workers_mb"]], default=0.0)
    answers_ok = answers["lost"] == 0 and answers["server_errors"] == 0 and answers["p99_ms"] < ANSWER_P99_MS
    verdicts = {
        "pages": all(row.ok for row in measured),
        "answers": answers_ok if backend == "postgresql" else None,
        "rss": 0 < peak < RSS_LIMIT_MB,
        "floor": floor_figures["unexpected"] == 0,
    }
    return {
        "backend": backend,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "commit": _commit(),
        "load_generator": floor_figures["tool"],
        "page_seconds": PAGE_SECONDS,
        "workers": WORKERS,
        "seeded": asdict(seeded) | {"password": "…"},
        "floor": floor_figures,
        "pages": [asdict(row) | {"ok": row.ok} for row in measured],
        "answers": answers | {"workers": ANSWER_WORKERS, "target_p99_ms": ANSWER_P99_MS,
                              "target_applies": backend == "postgresql", "ok": answers_ok},
        "rss": rss | {"peak_mb": peak, "target_mb": RSS_LIMIT_MB},
        "verdicts": verdicts,
        "ok": all(verdict is not False for verdict in verdicts.values()),
        "app_log_tail": log_tail if not verdicts["pages"] else "",
    }


def _commit() -> dict[str, Any]:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT,  # noqa: S603, S607 - git on our own checkout
                              capture_output=True, text=True).stdout.strip()

    return {"sha": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}


def report(result: dict[str, Any]) -> bool:
    """Print one backend's table; True when every target it has is met."""
    floor = result["floor"]
    print(f"\n{result['backend']} — floor {floor['rps']:,.0f} req/s (before {floor['before_rps']:,.0f}, after "
          f"{floor['after_rps']:,.0f}; {result['load_generator']}, {load.CONNECTIONS} connections, "
          f"{result['workers']} workers, {result['page_seconds']:.0f} s a page)")
    print(f"{'page':<36} {'req/s':>8} {'% floor':>8} {'p50':>9} {'target':>7}  result")
    for row in result["pages"]:
        target = f"{row['target']:.0%}" if row["target"] is not None else "-"
        verdict = ("ok" if row["ok"] else "MISSED") if row["target"] is not None else "-"
        if row["failure"]:
            verdict = f"FAILED ({row['failure']})"
        print(f"{row['label']:<36} {row['rps']:>8.1f} {row['share']:>8.1%} {_ms(row['p50_ms']):>9} {target:>7}  "
              f"{verdict}")
    answers = result["answers"]
    verdict = ("ok" if answers["ok"] else "MISSED") if answers["target_applies"] else "(target on PostgreSQL only)"
    print(f"answers: {answers['answers']} from {answers['clients']} clients, {answers['workers']} workers: "
          f"{answers['lost']} lost, {answers['server_errors']} 5xx, p50 {_ms(answers['p50_ms'])}, p99 "
          f"{_ms(answers['p99_ms'])} (target < {answers['target_p99_ms']:.0f} ms)  {verdict}")
    for failure in answers["failures"]:
        print(f"  {failure}")
    rss = result["rss"]
    print(f"worker peak RSS: {rss['peak_mb']:.0f} MB (pages: {_mbs(rss['pages_workers_mb'])}; answers: "
          f"{_mbs(rss['answers_workers_mb'])}; target < {rss['target_mb']:.0f} MB)  "
          f"{'ok' if result['verdicts']['rss'] else 'MISSED'}")
    if not result["verdicts"]["floor"]:
        print(f"FAILED: the floor answered {floor['unexpected']} requests with another status than 200")
    return bool(result["ok"])


def _ms(value: float) -> str:
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.1f} ms"


def _mbs(values: list[float]) -> str:
    return ", ".join(f"{value:.0f}" for value in values) or "-"


def backends() -> list[str]:
    """SQLite always; PostgreSQL when a server answers."""
    return ["sqlite", "postgresql"] if postgresql_server() else ["sqlite"]
