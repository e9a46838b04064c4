"""Events, series, agendas: pages for everyone signed in, editing for organisers."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from werkzeug.wrappers import Response

from ..auth.access import signed_in

bp = Blueprint("events", __name__)


@bp.route("/")
@signed_in
def home() -> Response:
    """Start page: the list of events (representatives later get their unit's invitations)."""
    return redirect(url_for("events.list_events"))


@bp.route("/events")
@signed_in
def list_events() -> str:
    """Upcoming and past events (placeholder until the events pages land)."""
    return render_template("events/list.html")


@bp.route("/calendar")
@signed_in
def month() -> str:
    """Month calendar (placeholder)."""
    return render_template("events/list.html")


@bp.route("/series")
@signed_in
def list_series() -> str:
    """Series (placeholder)."""
    return render_template("events/list.html")
