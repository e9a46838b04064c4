"""Fixtures of the attendance tests: a scheduled event in a hall, units, and answering helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from tracker.extensions import db
from tracker.mail.deferred import compose_pending
from tracker.models import Event, Invitation, OutboxMessage, Unit


@pytest.fixture
def hall(make_venue):
    """The assembly hall, 50 places."""
    return make_venue("Assembly hall", capacity=50)


@pytest.fixture
def event(make_event, hall) -> Event:
    """A scheduled ceremony a month from now in the hall."""
    return make_event("Commemoration ceremony", venue_id=hall.id)


@pytest.fixture
def unit(make_unit) -> Unit:
    """The Citizenship Department, with one contact address."""
    return make_unit("CIT", "Citizenship Department", contact_emails=["cit@units.example.org"])


@pytest.fixture
def invitation(make_invitation, event, unit) -> Invitation:
    """The Citizenship Department invited to the ceremony, no answer yet."""
    return make_invitation(event, unit)


@pytest.fixture
def reload(app: Flask) -> Callable[[type, int], Any]:
    """``reload(Invitation, id)``: the row as the database has it now (detached, columns loaded)."""

    def load(model: type, ident: int) -> Any:
        with app.app_context():
            obj = db.session.get(model, ident)
            if obj is not None:
                db.session.expunge(obj)
            return obj

    return load


@pytest.fixture
def outbox(app: Flask) -> Callable[..., list[OutboxMessage]]:
    """``outbox(kind=None)``: the queued messages, oldest first (detached), composed as the mail worker would."""

    def messages(kind: str | None = None) -> list[OutboxMessage]:
        with app.app_context():
            compose_pending()  # bulk rounds leave composing to the mail worker; ``raw`` is read below
            query = db.select(OutboxMessage).order_by(OutboxMessage.id)
            if kind:
                query = query.where(OutboxMessage.kind == kind)
            rows = list(db.session.execute(query).scalars())
            for row in rows:
                db.session.expunge(row)
            return rows

    return messages


def answer_data(version: int, status: str = "accepted", headcount: Any = 12, delegates: str = "", note: str = ""
                ) -> dict[str, Any]:
    """The fields of the answer form as a browser posts them."""
    return {"status": status, "headcount": "" if headcount is None else str(headcount), "delegates": delegates,
            "note": note, "version": str(version)}
