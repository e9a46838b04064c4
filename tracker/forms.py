"""The base of every form: WTForms' own messages in the reader's language, from our catalogs.

WTForms ships catalogs for Russian but not for Azerbaijani, so "This field is required." would stay English
on an Azerbaijani page. Its messages are therefore listed below for extraction and translated in
``tracker/translations`` like any other message of the interface.
"""

from __future__ import annotations

from typing import Any

from flask_babel import get_translations, ngettext
from flask_wtf import FlaskForm

from .i18n import N_

#: The WTForms messages our fields and validators can show (wording exactly as in WTForms 3). A form that
#: starts using another validator or field type adds its message here.
WTFORMS_MESSAGES = (
    N_("This field is required."),
    N_("Invalid email address."),
    N_("Not a valid choice."),
    N_("Invalid Choice: could not coerce."),
    N_("Invalid choice(s): one or more data inputs could not be coerced."),
    N_("Not a valid integer value."),
    N_("Not a valid date value."),
    N_("Not a valid time value."),
    N_("Not a valid datetime value."),
    N_("Number must be at least %(min)s."),
    N_("Number must be at most %(max)s."),
    N_("Number must be between %(min)s and %(max)s."),
)


def _wtforms_plural_messages() -> None:  # pragma: no cover
    """Never called: lists WTForms' plural messages so that extraction finds them."""
    ngettext("Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters.", 1)
    ngettext("'%(value)s' is not a valid choice for this field.",
             "'%(value)s' are not valid choices for this field.", 1)


class FormMessages:
    """The translations object WTForms asks for its messages; WTForms fills the placeholders itself."""

    def gettext(self, string: str) -> str:
        """``string`` in the reader's language."""
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The form of ``singular``/``plural`` for ``n`` in the reader's language."""
        return get_translations().ungettext(singular, plural, n)


FORM_MESSAGES = FormMessages()


class BaseForm(FlaskForm):
    """A Flask-WTF form (CSRF included) whose built-in messages follow the reader's language."""

    class Meta:
        def get_translations(self, form: Any) -> FormMessages:
            """WTForms' hook for the object that translates its messages."""
            return FORM_MESSAGES
