"""Conditional GETs of feeds and downloads: Last-Modified moves whenever the body does, whatever changed.

Every change below leaves ``Event.updated_at`` alone or happens within the same second as the previous
response; a client sending only the If-Modified-Since it was given must still get the new body.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from werkzeug.http import parse_date

from tracker.calendar import services
from tracker.extensions import db
from tracker.i18n import primary_language
from tracker.models import AgendaItem, Event, Invitation, Person, Unit, Venue

T = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


def _feed_url(app, unit_id: int) -> str:
    with app.app_context():
        return f"/feeds/{db.session.get(Unit, unit_id).feed_token}.ics"


def _ceremony(scenario) -> Event:
    return db.session.get(Event, scenario.ceremony_id)


def _add_agenda_item(scenario) -> bytes:
    db.session.add(AgendaItem(event_id=scenario.ceremony_id, position=4, kind="other", title="Closing words"))
    return b"Closing words"


def _edit_agenda_item(scenario) -> bytes:
    _ceremony(scenario).agenda[0].set_texts("title", {primary_language(): "Two minutes' silence"})
    return b"Two minutes' silence"


def _rename_venue(scenario) -> bytes:
    db.session.get(Venue, _ceremony(scenario).venue_id).set_texts("name", {primary_language(): "Great hall"})
    return b"Great hall"


def _change_speaker_rank(scenario) -> bytes:
    speaker = _ceremony(scenario).agenda[1].speaker
    speaker.set_texts("rank", {primary_language(): "II rank state migration service counsellor"})
    return b"II rank state migration service counsellor"


def _change_presiding(scenario) -> bytes:
    person = Person(full_name="Vusal Huseynov", rank="colonel", position="First deputy")
    db.session.add(person)
    db.session.flush()
    _ceremony(scenario).presiding_id = person.id
    return b"Vusal Huseynov"


def _change_title(scenario) -> bytes:
    _ceremony(scenario).set_texts("title", {primary_language(): "Ceremony of remembrance"})
    # Only the primary language has the text: every reader's SUMMARY falls back to it and is marked so.
    return f"SUMMARY;LANGUAGE={primary_language()}:Ceremony of remembrance".encode()


CHANGES: dict[str, Callable[..., bytes]] = {
    "agenda item added": _add_agenda_item,
    "agenda item edited": _edit_agenda_item,
    "venue renamed": _rename_venue,
    "speaker's rank changed": _change_speaker_rank,
    "presiding person changed": _change_presiding,
    "event title changed": _change_title,
}


def _change(app, scenario, change: Callable[..., bytes]) -> bytes:
    with app.app_context():
        marker = change(scenario)
        db.session.commit()
    return marker


def _assert_new_body_for_if_modified_since(client, url: str, before, marker: bytes | None = None) -> None:
    after = client.get(url, headers={"If-Modified-Since": before.headers["Last-Modified"]})
    assert after.status_code == 200
    assert after.data != before.data
    if marker is not None:
        assert marker in after.data.replace(b"\r\n ", b"")
    assert parse_date(after.headers["Last-Modified"]) > parse_date(before.headers["Last-Modified"])
    assert after.headers["ETag"] != before.headers["ETag"]


@pytest.mark.parametrize("name", list(CHANGES))
def test_unit_feed_answers_if_modified_since_with_the_changed_body(client, app, scenario, name):
    url = _feed_url(app, scenario.cit_id)
    before = client.get(url)
    marker = _change(app, scenario, CHANGES[name])
    _assert_new_body_for_if_modified_since(client, url, before, marker)


@pytest.mark.parametrize("name", list(CHANGES))
def test_event_download_answers_if_modified_since_with_the_changed_body(client, app, login, scenario, name):
    login("representative")
    url = f"/events/{scenario.ceremony_id}.ics"
    before = client.get(url)
    marker = _change(app, scenario, CHANGES[name])
    _assert_new_body_for_if_modified_since(client, url, before, marker)


@pytest.mark.parametrize("role", ["representative", "organiser"])
def test_series_download_answers_if_modified_since_with_the_changed_body(client, app, login, scenario, role):
    login(role)
    url = f"/series/{scenario.series_id}.ics"
    before = client.get(url)
    marker = _change(app, scenario, _rename_venue)
    _assert_new_body_for_if_modified_since(client, url, before, marker)


def test_public_calendar_answers_if_modified_since_with_the_changed_body(client, app, scenario):
    with app.app_context():
        _ceremony(scenario).public = True
        db.session.commit()
    before = client.get("/calendar.ics")
    marker = _change(app, scenario, _change_speaker_rank)
    _assert_new_body_for_if_modified_since(client, "/calendar.ics", before, marker)


def test_withdrawn_invitation_changes_the_feeds_last_modified(client, app, scenario):
    url = _feed_url(app, scenario.cit_id)
    before = client.get(url)
    with app.app_context():
        db.session.delete(db.session.get(Invitation, scenario.cit_invitation_id))
        db.session.commit()
    _assert_new_body_for_if_modified_since(client, url, before)
    assert b"BEGIN:VEVENT" not in client.get(url).data


def test_added_invitation_changes_the_feeds_last_modified(client, app, scenario, make_event, make_invitation):
    url = _feed_url(app, scenario.cit_id)
    before = client.get(url)
    with app.app_context():
        unit = db.session.get(Unit, scenario.cit_id)
        make_invitation(make_event("Wreath laying"), unit)
        marker = f"SUMMARY;LANGUAGE={primary_language()}:Wreath laying".encode()  # entered in the primary language
    _assert_new_body_for_if_modified_since(client, url, before, marker)


def test_unchanged_feed_answers_304_to_if_none_match_and_to_if_modified_since(client, app, scenario):
    url = _feed_url(app, scenario.cit_id)
    first = client.get(url)
    for headers in ({"If-None-Match": first.headers["ETag"]}, {"If-Modified-Since": first.headers["Last-Modified"]}):
        response = client.get(url, headers=headers)
        assert response.status_code == 304, headers
        assert response.data == b""
        assert response.headers["ETag"] == first.headers["ETag"]


def test_etag_is_strong_and_if_none_match_compares_weakly(client, app, scenario):
    url = _feed_url(app, scenario.cit_id)
    etag = client.get(url).headers["ETag"]
    assert etag.startswith('"')  # strong: the bytes themselves, not "W/"
    assert client.get(url, headers={"If-None-Match": f"W/{etag}"}).status_code == 304
    assert client.get(url, headers={"If-None-Match": f'"stale", {etag}'}).status_code == 304
    assert client.get(url, headers={"If-None-Match": "*"}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"stale"'}).status_code == 200


def test_a_stale_etag_wins_over_a_current_if_modified_since(client, app, scenario):
    url = _feed_url(app, scenario.cit_id)
    first = client.get(url)
    headers = {"If-None-Match": '"stale"', "If-Modified-Since": first.headers["Last-Modified"]}
    assert client.get(url, headers=headers).status_code == 200


def test_organisers_and_others_keep_their_own_series_validators(client, app, login, scenario, make_event):
    # An organiser's series body holds drafts: it must not move the Last-Modified others were given.
    make_event("Draft in the series", status="draft", series_id=scenario.series_id)
    url = f"/series/{scenario.series_id}.ics"
    login("representative")
    seen = client.get(url)
    client.get("/logout")
    login("organiser")
    assert b"Draft in the series" in client.get(url).data
    client.get("/logout")
    login("representative")
    assert client.get(url, headers={"If-Modified-Since": seen.headers["Last-Modified"]}).status_code == 304


# --- the record itself --------------------------------------------------------------------------------------


def test_a_new_body_in_the_same_second_is_a_second_later(app):
    with app.app_context():
        first = services.feed_last_modified("unit:1", "a", now=T)
        assert services.feed_last_modified("unit:1", "a", now=T + timedelta(seconds=30)) == first == T
        assert services.feed_last_modified("unit:1", "b", now=T.replace(microsecond=900)) == T + timedelta(seconds=1)
        # A server whose clock is behind still moves forward.
        assert services.feed_last_modified("unit:1", "a", now=T - timedelta(hours=1)) == T + timedelta(seconds=2)
        db.session.commit()


def test_a_server_that_loses_the_race_serves_a_later_instant(app, monkeypatch):
    """Another server stores its body between this one's read and write: this write must not undo it."""
    with app.app_context():
        services.feed_last_modified("public", "a", now=T)
        db.session.commit()
        theirs = T + timedelta(minutes=10)
        real = services._replace_if_unchanged

        def other_server_first(feed, old_etag, etag, moment, *state_key):
            # Another server's committed write (SQLite cannot hold two writers: the same session stands in).
            db.session.execute(services.FeedValidator.__table__.update().values(etag="b", last_modified=theirs))
            return real(feed, old_etag, etag, moment, *state_key)

        monkeypatch.setattr(services, "_replace_if_unchanged", other_server_first)
        mine = services.feed_last_modified("public", "c", now=T + timedelta(seconds=5))
        monkeypatch.setattr(services, "_replace_if_unchanged", real)
        db.session.commit()
        assert mine is not None and mine > theirs
        assert services.feed_last_modified("public", "c", now=T) == mine


def test_a_server_that_loses_the_first_insert_serves_the_stored_instant(app, monkeypatch):
    with app.app_context():
        real = services._insert_if_absent

        def other_server_first(feed, etag, moment, *state_key):
            db.session.execute(services.FeedValidator.__table__.insert().values(feed=feed, etag=etag, last_modified=T))
            return real(feed, etag, moment, *state_key)

        monkeypatch.setattr(services, "_insert_if_absent", other_server_first)
        assert services.feed_last_modified("event:7", "a", now=T + timedelta(seconds=3)) == T
        db.session.commit()


# --- answered without building the body ------------------------------------------------------------------------


def _count_builds(monkeypatch, name: str) -> list[int]:
    """Count the calls of the calendar view's builder ``name`` (it still builds)."""
    from tracker.calendar import views

    calls: list[int] = []
    real = getattr(views, name)

    def spy(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(views, name, spy)
    return calls


def test_an_unchanged_conditional_request_does_not_build_the_feed(client, app, scenario, monkeypatch):
    builds = _count_builds(monkeypatch, "feed_ics")
    url = _feed_url(app, scenario.cit_id)
    first = client.get(url)
    assert builds == [1]
    for headers in ({"If-None-Match": first.headers["ETag"]}, {"If-Modified-Since": first.headers["Last-Modified"]}):
        response = client.get(url, headers=headers)
        assert response.status_code == 304, headers
        assert response.headers["ETag"] == first.headers["ETag"]
        assert "private" in response.headers["Cache-Control"]
    assert builds == [1]
    assert client.get(url).data == first.data  # an unconditional request gets the body recorded with the key
    assert builds == [1]


def test_unchanged_downloads_and_the_public_calendar_are_not_built(client, app, login, scenario, monkeypatch):
    with app.app_context():
        _ceremony(scenario).public = True
        db.session.commit()
    login("representative")
    for name, url in (
        ("build_event_ics", f"/events/{scenario.ceremony_id}.ics"),
        ("feed_ics", f"/series/{scenario.series_id}.ics"),
        ("feed_ics", "/calendar.ics"),
    ):
        builds = _count_builds(monkeypatch, name)
        first = client.get(url)
        assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304, url
        assert builds == [1], url


def test_a_304_makes_as_many_statements_for_30_events_as_for_3(client, app, scenario, make_event, make_invitation):
    from tests.helpers import count_queries

    url = _feed_url(app, scenario.cit_id)
    counts = []
    for n in (3, 27):
        with app.app_context():
            unit = db.session.get(Unit, scenario.cit_id)
            for i in range(n):
                make_invitation(make_event(f"Ceremony {n}-{i}", agenda=[{"kind": "speech", "title": "Words"}]), unit)
        first = client.get(url)
        assert first.data.count(b"BEGIN:VEVENT") >= n
        with count_queries(app) as counter:
            assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 3, counts  # generation, token, validator


def test_a_core_update_changes_the_feed(client, app, scenario):
    # Bulk answers are Core UPDATEs: no ORM object changes, the generation still moves.
    from sqlalchemy import update

    url = _feed_url(app, scenario.cit_id)
    before = client.get(url)
    with app.app_context():
        texts = {"name": {primary_language(): "Core hall"}}
        db.session.execute(update(Venue).values(name="Core hall", translations=texts))
        db.session.commit()
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert b"Core hall" in after.data.replace(b"\r\n ", b"")


def test_a_changed_setting_changes_the_feed(client, app, scenario):
    url = _feed_url(app, scenario.cit_id)
    before = client.get(url)
    app.config["ORGANISATION_NAME"] = "Renamed agency"
    for key in [key for key in app.config if key.startswith("ORGANISATION_NAME_")]:
        app.config[key] = "Renamed agency"
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert b"Renamed agency" in after.data.replace(b"\r\n ", b"")


def test_a_rolled_back_change_leaves_the_feed_unchanged(client, app, scenario):
    url = _feed_url(app, scenario.cit_id)
    before = client.get(url)
    with app.app_context():
        _ceremony(scenario).set_texts("title", {primary_language(): "Never saved"})
        db.session.flush()
        db.session.rollback()
        db.session.commit()
    assert client.get(url, headers={"If-None-Match": before.headers["ETag"]}).status_code == 304


def test_a_change_before_a_rolled_back_savepoint_still_changes_the_feed(client, app, scenario):
    url = _feed_url(app, scenario.cit_id)
    before = client.get(url)
    with app.app_context():
        _ceremony(scenario).set_texts("title", {primary_language(): "Kept title"})
        db.session.flush()
        savepoint = db.session.begin_nested()
        db.session.get(Venue, _ceremony(scenario).venue_id).set_texts("name", {primary_language(): "Dropped hall"})
        db.session.flush()
        savepoint.rollback()
        db.session.commit()
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert b"Kept title" in after.data.replace(b"\r\n ", b"")
    assert b"Dropped hall" not in after.data.replace(b"\r\n ", b"")
