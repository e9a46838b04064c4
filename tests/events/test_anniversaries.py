"""The anniversaries to come: the reference scenario's date, the highlighted ones, planned or not, "Plan it"."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.helpers import count_queries
from tracker.events import anniversaries
from tracker.models import Role

REFERENCE = json.loads((Path(__file__).parents[3] / "shared" / "scenarios" / "reference.json").read_text("utf-8"))
TODAY = date(2026, 11, 30)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page's "today": 30 November 2026, so the window is December 2026 to November 2036."""
    monkeypatch.setattr(anniversaries, "agency_today", lambda settings: TODAY)


@pytest.fixture
def reference_series(make_series, make_event):
    """The reference scenario's series (1992-02-26) with its 2012 ceremony (the 20th anniversary)."""
    titles = REFERENCE["series"]["title"]
    series = make_series(title=titles["az"], commemorated_on=date(1992, 2, 26),
                         translations={"title": dict(titles)})
    make_event(series_id=series.id, starts_at=datetime(2012, 2, 25, 6, tzinfo=UTC),
               ends_at=datetime(2012, 2, 25, 7, 30, tzinfo=UTC), status="held")
    return series


def _rows(html: str) -> list[str]:
    return html.split('<tr class="anniversary')[1:]


@pytest.mark.parametrize(("language", "ordinal"), [("az", "35-ci"), ("ru", "35-я"), ("en", "35th")])
def test_reference_date_shows_the_35th_on_26_february_2027(client, login, reference_series, language, ordinal):
    login(Role.ORGANISER, language=language)
    html = client.get("/series/anniversaries").get_data(as_text=True)
    rows = _rows(html)
    # 2027 (35th), 2032 (40th), 2037 is past the window's end on 30 November 2036.
    assert len(rows) == 2
    assert ordinal in rows[0] and "2027" in rows[0] and "26" in rows[0]
    assert "2032" in rows[1]


def test_every_step_and_highlighted_ones_follow_the_settings(app, client, login, make_series):
    make_series(title="Founding", commemorated_on=date(1977, 6, 1))  # 50th in 2027, 55th in 2032
    login(Role.ORGANISER, language="en")
    rows = _rows(client.get("/series/anniversaries").get_data(as_text=True))
    assert [("50th" in row, row.startswith(" highlighted")) for row in rows] == [(True, True), (False, False)]
    app.config["ANNIVERSARY_STEP"] = 1
    app.config["ANNIVERSARY_HIGHLIGHT_STEP"] = 55
    rows = _rows(client.get("/series/anniversaries").get_data(as_text=True))
    assert len(rows) == 10
    assert [row.startswith(" highlighted") for row in rows] == [n == 55 for n in range(50, 60)]


def test_an_event_in_the_year_makes_it_planned(client, login, reference_series, make_series, make_event):
    planned = make_series(title="Events for the 35th anniversary", commemorated_on=date(1992, 2, 26))
    make_event(series_id=planned.id, starts_at=datetime(2027, 2, 25, 6, tzinfo=UTC),
               ends_at=datetime(2027, 2, 25, 8, tzinfo=UTC))
    login(Role.ORGANISER, language="en")
    rows = _rows(client.get("/series/anniversaries").get_data(as_text=True))
    assert "Events for the 35th anniversary" in rows[0] and "Plan it" not in rows[0]
    assert "Not planned yet." in rows[1] and "Plan it" in rows[1]


def test_a_cancelled_event_does_not_plan_it(client, login, reference_series, make_event):
    make_event(series_id=reference_series.id, starts_at=datetime(2027, 2, 25, 6, tzinfo=UTC),
               ends_at=datetime(2027, 2, 25, 8, tzinfo=UTC), status="cancelled")
    login(Role.ORGANISER, language="en")
    assert "Not planned yet." in _rows(client.get("/series/anniversaries").get_data(as_text=True))[0]


def test_plan_it_prefills_the_new_series_with_the_ordinal_renumbered(client, login, reference_series):
    login(Role.ORGANISER, language="en")
    html = client.get(f"/series/new?from={reference_series.id}&anniversary=35").get_data(as_text=True)
    assert "Xocalı faciəsinin 35-ci ildönümü ilə bağlı tədbirlər" in html
    assert "Мероприятия, посвящённые 35-й годовщине Ходжалинской трагедии" in html
    assert "Events for the 35th anniversary of the Khojaly tragedy" in html
    assert 'value="1992-02-26"' in html


def test_plan_it_with_bad_parameters_shows_the_empty_form(client, login):
    login(Role.ORGANISER)
    for query in ("from=abc&anniversary=5", "from=999999&anniversary=5", "from=1&anniversary=-3", "from=1"):
        response = client.get(f"/series/new?{query}")
        assert response.status_code == 200


@pytest.mark.parametrize(("role", "status"), [(Role.ADMIN, 200), (Role.ORGANISER, 200), (Role.PRESS, 200),
                                                (Role.REPRESENTATIVE, 403)])
def test_who_may_read_the_page(client, login, reference_series, role, status):
    login(role)
    response = client.get("/series/anniversaries")
    assert response.status_code == status
    if role == Role.PRESS:
        assert "Plan it" not in response.get_data(as_text=True)


def test_the_series_list_links_the_page(client, login):
    login(Role.ORGANISER)
    assert "/series/anniversaries" in client.get("/series").get_data(as_text=True)


def test_the_page_costs_the_same_queries_however_long_the_history(app, client, login, make_series, make_event):
    login(Role.ORGANISER)
    make_series(title="First", commemorated_on=date(1992, 2, 26))
    client.get("/series/anniversaries")
    with count_queries(app) as few:
        client.get("/series/anniversaries")
    for year in range(1993, 2026):
        series = make_series(title=f"Year {year}", commemorated_on=date(1990 + year % 7, 3, 1))
        make_event(series_id=series.id, starts_at=datetime(year, 3, 1, 6, tzinfo=UTC),
                   ends_at=datetime(year, 3, 1, 8, tzinfo=UTC))
    with count_queries(app) as many:
        client.get("/series/anniversaries")
    assert many.count == few.count
