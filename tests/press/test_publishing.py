"""Publishing press releases from the press-text editor: roles, versions, drafts after edits, withdrawal.

Decisions (docs/press.md): press staff and administrators publish and unpublish; organisers write and see the
state and history but get 403 on the buttons' addresses; representatives cannot open the editor at all.
"""

from __future__ import annotations

import pytest

from tests.helpers import count_queries
from tracker.extensions import db
from tracker.models import ReleasePublication
from tracker.reports.publishing import HISTORY_LIMIT

from .conftest import read_page
from .helpers import editor, publish, save_text, set_status, text_version, unpublish


def _rows(app):
    with app.app_context():
        rows = db.session.execute(db.select(ReleasePublication).order_by(ReleasePublication.id)).scalars().all()
        return [(r.key, r.language, r.number, r.live, r.withdrawn_at is not None, r.body) for r in rows]


def _state(client, url):
    page = client.get(url).get_data(as_text=True)
    marker = 'class="publish-state" data-state="'
    assert marker in page
    return page.split(marker, 1)[1].split('"', 1)[0], page


def test_press_publishes_a_release_as_version_one(app, client, login, reference):
    user = login("press", name="Nigar Press")
    ceremony = reference.events["ceremony"]
    save_text(app, client, ceremony, "en", "Those present remembered the victims.")
    assert _state(client, editor(ceremony, "en"))[0] == "draft"
    response = publish(app, client, ceremony, "en")
    assert response.status_code == 302 and response.headers["Location"] == editor(ceremony, "en")
    assert _rows(app) == [(f"event-{ceremony}", "en", 1, True, False, "Those present remembered the victims.")]
    with app.app_context():
        row = db.session.execute(db.select(ReleasePublication)).scalar_one()
        assert row.published_by_id == user.id and row.report_version == 1
        assert row.title and "Baku" in row.dateline  # frozen facts of the record, in English
    state, page = _state(client, editor(ceremony, "en"))
    assert state == "published"
    assert "Version 1 is on the press page." in page  # the flash
    assert "Version 1, published by Nigar Press on" in page
    assert "Published versions" in page


def test_publishing_is_per_language(app, client, login, reference):
    login("press")
    ceremony = reference.events["ceremony"]
    save_text(app, client, ceremony, "en", "English text.")
    save_text(app, client, ceremony, "ru", "Русский текст.")
    assert publish(app, client, ceremony, "en").status_code == 302
    assert _state(client, editor(ceremony, "en"))[0] == "published"
    assert _state(client, editor(ceremony, "ru"))[0] == "draft"


def test_an_empty_text_cannot_be_published(app, client, login, reference):
    login("press")
    ceremony = reference.events["ceremony"]
    response = publish(app, client, ceremony, "az")
    assert response.status_code == 422
    assert "There is no press text in this language to publish" in response.get_data(as_text=True)
    save_text(app, client, ceremony, "az", "   ")  # saved blank
    assert publish(app, client, ceremony, "az").status_code == 422
    assert _rows(app) == []


def test_publishing_an_unchanged_text_again_changes_nothing(app, client, login, reference):
    login("press")
    ceremony = reference.events["ceremony"]
    save_text(app, client, ceremony, "en", "Same text.")
    assert publish(app, client, ceremony, "en").status_code == 302
    response = publish(app, client, ceremony, "en")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing changed since version 1 was published" in page
    assert len(_rows(app)) == 1
    # Saving the same words again is no change either.
    save_text(app, client, ceremony, "en", "Same text.")
    assert _state(client, editor(ceremony, "en"))[0] == "published"


def test_an_edit_after_publishing_is_a_draft_until_published_again(app, client, login, reference):
    login("press")
    ceremony = reference.events["ceremony"]
    save_text(app, client, ceremony, "en", "First words.")
    assert publish(app, client, ceremony, "en").status_code == 302
    save_text(app, client, ceremony, "en", "Better words.")
    state, page = _state(client, editor(ceremony, "en"))
    assert state == "changed" and "Changed since published" in page
    assert "still shows version 1" in page
    assert publish(app, client, ceremony, "en").status_code == 302
    assert _rows(app) == [
        (f"event-{ceremony}", "en", 1, False, False, "First words."),
        (f"event-{ceremony}", "en", 2, True, False, "Better words."),
    ]
    assert _state(client, editor(ceremony, "en"))[0] == "published"


def test_a_changed_event_title_also_needs_publishing_again(app, client, login, reference):
    login("press")
    ceremony = reference.events["ceremony"]
    save_text(app, client, ceremony, "en", "Words.")
    assert publish(app, client, ceremony, "en").status_code == 302
    with app.app_context():
        from tracker.models import Event

        event = db.session.get(Event, ceremony)
        event.set_texts("title", {**event.texts("title"), "en": "A renamed ceremony"})
        db.session.commit()
    assert _state(client, editor(ceremony, "en"))[0] == "changed"


def test_unpublishing_keeps_the_history_and_publishing_again_adds_a_version(app, client, login, reference):
    login("press", name="Nigar Press")
    ceremony = reference.events["ceremony"]
    save_text(app, client, ceremony, "en", "Words.")
    assert publish(app, client, ceremony, "en").status_code == 302
    response = unpublish(client, ceremony, "en")
    assert response.status_code == 302
    assert _rows(app) == [(f"event-{ceremony}", "en", 1, False, True, "Words.")]
    state, page = _state(client, editor(ceremony, "en"))
    assert state == "draft" and "Taken off the press page" in page
    history = read_page(page).words
    assert "Taken off" in history and history.count("Nigar Press") >= 2  # published by and taken off by
    # Nothing live: unpublishing again says so.
    again = unpublish(client, ceremony, "en")
    assert again.status_code == 422 and "This release is not on the press page." in again.get_data(as_text=True)
    assert publish(app, client, ceremony, "en").status_code == 302
    assert [row[2:5] for row in _rows(app)] == [(1, False, True), (2, True, False)]


def test_publishing_from_an_outdated_page_is_refused(app, client, login, reference):
    login("press")
    ceremony = reference.events["ceremony"]
    save_text(app, client, ceremony, "en", "Words.")
    stale = text_version(app, ceremony, "en")
    save_text(app, client, ceremony, "en", "Other words.")  # someone saved after the page was opened
    response = client.post(editor(ceremony, "en") + "/publish", data={"version": stale})
    assert response.status_code == 409
    assert "saved again after you opened this page" in response.get_data(as_text=True)
    assert _rows(app) == []


def test_a_damaged_publish_form_is_refused(app, client, login, reference):
    login("press")
    ceremony = reference.events["ceremony"]
    save_text(app, client, ceremony, "en", "Words.")
    response = client.post(editor(ceremony, "en") + "/publish", data={"version": "x" * 50})
    assert response.status_code == 422 and _rows(app) == []


def test_publish_without_csrf_is_refused(app, client, login, reference):
    login("press")
    ceremony = reference.events["ceremony"]
    save_text(app, client, ceremony, "en", "Words.")
    assert publish(app, client, ceremony, "en", csrf=False).status_code == 400
    assert _rows(app) == []


def test_unknown_language_is_not_found(app, client, login, reference):
    login("press")
    url = editor(reference.events["ceremony"], "fr") + "/publish"
    assert client.post(url, data={"version": "1"}).status_code == 404


@pytest.mark.parametrize("role", ["organiser", "representative"])
def test_organisers_and_representatives_cannot_publish(app, client, login, reference, role):
    ceremony = reference.events["ceremony"]
    login("organiser")
    save_text(app, client, ceremony, "en", "Words.")
    client.post("/logout")
    login(role)
    assert publish(app, client, ceremony, "en").status_code == 403
    assert unpublish(client, ceremony, "en").status_code == 403
    assert _rows(app) == []


def test_organisers_see_the_state_but_no_buttons(app, client, login, reference):
    login("organiser")
    ceremony = reference.events["ceremony"]
    save_text(app, client, ceremony, "en", "Words.")
    state, page = _state(client, editor(ceremony, "en"))
    assert state == "draft"
    assert "/publish" not in page and "/unpublish" not in page


def test_admin_may_publish(app, client, login, reference):
    login("admin")
    ceremony = reference.events["ceremony"]
    save_text(app, client, ceremony, "en", "Words.")
    assert publish(app, client, ceremony, "en").status_code == 302
    assert len(_rows(app)) == 1


def test_a_draft_event_cannot_be_published(app, client, login, make_event):
    login("admin")
    event = make_event(status="draft")
    save_text(app, client, event.id, "en", "Words.")
    response = publish(app, client, event.id, "en")
    assert response.status_code == 422
    assert "Only releases of scheduled or held events can be published." in response.get_data(as_text=True)
    assert _rows(app) == []


def test_press_cannot_publish_what_it_cannot_see(app, client, login, make_event):
    login("press")
    event = make_event(status="draft")
    assert client.post(editor(event.id, "en") + "/publish", data={"version": "1"}).status_code == 404


def test_a_series_release_is_published(app, client, login, reference):
    login("press")
    url = f"/series/{reference.series_id}/press-summary/en"
    client.post(url, data={"body": "About the whole series.", "version": ""})
    response = client.post(url + "/publish", data={"version": "1"})
    assert response.status_code == 302
    assert _rows(app) == [(f"series-{reference.series_id}", "en", 1, True, False, "About the whole series.")]
    assert client.post(url + "/unpublish").status_code == 302
    assert _rows(app)[0][3:5] == (False, True)


def test_a_series_without_a_scheduled_or_held_event_cannot_be_published(app, client, login, reference):
    login("press")
    url = f"/series/{reference.series_id}/press-summary/en"
    assert client.post(url, data={"body": "About the whole series.", "version": ""}).status_code == 302
    for event_id in reference.events.values():
        set_status(app, event_id, "cancelled")
    response = client.post(url + "/publish", data={"version": "1"})
    assert response.status_code == 422
    assert "This series has no scheduled or held event" in response.get_data(as_text=True)
    assert _rows(app) == []
    set_status(app, reference.events["ceremony"], "held")
    assert client.post(url + "/publish", data={"version": "1"}).status_code == 302
    assert len(_rows(app)) == 1


def test_a_title_missing_in_the_language_is_refused_not_borrowed(app, client, login, make_event):
    """The event's title is written in Azerbaijani only: the English release would carry it; refused."""
    login("press")
    event = make_event(title="Anım mərasimi", status="held", translations={"title": {"az": "Anım mərasimi"}})
    save_text(app, client, event.id, "en", "English words.")
    response = publish(app, client, event.id, "en")
    assert response.status_code == 422
    assert "The title has not been written in this language" in response.get_data(as_text=True)
    assert _rows(app) == []
    save_text(app, client, event.id, "az", "Azərbaycanca mətn.")
    assert publish(app, client, event.id, "az").status_code == 302
    assert [row[1] for row in _rows(app)] == ["az"]


def test_a_plain_title_counts_as_the_primary_languages_only(app, client, login, make_event):
    login("press")
    event = make_event(title="Anım mərasimi", status="held")  # no per-language texts at all
    save_text(app, client, event.id, "az", "Mətn.")
    save_text(app, client, event.id, "ru", "Текст.")
    assert publish(app, client, event.id, "az").status_code == 302
    assert publish(app, client, event.id, "ru").status_code == 422


def test_press_can_take_down_the_release_of_a_cancelled_event(app, client, login, reference):
    login("press")
    ceremony = reference.events["ceremony"]
    save_text(app, client, ceremony, "en", "Words.")
    assert publish(app, client, ceremony, "en").status_code == 302
    set_status(app, ceremony, "cancelled")
    # Press staff no longer open the editor, but the event's page offers the take-down.
    assert client.get(editor(ceremony, "en")).status_code == 404
    page = client.get(f"/events/{ceremony}").get_data(as_text=True)
    assert f'action="{editor(ceremony, "en")}/unpublish"' in page
    assert f'action="{editor(ceremony, "ru")}/unpublish"' not in page  # never published in Russian
    response = unpublish(client, ceremony, "en")
    assert response.status_code == 302 and response.headers["Location"] == f"/events/{ceremony}"
    assert "The release is off the press page" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _rows(app) == [(f"event-{ceremony}", "en", 1, False, True, "Words.")]
    # Nothing left to take down: the panel is gone, and a second post says why.
    assert "/unpublish" not in client.get(f"/events/{ceremony}").get_data(as_text=True)
    again = unpublish(client, ceremony, "en")
    assert again.status_code == 302
    assert "This release is not on the press page." in client.get(again.headers["Location"]).get_data(as_text=True)


def test_press_can_take_down_the_release_of_an_event_set_back_to_draft(app, client, login, reference):
    login("press")
    ceremony = reference.events["ceremony"]
    save_text(app, client, ceremony, "ru", "Слова.")
    assert publish(app, client, ceremony, "ru").status_code == 302
    set_status(app, ceremony, "draft")
    response = unpublish(client, ceremony, "ru")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert _rows(app)[0][3:5] == (False, True)
    # Publishing it is still refused while it is a draft (press cannot even see it).
    assert client.post(editor(ceremony, "ru") + "/publish", data={"version": "1"}).status_code == 404


def test_the_editor_tells_when_the_press_page_hides_a_live_release(app, client, login, reference):
    login("admin")
    ceremony = reference.events["ceremony"]
    save_text(app, client, ceremony, "en", "Words.")
    assert publish(app, client, ceremony, "en").status_code == 302
    assert "does not show this release now" not in client.get(editor(ceremony, "en")).get_data(as_text=True)
    set_status(app, ceremony, "cancelled")
    assert "does not show this release now" in client.get(editor(ceremony, "en")).get_data(as_text=True)


def test_the_editor_lists_the_newest_versions_only(app, client, login, reference):
    login("press")
    ceremony = reference.events["ceremony"]
    save_text(app, client, ceremony, "en", "Words.")
    assert publish(app, client, ceremony, "en").status_code == 302
    total = HISTORY_LIMIT + 5
    with app.app_context():
        first = db.session.execute(db.select(ReleasePublication)).scalar_one()
        first.live = False
        for number in range(2, total + 1):
            db.session.add(ReleasePublication(
                event_id=ceremony, key=first.key, language="en", number=number, report_version=1,
                title=first.title, kicker=first.kicker, dateline=first.dateline, lead=first.lead, body=f"V{number}",
                first_day=first.first_day, live=number == total))
        db.session.commit()
    page = client.get(editor(ceremony, "en")).get_data(as_text=True)
    rows = page.split('<table class="publish-history">', 1)[1].split("</table>", 1)[0].count("<tr>") - 1
    assert rows == HISTORY_LIMIT
    assert "5 older versions are not listed." in page
    assert f">{total} <span" in page and ">5</th>" not in page  # the newest listed, the oldest not


def test_publish_and_unpublish_lock_the_subject_before_reading_versions(app, client, login, reference):
    """A publish racing an unpublish of the same release take turns (PostgreSQL: SELECT … FOR UPDATE on the
    event's row before the versions are read), so the message each one shows is true."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite has one writer at a time and no FOR UPDATE")
    login("press")
    ceremony = reference.events["ceremony"]
    save_text(app, client, ceremony, "en", "Words.")
    for action in (lambda: publish(app, client, ceremony, "en"), lambda: unpublish(client, ceremony, "en")):
        with count_queries(app) as counter:
            assert action().status_code == 302
        statements = [" ".join(statement.split()) for statement in counter.statements]
        lock = next(i for i, s in enumerate(statements) if s.endswith("FOR UPDATE") and "FROM events" in s)
        versions = next(i for i, s in enumerate(statements) if "FROM release_publications" in s)
        assert lock < versions, statements
