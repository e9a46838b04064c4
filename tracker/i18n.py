"""Interface language and locale-aware formatting of dates, times and numbers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from babel.dates import format_date, format_datetime, format_time
from flask import Flask, current_app, has_request_context, request, session
from flask_login import current_user

#: Names of the languages in themselves, for the switcher.
LANGUAGE_NAMES = {"az": "Azərbaycanca", "ru": "Русский", "en": "English"}


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it yet.

    For messages made where no reader is known (services, commands, module constants); the code that
    shows them passes them through ``gettext`` in the reader's language.
    """
    return message


def select_locale() -> str:
    """The signed-in user's language, else the session's choice, else the browser's."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        # Commands and workers: the content language; emails choose their language explicitly.
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    chosen = session.get("language")
    if chosen in languages:
        return str(chosen)
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    """Times are shown in the agency's zone unless an event says otherwise."""
    return current_app.config["TIMEZONE"]


def mail_language() -> str:
    """The language emails to units are written in: ``MAIL_LANGUAGE``, else the default locale."""
    config = current_app.config
    return str(config.get("MAIL_LANGUAGE") or config.get("BABEL_DEFAULT_LOCALE") or config["CONTENT_LANGUAGE"])


def current_language() -> str:
    """The language of this request (``az``, ``ru`` or ``en``)."""
    from flask_babel import get_locale

    locale = get_locale()
    return locale.language if locale else current_app.config["BABEL_DEFAULT_LOCALE"]


def organisation_name(language: str | None = None) -> str:
    """The agency's name in ``language`` (``ORGANISATION_NAME_AZ`` …), else ``ORGANISATION_NAME``."""
    config = current_app.config
    language = language or current_language()
    return str(config.get(f"ORGANISATION_NAME_{language.upper()}") or config["ORGANISATION_NAME"])


def local_date(value: date | datetime, fmt: str = "long", zone: Any = None, language: str | None = None) -> str:
    """A date in the reader's language; a datetime is first moved to ``zone``."""
    language = language or current_language()
    if isinstance(value, datetime):
        if zone is not None:
            value = value.astimezone(zone)
        value = value.date()
    return format_date(value, format=fmt, locale=language)


def local_time(value: datetime, zone: Any = None, language: str | None = None) -> str:
    """A time of day (24-hour) in the reader's language, in ``zone`` when given."""
    if zone is not None:
        value = value.astimezone(zone)
    return format_time(value, format="HH:mm", locale=language or current_language())


def local_datetime(value: datetime, zone: Any = None, language: str | None = None) -> str:
    """Date and time in the reader's language, in ``zone`` when given."""
    if zone is not None:
        value = value.astimezone(zone)
    return format_datetime(value, format="d MMMM y, HH:mm", locale=language or current_language())


def register_template_helpers(app: Flask) -> None:
    """Make the formatters and language list available to every template."""
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["local_datetime"] = local_datetime

    @app.context_processor
    def language_context() -> dict[str, Any]:
        return {
            "current_language": current_language,
            "language_names": LANGUAGE_NAMES,
            "organisation_name": organisation_name,
            "site_languages": app.config["LANGUAGES"],
        }
