"""Pages kept for their next reader (``tracker.pagecache``): served from the store only while nothing they show
has changed, each reader with their own token, name and language, and never a page meant for someone else."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.helpers import count_queries

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _stored_pages(app) -> int:
    from tracker.extensions import db
    from tracker.models import CachedPage

    with app.app_context():
        return db.session.execute(select(func.count()).select_from(CachedPage)).scalar_one()


def _without_tokens(html: str) -> str:
    return TOKEN.sub("", html)


def test_a_page_read_again_comes_from_the_store_with_the_same_content(app, client, login, make_event):
    login("organiser")
    event = make_event("Commemoration ceremony")
    first = client.get(f"/events/{event.id}")
    assert first.status_code == 200
    assert _stored_pages(app) == 1
    with count_queries(app, stored_pages=True) as served:
        again = client.get(f"/events/{event.id}")
    assert again.status_code == 200
    assert _without_tokens(again.get_data(as_text=True)) == _without_tokens(first.get_data(as_text=True))
    # nothing of the event is read again
    assert served.count == 1, served.statements  # the account and the page, read together
    assert not any("FROM events" in statement for statement in served.statements), served.statements


def test_a_stored_page_carries_the_readers_own_working_token(app, client, login, make_event):
    login("organiser")
    event = make_event("Commemoration ceremony")
    client.get(f"/events/{event.id}")
    html = client.get(f"/events/{event.id}").get_data(as_text=True)  # from the store
    tokens = set(TOKEN.findall(html))
    assert len(tokens) == 1 and "tracker:csrf-token" not in html
    # the language switch of the stored page works with the token it carries
    response = client.post("/language", data={"language": "ru", "next": f"/events/{event.id}",
                                              "csrf_token": tokens.pop()}, csrf=False)
    assert response.status_code == 302
    assert 'lang="ru"' in client.get(f"/events/{event.id}").get_data(as_text=True)


def test_a_change_shows_at_once(app, client, login, make_event):
    login("organiser")
    event = make_event("Commemoration ceremony")
    assert "Commemoration ceremony" in client.get(f"/events/{event.id}").get_data(as_text=True)
    from tracker.extensions import db
    from tracker.models import Event

    with app.app_context():  # a change committed anywhere (here by another process's way: the session)
        stored = db.session.get(Event, event.id)
        stored.set_texts("title", {"az": "Anım mərasimi", "en": "Remembrance ceremony"})
        db.session.commit()
    html = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Commemoration ceremony" not in html
    assert "Anım mərasimi" in html or "Remembrance ceremony" in html


def _signed_in_client(app, user):
    from tests.conftest import AuthActions

    other = app.test_client()
    AuthActions(other).login_as(user)
    return other


def test_each_reader_gets_their_own_page(app, client, auth, make_user, make_event):
    event = make_event("Commemoration ceremony")
    first = make_user("organiser", name="Aysel Hüseynova")
    second = make_user("organiser", name="Kamran Əliyev")
    auth.login_as(first)
    other = _signed_in_client(app, second)  # both signed in before either reads: nothing commits in between
    assert "Aysel Hüseynova" in client.get(f"/events/{event.id}").get_data(as_text=True)
    html = other.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Kamran Əliyev" in html and "Aysel Hüseynova" not in html


def test_a_draft_stored_for_an_organiser_stays_hidden_from_a_representative(app, client, auth, make_user,
                                                                          make_event, make_unit):
    draft = make_event("Secret draft", status="draft")
    auth.login_as(make_user("organiser"))
    representative = _signed_in_client(app, make_user("representative", unit=make_unit("CIT")))
    assert client.get(f"/events/{draft.id}").status_code == 200
    assert client.get("/events?status=draft").status_code == 200
    assert representative.get(f"/events/{draft.id}").status_code == 404
    assert "Secret draft" not in representative.get("/events?status=draft").get_data(as_text=True)
    assert client.get(f"/events/{draft.id}/attendance").status_code == 200
    assert representative.get(f"/events/{draft.id}/attendance").status_code == 403  # access before the store


def test_a_flash_message_is_shown_once_and_never_stored(app, client, login, make_event):
    login("organiser")
    event = make_event("Commemoration ceremony")
    client.get(f"/events/{event.id}")
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Event saved.")]
    assert "Event saved." in client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Event saved." not in client.get(f"/events/{event.id}").get_data(as_text=True)


def test_the_store_can_be_turned_off(app, client, login, make_event):
    app.config["PAGE_CACHE"] = False
    login("organiser")
    event = make_event("Commemoration ceremony")
    client.get(f"/events/{event.id}")
    client.get(f"/events/{event.id}")
    assert _stored_pages(app) == 0


def test_a_page_is_kept_once_and_old_minutes_are_removed(app, client, login, make_event):
    from tracker.extensions import db
    from tracker.models import CachedPage

    login("organiser")
    event = make_event("Commemoration ceremony")
    client.get(f"/events/{event.id}")
    client.get("/events")
    assert _stored_pages(app) == 2
    make_event("Another ceremony")  # a commit that changes content: the event page is built and kept again
    assert "Another ceremony" in client.get("/events").get_data(as_text=True)
    assert _stored_pages(app) == 2  # replaced in place, not beside the old copy
    with app.app_context():
        db.session.execute(db.update(CachedPage).values(stored_at=datetime.now(UTC) - timedelta(hours=1)))
        db.session.commit()
    client.get("/calendar")
    assert _stored_pages(app) == 1  # only the page just stored is left


def test_a_page_lasts_its_minute_only(app, make_event):
    from tracker.pagecache import page_key

    moment = datetime(2027, 2, 26, 10, 0, 5, tzinfo=UTC)
    with app.test_request_context("/events"):
        assert page_key(moment) == page_key(moment + timedelta(seconds=30))
        assert page_key(moment) != page_key(moment + timedelta(minutes=1))
    with app.test_request_context("/events?when=past"):
        other = page_key(moment)
    with app.test_request_context("/events"):
        assert other != page_key(moment)


def test_a_stored_release_keeps_its_headers(app, client, login, make_event):
    login("press")
    event = make_event("Commemoration ceremony", status="held")
    first = client.get(f"/events/{event.id}/report.html?lang=en")
    assert first.status_code == 200
    again = client.get(f"/events/{event.id}/report.html?lang=en")
    assert again.data == first.data
    for header in ("Content-Type", "Content-Disposition", "Content-Security-Policy", "Cache-Control"):
        assert again.headers.get(header) == first.headers.get(header), header


@pytest.mark.parametrize("path", ["/", "/events", "/calendar"])
def test_pages_in_another_language_are_stored_apart(app, client, login, path):
    login("organiser")
    client.get(path)
    client.post("/language", data={"language": "en", "next": path})
    assert 'lang="en"' in client.get(path).get_data(as_text=True)
    client.post("/language", data={"language": "az", "next": path})
    assert 'lang="az"' in client.get(path).get_data(as_text=True)


def _counts(app) -> tuple[int, int]:
    from tracker.extensions import db
    from tracker.models.feeds import FEEDS, PAGES, read_content_generation

    with app.app_context():
        return read_content_generation(db.session(), FEEDS), read_content_generation(db.session(), PAGES)


def test_a_mail_worker_with_nothing_to_do_moves_no_count(app, make_event):
    from tracker.extensions import db
    from tracker.mail.delivery import deliver_due

    make_event("Commemoration ceremony")
    before = _counts(app)
    with app.app_context():
        deliver_due()  # its poll runs UPDATEs that match no row
        db.session.commit()
    assert _counts(app) == before


def test_an_email_moves_the_pages_count_and_leaves_the_feeds(app, make_event):
    from tracker.extensions import db
    from tracker.models import OutboxMessage

    make_event("Commemoration ceremony")
    feeds, pages = _counts(app)
    with app.app_context():
        db.session.add(OutboxMessage(kind="invitation", recipients=["unit@example.org"], subject="Dəvət",
                                     message_id="<count-test@tracker>", raw=b"x"))
        db.session.commit()
    assert _counts(app) == (feeds, pages + 1)
    make_event("Another ceremony")  # an event: both
    assert _counts(app) == (feeds + 1, pages + 2)


def test_the_browsers_language_is_part_of_the_key(app, client, login, make_event):
    login("organiser", language=None)
    event = make_event("Commemoration ceremony")
    russian = client.get(f"/events/{event.id}", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    english = client.get(f"/events/{event.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    again = client.get(f"/events/{event.id}", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert 'lang="ru"' in russian and 'lang="en"' in english and 'lang="ru"' in again


def test_a_page_built_while_the_account_changed_is_not_served_after(app, client, login, make_event, monkeypatch):
    """The account is read with the stored page; a change of the account committed after that read (before the
    view runs) must keep the page built from the old account from being served to the changed one."""
    from sqlalchemy.orm import Session

    from tracker import pagecache
    from tracker.extensions import db
    from tracker.models import User

    user = login("organiser")
    event = make_event("Commemoration ceremony")
    real_key = pagecache.page_key
    calls = []

    def key_then_change(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # the account was read (first call); the view's wrapper asks next
            with Session(db.engine) as other:  # another request: an admin renames the account
                other.get(User, user.id).name = "Renamed"
                other.commit()
        return real_key(*args, **kwargs)

    monkeypatch.setattr(pagecache, "page_key", key_then_change)
    assert client.get(f"/events/{event.id}").status_code == 200  # built with the account as first read
    monkeypatch.setattr(pagecache, "page_key", real_key)
    with count_queries(app, stored_pages=True) as again:
        assert client.get(f"/events/{event.id}").status_code == 200
    assert again.count > 1, again.statements  # built again: the stored copy predates the change


def test_a_photo_upload_and_a_publish_move_the_pages_count_and_leave_the_feeds(app, client, login, make_event):
    import io

    from tests.photos import pictures
    from tests.press.helpers import publish, save_text

    event = make_event("Commemoration ceremony", status="held")
    login("press")
    feeds, pages = _counts(app)
    upload = {"photos": [(io.BytesIO(pictures.jpeg(seed=3)), "wreath.jpg")]}
    assert client.post(f"/events/{event.id}/photos/upload", data=upload,
                       content_type="multipart/form-data").status_code == 302
    after_upload = _counts(app)
    assert after_upload[0] == feeds and after_upload[1] > pages  # the photos page and the release show it
    save_text(app, client, event.id, "az", "Mətbuat üçün sözlər.")  # the title is in the primary language only
    feeds, pages = _counts(app)
    assert publish(app, client, event.id, "az").status_code == 302
    after_publish = _counts(app)
    assert after_publish[0] == feeds and after_publish[1] > pages
