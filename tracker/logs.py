"""Keep secret tokens out of log lines: answer links, unit feeds and password resets carry one in their path,
and an API token (``trk_…``) may appear anywhere (a header or a command line logged by mistake).

Whoever reads a request log must not be able to answer for a unit, follow its private calendar or set
someone's password. :func:`mask_tokens` is the one rule; :data:`TOKEN_FILTER` applies it to every record of
the loggers that write request paths: Werkzeug's development server (``flask run``), the app's own logger
(``Exception on /answer/… [POST]``) and gunicorn's access and error logs (:class:`TokenMaskingLogger`, set by
``tracker.gunicorn_conf``).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Flask
from gunicorn.glogging import Logger as GunicornLogger

from .auth.tokens import TOKEN_PREFIX

#: What a token is replaced by. Nothing of it is kept: an answer token starts with its (unsecret, shared)
#: base64 payload, so a prefix would identify nothing, and a feed token's prefix would only weaken it.
MASK = "***"

#: Paths whose next segment is a credential. ``%2F`` covers a path carried in a query string (``?next=``);
#: a token runs to the next ``/``, ``?``, ``#``, ``&``, quote or space, so a percent-encoded one is masked whole.
_SLASH = r"(?:/|%2F)"
TOKEN_PATHS = ("answer", "feeds/anniversaries", "feeds", "password/reset")  # the longer path first
_TOKEN_IN_PATH = re.compile(
    r"(?P<prefix>" + _SLASH + r"(?:" + "|".join(p.replace("/", _SLASH) for p in TOKEN_PATHS) + r")" + _SLASH + r")"
    r"(?P<token>[^/?#&\s\"']+?)(?P<suffix>\.ics)?(?=[/?#&\s\"']|$)",
    re.IGNORECASE,
)
#: Query parameters that carry a credential (``?token=…``), whatever the path.
_TOKEN_IN_QUERY = re.compile(r"(?P<prefix>[?&;](?:token|reset_token|signature)=)[^&#\s\"']+", re.IGNORECASE)
#: An API token wherever it is (``Authorization: Bearer trk_…``), however much of it: its marker
#: (:data:`~tracker.auth.tokens.TOKEN_PREFIX`, not secret) stays so the line still says what was there.
_API_TOKEN = re.compile(r"(?<![A-Za-z0-9_-])" + re.escape(TOKEN_PREFIX) + r"[A-Za-z0-9_-]+")
#: The password of a mail server's URL (``IMAP_URL``, ``SMTP_URL``: ``imaps://user:password@host``): the user stays.
#: The password runs to the last ``@`` before the host (a raw ``@`` or ``/`` in it is still masked whole).
_URL_PASSWORD = re.compile(r"(?P<prefix>\b(?:imaps?|smtps?)://[^:/?#@\s\"']*:)[^\s\"']*@(?=[^@\s\"']*(?:[\s\"']|$))",
                           re.IGNORECASE)


def mask_tokens(text: str) -> str:
    """``text`` with the token of every answer, feed and reset path (and ``?token=``) replaced by ``***``, and
    every API token by ``trk_***``, and the password of every IMAP and SMTP URL by ``***``."""
    text = _URL_PASSWORD.sub(lambda m: f"{m['prefix']}{MASK}@", text)
    text = _TOKEN_IN_PATH.sub(lambda m: f"{m['prefix']}{MASK}{m['suffix'] or ''}", text)
    text = _TOKEN_IN_QUERY.sub(lambda m: f"{m['prefix']}{MASK}", text)
    return _API_TOKEN.sub(TOKEN_PREFIX + MASK, text)


class TokenMaskingFilter(logging.Filter):
    """Rewrites a record's message (and its traceback text) with :func:`mask_tokens`; never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the record in place; always keep it."""
        message = record.getMessage()
        masked = mask_tokens(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when set: format the traceback once, masked.
            record.exc_text = mask_tokens(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = mask_tokens(record.stack_info)
        return True


#: One instance, so that adding it again (one create_app per test) is a no-op.
TOKEN_FILTER = TokenMaskingFilter()


def _add_filter(logger: logging.Logger) -> None:
    if TOKEN_FILTER not in logger.filters:
        logger.addFilter(TOKEN_FILTER)


def register_log_masking(app: Flask) -> None:
    """Mask tokens in the request log of ``flask run`` (the ``werkzeug`` logger) and in the app's own log."""
    _add_filter(logging.getLogger("werkzeug"))
    _add_filter(app.logger)
    # The mail worker and the mailbox fetcher log through their modules' loggers (a logger's filter does not see
    # its children's records): connection errors there may quote a server's URL.
    for name in ("tracker.mail.delivery", "tracker.mail.deferred", "tracker.calendar.mailbox"):
        _add_filter(logging.getLogger(name))


class TokenMaskingLogger(GunicornLogger):
    """gunicorn's logger with tokens masked in the access log (request line, Referer) and the error log."""

    def setup(self, cfg: Any) -> None:
        """Set gunicorn's handlers up as usual, then filter both of its loggers."""
        super().setup(cfg)
        _add_filter(self.error_log)
        _add_filter(self.access_log)
