"""Never lose a press text: ``Report.version`` refuses a save that lost a race at the database."""

from __future__ import annotations

import pytest

from tests.helpers import field_error
from tracker.extensions import db
from tracker.models import Event, Report, User
from tracker.reports import services
from tracker.reports.services import save_press_summary


def _save(app, event_id, user_id, body, expected_version):
    """Save ``body`` as the English press text of the event in a session and transaction of its own."""
    with app.app_context():
        event, user = db.session.get(Event, event_id), db.session.get(User, user_id)
        save_press_summary(event, "en", body, user, expected_version)
        db.session.commit()


def _stored(app):
    with app.app_context():
        return db.session.execute(db.select(Report.body, Report.version)).one()


def test_a_commit_between_reading_and_writing_is_caught_by_the_version_column(app, make_event, make_user):
    event, user = make_event(), make_user("press")
    _save(app, event.id, user.id, "First version.", None)
    with app.app_context():
        # Mine: the text at version 1 is read, and the comparison with the editor's version passes ...
        mine = db.session.get(Event, event.id)
        read = services.press_summary(mine, "en")  # held, as the editor view holds it: the session keeps it
        assert read.version == 1
        # ... then someone else, in their own session, saves version 2 from the same version 1 ...
        _save(app, event.id, user.id, "Their version.", 1)
        # ... and my UPDATE, which still carries version 1, changes no row.
        with pytest.raises(services.StaleSummary):
            save_press_summary(mine, "en", "My version.", db.session.get(User, user.id), 1)
        db.session.rollback()
    assert _stored(app) == ("Their version.", 2)


def test_a_save_that_loses_the_race_in_the_editor_gets_409_with_the_current_text(app, client, login, make_event,
                                                                                  monkeypatch):
    user = login("organiser")
    event = make_event()
    url = f"/events/{event.id}/press-summary/en"
    assert client.post(url, data={"body": "First version.", "version": ""}).status_code == 302
    def save_after_a_rival(subject, language, body, author, expected_version):
        # Between the view's read (version 1) and its write, another editor commits version 2.
        _save(app, event.id, user.id, "Their version.", 1)
        return save_press_summary(subject, language, body, author, expected_version)

    monkeypatch.setattr(services, "save_press_summary", save_after_a_rival)
    response = client.post(url, data={"body": "My version.", "version": "1"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone else saved this text" in field_error(page, "body")
    assert "Their version." in page
    assert 'name="version" type="hidden" value="2"' in page
    assert _stored(app) == ("Their version.", 2)


def test_two_first_saves_at_once_keep_the_first_and_show_it_to_the_second(app, client, login, make_event):
    from sqlalchemy import event as sa_event

    user = login("organiser")
    event = make_event()
    raced: list[bool] = []

    def rival_first(conn, cursor, statement, *args) -> None:
        # Both editors opened the page on no text; the rival's first save reaches the database just before ours.
        if not raced and statement.lstrip().upper().startswith("INSERT INTO REPORTS"):
            raced.append(True)
            _save(app, event.id, user.id, "Their version.", None)

    with app.app_context():
        engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", rival_first)
    try:
        response = client.post(f"/events/{event.id}/press-summary/en", data={"body": "My version.", "version": ""})
    finally:
        sa_event.remove(engine, "before_cursor_execute", rival_first)
    assert raced
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone else saved this text" in field_error(page, "body")
    assert "Their version." in page and 'name="version" type="hidden" value="1"' in page
    assert _stored(app) == ("Their version.", 1)
