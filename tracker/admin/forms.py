"""Forms for managing accounts."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from ..auth.services import AccountError
from ..directory.forms import optional_id
from ..forms import BaseForm
from ..i18n import LANGUAGE_NAMES
from ..models import Role

#: How each role is called on pages.
ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.ORGANISER: _l("Organiser"),
    Role.REPRESENTATIVE: _l("Unit representative"),
    Role.PRESS: _l("Press officer"),
}


def role_choices() -> list[tuple[str, Any]]:
    """Every role with its label."""
    return [(role.value, ROLE_LABELS[role]) for role in Role]


def language_choices() -> list[tuple[str, Any]]:
    """"Follow the browser" and the site languages in their own names."""
    return [("", _l("Follow the browser")), *LANGUAGE_NAMES.items()]


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

    def add_error(self, error: AccountError) -> None:
        """Show a rule broken in the account services beside its field (or above the form)."""
        target = self._fields.get(error.field) if error.field else None
        if target is not None:
            target.errors = [*target.errors, error.translated()]
        else:
            self.form_errors.append(error.translated())


class NewAccountForm(AccountForm):
    """Create an account."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("At least 8 characters."),
    )


class EditAccountForm(AccountForm):
    """Change an account."""

    active = BooleanField(_l("Active (may sign in)"))


class PasswordResetForm(BaseForm):
    """Give an account a new password."""

    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)],
                             description=_l("At least 8 characters."))

    def add_error(self, error: AccountError) -> None:
        """Show a rule broken in the account services beside the password field."""
        self.password.errors = [*self.password.errors, error.translated()]
