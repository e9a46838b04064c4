"""A representative can neither see nor change another unit's invitation through any attendance URL."""

from __future__ import annotations

import re

import pytest

from tests.attendance.conftest import answer_data
from tracker.extensions import db
from tracker.models import Invitation

#: Every attendance route that takes an invitation or an event, with a representative's expected answer:
#: 404 where the URL names an invitation (its existence must not leak), 403 on organiser-only pages.
ROUTES = [
    ("GET", "/invitations/{invitation}", 404),
    ("POST", "/invitations/{invitation}", 404),
    ("POST", "/invitations/{invitation}/withdraw", 403),
    ("GET", "/events/{event}/attendance", 403),
    ("GET", "/events/{event}/attendance/invite", 403),
    ("POST", "/events/{event}/attendance/invite", 403),
    ("POST", "/events/{event}/attendance/deadline", 403),
    ("POST", "/events/{event}/attendance/remind", 403),
    ("GET", "/events/{event}/check-in", 403),
    ("POST", "/events/{event}/check-in", 403),
    ("POST", "/events/{event}/check-in/walk-in", 403),
]


def test_the_list_covers_every_attendance_route(app):
    listed = {path.split("{")[0] + path.split("}")[-1] for _method, path, _status in ROUTES}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("attendance.") and rule.endpoint not in ("attendance.unit_home",
                                                                             "attendance.answer_by_link"):
            path = str(rule.rule)
            assert path.split("<")[0] + path.split(">")[-1] in listed, rule.rule


@pytest.mark.parametrize(("method", "path", "expected"), ROUTES)
def test_representative_of_another_unit_is_refused(app, client, login, event, invitation, reload, method, path,
                                                   expected):
    login("representative")  # of a unit of their own, not the invited one
    url = path.format(invitation=invitation.id, event=event.id)
    data = answer_data(1) if method == "POST" else None
    response = client.open(url, method=method, data=data)
    assert response.status_code == expected
    saved = reload(Invitation, invitation.id)
    assert saved is not None and saved.status == "pending" and saved.version == 1


def test_representative_sees_their_own_units_invitation(client, login, unit, invitation):
    login("representative", unit=unit)
    assert client.get(f"/invitations/{invitation.id}").status_code == 200


def test_not_found_and_not_yours_look_the_same(app, client, login, invitation):
    login("representative")
    foreign = client.get(f"/invitations/{invitation.id}")
    missing = client.get("/invitations/987654")
    assert foreign.status_code == missing.status_code == 404
    # Identical pages but for the address itself (the language switcher returns to it) and the CSRF token,
    # which is signed with the current second and so differs when the two requests straddle one.
    def page(response, invitation_id):
        html = response.get_data(as_text=True).replace(f"/invitations/{invitation_id}", "/invitations/N")
        return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value="T"', html)

    assert page(foreign, invitation.id) == page(missing, 987654)


def test_a_representative_cannot_be_left_without_a_unit(app, login):
    # A representative without a unit would answer for nobody; the database refuses the state outright.
    login("representative", unit=None)
    with app.app_context():
        from sqlalchemy.exc import IntegrityError

        from tracker.models import User

        user = db.session.execute(db.select(User).where(User.role == "representative")).scalar_one()
        user.unit_id = None
        with pytest.raises(IntegrityError):
            db.session.commit()
