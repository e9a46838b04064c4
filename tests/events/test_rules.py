"""The rules of series, events and agenda items hold in the services, without a form.

A command, the demo loader or a later API calls the services directly; they must refuse what the pages
refuse, with a :class:`~tracker.errors.RuleError` naming the form field the message belongs beside.
"""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from tests.helpers import baku
from tracker.attendance import services as attendance
from tracker.directory.services import PersonDetails
from tracker.errors import RuleError
from tracker.events import services as events
from tracker.extensions import db
from tracker.models import AgendaItem, Event, Person, Series


def _details(**fields) -> events.EventDetails:
    """A ceremony on 25 February 2012, 10:00–11:30 in Baku, with ``fields`` changed."""
    fields.setdefault("starts_at", baku(2012, 2, 25, 10))
    fields.setdefault("ends_at", baku(2012, 2, 25, 11, 30))
    fields.setdefault("title", "Ceremony")
    fields.setdefault("kind", "ceremony")
    fields.setdefault("timezone", "Asia/Baku")
    return events.EventDetails(**fields)


def _count(app, model) -> int:
    with app.app_context():
        return db.session.query(model).count()


EXHIBITION = {"starts_at": baku(2012, 2, 22, 9), "ends_at": baku(2012, 3, 1, 18)}

#: (fields, the form field named, a word of the message)
BAD_EVENTS = [
    ({"ends_at": baku(2012, 2, 25, 9)}, "end_time", "The end must be after the start."),
    ({"ends_at": baku(2012, 2, 25, 10)}, "end_time", "The end must be after the start."),
    ({"ends_at": baku(2012, 2, 24, 11, 30)}, "ends_on", "The end must be after the start."),
    ({"all_day": True, "starts_at": baku(2012, 2, 25), "ends_at": baku(2012, 2, 25)}, "ends_on",
     "The end must be after the start."),
    ({"answer_deadline": baku(2012, 2, 25, 11, 31)}, "deadline_on", events.DEADLINE_AFTER_END),
    ({"answer_deadline": baku(2012, 2, 26, 23, 59)}, "deadline_on", events.DEADLINE_AFTER_END),
    ({**EXHIBITION, "daily_opens": time(9)}, "daily_closes", "Give both the opening and the closing time"),
    ({**EXHIBITION, "daily_closes": time(18)}, "daily_opens", "Give both the opening and the closing time"),
    ({**EXHIBITION, "daily_opens": time(18), "daily_closes": time(9)}, "daily_closes", "Closing must be after"),
    ({"daily_opens": time(9), "daily_closes": time(18)}, "daily_opens", "several days"),
    ({"all_day": True, "starts_at": baku(2012, 2, 22), "ends_at": baku(2012, 3, 2), "daily_opens": time(9),
      "daily_closes": time(18)}, "all_day", "not all-day"),
    ({"title": "  "}, "title", "This field is required."),
    ({"kind": "party"}, "kind", "Not a valid choice."),
    ({"status": "postponed"}, "status", "Not a valid choice."),
    ({"timezone": "Mars/Olympus"}, "timezone", "Not a valid choice."),
]


@pytest.mark.parametrize(("fields", "field", "message"), BAD_EVENTS)
def test_create_event_refuses_what_the_form_refuses_with_the_field_named(app, fields, field, message):
    with app.app_context():
        with pytest.raises(RuleError) as refused:
            events.create_event(_details(**fields))
        db.session.rollback()
    assert refused.value.field == field
    assert message in str(refused.value)
    assert _count(app, Event) == 0


@pytest.mark.parametrize(("fields", "field", "message"), BAD_EVENTS)
def test_update_event_refuses_the_same_and_changes_nothing(app, make_event, fields, field, message):
    event = make_event(starts_at=baku(2012, 2, 25, 10), ends_at=baku(2012, 2, 25, 11, 30))
    with app.app_context():
        with pytest.raises(RuleError) as refused:
            events.update_event(db.session.get(Event, event.id), _details(**fields))
        db.session.rollback()
    assert refused.value.field == field
    with app.app_context():
        stored = db.session.get(Event, event.id)
        assert (stored.starts_at, stored.ends_at, stored.title) == (event.starts_at, event.ends_at, event.title)


def test_event_problems_lists_every_problem_beside_its_field(app):
    details = _details(title="", ends_at=baku(2012, 2, 25, 9), answer_deadline=baku(2012, 2, 26, 12))
    with app.app_context():
        problems = events.event_problems(details)
    assert {problem.field for problem in problems} == {"title", "end_time", "deadline_on"}


def test_a_deadline_at_the_end_and_daily_hours_over_several_days_are_accepted(app):
    with app.app_context():
        assert events.event_problems(_details(answer_deadline=baku(2012, 2, 25, 11, 30))) == []
        assert events.event_problems(_details(**EXHIBITION, daily_opens=time(9), daily_closes=time(18))) == []
        event = events.create_event(_details(answer_deadline=baku(2012, 2, 24, 18)))
        db.session.commit()
        assert event.answer_deadline == baku(2012, 2, 24, 18)


def test_the_deadline_rule_is_one_rule_with_one_message_for_events_and_attendance(app, make_event):
    event = make_event(starts_at=baku(2030, 2, 25, 10), ends_at=baku(2030, 2, 25, 11, 30))
    with app.app_context():
        stored = db.session.get(Event, event.id)
        with pytest.raises(attendance.AttendanceError) as refused:
            attendance.set_answer_deadline(stored, stored.ends_at + timedelta(minutes=1), by_user=None)
        db.session.rollback()
        with pytest.raises(RuleError) as refused_by_events:
            events.update_event(stored, _details(starts_at=stored.starts_at, ends_at=stored.ends_at,
                                                 answer_deadline=stored.ends_at + timedelta(minutes=1)))
        db.session.rollback()
    assert refused.value.message == refused_by_events.value.message == events.DEADLINE_AFTER_END
    assert (refused.value.field, refused_by_events.value.field) == ("deadline", "deadline_on")


def test_series_services_refuse_a_series_without_a_title(app, make_series):
    series = make_series()
    with app.app_context():
        with pytest.raises(RuleError) as refused:
            events.create_series(events.SeriesDetails(title=" "))
        assert refused.value.field == "title"
        with pytest.raises(RuleError) as refused:
            events.update_series(db.session.get(Series, series.id),
                                 events.SeriesDetails(title="Kept", commemorated_on=date(1, 1, 1)))
        assert refused.value.field == "commemorated_on"
        db.session.rollback()
    assert _count(app, Series) == 1


def test_update_services_return_what_they_saved(app, make_series, make_event):
    series, event = make_series(), make_event()
    with app.app_context():
        stored = db.session.get(Series, series.id)
        assert events.update_series(stored, events.SeriesDetails(title="New")) is stored
        item = events.add_agenda_item(db.session.get(Event, event.id),
                                      events.AgendaItemDetails(kind="speech", title="Speech"))
        assert events.update_agenda_item(item, events.AgendaItemDetails(kind="speech", title="Talk")) is item
        db.session.rollback()


@pytest.mark.parametrize(("details", "field", "message"), [
    ({"kind": "dance"}, "kind", "Not a valid choice."),
    ({"title": ""}, "title", "This field is required."),
    ({"duration_minutes": 0}, "duration_minutes", "Number must be between 1 and 1440."),
    ({"speaker_id": "person", "new_speaker": PersonDetails(full_name="New speaker")}, "new_speaker_name",
     "not both"),
    ({"new_speaker": PersonDetails(full_name="", rank="Colonel")}, "new_speaker_name",
     "Give the new person's full name."),
])
def test_agenda_services_refuse_what_the_form_refuses(app, make_event, make_person, details, field, message):
    event = make_event()
    if details.get("speaker_id") == "person":
        details = {**details, "speaker_id": make_person().id}
    fields = {"kind": "speech", "title": "Speech", **details}
    with app.app_context():
        with pytest.raises(RuleError) as refused:
            events.add_agenda_item(db.session.get(Event, event.id), events.AgendaItemDetails(**fields))
        db.session.rollback()
    assert refused.value.field == field
    assert message in str(refused.value)
    assert _count(app, AgendaItem) == 0


def test_an_agenda_item_adds_its_new_speaker_through_the_service(app, make_event):
    event = make_event()
    with app.app_context():
        item = events.add_agenda_item(db.session.get(Event, event.id), events.AgendaItemDetails(
            kind="speech", title="Speech", new_speaker=PersonDetails(full_name="Anar Mammadov", rank="Colonel")))
        db.session.commit()
        assert item.speaker.full_name == "Anar Mammadov" and item.position == 1
    assert _count(app, Person) == 1
