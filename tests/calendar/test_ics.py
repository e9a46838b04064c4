"""The iCalendar builder: invitations, cancellations, downloads and feeds, checked by other parsers."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream

from tests.calendar.conftest import SETTINGS, load_event, load_invitation, load_series
from tests.calendar.ics_checks import check_calendar, physical_lines, single_event
from tests.helpers import baku
from tracker.calendar.ics import (
    CalendarSettings,
    build_event_ics,
    build_feed_ics,
    build_invitation_ics,
    build_series_ics,
)
from tracker.calendar.replies import address_of
from tracker.extensions import db
from tracker.settings import Settings, parse_alarms


def _params(attendee) -> dict[str, str]:
    return {key: str(value) for key, value in attendee.params.items()}


def test_invitation_is_a_valid_request(app, scenario):
    with app.app_context():
        event, invitation = load_event(scenario.ceremony_id), load_invitation(scenario.cit_invitation_id)
        data = build_invitation_ics(event, invitation, settings=SETTINGS)
        uid = event.uid
    component = single_event(check_calendar(data, method="REQUEST"))
    assert str(component["UID"]) == uid
    assert component["SEQUENCE"] == 0


def test_invitation_has_one_attendee_per_contact_with_the_units_answer(app, scenario):
    with app.app_context():
        data = build_invitation_ics(load_event(scenario.ceremony_id), load_invitation(scenario.cit_invitation_id),
                                    settings=SETTINGS)
    attendees = single_event(check_calendar(data, method="REQUEST"))["ATTENDEE"]
    assert [address_of(a) for a in attendees] == ["cit@units.example.org", "chief.cit@units.example.org"]
    for attendee in attendees:
        params = _params(attendee)
        assert params["CN"] == "Citizenship Department"
        assert params["ROLE"] == "REQ-PARTICIPANT"
        assert params["PARTSTAT"] == "ACCEPTED"
        assert params["RSVP"] == "TRUE"


def test_unit_without_an_answer_needs_action(app, scenario):
    with app.app_context():
        data = build_invitation_ics(load_event(scenario.ceremony_id), load_invitation(scenario.ganja_invitation_id),
                                    settings=SETTINGS)
    attendee = single_event(check_calendar(data, method="REQUEST"))["ATTENDEE"]
    assert str(attendee) == "mailto:ganja@units.example.org"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"


def test_organizer_comes_from_the_configuration(app, scenario):
    # No name per language (ORGANIZER_NAME_AZ …): ORGANIZER_NAME serves every language.
    app.config.update(ORGANIZER_EMAIL="office@agency.example.org", ORGANIZER_NAME="Protocol, Ceremonies",
                      ORGANIZER_NAME_AZ="", ORGANIZER_NAME_RU="")
    with app.app_context():
        data = build_invitation_ics(load_event(scenario.ceremony_id), load_invitation(scenario.cit_invitation_id))
    organizer = single_event(check_calendar(data, method="REQUEST"))["ORGANIZER"]
    assert str(organizer) == "mailto:office@agency.example.org"
    assert organizer.params["CN"] == "Protocol, Ceremonies"


def test_request_carries_the_configured_reminders(app, scenario):
    app.config["ALARMS"] = "P2D, PT30M"
    with app.app_context():
        data = build_invitation_ics(load_event(scenario.ceremony_id), load_invitation(scenario.cit_invitation_id))
    alarms = single_event(check_calendar(data, method="REQUEST")).walk("VALARM")
    assert [a.decoded("TRIGGER") for a in alarms] == [-timedelta(days=2), -timedelta(minutes=30)]
    assert {str(a["ACTION"]) for a in alarms} == {"DISPLAY"}


def test_default_reminders_are_a_day_and_an_hour_before():
    assert parse_alarms("P1D,PT1H") == (timedelta(days=1), timedelta(hours=1))
    assert Settings.from_config({}).alarms == (timedelta(days=1), timedelta(hours=1))
    assert CalendarSettings.from_settings(Settings.from_config({})).alarms == (timedelta(days=1), timedelta(hours=1))


def test_empty_alarm_setting_means_no_reminders(app, scenario):
    with app.app_context():
        data = build_invitation_ics(load_event(scenario.ceremony_id), load_invitation(scenario.cit_invitation_id),
                                    settings=replace(SETTINGS, alarms=parse_alarms("")))
    assert single_event(check_calendar(data, method="REQUEST")).walk("VALARM") == []


def test_cancel_has_status_cancelled_and_no_reminders(app, scenario):
    with app.app_context():
        data = build_invitation_ics(load_event(scenario.ceremony_id), load_invitation(scenario.cit_invitation_id),
                                    method="CANCEL", settings=SETTINGS)
    component = single_event(check_calendar(data, method="CANCEL"))
    assert str(component["STATUS"]) == "CANCELLED"
    assert component.walk("VALARM") == []
    assert "RSVP" not in component["ATTENDEE"][0].params


def test_unknown_itip_method_is_refused(app, scenario):
    with app.app_context(), pytest.raises(ValueError):
        build_invitation_ics(load_event(scenario.ceremony_id), load_invitation(scenario.cit_invitation_id),
                             method="PUBLISH", settings=SETTINGS)


def test_times_carry_the_events_zone(app, scenario):
    with app.app_context():
        data = build_event_ics(load_event(scenario.ceremony_id), settings=SETTINGS)
    assert b"DTSTART;TZID=Asia/Baku:20120225T100000\r\n" in data
    assert b"DTEND;TZID=Asia/Baku:20120225T113000\r\n" in data
    calendar = check_calendar(data, method="PUBLISH")
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Baku"]


def test_the_timezone_carries_no_english_comment(app, scenario):
    # icalendar's generated VTIMEZONE says "This timezone only works from …" in English; a Russian file must not.
    with app.app_context():
        data = build_event_ics(load_event(scenario.ceremony_id), settings=replace(SETTINGS, language="ru"))
    timezone = check_calendar(data, method="PUBLISH").walk("VTIMEZONE")[0]
    assert "COMMENT" not in timezone
    assert b"timezone only works" not in data


def test_event_in_a_zone_with_daylight_saving_gets_its_own_vtimezone(app, make_event):
    event = make_event(starts_at=datetime(2025, 7, 1, 8, tzinfo=UTC), ends_at=datetime(2025, 7, 1, 9, tzinfo=UTC),
                       timezone="Europe/Berlin")
    with app.app_context():
        data = build_event_ics(load_event(event.id), settings=SETTINGS)
    assert b"DTSTART;TZID=Europe/Berlin:20250701T100000\r\n" in data
    timezone = check_calendar(data, method="PUBLISH").walk("VTIMEZONE")[0]
    assert {c.name for c in timezone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    # The other parser reads the same instant from our VTIMEZONE.
    other = IcsCalendarStream.calendar_from_ics(data.decode())
    assert other.events[0].dtstart.astimezone(UTC) == datetime(2025, 7, 1, 8, tzinfo=UTC)


def test_description_has_the_agenda_in_order_with_ranks_positions_and_languages(app, scenario):
    with app.app_context():
        data = build_event_ics(load_event(scenario.ceremony_id), settings=replace(SETTINGS, language="en"))
    description = str(single_event(check_calendar(data, method="PUBLISH"))["DESCRIPTION"])
    assert description.splitlines() == [
        "Presiding: Head of the Service, major-general Firudin Nabiyev",
        "",
        "Agenda:",
        "1. 10:00 One minute's silence",
        "2. 10:01 Speech on the history of the tragedy — Deputy Head of the Service, "
        "III rank state migration service counsellor Parviz Musayev",
        "3. 10:21 Review of the exhibition — Head of the Service, major-general Firudin Nabiyev",
        "",
        "Materials in: Azerbaijani, English",
        "",
        f"http://tracker.test/events/{scenario.ceremony_id}",
    ]


def test_location_url_categories_and_status(app, scenario):
    with app.app_context():
        data = build_event_ics(load_event(scenario.ceremony_id), settings=replace(SETTINGS, language="en"))
    component = single_event(check_calendar(data, method="PUBLISH"))
    assert str(component["LOCATION"]) == "Assembly hall, Head office, 2nd floor"
    assert str(component["URL"]) == f"http://tracker.test/events/{scenario.ceremony_id}"
    assert component.categories == ["Ceremony"]
    assert str(component["STATUS"]) == "CONFIRMED"


def test_texts_follow_the_calendar_language(app, scenario):
    with app.app_context():
        event = load_event(scenario.ceremony_id)
        event.set_texts("title", {"az": "Xocalı faciəsi qurbanlarının anım mərasimi"})
        data = build_event_ics(event, settings=replace(SETTINGS, language="az"))
    assert str(single_event(check_calendar(data, method="PUBLISH"))["SUMMARY"]) == (
        "Xocalı faciəsi qurbanlarının anım mərasimi"
    )


def test_exhibition_with_daily_hours_is_one_event_per_opening_day(app, scenario):
    with app.app_context():
        data = build_event_ics(load_event(scenario.exhibition_id), settings=SETTINGS)
    component = single_event(check_calendar(data, method="PUBLISH"))
    assert component["RRULE"].to_ical() == b"FREQ=DAILY;COUNT=9"
    assert b"DTSTART;TZID=Asia/Baku:20120222T090000\r\n" in data
    assert b"DTEND;TZID=Asia/Baku:20120222T180000\r\n" in data
    # Expanded by a library we did not write: nine days, 09:00–18:00 each, not one block through the nights.
    occurrences = list(IcsCalendarStream.calendar_from_ics(data.decode()).timeline)
    assert len(occurrences) == 9
    assert {(o.dtstart.time(), o.dtend.time()) for o in occurrences} == {(time(9), time(18))}
    assert occurrences[-1].dtstart.date() == date(2012, 3, 1)


def test_multi_day_exhibition_without_hours_is_an_all_day_span_with_exclusive_end(app, make_event):
    event = make_event(kind="exhibition", starts_at=baku(2012, 2, 22, 9), ends_at=baku(2012, 3, 1, 18))
    with app.app_context():
        data = build_event_ics(load_event(event.id), settings=SETTINGS)
    component = single_event(check_calendar(data, method="PUBLISH"))
    assert component.decoded("DTSTART") == date(2012, 2, 22)
    assert component.decoded("DTEND") == date(2012, 3, 2)
    assert "RRULE" not in component


def test_all_day_event_ends_the_day_after(app, make_event):
    event = make_event(all_day=True, starts_at=baku(2012, 2, 26), ends_at=baku(2012, 2, 27))
    with app.app_context():
        data = build_event_ics(load_event(event.id), settings=SETTINGS)
    component = single_event(check_calendar(data, method="PUBLISH"))
    assert (component.decoded("DTSTART"), component.decoded("DTEND")) == (date(2012, 2, 26), date(2012, 2, 27))


def test_series_exports_the_remembrance_day_as_a_yearly_all_day_event(app, scenario):
    with app.app_context():
        series = load_series(scenario.series_id)
        data = build_series_ics(series, list(series.events), settings=SETTINGS)
        series_uid = series.uid
    calendar = check_calendar(data, method=None)
    remembrance = [c for c in calendar.walk("VEVENT") if str(c["UID"]) == series_uid]
    assert len(remembrance) == 1
    day = remembrance[0]
    assert (day.decoded("DTSTART"), day.decoded("DTEND")) == (date(1992, 2, 26), date(1992, 2, 27))
    assert day["RRULE"].to_ical() == b"FREQ=YEARLY"
    assert len(calendar.walk("VEVENT")) == 3
    # The other parser expands it to 26 February of every year.
    other = IcsCalendarStream.calendar_from_ics(data.decode())
    in_2012 = [o for o in other.timeline.overlapping(date(2012, 2, 26), date(2012, 2, 27)) if o.uid == series_uid]
    assert len(in_2012) == 1


def test_download_is_publish_without_attendees(app, scenario):
    with app.app_context():
        data = build_event_ics(load_event(scenario.ceremony_id), settings=SETTINGS)
    check_calendar(data, method="PUBLISH")
    assert b"ATTENDEE" not in data
    assert b"VALARM" not in data


def test_feed_has_no_method_and_tells_clients_how_often_to_refresh(app, scenario):
    with app.app_context():
        events = [load_event(scenario.ceremony_id), load_event(scenario.exhibition_id)]
        data = build_feed_ics(events, name="Citizenship Department", uid="unit-1@tracker.test", settings=SETTINGS)
    calendar = check_calendar(data, method=None)
    assert str(calendar["X-WR-CALNAME"]) == "Citizenship Department"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in data
    assert b"X-PUBLISHED-TTL:PT1H\r\n" in data
    assert str(calendar["UID"]) == "unit-1@tracker.test"
    # Start order, whatever order the events came in.
    assert [str(c["SUMMARY"]) for c in calendar.walk("VEVENT")][0].startswith("Exhibition")


def test_feed_bytes_do_not_change_while_the_events_do_not(app, scenario):
    with app.app_context():
        events = [load_event(scenario.ceremony_id), load_event(scenario.exhibition_id)]
        first = build_feed_ics(events, name="Feed", uid="feed@tracker.test", settings=SETTINGS)
    with app.app_context():
        events = [load_event(scenario.exhibition_id), load_event(scenario.ceremony_id)]
        second = build_feed_ics(events, name="Feed", uid="feed@tracker.test", settings=SETTINGS)
    assert first == second


def test_feed_stamps_events_with_their_last_change(app, scenario):
    with app.app_context():
        event = load_event(scenario.ceremony_id)
        updated = event.updated_at
        data = build_feed_ics([event], name="Feed", uid="feed@tracker.test", settings=SETTINGS)
    component = single_event(check_calendar(data, method=None))
    assert component.decoded("DTSTAMP") == updated.replace(microsecond=0)


# --- Hostile texts ---------------------------------------------------------------------------------------

HOSTILE = {
    "punctuation": 'Ceremony, part 1; hall \\ annex: "quoted" ^ caret',
    "crlf": "Line one\r\nSUMMARY:injected\r\nEND:VEVENT\r\nBEGIN:VEVENT",
    "lf": "First\nATTENDEE:mailto:evil@example.org",
    "lone_cr": "First\rDTSTART:20000101T000000Z",
    "nul": "Null\x00byte",
    "long": "x" * 500,
    "azerbaijani": "Xocalı faciəsi qurbanlarının anım mərasimi — Şəki, Gəncə, Ağdam, Qəbələ",
    "cyrillic": "Траурная церемония памяти жертв Ходжалинской трагедии",
    "emoji": "🕯️ Remembrance 🇦🇿 🌹" * 10,
    "everything": "Ə;щ,😀\\\r\n\r\x00" * 40,
}


def _one_line(text: str) -> str:
    """What a one-line text (title, name) becomes: line breaks to spaces, NUL dropped (see docs/calendar.md)."""
    text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    return " ".join(text.split("\n")).strip()


def _parameter(text: str) -> str:
    """What a name in a parameter (CN) becomes: one line, double quotes as single quotes."""
    return _one_line(text).replace('"', "'")


def _multi_line(text: str) -> str:
    """What a description becomes: CRLF and lone CR to LF, NUL dropped."""
    return text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")


@pytest.fixture
def hostile_event(app, make_unit, make_person, make_venue, make_event, make_invitation):
    """``hostile_event(text)`` → (event id, invitation id) with ``text`` in every free-text field."""

    def factory(text: str) -> tuple[int, int]:
        person = make_person(text[:200], rank=text[:200], position=text[:300])
        venue = make_venue(text[:200], address=text)
        event = make_event(text[:300], description=text, venue_id=venue.id, presiding_id=person.id,
                           agenda=[{"title": text[:300], "speaker_id": person.id, "notes": text}])
        unit = make_unit(name=text[:200], contact_emails=["unit@units.example.org"])
        return event.id, make_invitation(event, unit).id

    return factory


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_texts_give_valid_files_without_added_properties(app, hostile_event, case):
    text = HOSTILE[case]
    plain_event, plain_invitation = hostile_event("Plain")
    event_id, invitation_id = hostile_event(text)
    settings = replace(SETTINGS, organizer_name=text)
    with app.app_context():
        plain = build_invitation_ics(load_event(plain_event), load_invitation(plain_invitation), settings=settings)
        data = build_invitation_ics(load_event(event_id), load_invitation(invitation_id), settings=settings)
    calendar = check_calendar(data, method="REQUEST")
    component = single_event(calendar)
    baseline = single_event(check_calendar(plain, method="REQUEST"))
    # Nothing injected: the same components and the same properties, each once.
    assert [c.name for c in calendar.walk()] == [c.name for c in check_calendar(plain, method="REQUEST").walk()]
    assert sorted(component.keys()) == sorted(baseline.keys())
    assert len([line for line in data.split(b"\r\n") if line.startswith(b"ATTENDEE")]) == 1
    # The texts round-trip through icalendar and vobject.
    summary = _one_line(text[:300])
    assert str(component["SUMMARY"]) == summary
    assert _multi_line(text) in str(component["DESCRIPTION"])
    assert str(component["ATTENDEE"].params["CN"]) == _parameter(text[:200])
    assert str(component["ORGANIZER"].params["CN"]) == _parameter(text)
    parsed = vobject.readOne(data.decode())
    assert parsed.vevent.summary.value == summary
    assert _multi_line(text) in parsed.vevent.description.value
    if "^" not in text:  # vobject does not implement RFC 6868, which icalendar uses for "^" in parameters
        assert parsed.vevent.attendee.params["CN"] == [_parameter(text[:200])]


def test_hostile_email_addresses_stay_one_attendee_each(app, make_unit, make_event, make_invitation):
    odd = 'odd,name;x\\y"z@units.example.org'
    injected = "evil@units.example.org\r\nATTENDEE:mailto:attacker@example.org"
    unit = make_unit(contact_emails=[odd, injected, "Ünit@bakı.example.org"])
    event = make_event()
    invitation = make_invitation(event, unit)
    with app.app_context():
        data = build_invitation_ics(load_event(event.id), load_invitation(invitation.id), settings=SETTINGS)
    attendees = single_event(check_calendar(data, method="REQUEST"))["ATTENDEE"]
    assert len(attendees) == 3
    assert address_of(attendees[0]) == odd.lower()
    assert address_of(attendees[1]) == "evil@units.example.orgattendee:mailto:attacker@example.org"
    assert address_of(attendees[2]) == "ünit@bakı.example.org"
    physical_lines(data)


def test_long_lines_fold_at_75_octets_without_splitting_characters(app, hostile_event):
    event_id, invitation_id = hostile_event("Ə😀щ" * 200)
    with app.app_context():
        data = build_invitation_ics(load_event(event_id), load_invitation(invitation_id), settings=SETTINGS)
    lines = physical_lines(data)
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)


def test_a_speakers_position_is_lower_case_after_the_dash_in_russian(app, scenario):
    with app.app_context():
        event = load_event(scenario.ceremony_id)
        head = event.presiding
        head.set_texts("position", {"en": "Head of the Service", "ru": "Начальник Службы"})
        head.set_texts("rank", {"en": "major-general", "ru": "генерал-майор"})
        head.set_texts("full_name", {"en": "Firudin Nabiyev", "ru": "Фирудин Набиев"})
        db.session.commit()
        russian = build_event_ics(load_event(scenario.ceremony_id), settings=replace(SETTINGS, language="ru"))
        english = build_event_ics(load_event(scenario.ceremony_id), settings=replace(SETTINGS, language="en"))
    lines = str(single_event(check_calendar(russian, method="PUBLISH"))["DESCRIPTION"]).splitlines()
    review = next(line for line in lines if line.startswith("3. "))
    # Mid-line after the dash, lower-case; "Службы" is a name and keeps its capital.
    assert review.endswith(" — начальник Службы, генерал-майор Фирудин Набиев")
    lines = str(single_event(check_calendar(english, method="PUBLISH"))["DESCRIPTION"]).splitlines()
    assert next(line for line in lines if line.startswith("3. ")).endswith(" — Head of the Service, major-general "
                                                                          "Firudin Nabiyev")
