"""Units, people and venues: the organisers' reference lists."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..auth.access import ORGANISERS, roles_required

bp = Blueprint("directory", __name__)


@bp.route("/units")
@roles_required(*ORGANISERS)
def list_units() -> str:
    """Units (placeholder)."""
    return render_template("events/list.html")


@bp.route("/people")
@roles_required(*ORGANISERS)
def list_people() -> str:
    """People (placeholder)."""
    return render_template("events/list.html")


@bp.route("/venues")
@roles_required(*ORGANISERS)
def list_venues() -> str:
    """Venues (placeholder)."""
    return render_template("events/list.html")
