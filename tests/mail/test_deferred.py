"""Messages queued to be composed later: the mail worker composes them before it delivers them."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

import pytest

from tracker.attendance import services
from tracker.calendar import notifications
from tracker.extensions import db
from tracker.mail import deferred, delivery
from tracker.models import Event


@pytest.fixture
def invited(app, make_event, make_unit):
    """A scheduled ceremony with three units invited; their emails wait to be composed."""

    def invite(n: int = 3) -> int:
        event = make_event("Commemoration ceremony")
        for i in range(n):
            make_unit(f"U{i}", f"Unit {i}")
        with app.app_context():
            services.invite_units(db.session.get(Event, event.id), services.active_units(), by_user=None)
            db.session.commit()
        return event.id

    return invite


def test_mail_send_composes_and_delivers_messages_waiting_to_be_composed(app, runner, invited, outbox_rows):
    invited(3)
    assert [row.raw for row in outbox_rows()] == [None] * 3
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "3 sent, 0 to retry, 0 failed" in result.output
    rows = outbox_rows()
    assert {row.status for row in rows} == {"sent"}
    files = sorted(Path(app.config["OUTBOX_DIR"]).glob("*.eml"))
    assert len(files) == 3
    for file in files:
        message = message_from_bytes(file.read_bytes(), policy=policy.default)
        assert message["Message-ID"] in {row.message_id for row in rows}
        assert any(part.get_content_type() == "text/calendar" for part in message.walk())


def test_a_message_waiting_to_be_composed_is_never_claimed(app, invited, outbox_rows, monkeypatch):
    invited(1)
    monkeypatch.setattr(deferred, "compose_pending", lambda **_options: deferred.CompositionReport())
    with app.app_context():
        report = delivery.deliver_due()
    assert (report.sent, report.failed, report.retrying) == (0, 0, 0)
    [row] = outbox_rows()
    assert (row.status, row.raw, row.attempts) == ("pending", None, 0)


def test_a_message_that_cannot_be_composed_fails_with_its_reason_and_the_others_leave(app, runner, invited,
                                                                                      outbox_rows, monkeypatch):
    invited(3)
    broken = outbox_rows()[1].invitation_id
    real = notifications.compose_invitation

    def compose(draft):
        if draft.invitation.id == broken:
            raise ValueError("template missing")
        return real(draft)

    monkeypatch.setattr(notifications, "compose_invitation", compose)
    with app.app_context():
        report = delivery.deliver_due()
    assert (report.sent, report.failed) == (2, 1)
    failed = next(row for row in outbox_rows() if row.invitation_id == broken)
    assert failed.status == "failed" and failed.raw is None
    assert failed.last_error == "could not be composed: ValueError: template missing"

    monkeypatch.setattr(notifications, "compose_invitation", real)  # the cause is mended
    runner.invoke(args=["mail", "retry", "--failed"])
    assert "1 sent" in runner.invoke(args=["mail", "send"]).output
    assert {row.status for row in outbox_rows()} == {"sent"}


def test_only_kinds_with_a_composer_can_wait_to_be_composed(app):
    with app.app_context(), pytest.raises(ValueError):
        deferred.queue_for_composition("withdrawal", [])
