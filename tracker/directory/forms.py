"""Forms for units, people and venues.

Each translatable text has its content-language field (English, required where the model needs it) and
optional "in Azerbaijani" / "in Russian" fields named ``<field>_az`` and ``<field>_ru``. Each form's
``details()`` is what its service takes; the rules are the services' (field validators call the same checks).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..bounds import VENUE_CAPACITY, NumberWithinBounds
from ..errors import RuleError
from ..forms import BaseForm, none_choice, optional_id
from ..i18n import translation_languages
from ..models import Unit
from .services import PersonDetails, UnitDetails, VenueDetails, check_unit_code, normalise_emails

#: Site languages a translation can be given in, besides the content language. Read when the module is
#: imported (the forms below declare one field per language), so it is the configured default list; a site
#: language added in ``tracker.config.LANGUAGES`` needs its ``<field>_<code>`` fields declared here.
TRANSLATION_LANGUAGES = translation_languages()


def _translation_field(label: Any, max_length: int) -> StringField:
    return StringField(label, validators=[Optional(), Length(max=max_length)])


class TranslatedForm(BaseForm):
    """A form whose translatable texts come with ``_az`` and ``_ru`` siblings."""

    #: Names of the plain fields that have translations.
    translated_fields: Sequence[str] = ()

    def load_translations(self, obj: Any) -> None:
        """Fill the translation fields from ``obj`` (when showing the form, not after a post)."""
        for name in self.translated_fields:
            for language in TRANSLATION_LANGUAGES:
                self[f"{name}_{language}"].data = (obj.translations or {}).get(name, {}).get(language, "")

    def translations(self) -> dict[str, dict[str, str]]:
        """The submitted translations, as the services take them (empty text removes one)."""
        return {
            name: {
                language: (self[f"{name}_{language}"].data or "").strip()
                for language in TRANSLATION_LANGUAGES
            }
            for name in self.translated_fields
        }


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


class UnitForm(TranslatedForm):
    """A department or regional office."""

    translated_fields = ("name",)

    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=32), ServiceCheck(check_unit_code)],
        description=_l("Short and stable, e.g. CIT or GANJA; stored in capitals."),
    )
    name = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=200)])
    name_az = _translation_field(_l("Name in Azerbaijani"), 200)
    name_ru = _translation_field(_l("Name in Russian"), 200)
    parent_id = SelectField(_l("Parent unit"), coerce=optional_id, choices=[], validate_choice=True)
    contact_emails = EmailLinesField(
        _l("Contact emails"),
        validators=[ServiceCheck(_check_email_lines)],
        description=_l("One address per line; invitations, reminders and updates go to them."),
    )
    active = BooleanField(_l("Active (invited to events)"), default=True)

    def load(self, unit: Unit) -> None:
        """Show ``unit``'s stored values."""
        self.contact_emails.data = "\n".join(unit.contact_emails or [])
        self.load_translations(unit)

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
        )


class PersonForm(TranslatedForm):
    """A speaker or official."""

    translated_fields = ("full_name", "rank", "position")

    full_name = StringField(_l("Full name (English)"), validators=[DataRequired(), Length(max=200)])
    full_name_az = _translation_field(_l("Full name in Azerbaijani"), 200)
    full_name_ru = _translation_field(_l("Full name in Russian"), 200)
    rank = StringField(
        _l("Rank (English)"), validators=[Optional(), Length(max=200)], description=_l("e.g. major-general")
    )
    rank_az = _translation_field(_l("Rank in Azerbaijani"), 200)
    rank_ru = _translation_field(_l("Rank in Russian"), 200)
    position = StringField(
        _l("Position (English)"),
        validators=[Optional(), Length(max=300)],
        description=_l("e.g. Deputy Head of the Service"),
    )
    position_az = _translation_field(_l("Position in Azerbaijani"), 300)
    position_ru = _translation_field(_l("Position in Russian"), 300)
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


class VenueForm(TranslatedForm):
    """A hall or room."""

    translated_fields = ("name",)

    name = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=200)])
    name_az = _translation_field(_l("Name in Azerbaijani"), 200)
    name_ru = _translation_field(_l("Name in Russian"), 200)
    address = TextAreaField(_l("Address"), validators=[Optional(), Length(max=2000)])
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
