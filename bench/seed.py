"""Ten years of use, seeded by bulk inserts: the data ``make bench`` measures pages and feeds against (issue 12).

- 200 units (20 directorates with 9 offices each), each with an answering representative account;
- 2,000 events over ten years (200 a year, the last half-year still to come), each with a 5-item agenda, a
  venue and a presiding official, titles and descriptions in az/ru/en; 200 of them in one series;
- ~50 invitations per event, every unit invited to ~500 events, answers of every kind, attendance after
  the event; one event invites all 200 units (the dashboard figure);
- about one event in four public (the public calendar).

:func:`seed` takes under a minute on SQLite and PostgreSQL (``session.execute(insert(Model), rows)``, one
statement per table and batch) and returns the ids and credentials the measurements need.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

UNITS = 200
EVENTS = 2000
AGENDA_ITEMS = 5
INVITED_PER_EVENT = 50
SERIES_EVENTS = 200
PASSWORD = "bench password 2026"  # noqa: S105 - a throwaway account in a throwaway database
AGENDA_KINDS = ("silence", "anthem", "speech", "speech", "exhibition_review")
KINDS = ("ceremony", "ceremony", "commemoration", "exhibition", "meeting")


@dataclass(frozen=True)
class Seeded:
    """What the measurements ask for: ids, the representative's unit and its feed token, accounts."""

    unit_id: int
    feed_token: str
    event_id: int
    dashboard_event_id: int
    #: The last event already held (50 invitations with answers and attendance): the press release figure.
    held_event_id: int
    series_id: int
    organiser: str
    representative: str
    press: str
    password: str
    events: int
    invitations: int


def _texts(az: str, ru: str, en: str) -> dict[str, str]:
    return {"az": az, "ru": ru, "en": en}


def seed(db: Any, now: datetime | None = None) -> Seeded:
    """Fill an empty, migrated database (inside an app context) with ten years of use."""
    from sqlalchemy import insert, select
    from werkzeug.security import generate_password_hash

    from tracker.models import AgendaItem, Event, Invitation, Person, Series, Unit, User, Venue

    rng = random.Random(2026)
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    session = db.session
    # Units: 20 directorates, 9 offices under each.
    directorates = [{"code": f"D{n:02d}", "name": f"Baş idarə {n}", "language": "az",
                     "contact_emails": [f"d{n}@units.example.org"],
                     "translations": {"name": _texts(f"Baş idarə {n}", f"Главное управление {n}",
                                                     f"Directorate {n}")}} for n in range(20)]
    session.execute(insert(Unit), directorates)
    parent_ids = list(session.execute(select(Unit.id).order_by(Unit.id)).scalars())
    offices = []
    for n in range(UNITS - 20):
        language = ("az", "az", "ru", "en")[n % 4]
        offices.append({"code": f"R{n:03d}", "name": f"Regional idarə {n}", "language": language,
                        "parent_id": parent_ids[n % 20], "contact_emails": [f"r{n}@units.example.org"],
                        "translations": {"name": _texts(f"Regional idarə {n}", f"Региональное управление {n}",
                                                        f"Regional office {n}")}})
    session.execute(insert(Unit), offices)
    unit_ids = list(session.execute(select(Unit.id).order_by(Unit.id)).scalars())

    # Accounts: one hash for all (scrypt costs ~50 ms each).
    digest = generate_password_hash(PASSWORD)
    users = [{"email": "organiser@bench.example.org", "name": "Aysel Hüseynova", "role": "organiser"},
             {"email": "press@bench.example.org", "name": "Kamran Əliyev", "role": "press"}]
    users += [{"email": f"rep{n}@bench.example.org", "name": f"Nümayəndə {n}", "role": "representative",
               "unit_id": unit_id} for n, unit_id in enumerate(unit_ids)]
    session.execute(insert(User), [dict(user, password_hash=digest) for user in users])
    answerers = dict(session.execute(select(User.unit_id, User.id).where(User.unit_id.is_not(None))).all())

    people = [{"full_name": f"Rəsmi şəxs {n}", "rank": "polkovnik", "position": f"İdarə rəisi {n}",
               "translations": {"full_name": _texts(f"Rəsmi şəxs {n}", f"Официальное лицо {n}", f"Official {n}"),
                                "rank": _texts("polkovnik", "полковник", "colonel"),
                                "position": _texts(f"İdarə rəisi {n}", f"Начальник управления {n}",
                                                   f"Head of department {n}")}} for n in range(60)]
    session.execute(insert(Person), people)
    person_ids = list(session.execute(select(Person.id).order_by(Person.id)).scalars())
    venues = [{"name": f"Zal {n}", "address": f"Bakı, küçə {n}", "capacity": 100 + 10 * n,
               "translations": {"name": _texts(f"Zal {n}", f"Зал {n}", f"Hall {n}"),
                                "address": _texts(f"Bakı, küçə {n}", f"Баку, улица {n}", f"Baku, street {n}")}}
              for n in range(30)]
    session.execute(insert(Venue), venues)
    venue_ids = list(session.execute(select(Venue.id).order_by(Venue.id)).scalars())
    session.execute(insert(Series), [{
        "title": "20 illik yubiley tədbirləri", "commemorated_on": date(2006, 3, 1),
        "description": "Yubiley tədbirlərinin seriyası",
        "translations": {"title": _texts("20 illik yubiley tədbirləri", "Мероприятия к 20-летию",
                                         "Events for the 20th anniversary"),
                         "description": _texts("Yubiley tədbirlərinin seriyası", "Серия юбилейных мероприятий",
                                               "A series of anniversary events")}}])
    series_id = session.execute(select(Series.id)).scalars().one()

    # Events: 200 a year from 9.5 years ago to half a year ahead, in start order.
    first = now - timedelta(days=int(9.5 * 365))
    step = timedelta(days=10 * 365) / EVENTS
    events = []
    for n in range(EVENTS):
        starts = (first + n * step).replace(hour=6 + n % 6, minute=0, second=0)
        kind = KINDS[n % len(KINDS)]
        days = 5 if kind == "exhibition" else 0
        events.append({
            "kind": kind, "title": f"Tədbir {n}", "description": f"Tədbirin təsviri {n}",
            "translations": {"title": _texts(f"Tədbir {n}", f"Мероприятие {n}", f"Event {n}"),
                             "description": _texts(f"Tədbirin təsviri {n}", f"Описание мероприятия {n}",
                                                   f"Description of event {n}")},
            "venue_id": venue_ids[n % len(venue_ids)], "presiding_id": person_ids[n % len(person_ids)],
            "series_id": series_id if n % (EVENTS // SERIES_EVENTS) == 0 else None,
            "starts_at": starts, "ends_at": starts + timedelta(days=days, hours=2), "timezone": "Asia/Baku",
            "all_day": False, "daily_opens": time(10) if days else None, "daily_closes": time(18) if days else None,
            "status": "held" if starts < now else "scheduled", "public": n % 4 == 0, "languages": ["az", "ru", "en"],
            "answer_deadline": starts - timedelta(days=3), "sequence": 0, "created_at": starts - timedelta(days=30),
            "updated_at": starts - timedelta(days=20),
        })
    for batch in range(0, len(events), 500):
        session.execute(insert(Event), events[batch:batch + 500])
    rows = session.execute(select(Event.id, Event.starts_at).order_by(Event.starts_at, Event.id)).all()
    event_ids = [row.id for row in rows]

    agenda = []
    for event_id in event_ids:
        for position, kind in enumerate(AGENDA_KINDS, start=1):
            agenda.append({"event_id": event_id, "position": position, "kind": kind, "title": f"Bənd {position}",
                           "translations": {"title": _texts(f"Bənd {position}", f"Пункт {position}",
                                                            f"Item {position}")},
                           "speaker_id": person_ids[(event_id + position) % len(person_ids)]
                           if kind == "speech" else None,
                           "duration_minutes": 1 if kind == "silence" else 10})
    for batch in range(0, len(agenda), 2000):
        session.execute(insert(AgendaItem), agenda[batch:batch + 2000])

    # Invitations: a rotating window of 50 units per event (each unit ~500 events); one event invites all.
    dashboard_index = EVENTS - 40  # a little ahead of now: answers still coming in
    invitations = []
    for index, row in enumerate(rows):
        past = row.starts_at < now
        invited = unit_ids if index == dashboard_index else \
            [unit_ids[(index * 7 + k) % UNITS] for k in range(INVITED_PER_EVENT)]
        for unit_id in invited:
            status = rng.choice(("pending", "accepted", "accepted", "accepted", "tentative", "declined"))
            answered = status != "pending"
            invitations.append({
                "event_id": row.id, "unit_id": unit_id, "status": status,
                "headcount": rng.randint(1, 12) if status in ("accepted", "tentative") else None,
                "delegates": "Aygün Məmmədova\nИван Петров" if status == "accepted" else "",
                "answered_at": row.starts_at - timedelta(days=rng.randint(4, 20)) if answered else None,
                "answered_by_id": answerers[unit_id] if answered else None,
                "answered_via": "page" if answered else None,
                "actual_attendance": rng.randint(0, 10) if past and status == "accepted" else None,
                "invited_at": row.starts_at - timedelta(days=25),
            })
    for batch in range(0, len(invitations), 5000):
        session.execute(insert(Invitation), invitations[batch:batch + 5000])
    session.commit()

    unit_id = unit_ids[25]  # a regional office
    token = session.execute(select(Unit.feed_token).where(Unit.id == unit_id)).scalar_one()
    rep = session.execute(select(User.email).where(User.unit_id == unit_id)).scalar_one()
    upcoming = [row.id for row in rows if row.starts_at > now]
    held = [row.id for row in rows if row.starts_at < now]
    return Seeded(unit_id=unit_id, feed_token=token, event_id=upcoming[5] if len(upcoming) > 5 else event_ids[-1],
                  dashboard_event_id=event_ids[dashboard_index], held_event_id=held[-1], series_id=series_id,
                  organiser="organiser@bench.example.org", representative=rep, press="press@bench.example.org",
                  password=PASSWORD, events=len(event_ids), invitations=len(invitations))
