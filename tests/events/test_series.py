"""Series: create and edit, the list, and the series page with its events and their anniversaries."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.helpers import baku, field_error
from tracker.extensions import db
from tracker.models import Series

SERIES_FORM = {
    "title": "Xocalı faciəsinin 20-ci ildönümü",
    "title_en": "20th anniversary of the Khojaly tragedy",
    "description": "Events of the agency",
    "commemorated_on": "1992-02-26",
}


def test_organiser_creates_a_series_with_its_commemorated_date(app, client, login):
    login("organiser")
    response = client.post("/series/new", data=SERIES_FORM)
    with app.app_context():
        series = db.session.execute(db.select(Series)).scalar_one()
        assert response.headers["Location"] == f"/series/{series.id}"
        assert series.commemorated_on == date(1992, 2, 26)
        assert series.text("title", "az") == "Xocalı faciəsinin 20-ci ildönümü"
        assert series.text("title", "en") == "20th anniversary of the Khojaly tragedy"
        assert series.text("title", "ru") == SERIES_FORM["title"]  # no Russian: the primary language's


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"title": " \x00\x01\x7f "}, "title", "This field is required."),
        ({"commemorated_on": "26 Feb 1992"}, "commemorated_on", "Not a valid date value."),
        ({"title": "x" * 301}, "title", "Field cannot be longer than 300 characters."),
    ],
)
def test_invalid_series_is_refused_with_the_error_beside_its_field(app, client, login, overrides, field_id,
                                                                   message):
    login("organiser")
    response = client.post("/series/new", data={**SERIES_FORM, **overrides})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), field_id) == message
    with app.app_context():
        assert db.session.execute(db.select(Series)).first() is None


def test_organiser_edits_a_series(app, client, login, make_series):
    login("organiser")
    series = make_series()
    assert client.get(f"/series/{series.id}/edit").status_code == 200
    response = client.post(f"/series/{series.id}/edit", data={**SERIES_FORM, "commemorated_on": ""})
    assert response.headers["Location"] == f"/series/{series.id}"
    with app.app_context():
        saved = db.session.get(Series, series.id)
        assert (saved.title, saved.commemorated_on) == (SERIES_FORM["title"], None)


def test_invalid_edit_of_a_series_is_refused(app, client, login, make_series):
    login("organiser")
    series = make_series("Kept title")
    response = client.post(f"/series/{series.id}/edit", data={**SERIES_FORM, "title": ""})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(Series, series.id).title == "Kept title"


def test_series_list_shows_each_series_with_its_number_of_events(client, login, make_series, make_event):
    login("representative")
    series = make_series("Khojaly remembrance")
    make_event(series_id=series.id)
    make_event(series_id=series.id)
    make_event(series_id=series.id, status="draft")
    html = client.get("/series").get_data(as_text=True)
    assert "Khojaly remembrance" in html
    assert re.search(r"<td[^>]*class=\"num\">2</td>", html)


def test_empty_series_list_tells_organisers_what_to_do(client, login):
    login("organiser")
    html = client.get("/series").get_data(as_text=True)
    assert "No series yet." in html and "/series/new" in html


def test_series_page_lists_its_events_in_order(client, login, make_series, make_event):
    login("press")
    series = make_series()
    make_event(title="Ceremony 2013", series_id=series.id, starts_at=baku(2013, 2, 25, 10),
               ends_at=baku(2013, 2, 25, 11))
    make_event(title="Ceremony 2012", series_id=series.id, starts_at=baku(2012, 2, 25, 10),
               ends_at=baku(2012, 2, 25, 11))
    make_event(title="Unrelated")
    html = client.get(f"/series/{series.id}").get_data(as_text=True)
    assert html.index("Ceremony 2012") < html.index("Ceremony 2013")
    assert "Unrelated" not in html


def test_series_page_hides_drafts_from_press(client, login, make_series, make_event):
    login("press")
    series = make_series()
    make_event(title="Planned in secret", series_id=series.id, status="draft")
    assert "Planned in secret" not in client.get(f"/series/{series.id}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("language", "first", "second"),
    [("en", "20th", "21st"), ("az", "20-ci", "21-ci"), ("ru", "20-я", "21-я")],
)
def test_series_page_states_each_events_anniversary_in_the_readers_language(client, login, make_series,
                                                                            make_event, language, first, second):
    login("press")
    series = make_series(commemorated_on=date(1992, 2, 26))
    make_event(series_id=series.id, starts_at=baku(2012, 2, 25, 10), ends_at=baku(2012, 2, 25, 11))
    make_event(series_id=series.id, starts_at=baku(2013, 2, 25, 10), ends_at=baku(2013, 2, 25, 11))
    client.post("/language", data={"language": language})
    html = client.get(f"/series/{series.id}").get_data(as_text=True)
    anniversaries = [line.strip() for line in html.split('<div class="anniversary">')[1:]]
    assert anniversaries[0].startswith(first) and anniversaries[1].startswith(second)


def test_english_anniversary_reads_as_a_phrase(client, login, make_series, make_event):
    login("press")
    series = make_series(commemorated_on=date(1992, 2, 26))
    make_event(series_id=series.id, starts_at=baku(2012, 2, 25, 10), ends_at=baku(2012, 2, 25, 11))
    assert "20th anniversary" in client.get(f"/series/{series.id}").get_data(as_text=True)


def test_series_without_a_commemorated_date_states_no_anniversary(client, login, make_series, make_event):
    login("press")
    series = make_series(commemorated_on=None)
    make_event(series_id=series.id)
    assert 'class="anniversary"' not in client.get(f"/series/{series.id}").get_data(as_text=True)


def test_missing_series_is_not_found(client, login):
    login("press")
    assert client.get("/series/424242").status_code == 404


@pytest.mark.parametrize("role", ["press", "representative"])
def test_only_organisers_create_and_edit_series(app, client, login, make_series, role):
    login(role)
    series = make_series("Kept title")
    assert client.get("/series/new").status_code == 403
    assert client.post("/series/new", data=SERIES_FORM).status_code == 403
    assert client.get(f"/series/{series.id}/edit").status_code == 403
    assert client.post(f"/series/{series.id}/edit", data=SERIES_FORM).status_code == 403
    with app.app_context():
        assert [s.title for s in db.session.execute(db.select(Series)).scalars()] == ["Kept title"]


def test_a_long_series_comes_a_page_at_a_time_in_order(app, client, login, make_series, make_event):
    app.config["PAGE_SIZE"] = 2
    login("press")
    series = make_series()
    for year in (2011, 2012, 2013, 2014, 2015):
        make_event(title=f"Ceremony {year}", series_id=series.id, starts_at=baku(year, 2, 25, 10),
                   ends_at=baku(year, 2, 25, 11))
    first = client.get(f"/series/{series.id}").get_data(as_text=True)
    assert "Ceremony 2011" in first and "Ceremony 2012" in first and "Ceremony 2013" not in first
    assert f'href="/series/{series.id}?page=2#series-events" rel="next"' in first
    second = client.get(f"/series/{series.id}?page=2").get_data(as_text=True)
    assert "Ceremony 2013" in second and "Ceremony 2014" in second and "Ceremony 2012" not in second
    # The numbering of the list goes on from the page before.
    assert '<ol class="series-events" start="3">' in second
    assert client.get(f"/series/{series.id}?page=4").status_code == 404
