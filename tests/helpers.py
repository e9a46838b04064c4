"""Small helpers shared by tests (fixtures live in ``conftest.py``)."""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape
from zoneinfo import ZoneInfo

PASSWORD = "correct horse battery"
BAKU = ZoneInfo("Asia/Baku")

#: The answer "Yes" of a confirmation step: post it to a destructive action to make it act.
CONFIRMED = {"confirmed": "1"}


def baku(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An instant given as Baku wall-clock time (UTC+4, no DST since 2016)."""
    return datetime(year, month, day, hour, minute, tzinfo=BAKU)


def assert_asks(response, question: str, back: str) -> None:
    """``response`` is the confirmation step (tracker.forms.confirmation_page): status 200, the question, a
    "Yes" form posting confirmed=1 with the CSRF token back to the same address, and "No" linking to ``back``."""
    assert response.status_code == 200
    html = unescape(response.get_data(as_text=True))
    assert f"<h1>{question}</h1>" in html
    assert '<input type="hidden" name="confirmed" value="1">' in html
    assert 'name="csrf_token"' in html
    assert f'<a href="{back}">No, go back</a>' in html


def field_error(html: str, field_id: str) -> str:
    """The error text shown beside the field ``field_id`` (entities such as ``&#39;`` decoded), or ''."""
    match = re.search(rf'id="{re.escape(field_id)}-error">(.*?)</p>', html, re.S)
    return unescape(re.sub(r"\s+", " ", match.group(1)).strip()) if match else ""


class QueryCounter:
    """Counts SQL statements sent through the app's engine while active.

    ``with count_queries(app) as counter: client.get(...)`` then ``counter.count``.
    """

    def __init__(self, engine, app=None) -> None:
        self.engine = engine
        self.app = app
        self.statements: list[str] = []
        self._page_cache = None

    def _record(self, conn, cursor, statement, parameters, context, executemany) -> None:
        # Transaction control is not work: the drivers send BEGIN themselves (uncounted), and on SQLite the app
        # sends it before a savepoint that comes first (tracker.setup: the one the driver would send at the write).
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "PRAGMA", "BEGIN")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        """Statements seen so far."""
        return len(self.statements)

    def __enter__(self) -> QueryCounter:
        from sqlalchemy import event

        event.listen(self.engine, "before_cursor_execute", self._record)
        if self.app is not None:  # count what building the page costs, not a page served from the store
            self._page_cache = self.app.config.get("PAGE_CACHE", True)
            self.app.config["PAGE_CACHE"] = False
        return self

    def __exit__(self, *exc) -> None:
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._record)
        if self.app is not None:
            self.app.config["PAGE_CACHE"] = self._page_cache


def count_queries(app, *, stored_pages: bool = False) -> QueryCounter:
    """A :class:`QueryCounter` on ``app``'s engine. Pages are built while it counts (``tracker.pagecache`` is
    off), unless ``stored_pages``: then a page may come from the store."""
    from tracker.extensions import db

    with app.app_context():
        return QueryCounter(db.engine, None if stored_pages else app)
