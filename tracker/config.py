"""Configuration: defaults, then ``instance/config.py``, then the environment (``TRACKER_*``, ``DATABASE_URL``).

The environment wins so that one image can be configured per machine without editing files. Services do not
read these keys themselves: they get them as one typed object, :class:`tracker.settings.Settings`.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

#: Languages of the interface and of report texts, in the order the switcher shows them.
LANGUAGES = ("az", "ru", "en")
#: The language every translatable text is first written in; the others fall back to it.
CONTENT_LANGUAGE = "az"

DEFAULTS: dict[str, Any] = {
    # flask-smorest (the JSON API, tracker/api): the description at /api/v1/openapi.json, OpenAPI 3.1. No
    # Swagger/ReDoc page: they load their scripts from a CDN, which the agency's network may not reach.
    #: Answer a unit feed's matching conditional request (304) below Flask (tracker/calendar/revalidation.py).
    "FEED_REVALIDATION_FAST_PATH": True,
    "API_TITLE": "tracker",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": None,
    "OPENAPI_REDOC_PATH": None,
    "TIMEZONE": "Asia/Baku",
    "LANGUAGES": LANGUAGES,
    "CONTENT_LANGUAGE": CONTENT_LANGUAGE,
    "BABEL_DEFAULT_LOCALE": "en",
    "ORGANISATION_NAME": "State Migration Service",
    #: The name in the other report languages (press releases); empty falls back to ORGANISATION_NAME.
    "ORGANISATION_NAME_AZ": "Dövlət Miqrasiya Xidməti",
    "ORGANISATION_NAME_RU": "Государственная миграционная служба",
    "PRESS_CONTACT": "press@migration.example.org",
    #: The address units reach the site at, e.g. ``https://tracker.agency.local``: every absolute link (answer
    #: links, feeds, calendar files, emails) is built on it. Empty: the address serving each request, and
    #: DEFAULT_BASE_URL outside a request (the mail worker, commands). See README.md.
    "BASE_URL": "",
    #: The root of links built outside any request while BASE_URL is empty; `make run` sets it to its own address.
    "DEFAULT_BASE_URL": "http://127.0.0.1:5000",
    #: Language of emails to no unit and no one with a language (a password reset for an account without one);
    #: empty means BABEL_DEFAULT_LOCALE. Emails to a unit are in the unit's language (``Unit.language``).
    "MAIL_LANGUAGE": "",
    "MAIL_FROM": "tracker@migration.example.org",
    "ORGANIZER_EMAIL": "protocol@migration.example.org",
    "ORGANIZER_NAME": "Protocol Office",
    #: The organiser's name in the other languages (emails, calendar files and pages in that language); empty
    #: falls back to ORGANIZER_NAME.
    "ORGANIZER_NAME_AZ": "Protokol şöbəsi",
    "ORGANIZER_NAME_RU": "Протокольный отдел",
    "SMTP_URL": "",
    #: Folder of the .eml files written when SMTP_URL is empty; empty means ``<instance>/outbox``.
    "OUTBOX_DIR": "",
    #: Delivery attempts before a message is marked failed; the wait doubles from MAIL_RETRY_SECONDS.
    "MAIL_MAX_ATTEMPTS": 10,
    "MAIL_RETRY_SECONDS": 60,
    #: How long a worker's claim on a message lasts; a worker killed mid-send is retried after it.
    "MAIL_LEASE_SECONDS": 300,
    #: The organiser's mailbox, read by ``flask mail fetch`` for calendar replies (tracker.calendar.mailbox):
    #: ``imaps://user:password@host/INBOX``; ``imap://`` needs STARTTLS unless ``?starttls=no``; ``?cafile=``.
    #: Empty: nothing is fetched.
    "IMAP_URL": "",
    #: Folders the fetcher moves taken messages to (``/`` separates levels; created when missing).
    "IMAP_APPLIED_FOLDER": "Tracker/Applied",
    "IMAP_REFUSED_FOLDER": "Tracker/Refused",
    #: ``mail fetch --watch`` looks at the mailbox at least this often, even when the server's IDLE is silent.
    "IMAP_POLL_SECONDS": 60,
    "REMINDER_INTERVAL_HOURS": 24,
    #: Reminders before the start in calendar invitations (ISO 8601 durations, comma-separated; empty = none).
    "ALARMS": "P1D,PT1H",
    #: How often subscribed calendar apps should fetch a feed again (ISO 8601 duration).
    "CALENDAR_REFRESH_INTERVAL": "PT1H",
    "PAGE_SIZE": 25,
    #: The anniversaries to come (tracker.events.anniversaries) list every this-many-th one (5th, 10th, …) …
    "ANNIVERSARY_STEP": 5,
    #: … and highlight every this-many-th (25th, 50th, 75th, 100th …).
    "ANNIVERSARY_HIGHLIGHT_STEP": 25,
    #: Keep the pages people reload most, built once per state of what they show (tracker.pagecache).
    "PAGE_CACHE": True,
    #: The public press page (/press/<lang>/, its releases and Atom feeds, docs/press.md); off: 404 there.
    "PRESS_PAGE_ENABLED": False,
    #: Photos of events (tracker.photos, docs/photos.md): where their files are kept, "database" or "filesystem" …
    "PHOTO_STORAGE": "database",
    #: … the folder of the filesystem backend (every app server must share it); empty means ``<instance>/photos``.
    "PHOTO_DIRECTORY": "",
    #: Largest photo file accepted, in bytes (20 MB), and most files in one upload (the upload's body may be
    #: PHOTO_MAX_BYTES × PHOTO_MAX_FILES, past MAX_CONTENT_LENGTH).
    "PHOTO_MAX_BYTES": 20 * 1024 * 1024,
    "PHOTO_MAX_FILES": 20,
    #: Largest request body, in bytes (10 MB), uploads included; a larger one is answered 413.
    "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
    #: Largest form text held in memory, in bytes (4 MB). Werkzeug's 500 kB would refuse an event with long
    #: descriptions in three languages (percent-encoding triples non-Latin text) or a pasted calendar email.
    "MAX_FORM_MEMORY_SIZE": 4 * 1024 * 1024,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "WTF_CSRF_TIME_LIMIT": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    #: Sessions (tracker.auth.sessions): signed out after this many minutes without a request …
    "SESSION_IDLE_MINUTES": 30,
    #: … and this many hours after signing in, however busy. "Keep me signed in" lasts its own time:
    "SESSION_MAX_HOURS": 10,
    #: seconds the remember-me cookie is valid from sign-in (7 days); Flask-Login's default is a year.
    "REMEMBER_COOKIE_DURATION": 7 * 24 * 3600,
    #: How long an emailed "forgotten password" link works.
    "PASSWORD_RESET_HOURS": 2,
    #: Where sign-in throttling counts (Flask-Limiter): memory:// is per process; give every app server
    #: the same Redis (redis://host:6379/0) so that they share the counts.
    "RATELIMIT_STORAGE_URI": "memory://",
    #: While that storage is unreachable each process counts in memory: sign-in keeps working, still throttled.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    #: Moving window: no burst of twice the limit around a window boundary.
    "RATELIMIT_STRATEGY": "moving-window",
    #: Failed sign-ins allowed per account (normalised email) and per client address ("; " separates limits).
    "SIGNIN_LIMIT_ACCOUNT": "5 per minute; 20 per hour",
    "SIGNIN_LIMIT_ADDRESS": "20 per minute; 100 per hour",
    #: "Forgotten password" requests allowed per email and per client address.
    "PASSWORD_RESET_LIMIT_ACCOUNT": "3 per hour",
    "PASSWORD_RESET_LIMIT_ADDRESS": "20 per hour",
    #: Requests allowed per API token, every path and method together (429 with Retry-After beyond). Requests with
    #: a bad token are limited per client address by SIGNIN_LIMIT_ADDRESS, like failed sign-ins.
    "API_RATE_LIMIT": "600 per minute",
    #: Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host/-Prefix are trusted; 0 = none.
    "PROXY_FIX_HOPS": 0,
}

_INT_KEYS = {"REMINDER_INTERVAL_HOURS", "PAGE_SIZE", "MAIL_MAX_ATTEMPTS", "MAIL_RETRY_SECONDS", "MAIL_LEASE_SECONDS",
             "PROXY_FIX_HOPS", "SESSION_IDLE_MINUTES", "SESSION_MAX_HOURS", "REMEMBER_COOKIE_DURATION",
             "PASSWORD_RESET_HOURS"}
_INT_KEYS |= {"MAX_CONTENT_LENGTH", "MAX_FORM_MEMORY_SIZE", "IMAP_POLL_SECONDS"}
_INT_KEYS |= {"ANNIVERSARY_STEP", "ANNIVERSARY_HIGHLIGHT_STEP"}
_INT_KEYS |= {"PHOTO_MAX_BYTES", "PHOTO_MAX_FILES"}
_BOOL_KEYS = {"SESSION_COOKIE_SECURE", "PAGE_CACHE"}
_BOOL_KEYS |= {"PRESS_PAGE_ENABLED"}


def from_environment(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Return the settings given as ``TRACKER_*`` variables (prefix removed) and ``DATABASE_URL``."""
    environ = dict(os.environ if environ is None else environ)
    settings: dict[str, Any] = {}
    for name, value in environ.items():
        if not name.startswith("TRACKER_"):
            continue
        key = name.removeprefix("TRACKER_")
        if key in _INT_KEYS:
            settings[key] = int(value)
        elif key in _BOOL_KEYS:
            settings[key] = value.lower() in {"1", "true", "yes", "on"}
        elif key == "LANGUAGES":
            settings[key] = tuple(code.strip() for code in value.split(",") if code.strip())
        else:
            settings[key] = value
    if environ.get("DATABASE_URL"):
        settings["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(environ["DATABASE_URL"])
    return settings


def normalise_database_url(url: str) -> str:
    """Make ``postgres://`` and ``postgresql://`` URLs use psycopg 3, the driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def load_or_create_secret_key(instance_path: str) -> str:
    """Read the secret key kept in the instance folder, generating it on first start."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Create exclusively so that two workers starting together agree on one key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
