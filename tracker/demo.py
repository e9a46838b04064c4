"""``flask --app tracker demo``: load the reference scenario of DESIGN §1 as demo data.

Commands::

    flask --app tracker demo              # load (idempotent: what exists is left as it is)
    flask --app tracker demo --if-empty   # load only into a database without accounts (``make run``)
    flask --app tracker demo accounts     # print the demo accounts and their password

Every demo account — ``admin@example.org``, ``organiser@example.org``, ``press@example.org`` and one
representative per unit (``cit@example.org``, ``ganja@example.org`` …; the Press Service unit's is
``press-unit@example.org`` because ``press@example.org`` is the press officer) — has the password
:data:`DEMO_PASSWORD` (``demo-password``). Demo data is for trying the app out; never load it in production.

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
from .models import (
    AgendaItem,
    AnswerChannel,
    AuditEntry,
    Event,
    EventStatus,
    Invitation,
    InvitationStatus,
    Person,
    Role,
    Series,
    Unit,
    User,
    Venue,
)
from .settings import settings

#: The scenario file (a copy of ``shared/scenarios/reference.json``).
REFERENCE = Path(__file__).parent / "demo_data" / "reference.json"
#: Password of every demo account. Printed by ``flask demo accounts`` and documented in the README.
DEMO_PASSWORD = "demo-password"  # noqa: S105 — published on purpose: demo data only
#: Staff accounts, one per role that is not bound to a unit: (email, role, name).
STAFF_ACCOUNTS = (
    ("admin@example.org", Role.ADMIN, "Demo Administrator"),
    ("organiser@example.org", Role.ORGANISER, "Demo Organiser"),
    ("press@example.org", Role.PRESS, "Demo Press Officer"),
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
    if email in {staff_email for staff_email, _role, _name in STAFF_ACCOUNTS}:
        return f"{unit_code.lower()}-unit@example.org"
    return email


def contact_email(unit_code: str) -> str:
    """The demo contact address invitations go to: ``cit@units.example.org`` for ``CIT``."""
    return f"{unit_code.lower()}@units.example.org"


def upcoming_anniversary_uid(year: int) -> str:
    """UID of the demo's upcoming anniversary ceremony of ``year``."""
    return f"khojaly-{year}-ceremony@tracker"


def read_scenario(path: Path = REFERENCE) -> dict[str, Any]:
    """The scenario as data."""
    return json.loads(path.read_text(encoding="utf-8"))


def _content(texts: Mapping[str, str]) -> str:
    """The content-language text of a ``{"en": …, "az": …, "ru": …}`` mapping."""
    return texts[settings().content_language]


def _translations(**fields: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """``{field: {language: text}}`` for every language but the content language."""
    content = settings().content_language
    return {name: {lang: text for lang, text in texts.items() if lang != content} for name, texts in fields.items()}


def _set_translations(obj: Any, **fields: Mapping[str, str]) -> None:
    for name, per_language in _translations(**fields).items():
        for language, text in per_language.items():
            obj.set_translation(name, language, text)


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
    """Loads the scenario into the session, creating only what is missing; the caller commits."""

    def __init__(self, scenario: dict[str, Any], today: date | None = None) -> None:
        self.scenario = scenario
        self.zone = ZoneInfo(scenario["organisation"]["timezone"])
        self.today = today or datetime.now(self.zone).date()
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
        series = self._load_series()
        events = {spec["key"]: spec for spec in self.scenario["events"]}
        self._load_exhibition(events["exhibition"], series)
        ceremony = self._load_ceremony(events["ceremony"], series)
        self._load_upcoming_ceremony(events["ceremony"], series, ceremony)
        db.session.flush()
        return self.created

    # --- directory -------------------------------------------------------------------------------------

    def _load_units(self) -> None:
        # Parents first, so that every parent exists when its regional offices are created.
        for spec in sorted(self.scenario["units"], key=lambda s: "parent" in s):
            unit = find_unit_by_code(spec["code"])
            if unit is None:
                unit = create_unit(
                    UnitDetails(
                        code=spec["code"],
                        name=_content(spec["name"]),
                        parent_id=self.units[spec["parent"]].id if "parent" in spec else None,
                        contact_emails=[contact_email(spec["code"])],
                        translations=_translations(name=spec["name"]),
                    )
                )
                self.created["units"] += 1
            self.units[spec["code"]] = unit

    def _load_venues(self) -> None:
        for spec in self.scenario["venues"]:
            name = _content(spec["name"])
            venue = _first(Venue, Venue.name == name)
            if venue is None:
                venue = create_venue(
                    VenueDetails(
                        name=name,
                        address=spec.get("address", ""),
                        capacity=spec.get("capacity"),
                        translations=_translations(name=spec["name"]),
                    )
                )
                self.created["venues"] += 1
            self.venues[spec["key"]] = venue

    def _load_people(self) -> None:
        for spec in self.scenario["people"]:
            full_name = _content(spec["full_name"])
            person = _first(Person, Person.full_name == full_name)
            if person is None:
                person = create_person(
                    PersonDetails(
                        full_name=full_name,
                        rank=_content(spec["rank"]),
                        position=_content(spec["position"]),
                        translations=_translations(
                            full_name=spec["full_name"], rank=spec["rank"], position=spec["position"]
                        ),
                    )
                )
                self.created["people"] += 1
            self.people[spec["key"]] = person

    # --- accounts --------------------------------------------------------------------------------------

    def _load_accounts(self) -> None:
        wanted: list[tuple[str, str, str, Unit | None]] = [(e, r, n, None) for e, r, n in STAFF_ACCOUNTS]
        for spec in self.scenario["units"]:
            unit = self.units[spec["code"]]
            wanted.append(
                (representative_email(spec["code"]), Role.REPRESENTATIVE, f"{unit.name} representative", unit)
            )
        for email, role, name, bound_unit in wanted:
            if find_user_by_email(email) is None:
                create_user(NewAccount(email, name, DEMO_PASSWORD, role, unit_id=bound_unit.id if bound_unit else None))
                self.created["accounts"] += 1

    def _representative(self, unit: Unit) -> User | None:
        return find_user_by_email(representative_email(unit.code))

    # --- series and events -----------------------------------------------------------------------------

    def _load_series(self) -> Series:
        spec = self.scenario["series"]
        title = _content(spec["title"])
        series = _first(Series, Series.title == title)
        if series is None:
            series = Series(title=title, description="", commemorated_on=date.fromisoformat(spec["commemorated_on"]))
            _set_translations(series, title=spec["title"])
            db.session.add(series)
            db.session.flush()
            self.created["series"] += 1
        return series

    def _new_event(self, spec: dict[str, Any], series: Series, uid: str) -> Event:
        event = Event(
            uid=uid,
            series=series,
            kind=spec["kind"],
            title=_content(spec["title"]),
            description=_content(spec["description"]) if "description" in spec else "",
            venue=self.venues[spec["venue"]],
            presiding=self.people[spec["presiding"]] if "presiding" in spec else None,
            timezone=self.zone.key,
            languages=list(spec.get("languages", [])),
            created_by=find_user_by_email(ORGANISER_EMAIL),
        )
        _set_translations(event, title=spec["title"])
        if "description" in spec:
            _set_translations(event, description=spec["description"])
        for position, item in enumerate(spec.get("agenda", []), start=1):
            agenda_item = AgendaItem(
                position=position,
                kind=item["kind"],
                title=_content(item["title"]),
                speaker=self.people[item["speaker"]] if "speaker" in item else None,
                duration_minutes=item.get("duration_minutes"),
                notes="",
            )
            _set_translations(agenda_item, title=item["title"])
            event.agenda.append(agenda_item)
        return event

    def _load_exhibition(self, spec: dict[str, Any], series: Series) -> Event:
        uid = EVENT_UIDS["exhibition"]
        event = _first(Event, Event.uid == uid)
        if event is not None:
            return event
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
        return event

    def _load_upcoming_ceremony(self, spec: dict[str, Any], series: Series, ceremony: Event) -> Event:
        """Next year's (or this year's, if still ahead) ceremony on the same day, to answer to."""
        local = ceremony.local_start
        ends_local = ceremony.local_end
        year = self.today.year
        if (self.today.month, self.today.day) >= (local.month, local.day):
            year += 1
        uid = upcoming_anniversary_uid(year)
        event = _first(Event, Event.uid == uid)
        if event is not None:
            return event
        event = self._new_event(spec, series, uid)
        # Same wall-clock time in the event's zone, whatever the offset that year.
        event.starts_at = datetime.combine(date(year, local.month, local.day), local.time(), self.zone).astimezone(UTC)
        event.ends_at = datetime.combine(
            date(year, ends_local.month, ends_local.day), ends_local.time(), self.zone
        ).astimezone(UTC)
        event.status = EventStatus.SCHEDULED
        db.session.add(event)
        db.session.flush()
        self.created["events"] += 1
        self._invite_active_units(event, datetime.now(UTC))
        return event

    # --- invitations and answers -----------------------------------------------------------------------

    def _invite_active_units(self, event: Event, invited_at: datetime) -> None:
        units = db.session.execute(db.select(Unit).where(Unit.active.is_(True)).order_by(Unit.code)).scalars()
        for unit in units:
            db.session.add(Invitation(event=event, unit=unit, invited_at=invited_at))
            self.created["invitations"] += 1
        db.session.flush()

    def _record_answers(self, event: Event, answers: list[dict[str, Any]]) -> None:
        """Give the sample answers as each unit's representative would have, with their history."""
        invitations = {invitation.unit.code: invitation for invitation in event.invitations}
        for order, spec in enumerate(answers):
            invitation = invitations.get(spec["unit"])
            if invitation is None:  # the unit was inactive when invited
                continue
            user = self._representative(invitation.unit)
            # Answers arrive a few hours apart, in the order the scenario lists them.
            first_at = _instant(_ANSWERED["first"], self.zone) + timedelta(hours=order)
            self._answer(invitation, user, spec["status"], spec.get("headcount"), first_at)
            if "then" in spec:
                then_at = _instant(_ANSWERED["then"], self.zone) + timedelta(hours=order)
                self._answer(invitation, user, spec["status"], spec["then"], then_at)

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
    emails = [email for email, _role, _name in STAFF_ACCOUNTS]
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
