"""Property tests: arbitrary numbers and dates sent to every form field and query parameter that takes one.

Whatever arrives (negative, huge, past 2^63, floats, garbage, years 0001–9999, malformed dates), the answer
is never a 500, and a refused value leaves what was saved as it was. Each property reuses one database
across its examples (hence the suppressed function-scoped-fixture health check).
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.events.data import agenda_form, event_form
from tracker import bounds
from tracker.extensions import db
from tracker.models import AgendaItem, Event, Invitation, Series, Venue

PROPERTY = settings(max_examples=30, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

#: Text a number field may receive.
NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from([str(2**63), str(2**63 - 1), str(-(2**63)), str(2**31), "0", "-0", "1", "1440", "1441",
                     "10000", "10001", "1000000", "1000001", "1e3", "1.5", "²", "١٢", "+5", " 7 ", "NaN", "inf",
                     "0x10", ""]),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=20),
)
#: Text a date field may receive: every year a date can have, and malformed dates.
DATES = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.sampled_from(["0001-01-01", "1899-12-31", "1900-01-01", "2200-12-31", "2201-01-01", "9998-12-31",
                     "9999-12-31", "0000-01-01", "10000-01-01", "2012-02-30", "2012-13-01", "2012-1-1", "", "x"]),
    st.text(max_size=12),
)
ANSWERED = {200, 302, 400, 404, 409, 422}


def _column(app, model, ident, name):
    with app.app_context():
        return getattr(db.session.get(model, ident), name)


def _event_state(app, event_id: int) -> tuple:
    with app.app_context():
        event = db.session.get(Event, event_id)
        return event.starts_at, event.ends_at, event.answer_deadline, event.sequence


@pytest.fixture
def organiser(login):
    """An organiser, signed in (admins hold every right the forms need)."""
    return login("admin")


# --- Numbers in forms ---------------------------------------------------------------------------------------


@PROPERTY
@given(capacity=NUMBERS)
def test_venue_capacity(app, client, organiser, make_venue, capacity):
    with app.app_context():
        venue_id = db.session.execute(db.select(Venue.id)).scalars().first()
    venue_id = venue_id or make_venue(capacity=250).id
    before = _column(app, Venue, venue_id, "capacity")
    response = client.post(f"/venues/{venue_id}/edit", data={"name": "Hall", "capacity": capacity})
    assert response.status_code in {302, 422}
    after = _column(app, Venue, venue_id, "capacity")
    if response.status_code == 302:
        assert after is None or after in bounds.VENUE_CAPACITY
    else:
        assert after == before


@PROPERTY
@given(minutes=NUMBERS)
def test_agenda_duration(app, client, organiser, make_event, minutes):
    with app.app_context():
        item = db.session.execute(db.select(AgendaItem)).scalars().first()
        ids = (item.event_id, item.id) if item else None
    if ids is None:
        event = make_event(agenda=[{"kind": "silence", "title": "Silence", "duration_minutes": 1}])
        with app.app_context():
            ids = (event.id, db.session.execute(db.select(AgendaItem.id)).scalar_one())
    before = _column(app, AgendaItem, ids[1], "duration_minutes")
    response = client.post(f"/events/{ids[0]}/agenda/{ids[1]}/edit", data=agenda_form(duration_minutes=minutes))
    assert response.status_code in {302, 422}
    after = _column(app, AgendaItem, ids[1], "duration_minutes")
    if response.status_code == 302:
        assert after is None or after in bounds.AGENDA_DURATION
    else:
        assert after == before


def _invitation(app, make_event, make_unit, make_invitation) -> Invitation:
    with app.app_context():
        found = db.session.execute(db.select(Invitation).where(Invitation.walk_in.is_(False))).scalars().first()
        if found is not None:
            db.session.expunge(found)
            return found
    return make_invitation(make_event(), make_unit())


@PROPERTY
@given(headcount=NUMBERS)
def test_answer_headcount(app, client, organiser, make_event, make_unit, make_invitation, headcount):
    invitation = _invitation(app, make_event, make_unit, make_invitation)
    version = _column(app, Invitation, invitation.id, "version")
    before = _column(app, Invitation, invitation.id, "headcount")
    response = client.post(f"/invitations/{invitation.id}",
                           data={"status": "accepted", "headcount": headcount, "version": str(version)})
    assert response.status_code in {302, 409, 422}
    after = _column(app, Invitation, invitation.id, "headcount")
    if response.status_code == 302:
        assert after is None or after in bounds.HEADCOUNT
    else:
        assert after == before


@PROPERTY
@given(came=NUMBERS, shown=NUMBERS)
def test_check_in_count(app, client, organiser, make_event, make_unit, make_invitation, came, shown):
    invitation = _invitation(app, make_event, make_unit, make_invitation)
    before = _column(app, Invitation, invitation.id, "actual_attendance")
    response = client.post(f"/events/{invitation.event_id}/check-in",
                           data={f"came_{invitation.id}": came, f"was_{invitation.id}": shown})
    assert response.status_code in {302, 422}
    after = _column(app, Invitation, invitation.id, "actual_attendance")
    if response.status_code == 302:
        assert after is None or after in bounds.HEADCOUNT
    else:
        assert after == before


@PROPERTY
@given(came=NUMBERS)
def test_walk_in_count(app, client, organiser, make_event, make_unit, came):
    with app.app_context():
        event_id = db.session.execute(db.select(Event.id)).scalars().first()
    event_id = event_id or make_event().id
    unit = make_unit()
    response = client.post(f"/events/{event_id}/check-in/walk-in", data={"unit": str(unit.id), "came": came})
    assert response.status_code in {302, 422}
    with app.app_context():
        walk_in = db.session.execute(
            db.select(Invitation).where(Invitation.unit_id == unit.id)).scalar_one_or_none()
    if response.status_code == 302:
        assert walk_in is not None and 1 <= walk_in.actual_attendance <= bounds.HEADCOUNT.high
    else:
        assert walk_in is None


# --- Dates in forms -----------------------------------------------------------------------------------------


def _one_event(app, make_event) -> int:
    with app.app_context():
        found = db.session.execute(db.select(Event.id).order_by(Event.id)).scalars().first()
    return found or make_event(public=True).id


@PROPERTY
@given(field=st.sampled_from(["starts_on", "ends_on", "deadline_on"]), day=DATES, all_day=st.booleans())
def test_event_dates(app, client, organiser, make_event, field, day, all_day):
    event_id = _one_event(app, make_event)
    before = _event_state(app, event_id)
    extra = {"all_day": "y", "start_time": None, "end_time": None} if all_day else {}
    response = client.post(f"/events/{event_id}/edit", data=event_form(public="y", **{field: day}, **extra))
    assert response.status_code in {302, 422}
    if response.status_code != 302:
        assert _event_state(app, event_id) == before
    for url in (f"/events/{event_id}.ics", "/calendar.ics", f"/events/{event_id}"):
        assert client.get(url).status_code == 200


@PROPERTY
@given(day=DATES)
def test_series_commemorated_date(app, client, organiser, make_series, make_event, day):
    with app.app_context():
        series_id = db.session.execute(db.select(Series.id)).scalars().first()
    if series_id is None:
        series_id = make_series().id
        make_event(series_id=series_id)
    before = _column(app, Series, series_id, "commemorated_on")
    response = client.post(f"/series/{series_id}/edit", data={"title": "Series", "commemorated_on": day})
    assert response.status_code in {302, 422}
    after = _column(app, Series, series_id, "commemorated_on")
    if response.status_code == 302:
        assert after is None or bounds.FIRST_DAY <= after <= bounds.LAST_DAY
    else:
        assert after == before
    for url in (f"/series/{series_id}.ics", f"/series/{series_id}", "/series"):
        assert client.get(url).status_code == 200


@PROPERTY
@given(day=DATES)
def test_duplicate_start_date(app, client, organiser, make_event, day):
    event_id = _one_event(app, make_event)
    with app.app_context():
        count = db.session.execute(db.select(db.func.count()).select_from(Event)).scalar_one()
    response = client.post(f"/events/{event_id}/duplicate", data={"starts_on": day})
    assert response.status_code in {302, 422}
    with app.app_context():
        after = db.session.execute(db.select(db.func.count()).select_from(Event)).scalar_one()
    assert after == count + (1 if response.status_code == 302 else 0)
    if response.status_code == 302:
        copy_id = response.headers["Location"].split("/")[2]
        assert client.get(f"/events/{copy_id}.ics").status_code == 200


@PROPERTY
@given(day=DATES, clock=st.sampled_from(["T00:00", "T23:59", "T10:00:00", "", "T25:00", " 10:00"]))
def test_answer_deadline_form(app, client, organiser, make_event, day, clock):
    event_id = _one_event(app, make_event)
    before = _event_state(app, event_id)
    response = client.post(f"/events/{event_id}/attendance/deadline", data={"deadline": day + clock})
    assert response.status_code in {302, 409, 422}
    if response.status_code != 302:
        assert _event_state(app, event_id) == before
    assert client.get(f"/events/{event_id}.ics").status_code == 200


# --- Query strings and ids ----------------------------------------------------------------------------------


@PROPERTY
@given(date_from=DATES, date_to=DATES, series=NUMBERS, page=NUMBERS,
       when=st.sampled_from(["upcoming", "past", "all", "", "x"]))
def test_events_list_query(client, organiser, date_from, date_to, series, page, when):
    response = client.get("/events", query_string={"date_from": date_from, "date_to": date_to, "series": series,
                                                   "page": page, "when": when})
    assert response.status_code in {200, 404, 422}


@PROPERTY
@given(month=st.one_of(DATES.map(lambda text: text[:7]), st.text(max_size=10)))
def test_month_query(client, organiser, month):
    assert client.get("/calendar", query_string={"month": month}).status_code in {200, 400}


@PROPERTY
@given(url=st.sampled_from(["/series", "/units", "/people", "/venues", "/users"]), page=NUMBERS)
def test_list_pages(client, organiser, url, page):
    assert client.get(url, query_string={"page": page}).status_code in {200, 404}


@PROPERTY
@given(ident=st.one_of(st.integers(min_value=0, max_value=2**80), st.sampled_from([2**31 - 1, 2**31, 2**63])),
       url=st.sampled_from(["/events/{}", "/events/{}.ics", "/series/{}", "/series/{}.ics", "/units/{}/edit",
                            "/venues/{}/edit", "/people/{}/edit", "/invitations/{}", "/events/{}/attendance",
                            "/events/{}/report.html", "/events/{}/attendance.csv", "/users/{}/edit"]))
def test_ids_in_urls(client, organiser, ident, url):
    assert client.get(url.format(ident)).status_code in ANSWERED
