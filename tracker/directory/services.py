"""Directory rules: units (with their parent tree and contact addresses), people and venues.

Functions take domain objects and the ``*Details`` a form's ``details()`` returns (or a command builds),
check every rule, change the session and flush; the caller commits. A broken rule raises
:class:`DirectoryError` before anything is changed, so a page, a command and the demo loader get the same answer.
The list queries of the directory pages are here too (``units_page`` …).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from email_validator import EmailNotValidError, validate_email
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, String, func, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ..bounds import VENUE_CAPACITY, check_number
from ..errors import RuleError
from ..extensions import db
from ..i18n import N_, current_language, primary_language, site_languages
from ..models import AgendaItem, Event, Invitation, Person, Unit, User, Venue
from ..models.constraints import violated
from ..models.units import UNIQUE_CODE
from ..text import clean_text

#: ``{"name": {"az": "…", "ru": "…"}}`` — translations of the plain (content-language) fields.
Translations = Mapping[str, Mapping[str, str]]


class DirectoryError(RuleError):
    """A unit, person or venue cannot be saved or removed as asked; the message says why."""


# --- shared helpers ------------------------------------------------------------------------------------


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


def chosen_unit(unit_id: int | None, field_name: str, error: type[RuleError] = DirectoryError) -> Unit | None:
    """The unit with ``unit_id`` (``None`` for none); refuses an id no unit has, beside ``field_name``.

    ``error`` is the caller's own :class:`RuleError` when its callers expect one (``AccountError``).
    """
    if unit_id is None:
        return None
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise error(N_("The chosen unit does not exist."), field_name)
    return unit


def _matching(select: Select[Any], query: str, *columns: Any) -> Select[Any]:
    """Narrow ``select`` to rows whose ``columns`` contain ``query`` (case-insensitive); all rows without one."""
    query = query.strip()
    if not query:
        return select
    pattern = f"%{query}%"
    return select.where(or_(*(column.ilike(pattern) for column in columns)))


def _page(select: Select[Any], page: int, per_page: int) -> Pagination:
    """One page of ``select``: two queries (rows and count), whatever the page size."""
    return db.paginate(select, page=page, per_page=per_page, error_out=False)


# --- units ---------------------------------------------------------------------------------------------


#: What a unit code may contain (it goes into commands, imports and file names).
UNIT_CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]+")


@dataclass
class UnitDetails:
    """What an organiser can set on a unit."""

    code: str
    name: str
    parent_id: int | None = None
    contact_emails: list[str] = field(default_factory=list)
    active: bool = True
    translations: Translations = field(default_factory=dict)
    #: Language of everything sent to the unit (a site language); ``None``: the primary language for a new unit,
    #: the stored one for an existing unit.
    language: str | None = None


#: The longest unit code (``Unit.code``).
UNIT_CODE_LENGTH: int = cast(String, Unit.__table__.c.code.type).length or 0


def _possible_code(code: str) -> str | None:
    """``code`` lower-cased and without surrounding spaces if some unit could have it, else ``None``: text that
    cannot be a unit code (a NUL byte, which PostgreSQL refuses, or anything else) never reaches the database."""
    code = code.strip()
    if len(code) > UNIT_CODE_LENGTH or not UNIT_CODE_PATTERN.fullmatch(code):
        return None
    return code.lower()


def find_unit_by_code(code: str) -> Unit | None:
    """The unit with ``code``, compared without regard to case (as the unique index ``UNIQUE_CODE`` does);
    ``None`` for a code no unit has or can have."""
    possible = _possible_code(code)
    if possible is None:
        return None
    return db.session.execute(db.select(Unit).where(func.lower(Unit.code) == possible)).scalar_one_or_none()


def find_units_by_codes(codes: Iterable[str]) -> dict[str, Unit]:
    """The units with ``codes`` (any case, one query), by their lower-cased code; codes no unit has or can have
    (see :func:`find_unit_by_code`) are simply not in the answer."""
    wanted = {possible for possible in map(_possible_code, codes) if possible is not None}
    if not wanted:
        return {}
    units = db.session.execute(db.select(Unit).where(func.lower(Unit.code).in_(wanted))).scalars()
    return {unit.code.lower(): unit for unit in units}


def all_units() -> list[Unit]:
    """Every unit by name, active or not (for the unit selects of forms)."""
    return list(db.session.execute(db.select(Unit).order_by(Unit.name)).scalars())


def units_query() -> Select[Any]:
    """Every unit with its parent (for the API's lists, which add their own order and page)."""
    return db.select(Unit).options(joinedload(Unit.parent))


def units_page(query: str, page: int, per_page: int) -> Pagination:
    """Units whose code or name contains ``query``, by name, with their parent and sub-units, one page."""
    select = (
        db.select(Unit)
        .options(joinedload(Unit.parent), selectinload(Unit.children))
        .order_by(Unit.name, Unit.id)
    )
    return _page(_matching(select, query, Unit.code, Unit.name), page, per_page)


def check_unit_code(code: str) -> None:
    """A unit code is given and uses letters, digits, "-" and "_" only (surrounding spaces are ignored)."""
    code = code.strip()
    if not code:
        raise DirectoryError(N_("A unit needs a code."), "code")
    if not UNIT_CODE_PATTERN.fullmatch(code):
        raise DirectoryError(N_("Use letters, digits, “-” and “_” only."), "code")


def check_unit_language(code: str | None) -> None:
    """A unit's language is one of the site's languages (``None``: left as it is, or the primary language)."""
    if code is not None and code not in site_languages():
        raise DirectoryError(N_("Choose one of the site's languages."), "language")


def _checked_parent(unit: Unit | None, details: UnitDetails) -> Unit | None:
    """Every rule of a unit; returns its parent. Codes are unique whatever their case; no loops in the tree."""
    check_unit_code(details.code)
    if not clean_text(details.name).strip():
        raise DirectoryError(N_("A unit needs a name."), "name")
    existing = find_unit_by_code(details.code)
    if existing is not None and existing is not unit:
        raise DirectoryError(N_("Another unit already has the code %(code)s."), "code", code=existing.code)
    parent = chosen_unit(details.parent_id, "parent_id")
    if unit is not None and parent is not None:
        # Walk up from the new parent: meeting the unit itself means the tree would become a loop.
        ancestor: Unit | None = parent
        seen: set[int] = set()
        while ancestor is not None and id(ancestor) not in seen:
            if ancestor is unit:
                raise DirectoryError(
                    N_("A unit cannot be placed under itself or under one of its own sub-units."), "parent_id"
                )
            seen.add(id(ancestor))
            ancestor = ancestor.parent
    normalise_emails(details.contact_emails)
    check_unit_language(details.language)
    return parent


def _apply_unit(unit: Unit, details: UnitDetails, parent: Unit | None) -> None:
    unit.code = details.code.strip().upper()
    unit.parent = parent
    unit.contact_emails = normalise_emails(details.contact_emails)
    unit.active = details.active
    if details.language is not None:
        unit.language = details.language
    elif unit.language is None:
        unit.language = primary_language()
    unit.set_entered_texts({"name": details.name}, details.translations)


def _flush_unit(unit: Unit) -> None:
    """Flush; a code another request stored since :func:`_checked_parent` gets its message, not a server error."""
    try:
        db.session.flush()
    except IntegrityError as error:
        if not violated(error, UNIQUE_CODE):
            raise
        raise DirectoryError(N_("Another unit already has the code %(code)s."), "code", code=unit.code) from error


def create_unit(details: UnitDetails) -> Unit:
    """Add a unit; codes are unique (stored upper-case) and contact emails must be addresses."""
    parent = _checked_parent(None, details)  # refuse before adding anything to the session
    unit = Unit()
    _apply_unit(unit, details, parent)
    db.session.add(unit)
    _flush_unit(unit)
    return unit


def update_unit(unit: Unit, details: UnitDetails) -> Unit:
    """Change a unit; its parent may not be the unit itself or one of its descendants."""
    parent = _checked_parent(unit, details)
    _apply_unit(unit, details, parent)
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
class PersonDetails:
    """What an organiser can set on a person."""

    full_name: str
    rank: str = ""
    position: str = ""
    unit_id: int | None = None
    translations: Translations = field(default_factory=dict)


def people_query() -> Select[Any]:
    """Every person with their unit (for the API's lists, which add their own order and page)."""
    return db.select(Person).options(joinedload(Person.unit))


def people_page(query: str, page: int, per_page: int) -> Pagination:
    """People whose name, rank or position contains ``query``, by name, with their unit, one page."""
    select = people_query().order_by(Person.full_name, Person.id)
    return _page(_matching(select, query, Person.full_name, Person.rank, Person.position), page, per_page)


def _apply_person(person: Person, details: PersonDetails) -> None:
    if not clean_text(details.full_name).strip():
        raise DirectoryError(N_("A person needs a full name."), "full_name")
    unit = chosen_unit(details.unit_id, "unit_id")
    person.set_entered_texts(
        {"full_name": details.full_name, "rank": details.rank, "position": details.position}, details.translations
    )
    person.unit = unit


def create_person(details: PersonDetails) -> Person:
    """Add a speaker or official."""
    person = Person()
    _apply_person(person, details)
    db.session.add(person)
    db.session.flush()
    return person


def update_person(person: Person, details: PersonDetails) -> Person:
    """Change a person; every agenda they speak in shows the new rank and position."""
    _apply_person(person, details)
    db.session.flush()
    return person


def delete_person(person: Person) -> None:
    """Delete a person nobody's programme mentions.

    A speaker in an agenda or a presiding official stays: removing them would silently rewrite the record
    of events that reports are built from.
    """
    spoken = db.session.execute(
        db.select(Event)
        .join(AgendaItem, AgendaItem.event_id == Event.id)
        .where(AgendaItem.speaker_id == person.id)
        .order_by(Event.starts_at)
        .limit(1)
    ).scalar_one_or_none()
    if spoken is not None:
        raise DirectoryError(
            N_("%(name)s speaks in the agenda of “%(event)s”; remove them from that agenda first."),
            name=person.text("full_name", current_language()),
            event=spoken.text("title", current_language()),
        )
    presided = db.session.execute(
        db.select(Event).where(Event.presiding_id == person.id).order_by(Event.starts_at).limit(1)
    ).scalar_one_or_none()
    if presided is not None:
        raise DirectoryError(
            N_("%(name)s presides over “%(event)s”; choose someone else there first."),
            name=person.text("full_name", current_language()),
            event=presided.text("title", current_language()),
        )
    db.session.delete(person)
    db.session.flush()


# --- venues --------------------------------------------------------------------------------------------


@dataclass
class VenueDetails:
    """What an organiser can set on a venue."""

    name: str
    address: str = ""
    capacity: int | None = None
    translations: Translations = field(default_factory=dict)


#: The longest address a venue form or the API takes (the column is unbounded text).
VENUE_ADDRESS_LENGTH = 2000


def venues_query() -> Select[Any]:
    """Every venue (for the API's lists, which add their own order and page)."""
    return db.select(Venue)


def venues_page(query: str, page: int, per_page: int) -> Pagination:
    """Venues whose name or address contains ``query``, by name, one page."""
    select = venues_query().order_by(Venue.name, Venue.id)
    return _page(_matching(select, query, Venue.name, Venue.address), page, per_page)


def _apply_venue(venue: Venue, details: VenueDetails) -> None:
    if not clean_text(details.name).strip():
        raise DirectoryError(N_("A venue needs a name."), "name")
    check_number(details.capacity, VENUE_CAPACITY, "capacity", DirectoryError)
    venue.set_entered_texts({"name": details.name, "address": details.address}, details.translations)
    venue.capacity = details.capacity


def create_venue(details: VenueDetails) -> Venue:
    """Add a venue."""
    venue = Venue()
    _apply_venue(venue, details)
    db.session.add(venue)
    db.session.flush()
    return venue


def update_venue(venue: Venue, details: VenueDetails) -> Venue:
    """Change a venue."""
    _apply_venue(venue, details)
    db.session.flush()
    return venue


def delete_venue(venue: Venue) -> None:
    """Delete a venue no event takes place in; events keep their place in the record."""
    used = db.session.execute(
        db.select(Event).where(Event.venue_id == venue.id).order_by(Event.starts_at).limit(1)
    ).scalar_one_or_none()
    if used is not None:
        raise DirectoryError(
            N_("“%(event)s” takes place in %(venue)s; the venue cannot be deleted."),
            event=used.text("title", current_language()), venue=venue.text("name", current_language()),
        )
    db.session.delete(venue)
    db.session.flush()
