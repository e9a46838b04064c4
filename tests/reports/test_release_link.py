"""The press release links back to the page of its event (or series), at the address the site is served on."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from lxml import etree

from tracker.reports import services
from tracker.settings import settings

from .helpers import event_release, series_release
from .readers import markdown_html, word_text


def _links(html: bytes) -> list[str]:
    document = etree.fromstring(html, etree.HTMLParser(encoding="utf-8"))
    return [str(href) for href in document.xpath("//a/@href")]


@pytest.mark.parametrize("language", ["az", "ru", "en"])
def test_the_html_release_links_to_its_events_page(app, client, login, reference, language):
    event_id = reference.events["ceremony"]
    login("press", language=language)
    response = client.get(f"/events/{event_id}/report.html?lang={language}")
    assert response.status_code == 200
    links = _links(response.data)
    assert len(links) == 1
    link = urlsplit(links[0])
    # Absolute, on the site's address (``BASE_URL``, else the one this request reached), on the event's own page.
    site = urlsplit(app.config.get("BASE_URL") or "http://localhost")
    assert (link.scheme, link.netloc, link.path) == (site.scheme, site.netloc, f"/events/{event_id}")
    page = client.get(link.path)
    assert page.status_code == 200
    with app.app_context():
        title = services.load_event(event_id).text("title", language)
    assert title in page.get_data(as_text=True)


def test_the_link_follows_the_configured_base_url(app, client, login, reference):
    app.config["BASE_URL"] = "https://tracker.agency.example/"
    event_id = reference.events["ceremony"]
    login("press")
    links = _links(client.get(f"/events/{event_id}/report.html?lang=ru").data)
    assert links == [f"https://tracker.agency.example/events/{event_id}"]


def test_without_a_base_url_the_link_is_on_the_address_serving_the_request(app, reference):
    app.config["BASE_URL"] = ""
    event_id = reference.events["ceremony"]
    with app.test_request_context(f"/events/{event_id}/report.html", base_url="http://127.0.0.1:5101"):
        release = services.event_release(services.load_event(event_id), "az", settings())
    assert _links(services.render_release(release, "html")) == [f"http://127.0.0.1:5101/events/{event_id}"]


def test_the_downloaded_file_links_in_every_format(app, reference):
    """Built outside any request (as a saved file is), the release still carries the absolute address."""
    app.config["BASE_URL"] = "https://tracker.agency.example"
    event_id = reference.events["ceremony"]
    release = event_release(app, event_id, "az")
    url = f"https://tracker.agency.example/events/{event_id}"
    assert release.page_url == url
    assert _links(services.render_release(release, "html")) == [url]
    assert f'href="{url}"' in markdown_html(services.render_release(release, "md"))
    assert url in word_text(services.render_release(release, "docx"))


def test_the_series_release_links_to_the_series_page(app, client, login, reference):
    login("press")
    response = client.get(f"/series/{reference.series_id}/report.html?lang=az")
    [link] = _links(response.data)
    assert urlsplit(link).path == f"/series/{reference.series_id}"
    assert client.get(urlsplit(link).path).status_code == 200
    assert series_release(app, reference.series_id, "az").page_url.endswith(f"/series/{reference.series_id}")
