"""The public press page: off by default, only published versions, lang/hreflang/OpenGraph, the Atom feed.

Everything is read signed out. Atom is parsed with feedparser and checked against the rules of RFC 4287 that
a reader relies on: the feed and every entry have an id, a title, updated and a link; ids are stable.
"""

from __future__ import annotations

import io
import time

import feedparser
import pytest
from sqlalchemy import select
from werkzeug.http import http_date

from tests.helpers import count_queries
from tests.photos import pictures
from tests.reports.reference import REFERENCE
from tracker.extensions import db
from tracker.models import Event, EventPhoto, ReleasePublication, Series

from .conftest import read_page
from .helpers import publish, save_text, set_status, titled_event, unpublish

BASE = "http://tracker.test"


def _publish_ceremony(app, client, login, reference, texts):
    """Sign in as press, save and publish the ceremony's release in each language of ``texts``, sign out."""
    login("press")
    ceremony = reference.events["ceremony"]
    for lang, body in texts.items():
        save_text(app, client, ceremony, lang, body)
        assert publish(app, client, ceremony, lang).status_code == 302
    client.post("/logout")
    return f"event-{ceremony}"


@pytest.mark.parametrize("url", ["/press/en/", "/press/az/event-1/", "/press/ru.atom", "/press/", "/press/en/x/"])
def test_the_press_page_is_off_by_default(app, client, url):
    assert client.get(url).status_code == 404


def test_off_means_off_even_for_published_releases(app, client, login, reference):
    key = _publish_ceremony(app, client, login, reference, {"en": "Published words."})
    assert client.get(f"/press/en/{key}/").status_code == 404
    assert client.get("/press/en.atom").status_code == 404


def test_the_list_shows_published_releases_signed_out(app, client, login, reference, press_on):
    key = _publish_ceremony(app, client, login, reference, {"en": "Published words."})
    response = client.get("/press/en/")
    assert response.status_code == 200
    page = read_page(response.get_data(as_text=True))
    assert page.lang == "en"
    assert f"{BASE}/press/en/{key}/" in page.anchors
    assert page.hreflangs() == {code: f"{BASE}/press/{code}/" for code in ("az", "ru", "en")}
    assert page.feed_links() == [f"{BASE}/press/en.atom"]
    # Only in English: the Russian list is empty.
    assert f"/press/ru/{key}/" not in client.get("/press/ru/").get_data(as_text=True)


def test_the_release_page_carries_lang_hreflang_and_opengraph(app, client, login, reference, press_on):
    texts = {"en": "Those present remembered the victims.", "az": "İştirakçılar qurbanları yad etdilər."}
    key = _publish_ceremony(app, client, login, reference, texts)
    response = client.get(f"/press/az/{key}/")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    html = response.get_data(as_text=True)
    page = read_page(html)
    assert page.lang == "az"
    assert "İştirakçılar qurbanları yad etdilər." in page.words
    # The published language versions link each other; Russian was not published.
    assert page.hreflangs() == {"az": f"{BASE}/press/az/{key}/", "en": f"{BASE}/press/en/{key}/"}
    assert page.feed_links() == [f"{BASE}/press/az.atom"]
    assert page.meta["og:type"] == ["article"]
    assert page.meta["og:url"] == [f"{BASE}/press/az/{key}/"]
    assert page.meta["og:locale"] == ["az_AZ"] and page.meta["og:locale:alternate"] == ["en_GB"]
    title = page.meta["og:title"][0]
    assert title and title in page.words
    assert page.meta["og:description"][0]
    english = read_page(client.get(f"/press/en/{key}/").get_data(as_text=True))
    assert english.lang == "en" and english.meta["og:locale"] == ["en_GB"]
    assert "Those present remembered the victims." in english.words


def test_the_public_page_shows_nothing_of_the_application(app, client, login, reference, press_on):
    key = _publish_ceremony(app, client, login, reference, {"en": "Words for the public."})
    for url in ("/press/en/", f"/press/en/{key}/", "/press/en/event-999999/"):
        response = client.get(url)
        html = response.get_data(as_text=True)
        page = read_page(html)
        assert page.forms == 0, url
        assert "csrf" not in html and "Sign out" not in html and "/login" not in html, url
        assert not any(href.startswith(("/events", "/series", "/units", "/admin")) for href in page.anchors), url


def test_nothing_about_invitations_or_attendance_is_public(app, client, login, reference, press_on):
    key = _publish_ceremony(app, client, login, reference, {"en": "Words."})
    html = client.get(f"/press/en/{key}/").get_data(as_text=True)
    feed = client.get("/press/en.atom").get_data(as_text=True)
    units = [unit["name"]["en"] if isinstance(unit["name"], dict) else unit["name"] for unit in REFERENCE["units"]]
    for text in (html, feed):
        for name in units:
            assert name not in text
        assert "Aygün" not in text  # who answered
        assert "units" not in text.lower() and "people in all" not in text  # attendance figures


def test_an_unpublished_release_is_not_reachable(app, client, login, reference, press_on):
    key = _publish_ceremony(app, client, login, reference, {"en": "Words."})
    login("press")
    # A newer draft is not public either.
    save_text(app, client, reference.events["ceremony"], "en", "A draft nobody outside may read.")
    client.post("/logout")
    assert "A draft nobody outside may read." not in client.get(f"/press/en/{key}/").get_data(as_text=True)
    login("press")
    assert unpublish(client, reference.events["ceremony"], "en").status_code == 302
    client.post("/logout")
    assert client.get(f"/press/en/{key}/").status_code == 404
    assert key not in client.get("/press/en/").get_data(as_text=True)
    assert feedparser.parse(client.get("/press/en.atom").data).entries == []
    # Never published at all: Russian.
    assert client.get(f"/press/ru/{key}/").status_code == 404


@pytest.mark.parametrize("url", ["/press/fr/", "/press/fr.atom", "/press/fr/event-1/", "/press/en/event-abc/",
                                 "/press/en/../", "/press/en/event-99999999999999999999999/"])
def test_unknown_languages_and_keys_are_not_found(app, client, press_on, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("before", ["abc", "-1", "99999999999999999999999", "1\x00"])
def test_a_bad_cursor_is_a_bad_request_with_a_reason(app, client, press_on, before):
    response = client.get("/press/en/", query_string={"before": before})
    assert response.status_code == 400
    assert "before" in response.get_data(as_text=True)


def test_the_list_is_newest_first_and_paged(app, client, login, make_event, press_on):
    app.config["PAGE_SIZE"] = 2
    login("press")
    keys = []
    for number in range(5):
        event = titled_event(make_event, f"Ceremony {number}")
        save_text(app, client, event.id, "en", f"Text {number}.")
        assert publish(app, client, event.id, "en").status_code == 302
        keys.append(f"event-{event.id}")
    client.post("/logout")
    seen = []
    url = "/press/en/"
    for _ in range(5):
        page = read_page(client.get(url).get_data(as_text=True))
        seen += [href.rsplit("/", 2)[-2] for href in page.anchors if "/press/en/event-" in href]
        older = [href for href in page.anchors if "before=" in href]
        if not older:
            break
        url = older[0]
    assert seen == list(reversed(keys))


def test_the_atom_feed_follows_the_rules_readers_rely_on(app, client, login, reference, press_on):
    key = _publish_ceremony(app, client, login, reference, {"en": "First words.\n\nSecond paragraph."})
    response = client.get("/press/en.atom")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.id == f"{BASE}/press/en/"
    assert feed.feed.language == "en"
    assert feed.feed.title and feed.feed.author == "State Migration Service"
    assert feed.feed.updated_parsed is not None
    assert {(link.rel, link.href) for link in feed.feed.links} >= {
        ("alternate", f"{BASE}/press/en/"), ("self", f"{BASE}/press/en.atom")}
    [entry] = feed.entries
    for field in ("id", "title", "updated", "link"):
        assert entry.get(field), field
    assert entry.id == entry.link == f"{BASE}/press/en/{key}/"
    assert entry.published_parsed is not None
    assert "Second paragraph." in entry.content[0].value
    assert feed.feed.updated_parsed == entry.updated_parsed


def test_feed_entry_ids_are_stable_across_a_republish(app, client, login, reference, press_on):
    key = _publish_ceremony(app, client, login, reference, {"en": "First words."})
    first = feedparser.parse(client.get("/press/en.atom").data).entries[0]
    time.sleep(1.1)  # Atom dates are to the second
    login("press")
    save_text(app, client, reference.events["ceremony"], "en", "Corrected words.")
    assert publish(app, client, reference.events["ceremony"], "en").status_code == 302
    client.post("/logout")
    [second] = feedparser.parse(client.get("/press/en.atom").data).entries
    assert second.id == first.id == f"{BASE}/press/en/{key}/"
    assert second.updated_parsed > first.updated_parsed
    assert second.published_parsed == first.published_parsed
    assert "Corrected words." in second.content[0].value
    # The page shows the newest version only.
    html = client.get(f"/press/en/{key}/").get_data(as_text=True)
    assert "Corrected words." in html and "First words." not in html


def test_the_feed_answers_conditional_requests(app, client, login, reference, press_on):
    _publish_ceremony(app, client, login, reference, {"en": "Words."})
    response = client.get("/press/en.atom")
    etag = response.headers["ETag"]
    assert client.get("/press/en.atom", headers={"If-None-Match": etag}).status_code == 304
    # No Last-Modified: an entry can leave without a moment to show for it (see the deletion test below).
    assert "Last-Modified" not in response.headers
    # A withdrawal changes the feed: the old validator no longer matches.
    login("press")
    assert unpublish(client, reference.events["ceremony"], "en").status_code == 302
    client.post("/logout")
    changed = client.get("/press/en.atom", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


@pytest.mark.parametrize("subject", ["event", "series"])
def test_the_feed_changes_when_a_subject_is_deleted(app, client, login, reference, press_on, subject):
    """Deleting an event (or a series) takes its rows with it: the old ETag must not answer 304."""
    login("press")
    ceremony = reference.events["ceremony"]
    save_text(app, client, ceremony, "en", "Event words.")
    assert publish(app, client, ceremony, "en").status_code == 302
    series_url = f"/series/{reference.series_id}/press-summary/en"
    assert client.post(series_url, data={"body": "Series words.", "version": ""}).status_code == 302
    assert client.post(series_url + "/publish", data={"version": "1"}).status_code == 302
    client.post("/logout")
    response = client.get("/press/en.atom")
    etag = response.headers["ETag"]
    assert len(feedparser.parse(response.data).entries) == 2
    with app.app_context():
        if subject == "event":
            db.session.execute(db.delete(Event).where(Event.id == ceremony))
        else:
            db.session.execute(db.update(Event).where(Event.series_id == reference.series_id).values(series_id=None))
            db.session.execute(db.delete(Series).where(Series.id == reference.series_id))
        db.session.commit()
        assert db.session.execute(db.select(db.func.count(ReleasePublication.id))).scalar_one() == 1
    changed = client.get("/press/en.atom", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert len(feedparser.parse(changed.data).entries) == 1
    # A reader revalidating by date is not told "not modified" either (the feed has no Last-Modified).
    assert client.get("/press/en.atom", headers={"If-Modified-Since": http_date(time.time())}).status_code == 200


def test_an_empty_feed_is_still_valid(app, client, press_on):
    feed = feedparser.parse(client.get("/press/ru.atom").data)
    assert not feed.bozo and feed.feed.id == f"{BASE}/press/ru/" and feed.feed.language == "ru"
    assert feed.feed.updated_parsed is not None and feed.entries == []


def test_the_listing_reads_an_index_not_the_history(app, client, login, reference, make_event, press_on):
    """The list, the feed and a release page make as many SQL statements with one release of one version as
    with many releases and many versions of each; the list still shows a release once."""
    key = _publish_ceremony(app, client, login, reference, {"en": "Version 1."})
    urls = ("/press/en/", "/press/en.atom", f"/press/en/{key}/")

    def statements() -> dict[str, int]:
        counts = {}
        for url in urls:
            assert client.get(url).status_code == 200
            with count_queries(app) as counter:
                assert client.get(url).status_code == 200
            counts[url] = counter.count
        return counts

    few = statements()
    login("press")
    for number in range(2, 6):
        save_text(app, client, reference.events["ceremony"], "en", f"Version {number}.")
        assert publish(app, client, reference.events["ceremony"], "en").status_code == 302
    for number in range(6):
        event = titled_event(make_event, f"Ceremony {number}")
        for version in range(2):
            save_text(app, client, event.id, "en", f"Text {number}, version {version}.")
            assert publish(app, client, event.id, "en").status_code == 302
    client.post("/logout")
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(ReleasePublication.id))).scalar_one() == 5 + 12
    many = statements()
    assert many == few
    html = client.get("/press/en/").get_data(as_text=True)
    assert html.count(f"/press/en/{key}/") == 1
    assert html.count("/press/en/event-") == 7


def test_a_cancelled_or_draft_event_takes_its_release_off_the_page(app, client, login, reference, press_on):
    key = _publish_ceremony(app, client, login, reference, {"en": "Words.", "az": "Sözlər."})
    ceremony = reference.events["ceremony"]
    for status in ("cancelled", "draft"):
        set_status(app, ceremony, status)
        assert client.get(f"/press/en/{key}/").status_code == 404, status
        assert client.get(f"/press/az/{key}/").status_code == 404, status
        assert key not in client.get("/press/en/").get_data(as_text=True), status
        assert feedparser.parse(client.get("/press/en.atom").data).entries == [], status
    # Scheduled again: the published version returns (it was never withdrawn), with its language links.
    set_status(app, ceremony, "scheduled")
    page = read_page(client.get(f"/press/en/{key}/").get_data(as_text=True))
    assert set(page.hreflangs()) == {"az", "en"}
    assert len(feedparser.parse(client.get("/press/en.atom").data).entries) == 1


def test_a_series_release_needs_one_scheduled_or_held_event(app, client, login, reference, press_on):
    login("press")
    url = f"/series/{reference.series_id}/press-summary/en"
    assert client.post(url, data={"body": "About the whole series.", "version": ""}).status_code == 302
    assert client.post(url + "/publish", data={"version": "1"}).status_code == 302
    client.post("/logout")
    key = f"series-{reference.series_id}"
    assert client.get(f"/press/en/{key}/").status_code == 200
    events = list(reference.events.values())
    for event_id in events[1:]:
        set_status(app, event_id, "cancelled")
    assert client.get(f"/press/en/{key}/").status_code == 200  # one event still held
    set_status(app, events[0], "cancelled")
    assert client.get(f"/press/en/{key}/").status_code == 404
    assert key not in client.get("/press/en/").get_data(as_text=True)


@pytest.mark.parametrize("url", ["/press/en/", "/press/en/{key}/", "/press/en.atom", "/press/en/?before=x"])
def test_a_forged_host_never_reaches_a_link(app, client, login, reference, press_on, url):
    """Responses are public and cacheable: every absolute address is built on BASE_URL, not the Host header."""
    key = _publish_ceremony(app, client, login, reference, {"en": "Words.", "ru": "Слова."})
    response = client.get(url.format(key=key), headers={"Host": "attacker.example"})
    assert response.status_code in (200, 400)
    text = response.get_data(as_text=True)
    assert "attacker.example" not in text
    assert BASE in text or response.status_code == 400
    if url.endswith(".atom"):
        feed = feedparser.parse(response.data)
        assert feed.feed.id == f"{BASE}/press/en/" and feed.entries[0].id == f"{BASE}/press/en/{key}/"


def test_without_base_url_the_press_page_is_off(app, client, login, reference, press_on):
    key = _publish_ceremony(app, client, login, reference, {"en": "Words."})
    app.config["BASE_URL"] = ""
    for url in ("/press/en/", f"/press/en/{key}/", "/press/en.atom"):
        assert client.get(url, headers={"Host": "attacker.example"}).status_code == 404, url
    # And the editor no longer links to it.
    login("press")
    page = client.get(f"/events/{reference.events['ceremony']}/press-summary/en").get_data(as_text=True)
    assert "/press/en/event-" not in page


def test_the_reason_of_a_bad_request_is_in_the_pages_language(app, client, press_on):
    response = client.get("/press/ru/", query_string={"before": "abc"}, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    page = read_page(response.get_data(as_text=True))
    assert page.lang == "ru"
    assert "«before» должен быть номером пресс-релиза на этой странице." in page.words


def test_russian_dates_end_in_one_full_stop(app, client, login, reference, press_on):
    key = _publish_ceremony(app, client, login, reference, {"ru": "Слова."})
    time.sleep(1.1)
    login("press")
    save_text(app, client, reference.events["ceremony"], "ru", "Другие слова.")
    assert publish(app, client, reference.events["ceremony"], "ru").status_code == 302
    client.post("/logout")
    words = read_page(client.get(f"/press/ru/{key}/").get_data(as_text=True)).words
    assert "Опубликовано " in words and "Обновлено " in words and " г." in words
    assert "г.." not in words


def test_a_page_past_the_oldest_release_says_there_are_no_more(app, client, login, reference, press_on):
    key = _publish_ceremony(app, client, login, reference, {"en": "Words."})
    with app.app_context():
        oldest = db.session.execute(db.select(db.func.min(ReleasePublication.id))).scalar_one()
    response = client.get("/press/en/", query_string={"before": oldest})
    assert response.status_code == 200
    words = read_page(response.get_data(as_text=True)).words
    assert "There are no more press releases" in words and "have been published yet" not in words
    assert key not in words
    # The first page of a language with nothing published says so.
    nothing = read_page(client.get("/press/az/").get_data(as_text=True)).words
    assert "Hələ heç bir press-reliz dərc edilməyib." in nothing


@pytest.mark.parametrize(("lang", "heading"),
                         [("az", "Press-relizlər"), ("ru", "Пресс-релизы"), ("en", "Press releases")])
def test_the_page_speaks_its_own_language_whatever_the_browser(app, client, press_on, lang, heading):
    response = client.get(f"/press/{lang}/", headers={"Accept-Language": "en" if lang != "en" else "ru"})
    page = read_page(response.get_data(as_text=True))
    assert page.lang == lang and heading in page.words


def _upload(client, event_id, *pictures_and_names):
    """Upload pictures through the photos page's form."""
    files = [(io.BytesIO(data), name) for data, name in pictures_and_names]
    assert client.post(f"/events/{event_id}/photos/upload", data={"photos": files},
                       content_type="multipart/form-data").status_code == 302


def _event_photos(app, event_id):
    with app.app_context():
        return db.session.scalars(
            select(EventPhoto).where(EventPhoto.event_id == event_id).order_by(EventPhoto.position)).all()


def _edit_photo(client, event_id, photo, **fields):
    """Post the photo's form (caption, caption_en, credit, in_release) as the photos page does."""
    data = {f"photo-{photo.id}-{name}": value for name, value in fields.items()}
    assert client.post(f"/events/{event_id}/photos/{photo.id}", data=data).status_code == 302


def _public_photo(photo, size="web"):
    return f"/press/photos/{photo.id}/{photo.key}/{size}.jpg"


def _state(client, event_id, lang):
    """The editor's publishing state of the event's release in ``lang`` (signed in as press staff)."""
    page = client.get(f"/events/{event_id}/press-summary/{lang}").get_data(as_text=True)
    marker = 'class="publish-state" data-state="'
    assert marker in page
    return page.split(marker, 1)[1].split('"', 1)[0]


def _versions(app):
    with app.app_context():
        return db.session.execute(db.select(db.func.count(ReleasePublication.id))).scalar_one()


def test_the_release_page_shows_the_chosen_photos_and_serves_only_those(app, client, login, reference, press_on):
    ceremony = reference.events["ceremony"]
    login("press")
    # The lead is larger than the web size: the page gives the web file's dimensions, not the original's.
    _upload(client, ceremony, (pictures.jpeg(1600, 1000, seed=1), "p1.jpg"), (pictures.jpeg(seed=2), "p2.jpg"),
            (pictures.jpeg(seed=3), "p3.jpg"))
    lead, second, left_out = _event_photos(app, ceremony)
    _edit_photo(client, ceremony, lead, caption="Gül dəstəsi", caption_en="Laying flowers", credit="A. Məmmədov",
                in_release="y")
    _edit_photo(client, ceremony, second, caption="Bir dəqiqəlik sükut", in_release="y")
    _edit_photo(client, ceremony, left_out, caption="Yalnız işçilər üçün", in_release="")
    key = _publish_ceremony(app, client, login, reference, {"en": "Published words."})

    def public(photo, size="web"):
        return BASE + _public_photo(photo, size)

    html = client.get(f"/press/en/{key}/").get_data(as_text=True)
    page = read_page(html)
    assert page.meta["og:image"] == [public(lead)]
    with app.app_context():
        web = db.session.get(EventPhoto, lead.id).file("web")
        assert (web.width, web.height) == (1280, 800) and (lead.width, lead.height) == (1600, 1000)
    assert page.meta["og:image:width"] == ["1280"] and page.meta["og:image:height"] == ["800"]
    assert f'src="{public(lead)}" alt="Laying flowers" width="1280" height="800"' in html
    assert html.index(public(lead)) < html.index("Published words.") < html.index(public(second))
    assert "Laying flowers" in page.words and "Photo: A. Məmmədov" in page.words
    assert "Bir dəqiqəlik sükut" in page.words  # no English caption: the primary language's
    assert public(left_out) not in html and "Yalnız işçilər üçün" not in page.words

    # Signed out, the chosen photos are served in the web size; the one left out, the other sizes (thumbnail,
    # print, the original) and a wrong key are not.
    served = client.get(_public_photo(lead))
    assert served.status_code == 200 and served.headers["Content-Type"] == "image/jpeg"
    assert served.headers["Cache-Control"] == "public, max-age=3600"
    assert client.get(_public_photo(lead), headers={"If-None-Match": served.headers["ETag"]}).status_code == 304
    assert client.get(_public_photo(second)).status_code == 200
    for url in (_public_photo(left_out), _public_photo(lead, "thumb"), _public_photo(lead, "print"),
                _public_photo(lead, "full"), f"/press/photos/{lead.id}/{'0' * 16}/web.jpg"):
        assert client.get(url).status_code == 404, url
    # Taken off the page, the release's photos go with it.
    login("press")
    assert unpublish(client, ceremony, "en").status_code == 302
    client.post("/logout")
    assert client.get(_public_photo(lead)).status_code == 404


def test_photos_added_or_recaptioned_after_publishing_wait_for_publishing_again(app, client, login, reference,
                                                                               press_on):
    """The photos are frozen with the version: an organiser (who may not publish) uploading or re-captioning
    reaches nothing public; the editor says "changed since published"; publishing again shows it."""
    ceremony = reference.events["ceremony"]
    login("press")
    _upload(client, ceremony, (pictures.jpeg(seed=1), "p1.jpg"))
    (first,) = _event_photos(app, ceremony)
    _edit_photo(client, ceremony, first, caption="Köhnə", caption_en="The published caption", credit="A. Məmmədov",
                in_release="y")
    key = _publish_ceremony(app, client, login, reference, {"en": "Published words."})
    login("press")
    assert _state(client, ceremony, "en") == "published"
    client.post("/logout")

    login("organiser")
    _upload(client, ceremony, (pictures.jpeg(seed=2), "p2.jpg"))  # chosen for the release by default
    _, added = _event_photos(app, ceremony)
    assert added.in_release
    _edit_photo(client, ceremony, first, caption="Yeni", caption_en="An unpublished caption", credit="B. Əliyev",
                in_release="y")
    client.post("/logout")

    html = client.get(f"/press/en/{key}/").get_data(as_text=True)
    words = read_page(html).words
    assert "The published caption" in words and "Photo: A. Məmmədov" in words
    assert "An unpublished caption" not in words and "B. Əliyev" not in words
    assert _public_photo(added) not in html
    assert client.get(_public_photo(added)).status_code == 404
    assert client.get(_public_photo(first)).status_code == 200

    login("press")
    assert _state(client, ceremony, "en") == "changed"
    assert publish(app, client, ceremony, "en").status_code == 302
    assert _state(client, ceremony, "en") == "published"
    assert _versions(app) == 2
    # Publishing again what is live, text and photos, changes nothing.
    assert publish(app, client, ceremony, "en").status_code == 302
    assert _versions(app) == 2
    client.post("/logout")
    html = client.get(f"/press/en/{key}/").get_data(as_text=True)
    words = read_page(html).words
    assert "An unpublished caption" in words and "Photo: B. Əliyev" in words
    assert "The published caption" not in words
    assert html.index(_public_photo(first)) < html.index(_public_photo(added))
    assert client.get(_public_photo(added)).status_code == 200


def test_a_new_lead_or_a_photo_left_out_waits_for_publishing_again(app, client, login, reference, press_on):
    ceremony = reference.events["ceremony"]
    login("press")
    _upload(client, ceremony, (pictures.jpeg(seed=1), "p1.jpg"), (pictures.jpeg(seed=2), "p2.jpg"))
    first, second = _event_photos(app, ceremony)
    key = _publish_ceremony(app, client, login, reference, {"en": "Published words."})

    login("organiser")
    assert client.post(f"/events/{ceremony}/photos/{second.id}/lead").status_code == 302
    _edit_photo(client, ceremony, first, in_release="")
    client.post("/logout")
    page = read_page(client.get(f"/press/en/{key}/").get_data(as_text=True))
    assert page.meta["og:image"] == [BASE + _public_photo(first)]  # still the published lead
    assert client.get(_public_photo(first)).status_code == 200

    login("press")
    assert _state(client, ceremony, "en") == "changed"
    assert publish(app, client, ceremony, "en").status_code == 302
    client.post("/logout")
    html = client.get(f"/press/en/{key}/").get_data(as_text=True)
    assert read_page(html).meta["og:image"] == [BASE + _public_photo(second)]
    assert _public_photo(first) not in html
    assert client.get(_public_photo(first)).status_code == 404


def test_deleting_a_photo_takes_it_off_the_press_page_at_once(app, client, login, reference, press_on):
    ceremony = reference.events["ceremony"]
    login("press")
    _upload(client, ceremony, (pictures.jpeg(seed=1), "p1.jpg"), (pictures.jpeg(seed=2), "p2.jpg"))
    first, second = _event_photos(app, ceremony)
    key = _publish_ceremony(app, client, login, reference, {"en": "Published words.", "az": "Dərc olunmuş sözlər."})

    login("organiser")
    assert client.post(f"/events/{ceremony}/photos/{first.id}/delete", data={"confirmed": "1"}).status_code == 302
    client.post("/logout")
    for lang in ("en", "az"):
        html = client.get(f"/press/{lang}/{key}/").get_data(as_text=True)
        assert _public_photo(first) not in html
        assert read_page(html).meta["og:image"] == [BASE + _public_photo(second)]
    assert client.get(_public_photo(first)).status_code == 404
    assert client.get(_public_photo(second)).status_code == 200
    # The page shows what publishing now would: nothing to publish again.
    login("press")
    assert _state(client, ceremony, "en") == "published"
    assert publish(app, client, ceremony, "en").status_code == 302
    assert _versions(app) == 2
