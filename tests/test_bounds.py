"""Bad input never reaches a 500: dates, numbers, ids, query strings and body size stay within tracker.bounds.

Each test names a value that used to crash a page (or every page that computed from it); the property
tests with arbitrary values are in ``tests/test_bounds_properties.py``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from flask_babel import force_locale, gettext

from tests.events.data import agenda_form, event_form
from tests.helpers import baku, field_error
from tracker import bounds
from tracker.attendance import services as attendance
from tracker.bounds import BoundsError
from tracker.directory import services as directory
from tracker.events import services as events
from tracker.extensions import db
from tracker.models import AgendaItem, Event, Invitation, Series, Unit, Venue
from tracker.timemath import as_zone

DATE_ERROR = "Give a date between the years 1900 and 2200."


def _count(app, model) -> int:
    with app.app_context():
        return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


def _load(app, model, ident):
    with app.app_context():
        obj = db.session.get(model, ident)
        db.session.expunge(obj)
        return obj


# --- The ranges themselves ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("12", 12), (" 7 ", 7), ("+3", 3), ("1000000", 1_000_000),
    ("0", None), ("-1", None), ("1000001", None), ("99999999999999999999", None), ("1.5", None), ("1e3", None),
    ("²", None), ("١٢", None), ("", None), (None, None), ("abc", None), ("0x10", None),
])
def test_parse_number_takes_only_whole_ascii_numbers_within_the_range(text, expected):
    assert bounds.parse_number(text, bounds.PAGE) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("2012-02", date(2012, 2, 1)), ("1900-01", date(1900, 1, 1)), ("2200-12", date(2200, 12, 1)),
    ("1899-12", None), ("2201-01", None), ("0001-01", None), ("9999-12", None), ("2012-13", None), ("x", None),
])
def test_parse_month_accepts_the_months_of_the_accepted_years(text, expected):
    assert bounds.parse_month(text, date(2012, 5, 5)) == expected


def test_an_all_day_event_on_the_last_day_ends_at_the_midnight_after_it():
    # The exclusive end 2201-01-01 00:00 belongs to 2200-12-31.
    bounds.check_span(baku(2200, 12, 31), baku(2201, 1, 1), "Asia/Baku")
    with pytest.raises(BoundsError):
        bounds.check_span(baku(2200, 12, 31), baku(2201, 1, 1, 0, 1), "Asia/Baku")
    with pytest.raises(BoundsError):
        bounds.check_span(baku(1899, 12, 31, 23), baku(1900, 1, 1, 1), "Asia/Baku")


def test_instants_of_far_zones_stay_inside_the_stored_range():
    """What the database may check on UTC columns: the local days of every zone fall inside it."""
    for zone in ("Pacific/Kiritimati", "Etc/GMT+12"):
        first = datetime.combine(bounds.FIRST_DAY, time(0), tzinfo=as_zone(zone))
        last = datetime.combine(bounds.LAST_DAY + timedelta(days=1), time(0), tzinfo=as_zone(zone))
        assert bounds.EARLIEST_INSTANT <= first.astimezone(UTC) < last.astimezone(UTC) < bounds.LATEST_INSTANT


# --- Dates in the events area ------------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2201-01-01", "9998-06-01", "9999-12-31"])
def test_an_event_date_outside_the_years_is_refused_beside_the_field(app, client, login, day):
    login("organiser")
    response = client.post("/events/new", data=event_form(starts_on=day, ends_on=day, public="y"))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "starts_on") == DATE_ERROR
    assert _count(app, Event) == 0
    assert client.get("/calendar.ics").status_code == 200


def test_an_all_day_event_on_9999_12_31_is_refused(app, client, login):
    login("organiser")
    response = client.post("/events/new", data=event_form(
        starts_on="9999-12-31", ends_on="9999-12-31", all_day="y", start_time=None, end_time=None))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "ends_on") == DATE_ERROR
    assert _count(app, Event) == 0


def test_an_answer_deadline_in_year_1_is_refused(app, client, login):
    login("organiser")
    response = client.post("/events/new", data=event_form(deadline_on="0001-01-01", deadline_time="00:00"))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "deadline_on") == DATE_ERROR
    assert _count(app, Event) == 0


def test_an_edit_to_year_9999_leaves_the_event_as_it_was(app, client, login, make_event):
    login("organiser")
    event = make_event(starts_at=baku(2012, 2, 25, 10), ends_at=baku(2012, 2, 25, 11, 30), public=True)
    response = client.post(f"/events/{event.id}/edit", data=event_form(starts_on="9999-12-30", ends_on="9999-12-31"))
    assert response.status_code == 422
    stored = _load(app, Event, event.id)
    assert (stored.starts_at, stored.ends_at, stored.sequence) == (event.starts_at, event.ends_at, event.sequence)
    for url in (f"/events/{event.id}.ics", "/calendar.ics"):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("all_day", [False, True])
def test_a_ceremony_on_the_last_accepted_day_saves_and_exports(app, client, login, all_day):
    login("organiser")
    series = client.post("/series/new", data={"title": "Bicentenary", "commemorated_on": "2200-12-31"})
    assert series.status_code == 302
    fields = {"start_time": None, "end_time": None, "all_day": "y"} if all_day else {"end_time": "23:59"}
    response = client.post("/events/new", data=event_form(
        series_id="1", starts_on="2200-12-31", ends_on="2200-12-31", deadline_on="2200-12-31", public="y",
        timezone="Pacific/Niue", **fields))
    assert response.status_code == 302, field_error(response.get_data(as_text=True), "ends_on")
    event_id = int(response.headers["Location"].rsplit("/", 1)[1])
    for url in (f"/events/{event_id}.ics", "/series/1.ics", "/calendar.ics", f"/events/{event_id}",
                "/calendar?month=2200-12", "/series/1", "/events?when=all&date_from=2200-12-31&date_to=2200-12-31"):
        assert client.get(url).status_code == 200, url


def test_a_ceremony_on_the_first_accepted_day_saves_and_exports(client, login):
    login("organiser")
    response = client.post("/events/new", data=event_form(starts_on="1900-01-01", ends_on="1900-01-01", public="y",
                                                          timezone="Pacific/Kiritimati"))
    assert response.status_code == 302
    event_id = int(response.headers["Location"].rsplit("/", 1)[1])
    for url in (f"/events/{event_id}.ics", "/calendar.ics", "/calendar?month=1900-01"):
        assert client.get(url).status_code == 200, url


def test_a_series_commemorated_on_9999_12_31_is_refused(app, client, login, make_series):
    login("organiser")
    response = client.post("/series/new", data={"title": "Far", "commemorated_on": "9999-12-31"})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "commemorated_on") == DATE_ERROR
    series = make_series()
    response = client.post(f"/series/{series.id}/edit", data={"title": "Far", "commemorated_on": "0001-01-01"})
    assert response.status_code == 422
    assert _load(app, Series, series.id).commemorated_on == series.commemorated_on
    assert client.get(f"/series/{series.id}.ics").status_code == 200


def test_duplicating_past_the_last_day_is_refused_beside_the_date(app, client, login, make_event):
    login("organiser")
    exhibition = make_event(kind="exhibition", starts_at=baku(2012, 2, 22, 9), ends_at=baku(2012, 3, 1, 18))
    response = client.post(f"/events/{exhibition.id}/duplicate", data={"starts_on": "2200-12-30"})
    assert response.status_code == 422
    assert "31 December 2200" in field_error(response.get_data(as_text=True), "starts_on")
    response = client.post(f"/events/{exhibition.id}/duplicate", data={"starts_on": "9999-01-01"})
    assert response.status_code == 422
    assert _count(app, Event) == 1


def test_an_agenda_duration_longer_than_a_day_is_refused(app, client, login, make_event):
    login("organiser")
    event = make_event()
    response = client.post(f"/events/{event.id}/agenda", data=agenda_form(duration_minutes=str(2**64)))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "duration_minutes") == "Number must be between 1 and 1440."
    assert _count(app, AgendaItem) == 0


# --- The same rules in the services (commands, the demo loader, a later API) ----------------------------------


def _details(**fields) -> events.EventDetails:
    fields.setdefault("starts_at", baku(2012, 2, 25, 10))
    fields.setdefault("ends_at", baku(2012, 2, 25, 11, 30))
    return events.EventDetails(title="Ceremony", kind="ceremony", timezone="Asia/Baku", **fields)


@pytest.mark.parametrize(("fields", "field"), [
    ({"starts_at": datetime(1, 1, 2, tzinfo=UTC)}, "starts_on"),
    ({"ends_at": datetime(9999, 12, 31, tzinfo=UTC)}, "ends_on"),
    ({"ends_at": baku(2201, 1, 1, 0, 1)}, "ends_on"),
    ({"answer_deadline": datetime(1, 1, 1, tzinfo=UTC)}, "deadline_on"),
])
def test_event_services_refuse_dates_outside_the_years(app, make_event, fields, field):
    event = make_event()
    with app.app_context():
        with pytest.raises(BoundsError) as refused:
            events.create_event(_details(**fields))
        assert refused.value.field == field
        stored = db.session.get(Event, event.id)
        with pytest.raises(BoundsError):
            events.update_event(stored, _details(**fields))
        db.session.rollback()
    assert _load(app, Event, event.id).starts_at == event.starts_at


def test_series_and_agenda_services_refuse_out_of_range_values(app, make_series, make_event):
    series, event = make_series(), make_event()
    with app.app_context():
        with pytest.raises(BoundsError):
            events.create_series(events.SeriesDetails(title="Far", commemorated_on=date(9999, 12, 31)))
        with pytest.raises(BoundsError):
            events.update_series(db.session.get(Series, series.id),
                                 events.SeriesDetails(title="Far", commemorated_on=date(1, 1, 1)))
        with pytest.raises(BoundsError) as refused:
            events.add_agenda_item(db.session.get(Event, event.id),
                                   events.AgendaItemDetails(kind="speech", title="Long", duration_minutes=1441))
        assert refused.value.field == "duration_minutes"
        with pytest.raises(BoundsError):
            events.duplicate_event(db.session.get(Event, event.id), date(1, 1, 1))
        db.session.rollback()
    assert _count(app, AgendaItem) == 0 and _count(app, Event) == 1


@pytest.mark.parametrize("capacity", [0, 1_000_001, 2**63, -(2**63) - 1])
def test_venue_services_refuse_a_capacity_out_of_range(app, capacity):
    with app.app_context(), pytest.raises(directory.DirectoryError) as refused:
        directory.create_venue(directory.VenueDetails(name="Hall", capacity=capacity))
    assert refused.value.field == "capacity"
    assert _count(app, Venue) == 0


def test_attendance_services_refuse_numbers_and_dates_out_of_range(app, make_event, make_unit, make_invitation):
    event, unit = make_event(), make_unit()
    invitation = make_invitation(event, unit)
    with app.app_context():
        stored = db.session.get(Event, event.id)
        with pytest.raises(attendance.AttendanceError):
            attendance.set_answer_deadline(stored, datetime(1, 1, 1, tzinfo=UTC), by_user=None)
        with pytest.raises(attendance.AttendanceError):
            attendance.record_check_in(stored, {invitation.id: 10_001}, by_user=None)
        with pytest.raises(attendance.AttendanceError):
            attendance.add_walk_in(stored, db.session.get(Unit, unit.id), 2**63, by_user=None)
        problems = attendance.answer_problems(stored, "accepted", 2**63)
        assert [problem.field for problem in problems] == ["headcount"]
        db.session.rollback()
    stored_invitation = _load(app, Invitation, invitation.id)
    assert stored_invitation.actual_attendance is None
    assert _load(app, Event, event.id).answer_deadline is None


# --- Numbers in the directory and attendance forms ---------------------------------------------------------


@pytest.mark.parametrize("capacity", [str(2**63), "1000001", "99999999999999999999999"])
def test_a_venue_capacity_out_of_range_is_refused_beside_the_field(app, client, login, capacity):
    login("organiser")
    response = client.post("/venues/new", data={"name": "Hall", "capacity": capacity})
    assert response.status_code == 422
    assert "at most 1000000" in field_error(response.get_data(as_text=True), "capacity")
    assert _count(app, Venue) == 0


def test_the_largest_capacity_saves(app, client, login):
    login("organiser")
    response = client.post("/venues/new", data={"name": "Stadium", "capacity": "1000000"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.execute(db.select(Venue.capacity)).scalar_one() == 1_000_000


def test_a_unit_edit_without_its_email_field_keeps_the_addresses(app, client, login, make_unit):
    login("organiser")
    unit = make_unit("CIT", contact_emails=["cit@units.example.org"])
    response = client.post(f"/units/{unit.id}/edit", data={"code": "CIT", "name": "Citizenship Department"})
    assert response.headers["Location"] == "/units"
    stored = _load(app, Unit, unit.id)
    assert (stored.name, stored.contact_emails) == ("Citizenship Department", ["cit@units.example.org"])


def test_a_deadline_in_year_1_is_refused_on_the_invitation_page(app, client, login, make_event):
    login("organiser")
    event = make_event()
    response = client.post(f"/events/{event.id}/attendance/deadline", data={"deadline": "0001-01-01T00:00"})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "deadline") == DATE_ERROR
    assert _load(app, Event, event.id).answer_deadline is None


def test_a_damaged_hidden_number_is_refused_not_a_crash(app, client, login, make_event, make_unit, make_invitation):
    organiser = login("organiser")
    event = make_event()
    invitation = make_invitation(event, make_unit())
    response = client.post(f"/invitations/{invitation.id}", data={"status": "declined", "version": "²"})
    assert response.status_code == 422
    response = client.post(f"/events/{event.id}/check-in",
                           data={f"came_{invitation.id}": "5", f"was_{invitation.id}": "²"})
    assert response.headers["Location"] == f"/events/{event.id}/check-in"
    assert _load(app, Invitation, invitation.id).actual_attendance == 5
    assert organiser.id


def test_a_check_in_count_beyond_the_range_changes_nothing(app, client, login, make_event, make_unit,
                                                           make_invitation):
    login("organiser")
    event = make_event()
    invitation = make_invitation(event, make_unit(), actual_attendance=3)
    response = client.post(f"/events/{event.id}/check-in",
                           data={f"came_{invitation.id}": str(2**64), f"was_{invitation.id}": "3"})
    assert response.status_code == 422
    assert _load(app, Invitation, invitation.id).actual_attendance == 3


# --- Query strings and ids ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "field"), [("date_from=0001-01-01", "date_from"), ("date_to=9999-12-31", "date_to")])
def test_a_date_filter_outside_the_years_is_shown_and_ignored(client, login, make_event, query, field):
    login("organiser")
    make_event("Annual meeting", starts_at=baku(2012, 2, 25, 10), ends_at=baku(2012, 2, 25, 11))
    response = client.get(f"/events?when=all&{query}")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_error(html, field) == DATE_ERROR
    assert "Annual meeting" in html  # the list is still there, unfiltered by the bad date


@pytest.mark.parametrize("month", ["0001-01", "1899-12", "2201-01", "9999-12"])
def test_a_month_outside_the_years_is_a_bad_request_that_says_why(client, login, month):
    login("organiser")
    response = client.get(f"/calendar?month={month}")
    assert response.status_code == 400
    assert "1900-01" in response.get_data(as_text=True)


def test_the_first_and_last_months_link_to_no_month_beyond(client, login):
    login("organiser")
    first = client.get("/calendar?month=1900-01").get_data(as_text=True)
    last = client.get("/calendar?month=2200-12").get_data(as_text=True)
    assert 'rel="prev"' not in first and 'rel="next"' in first
    assert 'rel="next"' not in last and 'rel="prev"' in last


@pytest.mark.parametrize("url", ["/events", "/series", "/units", "/people", "/venues", "/users"])
@pytest.mark.parametrize("page", ["99999999999999999999", "1000001", "0", "-3", "abc"])
def test_a_page_that_cannot_exist_is_not_found(client, login, url, page):
    login("admin")
    assert client.get(f"{url}?page={page}").status_code == 404


def test_the_last_possible_page_is_an_empty_page(client, login):
    login("admin")
    assert client.get("/events?page=1000000").status_code == 200


def test_the_preselected_series_of_a_new_event_is_bounded(client, login):
    login("organiser")
    assert client.get("/events/new?series_id=99999999999999999999").status_code == 200


def test_every_id_in_a_url_past_what_the_database_holds_is_not_found(app, client, login):
    """Walks the URL map: every ``<int:...>`` route answers 404 to an id the database cannot hold (2^31 and
    more: PostgreSQL's INTEGER), not a 500."""
    login("admin")
    checked = 0
    for rule in app.url_map.iter_rules():
        if "<int:" not in rule.rule or rule.rule.startswith("/api/"):
            continue  # the API answers 401 without a token; tests/api/test_access.py walks it with tokens
        path = re.sub(r"<[^>]+>", "x", re.sub(r"<int:\w+>", str(2**31), rule.rule))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method)
            assert response.status_code == 404, (method, path, response.status_code)
            checked += 1
    assert checked > 20


@pytest.mark.parametrize("ident", [2**31 - 1, 2**31, 2**63 - 1, 2**63, 10**20])
def test_large_ids_are_not_found(client, login, ident):
    login("organiser")
    for url in (f"/events/{ident}", f"/events/{ident}.ics", f"/series/{ident}", f"/units/{ident}/edit"):
        assert client.get(url).status_code == 404, url


def test_the_mail_retry_command_refuses_an_id_the_database_cannot_hold(runner):
    result = runner.invoke(args=["mail", "retry", str(2**31)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


# --- Request size -------------------------------------------------------------------------------------------


def test_a_20_mb_body_is_refused_with_a_reason_in_the_readers_language(app, client, login):
    login("organiser", language="ru")
    response = client.post("/venues/new", data={"name": "Hall", "address": "x" * (20 * 1024 * 1024)})
    assert response.status_code == 413
    with app.test_request_context(), force_locale("ru"):
        size = gettext("%(number)s MB", number="10")
        reason = gettext("What was sent is larger than this site accepts (at most %(size)s). Shorten the text or "
                         "send a smaller file.", size=size)
    assert reason != "What was sent is larger than this site accepts (at most 10 MB). Shorten the text or send a " \
                     "smaller file."
    assert reason in response.get_data(as_text=True)
    assert _count(app, Venue) == 0


def test_the_body_limit_is_a_setting(app, client, login):
    login("organiser")
    app.config["MAX_CONTENT_LENGTH"] = 1024
    assert client.post("/venues/new", data={"name": "Hall", "address": "x" * 2048}).status_code == 413


def test_the_body_limit_comes_from_the_environment(monkeypatch):
    from tracker.config import from_environment

    settings = from_environment({"TRACKER_MAX_CONTENT_LENGTH": "2048", "TRACKER_MAX_FORM_MEMORY_SIZE": "1024"})
    assert (settings["MAX_CONTENT_LENGTH"], settings["MAX_FORM_MEMORY_SIZE"]) == (2048, 1024)


def _post_multipart(client, url: str, **fields: str):
    """Post ``fields`` as multipart/form-data built here (the test client would spool it to an unclosed file)."""
    fields["csrf_token"] = client.csrf_token()
    body = b"".join(
        b"--bound\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (name.encode(), value.encode())
        for name, value in fields.items()
    ) + b"--bound--\r\n"
    return client.post(url, data=body, content_type="multipart/form-data; boundary=bound")


def test_a_form_text_over_the_memory_limit_is_refused_with_a_reason(app, client, login):
    """Werkzeug holds a multipart form's texts in memory up to MAX_FORM_MEMORY_SIZE (4 MB here)."""
    login("organiser")
    response = _post_multipart(client, "/events/replies", text="x" * (5 * 1024 * 1024))
    assert response.status_code == 413
    assert "4 MB" in response.get_data(as_text=True)


def test_a_pasted_reply_email_over_half_a_megabyte_is_read(client, login):
    """Werkzeug's default form memory (500 kB) would refuse this paste with 413 before the form saw it."""
    login("organiser")
    email = ("From: cit@units.example.org\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
             "--b\r\nContent-Type: text/plain\r\n\r\n" + "We will come.\r\n" * 60_000 + "--b--\r\n")
    assert len(email) > 800_000
    response = _post_multipart(client, "/events/replies", text=email)
    assert response.status_code == 422
    assert "no calendar part" in response.get_data(as_text=True)


def test_an_event_with_three_long_descriptions_saves(app, client, login):
    """The longest texts the event form allows, in a script that percent-encoding makes nine bytes a letter:
    over Werkzeug's 500 kB default for form memory, well within ours."""
    login("organiser")
    long_text = "ა" * 20_000  # Georgian: three bytes in UTF-8
    response = client.post("/events/new", data=event_form(
        description=long_text, description_az=long_text, description_ru=long_text))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.execute(db.select(Event.description)).scalar_one() == long_text


def test_a_long_press_text_saves(app, client, login, make_event):
    from tracker.reports.forms import MAX_SUMMARY_LENGTH

    login("press")
    event = make_event(starts_at=baku(2012, 2, 25, 10), ends_at=baku(2012, 2, 25, 11), status="held")
    text = ("Памяти жертв трагедии. " * MAX_SUMMARY_LENGTH)[:MAX_SUMMARY_LENGTH]
    response = client.post(f"/events/{event.id}/press-summary/ru", data={"body": text, "version": ""})
    assert response.status_code == 302, response.status_code
