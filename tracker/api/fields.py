"""Fields and base schemas the API's resources share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import marshmallow as ma
from flask_babel import gettext, lazy_gettext

from ..i18n import primary_language, site_languages
from ..models.types import TranslatableMixin
from ..text import clean_text


class Strict(ma.Schema):
    """Unknown fields are refused (422), never ignored: a typo must not pass for a change that was made."""

    error_messages = {"unknown": lazy_gettext("Unknown field."),  # noqa: RUF012  (marshmallow's own hook)
                      "type": lazy_gettext("Not a valid object.")}

    class Meta:
        unknown = ma.RAISE


def column_length(column: Any) -> int:
    """The length a model's ``String(n)`` column allows: the limit the forms and the API check before the database
    would refuse (``column_length(Unit.__table__.c.code)``)."""
    length = getattr(column.type, "length", None)
    if not isinstance(length, int):
        raise TypeError(f"{column} has no length")
    return length


def split_texts(texts: Mapping[str, str] | None) -> tuple[str, dict[str, str]]:
    """``{"az": …, "ru": …}`` → (the primary language's text, the other languages' texts): the shape the services'
    ``…Details`` take (a form's primary field and its translations)."""
    texts = dict(texts or {})
    primary = texts.pop(primary_language(), "") or ""
    return primary, texts


def merged_texts(obj: TranslatableMixin, field: str, given: Mapping[str, str] | None) -> dict[str, str]:
    """What a PATCH of a translatable field means: the stored texts with the given languages replaced (an empty
    string removes one language's text)."""
    stored = obj.texts(field)
    stored.update(given or {})
    return stored


# --- marshmallow's fields and validators with messages in the caller's language ---------------------------
# marshmallow's own messages are English; these subclasses give each the site's words, translated when the error
# is raised (lazy strings), so a clerk's script gets "Bu sahə tələb olunur." rather than "Missing data …".

_FIELD_MESSAGES: dict[str, Any] = {
    "required": lazy_gettext("This field is required."),
    "null": lazy_gettext("This field may not be null."),
    "validator_failed": lazy_gettext("Invalid value."),
}


def _messages(**more: Any) -> dict[str, Any]:
    return {**_FIELD_MESSAGES, **more}


class String(ma.fields.String):
    default_error_messages = _messages(invalid=lazy_gettext("Not a valid text."),
                                       invalid_utf8=lazy_gettext("Not a valid text."))


class Integer(ma.fields.Integer):
    """A whole number, strictly: ``5.5``, ``5.0``, ``"12"`` and ``true`` are refused, never rounded or read. In a query
    string, whole-number text is one (``?limit=20``; the blueprint's parser reads it)."""

    default_error_messages = _messages(invalid=lazy_gettext("Not a valid whole number."),
                                       too_large=lazy_gettext("Number too large."))

    def __init__(self, *, strict: bool = True, **kwargs: Any) -> None:
        super().__init__(strict=strict, **kwargs)


class Boolean(ma.fields.Boolean):
    default_error_messages = _messages(invalid=lazy_gettext("Not a valid true or false."))


class DateTime(ma.fields.AwareDateTime):
    """An ISO 8601 date and time; one without an offset is read in the zone the view gives (``default_timezone``)."""

    default_error_messages = _messages(
        invalid=lazy_gettext("Not a valid date and time (ISO 8601, e.g. 2012-02-25T10:00:00+04:00)."),
        invalid_awareness=lazy_gettext("Not a valid date and time (ISO 8601, e.g. 2012-02-25T10:00:00+04:00)."),
        format=lazy_gettext("Not a valid date and time (ISO 8601, e.g. 2012-02-25T10:00:00+04:00)."),
    )


class Date(ma.fields.Date):
    default_error_messages = _messages(invalid=lazy_gettext("Not a valid date (e.g. 1992-02-26)."),
                                       format=lazy_gettext("Not a valid date (e.g. 1992-02-26)."))


class Time(ma.fields.Time):
    default_error_messages = _messages(invalid=lazy_gettext("Not a valid time (e.g. 09:00)."),
                                       format=lazy_gettext("Not a valid time (e.g. 09:00)."))


class List(ma.fields.List):
    default_error_messages = _messages(invalid=lazy_gettext("Not a valid list."))


class Nested(ma.fields.Nested):
    default_error_messages = _messages(type=lazy_gettext("Not a valid object."))


class Length(ma.validate.Length):
    def _format_error(self, value: Any, message: str) -> str:
        if self.max is not None and self.min not in (None, 0):
            return gettext("Between %(min)s and %(max)s characters or items.", min=self.min, max=self.max)
        if self.max is not None:
            return gettext("At most %(max)s characters or items.", max=self.max)
        return gettext("At least %(min)s characters or items.", min=self.min)


class Range(ma.validate.Range):
    def _format_error(self, value: Any, message: str) -> str:
        if self.min is not None and self.max is not None:
            return gettext("Must be between %(min)s and %(max)s.", min=self.min, max=self.max)
        if self.max is not None:
            return gettext("Must be at most %(max)s.", max=self.max)
        return gettext("Must be at least %(min)s.", min=self.min)


class OneOf(ma.validate.OneOf):
    def _format_error(self, value: Any) -> str:
        return gettext("Must be one of: %(choices)s.", choices=", ".join(str(choice) for choice in self.choices))


class Texts(ma.fields.Dict):
    """A text entered per language: ``{"az": "…", "ru": "…", "en": "…"}``, keys among the site's languages.

    On input each text is cleaned as it will be stored (:func:`tracker.text.clean_text`: a text of control
    characters only is empty), and the primary language's text is required when the field is
    (``primary_required``), like the forms; on output every stored language's text is given (read with
    :meth:`TranslatableMixin.texts`).
    """

    default_error_messages = _messages(invalid=lazy_gettext("Not a valid object: give a text per language."))

    def __init__(self, *, max_length: int, primary_required: bool = True, **kwargs: Any) -> None:
        self.primary_required = primary_required
        metadata = {"description": "Text per language (az, ru, en); the primary language (az) is required.",
                    "example": {"az": "…", "ru": "…", "en": "…"}, **kwargs.pop("metadata", {})}
        super().__init__(keys=String(), values=String(validate=Length(max=max_length)), metadata=metadata, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if isinstance(obj, TranslatableMixin) and attr:
            return obj.texts(attr)
        return super()._serialize(value, attr, obj, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> Any:
        try:
            texts: dict[str, str] = super()._deserialize(value, attr, data, **kwargs)
        except ma.ValidationError as error:
            # marshmallow nests a language's error as {"az": {"value": [...]}}; the field's name is where it belongs.
            raise ma.ValidationError(_flat_messages(error.messages)) from error
        unknown = sorted(set(texts) - set(site_languages()))
        if unknown:
            raise ma.ValidationError(gettext("Unknown language: %(codes)s.", codes=", ".join(unknown)))
        texts = {language: clean_text(text) for language, text in texts.items()}
        partial = getattr(self.parent, "partial", None) is True  # a PATCH: the stored texts fill in
        if self.primary_required and not partial and not (texts.get(primary_language()) or "").strip():
            raise ma.ValidationError(gettext("The text in the primary language (%(code)s) is required.",
                                             code=primary_language()))
        return texts


def _flat_messages(messages: Any) -> list[str]:
    """Every message of marshmallow's nested errors, in order, without repeats."""
    found: list[str] = []
    stack = [messages]
    while stack:
        item = stack.pop(0)
        if isinstance(item, Mapping):
            stack[:0] = list(item.values())
        elif isinstance(item, list | tuple):
            stack[:0] = list(item)
        elif str(item) not in found:
            found.append(str(item))
    return found
