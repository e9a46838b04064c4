"""The reference scenario (DESIGN §1) as calendar tests need it, and builder settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from tests.helpers import baku
from tracker.calendar.ics import CalendarSettings
from tracker.extensions import db
from tracker.models import Event, Invitation, Series

SETTINGS = CalendarSettings(
    organizer_email="protocol@migration.example.org",
    organizer_name="Protocol Office",
    base_url="http://tracker.test",
    organisation_name="State Migration Service",
)


@pytest.fixture
def settings() -> CalendarSettings:
    """Builder settings as the test app's config would give them."""
    return SETTINGS


@dataclass
class Scenario:
    """Ids of the reference scenario's objects."""

    series_id: int
    ceremony_id: int
    exhibition_id: int
    cit_id: int
    ganja_id: int
    cit_invitation_id: int
    ganja_invitation_id: int


@pytest.fixture
def scenario(make_unit, make_person, make_venue, make_series, make_event, make_invitation) -> Scenario:
    """Journey 1–2: the series, the exhibition with daily hours, the ceremony with its agenda, two units invited."""
    head = make_person("Firudin Nabiyev", rank="major-general", position="Head of the Service")
    deputy = make_person("Parviz Musayev")
    hall = make_venue("Assembly hall", address="Head office, 2nd floor", capacity=250)
    waiting = make_venue("Waiting hall for foreigners and stateless persons", address="Head office, ground floor")
    series = make_series("Events for the 20th anniversary of the Khojaly tragedy", commemorated_on=date(1992, 2, 26))
    exhibition = make_event(
        "Exhibition dedicated to the 20th anniversary of the Khojaly tragedy",
        kind="exhibition", series_id=series.id, venue_id=waiting.id,
        starts_at=baku(2012, 2, 22, 9), ends_at=baku(2012, 3, 1, 18),
        daily_opens=time(9), daily_closes=time(18), languages=["az", "ru", "en"],
        description="Information is provided in Azerbaijani, Russian and English.",
    )
    ceremony = make_event(
        "Commemoration ceremony for the victims of the Khojaly tragedy",
        series_id=series.id, venue_id=hall.id, presiding_id=head.id,
        starts_at=baku(2012, 2, 25, 10), ends_at=baku(2012, 2, 25, 11, 30), languages=["az", "en"],
        agenda=[
            {"kind": "silence", "title": "One minute's silence", "duration_minutes": 1},
            {"kind": "speech", "title": "Speech on the history of the tragedy", "speaker_id": deputy.id,
             "duration_minutes": 20},
            {"kind": "exhibition_review", "title": "Review of the exhibition", "speaker_id": head.id},
        ],
    )
    cit = make_unit("CIT", "Citizenship Department",
                    contact_emails=["cit@units.example.org", "Chief.CIT@units.example.org"])
    ganja = make_unit("GANJA", "Ganja regional office", contact_emails=["ganja@units.example.org"])
    cit_invitation = make_invitation(ceremony, cit, status="accepted", headcount=12)
    ganja_invitation = make_invitation(ceremony, ganja)
    return Scenario(series.id, ceremony.id, exhibition.id, cit.id, ganja.id, cit_invitation.id, ganja_invitation.id)


@pytest.fixture
def upcoming(make_unit, make_venue, make_event, make_invitation) -> Callable[..., tuple[int, int, int]]:
    """``upcoming(**event_fields)`` → (event id, unit id, invitation id) of a scheduled event a month ahead.

    Answers are still open, so replies can be recorded.
    """

    def factory(**fields: Any) -> tuple[int, int, int]:
        unit = fields.pop("unit", None) or make_unit("CIT", "Citizenship Department",
                                                     contact_emails=["cit@units.example.org"])
        venue = make_venue("Assembly hall", capacity=250)
        start = datetime.now(UTC).replace(hour=6, minute=0, second=0, microsecond=0) + timedelta(days=30)
        fields.setdefault("starts_at", start)
        fields.setdefault("venue_id", venue.id)
        event = make_event(**fields)
        invitation = make_invitation(event, unit)
        return event.id, unit.id, invitation.id

    return factory


def load_event(event_id: int) -> Event:
    """The event with its relationships, inside the caller's app context."""
    return db.session.get(Event, event_id)


def load_invitation(invitation_id: int) -> Invitation:
    """An invitation inside the caller's app context."""
    return db.session.get(Invitation, invitation_id)


def load_series(series_id: int) -> Series:
    """A series inside the caller's app context."""
    return db.session.get(Series, series_id)
