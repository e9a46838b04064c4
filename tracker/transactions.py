"""The one commit point: what a request or a command changed is committed once, or not at all.

Services change objects and flush; they never commit, and neither do views. ``TrackerFlask`` (the
application class ``create_app`` builds) ends every view through :func:`finish`: a response below 400 (a page,
a redirect after a successful post, a 304) commits; a form shown again with its errors (422), any other 4xx
or 5xx, and any exception leave nothing behind. A failure at commit (a lost race at a unique constraint, a
version another request already moved) goes to the error handlers like an exception raised in the view.

Commands and the demo loader run their work inside :func:`committed`. The mail worker commits per message
in ``tracker/mail/delivery.py`` (each lease and each result must survive the next message failing).

A view that recovers from a conflict in the middle of a request (shows the winner of a race) calls
``db.session.rollback()`` before it reads again; that discards, it never saves.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from werkzeug.wrappers import Response

from .extensions import db
from .settings import VersionedConfig


def finish(response: Response) -> Response:
    """Commit the request's changes when ``response`` reports success, roll them back otherwise."""
    if not db.session().in_transaction():
        return response  # the view never touched the database: nothing to end
    if response.status_code < 400:
        db.session.commit()
    else:
        db.session.rollback()
    return response


class TrackerFlask(Flask):
    """Flask, with every view's changes committed at one point (:func:`finish`), and a config that counts its
    changes (so the settings are built once per state of it)."""

    config_class = VersionedConfig

    def dispatch_request(self) -> Any:
        """Run the view, then commit or roll back by the status of its response."""
        return finish(self.make_response(super().dispatch_request()))


@contextmanager
def committed() -> Iterator[None]:
    """Run a command's work as one transaction: committed when the block ends, rolled back if it raises."""
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
