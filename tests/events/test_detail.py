"""The event page reads like a programme; drafts stay with the organisers."""

from __future__ import annotations

import re
from datetime import date, time
from html import unescape

import pytest

from tests.helpers import baku


def _text(html: str) -> str:
    """The page's text with tags removed and whitespace collapsed."""
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" ,", ","))


@pytest.fixture
def reference(make_event, make_person, make_series, make_venue):
    """The ceremony and the exhibition of DESIGN §1, with translations."""
    head = make_person("Firudin Nabiyev", rank="major-general", position="Head of the Service",
                       translations={"rank": {"az": "general-mayor"}, "position": {"az": "Xidmətin rəisi"},
                                     "full_name": {"az": "Firudin Nəbiyev"}})
    deputy = make_person("Parviz Musayev", rank="III rank state migration service counsellor",
                         position="Deputy Head of the Service")
    series = make_series("Events for the 20th anniversary of the Khojaly tragedy",
                         commemorated_on=date(1992, 2, 26))
    hall = make_venue("Assembly hall", translations={"name": {"az": "İclas zalı"}})
    waiting = make_venue("Waiting hall for foreigners and stateless persons")
    ceremony = make_event(
        title="Commemoration ceremony for the victims of the Khojaly tragedy",
        translations={"title": {"az": "Xocalı faciəsi qurbanlarının anım mərasimi"}},
        series_id=series.id, venue_id=hall.id, presiding_id=head.id,
        starts_at=baku(2012, 2, 25, 10), ends_at=baku(2012, 2, 25, 11, 30),
        agenda=[
            {"kind": "silence", "title": "One minute's silence in remembrance of the victims", "duration_minutes": 1},
            {"kind": "speech", "title": "Speech on the history of the tragedy", "speaker_id": deputy.id,
             "duration_minutes": 20},
            {"kind": "exhibition_review", "title": "Review of the exhibition", "speaker_id": head.id,
             "duration_minutes": 30},
        ],
    )
    exhibition = make_event(
        title="Exhibition dedicated to the 20th anniversary of the Khojaly tragedy", kind="exhibition",
        series_id=series.id, venue_id=waiting.id, languages=["az", "ru", "en"],
        starts_at=baku(2012, 2, 22, 9), ends_at=baku(2012, 3, 1, 18), daily_opens=time(9), daily_closes=time(18),
    )
    return ceremony, exhibition


def test_ceremony_page_reads_like_a_programme(client, login, reference):
    ceremony, _ = reference
    login("representative")
    response = client.get(f"/events/{ceremony.id}")
    text = _text(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "25 February 2012, 10:00–11:30" in text
    assert "Assembly hall" in text
    assert "Presiding Firudin Nabiyev, Head of the Service, major-general" in text
    assert "20th anniversary" in text
    assert (text.index("10:00 One minute's silence") < text.index("10:01 Speech on the history")
            < text.index("10:21 Review of the exhibition"))
    assert "Parviz Musayev, Deputy Head of the Service, III rank state migration service counsellor" in text


def test_exhibition_page_shows_its_period_daily_hours_and_languages(client, login, reference):
    _, exhibition = reference
    login("press")
    text = _text(client.get(f"/events/{exhibition.id}").get_data(as_text=True))
    assert "22 February 2012 – 1 March 2012, daily 09:00–18:00" in text
    assert "Languages of materials Azerbaijani, Russian, English" in text


def test_event_page_in_azerbaijani_uses_the_translations_and_azerbaijani_dates(client, login, reference):
    ceremony, _ = reference
    login("press")
    client.post("/language", data={"language": "az"})
    text = _text(client.get(f"/events/{ceremony.id}").get_data(as_text=True))
    assert "Xocalı faciəsi qurbanlarının anım mərasimi" in text
    assert "25 fevral 2012" in text
    assert "İclas zalı" in text
    assert "Firudin Nəbiyev, xidmətin rəisi, general-mayor" in text  # a position is lower-case mid-sentence
    assert "20-ci" in text


def test_organisers_see_the_editing_actions(client, login, reference):
    ceremony, _ = reference
    login("organiser")
    html = client.get(f"/events/{ceremony.id}").get_data(as_text=True)
    for path in ("edit", "agenda", "duplicate", "cancel", "run-of-show"):
        assert f'href="/events/{ceremony.id}/{path}"' in html


def test_others_do_not_see_the_editing_actions(client, login, reference):
    ceremony, _ = reference
    login("press")
    html = client.get(f"/events/{ceremony.id}").get_data(as_text=True)
    assert f'href="/events/{ceremony.id}/edit"' not in html
    assert f'href="/events/{ceremony.id}/run-of-show"' in html


def test_cancelled_event_says_so(client, login, make_event):
    login("representative")
    event = make_event(status="cancelled")
    assert "This event is cancelled." in client.get(f"/events/{event.id}").get_data(as_text=True)


@pytest.mark.parametrize("role", ["press", "representative"])
@pytest.mark.parametrize("suffix", ["", "/run-of-show"])
def test_drafts_are_not_found_for_press_and_representatives(client, login, make_event, role, suffix):
    login(role)
    draft = make_event(status="draft")
    assert client.get(f"/events/{draft.id}{suffix}").status_code == 404


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_organisers_and_admins_open_drafts(client, login, make_event, role):
    login(role)
    draft = make_event(status="draft")
    assert client.get(f"/events/{draft.id}").status_code == 200


def test_missing_event_is_not_found(client, login):
    login("organiser")
    assert client.get("/events/424242").status_code == 404
