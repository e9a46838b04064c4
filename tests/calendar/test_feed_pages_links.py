"""Where people find a unit's calendar feed: the representative's own page and the organisers' unit list."""

from __future__ import annotations


def test_representative_sees_the_units_feed_on_their_page(app, client, login, make_unit):
    unit = make_unit("CIT")
    login("representative", unit=unit)
    html = client.get("/my").get_data(as_text=True)
    assert f"/feeds/{unit.feed_token}.ics" in html
    assert "webcal://" in html
    assert f'/units/{unit.id}/feed/rotate' in html


def test_organisers_reach_each_units_feed_from_the_unit_list(client, login, make_unit):
    unit = make_unit("CIT")
    login("organiser")
    html = client.get("/units").get_data(as_text=True)
    assert f'href="/units/{unit.id}/feed"' in html
    assert client.get(f"/units/{unit.id}/feed").status_code == 200
