"""The start page sends each role where its work is."""

from __future__ import annotations

import pytest
from flask import url_for


@pytest.mark.parametrize("role", ["admin", "organiser", "press"])
def test_staff_start_on_the_events_list(client, login, role):
    login(role)
    assert client.get("/").headers["Location"] == "/events"


def test_representatives_start_on_their_units_page(app, client, login):
    if "attendance.unit_home" not in app.view_functions:
        # The attendance area may not be mounted yet; stand in for its page.
        app.add_url_rule("/my", "attendance.unit_home", lambda: "unit home")
    login("representative")
    with app.test_request_context():
        expected = url_for("attendance.unit_home")
    assert client.get("/").headers["Location"] == expected


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get("/").headers["Location"].startswith("/login")
