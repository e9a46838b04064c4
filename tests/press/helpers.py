"""Writing and publishing press texts through the real forms."""

from __future__ import annotations

from typing import Any

from tracker.extensions import db
from tracker.models import Report


def editor(event_id: int, lang: str) -> str:
    return f"/events/{event_id}/press-summary/{lang}"


def text_version(app: Any, event_id: int, lang: str) -> str:
    """The ``Report.version`` the editor shows now (empty when there is no text), as the publish form posts it."""
    with app.app_context():
        version = db.session.execute(
            db.select(Report.version).where(Report.event_id == event_id, Report.language == lang)
        ).scalar_one_or_none()
    return "" if version is None else str(version)


def save_text(app: Any, client: Any, event_id: int, lang: str, body: str) -> None:
    """Save the press text as the editor does, based on the version stored now."""
    response = client.post(editor(event_id, lang), data={"body": body, "version": text_version(app, event_id, lang)})
    assert response.status_code == 302, response.get_data(as_text=True)


def publish(app: Any, client: Any, event_id: int, lang: str, **kwargs: Any) -> Any:
    """Press the Publish button of the editor."""
    data = {"version": text_version(app, event_id, lang)}
    return client.post(editor(event_id, lang) + "/publish", data=data, **kwargs)


def unpublish(client: Any, event_id: int, lang: str) -> Any:
    """Press the Unpublish button of the editor."""
    return client.post(editor(event_id, lang) + "/unpublish")


def set_status(app: Any, event_id: int, status: str) -> None:
    """Change the event's status behind the forms' back (as an organiser's edit would)."""
    from tracker.models import Event

    with app.app_context():
        db.session.get(Event, event_id).status = status
        db.session.commit()


def titled_event(make_event: Any, title: str, **fields: Any) -> Any:
    """An event (held unless told) whose title is written in every release language."""
    fields.setdefault("status", "held")
    translations = {"title": {code: f"{title} ({code})" for code in ("az", "ru", "en")}}
    return make_event(title=f"{title} (az)", translations=translations, **fields)
