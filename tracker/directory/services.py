"""Directory rules: units (with their parent tree and contact addresses), people and venues.

Functions take domain objects and plain values, check the rules, change the session and flush; the caller
commits. A broken rule raises :class:`DirectoryError` before anything is changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from ..bounds import VENUE_CAPACITY, check_number
from ..errors import RuleError
from ..extensions import db
from ..i18n import N_
from ..models import AgendaItem, Event, Invitation, Person, Unit, User, Venue
from ..models.constraints import violated
from ..models.types import TranslatableMixin
from ..models.units import UNIQUE_CODE

#: ``{"name": {"az": "…", "ru": "…"}}`` — translations of the plain (content-language) fields.
Translations = Mapping[str, Mapping[str, str]]


class DirectoryError(RuleError):
    """A unit, person or venue cannot be saved or removed as asked; the message says why."""


# --- shared helpers ------------------------------------------------------------------------------------


def apply_translations(obj: TranslatableMixin, translations: Translations) -> None:
    """Set (or, given an empty text, remove) each listed translation of ``obj``."""
    for field_name, per_language in translations.items():
        for language, value in per_language.items():
            obj.set_translation(field_name, language, value)


def normalise_emails(addresses: Iterable[str]) -> list[str]:
    """Validate addresses (syntax only: no DNS lookups) and return them normalised, without duplicates.

    Raises :class:`DirectoryError` on the first address that is not an email address.
    """
    result: list[str] = []
    for raw in addresses:
        address = raw.strip()
        if not address:
            continue
        try:
            normalised = validate_email(address, check_deliverability=False).normalized
        except EmailNotValidError as error:
            raise DirectoryError(
                N_("%(address)s is not an email address."), "contact_emails", address=address
            ) from error
        if normalised.lower() not in {a.lower() for a in result}:
            result.append(normalised)
    return result


# --- units ---------------------------------------------------------------------------------------------


@dataclass
class UnitFields:
    """What an organiser can set on a unit."""

    code: str
    name: str
    parent: Unit | None = None
    contact_emails: list[str] = field(default_factory=list)
    active: bool = True
    translations: Translations = field(default_factory=dict)


def find_unit_by_code(code: str) -> Unit | None:
    """The unit with ``code``, compared without regard to case (as the unique index ``UNIQUE_CODE`` does)."""
    return db.session.execute(
        db.select(Unit).where(func.lower(Unit.code) == func.lower(code.strip()))
    ).scalar_one_or_none()


def _check_unit(unit: Unit | None, fields: UnitFields) -> None:
    code = fields.code.strip()
    if not code:
        raise DirectoryError(N_("A unit needs a code."), "code")
    if not fields.name.strip():
        raise DirectoryError(N_("A unit needs a name."), "name")
    existing = find_unit_by_code(code)
    if existing is not None and existing is not unit:
        raise DirectoryError(N_("Another unit already has the code %(code)s."), "code", code=existing.code)
    if unit is not None and fields.parent is not None:
        # Walk up from the new parent: meeting the unit itself means the tree would become a loop.
        ancestor: Unit | None = fields.parent
        seen: set[int] = set()
        while ancestor is not None and id(ancestor) not in seen:
            if ancestor is unit:
                raise DirectoryError(
                    N_("A unit cannot be placed under itself or under one of its own sub-units."), "parent_id"
                )
            seen.add(id(ancestor))
            ancestor = ancestor.parent


def _apply_unit(unit: Unit, fields: UnitFields) -> None:
    unit.code = fields.code.strip().upper()
    unit.name = fields.name.strip()
    unit.parent = fields.parent
    unit.contact_emails = normalise_emails(fields.contact_emails)
    unit.active = fields.active
    apply_translations(unit, fields.translations)


def _flush_unit(unit: Unit) -> None:
    """Flush; a code another request stored since :func:`_check_unit` gets its message, not a server error."""
    try:
        db.session.flush()
    except IntegrityError as error:
        if not violated(error, UNIQUE_CODE):
            raise
        raise DirectoryError(N_("Another unit already has the code %(code)s."), "code", code=unit.code) from error


def create_unit(fields: UnitFields) -> Unit:
    """Add a unit; codes are unique (stored upper-case) and contact emails must be addresses."""
    _check_unit(None, fields)
    normalise_emails(fields.contact_emails)  # refuse before adding anything to the session
    unit = Unit()
    _apply_unit(unit, fields)
    db.session.add(unit)
    _flush_unit(unit)
    return unit


def update_unit(unit: Unit, fields: UnitFields) -> Unit:
    """Change a unit; its parent may not be the unit itself or one of its descendants."""
    _check_unit(unit, fields)
    normalise_emails(fields.contact_emails)
    _apply_unit(unit, fields)
    _flush_unit(unit)
    return unit


def unit_is_referenced(unit: Unit) -> bool:
    """Whether deleting ``unit`` would lose history or break something: invitations, accounts, people,
    sub-units."""
    checks = (
        db.select(Invitation.id).where(Invitation.unit_id == unit.id),
        db.select(User.id).where(User.unit_id == unit.id),
        db.select(Person.id).where(Person.unit_id == unit.id),
        db.select(Unit.id).where(Unit.parent_id == unit.id),
    )
    return any(db.session.execute(check.limit(1)).first() is not None for check in checks)


def remove_unit(unit: Unit) -> bool:
    """Delete ``unit`` when nothing refers to it; otherwise deactivate it so its history stays.

    Returns ``True`` when the unit was deleted, ``False`` when it was deactivated instead.
    """
    if unit_is_referenced(unit):
        unit.active = False
        db.session.flush()
        return False
    db.session.delete(unit)
    db.session.flush()
    return True


# --- people --------------------------------------------------------------------------------------------


@dataclass
class PersonFields:
    """What an organiser can set on a person."""

    full_name: str
    rank: str = ""
    position: str = ""
    unit: Unit | None = None
    translations: Translations = field(default_factory=dict)


def _apply_person(person: Person, fields: PersonFields) -> None:
    if not fields.full_name.strip():
        raise DirectoryError(N_("A person needs a full name."), "full_name")
    person.full_name = fields.full_name.strip()
    person.rank = fields.rank.strip()
    person.position = fields.position.strip()
    person.unit = fields.unit
    apply_translations(person, fields.translations)


def create_person(fields: PersonFields) -> Person:
    """Add a speaker or official."""
    person = Person()
    _apply_person(person, fields)
    db.session.add(person)
    db.session.flush()
    return person


def update_person(person: Person, fields: PersonFields) -> Person:
    """Change a person; every agenda they speak in shows the new rank and position."""
    _apply_person(person, fields)
    db.session.flush()
    return person


def delete_person(person: Person) -> None:
    """Delete a person nobody's programme mentions.

    A speaker in an agenda or a presiding official stays: removing them would silently rewrite the record
    of events that reports are built from.
    """
    spoken = db.session.execute(
        db.select(Event.title)
        .join(AgendaItem, AgendaItem.event_id == Event.id)
        .where(AgendaItem.speaker_id == person.id)
        .order_by(Event.starts_at)
        .limit(1)
    ).scalar_one_or_none()
    if spoken is not None:
        raise DirectoryError(
            N_("%(name)s speaks in the agenda of “%(event)s”; remove them from that agenda first."),
            name=person.full_name,
            event=spoken,
        )
    presided = db.session.execute(
        db.select(Event.title).where(Event.presiding_id == person.id).order_by(Event.starts_at).limit(1)
    ).scalar_one_or_none()
    if presided is not None:
        raise DirectoryError(
            N_("%(name)s presides over “%(event)s”; choose someone else there first."),
            name=person.full_name,
            event=presided,
        )
    db.session.delete(person)
    db.session.flush()


# --- venues --------------------------------------------------------------------------------------------


@dataclass
class VenueFields:
    """What an organiser can set on a venue."""

    name: str
    address: str = ""
    capacity: int | None = None
    translations: Translations = field(default_factory=dict)


def _apply_venue(venue: Venue, fields: VenueFields) -> None:
    if not fields.name.strip():
        raise DirectoryError(N_("A venue needs a name."), "name")
    check_number(fields.capacity, VENUE_CAPACITY, "capacity", DirectoryError)
    venue.name = fields.name.strip()
    venue.address = fields.address.strip()
    venue.capacity = fields.capacity
    apply_translations(venue, fields.translations)


def create_venue(fields: VenueFields) -> Venue:
    """Add a venue."""
    venue = Venue()
    _apply_venue(venue, fields)
    db.session.add(venue)
    db.session.flush()
    return venue


def update_venue(venue: Venue, fields: VenueFields) -> Venue:
    """Change a venue."""
    _apply_venue(venue, fields)
    db.session.flush()
    return venue


def delete_venue(venue: Venue) -> None:
    """Delete a venue no event takes place in; events keep their place in the record."""
    used = db.session.execute(
        db.select(Event.title).where(Event.venue_id == venue.id).order_by(Event.starts_at).limit(1)
    ).scalar_one_or_none()
    if used is not None:
        raise DirectoryError(
            N_("“%(event)s” takes place in %(venue)s; the venue cannot be deleted."), event=used, venue=venue.name
        )
    db.session.delete(venue)
    db.session.flush()
