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
from . import publishing, services
from .content import event_attendance
from .forms import PressSummaryForm, PublishForm, UnpublishForm
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
        # The page is standalone: nothing to load, nothing to run; its photos are inside it (data: URLs).
        response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
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
    release = services.event_release(event, language, settings(), photo_size=services.RELEASE_PHOTO_SIZES[fmt])
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


@bp.route("/events/<int:event_id>/press-kit.zip")
@roles_required(*STAFF)
def press_kit(event_id: int) -> Response:
    """One ZIP for a journalist: the release in every language as PDF, DOCX and Markdown, the chosen photos at
    full resolution with their captions per language, and the attendance figures (docs/photos.md); named in
    ``?lang=``."""
    language = _export_language()
    event = _reportable_event(event_id)
    data, stem, ascii_stem = services.press_kit(event, settings(), language)
    return _file_response(data, services.PRESS_KIT_FORMAT, stem, ascii_stem)


# --- Press summaries --------------------------------------------------------------------------------


def _version(report: Report | None) -> str:
    """The editor's hidden ``version``: the text's ``Report.version``, empty while there is no text."""
    return str(report.version) if report is not None else ""


def _summary_page(subject: Event | Series, language: str, nav: dict[str, Any], *, form: PressSummaryForm,
                  summaries: dict[str, Report], report: Report | None, stale: Report | None = None,
                  status: int = 200, publish_error: str | None = None) -> Any:
    """The press-summary editor of ``subject`` in ``language``, with the release's publishing state and history."""
    current = settings()
    history = publishing.history(subject, language)
    publish_status = publishing.publish_status(subject, language, report, current,
                                               latest=history.versions[0] if history.versions else None)
    public_url = None
    hidden = publish_status.live is not None and not publishing.fit_for_press(subject)
    if publish_status.live is not None and not hidden and publishing.press_page_open(current):
        public_url = _page_url("press.release", lang=language, key=publishing.subject_key(subject))
    return render_template(
        "reports/summary_edit.html",
        subject=subject, language=language, form=form, report=report, summaries=summaries,
        stale=stale, back_url=nav["back_url"], release_endpoint=nav["release_endpoint"], id_args=nav["id_args"],
        formats=services.RELEASE_FORMATS, languages=REPORT_LANGUAGES, language_names=NATIVE_LANGUAGE_NAMES,
        attendance=event_attendance(subject) if isinstance(subject, Event) else None,
        printed_language=services.press_text_language(summaries, language, primary_language()),
        subject_title=subject.text("title", current_language()),
        zone=subject.zone if isinstance(subject, Event) else ZoneInfo(current.timezone),
        publish_status=publish_status, versions=history.versions, older_versions=history.older, hidden=hidden,
        public_url=public_url, publish_error=publish_error,
        may_publish=publishing.may_publish(current_user),
        publish_form=PublishForm(formdata=None, data={"version": _version(report)}),
        unpublish_form=UnpublishForm(formdata=None),
        publish_url=url_for(nav["publish_endpoint"], lang=language, **nav["id_args"]),
        unpublish_url=url_for(nav["unpublish_endpoint"], lang=language, **nav["id_args"]),
    ), status


def _edit_summary(subject: Event | Series, language: str, nav: dict[str, Any]) -> Any:
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
            return redirect(nav["self_url"])
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
    return _summary_page(subject, language, nav, form=form, summaries=summaries, report=report, stale=stale,
                         status=status)


def _publishing_page(subject: Event | Series, language: str, nav: dict[str, Any], status: int, message: str) -> Any:
    """The editor again, the text as stored, with why publishing did not happen."""
    summaries = services.press_summaries(subject)
    report = summaries.get(language)
    form = PressSummaryForm(formdata=None, data={"body": report.body if report else "",
                                                 "version": _version(report)})
    form.body.render_kw = {**(form.body.render_kw or {}), "lang": language}
    return _summary_page(subject, language, nav, form=form, summaries=summaries, report=report, status=status,
                         publish_error=message)


def _publish(subject: Event | Series, language: str, nav: dict[str, Any]) -> Any:
    """Publish the release of ``subject`` in ``language`` as a new frozen version."""
    if language not in REPORT_LANGUAGES:
        abort(404)
    form = PublishForm()
    if not form.validate_on_submit():
        return _publishing_page(subject, language, nav, 422, _("The form is damaged; reload the page."))
    user = current_user._get_current_object()
    try:
        outcome, version = publishing.publish(subject, language, user, form.expected_version, settings())
    except publishing.PublishRefused as refused:
        return _publishing_page(subject, language, nav, 422, refused.message)
    except publishing.StalePublish:
        return _publishing_page(subject, language, nav, 409, _(
            "The press text was saved again after you opened this page. Read it below and publish again."))
    except IntegrityError:
        db.session.rollback()
        return _publishing_page(subject, language, nav, 409, _(
            "Someone else published this release at the same moment; see the versions below."))
    if outcome is publishing.Outcome.UNCHANGED:
        flash(_("Nothing changed since version %(number)d was published; the press page stays as it is.",
                number=version.number), "info")
    else:
        flash(_("Version %(number)d is on the press page.", number=version.number), "success")
    return redirect(nav["self_url"])


def _unpublish(subject: Event | Series, language: str, nav: dict[str, Any]) -> Any:
    """Take the release of ``subject`` in ``language`` off the press page, keeping its versions.

    Whatever the event's status: press staff may take down the release of an event they can no longer report
    on (cancelled, set back to draft). They cannot open its editor then, so they are sent elsewhere with a
    message (:func:`_outside_editor`)."""
    if language not in REPORT_LANGUAGES:
        abort(404)
    elsewhere = _outside_editor(subject)
    form = UnpublishForm()
    try:
        if not form.validate_on_submit():
            raise publishing.PublishRefused(_("The form is damaged; reload the page."))
        publishing.unpublish(subject, language, current_user._get_current_object())
    except publishing.PublishRefused as refused:
        if elsewhere is None:
            return _publishing_page(subject, language, nav, 422, refused.message)
        flash(refused.message, "error")
        return redirect(elsewhere)
    flash(_("The release is off the press page; its versions are kept."), "success")
    return redirect(elsewhere or nav["self_url"])


def _outside_editor(subject: Event | Series) -> str | None:
    """Where to go instead of the editor when the current user may not open it (press staff and an event no
    longer scheduled or held): the event's page when they may see it (cancelled), else the start page (a
    draft); ``None`` when the editor is open to them."""
    if not isinstance(subject, Event) or may_see(current_user, subject, Purpose.REPORT):
        return None
    start = _page_url("home.index") or "/"
    if may_see(current_user, subject):
        return _page_url("events.detail", event_id=subject.id) or start
    return start


def _event_nav(event: Event, lang: str) -> dict[str, Any]:
    return {
        "back_url": _page_url("events.detail", event_id=event.id),
        "self_url": url_for("reports.edit_event_summary", event_id=event.id, lang=lang),
        "release_endpoint": "reports.event_release", "id_args": {"event_id": event.id},
        "publish_endpoint": "reports.publish_event_release",
        "unpublish_endpoint": "reports.unpublish_event_release",
    }


def _series_nav(series: Series, lang: str) -> dict[str, Any]:
    return {
        "back_url": _page_url("events.series_detail", series_id=series.id),
        "self_url": url_for("reports.edit_series_summary", series_id=series.id, lang=lang),
        "release_endpoint": "reports.series_release", "id_args": {"series_id": series.id},
        "publish_endpoint": "reports.publish_series_release",
        "unpublish_endpoint": "reports.unpublish_series_release",
    }


@bp.route("/events/<int:event_id>/press-summary/<lang>", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_event_summary(event_id: int, lang: str) -> Any:
    """The press text of an event in one language, with who last edited it and when."""
    event = _reportable_event(event_id)
    return _edit_summary(event, lang, _event_nav(event, lang))


@bp.route("/series/<int:series_id>/press-summary/<lang>", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_series_summary(series_id: int, lang: str) -> Any:
    """The press text of a series in one language."""
    series = db.get_or_404(Series, series_id)
    return _edit_summary(series, lang, _series_nav(series, lang))


# --- Publishing (docs/press.md) ----------------------------------------------------------------------


@bp.route("/events/<int:event_id>/press-summary/<lang>/publish", methods=["POST"])
@roles_required(*publishing.PUBLISHERS)
def publish_event_release(event_id: int, lang: str) -> Any:
    """Publish the event's release in ``lang`` on the press page."""
    event = _reportable_event(event_id)
    return _publish(event, lang, _event_nav(event, lang))


@bp.route("/events/<int:event_id>/press-summary/<lang>/unpublish", methods=["POST"])
@roles_required(*publishing.PUBLISHERS)
def unpublish_event_release(event_id: int, lang: str) -> Any:
    """Take the event's release in ``lang`` off the press page, whatever the event's status (a cancelled or
    draft event's release may still be live, only hidden; press staff can always take it down)."""
    event = services.load_event(event_id)
    if event is None:
        abort(404)
    return _unpublish(event, lang, _event_nav(event, lang))


@bp.route("/series/<int:series_id>/press-summary/<lang>/publish", methods=["POST"])
@roles_required(*publishing.PUBLISHERS)
def publish_series_release(series_id: int, lang: str) -> Any:
    """Publish the series' release in ``lang`` on the press page."""
    series = db.get_or_404(Series, series_id)
    return _publish(series, lang, _series_nav(series, lang))


@bp.route("/series/<int:series_id>/press-summary/<lang>/unpublish", methods=["POST"])
@roles_required(*publishing.PUBLISHERS)
def unpublish_series_release(series_id: int, lang: str) -> Any:
    """Take the series' release in ``lang`` off the press page."""
    series = db.get_or_404(Series, series_id)
    return _unpublish(series, lang, _series_nav(series, lang))


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
    if publishing.may_publish(current_user):
        # Press staff on an event they no longer report on (cancelled): what they can still take down.
        key = publishing.subject_key(event)
        takedown = [(code, url_for("reports.unpublish_event_release", event_id=event.id, lang=code))
                    for code in publishing.live_languages(key, public=False)]
        return {"staff": False, "takedown": takedown} if takedown else None
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
