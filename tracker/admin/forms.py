"""Forms for managing accounts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from ..auth.services import AccountChanges, NewAccount
from ..forms import BaseForm, none_choice, optional_id, options
from ..i18n import site_languages
from ..models import Role
from ..vocabulary import ROLE_LABELS, native_language_name


def role_choices() -> list[SelectChoice]:
    """Every role with its label."""
    return options((role.value, ROLE_LABELS[role]) for role in Role)


def language_choices() -> list[SelectChoice]:
    """"Follow the browser" and the site languages in their own names."""
    return [none_choice(_l("Follow the browser")),
            *options((code, native_language_name(code)) for code in site_languages())]


class AccountForm(BaseForm):
    """Fields shared by the create and edit forms."""

    name = StringField(_l("Full name"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), choices=role_choices)
    unit_id = SelectField(
        _l("Unit"),
        coerce=optional_id,
        choices=[],
        description=_l("Required for unit representatives, and only for them."),
    )
    language = SelectField(_l("Interface language"), choices=language_choices)


class NewAccountForm(AccountForm):
    """Create an account."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("At least 8 characters."),
    )

    def details(self) -> NewAccount:
        """The submitted account, as ``create_user`` takes it."""
        return NewAccount(
            email=self.email.data or "",
            name=self.name.data or "",
            password=self.password.data or "",
            role=self.role.data,
            unit_id=self.unit_id.data,
            language=self.language.data or None,
        )


class EditAccountForm(AccountForm):
    """Change an account."""

    active = BooleanField(_l("Active (may sign in)"))

    def details(self) -> AccountChanges:
        """The submitted changes, as ``update_user`` takes them."""
        return AccountChanges(
            name=self.name.data or "",
            role=self.role.data,
            unit_id=self.unit_id.data,
            active=bool(self.active.data),
            language=self.language.data or None,
        )


class PasswordResetForm(BaseForm):
    """Give an account a new password."""

    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)],
                             description=_l("At least 8 characters."))
