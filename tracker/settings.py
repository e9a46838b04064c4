"""The installation's settings as one typed object: what services need to know, read from the config in one place.

Services take a :class:`Settings` as an argument or call :func:`settings`; they do not read
``current_app.config`` themselves. The keys and their defaults are in :mod:`tracker.config`. The keys that
Flask, Flask-Login, Flask-Limiter, Flask-Babel and Flask-SQLAlchemy read themselves (``SECRET_KEY`` is signed
with here too, ``BABEL_DEFAULT_LOCALE``, ``REMEMBER_COOKIE_*``, ``RATELIMIT_*`` …) keep their names.

:func:`settings` builds the object from the current application's config on every call (a few dictionary
look-ups), so it always agrees with the config, including a value a test or a command changed after
``create_app``. ``create_app`` builds it once at start so that a bad value (an unreadable ``ALARMS``) stops the
application there rather than in the first email.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import icalendar
from flask import Config, current_app, has_request_context, request

from . import config as defaults


def parse_alarms(value: str | Sequence[str] | None) -> tuple[timedelta, ...]:
    """``"P1D,PT1H"`` → (1 day, 1 hour). Empty means no reminders; a bad entry raises ``ValueError``."""
    if not value:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    alarms = []
    for item in items:
        item = item.strip()
        if not item:
            continue
        duration = icalendar.vDuration.from_ical(item.lstrip("-"))
        if not isinstance(duration, timedelta) or duration < timedelta(0):
            raise ValueError(f"not a duration before the start: {item!r}")
        alarms.append(duration)
    return tuple(alarms)


def _duration(value: str | timedelta) -> timedelta:
    """An ISO 8601 duration (``"PT1H"``) or a timedelta."""
    if isinstance(value, timedelta):
        return value
    duration = icalendar.vDuration.from_ical(value)
    if not isinstance(duration, timedelta):
        raise ValueError(f"not a duration: {value!r}")
    return duration


def _positive(value: Any, key: str) -> int:
    """A whole number of at least 1 (``ValueError`` otherwise, which stops ``create_app``)."""
    number = int(value)
    if number < 1:
        raise ValueError(f"{key} must be at least 1, not {number}")
    return number


def _photo_storage(value: Any) -> str:
    """``PHOTO_STORAGE``: one of the backends of ``tracker.photos.storage``."""
    name = str(value or "database").strip().lower()
    if name not in ("database", "filesystem"):
        raise ValueError(f"PHOTO_STORAGE must be database or filesystem, not {value!r}")
    return name


@dataclass(frozen=True)
class Settings:
    """What the services need to know about the installation (see :mod:`tracker.config` for each key)."""

    #: ``SECRET_KEY``: signs answer links and password reset links (left out of ``repr``).
    secret_key: str = field(default="", repr=False)
    #: ``BASE_URL`` without a trailing slash, as configured; empty means "the address serving the request"
    #: (see :meth:`root_url`). When set, every absolute link in pages, emails and calendar files is built on it.
    base_url: str = ""
    #: ``DEFAULT_BASE_URL``: the root of links built outside any request while ``BASE_URL`` is empty (the mail
    #: worker, commands); ``make run`` sets it to the address it serves on.
    default_base_url: str = defaults.DEFAULTS["DEFAULT_BASE_URL"]
    #: ``TIMEZONE``: the agency's zone, for times an event does not place itself.
    timezone: str = "Asia/Baku"
    #: ``LANGUAGES``: the site's languages, in the order the switcher shows them.
    languages: tuple[str, ...] = defaults.LANGUAGES
    #: ``CONTENT_LANGUAGE``: the language every translatable text is first written in.
    content_language: str = defaults.CONTENT_LANGUAGE
    #: ``BABEL_DEFAULT_LOCALE``: the language when nothing else says which.
    default_language: str = "en"
    #: The language of emails to no unit and no one with a language (``MAIL_LANGUAGE``, else the default language);
    #: emails to a unit are in the unit's (``Unit.language``).
    mail_language: str = "en"
    #: ``ORGANISATION_NAME`` and its names in other languages (``ORGANISATION_NAME_AZ`` …).
    organisation_name: str = ""
    organisation_names: Mapping[str, str] = field(default_factory=dict)
    #: ``PRESS_CONTACT``: printed on press releases.
    press_contact: str = ""
    #: ``MAIL_FROM``: the sender of every email.
    mail_from: str = ""
    #: ``ORGANIZER_EMAIL``, ``ORGANIZER_NAME``: who invites (Reply-To, the calendar's ORGANIZER).
    organizer_email: str = ""
    organizer_name: str = ""
    #: ``ORGANIZER_NAME_AZ`` …: the organiser's name in other languages.
    organizer_names: Mapping[str, str] = field(default_factory=dict)
    #: ``SMTP_URL``: where mail goes; empty writes ``.eml`` files to ``outbox_dir``. It may hold a password,
    #: so it is left out of ``repr``.
    smtp_url: str = field(default="", repr=False)
    #: ``OUTBOX_DIR``; empty means the instance folder's ``outbox``.
    outbox_dir: str = ""
    #: ``MAIL_MAX_ATTEMPTS``, ``MAIL_RETRY_SECONDS`` (doubling), ``MAIL_LEASE_SECONDS``.
    mail_max_attempts: int = 10
    mail_retry: timedelta = timedelta(seconds=60)
    mail_lease: timedelta = timedelta(seconds=300)
    #: ``IMAP_URL``: the organiser's mailbox read for calendar replies; empty: none. It may hold a password, so it
    #: is left out of ``repr`` (``tracker.calendar.mailbox.MailboxSettings.display`` shows it without).
    imap_url: str = field(default="", repr=False)
    #: ``IMAP_APPLIED_FOLDER``, ``IMAP_REFUSED_FOLDER``: where taken messages are moved.
    imap_applied_folder: str = "Tracker/Applied"
    imap_refused_folder: str = "Tracker/Refused"
    #: ``IMAP_POLL_SECONDS``: the longest ``mail fetch --watch`` waits between two looks at the mailbox.
    imap_poll: timedelta = timedelta(seconds=60)
    #: ``REMINDER_INTERVAL_HOURS``: a unit is reminded at most once in this time.
    reminder_interval: timedelta = timedelta(hours=24)
    #: ``ALARMS``: reminders before the start in calendar invitations.
    alarms: tuple[timedelta, ...] = (timedelta(days=1), timedelta(hours=1))
    #: ``CALENDAR_REFRESH_INTERVAL``: how often subscribed calendars should fetch a feed again.
    calendar_refresh: timedelta = timedelta(hours=1)
    #: ``PAGE_SIZE``: rows on one page of a list.
    page_size: int = 25
    #: ``ANNIVERSARY_STEP``, ``ANNIVERSARY_HIGHLIGHT_STEP``: which anniversaries to come are listed (every 5th)
    #: and which of them are highlighted (every 25th).
    anniversary_step: int = 5
    anniversary_highlight_step: int = 25
    #: ``PHOTO_STORAGE``: ``database`` or ``filesystem`` (``tracker.photos.storage``); ``PHOTO_MAX_BYTES``: largest
    #: photo file accepted; ``PHOTO_MAX_FILES``: most files in one upload.
    photo_storage: str = "database"
    #: ``PHOTO_DIRECTORY``: the filesystem backend's folder; empty means the instance folder's ``photos``.
    photo_directory: str = ""
    photo_max_bytes: int = 20 * 1024 * 1024
    photo_max_files: int = 20
    #: ``PAGE_CACHE``: keep rendered pages for their next reader (``tracker.pagecache``).
    page_cache: bool = True
    #: ``PRESS_PAGE_ENABLED``: the public press page and its feeds answer (else 404 under ``/press/``).
    press_page_enabled: bool = False
    #: ``SESSION_IDLE_MINUTES``, ``SESSION_MAX_HOURS``: when a sign-in ends.
    session_idle: timedelta = timedelta(minutes=30)
    session_max: timedelta = timedelta(hours=10)
    #: ``REMEMBER_COOKIE_NAME`` (Flask-Login's): the cookie that says "keep me signed in".
    remember_cookie_name: str = "remember_token"
    #: ``PASSWORD_RESET_HOURS``: how long an emailed reset link works.
    password_reset_hours: int = 2
    #: Sign-in and reset throttling (``SIGNIN_LIMIT_*``, ``PASSWORD_RESET_LIMIT_*``), Flask-Limiter's notation.
    signin_limit_account: str = ""
    signin_limit_address: str = ""
    password_reset_limit_account: str = ""
    password_reset_limit_address: str = ""
    #: ``API_RATE_LIMIT``: requests allowed per API token (``tracker.api.throttle``), Flask-Limiter's notation.
    api_rate_limit: str = ""

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        """Read the settings from a Flask config (a key it lacks takes its default from :mod:`tracker.config`)."""

        def get(key: str) -> Any:
            value = config.get(key)
            return defaults.DEFAULTS.get(key) if value is None else value

        default_language = str(get("BABEL_DEFAULT_LOCALE") or get("CONTENT_LANGUAGE"))
        languages = tuple(get("LANGUAGES"))
        unknown = [code for code in languages if code not in defaults.LANGUAGES]
        if not languages or unknown:
            raise ValueError(f"LANGUAGES must list some of {', '.join(defaults.LANGUAGES)} (the languages with "
                             f"catalogs); not {', '.join(unknown) or 'none'}")
        if get("CONTENT_LANGUAGE") not in languages:
            raise ValueError(f"CONTENT_LANGUAGE {get('CONTENT_LANGUAGE')!r} is not one of LANGUAGES")
        return cls(
            secret_key=str(config.get("SECRET_KEY") or ""),
            base_url=str(get("BASE_URL") or "").strip().rstrip("/"),
            default_base_url=str(get("DEFAULT_BASE_URL") or defaults.DEFAULTS["DEFAULT_BASE_URL"]).strip().rstrip("/"),
            timezone=str(get("TIMEZONE")),
            languages=languages,
            content_language=str(get("CONTENT_LANGUAGE")),
            default_language=default_language,
            mail_language=str(get("MAIL_LANGUAGE") or default_language),
            organisation_name=str(get("ORGANISATION_NAME") or ""),
            organisation_names={
                key.removeprefix("ORGANISATION_NAME_").lower(): str(value)
                for key, value in config.items() if key.startswith("ORGANISATION_NAME_") and value
            },
            press_contact=str(get("PRESS_CONTACT") or ""),
            mail_from=str(get("MAIL_FROM")),
            organizer_email=str(get("ORGANIZER_EMAIL") or ""),
            organizer_name=str(get("ORGANIZER_NAME") or ""),
            organizer_names={
                key.removeprefix("ORGANIZER_NAME_").lower(): str(value)
                for key, value in config.items() if key.startswith("ORGANIZER_NAME_") and value
            },
            smtp_url=str(get("SMTP_URL") or "").strip(),
            outbox_dir=str(get("OUTBOX_DIR") or ""),
            mail_max_attempts=int(get("MAIL_MAX_ATTEMPTS")),
            mail_retry=timedelta(seconds=float(get("MAIL_RETRY_SECONDS"))),
            mail_lease=timedelta(seconds=float(get("MAIL_LEASE_SECONDS"))),
            imap_url=str(get("IMAP_URL") or "").strip(),
            imap_applied_folder=str(get("IMAP_APPLIED_FOLDER") or "").strip() or "Tracker/Applied",
            imap_refused_folder=str(get("IMAP_REFUSED_FOLDER") or "").strip() or "Tracker/Refused",
            imap_poll=timedelta(seconds=max(float(get("IMAP_POLL_SECONDS")), 1.0)),
            reminder_interval=timedelta(hours=int(get("REMINDER_INTERVAL_HOURS"))),
            alarms=parse_alarms(get("ALARMS")),
            calendar_refresh=_duration(get("CALENDAR_REFRESH_INTERVAL")),
            page_size=int(get("PAGE_SIZE")),
            anniversary_step=_positive(get("ANNIVERSARY_STEP"), "ANNIVERSARY_STEP"),
            anniversary_highlight_step=_positive(get("ANNIVERSARY_HIGHLIGHT_STEP"), "ANNIVERSARY_HIGHLIGHT_STEP"),
            photo_storage=_photo_storage(get("PHOTO_STORAGE")),
            photo_directory=str(get("PHOTO_DIRECTORY") or "").strip(),
            photo_max_bytes=_positive(get("PHOTO_MAX_BYTES"), "PHOTO_MAX_BYTES"),
            photo_max_files=_positive(get("PHOTO_MAX_FILES"), "PHOTO_MAX_FILES"),
            page_cache=bool(get("PAGE_CACHE")),
            press_page_enabled=bool(get("PRESS_PAGE_ENABLED")),
            session_idle=timedelta(minutes=int(get("SESSION_IDLE_MINUTES"))),
            session_max=timedelta(hours=int(get("SESSION_MAX_HOURS"))),
            remember_cookie_name=str(config.get("REMEMBER_COOKIE_NAME") or "remember_token"),
            password_reset_hours=int(get("PASSWORD_RESET_HOURS")),
            signin_limit_account=str(get("SIGNIN_LIMIT_ACCOUNT")),
            signin_limit_address=str(get("SIGNIN_LIMIT_ADDRESS")),
            password_reset_limit_account=str(get("PASSWORD_RESET_LIMIT_ACCOUNT")),
            password_reset_limit_address=str(get("PASSWORD_RESET_LIMIT_ADDRESS")),
            api_rate_limit=str(get("API_RATE_LIMIT")),
        )

    def organisation(self, language: str) -> str:
        """The agency's name in ``language``, else its name in the content language (``ORGANISATION_NAME``)."""
        return self.organisation_names.get(language) or self.organisation_name

    def organizer(self, language: str) -> str:
        """The organiser's name in ``language`` (``ORGANIZER_NAME_AZ`` …), else ``ORGANIZER_NAME``."""
        return self.organizer_names.get(language) or self.organizer_name

    def root_url(self, *, from_request: bool = True) -> str:
        """The start of every absolute link, without a trailing slash.

        ``BASE_URL`` when it is set; else the address captured by :func:`serving_address` (a message composed
        later from a request's round); else the scheme, host and prefix of the current request (which
        ``ProxyFix`` corrects behind a proxy); else, outside any request, ``DEFAULT_BASE_URL``.

        ``from_request=False`` skips the request: for a link emailed on an anonymous request (a password
        reset), whose ``Host`` header anyone can forge to send the victim a link to their own server.
        """
        if self.base_url:
            return self.base_url
        captured = _serving_address.get()
        if captured:
            return captured
        if from_request and has_request_context():
            return request.url_root.rstrip("/")  # scheme, host and any X-Forwarded-Prefix of this request
        return self.default_base_url

    def request_root_url(self) -> str | None:
        """The root a message composed later must use when it is queued now: the request's address, when
        ``BASE_URL`` is not set and there is a request (``None`` otherwise: the composer's own root is right)."""
        if self.base_url or not has_request_context():
            return None
        return self.root_url()

    def site_url(self, path: str, *, from_request: bool = True) -> str:
        """The absolute URL of ``path`` relative to the application's root (``/answer/…``, as a URL map bound
        without a request builds it, so without the request's prefix), on :meth:`root_url`."""
        return self.root_url(from_request=from_request) + path

    def page_url(self, endpoint: str, **values: Any) -> str:
        """The absolute URL of one of the site's pages (:func:`site_path` on :meth:`site_url`)."""
        return self.site_url(site_path(endpoint, **values))


def site_path(endpoint: str, **values: Any) -> str:
    """The path of ``endpoint`` relative to the application's root, built without a request (so a link made
    by the mail worker or a command reads as one made in a request), to put on :meth:`Settings.site_url`."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


#: The address a message queued during a request was reached at, while it is composed (see :func:`serving_address`).
_serving_address: ContextVar[str | None] = ContextVar("serving_address", default=None)


@contextmanager
def serving_address(url: str | None) -> Iterator[None]:
    """Build links on ``url`` (a root captured by :meth:`Settings.request_root_url`) inside the block, unless
    ``BASE_URL`` is set; ``None`` changes nothing."""
    token = _serving_address.set(url.rstrip("/") if url else _serving_address.get())
    try:
        yield
    finally:
        _serving_address.reset(token)


class VersionedConfig(Config):
    """Flask's config, counting its changes: :func:`settings` is rebuilt only after one (issue 12: a page asked
    for the settings seven times and parsed the whole config each time)."""

    version: int = 0

    def _changed(self) -> None:
        self.version += 1

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self._changed()

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._changed()

    def update(self, *args: Any, **kwargs: Any) -> None:
        super().update(*args, **kwargs)
        self._changed()

    def setdefault(self, key: str, default: Any = None) -> Any:
        self._changed()
        return super().setdefault(key, default)

    def pop(self, key: str, *default: Any) -> Any:
        self._changed()
        return super().pop(key, *default)

    def popitem(self) -> tuple[str, Any]:
        self._changed()
        return super().popitem()

    def clear(self) -> None:
        super().clear()
        self._changed()


def _built() -> tuple[Settings, str]:
    config = current_app.config
    version = getattr(config, "version", None)
    cached = current_app.extensions.get("tracker.settings")
    if version is not None and cached is not None and cached[0] == version:
        return cached[1], cached[2]
    built = Settings.from_config(config)
    fingerprint = hashlib.sha256(repr(built).encode()).hexdigest()
    if version is not None:
        current_app.extensions["tracker.settings"] = (version, built, fingerprint)
    return built, fingerprint


def settings() -> Settings:
    """The settings of the current application: built once per state of its config (a changed value is followed)."""
    return _built()[0]


def settings_fingerprint() -> str:
    """A hash of every setting (equal settings, equal hashes; the same in every process), built with them."""
    return _built()[1]


def content_language() -> str:
    """``CONTENT_LANGUAGE`` alone, read without building every setting: each text shown asks for it."""
    value = current_app.config.get("CONTENT_LANGUAGE")
    return str(value or defaults.CONTENT_LANGUAGE)
