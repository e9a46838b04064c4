"""Absolute links follow the server actually serving, unless ``BASE_URL`` names the site's address.

Answer links, feed addresses, webcal buttons, ``.ics`` URLs and the links in emails are absolute. With
``BASE_URL`` set they are built on it; without it, on the address the request reached (a message composed
later by the mail worker carries that address in its recipe); outside any request, on ``DEFAULT_BASE_URL``,
which ``make run`` sets to the address it serves on.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from email import message_from_bytes, policy
from pathlib import Path

import icalendar
import pytest
from flask import Flask

from tracker.attendance import links
from tracker.config import DEFAULTS
from tracker.extensions import db
from tracker.mail.deferred import compose_pending
from tracker.models import Invitation, OutboxMessage, Unit
from tracker.settings import Settings, serving_address, settings

ROOT = Path(__file__).parent.parent
SERVED = "http://example.test:5101"


@pytest.fixture
def unset(app: Flask) -> Flask:
    """The application with no ``BASE_URL`` (as ``make run`` leaves it), reached at ``SERVED``.

    ``SERVER_NAME`` makes the test client send every request (sign-in included) to that host and port.
    """
    app.config["BASE_URL"] = ""
    app.config["SERVER_NAME"] = "example.test:5101"
    return app


def _feed_token(app: Flask, unit_id: int) -> str:
    with app.app_context():
        return db.session.get(Unit, unit_id).feed_token


def test_the_default_is_the_serving_address_and_an_unset_setting_stays_empty():
    assert DEFAULTS["BASE_URL"] == ""
    assert Settings.from_config({}).base_url == ""
    assert Settings.from_config({"BASE_URL": "https://tracker.agency/"}).base_url == "https://tracker.agency"


def test_the_unit_feed_page_offers_the_feed_on_the_serving_host_and_port(unset, client, login, make_unit):
    unit = make_unit()
    login("representative", unit=unit)
    html = client.get(f"/units/{unit.id}/feed").get_data(as_text=True)
    token = _feed_token(unset, unit.id)
    assert f'href="webcal://example.test:5101/feeds/{token}.ics"' in html
    assert f'href="{SERVED}/feeds/{token}.ics" download' in html
    assert f'value="{SERVED}/feeds/{token}.ics"' in html
    assert "127.0.0.1:5000" not in html
    # The links say what they do; nothing is labelled "https" when the address is http.
    assert "Download .ics" in html and "Copy the feed address" in html
    assert ">https<" not in html and "(https)" not in html


def test_event_and_series_pages_link_the_public_feed_on_the_serving_host(unset, client, login, make_event):
    event = make_event(public=True)
    login("organiser")
    html = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert 'href="webcal://example.test:5101/calendar.ics"' in html
    assert f'href="{SERVED}/calendar.ics" download' in html
    assert "Download the public calendar (.ics)" in html
    assert "127.0.0.1:5000" not in html


def test_a_downloaded_ics_links_the_event_on_the_serving_host(unset, client, login, make_event):
    event = make_event()
    login("organiser")
    response = client.get(f"/events/{event.id}.ics")
    calendar = icalendar.Calendar.from_ical(response.get_data())
    assert str(calendar.walk("VEVENT")[0]["URL"]) == f"{SERVED}/events/{event.id}"


def test_an_explicit_base_url_wins_over_the_serving_address(unset, client, login, make_unit, make_event):
    unset.config["BASE_URL"] = "https://tracker.agency.example/"
    unit = make_unit()
    login("representative", unit=unit)
    token = _feed_token(unset, unit.id)
    html = client.get(f"/units/{unit.id}/feed").get_data(as_text=True)
    assert f'href="webcal://tracker.agency.example/feeds/{token}.ics"' in html
    assert f'value="https://tracker.agency.example/feeds/{token}.ics"' in html
    assert "example.test:5101" not in html


def test_answer_links_follow_the_request_then_the_default(unset, make_invitation, make_event, make_unit):
    invitation = make_invitation(make_event(), make_unit())
    with unset.test_request_context("/", base_url="https://tracker.agency/tracker/"):
        # Scheme, host and the prefix a proxy put the site under (X-Forwarded-Prefix ends up here too).
        url = links.answer_url(db.session.get(Invitation, invitation.id))
        assert url.startswith("https://tracker.agency/tracker/answer/")
    unset.config["DEFAULT_BASE_URL"] = "http://10.0.0.5:8080/"
    with unset.app_context():
        assert links.answer_url(db.session.get(Invitation, invitation.id)).startswith("http://10.0.0.5:8080/answer/")
        with serving_address("http://example.test:5101"):
            assert settings().site_url("/x") == f"{SERVED}/x"
        unset.config["BASE_URL"] = "https://tracker.agency.example"
        with serving_address("http://example.test:5101"):
            assert settings().site_url("/x") == "https://tracker.agency.example/x"


def _composed(app: Flask, kind: str) -> list[tuple[str, str]]:
    """The plain text and the calendar's URL of each ``kind`` email, composed as the mail worker does (outside
    any request)."""
    with app.app_context():
        compose_pending()
        rows = db.session.execute(db.select(OutboxMessage).where(OutboxMessage.kind == kind)).scalars().all()
        messages = [message_from_bytes(row.raw, policy=policy.default) for row in rows]
    found = []
    for message in messages:
        part = next(part for part in message.walk() if part.get_content_type() == "text/calendar")
        calendar = icalendar.Calendar.from_ical(part.get_content())
        found.append((message.get_body(("plain",)).get_content(), str(calendar.walk("VEVENT")[0]["URL"])))
    return found


def test_an_invitation_round_from_port_5101_emails_links_to_port_5101(unset, client, login, make_event, make_unit):
    event = make_event()
    make_unit("CIT", "Citizenship Department", contact_emails=["cit@units.example.org"])
    login("organiser")
    response = client.post(f"/events/{event.id}/attendance/invite", data={"scope": "all"})
    assert response.status_code == 302
    unset.config["SERVER_NAME"] = None  # the mail worker has no request, and DEFAULT_BASE_URL is elsewhere
    unset.config["DEFAULT_BASE_URL"] = "http://127.0.0.1:5000"
    ((text, event_url),) = _composed(unset, "invitation")
    answer = re.search(r"^http\S*/answer/\S+$", text, re.M)
    assert answer and answer.group().startswith(f"{SERVED}/answer/"), text
    assert event_url == f"{SERVED}/events/{event.id}"
    assert "127.0.0.1:5000" not in text


def test_with_base_url_set_a_round_records_no_address_and_emails_use_base_url(app, client, login, make_event,
                                                                              make_unit):
    event = make_event()
    make_unit("CIT", "Citizenship Department", contact_emails=["cit@units.example.org"])
    login("organiser")
    response = client.post(f"/events/{event.id}/attendance/invite", data={"scope": "all"})  # at localhost
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        row = db.session.execute(db.select(OutboxMessage)).scalar_one()
        assert "base_url" not in (row.recipe or {})
    ((text, event_url),) = _composed(app, "invitation")
    assert "http://tracker.test/answer/" in text and "localhost" not in text
    assert event_url == f"http://tracker.test/events/{event.id}"


# ------------------------------------------------------------------------------------------------- make run

def test_make_run_passes_host_and_port_to_the_server():
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    out = subprocess.run(["make", "-n", "run", "HOST=0.0.0.0", "PORT=5101"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    assert "scripts/serve.sh 0.0.0.0 5101" in out


def _serve(tmp_path: Path, *args: str, **env: str) -> list[str]:
    """Run scripts/serve.sh with a stand-in ``flask`` that records its arguments and link settings."""
    shutil.copy(ROOT / "scripts" / "serve.sh", tmp_path / "serve.sh")
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    fake = bin_dir / "flask"
    fake.write_text('#!/usr/bin/env bash\n'
                    '[ "$1" = mail ] && [ "$2" = --help ] && exit 0\n'
                    'echo "$* | ${TRACKER_BASE_URL:-} | ${TRACKER_DEFAULT_BASE_URL:-}" >> calls.txt\n'
                    '[ "$1" = run ] && sleep 1\n'  # the worker, started in the background, writes meanwhile
                    'exit 0\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    environ = {key: value for key, value in os.environ.items() if not key.startswith("TRACKER_")}
    subprocess.run(["bash", "serve.sh", *args], cwd=tmp_path, env={**environ, **env}, check=True,
                   capture_output=True, timeout=30)
    return sorted((tmp_path / "calls.txt").read_text().splitlines())


def test_the_run_script_gives_the_web_server_and_mail_worker_its_address(tmp_path):
    calls = _serve(tmp_path, "127.0.0.1", "5101")
    assert "run --host 127.0.0.1 --port 5101 |  | http://127.0.0.1:5101" in calls
    assert "mail worker |  | http://127.0.0.1:5101" in calls


def test_the_run_script_on_every_interface_links_to_the_loopback_address(tmp_path):
    calls = _serve(tmp_path, "0.0.0.0", "5101")  # noqa: S104 - the address make run is given, not bound here
    assert "mail worker |  | http://127.0.0.1:5101" in calls


def test_the_run_script_leaves_an_explicit_base_url_alone(tmp_path):
    calls = _serve(tmp_path, "127.0.0.1", "5101", TRACKER_BASE_URL="https://tracker.agency.example")
    assert "mail worker | https://tracker.agency.example | http://127.0.0.1:5101" in calls
    assert any(call.startswith("run --host 127.0.0.1 --port 5101 | https://tracker.agency.example") for call in calls)



def test_a_password_reset_link_never_follows_the_requests_host(app, client, make_user):
    """Anyone may ask for a reset: a forged ``Host`` must not send the victim's link to the forger's server."""
    app.config["BASE_URL"] = ""
    app.config["DEFAULT_BASE_URL"] = "http://127.0.0.1:5101"
    app.config["SERVER_NAME"] = "attacker.example"  # the Host of every request of this client
    user = make_user("organiser")
    assert client.post("/password/forgot", data={"email": user.email}).status_code == 302
    with app.app_context():
        row = db.session.execute(db.select(OutboxMessage).where(OutboxMessage.recipients.isnot(None))
                                 .order_by(OutboxMessage.id.desc())).scalars().first()
        text = message_from_bytes(row.raw, policy=policy.default).get_body(("plain",)).get_content()
    assert "http://127.0.0.1:5101/password/reset/" in text
    assert "attacker.example" not in text
