"""Rounds that reach many units at once: few statements, one transaction, emails composed by the mail worker.

SQLite has one writer: a round of 2,500 invitations must hold it for a fraction of a second so that
answers sent meanwhile are stored (``make bench`` measures the time; these tests check the shape).
"""

from __future__ import annotations

import threading
from email import message_from_bytes, policy

import icalendar
import pytest
from sqlalchemy import event as sa_event

from tests.helpers import CONFIRMED, count_queries
from tracker.attendance import links, services
from tracker.calendar.notifications import queue_calendar_messages
from tracker.extensions import db
from tracker.mail import deferred
from tracker.mail.deferred import compose_pending
from tracker.models import AuditEntry, Event, EventStatus, Invitation, OutboxMessage, Unit


def _units(app, prefix: str, n: int, *, contacts: bool = True) -> list[int]:
    """``n`` active units (codes ``<prefix>0001`` …) committed at once; their ids."""
    with app.app_context():
        units = [Unit(code=f"{prefix}{i:04d}", name=f"Unit {prefix} {i}", language="en",
                      contact_emails=[f"{prefix.lower()}{i}@units.example.org"] if contacts else [])
                 for i in range(n)]
        db.session.add_all(units)
        db.session.commit()
        return [unit.id for unit in units]


def _invite(app, event_id: int, unit_ids: list[int]) -> tuple[list[int], int]:
    """Invite the units and commit; the new invitations' ids and the number of units without contacts."""
    with app.app_context():
        units = db.session.execute(db.select(Unit).where(Unit.id.in_(unit_ids))).scalars().all()
        result = services.invite_units(db.session.get(Event, event_id), units, by_user=None)
        invited = [invitation.id for invitation in result.invited]
        db.session.commit()
        return invited, len(result.no_contacts)


def _count(app, model: type, *where) -> int:
    with app.app_context():
        return db.session.execute(db.select(db.func.count()).select_from(model).where(*where)).scalar_one()


def test_inviting_many_units_queues_one_email_per_unit_that_the_mail_worker_composes(app, event):
    with_contacts = _units(app, "A", 300)
    without = _units(app, "B", 5, contacts=False)
    invited_ids, no_contacts = _invite(app, event.id, with_contacts + without)
    assert (len(invited_ids), no_contacts) == (305, 5)

    with app.app_context():
        queued = db.session.execute(db.select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()
        # Nothing was composed inside the round: that is the mail worker's job.
        assert [row.raw for row in queued] == [None] * 300
        queued_ids = {row.id: row.message_id for row in queued}
        invited = {invitation.id: invitation.unit for invitation in db.session.execute(
            db.select(Invitation).where(Invitation.event_id == event.id)).scalars()}
        report = compose_pending()
        assert (report.composed, report.dropped, report.failed) == (300, 0, 0)

        rows = db.session.execute(db.select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()
        emailed = [row.invitation_id for row in rows]
        assert sorted(emailed) == sorted(i for i, unit in invited.items() if unit.id in set(with_contacts))
        for row in rows:
            unit = invited[row.invitation_id]
            assert (row.kind, row.status, row.recipients) == ("invitation", "pending", unit.contact_emails)
            message = message_from_bytes(row.raw, policy=policy.default)
            # The Message-ID fixed when the round queued it: retries and receivers see one message.
            assert message["Message-ID"] == row.message_id == queued_ids[row.id]
            assert message["Subject"] == row.subject and row.subject.startswith("Invitation: Commemoration")
            text = message.get_body(("plain",)).get_content()
            assert unit.name in text
            link = next(line for line in text.splitlines() if line.startswith("http://tracker.test/answer/"))
            assert links.check_answer_token(link.rsplit("/", 1)[1]).invitation.id == row.invitation_id
            calendar_part = next(part for part in message.walk() if part.get_content_type() == "text/calendar")
            calendar = icalendar.Calendar.from_ical(calendar_part.get_content())
            assert str(calendar["METHOD"]) == "REQUEST"
            assert str(calendar.walk("VEVENT")[0]["UID"]) == db.session.get(Event, event.id).uid


def test_an_invitation_round_is_one_transaction_that_an_error_midway_leaves_undone(app, client, login, event,
                                                                                    monkeypatch):
    _units(app, "A", 40)
    real = deferred.queue_for_composition

    def half_then_fail(kind, addressed, **options):
        real(kind, addressed[: len(addressed) // 2], **options)  # half the emails are written …
        raise RuntimeError("the process dies here")  # … then the round stops, as if killed

    monkeypatch.setattr("tracker.attendance.emails.queue_for_composition", half_then_fail)
    login("organiser")
    with pytest.raises(RuntimeError):
        client.post(f"/events/{event.id}/attendance/invite", data={"scope": "all"})
    assert _count(app, Invitation) == _count(app, AuditEntry) == _count(app, OutboxMessage) == 0


def test_an_invitation_round_takes_as_many_statements_for_300_units_as_for_30(app, make_event):
    counts = []
    for units in (30, 300):
        event = make_event()
        unit_ids = _units(app, f"I{units}", units)
        with app.app_context():
            loaded = db.session.execute(db.select(Unit).where(Unit.id.in_(unit_ids))).scalars().all()
            found = db.session.get(Event, event.id)
            with count_queries(app) as counter:
                assert len(services.invite_units(found, loaded, by_user=None).invited) == units
                db.session.commit()
        counts.append(counter.count)
    assert counts[0] == counts[1]
    assert _count(app, OutboxMessage) == _count(app, AuditEntry) == 330


def test_a_reminder_round_takes_as_many_statements_for_300_units_as_for_30(app, make_event):
    counts = []
    for units in (30, 300):
        event = make_event()
        unit_ids = _units(app, f"R{units}", units)
        _invite(app, event.id, unit_ids)
        with app.app_context():
            found = db.session.get(Event, event.id)
            with count_queries(app) as counter:
                assert len(services.remind_pending_units(found, by_user=None).queued) == units
                db.session.commit()
        counts.append(counter.count)
    assert counts[0] == counts[1]


def test_an_update_to_every_invited_unit_takes_as_many_statements_for_300_units_as_for_30(app, make_event):
    counts = []
    for units in (30, 300):
        event = make_event()
        _invite(app, event.id, _units(app, f"U{units}", units))
        with app.app_context():
            found = db.session.get(Event, event.id)
            with count_queries(app) as counter:
                assert queue_calendar_messages(found, method="REQUEST", fields={"starts_at"}) == units
                db.session.commit()
        counts.append(counter.count)
    assert counts[0] == counts[1]


def test_an_answer_sent_while_a_bulk_invitation_is_being_written_is_stored(app, event, make_event, make_unit,
                                                                          make_invitation, reload):
    """The round has written (on SQLite it holds the write lock) when the answer comes; both are stored."""
    other = make_invitation(make_event("Preparatory meeting"), make_unit("CIT"))
    unit_ids = _units(app, "A", 200)
    written, answering = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def invite() -> None:
        try:
            with app.app_context():
                units = db.session.execute(db.select(Unit).where(Unit.id.in_(unit_ids))).scalars().all()
                services.invite_units(db.session.get(Event, event.id), units, by_user=None)
                written.set()
                answering.wait(timeout=10)
                # Let the answer reach the database and wait there; the commit below releases it.
                threading.Event().wait(0.2)
                db.session.commit()
        except BaseException as error:
            errors.append(error)
            written.set()

    def answer() -> None:
        try:
            written.wait(timeout=10)
            with app.app_context():
                engine = db.engine

                def about_to_write(conn, cursor, statement, *args) -> None:
                    if threading.current_thread() is answerer and statement.lstrip().upper().startswith("UPDATE"):
                        answering.set()

                sa_event.listen(engine, "before_cursor_execute", about_to_write)
                try:
                    invitation = db.session.get(Invitation, other.id)
                    services.record_answer(invitation, services.AnswerDetails("accepted", 4, "", ""), by_user=None,
                                           via="link", expected_version=None)
                    db.session.commit()
                finally:
                    sa_event.remove(engine, "before_cursor_execute", about_to_write)
                    answering.set()
        except BaseException as error:
            errors.append(error)

    inviter = threading.Thread(target=invite)
    answerer = threading.Thread(target=answer)
    inviter.start()
    answerer.start()
    inviter.join()
    answerer.join()
    assert errors == []
    assert (reload(Invitation, other.id).status, reload(Invitation, other.id).headcount) == ("accepted", 4)
    assert _count(app, Invitation, Invitation.event_id == event.id) == 200
    assert _count(app, AuditEntry, AuditEntry.action == "answer") == 1


def test_an_invitation_withdrawn_before_its_email_was_composed_is_not_sent(app, client, login, event, unit, outbox):
    [invitation_id], _no_contacts = _invite(app, event.id, [unit.id])
    login("organiser")
    client.post(f"/invitations/{invitation_id}/withdraw", data=CONFIRMED)
    assert [row.kind for row in outbox()] == ["withdrawal"]


def test_emails_of_an_event_cancelled_before_they_were_composed_give_way_to_the_cancellation(app, client, login,
                                                                                           event, unit, outbox):
    _invite(app, event.id, [unit.id])
    with app.app_context():
        services.remind_pending_units(db.session.get(Event, event.id), by_user=None)
        db.session.commit()
    login("organiser")
    client.post(f"/events/{event.id}/cancel", data=CONFIRMED)
    with app.app_context():
        assert db.session.get(Event, event.id).status == EventStatus.CANCELLED
    [cancellation] = outbox()
    assert cancellation.kind == "cancellation"
    calendar = next(part for part in message_from_bytes(cancellation.raw, policy=policy.default).walk()
                    if part.get_content_type() == "text/calendar")
    assert calendar.get_param("method") == "CANCEL"


def test_a_reminder_to_a_unit_that_answered_before_it_was_composed_is_not_sent(app, event, unit, invitation,
                                                                               outbox):
    with app.app_context():
        services.remind_pending_units(db.session.get(Event, event.id), by_user=None)
        db.session.commit()
    with app.app_context():
        services.record_answer(db.session.get(Invitation, invitation.id),
                               services.AnswerDetails("declined", 0, "", ""), by_user=None, via="link",
                               expected_version=None)
        db.session.commit()
    assert outbox("reminder") == []
