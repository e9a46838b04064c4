"""Downloads, the public calendar, private unit feeds: access, caching, query counts and token rotation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import render_template
from flask_babel import force_locale, gettext
from flask_login import login_user

from tests.calendar.ics_checks import check_calendar, single_event, unfolded
from tests.helpers import CONFIRMED, assert_asks, count_queries
from tracker.extensions import db
from tracker.i18n import primary_language
from tracker.models import Event, EventKind, Series, Unit, User
from tracker.settings import settings as site_settings
from tracker.vocabulary import kind_label


def _token(app, unit_id: int) -> str:
    with app.app_context():
        return db.session.get(Unit, unit_id).feed_token


def _summaries(data: bytes, method: str | None) -> list[str]:
    return [str(c["SUMMARY"]) for c in check_calendar(data, method=method).walk("VEVENT")]


# --- /events/<id>.ics --------------------------------------------------------------------------------------


def test_signed_in_user_downloads_an_event(client, login, scenario):
    login("representative")
    response = client.get(f"/events/{scenario.ceremony_id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="event-{scenario.ceremony_id}.ics"'
    assert _summaries(response.data, "PUBLISH") == ["Commemoration ceremony for the victims of the Khojaly tragedy"]
    assert b"ATTENDEE" not in response.data


@pytest.mark.parametrize("role", ["representative", "press"])
def test_drafts_are_not_downloadable_by_non_organisers(client, login, make_event, role):
    draft = make_event(status="draft")
    login(role)
    assert client.get(f"/events/{draft.id}.ics").status_code == 404


def test_organisers_download_drafts(client, login, make_event):
    draft = make_event(status="draft")
    login("organiser")
    response = client.get(f"/events/{draft.id}.ics")
    assert response.status_code == 200
    check_calendar(response.data, method="PUBLISH")


def test_missing_event_download_is_404(client, login):
    login("organiser")
    assert client.get("/events/424242.ics").status_code == 404


def test_anonymous_download_is_sent_to_sign_in(client, scenario):
    response = client.get(f"/events/{scenario.ceremony_id}.ics")
    assert response.headers["Location"].startswith("/login")


def _labels(app, language: str, *messages: str) -> list[str]:
    """``messages`` as a calendar in ``language`` writes them (placeholders left empty)."""
    with app.test_request_context(), force_locale(language):
        return [gettext(message, person="", languages="", title="") for message in messages]


@pytest.mark.parametrize("language", ["az", "ru"])
def test_event_download_is_in_the_readers_language(app, client, login, scenario, language):
    with app.app_context():
        event = db.session.get(Event, scenario.ceremony_id)
        event.set_texts("title", {"ru": "Траурная церемония памяти жертв Ходжалинской трагедии"})
        db.session.commit()
        title = event.texts("title")[language]
        category, english_category = kind_label(event.kind, language), kind_label(event.kind, "en")
    presiding, agenda, materials = _labels(app, language, "Presiding: %(person)s", "Agenda:",
                                           "Materials in: %(languages)s")
    assert (presiding, agenda) != tuple(_labels(app, "en", "Presiding: %(person)s", "Agenda:"))
    assert category != english_category
    login("representative", language=language)
    component = single_event(check_calendar(client.get(f"/events/{scenario.ceremony_id}.ics").data,
                                            method="PUBLISH"))
    assert str(component["SUMMARY"]) == title
    assert component["SUMMARY"].params["LANGUAGE"] == language
    lines = str(component["DESCRIPTION"]).splitlines()
    assert lines[0].startswith(presiding.strip())
    assert agenda in lines
    assert any(line.startswith(materials.strip()) for line in lines)
    assert component["DESCRIPTION"].params["LANGUAGE"] == language
    assert component.categories == [category]
    assert component["CATEGORIES"].params["LANGUAGE"] == language


# --- /series/<id>.ics --------------------------------------------------------------------------------------


def test_series_download_has_its_visible_events_and_the_remembrance_day(client, login, scenario, make_event):
    make_event("Draft in the series", status="draft", series_id=scenario.series_id)
    login("representative")
    response = client.get(f"/series/{scenario.series_id}.ics")
    assert response.status_code == 200
    summaries = _summaries(response.data, None)
    assert "Draft in the series" not in summaries
    assert len(summaries) == 3
    assert summaries[-1].startswith("Day of remembrance: Events for the 20th anniversary")


def test_missing_series_download_is_404(client, login):
    login("representative")
    assert client.get("/series/424242.ics").status_code == 404


@pytest.mark.parametrize("language", ["az", "ru"])
def test_series_download_is_in_the_readers_language(app, client, login, scenario, language):
    with app.app_context():
        series = db.session.get(Series, scenario.series_id)
        series.set_texts("title", {"ru": "Мероприятия к 20-летию Ходжалинской трагедии"})
        db.session.commit()
        title = series.texts("title")[language]
        kinds = {kind_label(kind, language) for kind in EventKind}
    [remembrance] = _labels(app, language, "Day of remembrance: %(title)s")
    assert remembrance != _labels(app, "en", "Day of remembrance: %(title)s")[0]
    login("representative", language=language)
    calendar = check_calendar(client.get(f"/series/{scenario.series_id}.ics").data, method=None)
    components = calendar.walk("VEVENT")
    assert f"{remembrance}{title}" in [str(c["SUMMARY"]) for c in components]
    for component in components:
        assert component["DESCRIPTION"].params["LANGUAGE"] == language
        assert set(component.categories) <= kinds
        assert component["CATEGORIES"].params["LANGUAGE"] == language


# --- /calendar.ics -----------------------------------------------------------------------------------------


def test_public_calendar_is_open_and_lists_public_published_events(app, client, make_event):
    make_event("Public ceremony", public=True)
    make_event("Public but cancelled", public=True, status="cancelled")
    make_event("Public draft", public=True, status="draft")
    make_event("Internal meeting", public=False)
    response = client.get("/calendar.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Content-Disposition" not in response.headers
    assert sorted(_summaries(response.data, None)) == ["Public but cancelled", "Public ceremony"]
    # Named in the primary language; ``?lang=`` asks for another site language.
    with app.app_context():
        name = site_settings().organisation(primary_language())
    assert f"X-WR-CALNAME:{name}\r\n".encode() in response.data
    assert b"X-WR-CALNAME:State Migration Service\r\n" in client.get("/calendar.ics?lang=en").data


def test_public_calendar_uses_a_fixed_number_of_queries(app, client, make_event):
    make_event("One", public=True, agenda=[{"title": "Silence"}])
    with count_queries(app) as one:
        client.get("/calendar.ics")
    for n in range(10):
        make_event(f"More {n}", public=True, agenda=[{"title": "Silence"}, {"title": "Speech"}])
    with count_queries(app) as many:
        response = client.get("/calendar.ics")
    assert len(_summaries(response.data, None)) == 11
    assert many.count == one.count, many.statements


@pytest.mark.parametrize("asked", ["", "ru", "en", "xx"])
def test_public_calendar_is_in_the_primary_language_or_the_one_asked_for(app, client, login, make_event, asked):
    make_event("Public ceremony", public=True, kind="ceremony")
    login("organiser", language="ru" if asked != "ru" else "en")  # the reader's interface language plays no part
    response = client.get(f"/calendar.ics?lang={asked}" if asked else "/calendar.ics")
    with app.app_context():
        language = asked if asked in ("ru", "en") else primary_language()
        name, category = site_settings().organisation(language), kind_label("ceremony", language)
    calendar = check_calendar(response.data, method=None)
    assert str(calendar["X-WR-CALNAME"]) == name
    component = single_event(calendar)
    assert component.categories == [category]
    assert component["CATEGORIES"].params["LANGUAGE"] == language
    assert component["DESCRIPTION"].params["LANGUAGE"] == language


# --- /feeds/<token>.ics ------------------------------------------------------------------------------------


def test_unit_feed_lists_the_events_the_unit_is_invited_to(client, app, scenario, make_event, make_invitation,
                                                            make_unit):
    other_unit = make_unit()
    make_invitation(make_event("Not for CIT"), other_unit)
    response = client.get(f"/feeds/{_token(app, scenario.cit_id)}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert _summaries(response.data, None) == ["Commemoration ceremony for the victims of the Khojaly tragedy"]
    assert b"ATTENDEE" not in response.data
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in response.data
    assert b"X-PUBLISHED-TTL:PT1H\r\n" in response.data
    assert b"X-WR-CALNAME:State Migration Service \xe2\x80\x94 Citizenship Department\r\n" in response.data


def test_unit_feed_leaves_out_drafts(client, app, make_event, make_unit, make_invitation):
    unit = make_unit()
    make_invitation(make_event("Draft", status="draft"), unit)
    make_invitation(make_event("Scheduled"), unit)
    response = client.get(f"/feeds/{_token(app, unit.id)}.ics")
    assert _summaries(response.data, None) == ["Scheduled"]


def test_unknown_feed_token_is_404(client, scenario):
    assert client.get("/feeds/not-a-real-token.ics").status_code == 404


def test_feed_of_an_inactive_unit_is_404(client, app, make_unit):
    unit = make_unit(active=False)
    assert client.get(f"/feeds/{_token(app, unit.id)}.ics").status_code == 404


def test_feed_body_and_etag_stay_the_same_while_nothing_changes(client, app, scenario):
    url = f"/feeds/{_token(app, scenario.cit_id)}.ics"
    first, second = client.get(url), client.get(url)
    assert first.data == second.data
    assert first.headers["ETag"] == second.headers["ETag"]
    assert first.headers["Last-Modified"] == second.headers["Last-Modified"]


def test_feed_answers_304_to_a_matching_etag(client, app, scenario):
    url = f"/feeds/{_token(app, scenario.cit_id)}.ics"
    etag = client.get(url).headers["ETag"]
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""


def test_feed_answers_304_when_not_modified_since(client, app, scenario):
    url = f"/feeds/{_token(app, scenario.cit_id)}.ics"
    last_modified = client.get(url).headers["Last-Modified"]
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304


def test_feed_changes_etag_when_an_event_changes(client, app, scenario):
    url = f"/feeds/{_token(app, scenario.cit_id)}.ics"
    before = client.get(url)
    with app.app_context():
        event = db.session.get(Event, scenario.ceremony_id)
        event.set_texts("title", {primary_language(): "Ceremony moved"})
        summary = f"SUMMARY;LANGUAGE={primary_language()}:Ceremony moved\r\n".encode()  # the unit reads en: fallback
        event.updated_at = datetime.now(UTC) + timedelta(seconds=5)
        event.sequence += 1
        db.session.commit()
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert summary in after.data
    assert b"SEQUENCE:1\r\n" in after.data


def test_unit_feed_uses_a_fixed_number_of_queries(client, app, make_unit, make_event, make_invitation, make_person):
    unit = make_unit()
    speaker = make_person()
    make_invitation(make_event("First", agenda=[{"title": "Speech", "speaker_id": speaker.id}]), unit)
    url = f"/feeds/{_token(app, unit.id)}.ics"
    with count_queries(app) as one:
        client.get(url)
    for n in range(10):
        event = make_event(f"Event {n}", agenda=[{"title": "Speech", "speaker_id": make_person(f"P {n}").id}])
        make_invitation(event, unit)
    with count_queries(app) as many:
        response = client.get(url)
    assert len(_summaries(response.data, None)) == 11
    assert many.count == one.count, many.statements


# --- the feed page and token rotation ----------------------------------------------------------------------


def test_representative_sees_the_units_feed_links(client, app, login, make_unit):
    unit = make_unit()
    login("representative", unit=unit)
    response = client.get(f"/units/{unit.id}/feed")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    token = _token(app, unit.id)
    assert f"http://tracker.test/feeds/{token}.ics" in html
    assert f"webcal://tracker.test/feeds/{token}.ics" in html
    assert f'action="/units/{unit.id}/feed/rotate"' in html


def test_organiser_sees_any_units_feed_page(client, login, make_unit):
    unit = make_unit()
    login("organiser")
    assert client.get(f"/units/{unit.id}/feed").status_code == 200


def test_representative_of_another_unit_gets_404(client, login, make_unit):
    unit = make_unit()
    login("representative")
    assert client.get(f"/units/{unit.id}/feed").status_code == 404


def test_press_may_not_see_a_units_feed(client, login, make_unit):
    unit = make_unit()
    login("press")
    assert client.get(f"/units/{unit.id}/feed").status_code == 403


def test_rotating_the_token_kills_the_old_feed_url(client, app, login, make_unit):
    unit = make_unit()
    login("representative", unit=unit)
    old = _token(app, unit.id)
    response = client.post(f"/units/{unit.id}/feed/rotate", data=CONFIRMED)
    assert response.headers["Location"] == f"/units/{unit.id}/feed"
    new = _token(app, unit.id)
    assert new != old
    assert len(new) >= 40
    assert client.get(f"/feeds/{old}.ics").status_code == 404
    assert client.get(f"/feeds/{new}.ics").status_code == 200


def test_rotation_without_csrf_is_refused(client, app, login, make_unit):
    unit = make_unit()
    login("organiser")
    old = _token(app, unit.id)
    assert client.post(f"/units/{unit.id}/feed/rotate", data=CONFIRMED, csrf=False).status_code == 400
    assert _token(app, unit.id) == old


def test_representative_cannot_rotate_another_units_token(client, app, login, make_unit):
    unit = make_unit()
    login("representative")
    old = _token(app, unit.id)
    assert client.post(f"/units/{unit.id}/feed/rotate", data=CONFIRMED).status_code == 404
    assert _token(app, unit.id) == old


# --- partials for the events pages ---------------------------------------------------------------------------


def test_event_links_offer_the_download_and_a_webcal_subscription(app, make_event):
    event = make_event(public=True)
    with app.test_request_context("/"), app.app_context():
        html = render_template("calendar/_event_links.html", event=db.session.get(Event, event.id))
    assert f'href="/events/{event.id}.ics"' in html
    assert 'href="webcal://tracker.test/calendar.ics"' in html
    assert 'href="http://tracker.test/calendar.ics"' in html


def test_series_links_offer_the_series_download(app, scenario):
    with app.test_request_context("/"), app.app_context():
        html = render_template("calendar/_series_links.html", series=db.session.get(Series, scenario.series_id))
    assert f'href="/series/{scenario.series_id}.ics"' in html
    assert "webcal://tracker.test/calendar.ics" in html


def test_event_links_offer_a_representative_the_units_feed(app, make_user, make_unit, make_event):
    unit = make_unit()
    representative = make_user("representative", unit=unit)
    event = make_event()
    with app.test_request_context("/"):
        login_user(db.session.get(User, representative.id))
        html = render_template("calendar/_event_links.html", event=db.session.get(Event, event.id))
        token = db.session.get(Unit, unit.id).feed_token
    assert f'href="webcal://tracker.test/feeds/{token}.ics"' in html
    assert f'href="http://tracker.test/feeds/{token}.ics"' in html
    assert "Record a calendar reply" not in html


def test_event_links_offer_organisers_the_reply_page(app, make_user, make_event):
    organiser = make_user("organiser")
    event = make_event()
    with app.test_request_context("/"):
        login_user(db.session.get(User, organiser.id))
        html = render_template("calendar/_event_links.html", event=db.session.get(Event, event.id))
    assert 'href="/events/replies"' in html


def test_a_series_described_in_several_lines_downloads(client, login, scenario, app):
    # A textarea's line breaks reached X-WR-CALDESC raw, and icalendar refused to write the file.
    with app.app_context():
        db.session.get(Series, scenario.series_id).description = "First line.\r\nSecond line; with, commas."
        db.session.commit()
    login("representative")
    response = client.get(f"/series/{scenario.series_id}.ics")
    assert response.status_code == 200
    calendar = check_calendar(response.data, method=None)
    assert str(calendar["DESCRIPTION"]) == "First line.\nSecond line; with, commas."
    assert "X-WR-CALDESC:First line.\\nSecond line\\; with\\, commas." in unfolded(response.data)


def test_rotating_asks_first_and_an_unconfirmed_post_keeps_the_address(client, app, login, make_unit):
    unit = make_unit()
    login("representative", unit=unit)
    old = _token(app, unit.id)
    response = client.post(f"/units/{unit.id}/feed/rotate")
    assert_asks(response, f"Rotate the feed address of {unit.name}?", f"/units/{unit.id}/feed")
    assert "Yes, rotate" in response.get_data(as_text=True)
    assert _token(app, unit.id) == old
