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
from wtforms import Field
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from . import config
from .errors import RuleError
from .extensions import db
from .i18n import N_, primary_language, translation_languages
from .models.types import TranslatableMixin
from .vocabulary import native_language_name

T = TypeVar("T")
F = TypeVar("F", bound="MultilingualForm")

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


# --- Texts entered in every language ---------------------------------------------------------------------


def in_every_language(*names: str) -> Callable[[type[F]], type[F]]:
    """Class decorator: the listed text fields are entered once per site language.

    The declared field (``title``) takes the primary language's text and keeps its validators (a required
    title is required in the primary language). A copy ``<name>_<code>`` is added for every language the
    interface is translated into, optional; each form keeps those of the site's languages (see
    :meth:`MultilingualForm.arrange_languages`). Labels name the language in itself: "Başlıq — Azərbaycanca".
    """

    def decorate(form_class: type[F]) -> type[F]:
        for name in names:
            unbound = getattr(form_class, name)
            validators = [v for v in unbound.kwargs.get("validators", ()) if not getattr(v, "field_flags", {})
                          .get("required")]
            for code in config.LANGUAGES:
                kwargs = {**unbound.kwargs, "validators": [Optional(), *validators]}
                setattr(form_class, f"{name}_{code}", unbound.field_class(*unbound.args, **kwargs))
        form_class.multilingual = (*form_class.multilingual, *names)
        return form_class

    return decorate


class MultilingualForm(BaseForm):
    """A form with texts entered per language (declared with :func:`in_every_language`).

    ``form.title`` holds the primary language's text, ``form.title_ru`` and so on the others; the inputs of
    languages the site does not offer, and the copy of the primary one, are removed when the form is made.
    """

    #: The fields entered in every language, in declaration order.
    multilingual: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.arrange_languages()

    def arrange_languages(self) -> None:
        """Keep one input per site language, label each with its language, mark each with ``lang``."""
        primary, others = primary_language(), translation_languages()
        for name in self.multilingual:
            field = self[name]
            subject = field.label.text
            field.label.text = f"{subject} — {native_language_name(primary)}"
            field.render_kw = {**(field.render_kw or {}), "lang": primary}
            for code in config.LANGUAGES:
                copy_name = f"{name}_{code}"
                if code not in others:
                    del self[copy_name]
                    continue
                copy = self[copy_name]
                copy.label.text = f"{subject} — {native_language_name(code)}"
                copy.render_kw = {**(copy.render_kw or {}), "lang": code}

    def language_inputs(self, name: str) -> list[Field]:
        """The inputs of ``name``, the primary language's first, then the others in the site's order."""
        return [self[name], *(self[f"{name}_{code}"] for code in translation_languages())]

    def show_texts(self, obj: TranslatableMixin) -> None:
        """Fill every language's input from ``obj``'s texts (when showing the form, not after a post)."""
        for name, value in texts_data(obj, *self.multilingual).items():
            self[name].data = value

    def translations(self) -> dict[str, dict[str, str]]:
        """The texts entered in the other languages, ``{"title": {"ru": ..., "en": ...}}`` (empty removes)."""
        return {
            name: {code: (self[f"{name}_{code}"].data or "").strip() for code in translation_languages()}
            for name in self.multilingual
        }


def texts_data(obj: TranslatableMixin, *names: str) -> dict[str, str]:
    """The initial values of a :class:`MultilingualForm`'s inputs of ``names``, from ``obj``'s texts.

    The primary input stays empty where ``obj`` has no text in the primary language (say, after the site
    changed its primary language): the other inputs show what there is, and the form asks for it.
    """
    primary = primary_language()
    data: dict[str, str] = {}
    for name in names:
        texts = obj.texts(name)
        data[name] = texts.get(primary, "")
        data.update({f"{name}_{code}": texts.get(code, "") for code in translation_languages()})
    return data



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
