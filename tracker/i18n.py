"""Interface language and locale-aware formatting of dates, times and numbers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from babel.dates import format_date, format_datetime, format_time
from flask import Flask, g, has_app_context, has_request_context, request, session
from flask_login import current_user

from . import config as defaults
from .settings import content_language, settings


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
    return content_language()


def translation_languages() -> tuple[str, ...]:
    """The site's languages a text can be translated into: all but the primary one, in the site's order."""
    primary = primary_language()
    return tuple(code for code in site_languages() if code != primary)


def select_locale() -> str:
    """The signed-in user's language, else the session's choice, else the page's own (:func:`open_page_in`),
    else the browser's."""
    languages = site_languages()
    if not has_request_context():
        # Commands and workers: the content language; emails choose their language explicitly.
        return settings().default_language
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    chosen = session.get("language")
    if chosen in languages:
        return str(chosen)
    suggested = g.get("page_language")
    if suggested in languages:
        return str(suggested)
    return request.accept_languages.best_match(languages) or settings().default_language


def select_timezone() -> str:
    """Times are shown in the agency's zone unless an event says otherwise."""
    return settings().timezone


def mail_language() -> str:
    """The language of emails to no unit and to no one who chose one (``MAIL_LANGUAGE``, else the default
    locale): a password reset for an account without a language. Emails to a unit use :func:`unit_language`."""
    return settings().mail_language


def unit_language(unit: Any) -> str:
    """The language of everything sent to ``unit``: its emails, their ``.ics``, its feed, the page its answer
    link opens. The unit's own (``Unit.language``) while the site offers it, else the primary language."""
    code = getattr(unit, "language", None)
    return str(code) if code in site_languages() else primary_language()


def open_page_in(language: str) -> None:
    """Show this request's page in ``language`` unless the visitor chose one (their account's language or the
    switcher's choice, which win): the answer link a unit was emailed opens in the unit's language."""
    from flask_babel import refresh

    g.page_language = language
    refresh()


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
