"""A unit feed's revalidation answered below Flask: ``304 Not Modified`` for one read and a hash (issue 12).

Calendar clients poll every subscribed feed every few minutes, nearly always holding the current body. The view
(``views.unit_feed``) already answers such a request from one statement (``services.unit_by_feed_token``), but
Flask's request machinery around it — the URL adapter, the session, Flask-Login, Babel, the hooks before and
after every request — cost more than the answer itself. :class:`FeedRevalidation` wraps the WSGI application
(inside ``ProxyFix``: the scheme and host are already the client's) and answers exactly this case itself:

- a GET or HEAD of ``/feeds/<token>.ics`` with ``If-None-Match`` or ``If-Modified-Since`` and no cookie;
- the same statement through the same service, the feed's state key built as the view builds it (the unit's
  language, the builder's settings of this request's root URL), equal to the one recorded with the feed's
  validators, and validators that match (Werkzeug's ``is_resource_modified``, as the view);
- the 304 carries the headers the view's 304 carries: the calendar headers (``views.with_calendar_headers``),
  the security headers (``security.add_security_headers``) and the ``Vary: Cookie`` of the session the app
  reads before every request. ``tests/calendar/test_feed_revalidation.py`` compares both answers.

Everything else — a changed feed, an unknown token, an inactive unit, a cookie, any error — goes to Flask
unchanged, which answers 200, 304 or 404 as before. The fast path stands for the hooks it knows
(:data:`KNOWN_HOOKS`): an application with any other hook, another session interface or application-wide rate
limits leaves every request to Flask. ``FEED_REVALIDATION_FAST_PATH = False`` turns it off.

Logging: the request line is gunicorn's access log (or the development server's), written around the whole
application and masked there (``tracker.logs``); the app itself logs no requests. An error here is logged at
debug level on the app's logger, by its kind alone (its text could hold the token), and the request goes to Flask.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from werkzeug.exceptions import HTTPException
from werkzeug.http import http_date, is_resource_modified, quote_etag

from ..extensions import db
from ..i18n import unit_language
from ..security import add_security_headers
from ..settings import settings as current_settings
from . import services
from .ics import CalendarSettings, settings_from_app

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from flask import Flask
    from werkzeug.wrappers import Response

#: The feed's path (relative to the application's root, as Flask routes it) with a token as ``new_feed_token``
#: makes them; anything else (percent-escapes, a longer token) is Flask's to answer.
_FEED_PATH = re.compile(r"/feeds/([A-Za-z0-9_-]{1,64})\.ics")

#: The hooks a cookieless conditional GET of a feed runs in Flask, each doing nothing for it but what the fast
#: path does too: CSRF checks only unsafe methods; the session limits read the (empty) session — so Flask's
#: session sends ``Vary: Cookie``; Flask-Login's remember cookie needs a session; Flask-Limiter's headers need a
#: limit on the view, which feeds have none of; the security headers are added here as well.
KNOWN_HOOKS = frozenset({
    "flask_wtf.csrf:CSRFProtect.init_app.<locals>.csrf_protect",
    "tracker.auth.sessions:enforce_session_limits",
    "flask_login.login_manager:LoginManager._update_remember_cookie",
    "flask_limiter._extension:Limiter.__inject_headers",
    "tracker.security:add_security_headers",
})
#: Settings kept per (config version, unit language, root URL): a few per installation.
_SETTINGS_KEPT = 64


def _hook_name(hook: Callable[..., Any]) -> str:
    function = hook.func if isinstance(hook, partial) else hook
    return f"{getattr(function, '__module__', '')}:{getattr(function, '__qualname__', repr(function))}"


def hooks_known(app: Flask) -> bool:
    """Whether ``/feeds/<token>.ics`` is still ``views.unit_feed``'s, every hook its request runs in Flask is one
    the fast path stands for (:data:`KNOWN_HOOKS`; Flask-Limiter's hook before every request, kept for
    application-wide limits by ``tracker.setup``, is not), and nothing else Flask does for it could add a header
    (another session interface, a remember cookie refreshed on every request, CSRF checked on GET)."""
    try:  # the path is still the view's
        endpoint, _values = app.url_map.bind("localhost").match("/feeds/token.ics", method="GET")
    except HTTPException:
        return False
    if endpoint != "calendar.unit_feed":
        return False
    scopes = (None, "calendar")
    hooks: list[Callable[..., Any]] = []
    for registry in (app.before_request_funcs, app.after_request_funcs, app.url_value_preprocessors):
        for scope in scopes:
            hooks.extend(registry.get(scope, ()))
    if any(_hook_name(hook) not in KNOWN_HOOKS for hook in hooks):
        return False
    if type(app.session_interface) is not SecureCookieSessionInterface:
        return False
    if app.config.get("REMEMBER_COOKIE_REFRESH_EACH_REQUEST"):
        return False
    return not {"GET", "HEAD"} & set(app.config.get("WTF_CSRF_METHODS") or ())


class FeedRevalidation:
    """WSGI middleware: answers a unit feed's matching conditional request with 304, passes on everything else."""

    def __init__(self, app: Flask, wsgi_app: WSGIApplication) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self._settings: dict[tuple[int, str, str], CalendarSettings] = {}
        self._usable: bool | None = None  # hooks_known, checked at the first request (every hook is in by then)
        self._template: list[tuple[str, str]] | None = None
        self._engine: tuple[Engine, Engine] | None = None

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        match = _FEED_PATH.fullmatch(environ.get("PATH_INFO", ""))
        if (match is not None and environ.get("REQUEST_METHOD") in ("GET", "HEAD") and "HTTP_COOKIE" not in environ
                and ("HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ)
                and self.app.config.get("FEED_REVALIDATION_FAST_PATH", True)):
            if self._usable is None:
                self._usable = hooks_known(self.app)
            if self._usable:
                try:
                    answered = self._not_modified(environ, start_response, match.group(1))
                except Exception as error:  # anything odd: the app answers, as without the fast path
                    # The kind only: a traceback would carry the statement's parameters, the token among them.
                    self.app.logger.debug("feed revalidation left to the application: %s", type(error).__name__)
                    answered = None
                if answered is not None:
                    return answered
        return self.wsgi_app(environ, start_response)

    def _not_modified(
        self, environ: WSGIEnvironment, start_response: StartResponse, token: str
    ) -> Iterable[bytes] | None:
        """The 304's body (none), started; ``None`` when the view must answer."""
        app = self.app
        if app.config.get("SERVER_NAME") or app.config.get("TRUSTED_HOSTS") is not None:
            return None  # Flask checks the Host header against these first (404 / 400): left to it
        with app.app_context():
            # A connection of the pool, not a session (a session costs as much again); back in the pool at once.
            with self._engine_for_one_statement().connect() as connection:
                owner = services.unit_by_feed_token(token, connection)
            if owner is None or owner.recorded is None:
                return None
            settings = self._calendar_settings(environ, owner)
            if owner.recorded.state_key != services.feed_state_key(settings, owner.generation):
                return None
        recorded = owner.recorded
        if is_resource_modified(environ, etag=recorded.etag, last_modified=recorded.last_modified):
            return None
        start_response("304 NOT MODIFIED", self._headers(environ, recorded.etag, recorded.last_modified))
        return []

    def _engine_for_one_statement(self) -> Engine:
        """SQLite: the app's engine (its pool). PostgreSQL: a small engine of its own, made once per app engine,
        with autocommit connections and no pre-ping.

        One statement needs no transaction, so the server is not asked to BEGIN and ROLLBACK; and a pre-ping
        would be one more round trip of three. Without it a connection the server dropped fails the statement —
        and any failure here leaves the request to the view, whose engine pings; SQLAlchemy discards the dead
        connection. The price is one more connection per worker (docs/deploy.md). SQLite's driver begins no
        transaction for a read, and its file never drops a connection."""
        engine = db.engine
        if self._engine is None or self._engine[0] is not engine:
            if self._engine is not None and self._engine[1] is not self._engine[0]:
                self._engine[1].dispose()
            own = engine
            if engine.dialect.name == "postgresql":
                own = create_engine(engine.url, isolation_level="AUTOCOMMIT", pool_pre_ping=False, pool_size=1,
                                    max_overflow=0, pool_timeout=0.05)
                # Closed with the app's: its connections must not outlive the pool they stand beside.
                event.listen(engine, "engine_disposed", lambda _engine, own=own: own.dispose())
            self._engine = (engine, own)
        return self._engine[1]

    def _headers(self, environ: WSGIEnvironment, etag: str, last_modified: datetime) -> list[tuple[str, str]]:
        """The view's 304 headers for these validators: made once by the view's own code (:func:`not_modified`,
        as Werkzeug sends it), then only the validators change."""
        if self._template is None:
            sample = not_modified(self.app, "sample", datetime(2000, 1, 1, tzinfo=UTC))
            self._template = sample.get_wsgi_headers(environ).to_wsgi_list()
        return [(name, quote_etag(etag) if name == "ETag" else http_date(last_modified) if name == "Last-Modified"
                 else value) for name, value in self._template]

    def _calendar_settings(self, environ: WSGIEnvironment, owner: services.FeedOwner) -> CalendarSettings:
        """``settings_from_app(unit_language(owner))`` as the view builds it for this request, kept per config
        version, unit language and root URL (never per token)."""
        site = current_settings()
        root = site.base_url or self.app.request_class(environ).url_root
        key = (getattr(self.app.config, "version", 0), str(owner.language), root)
        settings = self._settings.get(key)
        if settings is None:
            with self.app.request_context(environ):  # the request's root URL, read as the view reads it
                settings = settings_from_app(unit_language(owner))
            if len(self._settings) >= _SETTINGS_KEPT:
                self._settings.clear()
            self._settings[key] = settings
        return settings


def not_modified(app: Flask, etag: str, last_modified: datetime) -> Response:
    """The 304 the view answers with for these validators, as :class:`FeedRevalidation` sends it: the calendar
    headers (``views.with_calendar_headers``), the security headers every response gets, and the ``Vary: Cookie``
    of the session Flask reads before every request (``tracker.auth.sessions.enforce_session_limits``)."""
    from .views import with_calendar_headers

    response = app.response_class(status=304)
    with_calendar_headers(response, etag, last_modified, None, True, conditional=False)
    add_security_headers(response)
    response.vary.add("Cookie")
    return response


def install_feed_revalidation(app: Flask) -> None:
    """Wrap ``app.wsgi_app`` with :class:`FeedRevalidation`. Call before ``ProxyFix`` wraps it (``security``)."""
    app.wsgi_app = FeedRevalidation(app, app.wsgi_app)  # type: ignore[method-assign]
