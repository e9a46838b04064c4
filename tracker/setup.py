"""The steps of ``create_app``: extensions, blueprints, error pages and commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, render_template
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from werkzeug.exceptions import HTTPException

from .extensions import babel, csrf, db, login_manager, migrate

MIGRATIONS = str(Path(__file__).parent / "migrations")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL and a busy timeout let several workers share one SQLite file; enforce foreign keys."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def register_extensions(app: Flask) -> None:
    """Bind the extension objects of ``tracker.extensions`` to ``app``."""
    from . import (
        i18n,
        models,  # noqa: F401  (registers every table on the metadata)
    )
    from .auth.services import load_user

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.user_loader(load_user)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    i18n.register_template_helpers(app)


def register_blueprints(app: Flask) -> None:
    """Mount every area's blueprint."""
    from .admin.views import bp as admin_bp
    from .attendance.views import bp as attendance_bp
    from .auth.views import bp as auth_bp
    from .calendar.views import bp as calendar_bp
    from .directory.views import bp as directory_bp
    from .events.views import bp as events_bp
    from .reports.views import bp as reports_bp

    for blueprint in (auth_bp, admin_bp, directory_bp, events_bp, attendance_bp, calendar_bp, reports_bp):
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    """Error pages in the user's language, in the site layout."""

    def render_error(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        # Werkzeug's default descriptions and Flask-WTF's CSRF reasons are English only; show ours alone.
        description = None if error.description == type(error).description else error.description
        if isinstance(error, CSRFError):
            description = gettext("The form had expired or did not come from this site. Go back, reload the page "
                                  "and send it again.")
        return render_template("errors/error.html", error=error, code=code, description=description), code

    for code in (400, 403, 404, 405, 409, 410, 413, 422, 500):
        app.register_error_handler(code, render_error)


def register_commands(app: Flask) -> None:
    """Add the ``flask`` commands of ``tracker.cli``."""
    from .cli import register

    register(app)
