"""Feed caches (issue 12): stored VEVENTs per event, the last body per feed — same bytes, fresh after every change."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from html.parser import HTMLParser
from typing import Any

import pytest

from tests.calendar.ics_checks import check_calendar, unfolded
from tests.helpers import CONFIRMED, baku, count_queries
from tracker.calendar import ics, services
from tracker.calendar.ics import build_feed_ics, settings_from_app
from tracker.events import services as event_services
from tracker.extensions import db
from tracker.i18n import unit_language
from tracker.models import AgendaItem, Event, EventComponent, Series, Unit

# --- helpers -------------------------------------------------------------------------------------------------


class _FormReader(HTMLParser):
    """The values a browser would post from the first form with a submit button of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self._forms = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        name = attr.get("name", "")
        if tag == "form":
            self._forms += 1
        if tag == "input" and name and attr.get("type") not in {"submit", "button"}:
            if attr.get("type") in {"checkbox", "radio"} and "checked" not in attr:
                return
            self.values.setdefault(name, attr.get("value", "y" if attr.get("type") == "checkbox" else ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and ("selected" in attr or self._select not in self.values):
            self.values[self._select] = attr.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data.removeprefix("\n") if not self.values[self._textarea] else data


def _post_form(client, url: str, **changes: str) -> Any:
    """GET the form at ``url``, change some fields, POST it back as a browser would; returns the response."""
    page = client.get(url)
    assert page.status_code == 200, url
    reader = _FormReader()
    reader.feed(page.get_data(as_text=True))
    data = {k: v for k, v in reader.values.items() if k != "csrf_token"}
    data.update(changes)
    response = client.post(url, data=data)
    assert response.status_code == 302, (url, response.get_data(as_text=True)[:2000])
    return response


def _unit_feed(app, unit_id: int) -> tuple[str, bytes]:
    """The feed's URL and the reference builder's bytes for it (the uncached builder, same data)."""
    with app.app_context():
        unit = db.session.get(Unit, unit_id)
        language = unit_language(unit)
        settings = settings_from_app(language)
        _REFERENCE.append(1)
        try:
            reference = build_feed_ics(
                services.unit_feed_events(unit),
                name=f"{settings.organisation_name} — {unit.text('name', language)}",
                uid=f"unit-{unit.id}-feed@{settings.uid_domain}",
                settings=settings,
            )
        finally:
            _REFERENCE.pop()
        return f"/feeds/{unit.feed_token}.ics", reference


#: Not empty while the reference builder runs (the ``builds`` spy counts only the feed service's builds).
_REFERENCE: list[int] = []


def _stored_components(app) -> int:
    with app.app_context():
        return db.session.execute(db.select(db.func.count()).select_from(EventComponent)).scalar_one()


@pytest.fixture
def builds(monkeypatch) -> list[int]:
    """The ids of the events whose VEVENT the builder makes (a spy on ``build_event_component``)."""
    made: list[int] = []
    real = ics.build_event_component

    def spy(event, **kwargs):
        if not _REFERENCE:
            made.append(event.id)
        return real(event, **kwargs)

    monkeypatch.setattr(ics, "build_event_component", spy)
    return made


@pytest.fixture
def varied(scenario, make_unit, make_person, make_venue, make_event, make_invitation, app) -> int:
    """The reference scenario's CIT plus events in several zones, all-day, exhibitions and translations; the
    unit (reading Russian) is invited to all of them. Returns the unit's id."""
    with app.app_context():
        unit = db.session.get(Unit, scenario.cit_id)
        unit.language = "ru"
        db.session.commit()
    speaker = make_person("Elnur Aliyev", rank="colonel", position="Head of department",
                          translations={"full_name": {"ru": "Эльнур Алиев"}, "position": {"ru": "Начальник отдела"}})
    venue = make_venue("Museum", translations={"name": {"ru": "Музей"}})
    events = [
        make_event("Moscow briefing", timezone="Europe/Moscow", venue_id=venue.id,
                   starts_at=datetime(2012, 3, 5, 7, tzinfo=UTC), ends_at=datetime(2012, 3, 5, 8, tzinfo=UTC),
                   translations={"title": {"ru": "Брифинг в Москве"}}, languages=["ru"],
                   agenda=[{"kind": "speech", "title": "Opening words", "speaker_id": speaker.id,
                            "planned_start": time(11), "duration_minutes": 10}]),
        make_event("New York reception", timezone="America/New_York", presiding_id=speaker.id,
                   starts_at=datetime(2012, 3, 10, 23, tzinfo=UTC), ends_at=datetime(2012, 3, 11, 2, tzinfo=UTC)),
        make_event("Remembrance day", all_day=True, kind="commemoration",
                   starts_at=baku(2012, 2, 26), ends_at=baku(2012, 2, 27)),
        make_event("Travelling exhibition", kind="exhibition", timezone="Europe/Berlin",
                   starts_at=datetime(2012, 4, 1, 8, tzinfo=UTC), ends_at=datetime(2012, 4, 5, 16, tzinfo=UTC)),
        make_event("UTC call", timezone="UTC", status="cancelled",
                   starts_at=datetime(2013, 1, 2, 9, tzinfo=UTC), ends_at=datetime(2013, 1, 2, 10, tzinfo=UTC)),
    ]
    with app.app_context():
        unit = db.session.get(Unit, scenario.cit_id)
        exhibition = db.session.get(Event, scenario.exhibition_id)
        for event in [*events, exhibition]:
            make_invitation(event, unit)
    return scenario.cit_id


# --- the same bytes ---------------------------------------------------------------------------------------------


def test_the_cached_feed_is_byte_identical_to_the_reference_builder(client, app, scenario, builds):
    url, reference = _unit_feed(app, scenario.cit_id)
    assert client.get(url).data == reference  # cold: every VEVENT built and stored
    assert _stored_components(app) == 1
    builds.clear()
    with app.app_context():
        db.session.execute(db.update(Event).where(Event.id == scenario.ceremony_id).values(sequence=3))
        db.session.commit()
    url, reference = _unit_feed(app, scenario.cit_id)
    builds.clear()
    assert client.get(url).data == reference


def test_several_zones_all_day_and_exhibitions_give_identical_bytes(client, app, varied, builds):
    url, reference = _unit_feed(app, varied)
    cold = client.get(url).data
    assert cold == reference
    for zone in (b"Europe/Moscow", b"America/New_York", b"Asia/Baku"):
        assert b"TZID:" + zone in cold
    assert _stored_components(app) == 7
    # Warm, from stored VEVENTs only: a new key (another change elsewhere) rebuilds the body, not the events.
    with app.app_context():
        db.session.get(Unit, varied).contact_emails = ["new@units.example.org"]
        db.session.commit()
    builds.clear()
    assert client.get(url).data == reference
    assert builds == []


def test_the_series_download_and_the_public_calendar_are_identical_too(client, app, login, scenario):
    with app.app_context():
        for event in db.session.scalars(db.select(Event)):
            event.public = True
        db.session.commit()
        settings = settings_from_app("ru")
        public_reference = build_feed_ics(services.public_events(), name=settings.organisation_name,
                                          uid=f"public-calendar@{settings.uid_domain}", settings=settings)
    assert client.get("/calendar.ics?lang=ru").data == public_reference
    assert client.get("/calendar.ics?lang=ru").data == public_reference
    login("representative")
    with app.app_context():
        series = db.session.get(Series, scenario.series_id)
        series_reference = ics.build_series_ics(series, services.series_events(series, None),
                                                settings=settings_from_app("en"))
    assert client.get(f"/series/{scenario.series_id}.ics?lang=en").data == series_reference


# --- every change shows ---------------------------------------------------------------------------------------


def _feed_after(client, app, unit_id: int) -> bytes:
    """The feed now, checked against the reference builder; content lines unfolded (names are not split)."""
    url, reference = _unit_feed(app, unit_id)
    data = client.get(url).data
    assert data == reference
    check_calendar(data, method=None)
    return "\n".join(unfolded(data)).encode()


def test_edits_through_the_forms_show_in_the_feed(client, app, login, varied, scenario):
    login("organiser")
    _feed_after(client, app, varied)  # everything stored
    with app.app_context():
        ceremony = db.session.get(Event, scenario.ceremony_id)
        venue_id, presiding_id = ceremony.venue_id, ceremony.presiding_id
        item = ceremony.agenda[1]
        item_id, speaker_id = item.id, item.speaker_id

    _post_form(client, f"/events/{scenario.ceremony_id}/edit", title_ru="Траурная церемония памяти")
    assert "Траурная церемония памяти" in _feed_after(client, app, varied).decode()

    _post_form(client, f"/venues/{venue_id}/edit", name_ru="Большой актовый зал")
    assert "Большой актовый зал" in _feed_after(client, app, varied).decode()

    _post_form(client, f"/people/{speaker_id}/edit", full_name_ru="Парвиз Мусаевский")
    assert "Парвиз Мусаевский" in _feed_after(client, app, varied).decode()

    _post_form(client, f"/people/{presiding_id}/edit", full_name_ru="Фирудин Набиевский")
    assert "Фирудин Набиевский" in _feed_after(client, app, varied).decode()

    _post_form(client, f"/events/{scenario.ceremony_id}/agenda/{item_id}/edit", title_ru="Доклад об истории")
    assert "Доклад об истории" in _feed_after(client, app, varied).decode()

    client.post(f"/events/{scenario.ceremony_id}/agenda/{item_id}/delete", data=CONFIRMED)
    assert "Доклад об истории" not in _feed_after(client, app, varied).decode()

    client.post(f"/events/{scenario.ceremony_id}/cancel", data=CONFIRMED)
    with app.app_context():
        assert db.session.get(Event, scenario.ceremony_id).status == "cancelled"
    _feed_after(client, app, varied)


def test_a_series_title_shows_in_its_download(client, app, login, scenario):
    login("organiser")
    url = f"/series/{scenario.series_id}.ics"
    assert b"Renamed series" not in client.get(url).data
    _post_form(client, f"/series/{scenario.series_id}/edit", title="Renamed series")
    assert b"Renamed series" in client.get(url).data


def test_a_deleted_event_leaves_the_feed_and_its_components(client, app, varied):
    _feed_after(client, app, varied)
    with app.app_context():
        event = db.session.scalars(db.select(Event).where(Event.title == "Moscow briefing")).one()
        event_id = event.id
        db.session.delete(event)
        db.session.commit()
        assert db.session.scalars(db.select(EventComponent).where(EventComponent.event_id == event_id)).all() == []
    assert b"Moscow briefing" not in _feed_after(client, app, varied)


def test_a_bulk_statement_drops_every_stored_component(client, app, varied):
    _feed_after(client, app, varied)
    with app.app_context():
        db.session.execute(db.update(AgendaItem).values(title="Renamed item", translations={}))
        db.session.commit()
    assert _stored_components(app) == 0
    assert b"Renamed item" in _feed_after(client, app, varied)


def test_a_deleted_speaker_and_venue_leave_the_feed(client, app, login, varied, scenario):
    login("organiser")
    _feed_after(client, app, varied)
    with app.app_context():
        ceremony = db.session.get(Event, scenario.ceremony_id)
        speaker = ceremony.agenda[1].speaker
        db.session.delete(speaker)
        db.session.delete(ceremony.venue)
        db.session.commit()
    data = _feed_after(client, app, varied).decode()
    assert "Assembly hall" not in data


def test_a_service_change_shows(client, app, varied, scenario):
    _feed_after(client, app, varied)
    with app.app_context():
        event_services.cancel_event(db.session.get(Event, scenario.exhibition_id))
        db.session.commit()
    assert b"STATUS:CANCELLED" in _feed_after(client, app, varied)


# --- what a request costs -----------------------------------------------------------------------------------


def test_after_one_change_only_that_event_is_built(client, app, login, varied, scenario, builds):
    login("organiser")
    _feed_after(client, app, varied)
    assert len(builds) == 7
    _post_form(client, f"/events/{scenario.ceremony_id}/edit", title_ru="Новое название")
    builds.clear()
    _feed_after(client, app, varied)
    assert builds == [scenario.ceremony_id]
    assert _stored_components(app) == 7


def test_an_unchanged_full_get_serves_the_stored_body_without_building(client, app, varied, monkeypatch):
    url, reference = _unit_feed(app, varied)
    first = client.get(url)
    calls: list[int] = []
    monkeypatch.setattr(services, "assemble_feed_ics", lambda *a, **k: calls.append(1) or b"")
    again = client.get(url)
    assert again.status_code == 200
    assert again.data == first.data == reference
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Last-Modified"] == first.headers["Last-Modified"]
    assert calls == []
    # The 304 still works.
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


@pytest.mark.parametrize("warm", [False, True])
def test_statements_per_feed_request_do_not_grow_with_the_feed(client, app, scenario, make_event, make_invitation,
                                                               warm):
    url, _reference = _unit_feed(app, scenario.cit_id)
    counts = []
    for n, added in ((10, 9), (100, 90)):  # the ceremony, then 10 events, then 100
        with app.app_context():
            unit = db.session.get(Unit, scenario.cit_id)
            for i in range(added):
                make_invitation(make_event(f"Ceremony {n}-{i}", agenda=[{"kind": "speech", "title": "Words"}]), unit)
            if warm:
                client.get(url)  # every VEVENT stored; after the change below the body is rebuilt from them
            db.session.get(Unit, scenario.cit_id).contact_emails = [f"x{n}@units.example.org"]
            db.session.commit()
            if not warm:
                db.session.execute(db.delete(EventComponent))
                db.session.commit()
        with count_queries(app) as counter:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(counter.count)
        with count_queries(app) as stored:
            assert client.get(url).data == response.data
        assert stored.count <= 3
    assert counts[0] == counts[1]
    assert counts[0] <= 12


def test_a_stale_component_is_not_stored_after_a_concurrent_change(app, varied):
    """A VEVENT built from data that a commit changed meanwhile is served once but not kept."""
    with app.app_context():
        generation = services.content_generation()
        unit = db.session.get(Unit, varied)
        settings = settings_from_app("ru")
        db.session.execute(db.update(Unit).where(Unit.id == unit.id).values(active=True))  # another commit
        db.session.commit()
        services.feed_ics(services.unit_feed_query(unit), generation=generation, name="Feed", uid="u@x",
                          settings=settings)
        db.session.commit()
        assert _stored_components(app) == 0
        services.feed_ics(services.unit_feed_query(unit), generation=services.content_generation(), name="Feed",
                          uid="u@x", settings=settings)
        db.session.commit()
    assert _stored_components(app) == 7


def test_dates_stay_dates(app, varied):
    """The all-day and the multi-day exhibition keep VALUE=DATE lines in the stored VEVENT."""
    with app.app_context():
        unit = db.session.get(Unit, varied)
        data = services.feed_ics(services.unit_feed_query(unit), generation=0, name="F", uid="u",
                                 settings=settings_from_app("en")).decode()
    assert f"DTSTART;VALUE=DATE:{date(2012, 2, 26):%Y%m%d}" in data


def test_a_foreign_host_stores_nothing_without_a_base_url(app, varied):
    """Without BASE_URL, links follow the Host header: a copy per Host sent would grow without end."""
    url, _reference = _unit_feed(app, varied)
    app.config["BASE_URL"] = ""
    anyone = app.test_client()
    for host in ("evil-1.example", "evil-2.example"):
        response = anyone.get(url, headers={"Host": host})
        assert response.status_code == 200 and f"http://{host}/events/".encode() in response.data
        assert _stored_components(app) == 0
    app.config["DEFAULT_BASE_URL"] = "http://tracker.internal"
    assert anyone.get(url, headers={"Host": "tracker.internal"}).status_code == 200
    assert _stored_components(app) > 0  # the site's own address is kept


def test_storing_another_edition_removes_the_old_one(client, app, varied):
    _feed_after(client, app, varied)
    stored = _stored_components(app)
    assert stored > 0
    with app.app_context():
        old = set(db.session.scalars(db.select(EventComponent.edition)))
    app.config["ALARMS"] = "PT2H"  # new settings: a new edition
    _feed_after(client, app, varied)
    with app.app_context():
        editions = set(db.session.scalars(db.select(EventComponent.edition)))
    assert editions and not editions & old
    assert _stored_components(app) == stored
