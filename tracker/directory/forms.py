"""Forms for units, people and venues.

Each translatable text is entered once per site language (:func:`tracker.forms.in_every_language`): the
plain field in the primary language, required where the model needs it, and ``<field>_<code>`` for the
others. Each form's
``details()`` is what its service takes; the rules are the services' (field validators call the same checks).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..bounds import VENUE_CAPACITY, NumberWithinBounds
from ..errors import RuleError
from ..forms import MultilingualForm, in_every_language, none_choice, optional_id, options
from ..i18n import primary_language, site_languages, unit_language
from ..models import Unit
from ..vocabulary import language_name
from .services import (
    VENUE_ADDRESS_LENGTH,
    PersonDetails,
    UnitDetails,
    VenueDetails,
    check_unit_code,
    check_unit_language,
    normalise_emails,
)


def unit_language_choices() -> list[SelectChoice]:
    """The site's languages, named in the reader's language, for a unit's language."""
    return options((code, language_name(code)) for code in site_languages())


def unit_choices(units: Iterable[Unit], language: str, exclude: Unit | None = None) -> list[SelectChoice]:
    """Choices for an optional unit select: "none" and then ``units`` by name (without ``exclude``)."""
    choices = [none_choice()]
    for unit in units:
        if exclude is not None and unit.id == exclude.id:
            continue
        label = f"{unit.text('name', language)} ({unit.code})"
        if not unit.active:
            label += " — " + str(_l("inactive"))
        choices.append(SelectChoice(value=unit.id, label=label))
    return choices


class EmailLinesField(TextAreaField):
    """A text area of email addresses, one per line.

    The stored list (``UnitForm(obj=unit)``) becomes text at once: a post that leaves the field out keeps
    the stored addresses, as for every other field, instead of handing a list to code that reads text.
    """

    def process_data(self, value: Any) -> None:
        """Take the object's list of addresses as lines of text."""
        self.data = "\n".join(value) if isinstance(value, list | tuple) else value


class ServiceCheck:
    """Validator: a service's own check of the field's text, its refusal shown beside the field."""

    def __init__(self, check: Callable[[str], object]) -> None:
        self.check = check

    def __call__(self, form: FlaskForm, field: Field) -> None:
        try:
            self.check(field.data or "")
        except RuleError as error:
            raise ValidationError(error.translated()) from error


def _check_email_lines(text: str) -> None:
    normalise_emails(text.splitlines())


@in_every_language("name")
class UnitForm(MultilingualForm):
    """A department or regional office."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=32), ServiceCheck(check_unit_code)],
        description=_l("Short and stable, e.g. CIT or GANJA; stored in capitals."),
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    parent_id = SelectField(_l("Parent unit"), coerce=optional_id, choices=[], validate_choice=True)
    contact_emails = EmailLinesField(
        _l("Contact emails"),
        validators=[ServiceCheck(_check_email_lines)],
        description=_l("One address per line; invitations, reminders and updates go to them."),
    )
    active = BooleanField(_l("Active (invited to events)"), default=True)
    language = SelectField(
        _l("Language of emails and calendar files"),
        choices=unit_language_choices,
        default=primary_language,
        validate_choice=False,  # the service's rule says what is wrong, beside the field
        validators=[ServiceCheck(check_unit_language)],
        description=_l("Invitations, reminders, updates, their calendar files and the unit's calendar feed are "
                       "written in it; the answer link opens in it."),
    )

    def load(self, unit: Unit) -> None:
        """Show ``unit``'s stored values."""
        self.contact_emails.data = "\n".join(unit.contact_emails or [])
        self.show_texts(unit)
        # A language the site no longer offers reads as the primary one (tracker.i18n.unit_language): show that,
        # rather than whichever option a browser falls back to.
        self.language.data = unit_language(unit)

    def emails(self) -> list[str]:
        """The submitted addresses, one per line, blank lines dropped."""
        return [line.strip() for line in (self.contact_emails.data or "").splitlines() if line.strip()]

    def details(self) -> UnitDetails:
        """The submitted unit, as ``create_unit``/``update_unit`` take it."""
        return UnitDetails(
            code=self.code.data or "",
            name=self.name.data or "",
            parent_id=self.parent_id.data,
            contact_emails=self.emails(),
            active=bool(self.active.data),
            translations=self.translations(),
            language=self.language.data,
        )


@in_every_language("full_name", "rank", "position")
class PersonForm(MultilingualForm):
    """A speaker or official."""

    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    rank = StringField(
        _l("Rank"), validators=[Optional(), Length(max=200)], description=_l("e.g. major-general")
    )
    position = StringField(
        _l("Position"),
        validators=[Optional(), Length(max=300)],
        description=_l("e.g. Deputy Head of the Service"),
    )
    unit_id = SelectField(
        _l("Unit"), coerce=optional_id, choices=[], description=_l("Leave empty for guests from outside the agency.")
    )

    def details(self) -> PersonDetails:
        """The submitted person, as ``create_person``/``update_person`` take it."""
        return PersonDetails(
            full_name=self.full_name.data or "",
            rank=self.rank.data or "",
            position=self.position.data or "",
            unit_id=self.unit_id.data,
            translations=self.translations(),
        )


@in_every_language("name", "address")
class VenueForm(MultilingualForm):
    """A hall or room."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    address = TextAreaField(_l("Address"), validators=[Optional(), Length(max=VENUE_ADDRESS_LENGTH)])
    capacity = IntegerField(
        _l("Capacity"),
        validators=[Optional(), NumberWithinBounds(VENUE_CAPACITY)],
        description=_l("Seats or standing places; leave empty when unknown."),
    )

    def details(self) -> VenueDetails:
        """The submitted venue, as ``create_venue``/``update_venue`` take it."""
        return VenueDetails(
            name=self.name.data or "",
            address=self.address.data or "",
            capacity=self.capacity.data,
            translations=self.translations(),
        )
