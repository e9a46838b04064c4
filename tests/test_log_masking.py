"""Tokens of answer links, feeds and password resets never reach a log line: the rule, then real servers."""

from __future__ import annotations

import io
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from tracker import create_app
from tracker.extensions import db
from tracker.logs import TOKEN_FILTER, mask_tokens

ROOT = Path(__file__).parent.parent
SECRET = "log-masking-test-secret"


# --- The rule ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("line", "masked"), [
    ('"GET /answer/eyJpIjoxfQ.sIgNaTuRe-_x HTTP/1.1" 200', '"GET /answer/*** HTTP/1.1" 200'),
    ('"GET /feeds/Zq3_rT-9xYz.ics HTTP/1.1" 304', '"GET /feeds/***.ics HTTP/1.1" 304'),
    ("POST /password/reset/eyJ1Ijo1fQ.aBc HTTP/1.1", "POST /password/reset/*** HTTP/1.1"),
    ("GET /login?next=%2Fanswer%2FeyJpIjoxfQ.sig&x=1", "GET /login?next=%2Fanswer%2F***&x=1"),
    ("GET /anything?token=s3cr3t&page=2", "GET /anything?token=***&page=2"),
    ('"https://tracker.test/answer/eyJpIjoxfQ.sig" "Mozilla/5.0"', '"https://tracker.test/answer/***" "Mozilla/5.0"'),
])
def test_tokens_are_masked_and_the_path_stays_recognisable(line, masked):
    assert mask_tokens(line) == masked


@pytest.mark.parametrize("line", [
    '"GET /events/12/attendance HTTP/1.1" 200',
    '"GET /static/tracker.css HTTP/1.1" 200',
    '"GET /calendar.ics HTTP/1.1" 200',
    '"GET /units/3/feed HTTP/1.1" 200',
])
def test_paths_without_a_token_are_left_alone(line):
    assert mask_tokens(line) == line


def test_every_route_with_a_token_in_its_path_is_masked(app):
    """A new route taking ``<token>`` (the password reset, say) must be covered by the rule."""
    token = "eyJpIjoxfQ.SeCrEtSiGnAtUrE"
    with app.test_request_context():
        rules = [rule for rule in app.url_map.iter_rules() if "token" in rule.arguments]
        assert {rule.endpoint for rule in rules} >= {"attendance.answer_by_link", "calendar.unit_feed",
                                                     "calendar.anniversary_feed"}
        for rule in rules:
            values = {name: (token if name == "token" else 1) for name in rule.arguments}
            path = app.url_map.bind("localhost").build(rule.endpoint, values)
            assert token not in mask_tokens(f"GET {path} HTTP/1.1"), rule.rule


def test_the_app_log_masks_the_path_of_a_failing_request(app, client, caplog, monkeypatch):
    """Flask logs ``Exception on <path>``: the answer view failing must not write its token."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def explode(token: str) -> Any:
        raise RuntimeError("database gone")

    monkeypatch.setattr("tracker.attendance.views.check_answer_token", explode)
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        response = client.get("/answer/eyJpIjoxfQ.SeCrEtSiGnAtUrE")
    assert response.status_code == 500
    assert "/answer/***" in caplog.text
    assert "SeCrEtSiGnAtUrE" not in caplog.text


# --- Real servers -----------------------------------------------------------------------------------


def _seed(database_uri: str, instance: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """Schema and one invitation in ``database_uri``; the invitation's answer token and its unit's feed token."""
    from tracker.attendance.links import make_answer_token
    from tracker.models import Event, Invitation, Unit

    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(instance))
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_uri, "SECRET_KEY": SECRET, "TESTING": True})
    with app.app_context():
        db.create_all()
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
        unit = Unit(code="CIT", name="Citizenship Department", contact_emails=["cit@units.example.org"])
        event = Event(title="Ceremony", kind="ceremony", status="scheduled", timezone="Asia/Baku",
                      starts_at=start, ends_at=start + timedelta(hours=1))
        invitation = Invitation(event=event, unit=unit)
        db.session.add_all([unit, event, invitation])
        db.session.commit()
        tokens = make_answer_token(invitation), unit.feed_token
        db.session.remove()
        db.engine.dispose()
    return tokens


def _get(url: str, **headers: str) -> int:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 — a local test server
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_development_server_log_masks_tokens(tmp_path, monkeypatch):
    """``flask run`` logs through Werkzeug's request handler; its lines carry the masked paths."""
    answer_token, feed_token = _seed(f"sqlite:///{tmp_path / 'dev.sqlite'}", tmp_path / "instance", monkeypatch)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'dev.sqlite'}", "SECRET_KEY": SECRET})
    werkzeug_log = logging.getLogger("werkzeug")
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    werkzeug_log.addHandler(handler)
    level = werkzeug_log.level
    werkzeug_log.setLevel(logging.INFO)
    server = make_server("127.0.0.1", 0, app)  # one thread: a request is logged before shutdown returns
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        assert _get(f"{base}/answer/{answer_token}") == 200
        assert _get(f"{base}/feeds/{feed_token}.ics") == 200
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        werkzeug_log.removeHandler(handler)
        werkzeug_log.setLevel(level)
        with app.app_context():
            db.engine.dispose()
    log = captured.getvalue()
    assert "GET /answer/*** HTTP/1.1" in log and "GET /feeds/***.ics HTTP/1.1" in log
    assert answer_token not in log and feed_token not in log


def test_the_werkzeug_filter_is_installed_once(app):
    assert logging.getLogger("werkzeug").filters.count(TOKEN_FILTER) == 1
    create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": SECRET})
    assert logging.getLogger("werkzeug").filters.count(TOKEN_FILTER) == 1


def test_gunicorn_access_and_error_logs_mask_tokens(tmp_path, monkeypatch):
    """Real gunicorn with ``-c python:tracker.gunicorn_conf``: neither log holds a token, both paths show masked."""
    database = f"sqlite:///{tmp_path / 'gunicorn.sqlite'}"
    instance = tmp_path / "instance"
    answer_token, feed_token = _seed(database, instance, monkeypatch)
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRACKER_")}
    env.update({"DATABASE_URL": database, "TRACKER_INSTANCE_PATH": str(instance), "TRACKER_SECRET_KEY": SECRET,
                "PYTHONPATH": str(ROOT)})
    stdout, stderr = tmp_path / "stdout.log", tmp_path / "stderr.log"
    base = f"http://127.0.0.1:{port}"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        server = subprocess.Popen(  # noqa: S603 — our own interpreter and arguments
            [sys.executable, "-m", "gunicorn", "-c", "python:tracker.gunicorn_conf", "-w", "1",
             "-b", f"127.0.0.1:{port}", "tracker:create_app()"],
            cwd=ROOT, env=env, stdout=out, stderr=err,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    assert server.poll() is None, stderr.read_text()
                    assert time.monotonic() < deadline, "gunicorn did not start"
                    time.sleep(0.2)
            answer_url = f"{base}/answer/{answer_token}"
            assert _get(answer_url) == 200
            # The page's stylesheet is fetched with the answer URL as Referer, which the access log prints.
            assert _get(f"{base}/static/tracker.css", Referer=answer_url) == 200
            assert _get(f"{base}/feeds/{feed_token}.ics") == 200
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
    access, errors = stdout.read_text(), stderr.read_text()
    assert "GET /answer/*** HTTP/1.1" in access and "GET /feeds/***.ics HTTP/1.1" in access
    assert f"{base}/answer/***" in access  # the Referer column
    assert "Booting worker" in errors  # the error log was written, and through the same logger
    for log in (access, errors):
        assert answer_token not in log and feed_token not in log


@pytest.mark.parametrize(("line", "masked"), [
    ("Authorization: Bearer trk_AbCd0123456789_-AbCd0123456789_-AbCd0123456", "Authorization: Bearer trk_***"),
    ("flask tokens revoke hr@example.org trk_ab12cd", "flask tokens revoke hr@example.org trk_***"),
    ('{"Authorization": "Bearer trk_x-Y_z"} GET /events', '{"Authorization": "Bearer trk_***"} GET /events'),
])
def test_api_tokens_are_masked_wherever_they_are(line, masked):
    assert mask_tokens(line) == masked
    assert mask_tokens(masked) == masked


def test_words_merely_containing_the_marker_are_left_alone():
    assert mask_tokens("GET /api/v1/units?q=ptrk_x") == "GET /api/v1/units?q=ptrk_x"


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("mailbox imaps://protocol%40agency.az:pa%2Fss@mail.agency.az:993/INBOX?cafile=/ca.pem: timed out",
         "mailbox imaps://protocol%40agency.az:***@mail.agency.az:993/INBOX?cafile=/ca.pem: timed out"),
        ("TRACKER_IMAP_URL=imap://organiser:s3cret@127.0.0.1:1143/INBOX?starttls=no",
         "TRACKER_IMAP_URL=imap://organiser:***@127.0.0.1:1143/INBOX?starttls=no"),
        ('SMTP_URL="smtp://mailer:p@ss/word@smtp.example.org:587"', 'SMTP_URL="smtp://mailer:***@smtp.example.org:587"'),
        ("SMTPS://MAILER:Secret@SMTP.EXAMPLE.ORG", "SMTPS://MAILER:***@SMTP.EXAMPLE.ORG"),
        ("imaps://organiser@mail.agency.az/INBOX and smtp://smtp.example.org",
         "imaps://organiser@mail.agency.az/INBOX and smtp://smtp.example.org"),
    ],
)
def test_mail_server_passwords_are_masked(line, masked):
    assert mask_tokens(line) == masked


def test_the_mailbox_fetchers_log_masks_a_url_password(app, caplog):
    with caplog.at_level(logging.WARNING, logger="tracker.calendar.mailbox"):
        logging.getLogger("tracker.calendar.mailbox").warning("cannot reach %s", "imaps://u:hunter2@h/INBOX")
    assert "hunter2" not in caplog.text and "imaps://u:***@h/INBOX" in caplog.text
