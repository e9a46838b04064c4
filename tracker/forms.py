"""The base of every form: WTForms' own messages in the reader's language, from our catalogs.

WTForms ships catalogs for Russian but not for Azerbaijani, so "This field is required." would stay English
on an Azerbaijani page. Its messages are therefore listed below for extraction and translated in
``tracker/translations`` like any other message of the interface.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import render_template, request
from flask_babel import get_translations, ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from .errors import RuleError
from .extensions import db
from .i18n import N_

T = TypeVar("T")

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


#: The value of the "no choice" entry of every optional select (:func:`none_choice`): empty, as a browser posts
#: a select left on it. :func:`optional_id` also reads ``0`` (older links and scripts post it) as no choice.
NO_CHOICE = ""


def optional_id(value: Any) -> int | None:
    """A select's value as a record id; the "no choice" entry (``""``, also ``0`` or ``None``) is None."""
    if value in (None, NO_CHOICE, "None", "0", 0):
        return None
    return int(value)


def none_choice(label: Any = None) -> SelectChoice:
    """The "no choice" entry of an optional select: "— none —", or ``label`` (e.g. "Any" in a filter)."""
    return SelectChoice(value=NO_CHOICE, label=_l("— none —") if label is None else label)


def options(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Select options from ``(value, label)`` pairs (WTForms 3.3 wants :class:`SelectChoice`)."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


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

    def add_error(self, error: RuleError) -> None:
        """Show a rule a service refused beside its field, or above the form when it names none."""
        target = self._fields.get(error.field) if error.field else None
        if target is not None:
            target.errors = [*target.errors, error.translated()]
        else:
            self.form_errors.append(error.translated())

    def apply(self, action: Callable[[], T]) -> T | None:
        """Validate the post, then run ``action`` (a service call); its result, or None when nothing was done.

        None means the page is shown again: the form was not posted, did not validate, or the service refused
        with a :class:`RuleError`, which is put beside its field (the changes are rolled back here, so the page
        shows what is stored; the request's 422 keeps them from being committed). An action returns the
        object it saved, never None. The commit is not here: see :mod:`tracker.transactions`.
        """
        if not self.validate_on_submit():
            return None
        try:
            return action()
        except RuleError as error:
            db.session.rollback()
            self.add_error(error)
            return None


# --- Confirmation of destructive actions --------------------------------------------------------------------

#: The field a confirmation page's "Yes" (or the script's dialog, static/confirm.js) posts with the value "1".
#: A destructive action acts only on a POST that carries it; any other request to it is shown the question.
CONFIRMED_FIELD = "confirmed"


def confirmed() -> bool:
    """Whether this request is a POST that confirms its destructive action (``confirmed=1``)."""
    return request.method == "POST" and request.form.get(CONFIRMED_FIELD) == "1"


def confirmation_page(*, title: str, consequence: str, yes: str, back: str, keep: Iterable[str] = (),
                      template: str = "confirm.html", **context: Any) -> tuple[str, int]:
    """The step before a destructive action, in the site layout (status 200: nothing was done yet).

    It says what will happen (``title``, a question naming the unit, item or account, and ``consequence``);
    "Yes" (``yes``) posts the same address again with the CSRF token, ``confirmed=1`` and the posted values
    of the fields named in ``keep``; "No, go back" links to ``back``. ``template`` may extend confirm.html.
    """
    hidden = [(name, value) for name in keep for value in request.form.getlist(name)]
    return render_template(template, title=title, consequence=consequence, yes=yes, back=back,
                           action=request.path, hidden=hidden, **context), 200
