"""Journey 1 of DESIGN §1 in a real browser: an organiser plans the series, its exhibition and the ceremony
with its agenda, and the app states the anniversary itself.

Runs in English and in Azerbaijani. Fields are found by their names, links and buttons by roles named
from the catalogs (``tr``), and the assertions check data values (names, ranks, times) in the page's
language, so the test does not depend on the English wording.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import ORGANISER, app_session, language_of, nav_link, sign_in, submit
from tracker.models import Event, Person
from tracker.ordinals import ordinal
from tracker.vocabulary import position_in_sentence

SERIES_TITLE = "20th anniversary of the tragedy of 26 February 1992"
EXHIBITION_TITLE = "Exhibition for the 20th anniversary"
CEREMONY_TITLE = "Commemoration ceremony, 25 February 2012"
#: The speaker the organiser adds on the spot, from the agenda editor.
NEW_SPEAKER = {"name": "Leyla Hasanova", "rank": "colonel", "position": "Head of the Press Service"}


def _option_value(page, select: str, text: str) -> str:
    """The value of the option of ``select`` whose label contains ``text`` (a name, not a UI string)."""
    return page.locator(f"{select} option", has_text=text).first.get_attribute("value")


def _fill_event(page, *, kind: str, title: str, venue: str, starts_on: str, ends_on: str,
                start_time: str = "", end_time: str = "", opens: str = "", closes: str = "") -> None:
    page.locator("#kind").select_option(kind)
    page.locator("#title").fill(title)
    page.locator("#venue_id").select_option(_option_value(page, "#venue_id", venue))
    page.locator("#starts_on").fill(starts_on)
    page.locator("#ends_on").fill(ends_on)
    if start_time:
        page.locator("#start_time").fill(start_time)
        page.locator("#end_time").fill(end_time)
    if opens:
        page.locator("#daily_opens").fill(opens)
        page.locator("#daily_closes").fill(closes)
    expect(page.locator("#timezone")).to_have_value("Asia/Baku")


def _save_despite_overlaps(page) -> None:
    """Save; the demo's own 2012 events share the venue and officials, so the app warns first."""
    submit(page)
    expect(page.locator("#overlaps")).to_be_visible()
    page.locator("button[name=confirm_overlaps]").click()
    expect(page).to_have_url(re.compile(r"/events/\d+$"))


def _add_agenda_item(page, *, kind: str, title: str, minutes: int, speaker: str = "",
                     new_speaker: dict[str, str] | None = None) -> None:
    page.locator("#kind").select_option(kind)
    page.locator("#title").fill(title)
    page.locator("#duration_minutes").fill(str(minutes))
    if speaker:
        page.locator("#speaker_id").select_option(_option_value(page, "#speaker_id", speaker))
    if new_speaker:
        page.locator("#new_speaker_name").fill(new_speaker["name"])
        page.locator("#new_speaker_rank").fill(new_speaker["rank"])
        page.locator("#new_speaker_position").fill(new_speaker["position"])
    page.locator("form[action$='#add-item'] button[type=submit].primary").click()
    if speaker:
        # The deputy also speaks at the demo's 2012 ceremony at this hour: confirm the overlap.
        expect(page.locator("#overlaps")).to_be_visible()
        page.locator("button[name=confirm_overlaps]").click()
    expect(page).to_have_url(re.compile(r"/agenda#item-\d+$"))


@pytest.mark.parametrize("locale", ["en-GB", "az"])
def test_organiser_plans_series_exhibition_and_ceremony_with_agenda(page_factory, tr, scenario, live_app, locale):
    lang = locale[:2]
    people = {p["key"]: p for p in scenario["people"]}
    venues = {v["key"]: v for v in scenario["venues"]}
    page = page_factory(locale=locale)
    sign_in(page, ORGANISER)
    assert language_of(page) == lang

    # The series, with the day it commemorates.
    nav_link(page, tr, lang, "Series").click()
    page.get_by_role("link", name=tr(lang, "New series"), exact=True).click()
    page.locator("#title").fill(SERIES_TITLE)
    page.locator("#commemorated_on").fill("1992-02-26")
    submit(page)
    expect(page).to_have_url(re.compile(r"/series/\d+$"))
    series_url = page.url
    expect(page.locator("h1")).to_have_text(SERIES_TITLE)

    # The exhibition: eight days, open daily, information in three languages.
    page.get_by_role("link", name=tr(lang, "Add an event"), exact=True).click()
    expect(page.locator("#series_id option:checked")).to_have_text(SERIES_TITLE)
    _fill_event(page, kind="exhibition", title=EXHIBITION_TITLE, venue=venues["waiting-hall"]["name"][lang],
                starts_on="2012-02-22", ends_on="2012-03-01", opens="09:00", closes="18:00")
    for code in ("az", "ru", "en"):
        page.locator(f"input[name=languages][value={code}]").check()
    _save_despite_overlaps(page)
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("09:00–18:00")
    expect(facts).to_contain_text(venues["waiting-hall"]["name"][lang])

    # The ceremony, presided by the head of the service.
    page.goto(series_url)
    page.get_by_role("link", name=tr(lang, "Add an event"), exact=True).click()
    _fill_event(page, kind="ceremony", title=CEREMONY_TITLE, venue=venues["assembly-hall"]["name"][lang],
                starts_on="2012-02-25", ends_on="2012-02-25", start_time="10:00", end_time="11:30")
    head = people["head"]
    page.locator("#presiding_id").select_option(_option_value(page, "#presiding_id", head["full_name"][lang]))
    _save_despite_overlaps(page)
    ceremony_url = page.url
    expect(page.locator("h1")).to_have_text(CEREMONY_TITLE)
    expect(facts).to_contain_text("10:00–11:30")
    expect(facts).to_contain_text(head["rank"][lang])
    expect(page.locator("header .anniversary")).to_have_text(
        tr(lang, "%(ordinal)s anniversary", ordinal=ordinal(20, lang)))

    # The agenda, built in the editor; the last speaker is added on the spot.
    page.get_by_role("link", name=tr(lang, "Edit agenda"), exact=True).click()
    deputy = people["deputy"]
    _add_agenda_item(page, kind="silence", title="One minute's silence", minutes=1)
    _add_agenda_item(page, kind="speech", title="Speech on the history of the tragedy", minutes=20,
                     speaker=deputy["full_name"][lang])
    _add_agenda_item(page, kind="exhibition_review", title="Review of the exhibition", minutes=30,
                     new_speaker=NEW_SPEAKER)
    rows = page.locator("table.agenda-table tbody tr")
    expect(rows).to_have_count(3)

    # The event page reads like the programme: a timed run-of-show with each speaker's rank and position.
    page.goto(ceremony_url)
    items = page.locator("ol.agenda > li")
    expect(items).to_have_count(3)
    expect(items.locator(".time")).to_have_text(["10:00", "10:01", "10:21"])
    expect(items.nth(0)).to_contain_text("One minute's silence")
    expect(items.nth(1).locator(".speaker")).to_contain_text(deputy["full_name"][lang])
    expect(items.nth(1).locator(".speaker")).to_contain_text(deputy["rank"][lang])
    # Mid-sentence, a position is written as the language writes it (lower-case first letter in az).
    expect(items.nth(1).locator(".speaker")).to_contain_text(position_in_sentence(deputy["position"][lang], lang))
    expect(items.nth(2).locator(".speaker")).to_contain_text(
        f"{NEW_SPEAKER['name']}, {position_in_sentence(NEW_SPEAKER['position'], lang)}, {NEW_SPEAKER['rank']}")

    # The series lists both events, each marked with the anniversary the app worked out from 1992.
    page.goto(series_url)
    marks = page.locator("ol.series-events .anniversary")
    expect(marks).to_have_text([tr(lang, "%(ordinal)s anniversary", ordinal=ordinal(20, lang))] * 2)
    assert page.external_requests == []

    with app_session(live_app) as session:
        ceremony = session.execute(select(Event).where(Event.title == CEREMONY_TITLE)).scalar_one()
        assert ceremony.presiding.text("full_name", "en") == head["full_name"]["en"]
        assert [item.kind for item in ceremony.agenda] == ["silence", "speech", "exhibition_review"]
        assert ceremony.agenda[2].speaker.rank == NEW_SPEAKER["rank"]
        assert session.execute(select(Person).where(Person.full_name == NEW_SPEAKER["name"])).scalars().all()
