"""What a press release says: the facts of the record in each language's sentences."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import baku
from tracker.extensions import db
from tracker.models import Event, Person, Report, Venue
from tracker.reports.content import event_attendance

from . import expected
from .helpers import event_release, record_attendance, series_release, update_event
from .readers import normal

LANGUAGES = ("en", "az", "ru")


@pytest.mark.parametrize("language", LANGUAGES)
def test_event_release_states_the_reference_facts(app, reference, language):
    release = event_release(app, reference.events["ceremony"], language)
    facts = expected.CEREMONY[language]
    assert release.headline == facts["headline"]
    assert release.kicker == facts["kicker"]
    assert release.dateline == facts["dateline"]
    assert normal(release.lead) == facts["lead"]
    (section,) = release.sections
    assert [normal(entry.text) for entry in section.agenda] == facts["agenda"]
    assert normal(section.attendance_text) == facts["attendance"]
    assert release.organisation == facts["organisation"]
    assert section.exhibition == ""


@pytest.mark.parametrize("language", LANGUAGES)
def test_exhibition_states_period_hours_place_and_languages(app, reference, language):
    release = event_release(app, reference.events["exhibition"], language)
    assert normal(release.sections[0].exhibition) == expected.EXHIBITION[language]


@pytest.mark.parametrize("language", LANGUAGES)
def test_series_release_covers_its_events_in_order(app, reference, language):
    release = series_release(app, reference.series_id, language)
    assert normal(release.lead) == expected.SERIES_LEAD[language]
    assert release.dateline == expected.SERIES_DATELINE[language]
    assert [s.event_id for s in release.sections] == [reference.events["exhibition"], reference.events["ceremony"]]
    assert normal(release.sections[1].lead) == expected.CEREMONY[language]["lead"]


@pytest.mark.parametrize(("language", "more"), [
    ("en", "On 25 February 2027, it will hold 1 more event."),
    ("az", "25 fevral 2027-ci il tarixində daha 1 tədbir keçiriləcək."),
    ("ru", "25 февраля 2027 года запланировано ещё 1 мероприятие."),
])
def test_series_release_tells_held_events_then_those_to_come(app, reference, make_event, language, more):
    make_event(title="Next remembrance", series_id=reference.series_id, status="scheduled",
               starts_at=baku(2027, 2, 25, 10), ends_at=baku(2027, 2, 25, 11))
    release = series_release(app, reference.series_id, language)
    assert normal(release.lead) == f"{expected.SERIES_LEAD[language]} {more}"
    assert release.dateline == expected.SERIES_DATELINE[language]
    assert len(release.sections) == 3


def test_series_release_leaves_out_drafts_and_cancelled_events(app, reference, make_event):
    make_event(title="Draft meeting", series_id=reference.series_id, status="draft")
    make_event(title="Called off", series_id=reference.series_id, status="cancelled")
    release = series_release(app, reference.series_id, "en")
    assert len(release.sections) == 2
    assert "2 events" in normal(release.lead)


def test_series_without_events_has_no_lead(app, make_series):
    series = make_series(title="Future remembrance")
    release = series_release(app, series.id, "en")
    assert release.lead == "" and release.sections == ()
    assert release.headline == "Future remembrance"


def test_attendance_is_counted_from_recorded_attendance_once_recorded(app, reference):
    record_attendance(app, reference.events["ceremony"], reference.units["CIT"], 9)
    record_attendance(app, reference.events["ceremony"], reference.units["GANJA"], 4)
    record_attendance(app, reference.events["ceremony"], reference.units["IT"], 0)
    with app.app_context():
        event = db.session.get(Event, reference.events["ceremony"])
        figures = event_attendance(event)
    assert (figures.units, figures.people, figures.recorded) == (2, 13, True)
    release = event_release(app, reference.events["ceremony"], "ru")
    assert normal(release.sections[0].attendance_text) == (
        "В мероприятии приняли участие представители 2 подразделений, всего 13 человек."
    )


def test_attendance_falls_back_to_attending_answers(app, reference):
    with app.app_context():
        figures = event_attendance(db.session.get(Event, reference.events["ceremony"]))
    assert (figures.units, figures.people, figures.recorded) == (1, 10, False)


@pytest.mark.parametrize(("language", "lead_start", "attendance"), [
    ("en", "On 25 February 2012, from 10:00 to 11:30, the State Migration Service will hold",
     "Representatives of 1 unit, 10 people in all, are expected to attend."),
    ("az", "25 fevral 2012-ci il tarixində saat 10:00–11:30 arasında Dövlət Miqrasiya Xidməti tərəfindən",
     "Tədbirdə 1 struktur bölmədən cəmi 10 nəfərin iştirakı gözlənilir."),
    ("ru", "25 февраля 2012 года с 10:00 до 11:30 состоится мероприятие",
     "Ожидается участие представителей 1 подразделения, всего 10 человек."),
])
def test_scheduled_event_is_announced(app, reference, language, lead_start, attendance):
    update_event(app, reference.events["ceremony"], status="scheduled")
    release = event_release(app, reference.events["ceremony"], language)
    assert normal(release.lead).startswith(lead_start)
    assert normal(release.sections[0].attendance_text) == attendance


def test_cancelled_event_release_says_so_first(app, reference):
    update_event(app, reference.events["ceremony"], status="cancelled")
    assert event_release(app, reference.events["ceremony"], "az").lead.startswith("Tədbir ləğv edilib.")


def test_missing_translations_fall_back_to_the_primary_language(app, reference):
    with app.app_context():
        venue = db.session.get(Venue, reference.venues["assembly-hall"])
        venue.set_texts("name", {"ru": None})
        person = db.session.get(Person, reference.people["head"])
        person.set_texts("rank", {"ru": None})
        db.session.commit()
    lead = normal(event_release(app, reference.events["ceremony"], "ru").lead)
    assert "Место проведения — İclas zalı." in lead
    assert "Председательствующий — начальник Службы, general-mayor Фирудин Набиев." in lead


def test_without_the_primary_text_any_text_there_is_is_printed(app, reference):
    with app.app_context():
        venue = db.session.get(Venue, reference.venues["assembly-hall"])
        venue.set_texts("name", {"az": None, "ru": None})
        person = db.session.get(Person, reference.people["head"])
        person.set_texts("rank", {"az": None, "ru": None})
        db.session.commit()
    lead = normal(event_release(app, reference.events["ceremony"], "az").lead)
    assert "Məkan: Assembly hall." in lead
    assert "xidmətin rəisi, major-general Firudin Nəbiyev" in lead


def test_press_text_of_the_language_is_printed(app, reference):
    _write_summary(app, event_id=reference.events["ceremony"], language="az", body="Birinci abzas.\n\nİkinci abzas.")
    release = event_release(app, reference.events["ceremony"], "az")
    assert release.press_text == ("Birinci abzas.", "İkinci abzas.")


def test_press_text_falls_back_to_the_primary_language(app, reference):
    _write_summary(app, event_id=reference.events["ceremony"], language="en", body="Written in English.")
    _write_summary(app, event_id=reference.events["ceremony"], language="az", body="Azərbaycanca yazılıb.")
    assert event_release(app, reference.events["ceremony"], "ru").press_text == ("Azərbaycanca yazılıb.",)
    assert event_release(app, reference.events["ceremony"], "en").press_text == ("Written in English.",)


def test_press_text_without_the_primary_language_falls_back_to_any_text(app, reference):
    _write_summary(app, event_id=reference.events["ceremony"], language="en", body="Written in English only.")
    assert event_release(app, reference.events["ceremony"], "ru").press_text == ("Written in English only.",)
    assert event_release(app, reference.events["ceremony"], "az").press_text == ("Written in English only.",)


def test_single_day_without_times_and_midnight_end(app, make_event):
    start = datetime(2012, 2, 26, tzinfo=UTC) - timedelta(hours=4)  # local midnight in Baku
    event = make_event(title="Day of remembrance", starts_at=start, ends_at=start + timedelta(days=1),
                       all_day=True, status="held", kind="commemoration")
    release = event_release(app, event.id, "en")
    assert normal(release.lead) == "On 26 February 2012, the State Migration Service held “Day of remembrance”."
    assert release.dateline == "Baku, 26 February 2012"


def test_file_names_say_title_date_and_language(app, reference):
    release = event_release(app, reference.events["ceremony"], "az")
    assert release.filename_stem == "Xocalı-faciəsi-qurbanlarının-anım-mərasimi_2012-02-25_az"
    assert release.ascii_filename_stem == (
        "Commemoration-ceremony-for-the-victims-of-the-Khojaly-tragedy_2012-02-25_az")


def test_organisation_name_comes_from_configuration(app, reference):
    app.config["ORGANISATION_NAME_AZ"] = ""
    app.config["ORGANISATION_NAME"] = "Agency of Tests"
    release = event_release(app, reference.events["ceremony"], "az")
    assert release.organisation == "Agency of Tests"
    assert "Agency of Tests tərəfindən" in release.lead


def _write_summary(app, *, event_id, language, body):
    with app.app_context():
        db.session.add(Report(event_id=event_id, language=language, body=body))
        db.session.commit()
