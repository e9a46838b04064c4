"""``flask --app tracker demo``: load the reference scenario of DESIGN §1 as demo data.

Commands::

    flask --app tracker demo              # load (idempotent: what exists is left as it is)
    flask --app tracker demo --if-empty   # load only into a database without accounts (``make run``)
    flask --app tracker demo accounts     # print the demo accounts and their password

Every demo account — ``admin@example.org``, ``organiser@example.org``, ``press@example.org`` and one
representative per unit (``cit@example.org``, ``ganja@example.org`` …; the Press Service unit's is
``press-unit@example.org`` because ``press@example.org`` is the press officer) — has the password
:data:`DEMO_PASSWORD` (``demo-password``). Demo data is for trying the app out; never load it in production.

The story, in az, ru and en alike: the 20th-anniversary series of 2012 exactly as the reference scenario
has it (both events held; the ceremony's answers, its check-in figures and its press text entered; the
exhibition's not), a meeting with the units held a few days before loading (check-in and press text still
to do), and the next anniversary's own series — "Events for the 35th anniversary …" when loaded before
25 February 2027 — whose ceremony on the next 25 February invites every active unit, a few of which have
answered, with answers closing in a few days. Dates of the last two follow the day of loading, so the demo
never goes stale. ``demo_data/story.json`` holds what the reference does not: texts it gives in English
only, account names, the units that read Russian, the press text, and the season of loading.

Every translatable text is written in every language with ``set_texts``. Account names are one column
(``User.name``): they are Azerbaijani personal names in Latin script, proper nouns read as they are in
every interface language.

The organisation itself (name, time zone, press contact) is configuration, not data: the defaults of
``tracker.config`` match the scenario. Everything is found again by a natural key (unit code, email, venue
name, person name, series title, event UID), so running the command twice creates nothing twice and
changes nothing that is already there — not even what someone edited since.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click
from flask.cli import AppGroup, with_appcontext

from .attendance.services import record_check_in
from .auth.services import NewAccount, create_user, find_user_by_email
from .directory.services import (
    PersonDetails,
    UnitDetails,
    VenueDetails,
    create_person,
    create_unit,
    create_venue,
    find_unit_by_code,
)
from .extensions import db
from .i18n import primary_language
from .models import (
    AgendaItem,
    AnswerChannel,
    AuditEntry,
    Event,
    EventStatus,
    Invitation,
    InvitationStatus,
    Person,
    Report,
    Role,
    Series,
    Unit,
    User,
    Venue,
)
from .ordinals import ordinal

#: The scenario file (a copy of ``shared/scenarios/reference.json``).
REFERENCE = Path(__file__).parent / "demo_data" / "reference.json"
#: What the demo adds to the scenario: see the ``about`` texts in it.
STORY = Path(__file__).parent / "demo_data" / "story.json"
#: Password of every demo account. Printed by ``flask demo accounts`` and documented in the README.
DEMO_PASSWORD = "demo-password"  # noqa: S105 — published on purpose: demo data only
#: Staff accounts, one per role that is not bound to a unit: (email, role); names are in ``story.json``.
STAFF_ACCOUNTS = (
    ("admin@example.org", Role.ADMIN),
    ("organiser@example.org", Role.ORGANISER),
    ("press@example.org", Role.PRESS),
)
#: The account recorded as the creator of the demo events.
ORGANISER_EMAIL = "organiser@example.org"
#: Fixed iCalendar UIDs of the scenario's events, so a second run finds them again.
EVENT_UIDS = {"exhibition": "khojaly-2012-exhibition@tracker", "ceremony": "khojaly-2012-ceremony@tracker"}
#: When the sample answers were given (local time), in the order the scenario lists them; the first
#: answer of a unit that later changed it comes before its change.
_ANSWERED = {
    "first": (2012, 2, 20, 11, 0),
    "then": (2012, 2, 23, 15, 30),
}


def representative_email(unit_code: str) -> str:
    """The demo representative's address for a unit: ``cit@example.org`` for ``CIT``.

    The Press Service unit would get ``press@example.org``, the press officer's address; its
    representative is ``press-unit@example.org`` instead.
    """
    email = f"{unit_code.lower()}@example.org"
    if email in {staff_email for staff_email, _role in STAFF_ACCOUNTS}:
        return f"{unit_code.lower()}-unit@example.org"
    return email


def contact_email(unit_code: str) -> str:
    """The demo contact address invitations go to: ``cit@units.example.org`` for ``CIT``."""
    return f"{unit_code.lower()}@units.example.org"


def upcoming_anniversary_uid(year: int) -> str:
    """UID of the demo's upcoming anniversary ceremony of ``year``."""
    return f"khojaly-{year}-ceremony@tracker"


def meeting_uid(year: int) -> str:
    """UID of the demo's meeting held shortly before loading, ahead of the anniversary of ``year``."""
    return f"khojaly-{year}-meeting@tracker"


def read_scenario(path: Path = REFERENCE) -> dict[str, Any]:
    """The scenario as data."""
    return json.loads(path.read_text(encoding="utf-8"))


def read_story(path: Path = STORY) -> dict[str, Any]:
    """What the demo adds to the scenario, as data."""
    return json.loads(path.read_text(encoding="utf-8"))


def anniversary_series_title(template: Mapping[str, str], number: int) -> dict[str, str]:
    """The title of the series for anniversary ``number`` in every language of ``template``.

    ``{ordinal}`` is :func:`tracker.ordinals.ordinal` ("35th", "35-ci"); ``{number}`` the bare number, for
    the Russian dative ("35-й годовщине") that the nominative ordinal ("35-я") does not give.
    """
    return {language: text.format(ordinal=ordinal(number, language), number=number)
            for language, text in template.items()}


def _primary(texts: Mapping[str, str]) -> str:
    """The primary-language text of a ``{"az": …, "ru": …, "en": …}`` mapping (the plain column's text)."""
    return texts.get(primary_language()) or next(iter(texts.values()))


def _instant(value: str | tuple[int, ...], zone: ZoneInfo) -> datetime:
    """A local wall-clock time (``2012-02-25T10:00`` or a tuple) as an aware UTC instant."""
    if isinstance(value, str):
        local = datetime.fromisoformat(value)
    else:
        year, month, day, hour, minute = (*value, 0, 0)[:5]
        local = datetime(year, month, day, hour, minute)
    return local.replace(tzinfo=zone).astimezone(UTC)


def _first(model: type, *criteria: Any) -> Any:
    return db.session.execute(db.select(model).where(*criteria).limit(1)).scalar_one_or_none()


class ScenarioLoader:
    """Loads the scenario and the demo's story into the session, creating only what is missing; the caller
    commits."""

    def __init__(self, scenario: dict[str, Any], today: date | None = None,
                 story: dict[str, Any] | None = None) -> None:
        self.scenario = scenario
        self.story = story if story is not None else read_story()
        self.zone = ZoneInfo(scenario["organisation"]["timezone"])
        if today is None:
            self.now = datetime.now(UTC)
            self.today = self.now.astimezone(self.zone).date()
        else:  # a given day (tests): its morning
            self.today = today
            self.now = datetime.combine(today, time(9), self.zone).astimezone(UTC)
        self.created: Counter[str] = Counter()
        self.units: dict[str, Unit] = {}
        self.venues: dict[str, Venue] = {}
        self.people: dict[str, Person] = {}

    def load(self) -> Counter[str]:
        """Load everything; returns how many objects of each kind were created."""
        self._load_units()
        self._load_venues()
        self._load_people()
        self._load_accounts()
        series = self._load_series(self.scenario["series"]["title"], self.scenario["series"]["commemorated_on"])
        events = {spec["key"]: spec for spec in self.scenario["events"]}
        self._load_exhibition(events["exhibition"], series)
        self._load_ceremony(events["ceremony"], series)
        year = self._upcoming_year(events["ceremony"])
        self._load_meeting(self.story["meeting"], year)
        self._load_upcoming_ceremony(events["ceremony"], year)
        db.session.flush()
        return self.created

    # --- directory -------------------------------------------------------------------------------------

    def _load_units(self) -> None:
        languages = self.story.get("unit_languages", {})
        # Parents first, so that every parent exists when its regional offices are created.
        for spec in sorted(self.scenario["units"], key=lambda s: "parent" in s):
            unit = find_unit_by_code(spec["code"])
            if unit is None:
                unit = create_unit(
                    UnitDetails(
                        code=spec["code"],
                        name=_primary(spec["name"]),
                        parent_id=self.units[spec["parent"]].id if "parent" in spec else None,
                        contact_emails=[contact_email(spec["code"])],
                        language=languages.get(spec["code"]),
                    )
                )
                unit.set_texts("name", spec["name"])
                self.created["units"] += 1
            self.units[spec["code"]] = unit

    def _load_venues(self) -> None:
        addresses = self.story["venue_addresses"]
        for spec in self.scenario["venues"]:
            venue = _first(Venue, Venue.name.in_(list(spec["name"].values())))
            if venue is None:
                address = addresses[spec["key"]]
                venue = create_venue(
                    VenueDetails(name=_primary(spec["name"]), address=_primary(address), capacity=spec.get("capacity"))
                )
                venue.set_texts("name", spec["name"])
                venue.set_texts("address", address)
                self.created["venues"] += 1
            self.venues[spec["key"]] = venue

    def _load_people(self) -> None:
        for spec in self.scenario["people"]:
            person = _first(Person, Person.full_name.in_(list(spec["full_name"].values())))
            if person is None:
                person = create_person(
                    PersonDetails(
                        full_name=_primary(spec["full_name"]),
                        rank=_primary(spec["rank"]),
                        position=_primary(spec["position"]),
                    )
                )
                for name in ("full_name", "rank", "position"):
                    person.set_texts(name, spec[name])
                self.created["people"] += 1
            self.people[spec["key"]] = person

    # --- accounts --------------------------------------------------------------------------------------

    def _load_accounts(self) -> None:
        names = {**self.story["staff_names"]}
        wanted: list[tuple[str, str, str, Unit | None]] = [(e, r, names[e], None) for e, r in STAFF_ACCOUNTS]
        for spec in self.scenario["units"]:
            unit = self.units[spec["code"]]
            name = self.story["representative_names"][spec["code"]]
            wanted.append((representative_email(spec["code"]), Role.REPRESENTATIVE, name, unit))
        for email, role, name, bound_unit in wanted:
            if find_user_by_email(email) is None:
                create_user(NewAccount(email, name, DEMO_PASSWORD, role, unit_id=bound_unit.id if bound_unit else None))
                self.created["accounts"] += 1

    def _representative(self, unit: Unit) -> User | None:
        return find_user_by_email(representative_email(unit.code))

    # --- series and events -----------------------------------------------------------------------------

    def _load_series(self, title: Mapping[str, str], commemorated_on: str) -> Series:
        series = _first(Series, Series.title.in_(list(title.values())))
        if series is None:
            series = Series(description="", commemorated_on=date.fromisoformat(commemorated_on))
            series.set_texts("title", title)
            db.session.add(series)
            db.session.flush()
            self.created["series"] += 1
        return series

    def _new_event(self, spec: dict[str, Any], series: Series | None, uid: str) -> Event:
        event = Event(
            uid=uid,
            series=series,
            kind=spec["kind"],
            venue=self.venues[spec["venue"]],
            presiding=self.people[spec["presiding"]] if "presiding" in spec else None,
            timezone=self.zone.key,
            languages=list(spec.get("languages", [])),
            created_by=find_user_by_email(ORGANISER_EMAIL),
        )
        event.set_texts("title", spec["title"])
        event.description = ""
        if "description" in spec:
            event.set_texts("description", spec["description"])
        for position, item in enumerate(spec.get("agenda", []), start=1):
            agenda_item = AgendaItem(
                position=position,
                kind=item["kind"],
                speaker=self.people[item["speaker"]] if "speaker" in item else None,
                duration_minutes=item.get("duration_minutes"),
                notes="",
            )
            agenda_item.set_texts("title", item["title"])
            event.agenda.append(agenda_item)
        return event

    def _load_exhibition(self, spec: dict[str, Any], series: Series) -> Event:
        uid = EVENT_UIDS["exhibition"]
        event = _first(Event, Event.uid == uid)
        if event is not None:
            return event
        # The reference describes the exhibition in English only; the story adds az and ru.
        spec = {**spec, "description": {**self.story["exhibition_description"], **spec["description"]}}
        event = self._new_event(spec, series, uid)
        opens = time.fromisoformat(spec["daily_hours"]["opens"])
        closes = time.fromisoformat(spec["daily_hours"]["closes"])
        first_day, last_day = date.fromisoformat(spec["starts"]), date.fromisoformat(spec["ends"])
        event.starts_at = datetime.combine(first_day, opens, self.zone).astimezone(UTC)
        event.ends_at = datetime.combine(last_day, closes, self.zone).astimezone(UTC)
        event.daily_opens, event.daily_closes = opens, closes
        event.status = EventStatus.HELD
        event.public = True
        db.session.add(event)
        db.session.flush()
        self.created["events"] += 1
        return event

    def _load_ceremony(self, spec: dict[str, Any], series: Series) -> Event:
        uid = EVENT_UIDS["ceremony"]
        event = _first(Event, Event.uid == uid)
        if event is not None:
            return event
        event = self._new_event(spec, series, uid)
        event.starts_at = _instant(spec["starts"], self.zone)
        event.ends_at = _instant(spec["ends"], self.zone)
        event.status = EventStatus.HELD
        db.session.add(event)
        db.session.flush()
        self.created["events"] += 1
        invited_at = event.starts_at - timedelta(days=10)
        self._invite_active_units(event, invited_at)
        self._record_answers(event, spec.get("answers", []))
        held = self.story["ceremony_2012"]
        self._record_check_in(event, held["check_in"], _instant(held["checked_in_at"], self.zone))
        self._write_press_text(event, held["press_text"], _instant(held["press_text_written_at"], self.zone))
        return event

    def _upcoming_year(self, spec: dict[str, Any]) -> int:
        """The year of the next ceremony on the reference ceremony's day: this year's if still ahead."""
        day = datetime.fromisoformat(spec["starts"])
        year = self.today.year
        if (self.today.month, self.today.day) >= (day.month, day.day):
            year += 1
        return year

    def _load_meeting(self, spec: dict[str, Any], year: int) -> Event:
        """A meeting with the units held a few days ago, outside any series; nobody entered its check-in
        figures or its press text yet."""
        uid = meeting_uid(year)
        event = _first(Event, Event.uid == uid)
        if event is not None:
            return event
        event = self._new_event(spec, None, uid)
        day = self.today - timedelta(days=spec["days_ago"])
        event.starts_at = datetime.combine(day, time.fromisoformat(spec["starts"]), self.zone).astimezone(UTC)
        event.ends_at = datetime.combine(day, time.fromisoformat(spec["ends"]), self.zone).astimezone(UTC)
        event.status = EventStatus.HELD
        db.session.add(event)
        db.session.flush()
        self.created["events"] += 1
        invited_at = event.starts_at - timedelta(days=spec["invited_days_before"])
        self._invite_active_units(event, invited_at)
        self._record_answers(event, spec["answers"], first_at=invited_at + timedelta(hours=3))
        return event

    def _load_upcoming_ceremony(self, spec: dict[str, Any], year: int) -> Event:
        """The next 25 February's ceremony, in the series of the anniversary that year marks, to answer to."""
        uid = upcoming_anniversary_uid(year)
        event = _first(Event, Event.uid == uid)
        if event is not None:
            return event
        story = self.story["upcoming"]
        commemorated_on = self.scenario["series"]["commemorated_on"]
        number = year - date.fromisoformat(commemorated_on).year
        series = self._load_series(anniversary_series_title(story["series_title"], number), commemorated_on)
        event = self._new_event(spec, series, uid)
        # Same wall-clock times in the event's zone as the reference ceremony, whatever the offset that year.
        starts, ends = (datetime.fromisoformat(spec[key]).replace(year=year) for key in ("starts", "ends"))
        event.starts_at = starts.replace(tzinfo=self.zone).astimezone(UTC)
        event.ends_at = ends.replace(tzinfo=self.zone).astimezone(UTC)
        # Answers close a few days from now, and before the ceremony when it is nearer than that.
        deadline_day = self.today + timedelta(days=story["deadline_in_days"])
        deadline = datetime.combine(deadline_day, time.fromisoformat(story["deadline_at"]), self.zone).astimezone(UTC)
        event.answer_deadline = min(deadline, event.starts_at - timedelta(hours=2))
        event.status = EventStatus.SCHEDULED
        db.session.add(event)
        db.session.flush()
        self.created["events"] += 1
        invited_at = self.now - timedelta(days=story["invited_days_ago"])
        self._invite_active_units(event, invited_at)
        self._record_answers(event, story["answers"], first_at=invited_at + timedelta(hours=3))
        return event

    # --- invitations, answers, check-in and press text ----------------------------------------------------

    def _invite_active_units(self, event: Event, invited_at: datetime) -> None:
        units = db.session.execute(db.select(Unit).where(Unit.active.is_(True)).order_by(Unit.code)).scalars()
        for unit in units:
            db.session.add(Invitation(event=event, unit=unit, invited_at=invited_at))
            self.created["invitations"] += 1
        db.session.flush()

    def _record_answers(self, event: Event, answers: list[dict[str, Any]], first_at: datetime | None = None) -> None:
        """Give the sample answers as each unit's representative would have, with their history.

        Answers arrive an hour apart from ``first_at`` in the order listed; without it, at the reference's
        times (:data:`_ANSWERED`), where a changed answer comes days after the first.
        """
        invitations = {invitation.unit.code: invitation for invitation in event.invitations}
        for order, spec in enumerate(answers):
            invitation = invitations.get(spec["unit"])
            if invitation is None:  # the unit was inactive when invited
                continue
            user = self._representative(invitation.unit)
            start = first_at if first_at is not None else _instant(_ANSWERED["first"], self.zone)
            self._answer(invitation, user, spec["status"], spec.get("headcount"), start + timedelta(hours=order))
            if "then" in spec:
                then_at = _instant(_ANSWERED["then"], self.zone) + timedelta(hours=order)
                self._answer(invitation, user, spec["status"], spec["then"], then_at)

    def _record_check_in(self, event: Event, came: Mapping[str, int], at: datetime) -> None:
        """How many came per unit, recorded by the organiser as the check-in page does."""
        invitations = {invitation.unit.code: invitation for invitation in event.invitations}
        counts: dict[int, int | None] = {
            invitations[code].id: people for code, people in came.items() if code in invitations
        }
        self.created["check-in figures"] += record_check_in(event, counts, by_user=find_user_by_email(ORGANISER_EMAIL))
        # Recorded on the day, not when the demo was loaded (the event is new: these are its only check-ins).
        for entry in db.session.execute(db.select(AuditEntry).where(AuditEntry.event_id == event.id,
                                                                    AuditEntry.action == "check_in")).scalars():
            entry.at = at
        db.session.flush()

    def _write_press_text(self, event: Event, texts: Mapping[str, str], at: datetime) -> None:
        """The press text in each language, as press staff wrote it after the event."""
        author = find_user_by_email("press@example.org")
        for language, body in texts.items():
            db.session.add(Report(event_id=event.id, language=language, body=body, updated_by=author, updated_at=at))
            self.created["press texts"] += 1
        db.session.flush()

    def _answer(
        self, invitation: Invitation, user: User | None, status: str, headcount: int | None, at: datetime
    ) -> None:
        # The same fields the attendance area records for an answer.
        old = {
            "status": str(invitation.status or InvitationStatus.PENDING),
            "headcount": invitation.headcount,
            "delegates": invitation.delegates or "",
            "note": invitation.note or "",
        }
        new = {"status": status, "headcount": headcount, "delegates": "", "note": ""}
        invitation.status = status
        invitation.headcount = headcount
        invitation.answered_by = user
        invitation.answered_at = at
        invitation.answered_via = AnswerChannel.PAGE
        db.session.add(
            AuditEntry(
                at=at,
                user=user,
                invitation=invitation,
                event_id=invitation.event_id,
                action="answer",
                via=AnswerChannel.PAGE,
                old=old,
                new=new,
            )
        )
        db.session.flush()
        self.created["answers"] += 1


def load_demo_data(path: Path = REFERENCE, today: date | None = None) -> Counter[str]:
    """Load the scenario of ``path`` (idempotent); returns what was created. The caller commits."""
    return ScenarioLoader(read_scenario(path), today=today).load()


def demo_accounts() -> list[User]:
    """The demo accounts that exist, staff first, then representatives by unit code."""
    scenario = read_scenario()
    emails = [email for email, _role in STAFF_ACCOUNTS]
    emails += [representative_email(spec["code"]) for spec in scenario["units"]]
    found = [find_user_by_email(email) for email in emails]
    return [user for user in found if user is not None]


def _echo_accounts() -> None:
    accounts = demo_accounts()
    if not accounts:
        click.echo("No demo accounts yet; load them with `flask --app tracker demo`.")
        return
    click.echo(f"Demo accounts (password for every one: {DEMO_PASSWORD}):")
    for user in accounts:
        unit = f"  {user.unit.code} — {user.unit.name}" if user.unit else ""
        disabled = "  (disabled)" if not user.active else ""
        click.echo(f"  {user.email:<26} {user.role:<15}{unit}{disabled}".rstrip())


@click.group("demo", cls=AppGroup, invoke_without_command=True)
@click.option("--if-empty", is_flag=True, help="Load only when the database has no accounts yet.")
@click.pass_context
@with_appcontext
def demo_cli(ctx: click.Context, if_empty: bool) -> None:
    """Load the reference scenario as demo data (idempotent); `demo accounts` lists the accounts."""
    if ctx.invoked_subcommand is not None:
        return
    if if_empty and db.session.execute(db.select(User.id).limit(1)).first() is not None:
        click.echo("The database already has accounts; demo data not loaded.")
        return
    created = load_demo_data()
    db.session.commit()
    if created:
        summary = ", ".join(f"{count} {kind}" for kind, count in created.items())
        click.echo(f"Demo data loaded: {summary}.")
    else:
        click.echo("Demo data already present; nothing changed.")
    _echo_accounts()


@demo_cli.command("accounts")
def accounts_command() -> None:
    """Print the demo accounts and their password."""
    _echo_accounts()
