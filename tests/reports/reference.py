"""The reference scenario of DESIGN §1, built from ``tracker/demo_data/reference.json`` for report tests.

Built here rather than through ``flask demo`` so that report tests do not depend on the demo loader.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tracker.extensions import db
from tracker.models import AgendaItem, Event, Invitation, Person, Series, Unit, User, Venue

REFERENCE_PATH = Path(__file__).resolve().parents[2] / "tracker" / "demo_data" / "reference.json"
REFERENCE: dict[str, Any] = json.loads(REFERENCE_PATH.read_text(encoding="utf-8"))
BAKU = ZoneInfo("Asia/Baku")
LANGUAGES = ("en", "az", "ru")


@dataclass
class Reference:
    """Ids of what was built, by the keys and codes of reference.json."""

    series_id: int = 0
    events: dict[str, int] = field(default_factory=dict)
    units: dict[str, int] = field(default_factory=dict)
    people: dict[str, int] = field(default_factory=dict)
    venues: dict[str, int] = field(default_factory=dict)
    answered_by_id: int = 0


def text(value: dict[str, str] | str, language: str) -> str:
    """The reference text in ``language`` (English where it gives no other)."""
    if isinstance(value, str):
        return value
    return value.get(language) or value["en"]


def _translated(obj: Any, name: str, texts: dict[str, str]) -> None:
    obj.set_texts(name, texts)


def _local(value: str) -> datetime:
    if "T" in value:
        return datetime.fromisoformat(value).replace(tzinfo=BAKU)
    return datetime.fromisoformat(value + "T00:00").replace(tzinfo=BAKU)


def build_reference(app: Any, *, status: str = "held") -> Reference:
    """Create the reference organisation, series and events (with the sample answers) in ``app``'s database."""
    ref = Reference()
    with app.app_context():
        units: dict[str, Unit] = {}
        for entry in REFERENCE["units"]:
            unit = Unit(code=entry["code"], contact_emails=[f"{entry['code'].lower()}@units.example.org"])
            _translated(unit, "name", entry["name"])
            if entry.get("parent"):
                unit.parent = units[entry["parent"]]
            units[entry["code"]] = unit
            db.session.add(unit)
        venues: dict[str, Venue] = {}
        for entry in REFERENCE["venues"]:
            venue = Venue(address=entry["address"], capacity=entry["capacity"])
            _translated(venue, "name", entry["name"])
            venues[entry["key"]] = venue
            db.session.add(venue)
        people: dict[str, Person] = {}
        for entry in REFERENCE["people"]:
            person = Person()
            for name in ("full_name", "rank", "position"):
                _translated(person, name, entry[name])
            people[entry["key"]] = person
            db.session.add(person)
        series = Series(commemorated_on=datetime.fromisoformat(REFERENCE["series"]["commemorated_on"]).date())
        _translated(series, "title", REFERENCE["series"]["title"])
        db.session.add(series)
        clerk = User(email="clerk@cit.example.org", name="Aygün Məmmədova", role="representative",
                     unit=units["CIT"])
        clerk.set_password("not used in these tests")
        db.session.add(clerk)

        events: dict[str, Event] = {}
        for entry in REFERENCE["events"]:
            event = Event(kind=entry["kind"], series=series, venue=venues[entry["venue"]], status=status,
                          timezone="Asia/Baku", languages=entry.get("languages", []))
            _translated(event, "title", entry["title"])
            if "description" in entry:
                _translated(event, "description", entry["description"])
            hours = entry.get("daily_hours")
            if hours:
                opens, closes = time.fromisoformat(hours["opens"]), time.fromisoformat(hours["closes"])
                event.daily_opens, event.daily_closes = opens, closes
                event.starts_at = datetime.combine(_local(entry["starts"]).date(), opens, BAKU)
                event.ends_at = datetime.combine(_local(entry["ends"]).date(), closes, BAKU)
            else:
                event.starts_at, event.ends_at = _local(entry["starts"]), _local(entry["ends"])
            if entry.get("presiding"):
                event.presiding = people[entry["presiding"]]
            for position, item in enumerate(entry.get("agenda", []), start=1):
                agenda_item = AgendaItem(position=position, kind=item["kind"],
                                         duration_minutes=item.get("duration_minutes"),
                                         speaker=people[item["speaker"]] if item.get("speaker") else None)
                _translated(agenda_item, "title", item["title"])
                event.agenda.append(agenda_item)
            if entry.get("invite") == "all":
                answers = {a["unit"]: a for a in entry.get("answers", [])}
                for code, unit in units.items():
                    invitation = Invitation(unit=unit)
                    answer = answers.get(code)
                    if answer:
                        invitation.status = answer["status"]
                        invitation.headcount = answer.get("then", answer["headcount"])
                        invitation.answered_at = datetime(2012, 2, 20, 14, 5, tzinfo=BAKU)
                        invitation.answered_by = clerk if code == "CIT" else None
                        invitation.answered_via = "page" if code == "CIT" else "link"
                        if code == "CIT":
                            invitation.delegates = "Aygün Məmmədova\nИван Петров"
                    event.invitations.append(invitation)
            events[entry["key"]] = event
            db.session.add(event)
        db.session.commit()
        ref.series_id = series.id
        ref.events = {key: event.id for key, event in events.items()}
        ref.units = {code: unit.id for code, unit in units.items()}
        ref.people = {key: person.id for key, person in people.items()}
        ref.venues = {key: venue.id for key, venue in venues.items()}
        ref.answered_by_id = clerk.id
    return ref
