"""Account management for admins."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..auth.access import roles_required
from ..models import Role

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@roles_required(Role.ADMIN)
def list_users() -> str:
    """Accounts (placeholder)."""
    return render_template("events/list.html")
