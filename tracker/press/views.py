"""The public press page (docs/press.md): ``/press/<lang>/``, ``/press/<lang>/<key>/`` and ``/press/<lang>.atom``.

Open to anyone, and off unless ``PRESS_PAGE_ENABLED`` and ``BASE_URL`` are both set (404 for every address
under ``/press/`` otherwise). It shows only published versions (:class:`~tracker.models.ReleasePublication`
rows marked ``live``, of events still scheduled or held: :func:`~tracker.reports.publishing.shown`): their
frozen text, never the live record, and nothing about invitations, answers or attendance. The pages have a
layout of their own (``templates/press/layout.html``): nothing of the signed-in application shows there.

Every absolute address these pages and feeds print (links, ``canonical``, ``og:url``, ``hreflang``, Atom ids
and links) is built on ``BASE_URL``, never on the request's ``Host``: the responses are cacheable by anyone
(``Cache-Control: public``), and a forged ``Host`` must not end up in a shared cache or in a feed's ids.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import LazyString, force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from ..auth.access import public
from ..bounds import RECORD_ID, parse_number
from ..models import PhotoSize, ReleasePublication
from ..photos.serving import photo_response
from ..reports import publishing
from ..reports.phrases import REPORT_LANGUAGES
from ..settings import settings, site_path
from .feed import FeedEntry, FeedHead, build_feed

bp = Blueprint("press", __name__, url_prefix="/press")

#: OpenGraph's locale of each language (``og:locale``).
OG_LOCALES = {"az": "az_AZ", "ru": "ru_RU", "en": "en_GB"}
#: The longest ``og:description``.
DESCRIPTION_LENGTH = 300
#: Keys are :func:`tracker.models.publication_key`'s: ``event-12``, ``series-3``.
KEY_PATTERN = re.compile(r"(event|series)-[1-9][0-9]{0,17}")
#: The sizes of a photo the press page serves: the one its pages show (and ``og:image``). The others (thumbnail,
#: print, the full-size original) are for staff: the print and full sizes are in the press kit.
PUBLIC_PHOTO_SIZES = frozenset({PhotoSize.WEB.value})
#: How long anyone may cache a public photo: its address changes with its content, but a photo taken off the
#: release (or the release off the page) should leave shared caches within the hour.
PHOTO_CACHE_CONTROL = "public, max-age=3600"
#: When nothing was ever published in a language, the feed's ``updated`` (Atom requires one).
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@bp.before_request
def press_page_enabled() -> None:
    """Every address under ``/press/`` is 404 unless the press page is turned on and ``BASE_URL`` is set (its
    addresses are never built on the request's ``Host``)."""
    current = settings()
    if not publishing.press_page_open(current):
        if current.press_page_enabled and not current_app.extensions.get("press_base_url_warned"):
            current_app.extensions["press_base_url_warned"] = True
            current_app.logger.warning("PRESS_PAGE_ENABLED is on but BASE_URL is not set: /press/ answers 404")
        abort(404)


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute address of a press page on ``BASE_URL`` (never on the request's ``Host``)."""
    return settings().site_url(site_path(endpoint, **values), from_request=False)


def _languages() -> tuple[str, ...]:
    """The press page's languages: the site's languages that releases are written in, in the site's order."""
    return tuple(code for code in settings().languages if code in REPORT_LANGUAGES)


def _refuse(code: int, lang: str | None = None, reason: str | LazyString | None = None) -> None:
    """Stop with ``code`` on a page in the public layout (the application's own error page would show its
    navigation); ``reason`` says what to change: pass it lazily (``_l``) so that it is worded in the page's
    language, not the reader's."""
    language = lang if lang in _languages() else settings().default_language
    with force_locale(language):
        page = render_template("press/error.html", lang=language, code=code, reason=reason,
                               organisation=settings().organisation(language), alternates=(), feed_url=None)
    abort(Response(page, status=code, mimetype="text/html"))


def _not_found(lang: str | None = None) -> None:
    _refuse(404, lang)


def _check_language(lang: str) -> None:
    if lang not in _languages():
        _not_found()


def paragraphs(text: str) -> tuple[str, ...]:
    """Blocks of ``text`` separated by blank lines."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n").strip())
    return tuple(block.strip() for block in blocks if block.strip())


def description(row: ReleasePublication) -> str:
    """A sentence or two for sharing: the lead, else the start of the text, cut at a word."""
    text = " ".join((row.lead or row.body).split())
    if len(text) <= DESCRIPTION_LENGTH:
        return text
    return text[:DESCRIPTION_LENGTH].rsplit(" ", 1)[0] + "…"


def release_url(lang: str, key: str) -> str:
    """The stable absolute address of a release in ``lang``: the same for every version."""
    return public_url("press.release", lang=lang, key=key)


def _render(template: str, lang: str, **context: Any) -> str:
    current = settings()
    with force_locale(lang):
        return render_template(
            template, lang=lang, organisation=current.organisation(lang), press_contact=current.press_contact,
            og_locale=OG_LOCALES.get(lang, lang), feed_url=public_url("press.feed", lang=lang),
            zone=ZoneInfo(current.timezone),
            **context,
        )


def _public(response: Response) -> Response:
    response.headers["Cache-Control"] = "public, no-cache"
    return response


@bp.route("/<lang>/")
@public
def index(lang: str) -> Response:
    """The published releases in ``lang``, newest first, ``page_size`` at a time (``?before=<id>``)."""
    _check_language(lang)
    before = None
    if "before" in request.args:
        before = parse_number(request.args["before"], RECORD_ID)
        if before is None:
            _refuse(400, lang, _l("“before” must be the number of a release on this page."))
    size = settings().page_size
    rows = publishing.live_releases(lang, before=before, limit=size + 1)
    older = rows[size - 1].id if len(rows) > size else None
    rows = rows[:size]
    alternates = [(code, public_url("press.index", lang=code)) for code in _languages()]
    page = _render(
        "press/index.html", lang,
        releases=rows, older=older, first_page=before is None,
        release_url=release_url, alternates=alternates,
        self_url=public_url("press.index", lang=lang),
    )
    return _public(Response(page, mimetype="text/html"))


@bp.route("/<lang>/<key>/")
@public
def release(lang: str, key: str) -> Response:
    """The release ``key`` as last published in ``lang``; 404 when it is not on the press page."""
    _check_language(lang)
    row = publishing.live_release(lang, key) if KEY_PATTERN.fullmatch(key) else None
    if row is None:
        _not_found(lang)
    assert row is not None
    languages = [code for code in publishing.live_languages(key) if code in _languages()]
    alternates = [(code, release_url(code, key)) for code in languages]
    # As frozen with this version: caption and credit line in its language; the web file's own dimensions.
    photos = [
        (frozen.caption, frozen.credit, web.width, web.height,
         public_url("press.photo", photo_id=frozen.photo_id, key=frozen.photo.key, size=PhotoSize.WEB.value))
        for frozen in publishing.public_photos(row)
        if (web := frozen.photo.file(PhotoSize.WEB)) is not None
    ]
    page = _render(
        "press/release.html", lang,
        release=row, photos=photos, paragraphs=paragraphs(row.body), description=description(row),
        self_url=release_url(lang, key), alternates=alternates,
        alternate_locales=[OG_LOCALES.get(code, code) for code in languages if code != lang],
        first_published=publishing.first_published(key, lang) or row.published_at,
        index_url=url_for("press.index", lang=lang),
    )
    response = Response(page, mimetype="text/html")
    response.last_modified = row.published_at
    return _public(response)


@bp.route("/<lang>.atom")
@public
def feed(lang: str) -> Response:
    """The Atom 1.0 feed of the press page in ``lang``; answers a matching ``If-None-Match`` with 304.

    No ``Last-Modified``: an entry can leave the feed without any moment to show for it (its event cancelled,
    or deleted with its rows), so only the ETag — the hash of the body — says whether the feed changed."""
    _check_language(lang)
    current = settings()
    rows = publishing.live_releases(lang, limit=current.page_size)
    first = publishing.first_published_of([row.key for row in rows], lang)
    entries = [
        FeedEntry(
            url=release_url(lang, row.key), title=row.title, summary=row.lead, paragraphs=paragraphs(row.body),
            published=first.get(row.key, row.published_at), updated=row.published_at,
        )
        for row in rows
    ]
    updated = publishing.last_change(lang) or EPOCH
    with force_locale(lang):
        title = _("Press releases: %(organisation)s", organisation=current.organisation(lang))
    head = FeedHead(
        page_url=public_url("press.index", lang=lang), feed_url=public_url("press.feed", lang=lang),
        title=title, author=current.organisation(lang), language=lang, updated=updated,
    )
    body = build_feed(head, entries)
    response = Response(body, mimetype="application/atom+xml")
    response.set_etag(hashlib.sha256(body).hexdigest())
    _public(response)
    return response.make_conditional(request)


@bp.route("/photos/<int:photo_id>/<key>/<size>.jpg")
@public
def photo(photo_id: int, key: str, size: str) -> Response:
    """A photo of a release on the press page, frozen with a version it shows, in the web size only (404 for any
    other photo or size)."""
    shown_photo = publishing.public_photo(photo_id) if size in PUBLIC_PHOTO_SIZES else None
    if shown_photo is None or shown_photo.key != key:
        _not_found()
    assert shown_photo is not None
    return photo_response(shown_photo, size, cache_control=PHOTO_CACHE_CONTROL)
