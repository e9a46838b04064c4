"""Updates and cancellations: the domain signals queue iTIP emails to every invited unit."""

from __future__ import annotations

import dataclasses
import email
import email.policy
from datetime import timedelta

import icalendar

from tests.calendar.conftest import load_event
from tests.calendar.ics_checks import check_calendar, single_event
from tracker.events.services import EventDetails, update_event
from tracker.extensions import db
from tracker.mail.deferred import compose_pending
from tracker.models import EventStatus, Invitation, OutboxMessage, Unit
from tracker.signals import event_cancelled, event_rescheduled


def _outbox(app, kind: str | None = None) -> list[OutboxMessage]:
    with app.app_context():
        compose_pending()  # the messages are queued to be composed by the mail worker
        query = db.select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        rows = db.session.execute(query).scalars().all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


def compose_pending_in(app) -> None:
    """Compose what is waiting to be composed, as the mail worker does every few seconds."""
    with app.app_context():
        compose_pending()


def _calendar_part(raw: bytes) -> tuple[email.message.EmailMessage, bytes, bytes]:
    """The message, its inline text/calendar part and its invite.ics attachment."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    inline = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    attachment = next(p for p in message.walk() if p.get_filename() == "invite.ics")
    return message, inline.get_payload(decode=True), attachment.get_payload(decode=True)


def _move_by_an_hour(app, event_id: int) -> tuple[str, int]:
    with app.app_context():
        event = load_event(event_id)
        event.starts_at += timedelta(hours=1)
        event.ends_at += timedelta(hours=1)
        event.sequence += 1
        db.session.flush()
        event_rescheduled.send(event, fields={"starts_at", "ends_at"})
        db.session.commit()
        return event.uid, event.sequence


def _cancel(app, event_id: int) -> tuple[str, int]:
    with app.app_context():
        event = load_event(event_id)
        event.status = EventStatus.CANCELLED
        event.sequence += 1
        db.session.flush()
        event_cancelled.send(event)
        db.session.commit()
        return event.uid, event.sequence


def test_moving_an_event_queues_an_update_to_every_invited_unit(app, scenario):
    _move_by_an_hour(app, scenario.ceremony_id)
    rows = _outbox(app)
    assert [(r.kind, r.recipients, r.event_id) for r in rows] == [
        ("update", ["cit@units.example.org", "Chief.CIT@units.example.org"], scenario.ceremony_id),
        ("update", ["ganja@units.example.org"], scenario.ceremony_id),
    ]
    assert {r.invitation_id for r in rows} == {scenario.cit_invitation_id, scenario.ganja_invitation_id}


def test_update_keeps_the_uid_and_carries_the_new_sequence_and_time(app, scenario):
    uid, sequence = _move_by_an_hour(app, scenario.ceremony_id)
    _message, inline, _attachment = _calendar_part(_outbox(app, "update")[0].raw)
    component = single_event(check_calendar(inline, method="REQUEST"))
    assert (str(component["UID"]), component["SEQUENCE"]) == (uid, sequence)
    assert sequence == 1
    assert b"DTSTART;TZID=Asia/Baku:20120225T110000\r\n" in inline


def test_update_email_has_the_shape_outlook_and_gmail_need(app, scenario):
    _move_by_an_hour(app, scenario.ceremony_id)
    message, inline, attachment = _calendar_part(_outbox(app, "update")[0].raw)
    assert message.get_content_type() == "multipart/mixed"
    alternative, attached = message.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.get_payload()] == ["text/plain", "text/html", "text/calendar"]
    calendar_part = alternative.get_payload()[2]
    assert calendar_part.get_param("method") == "REQUEST"
    assert calendar_part.get_param("charset").upper() == "UTF-8"
    assert attached.get_filename() == "invite.ics"
    assert attachment == inline
    assert message["Reply-To"] == "protocol@migration.example.org"
    assert "Updated: Commemoration ceremony" in message["Subject"]


def test_update_email_text_says_what_changed(app, scenario):
    _move_by_an_hour(app, scenario.ceremony_id)
    message, _inline, _attachment = _calendar_part(_outbox(app, "update")[0].raw)
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "has changed (time)" in text
    assert "11:00" in text
    assert f"http://tracker.test/events/{scenario.ceremony_id}" in text


def test_update_reflects_a_new_venue(app, scenario, make_venue):
    other = make_venue("Conference room", address="Annex, 1st floor")
    with app.app_context():
        event = load_event(scenario.ceremony_id)
        assert event.venue.name == "Assembly hall"  # loaded before the change, as a form view would
        event.venue_id = other.id
        event.sequence += 1
        db.session.flush()
        event_rescheduled.send(event, fields={"venue"})
        db.session.commit()
    _message, inline, _attachment = _calendar_part(_outbox(app, "update")[0].raw)
    component = single_event(icalendar.Calendar.from_ical(inline))
    assert str(component["LOCATION"]) == "Conference room, Annex, 1st floor"


def test_cancelling_queues_a_cancel_with_the_next_sequence(app, scenario):
    uid, sequence = _cancel(app, scenario.ceremony_id)
    rows = _outbox(app)
    assert [r.kind for r in rows] == ["cancellation", "cancellation"]
    message, inline, _attachment = _calendar_part(rows[0].raw)
    calendar_part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    assert calendar_part.get_param("method") == "CANCEL"
    component = single_event(check_calendar(inline, method="CANCEL"))
    assert (str(component["UID"]), component["SEQUENCE"], str(component["STATUS"])) == (uid, 1, "CANCELLED")
    assert "Cancelled: Commemoration ceremony" in message["Subject"]


def test_changes_to_a_draft_send_nothing(app, make_event, make_unit, make_invitation):
    event = make_event(status="draft")
    make_invitation(event, make_unit())
    _move_by_an_hour(app, event.id)
    assert _outbox(app) == []


def test_units_without_contact_addresses_are_skipped(app, make_event, make_unit, make_invitation):
    event = make_event()
    make_invitation(event, make_unit(contact_emails=[]))
    reached = make_unit(contact_emails=["reached@units.example.org"])
    make_invitation(event, reached)
    _move_by_an_hour(app, event.id)
    assert [r.recipients for r in _outbox(app)] == [["reached@units.example.org"]]


def test_nothing_is_queued_when_the_change_is_rolled_back(app, scenario):
    with app.app_context():
        event = load_event(scenario.ceremony_id)
        event.sequence += 1
        db.session.flush()
        event_rescheduled.send(event, fields={"title"})
        db.session.rollback()
    assert _outbox(app) == []


def test_invitation_emails_carry_a_valid_request_then_updates_follow(app, upcoming):
    """Journeys 2 and 4: invite (attendance area), move by an hour, cancel — every email's file passes."""
    from tracker.attendance.services import invite_units
    from tracker.models import Unit

    event_id, unit_id, invitation_id = upcoming()
    with app.app_context():
        db.session.delete(db.session.get(Invitation, invitation_id))
        event = load_event(event_id)
        invite_units(event, [db.session.get(Unit, unit_id)], by_user=None)
        db.session.commit()
    # The mail worker composes each round's messages within seconds, before the next change comes.
    compose_pending_in(app)
    _move_by_an_hour(app, event_id)
    compose_pending_in(app)
    _cancel(app, event_id)
    rows = _outbox(app)
    assert [r.kind for r in rows] == ["invitation", "update", "cancellation"]
    sequences = []
    for row, method in zip(rows, ["REQUEST", "REQUEST", "CANCEL"], strict=True):
        _message, inline, attachment = _calendar_part(row.raw)
        assert inline == attachment
        component = single_event(check_calendar(inline, method=method))
        sequences.append((str(component["UID"]), component["SEQUENCE"]))
    assert len({uid for uid, _ in sequences}) == 1
    assert [seq for _, seq in sequences] == [0, 1, 2]


def test_update_carries_a_working_answer_link_and_skips_walk_ins(app, client, make_event, make_unit,
                                                                make_invitation):
    import re

    event = make_event("Upcoming ceremony")
    invited = make_unit("CIT", contact_emails=["cit@units.example.org"])
    walked_in = make_unit("IT", contact_emails=["it@units.example.org"])
    make_invitation(event, invited)
    make_invitation(event, walked_in, walk_in=True)
    _move_by_an_hour(app, event.id)
    updates = _outbox(app, "update")
    assert [row.recipients for row in updates] == [["cit@units.example.org"]]
    message, _inline, _attachment = _calendar_part(updates[0].raw)
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"http://tracker\.test(/answer/\S+)", text)
    assert link, text
    response = client.get(link.group(1))
    assert response.status_code == 200
    assert "Upcoming ceremony" in response.get_data(as_text=True)


def test_updates_are_written_in_the_units_language_not_the_mail_language(app, make_event, make_unit,
                                                                          make_invitation):
    from flask_babel import force_locale, gettext

    from tracker.models import Unit

    app.config["MAIL_LANGUAGE"] = "en"  # for no unit: the unit's own language wins
    event = make_event("Upcoming ceremony")
    unit = make_unit("CIT", "Citizenship Department", contact_emails=["cit@units.example.org"], language="az")
    with app.app_context():
        stored = db.session.get(Unit, unit.id)
        stored.set_texts("name", {"az": "Vətəndaşlıq idarəsi"})
        db.session.commit()
    make_invitation(event, unit)
    _move_by_an_hour(app, event.id)
    message, _inline, _attachment = _calendar_part(_outbox(app, "update")[0].raw)
    text = message.get_body(preferencelist=("plain",)).get_content()
    with app.test_request_context(), force_locale("az"):
        greeting = gettext("Dear colleagues of %(unit)s,", unit="Vətəndaşlıq idarəsi")
    assert greeting in text
    assert "Dear colleagues" not in text


def _retitle(app, event_id: int, translations: dict[str, dict[str, str]]) -> set[str]:
    """Save the event as it is except for ``translations`` (texts in languages other than the primary one)."""
    with app.app_context():
        event = load_event(event_id)
        same = {f.name: getattr(event, f.name) for f in dataclasses.fields(EventDetails) if hasattr(event, f.name)}
        changed = update_event(event, EventDetails(**{**same, "translations": translations}))
        db.session.commit()
        return changed


def test_a_text_changed_in_one_language_updates_only_the_units_reading_it(app, scenario):
    with app.app_context():
        db.session.get(Unit, scenario.ganja_id).language = "ru"
        db.session.commit()
    # No Russian title yet: the Russian reader saw the Azerbaijani one; the English reader still does.
    assert _retitle(app, scenario.ceremony_id, {"title": {"ru": "Траурная церемония"}}) == {"title"}
    assert [r.invitation_id for r in _outbox(app, "update")] == [scenario.ganja_invitation_id]

    # An English title changes what CIT (English) reads, and not what GANJA reads.
    assert _retitle(app, scenario.ceremony_id, {"title": {"ru": "Траурная церемония", "en": "Ceremony"}}) == {"title"}
    assert [r.invitation_id for r in _outbox(app, "update")] == [scenario.ganja_invitation_id,
                                                                 scenario.cit_invitation_id]
    with app.app_context():
        assert load_event(scenario.ceremony_id).sequence == 2  # the calendar object changed both times
