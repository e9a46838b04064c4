"""Who may use each events route, checked with real objects (``tests/test_access.py`` uses missing ones)."""

from __future__ import annotations

import pytest

from tests.helpers import baku

ORGANISER_ROUTES = [
    ("GET", "/series/new"),
    ("POST", "/series/new"),
    ("GET", "/series/{series}/edit"),
    ("POST", "/series/{series}/edit"),
    ("GET", "/events/new"),
    ("POST", "/events/new"),
    ("GET", "/events/{event}/edit"),
    ("POST", "/events/{event}/edit"),
    ("GET", "/events/{event}/cancel"),
    ("POST", "/events/{event}/cancel"),
    ("GET", "/events/{event}/duplicate"),
    ("POST", "/events/{event}/duplicate"),
    ("GET", "/events/{event}/agenda"),
    ("POST", "/events/{event}/agenda"),
    ("GET", "/events/{event}/agenda/{item}/edit"),
    ("POST", "/events/{event}/agenda/{item}/edit"),
    ("POST", "/events/{event}/agenda/{item}/delete"),
    ("POST", "/events/{event}/agenda/{item}/move"),
]

SIGNED_IN_ROUTES = [
    "/",
    "/events",
    "/calendar",
    "/series",
    "/series/{series}",
    "/events/{event}",
    "/events/{event}/run-of-show",
]


@pytest.fixture
def objects(app, make_series, make_event):
    """Ids of a series, a scheduled event in it and one agenda item."""
    from tracker.extensions import db
    from tracker.models import AgendaItem

    series = make_series()
    event = make_event(series_id=series.id, starts_at=baku(2012, 2, 25, 10), ends_at=baku(2012, 2, 25, 11),
                       agenda=[{"kind": "silence", "title": "Silence"}])
    with app.app_context():
        item_id = db.session.execute(db.select(AgendaItem.id)).scalar_one()
    return {"series": series.id, "event": event.id, "item": item_id}


@pytest.mark.parametrize("role", ["press", "representative"])
@pytest.mark.parametrize(("method", "path"), ORGANISER_ROUTES)
def test_organiser_routes_refuse_other_roles(client, login, objects, role, method, path):
    login(role)
    data = {"direction": "up"} if method == "POST" else None
    response = client.open(path.format(**objects), method=method, data=data)
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["organiser", "admin"])
@pytest.mark.parametrize("path", [p for m, p in ORGANISER_ROUTES if m == "GET"])
def test_organiser_pages_open_for_organisers_and_admins(client, login, objects, role, path):
    login(role)
    assert client.get(path.format(**objects)).status_code == 200


@pytest.mark.parametrize("role", ["admin", "organiser", "press", "representative"])
@pytest.mark.parametrize("path", SIGNED_IN_ROUTES)
def test_pages_for_everyone_signed_in_open_for_every_role(client, login, objects, role, path):
    login(role)
    response = client.get(path.format(**objects))
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert path == "/"


@pytest.mark.parametrize("path", SIGNED_IN_ROUTES + [p for m, p in ORGANISER_ROUTES if m == "GET"])
def test_anonymous_visitors_are_sent_to_sign_in(client, objects, path):
    response = client.get(path.format(**objects))
    assert response.headers["Location"].startswith("/login?next=")
