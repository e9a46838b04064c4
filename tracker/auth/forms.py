"""Sign-in, forgotten-password, password-change and API-token forms."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, Field, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from ..forms import BaseForm


class LoginForm(BaseForm):
    """Email and password."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in on this computer"))
    next = HiddenField()


class ForgotPasswordForm(BaseForm):
    """The email of the account whose password was forgotten."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])


class NewPasswordForm(BaseForm):
    """A new password, typed twice (the length rule is ``check_password_rule``'s)."""

    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)],
                             description=_l("At least 8 characters."))
    confirm = PasswordField(_l("New password again"), validators=[DataRequired(), Length(max=200)])

    def validate_confirm(self, field: Field) -> None:
        """Both entries must be the same, so that a typo does not lock the person out."""
        if field.data != self.password.data:
            raise ValidationError(_("The two passwords are not the same."))


class ChangePasswordForm(NewPasswordForm):
    """The signed-in person's current password, and the new one twice."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])


class NewTokenForm(BaseForm):
    """What the owner calls a new API token (the name rule is ``tokens.create_token``'s)."""

    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=100)],
                       description=_l("What the token is for, e.g. “intranet portal”."))
