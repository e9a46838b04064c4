"""Rendered pages kept for their next reader: a page is built once per state of everything it shows.

Issue 12: the pages people reload most (an event, the lists, the month, a series, the attendance dashboard, the
homes, the press release) cost 10–100 ms to build from the database and templates, and the same reader asks
for the same page again and again on the morning of a ceremony. :func:`cached_page` wraps such a view: a GET
whose key was stored is answered from the stored HTML, anything else runs the view. A hit costs one statement:
the signed-in account and the page are read together (:func:`load_user_and_page`, called by the account loader).

The key is everything a page can depend on:

- the request: method, path, query string, root URL (links are built on it);
- the reader: the account's id (``None`` when signed out) and what the interface language is chosen from besides
  the account (the session's choice, the browser's best match). The account's role, unit, name and language
  need no place in the key: every change of an account moves the pages' content generation (``users`` is
  among the tables that move it), so a page stored for an account is never served after that account changed;
- the content: the content generation (``models.feeds.FeedGeneration``), which every commit that changes rows
  a page may show moves, in the same transaction;
- the deployment: the settings and a fingerprint of the package's code, templates and catalogs;
- the minute: pages say "today" or "in 2 days", and a deadline passes without any commit.

Stored in the database (:class:`~tracker.models.pages.CachedPage`), so every worker and app server shares it
and a restart loses nothing. The building request's CSRF token is stored as :data:`TOKEN_PLACEHOLDER` and each
reader gets their own. Only a 200 ``text/html`` answer to a GET is kept, and never one built while flash
messages were waiting (they belong to one reader once). ``PAGE_CACHE = False`` turns it off.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

from flask import current_app, g, has_request_context, make_response, request, session
from flask.globals import request_ctx
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import Table, and_, bindparam, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from werkzeug.wrappers import Response

from .extensions import db
from .i18n import site_languages
from .models.feeds import CURRENT_PAGE_GENERATION, PAGES, read_content_generation
from .models.pages import CachedPage
from .models.users import User
from .settings import settings, settings_fingerprint

F = TypeVar("F", bound=Callable[..., Any])

#: Stands for the reader's CSRF token in a stored page. Escaped text can never hold it (its ``<`` would be
#: ``&lt;``), so only the token's own places are replaced.
TOKEN_PLACEHOLDER = "<tracker:csrf-token>"  # noqa: S105 - a placeholder, not a secret
#: How long a stored page may serve: the minute it was built in (see the module's docstring).
BUCKET_SECONDS = 60
#: Rows older than this (their minute long gone) are removed whenever a page is stored.
KEEP = timedelta(minutes=5)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """The package's modules, templates and compiled catalogs, hashed once per process (a deployment that
    changes any of them restarts the workers)."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    templates = Path(current_app.root_path, cast(str, current_app.template_folder))
    paths = [*package.rglob("*.py"), *package.rglob("*.mo"), *templates.rglob("*.html")]
    for path in sorted(set(paths)):
        digest.update(str(path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


_PAGES = cast(Table, CachedPage.__table__)
#: Built once: a page answered from the store costs this one read — the page, if it was built from the current
#: content generation — and little else.
_PAGE = select(_PAGES.c.body, _PAGES.c.headers).where(
    _PAGES.c.key == bindparam("key"), _PAGES.c.generation == func.coalesce(CURRENT_PAGE_GENERATION, 0))


def current_generation() -> int:
    """The pages' content generation (``models.feeds.read_content_generation``)."""
    return read_content_generation(db.session(), PAGES)


def _locale_inputs() -> tuple[object, ...]:
    """What the interface language is chosen from besides the account (``tracker.i18n.select_locale``)."""
    return session.get("language"), request.accept_languages.best_match(site_languages())


def page_key(now: datetime | None = None, *, reader: int | None | Literal["current"] = "current") -> str:
    """The key of the current request's page (see the module's docstring); the content generation is kept
    beside it (``CachedPage.generation``) and compared by the read itself. ``reader``: the account's id when
    the account is not loaded yet (:func:`load_user_and_page`); by default the signed-in account's."""
    if reader == "current":
        reader = current_user.id if current_user.is_authenticated else None
    moment = now or datetime.now(UTC)
    parts = (
        request.method, request.path, request.query_string.decode("latin-1"), request.root_url,
        reader, _locale_inputs(), settings_fingerprint(), code_fingerprint(),
        int(moment.timestamp()) // BUCKET_SECONDS,
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _serves_pages() -> bool:
    """Whether this request may be answered from the store at all."""
    return (has_request_context() and request.method == "GET" and settings().page_cache
            and "_flashes" not in session)


def _kept_view() -> bool:
    """Whether the request's view keeps its pages (:func:`cached_page`)."""
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "keeps_pages", False))


_USER_AND_PAGE = select(User, _PAGES.c.body, _PAGES.c.headers,
                        func.coalesce(CURRENT_PAGE_GENERATION, 0).label("generation")).outerjoin(
    _PAGES, and_(_PAGES.c.key == bindparam("key"),
                 _PAGES.c.generation == func.coalesce(CURRENT_PAGE_GENERATION, 0)),
).where(User.id == bindparam("user_id"))


def load_user_and_page(user_id: int) -> User | None:
    """The account ``user_id`` (or ``None``), read — when the request is a GET of a kept page — together with the
    page stored for it, in one statement; :func:`cached_page` then serves the page without another read."""
    if not (_serves_pages() and _kept_view()):
        return db.session.get(User, user_id)
    key = page_key(reader=user_id)
    if db.session.get_bind().dialect.name == "postgresql" and not db.session().in_transaction():
        # One read needs no transaction: on an autocommit connection PostgreSQL is not asked to BEGIN and COMMIT
        # (two round trips of four). A page not in the store puts the connection back in a transaction before
        # the view runs (cached_page), so everything else in the request is one transaction, as ever.
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        g.read_outside_transaction = True
    row = db.session.execute(_USER_AND_PAGE, {"key": key, "user_id": user_id}).one_or_none()
    if row is None:
        return None
    user, body, headers, generation = row
    # (key, None, None, …) when the store has no page for it. The count read with the account is the one a page
    # built now is stored under: an account changed after this read moves the count past it, so such a page
    # (built with the account as read here) is never served.
    g.read_page = (key, body, headers, int(generation))
    return cast(User, user)


def _stored(key: str) -> Any:
    return db.session.connection().execute(_PAGE, {"key": key}).one_or_none()


def _store(key: str, generation: int, body: str, headers: list[list[str]]) -> None:
    """Keep ``body`` under ``key`` as built from ``generation`` (replacing a copy from an older one; a copy from
    a newer one, stored meanwhile by another worker, wins) and drop rows whose minute has long passed.
    Flushed with the request's transaction; committed by its one commit."""
    now = datetime.now(UTC)
    dialect = db.session.get_bind().dialect.name
    insert: Any = postgresql_insert if dialect == "postgresql" else sqlite_insert
    row = insert(_PAGES).values(key=key, generation=generation, stored_at=now, body=body, headers=headers)
    try:
        # Best effort, in a savepoint: a lock another writer holds, or any failure to keep the copy, must never
        # cost the reader the page already built.
        with db.session.begin_nested():
            db.session.execute(_PAGES.delete().where(_PAGES.c.stored_at < now - KEEP))
            db.session.execute(row.on_conflict_do_update(
                index_elements=["key"],
                set_={"generation": row.excluded.generation, "stored_at": row.excluded.stored_at,
                      "body": row.excluded.body, "headers": row.excluded.headers},
                where=_PAGES.c.generation <= row.excluded.generation,
            ))
    except DBAPIError:
        return


#: Headers a stored page does not repeat: the reader's cookies, and what Werkzeug computes again.
_NOT_KEPT = frozenset({"set-cookie", "content-length"})


def _served(body: str, headers: list[list[str]]) -> Response:
    response = current_app.response_class(body.replace(TOKEN_PLACEHOLDER, generate_csrf()))
    for name, value in headers:
        response.headers[name] = value
    return response


def _keepable(response: Response) -> bool:
    return (response.status_code == 200 and response.mimetype == "text/html" and not response.direct_passthrough
            and not response.is_streamed and not request_ctx.flashes)  # shown flashes belong to this reader


def _in_a_transaction_again() -> None:
    """Turn the autocommit connection :func:`load_user_and_page` read on back into a transactional one (its
    driver's switch: between statements, with no transaction open, psycopg allows it). SQLAlchemy commits or rolls
    back as usual at the request's end, and resets the connection's isolation level when it goes back to the pool.
    """
    db.session.connection().connection.dbapi_connection.autocommit = False  # type: ignore[union-attr]


def cached_page(view: F) -> F:
    """Serve the view's page from the store when its key was stored, else build it and store it.

    Put it under the access decorator (access is checked first, for every request) and on read-only views only.
    """

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not _serves_pages():
            return view(*args, **kwargs)
        key = page_key()
        read = g.pop("read_page", None)
        if read is not None and read[0] == key:  # read with the account (load_user_and_page)
            body, headers = read[1], read[2]
        else:
            stored = _stored(key)
            body, headers = (stored.body, stored.headers) if stored is not None else (None, None)
        if body is not None:
            return _served(body, headers)
        if g.pop("read_outside_transaction", False):
            _in_a_transaction_again()
        # Read before the view reads anything it shows — and for a signed-in reader, with the account itself.
        generation = read[3] if read is not None else current_generation()
        response = make_response(view(*args, **kwargs))
        if _keepable(response):
            html = response.get_data(as_text=True)
            html = html.replace(generate_csrf(), TOKEN_PLACEHOLDER)  # the token this request rendered
            headers = [[name, value] for name, value in response.headers.items() if name.lower() not in _NOT_KEPT]
            _store(key, generation, html, headers)
        return response

    # Read by _kept_view, through the access decorators (functools.wraps copies it up).
    wrapper.keeps_pages = True  # type: ignore[attr-defined]
    return cast(F, wrapper)
