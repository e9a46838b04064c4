"""Interface language and locale-aware formatting of dates, times and numbers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from babel.dates import format_date, format_datetime, format_time
from flask import Flask, has_app_context, has_request_context, request, session
from flask_login import current_user

from . import config as defaults
from .settings import settings


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it yet.

    For messages made where no reader is known (services, commands, module constants); the code that
    shows them passes them through ``gettext`` in the reader's language.
    """
    return message


def site_languages() -> tuple[str, ...]:
    """The site's languages (``LANGUAGES``), in the order the switcher shows them: the one list to read.

    Outside an application (module import time) this is the configured default, ``tracker.config.LANGUAGES``.
    """
    if not has_app_context():
        return tuple(defaults.LANGUAGES)
    return settings().languages


def primary_language() -> str:
    """The language every translatable text is first written in (``CONTENT_LANGUAGE``); the others fall back
    to it."""
    if not has_app_context():
        return defaults.CONTENT_LANGUAGE
    return settings().content_language


def translation_languages() -> tuple[str, ...]:
    """The site's languages a text can be translated into: all but the primary one, in the site's order."""
    primary = primary_language()
    return tuple(code for code in site_languages() if code != primary)


def select_locale() -> str:
    """The signed-in user's language, else the session's choice, else the browser's."""
    languages = site_languages()
    if not has_request_context():
        # Commands and workers: the content language; emails choose their language explicitly.
        return settings().default_language
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    chosen = session.get("language")
    if chosen in languages:
        return str(chosen)
    return request.accept_languages.best_match(languages) or settings().default_language


def select_timezone() -> str:
    """Times are shown in the agency's zone unless an event says otherwise."""
    return settings().timezone


def mail_language() -> str:
    """The language emails to units are written in: ``MAIL_LANGUAGE``, else the default locale."""
    return settings().mail_language


def current_language() -> str:
    """The language of this request (one of :func:`site_languages`)."""
    from flask_babel import get_locale

    locale = get_locale()
    return locale.language if locale else settings().default_language


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
    """The date and time formatters as template filters (called once, by :mod:`tracker.templating`)."""
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["local_datetime"] = local_datetime
