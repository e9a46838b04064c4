"""The steps of ``create_app``: extensions, blueprints, error pages and commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, render_template, request
from flask_babel import format_decimal, gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter
from werkzeug.wrappers import Response

from .api.problems import http_problem, is_api_request
from .bounds import RECORD_ID
from .extensions import babel, csrf, db, limiter, login_manager, migrate

MIGRATIONS = str(Path(__file__).parent / "migrations")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL and a busy timeout let several workers share one SQLite file; enforce foreign keys."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_savepoint_in_a_transaction(connection: Any, _name: str) -> None:
    """Begin the transaction before a savepoint when SQLite's driver has not (it begins one only before a write).

    Otherwise a SAVEPOINT that comes first becomes the transaction itself and its RELEASE commits: what the
    savepoint guarded (a mailbox message's record, a claim) would be committed before the request ends, and a
    failure after it could no longer take it back.
    """
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection is not None and not dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN")


def register_extensions(app: Flask) -> None:
    """Bind the extension objects of ``tracker.extensions`` to ``app``."""
    from . import (
        i18n,
        models,  # noqa: F401  (registers every table on the metadata)
    )
    from .auth.services import load_user
    from .auth.sessions import init_sessions

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)
            event.listen(db.engine, "savepoint", _sqlite_savepoint_in_a_transaction)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.user_loader(load_user)
    # One setting for both cookies: a remember cookie sent over plain HTTP would undo a Secure session.
    app.config["REMEMBER_COOKIE_SECURE"] = bool(app.config.get("SESSION_COOKIE_SECURE"))
    init_sessions(app)
    limiter.init_app(app)
    # Every limit here is on a view (``auth/throttle.py``), and Flask-Limiter checks those in the view's own
    # wrapper; its hook before every request only looks for application-wide limits, which we have none of.
    # Issue 12: that look cost 7 % of a feed's revalidation. tests/auth/test_throttling.py holds the limits.
    # An installation that configures application-wide or default limits keeps the hook.
    if not any(app.config.get(key) for key in ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META")):
        app.before_request_funcs[None].remove(limiter._check_request_limit)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)


class RecordIdConverter(IntegerConverter):
    """``<int:...>`` for record ids: a number past what the database holds does not match, so it is 404.

    Werkzeug's converter takes any length of digits; SQLite overflows past 2^63 and PostgreSQL past 2^31
    (INTEGER ids), each a 500. The limit is :data:`tracker.bounds.RECORD_ID`.
    """

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", RECORD_ID.high)
        super().__init__(url_map, *args, **kwargs)


def register_blueprints(app: Flask) -> None:
    """Mount every area's blueprint."""
    # Every ``<int:...>`` in every blueprint gets the bounded converter; it must be in place before the rules.
    app.url_map.converters["int"] = RecordIdConverter
    from .admin.views import bp as admin_bp
    from .attendance.views import bp as attendance_bp
    from .auth.views import bp as auth_bp
    from .calendar.views import bp as calendar_bp
    from .directory.views import bp as directory_bp
    from .events.views import bp as events_bp
    from .home.views import bp as home_bp
    from .photos.views import bp as photos_bp
    from .press.views import bp as press_bp
    from .reports.views import bp as reports_bp

    for blueprint in (auth_bp, admin_bp, directory_bp, events_bp, attendance_bp, calendar_bp, reports_bp,
                      photos_bp, home_bp, press_bp):
        app.register_blueprint(blueprint)
    from .api import register_api

    register_api(app)


def register_signal_receivers() -> None:
    """Connect every area's receivers of the domain signals (``tracker/signals.py``), in one place."""
    from .calendar.notifications import connect_receivers

    connect_receivers()


def register_errorhandlers(app: Flask) -> None:
    """Error pages in the user's language, in the site layout."""

    def render_error(error: HTTPException) -> tuple[str, int] | Response:
        if is_api_request():
            return http_problem(error)  # the API answers application/problem+json, never a page
        code = error.code or 500
        # Werkzeug's default descriptions and Flask-WTF's CSRF reasons are English only; show ours alone.
        description = None if error.description == type(error).description else error.description
        if isinstance(error, RequestEntityTooLarge):
            description = gettext("What was sent is larger than this site accepts (at most %(size)s). Shorten "
                                  "the text or send a smaller file.", size=_size_limit(app))
        if isinstance(error, CSRFError):
            description = gettext("The form had expired or did not come from this site. Go back, reload the page "
                                  "and send it again.")
        return render_template("errors/error.html", error=error, code=code, description=description), code

    for code in (400, 403, 404, 405, 409, 410, 413, 422, 500):
        app.register_error_handler(code, render_error)


def _size_limit(app: Flask) -> str:
    """The limit the request passed, as "10 MB": the whole body's, else the one on a form's text."""
    body_limit, form_limit = app.config.get("MAX_CONTENT_LENGTH"), app.config.get("MAX_FORM_MEMORY_SIZE")
    length = request.content_length
    passed_body = body_limit and (length is None or length > body_limit)
    limit = (body_limit if passed_body else form_limit or body_limit) or 0
    return gettext("%(number)s MB", number=format_decimal(round(limit / (1024 * 1024), 1)))


def register_commands(app: Flask) -> None:
    """Add the ``flask`` commands of ``tracker.cli``."""
    from .cli import register

    register(app)
