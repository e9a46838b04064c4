"""tracker — plan an agency's ceremonies and know who is coming."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from . import config
from .settings import Settings
from .transactions import TrackerFlask


def _template_folder() -> str:
    """Top-level ``templates/`` in a checkout; ``tracker/templates`` inside an installed wheel."""
    packaged = Path(__file__).parent / "templates"
    if packaged.is_dir():
        return str(packaged)
    return str(Path(__file__).parent.parent / "templates")


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, error pages, commands."""
    app = TrackerFlask(__name__, instance_relative_config=True, template_folder=_template_folder())
    instance_path = os.environ.get("TRACKER_INSTANCE_PATH")
    if instance_path:
        app.instance_path = instance_path
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    app.config.from_mapping(config.DEFAULTS)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "tracker.sqlite")
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(config.from_environment())
    else:
        app.config.update(test_config)
    if (str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite")
            and app.config.get("SQLALCHEMY_ENGINE_OPTIONS") == config.DEFAULTS["SQLALCHEMY_ENGINE_OPTIONS"]):
        # A database file on this machine never drops a connection: pinging it before every request would
        # only cost a statement (issue 12). A server (PostgreSQL) may, so it keeps the ping.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {}
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.load_or_create_secret_key(app.instance_path)
    # Services read the settings from the config when they need them (tracker.settings); reading them once
    # here makes a bad value (an unreadable ALARMS) stop the start rather than the first email.
    Settings.from_config(app.config)

    from .calendar.revalidation import install_feed_revalidation
    from .logs import register_log_masking
    from .security import register_security
    from .setup import (
        register_blueprints,
        register_commands,
        register_errorhandlers,
        register_extensions,
        register_signal_receivers,
    )
    from .templating import register_template_helpers

    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_signal_receivers()
    register_errorhandlers(app)
    register_commands(app)
    # Inside ProxyFix (register_security wraps what is there then): the fast path sees the client's scheme and host.
    install_feed_revalidation(app)
    register_security(app)
    register_log_masking(app)
    return app
