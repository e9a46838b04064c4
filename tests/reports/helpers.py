"""Shortcuts of the report tests: build releases and sheets of events in the test database."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tracker.extensions import db
from tracker.models import Event, Invitation, Series
from tracker.reports import services
from tracker.reports.content import PressRelease
from tracker.reports.sheets import AttendanceSheet
from tracker.settings import Settings

GENERATED_AT = datetime(2012, 3, 2, 9, 0, tzinfo=UTC)


def event_release(app: Any, event_id: int, language: str) -> PressRelease:
    """The press release of an event, built as the export view builds it."""
    with app.app_context():
        event = services.load_event(event_id)
        assert event is not None
        return services.event_release(event, language, Settings.from_config(app.config), now=GENERATED_AT)


def series_release(app: Any, series_id: int, language: str) -> PressRelease:
    """The press release of a series."""
    with app.app_context():
        series = db.session.get(Series, series_id)
        return services.series_release(series, language, Settings.from_config(app.config), now=GENERATED_AT)


def event_file(app: Any, event_id: int, language: str, fmt: str) -> bytes:
    """The press release of an event as a file."""
    return services.render_release(event_release(app, event_id, language), fmt)


def sheet(app: Any, event_id: int, language: str, unit_id: int | None = None) -> AttendanceSheet:
    """The attendance sheet of an event."""
    with app.app_context():
        event = db.session.get(Event, event_id)
        return services.attendance_sheet(event, language, Settings.from_config(app.config), unit_id=unit_id)


def update_event(app: Any, event_id: int, **fields: Any) -> None:
    """Change columns of an event."""
    with app.app_context():
        event = db.session.get(Event, event_id)
        for name, value in fields.items():
            setattr(event, name, value)
        db.session.commit()


def record_attendance(app: Any, event_id: int, unit_id: int, people: int) -> None:
    """Record how many people of a unit came."""
    with app.app_context():
        invitation = db.session.execute(
            db.select(Invitation).where(Invitation.event_id == event_id, Invitation.unit_id == unit_id)
        ).scalar_one()
        invitation.actual_attendance = people
        db.session.commit()
