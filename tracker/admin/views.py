"""Account management for admins."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from ..auth.access import roles_required
from ..auth.services import accounts_page, create_user, set_user_password, update_user
from ..bounds import requested_page
from ..directory.forms import unit_choices
from ..directory.services import all_units
from ..extensions import db
from ..forms import confirmation_page, confirmed
from ..i18n import current_language
from ..models import Role, User
from ..settings import settings
from ..vocabulary import ROLE_LABELS
from .forms import EditAccountForm, NewAccountForm, PasswordResetForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@roles_required(Role.ADMIN)
def list_users() -> str:
    """Accounts, a page at a time, optionally narrowed by role or a search text."""
    role = request.args.get("role", "")
    query = request.args.get("q", "").strip()
    pagination = accounts_page(role, query, requested_page(request.args), settings().page_size)
    return render_template(
        "admin/users.html", pagination=pagination, role=role, query=query, role_labels=ROLE_LABELS, roles=list(Role)
    )


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_user() -> str | Response | tuple[str, int]:
    """Create an account with a first password."""
    form = NewAccountForm()
    form.unit_id.choices = unit_choices(all_units(), current_language())
    if (user := form.apply(lambda: create_user(form.details()))) is not None:
        flash(_("Account %(email)s created.", email=user.email), "success")
        return redirect(url_for("admin.list_users"))
    return _account_page("admin/user_new.html", form)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id: int) -> str | Response | tuple[str, int]:
    """Change an account's name, role, unit, active flag and language."""
    user = db.get_or_404(User, user_id)
    form = EditAccountForm(obj=user)
    form.unit_id.choices = unit_choices(all_units(), current_language())
    if request.method == "GET":
        form.language.data = user.language or ""
    elif (user.active and user.id != current_user.id and not form.active.data and not confirmed()
          and form.validate()):
        return confirmation_page(
            title=_("Deactivate the account %(email)s?", email=user.email),
            consequence=_("%(name)s will no longer be able to sign in; the account's history stays. You can "
                          "activate it again later.", name=user.name),
            yes=_("Yes, deactivate"), back=url_for("admin.edit_user", user_id=user.id),
            keep=[name for name in form.data if name != "csrf_token"])
    if form.apply(lambda: update_user(user, form.details(), acting=current_user)) is not None:
        flash(_("Account %(email)s saved.", email=user.email), "success")
        return redirect(url_for("admin.list_users"))
    return _account_page("admin/user_edit.html", form, user=user, reset_form=PasswordResetForm(prefix="reset"))


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@roles_required(Role.ADMIN)
def reset_password(user_id: int) -> str | Response | tuple[str, int]:
    """Give an account a new password."""
    user = db.get_or_404(User, user_id)
    reset_form = PasswordResetForm(prefix="reset")
    if reset_form.apply(lambda: set_user_password(user, reset_form.password.data or "")) is not None:
        flash(_("New password set for %(email)s.", email=user.email), "success")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    form = EditAccountForm(formdata=None, obj=user)
    form.unit_id.choices = unit_choices(all_units(), current_language())
    form.language.data = user.language or ""
    return _account_page("admin/user_edit.html", form, user=user, reset_form=reset_form)


def _account_page(template: str, form: Any, **context: Any) -> tuple[str, int]:
    """Render an account page: 422 when one of its forms shows validation errors."""
    reset_form = context.get("reset_form")
    failed = bool(form.errors) or bool(reset_form is not None and reset_form.errors)
    return render_template(template, form=form, role_labels=ROLE_LABELS, **context), 422 if failed else 200
