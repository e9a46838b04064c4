"""The start page ("/", where sign-in lands): each role's work first, each line one click from its page."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from ..attendance.views import unit_home_page
from ..auth.access import signed_in
from ..i18n import primary_language, site_languages
from ..models import Role
from ..models.types import utcnow
from ..pagecache import cached_page
from ..reports.phrases import REPORT_LANGUAGES
from . import services

bp = Blueprint("home", __name__)


def _release_languages() -> list[str]:
    """The site's languages a press release can be written in, in the site's order."""
    return [code for code in site_languages() if code in REPORT_LANGUAGES]


@bp.route("/")
@signed_in
@cached_page
def index() -> str:
    """Organisers and admins: what needs doing; press staff: releases to write; representatives: their unit."""
    if current_user.role == Role.REPRESENTATIVE:
        return unit_home_page()
    now = utcnow()
    if current_user.role == Role.PRESS:
        return render_template("home/press.html", home=services.press_home(now, _release_languages()))
    languages = _release_languages()
    release_language = languages[0] if languages and primary_language() not in languages else primary_language()
    return render_template("home/organiser.html", home=services.organiser_home(now),
                           release_language=release_language, horizon_days=services.DEADLINE_HORIZON.days)
