"""Calendar pages: .ics downloads, subscription feeds, a unit's feed link, and calendar replies."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.http import is_resource_modified
from werkzeug.wrappers import Response

from ..auth.access import ORGANISERS, public, roles_required, signed_in
from ..events.anniversaries import coming_anniversaries
from ..extensions import db
from ..forms import confirmation_page, confirmed
from ..i18n import current_language, primary_language, site_languages, unit_language
from ..models import Role, Series, Unit
from ..settings import settings as current_settings
from ..vocabulary import answer_words
from . import inbox, services
from .anniversary_feed import feed_reader, make_feed_token
from .anniversary_ics import build_anniversaries_ics
from .forms import ReplyForm
from .ics import CalendarSettings, build_event_ics, settings_from_app
from .replies import ReplyError, parse_reply
from .services import feed_ics

bp = Blueprint("calendar", __name__)

CALENDAR_MIMETYPE = "text/calendar"


def _calendar_response(
    build: Callable[[], bytes],
    feed: str,
    settings: CalendarSettings,
    generation: int,
    *,
    filename: str | None,
    private: bool,
    recorded: services.RecordedFeed | None = None,
) -> Response:
    """``text/calendar; charset=utf-8`` with ETag and Last-Modified, answering conditional requests with 304.

    ``feed`` names the body for its Last-Modified record (``services.feed_last_modified``). ``build`` makes
    the body — loading what it shows — and is called only when needed: a conditional request whose feed's
    state key (``services.feed_state_key``, a couple of small reads) is the one its stored ETag was built
    from, and whose validators match, is answered 304 without it. ``generation`` is
    ``services.content_generation()`` read by the view before anything the body shows (the event, the unit…).
    A full GET with that state key is answered with the body recorded with it (``services.stored_feed``),
    again without building. ``recorded``: the feed's validators when the view read them already (with its
    subject, in one statement): a matching conditional request then costs no further read.
    """
    state_key = services.feed_state_key(settings, generation)
    conditional = _is_conditional()
    if recorded is not None and conditional and recorded.state_key == state_key:
        stored: services.StoredFeed | None = services.StoredFeed(recorded.etag, recorded.last_modified, None)
    elif (recorded is not None and not conditional and recorded.state_key == state_key
          and recorded.compressed_body is not None):
        body = services.stored_body(recorded.compressed_body)
        stored = services.StoredFeed(recorded.etag, recorded.last_modified, body)
    else:
        stored = services.stored_feed(feed, state_key, with_body=not conditional)
    if stored is not None and conditional:
        if not is_resource_modified(request.environ, etag=stored.etag, last_modified=stored.last_modified):
            # Answered here: Werkzeug's make_conditional would only compare the same validators again.
            unchanged = current_app.response_class(status=304)
            return with_calendar_headers(unchanged, stored.etag, stored.last_modified, filename, private,
                                          conditional=False)
        stored = services.stored_feed(feed, state_key, with_body=True)  # the client holds another body
    if stored is not None and stored.body is not None:
        response = current_app.response_class(stored.body)
        return with_calendar_headers(response, stored.etag, stored.last_modified, filename, private)
    body = build()
    response = current_app.response_class(body)
    response.add_etag()  # Werkzeug's own strong ETag of the bytes: equal bytes, equal tags
    etag, _weak = response.get_etag()
    # A new body is recorded, with its state key; committed on return.
    last_modified = services.feed_last_modified(feed, etag or "", state_key=state_key, body=body)
    return with_calendar_headers(response, etag or "", last_modified, filename, private)


def _is_conditional() -> bool:
    return "If-None-Match" in request.headers or "If-Modified-Since" in request.headers


def with_calendar_headers(
    response: Response, etag: str, last_modified: datetime | None, filename: str | None, private: bool,
    *, conditional: bool = True,
) -> Response:
    """The headers of every calendar answer (type, validators, caching), here and in ``revalidation.py``'s 304."""
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.set_etag(etag)
    if last_modified is not None:
        response.last_modified = last_modified
    # Clients may keep a copy but must ask again; a token or a session makes the copy personal.
    response.cache_control.no_cache = True
    if private:
        response.cache_control.private = True
    else:
        response.cache_control.public = True
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response.make_conditional(request) if conditional else response


def _site_url(endpoint: str, **values: Any) -> str:
    """Absolute URL on ``BASE_URL`` when set, else on the address serving this request (``Settings.site_url``)."""
    return current_settings().page_url(endpoint, **values)


def webcal(url: str) -> str:
    """The ``webcal://`` form of an http(s) URL, which calendar apps open as a subscription."""
    for scheme in ("https://", "http://"):
        if url.startswith(scheme):
            return "webcal://" + url.removeprefix(scheme)
    return url


def calendar_links() -> dict[str, object]:
    """Helpers for the ``calendar/_*.html`` partials other areas include (the attendance dashboard shows what the
    organiser's mailbox brought for the event: ``calendar/_mailbox.html`` with ``event_mailbox``)."""
    return {"calendar_url": _site_url, "webcal_url": webcal, "event_mailbox": inbox.event_mailbox,
            "anniversary_feed_url": _anniversary_feed_url}


def _anniversary_feed_url() -> str:
    """The signed-in reader's anniversaries feed, names in the page's language (``anniversary_feed.py``)."""
    return _site_url("calendar.anniversary_feed", token=make_feed_token(current_user, current_language()))


@bp.route("/events/<int:event_id>.ics")
@signed_in
def event_ics(event_id: int) -> Response:
    """Download one event (METHOD:PUBLISH, no attendees) in the reader's language; drafts only for organisers."""
    generation = services.content_generation()  # before reading anything the body shows
    event = services.event_for_download(event_id, current_user)
    if event is None:
        abort(404)
    language = current_language()
    settings = settings_from_app(language)
    return _calendar_response(
        lambda: build_event_ics(event, settings=settings),
        f"event:{event.id}:{language}",
        settings,
        generation,
        filename=f"event-{event.id}.ics",
        private=True,
    )


@bp.route("/series/<int:series_id>.ics")
@signed_in
def series_ics(series_id: int) -> Response:
    """Download a series in the reader's language: its events the user may see, and its remembrance day as a
    yearly event."""
    generation = services.content_generation()  # before reading anything the body shows
    series = db.get_or_404(Series, series_id)
    language = current_language()
    settings = settings_from_app(language)
    feed = f"{services.series_feed_key(series, current_user)}:{language}"
    def build() -> bytes:
        return feed_ics(
            services.series_events_query(series, current_user),
            generation=generation,
            name=series.text("title", settings.language),
            uid=f"series-{series.uid}",
            settings=settings,
            series=[series],
            description=series.text("description", settings.language) or None,
        )

    return _calendar_response(
        build,
        feed,
        settings,
        generation,
        filename=f"series-{series.id}.ics",
        private=True,
    )


@bp.route("/calendar.ics")
@public
def public_calendar() -> Response:
    """The public calendar: events marked public, scheduled, held or cancelled. Open to anyone.

    A subscription has no interface language: the calendar is in the primary language, or in the site language
    ``?lang=`` names (anything else is ignored).
    """
    generation = services.content_generation()  # before reading anything the body shows
    asked = request.args.get("lang", "")
    language = asked if asked in site_languages() else primary_language()
    settings = settings_from_app(language)

    def build() -> bytes:
        return feed_ics(
            services.public_events_query(),
            generation=generation,
            name=settings.organisation_name,
            uid=f"public-calendar@{settings.uid_domain}",
            settings=settings,
        )

    return _calendar_response(build, f"public:{language}", settings, generation, filename=None, private=False)


@bp.route("/feeds/<token>.ics")
@public
def unit_feed(token: str) -> Response:
    """A unit's private feed: the events it is invited to. The token is the credential; unknown → 404."""
    # With the content generation, read first; and for a full GET the recorded body, in the same statement.
    owner = services.unit_by_feed_token(token, with_body=not _is_conditional())
    if owner is None:
        abort(404)
    generation = owner.generation
    language = unit_language(owner)  # the unit's feed, like its emails, is in the unit's language
    settings = settings_from_app(language)

    def build() -> bytes:
        return feed_ics(
            services.unit_feed_query(owner),
            generation=generation,
            name=f"{settings.organisation_name} — {owner.text('name', language)}",
            uid=f"unit-{owner.id}-feed@{settings.uid_domain}",
            settings=settings,
        )

    # The feed's name is in the unit's language: the language is in the settings, so in the state key.
    return _calendar_response(build, services.unit_feed_name(owner.id), settings, generation, filename=None,
                              private=True, recorded=owner.recorded)


@bp.route("/feeds/anniversaries/<token>.ics")
@public
def anniversary_feed(token: str) -> Response:
    """The round anniversaries to come, for a staff member's own calendar. The signed token is the credential
    (no session needed); one that no longer works → 404."""
    reader = feed_reader(token)
    if reader is None:
        abort(404)
    user, language = reader
    settings = settings_from_app(language)
    with force_locale(language):
        body = build_anniversaries_ics(
            coming_anniversaries(user, current_settings()),
            name=_("Anniversaries to come — %(organisation)s", organisation=settings.organisation_name),
            uid=f"anniversaries-{user.id}@{settings.uid_domain}",
            settings=settings,
        )
    response = current_app.response_class(body)
    response.add_etag()
    etag, _weak = response.get_etag()
    return with_calendar_headers(response, etag or "", None, None, private=True)


def _manageable_unit(unit_id: int) -> Unit:
    """The unit if the current user may see its feed URL; 404 otherwise, so other units do not leak."""
    unit = db.session.get(Unit, unit_id)
    if unit is None or not services.may_manage_feed(current_user, unit):
        abort(404)
    return unit


@bp.route("/units/<int:unit_id>/feed")
@roles_required(Role.ADMIN, Role.ORGANISER, Role.REPRESENTATIVE)
def unit_feed_page(unit_id: int) -> str:
    """The unit's private feed URL (https and webcal) with a button to rotate it."""
    return render_template("calendar/unit_feed.html", unit=_manageable_unit(unit_id))


@bp.route("/units/<int:unit_id>/feed/rotate", methods=["POST"])
@roles_required(Role.ADMIN, Role.ORGANISER, Role.REPRESENTATIVE)
def rotate_unit_feed(unit_id: int) -> Response | tuple[str, int]:
    """Give the unit a new feed token, once confirmed; subscriptions to the old URL stop updating."""
    unit = _manageable_unit(unit_id)
    if not confirmed():
        return confirmation_page(
            title=_("Rotate the feed address of %(unit)s?", unit=unit.text("name", current_language())),
            consequence=_("The old address will stop working: every calendar subscribed to it stops updating "
                          "until it is subscribed again with the new address."),
            yes=_("Yes, rotate"), back=url_for("calendar.unit_feed_page", unit_id=unit.id))
    services.rotate_feed_token(unit)
    flash(_("The feed has a new address. The old one no longer works; subscribe again with the new one."),
          "success")
    return redirect(url_for("calendar.unit_feed_page", unit_id=unit.id))


@bp.route("/events/replies", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def replies() -> tuple[str, int] | str | Response:
    """Upload or paste a calendar's METHOD:REPLY (or the whole email) to record the unit's answer."""
    form = ReplyForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            return _replies_page(form, None), 422
        try:
            reply = parse_reply(form.reply_bytes())
            applied = services.apply_reply(reply, by_user=current_user)
        except ReplyError as error:
            # A reply that lost a race to another answer (at the service's flush) leaves the session unusable:
            # roll back before the page reads again. The 422 would discard the reply's answers anyway.
            db.session.rollback()
            return _replies_page(form, error.reason), 422
        for answer in applied:
            values = {"unit": answer.invitation.unit.text("name", current_language()),
                      "event": answer.invitation.event.text("title", current_language()),
                      "status": answer_words(answer.status)}
            if answer.changed:
                flash(_("Recorded from calendar: %(unit)s — %(status)s for \"%(event)s\".", **values), "success")
            else:
                flash(_("Already recorded: %(unit)s — %(status)s for \"%(event)s\".", **values), "success")
        return redirect(url_for("calendar.replies"))
    return _replies_page(form, None)


def _replies_page(form: ReplyForm, reason: Any) -> str:
    """The upload form, and the mailbox's calendar messages that named no event we have."""
    return render_template("calendar/replies.html", form=form, reason=reason, unmatched=inbox.unmatched_mailbox())


@bp.route("/events/<int:event_id>/mailbox/<int:message_id>/apply", methods=["POST"])
@roles_required(*ORGANISERS)
def apply_mailbox_reply(event_id: int, message_id: int) -> Response | tuple[str, int]:
    """Apply a refused calendar reply from the mailbox by hand, once confirmed (``inbox.apply_by_hand`` says what
    an organiser may override); refused again → the reason, and nothing changes."""
    message = inbox.mailbox_message(event_id, message_id)
    if message is None:
        abort(404)
    back = url_for("attendance.dashboard", event_id=event_id, _anchor="mailbox")
    if not inbox.may_apply_by_hand(message):
        flash(_("This message was not refused, or its calendar text was not kept; there is nothing to apply."),
              "error")
        return redirect(back)
    newer = inbox.newer_answers(message)
    replace_newer = request.form.get("replace_newer") == "1"
    if not confirmed() or (newer and not replace_newer):
        # A newer answer is named on this page even when the button's own question was already answered.
        return confirmation_page(
            title=_("Apply the calendar reply from %(sender)s anyway?", sender=message.sender or "—"),
            consequence=_("Its answer is recorded in your name. A reply to an older version of the event is "
                          "accepted; every other rule still applies. It was refused because: %(reason)s",
                          reason=message.reason_text(current_language())),
            yes=_("Yes, apply it"), back=back, template="calendar/_mailbox_confirm.html", newer=newer,
            received_at=message.received_at)
    try:
        inbox.apply_by_hand(message, by_user=current_user, replace_newer=replace_newer)
    except ReplyError as error:
        # The savepoint was rolled back; nothing changed. The reason is shown, nothing is committed.
        flash(_("Still refused: %(reason)s", reason=str(error.reason)), "error")
        return redirect(back)
    flash(_("The calendar reply from %(sender)s is applied.", sender=message.sender or "—"), "success")
    return redirect(back)
