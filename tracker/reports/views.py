"""Reports: press releases and attendance sheets as files, and the press-summary editor."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

from ..auth.access import STAFF, roles_required, signed_in
from ..events.visibility import Purpose, may_see
from ..extensions import db
from ..i18n import current_language, primary_language
from ..models import Event, Report, Series
from ..pagecache import cached_page
from ..settings import settings
from ..vocabulary import NATIVE_LANGUAGE_NAMES
from . import services
from .content import event_attendance
from .forms import PressSummaryForm
from .phrases import REPORT_LANGUAGES

bp = Blueprint("reports", __name__)


# --- Helpers ----------------------------------------------------------------------------------------


def _refuse(code: int, reason: str) -> None:
    """Stop with ``code`` and a page that says why (the generic error page hides reasons of 404s)."""
    page = render_template("reports/refused.html", code=code, reason=reason)
    abort(make_response(page, code))


def _export_language() -> str:
    """``?lang=``, defaulting to the interface language; an unknown language is a bad request."""
    language = request.args.get("lang")
    if not language:
        interface = current_language()
        return interface if interface in REPORT_LANGUAGES else primary_language()
    if language not in REPORT_LANGUAGES:
        _refuse(400, _("Reports are made in %(choices)s; “%(language)s” is not one of them.",
                       choices=", ".join(REPORT_LANGUAGES), language=language))
    return language


def _check_format(fmt: str, formats: dict[str, services.FileFormat]) -> services.FileFormat:
    if fmt not in formats:
        _refuse(404, _("There is no “%(format)s” version; choose one of %(choices)s.",
                       format=fmt, choices=", ".join(formats)))
    return formats[fmt]


def _file_response(data: bytes, file_format: services.FileFormat, stem: str, ascii_stem: str) -> Response:
    response = make_response(data)
    response.headers["Content-Type"] = file_format.media_type
    response.headers["Content-Disposition"] = services.content_disposition(
        stem, ascii_stem, file_format.extension, inline=file_format.inline
    )
    # Reports carry internal figures: keep them out of shared caches.
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if file_format.extension == "html":
        # The page is standalone: nothing to load, nothing to run.
        response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


def _reportable_event(event_id: int) -> Event:
    """The event with everything a release prints, or 404 when missing or not for this user's eyes."""
    event = services.load_event(event_id)
    if event is None or not may_see(current_user, event, Purpose.REPORT):
        abort(404)
    return event


def _page_url(endpoint: str, **values: Any) -> str | None:
    """A link to another area's page, or ``None`` while that page does not exist."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


# --- Press releases ---------------------------------------------------------------------------------


@bp.route("/events/<int:event_id>/report.<fmt>")
@roles_required(*STAFF)
@cached_page
def event_release(event_id: int, fmt: str) -> Response:
    """The press release of an event as HTML, PDF, DOCX or Markdown in ``?lang=``."""
    file_format = _check_format(fmt, services.RELEASE_FORMATS)
    language = _export_language()
    event = _reportable_event(event_id)
    release = services.event_release(event, language, settings())
    data = services.render_release(release, fmt)
    return _file_response(data, file_format, release.filename_stem, release.ascii_filename_stem)


@bp.route("/series/<int:series_id>/report.<fmt>")
@roles_required(*STAFF)
def series_release(series_id: int, fmt: str) -> Response:
    """The press release of a series (its scheduled and held events) in ``?lang=``."""
    file_format = _check_format(fmt, services.RELEASE_FORMATS)
    language = _export_language()
    series = db.get_or_404(Series, series_id)
    release = services.series_release(series, language, settings())
    data = services.render_release(release, fmt)
    return _file_response(data, file_format, release.filename_stem, release.ascii_filename_stem)


# --- Attendance sheets ------------------------------------------------------------------------------


@bp.route("/events/<int:event_id>/attendance.<fmt>")
@signed_in
def attendance_sheet(event_id: int, fmt: str) -> Response:
    """One row per invited unit and a totals row, as XLSX or CSV; representatives get their own row only."""
    file_format = _check_format(fmt, services.SHEET_FORMATS)
    language = _export_language()
    event = db.get_or_404(Event, event_id)
    allowed, unit_id = services.sheet_scope(current_user, event)
    if not allowed:
        abort(404)
    sheet = services.attendance_sheet(event, language, settings(), unit_id=unit_id)
    data = services.render_sheet(sheet, fmt)
    return _file_response(data, file_format, sheet.filename_stem, sheet.ascii_filename_stem)


# --- Press summaries --------------------------------------------------------------------------------


def _version(report: Report | None) -> str:
    """The editor's hidden ``version``: the text's ``Report.version``, empty while there is no text."""
    return str(report.version) if report is not None else ""


def _edit_summary(subject: Event | Series, language: str, *, back_url: str | None,
                  self_url: str, release_endpoint: str, id_args: dict[str, int]) -> Any:
    """Show and save the press text of ``subject`` in ``language`` (shared by events and series)."""
    if language not in REPORT_LANGUAGES:
        abort(404)
    summaries = services.press_summaries(subject)
    report = summaries.get(language)
    form = PressSummaryForm(data={"body": report.body if report else "", "version": _version(report)})
    form.body.render_kw = {**(form.body.render_kw or {}), "lang": language}
    status = 200
    stale = None
    if form.validate_on_submit():
        try:
            author = current_user._get_current_object()  # the User itself, not the request-bound proxy
            services.save_press_summary(subject, language, form.body.data or "", author, form.expected_version)
        except (services.StaleSummary, IntegrityError):
            # An older version, a race lost at the database, or two first saves at once (the unique
            # constraint, at the service's flush): the other save won; roll back to read and show it.
            db.session.rollback()
            stale = services.press_summary(subject, language)
        else:
            flash(_("Press text saved."), "success")
            return redirect(self_url)
        if stale is not None:
            form.body.errors = [*form.body.errors, _(
                "Someone else saved this text while you were editing. Their version is shown below; "
                "copy your changes into it and save again.")]
            # The next save is based on the text now shown; the typed text stays in the field.
            form.version.data = _version(stale)
            report = stale
            status = 409
    elif form.errors:
        status = 422
    return render_template(
        "reports/summary_edit.html",
        subject=subject, language=language, form=form, report=report, summaries=summaries,
        stale=stale, back_url=back_url, release_endpoint=release_endpoint, id_args=id_args,
        formats=services.RELEASE_FORMATS, languages=REPORT_LANGUAGES, language_names=NATIVE_LANGUAGE_NAMES,
        attendance=event_attendance(subject) if isinstance(subject, Event) else None,
        printed_language=services.press_text_language(summaries, language, primary_language()),
        subject_title=subject.text("title", current_language()),
        zone=subject.zone if isinstance(subject, Event) else ZoneInfo(settings().timezone),
    ), status


@bp.route("/events/<int:event_id>/press-summary/<lang>", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_event_summary(event_id: int, lang: str) -> Any:
    """The press text of an event in one language, with who last edited it and when."""
    event = _reportable_event(event_id)
    return _edit_summary(
        event, lang,
        back_url=_page_url("events.detail", event_id=event.id),
        self_url=url_for("reports.edit_event_summary", event_id=event.id, lang=lang),
        release_endpoint="reports.event_release", id_args={"event_id": event.id},
    )


@bp.route("/series/<int:series_id>/press-summary/<lang>", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_series_summary(series_id: int, lang: str) -> Any:
    """The press text of a series in one language."""
    series = db.get_or_404(Series, series_id)
    return _edit_summary(
        series, lang,
        back_url=_page_url("events.series_detail", series_id=series.id),
        self_url=url_for("reports.edit_series_summary", series_id=series.id, lang=lang),
        release_endpoint="reports.series_release", id_args={"series_id": series.id},
    )


# --- Panels on the event and series pages -----------------------------------------------------------


def event_panel(event: Event) -> dict[str, Any] | None:
    """What the reports panel of an event page offers the current user, or ``None`` for nothing."""
    if not current_user.is_authenticated:
        return None
    if may_see(current_user, event, Purpose.REPORT):
        return {
            "staff": True,
            "summaries": services.press_summaries(event),
            "attendance": event_attendance(event),
        }
    allowed, unit_id = services.sheet_scope(current_user, event)
    if allowed:
        return {"staff": False, "unit_id": unit_id}
    return None


def series_panel(series: Series) -> dict[str, Any] | None:
    """What the reports panel of a series page offers the current user, or ``None``."""
    if not current_user.is_authenticated or not current_user.has_role(*STAFF):
        return None
    return {"summaries": services.press_summaries(series), "events": services.release_event_count(series)}


def report_panels() -> dict[str, Any]:
    """Let the events area's pages include ``reports/_event_panel.html`` and ``_series_panel.html``."""
    return {
        "reports_event_panel": event_panel,
        "reports_series_panel": series_panel,
        "report_languages": REPORT_LANGUAGES,
        "report_formats": services.RELEASE_FORMATS,
        "sheet_formats": services.SHEET_FORMATS,
        "reports_agency_zone": ZoneInfo(settings().timezone),
    }
