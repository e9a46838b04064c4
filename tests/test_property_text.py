"""Whatever people type into any text field, no page answers 5xx and every export opens in its reader.

Hypothesis draws the text from ``tests/typed_text.py``; lone surrogates are sent as their UTF-8-like bytes,
the way a broken client would encode them.

The main property builds one series with one event per example through the real forms (venue, person,
units, accounts, agenda, answers on the page and by signed link, a pasted calendar reply, check-in, press
texts, a reschedule) and then downloads every export the app offers and reads each back with a library we
did not write. Examples share the test's database: every example makes its own objects.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import icalendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from tests.calendar.ics_checks import check_calendar
from tests.helpers import CONFIRMED, PASSWORD
from tests.reports.readers import csv_rows, markdown_html, normal, pdf_text, word, word_text, workbook
from tests.typed_text import LONG_OR_SHORT, PIECE, typed
from tracker.attendance import links
from tracker.extensions import db
from tracker.models import Event, Invitation, OutboxMessage, Person, Series, Unit, Venue
from tracker.reports.services import press_summary
from tracker.reports.sheets import neutralise
from tracker.text import UNPRINTABLE, clean_text

# --- Talking to the app as a browser would ---------------------------------------------------------------


def form_body(fields: dict[str, Any]) -> bytes:
    """``application/x-www-form-urlencoded`` of ``fields``; lone surrogates are sent as their 3 bytes each.

    A list value repeats its name (checkboxes). Browsers never send such bytes, but a script can.
    """
    parts = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            encoded = quote_plus(str(item).encode("utf-8", "surrogatepass"))
            parts.append(f"{quote_plus(name)}={encoded}")
    return "&".join(parts).encode("ascii")


def post(client: Any, url: str, fields: dict[str, Any], *, stored: bool = True) -> Any:
    """Post ``fields`` (with a CSRF token); never a 5xx, and with ``stored`` the form must have been taken."""
    body = form_body({"csrf_token": client.csrf_token(), **fields})
    response = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500, (url, response.status_code)
    if stored:
        assert response.status_code in (302, 303), (url, response.status_code, _errors(response))
    return response


def _errors(response: Any) -> list[str]:
    """The error messages of a re-rendered form, to say why a post was refused."""
    html = response.get_data(as_text=True)
    return [re.sub(r"<[^>]+>|\s+", " ", found).strip() for found in re.findall(r'-error">(.*?)</', html, re.S)]


def get(client: Any, url: str) -> bytes:
    """GET ``url``: it must be answered 200."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.data


def newest_id(app: Any, model: type) -> int:
    """The id of the row of ``model`` made last."""
    with app.app_context():
        return int(db.session.execute(db.select(db.func.max(model.id))).scalar_one())


# --- Reading exports back ---------------------------------------------------------------------------------


def html_text(data: bytes) -> str:
    """The text of an HTML document as a reader sees it, whitespace normalised."""
    return normal("".join(etree.fromstring(data, etree.HTMLParser(encoding="utf-8")).itertext()))


def check_html(data: bytes) -> None:
    """UTF-8 HTML that an HTML parser reads without recovering from errors."""
    text = data.decode("utf-8")
    assert not UNPRINTABLE.search(text.replace("\r", ""))
    parser = etree.HTMLParser(recover=False, encoding="utf-8")
    etree.fromstring(data, parser)


def check_release(data: bytes, fmt: str) -> None:
    """The release opens with the reader of its format."""
    if fmt == "pdf":
        assert pdf_text(data)
    elif fmt == "docx":
        assert word(data).paragraphs
    elif fmt == "md":
        assert markdown_html(data)
    else:
        check_html(data)


def check_sheet(data: bytes, fmt: str, rows: int) -> None:
    """The attendance sheet opens and has a header, ``rows`` unit rows and a totals row."""
    found = list(workbook(data).active.iter_rows(values_only=True)) if fmt == "xlsx" else csv_rows(data)
    assert len(found) == rows + 2


def check_email(raw: bytes) -> None:
    """An email the standard library parses, with its text and calendar parts readable."""
    message = message_from_bytes(raw, policy=policy.default)
    assert message["To"] and not UNPRINTABLE.search(str(message["Subject"]))
    calendars = 0
    for part in message.walk():
        if part.is_multipart():
            continue
        content = part.get_content()
        if part.get_content_type() in ("text/calendar", "application/ics"):
            data = content if isinstance(content, bytes) else content.encode("utf-8")
            method = part.get_param("method") or re.search(rb"METHOD:(\w+)", data).group(1).decode()
            check_calendar(data, method=method)
            calendars += 1
        elif part.get_content_maintype() == "text":
            assert isinstance(content, str)
        elif isinstance(content, bytes) and content.lstrip().startswith(b"BEGIN:VCALENDAR"):
            check_calendar(content, method=re.search(rb"METHOD:(\w+)", content).group(1).decode())
            calendars += 1
    assert calendars in (0, 2), calendars  # the inline invitation and its attachment, or neither


# --- Property: the storage rule ---------------------------------------------------------------------------


@given(st.lists(PIECE, max_size=30).map("".join))
def test_cleaned_text_is_xml_safe_and_cleaning_again_changes_nothing(text):
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned
    assert "\r" not in cleaned and not UNPRINTABLE.search(cleaned)
    cleaned.encode("utf-8")  # no surrogate left
    etree.fromstring(f"<p>{_xml_escape(cleaned)}</p>")  # every remaining character is legal XML 1.0
    if not UNPRINTABLE.search(text) and "\r" not in text:
        assert cleaned == text  # nothing people mean is touched


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=typed(), description=LONG_OR_SHORT, translation=typed())
def test_any_text_is_stored_cleaned_on_this_database(app, title, description, translation):
    with app.app_context():
        series = Series()
        series.set_texts("title", {"az": "Ad " + translation, "en": title})
        series.set_texts("description", {"az": description})
        db.session.add(series)
        db.session.commit()
        series_id = series.id
    with app.app_context():
        stored = db.session.get(Series, series_id)
        # Texts are stripped when set (a blank one is no text), then cleaned at the flush: plain columns and
        # translations alike.
        primary_title, primary_description = clean_text(("Ad " + translation).strip()), clean_text(description.strip())
        assert (stored.title, stored.description) == (primary_title, primary_description)
        assert stored.text("title", "az") == primary_title
        assert stored.texts("title").get("en", "") == clean_text(title.strip())
        assert stored.texts("description").get("az", "") == primary_description


# --- Property: any text in any field is answered, never a 5xx ---------------------------------------------

#: Every form: URL, the values of a valid post (``{names}`` filled in per example), and its free-text fields.
#: Each example posts every form twice: the valid values with typed text in the free-text fields (must be
#: stored), and typed text, 10,000-character strings included, in every field at all (never a 5xx).
FORMS: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {
    "/series/new": ({"commemorated_on": "1992-02-26"}, ("title", "title_az", "title_ru", "description",
                                                         "description_az", "description_ru")),
    "/series/{series}/edit": ({"commemorated_on": ""}, ("title", "title_az", "title_ru", "description",
                                                         "description_az", "description_ru")),
    "/events/new": ({"kind": "meeting", "series_id": "0", "venue_id": "0", "presiding_id": "0",
                     "starts_on": "{day}", "start_time": "10:00", "ends_on": "{day}", "end_time": "11:00",
                     "timezone": "Asia/Baku", "status": "draft", "confirm_overlaps": "y"},
                    ("title", "title_az", "title_ru", "description", "description_az", "description_ru")),
    "/events/{event}/edit": ({"kind": "ceremony", "series_id": "{series}", "venue_id": "0", "presiding_id": "0",
                              "starts_on": "{day}", "start_time": "10:00", "ends_on": "{day}", "end_time": "11:30",
                              "timezone": "Asia/Baku", "status": "scheduled", "confirm_overlaps": "y"},
                             ("title", "title_az", "title_ru", "description", "description_az", "description_ru")),
    "/events/{event}/agenda": ({"kind": "speech", "speaker_id": "0", "duration_minutes": "5",
                                "confirm_overlaps": "y"},
                               ("title", "title_az", "title_ru", "new_speaker_name", "new_speaker_rank",
                                "new_speaker_position", "notes")),
    "/events/{event}/duplicate": ({"starts_on": "{day}"}, ()),
    "/units/new": ({"code": "H{example}", "contact_emails": "h{example}@units.example.org", "parent_id": "",
                    "active": "y"}, ("name", "name_az", "name_ru")),
    "/units/{unit}/edit": ({"code": "CIT", "contact_emails": "cit@units.example.org", "parent_id": "",
                            "active": "y"}, ("name", "name_az", "name_ru")),
    "/people/new": ({"unit_id": ""}, ("full_name", "full_name_az", "full_name_ru", "rank", "rank_az", "rank_ru",
                                      "position", "position_az", "position_ru")),
    "/venues/new": ({"capacity": ""}, ("name", "name_az", "name_ru", "address")),
    "/admin/users/new": ({"email": "h{example}@example.org", "password": PASSWORD, "role": "press",
                          "unit_id": "", "language": ""}, ("name",)),
    "/admin/users/{user}/edit": ({"role": "press", "unit_id": "", "language": "", "active": "y"}, ("name",)),
    "/invitations/{invitation}": ({"status": "accepted", "headcount": "2", "version": "{version}"},
                                  ("delegates", "note")),
    "/answer/{token}": ({"status": "tentative", "headcount": "1", "version": "{version}"}, ("delegates", "note")),
    "/events/{event}/check-in": ({"came_{invitation}": "3", "was_{invitation}": ""}, ()),
    "/events/{event}/check-in/walk-in": ({"unit": "{unit}", "came": "1"}, ()),
    "/events/{event}/attendance/invite": ({"scope": "selected", "units": "{unit}"}, ()),
    "/events/{event}/attendance/deadline": ({"deadline": ""}, ()),
    "/events/{event}/press-summary/en": ({"version": "{event_text_version}"}, ("body",)),
    "/series/{series}/press-summary/ru": ({"version": "{series_text_version}"}, ("body",)),
    "/events/replies": ({}, ("text",)),
    "/language": ({"language": "en"}, ()),
}


@pytest.fixture
def hostile_world(app, login, make_unit, make_series, make_event, make_invitation, make_user) -> dict[str, Any]:
    """An admin signed in, one object of each kind for the edit forms, and a counter of the examples."""
    login("admin")
    unit = make_unit("CIT", "Citizenship Department")
    series = make_series()
    event = make_event(series_id=series.id)
    invitation = make_invitation(event, unit)
    user = make_user("press")
    with app.app_context():
        token = links.make_answer_token(db.session.get(Invitation, invitation.id))
    return {"unit": unit.id, "series": series.id, "event": event.id, "invitation": invitation.id,
            "user": user.id, "token": token, "example": 0,
            "day": (datetime.now(UTC) + timedelta(days=30)).date().isoformat()}


def _text_version(report: Any) -> str:
    """The press-text editor's hidden ``version``: empty while there is no text."""
    return str(report.version) if report is not None else ""


def _current(app: Any, world: dict[str, Any]) -> dict[str, Any]:
    """``world`` with what changes as forms are saved: the versions of the answer and of the press texts."""
    with app.app_context():
        event = db.session.get(Event, world["event"])
        series = db.session.get(Series, world["series"])
        return {**world, "version": db.session.get(Invitation, world["invitation"]).version,
                "event_text_version": _text_version(press_summary(event, "en")),
                "series_text_version": _text_version(press_summary(series, "ru"))}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(short=st.lists(typed(), min_size=1, max_size=8), anything=st.lists(LONG_OR_SHORT, min_size=1, max_size=8),
       sign_in=st.tuples(typed(), LONG_OR_SHORT))
def test_any_text_in_any_field_of_any_form_is_answered_without_a_server_error(app, client, hostile_world, short,
                                                                                anything, sign_in):
    hostile_world["example"] += 1
    for template, (valid, free_text) in FORMS.items():
        world = _current(app, hostile_world)
        url = template.format(**world)
        base = {name.format(**world): value.format(**world) for name, value in valid.items()}
        typed_in = {name: f"T {short[i % len(short)]}" for i, name in enumerate(free_text)}
        # Typed text in the free-text fields is stored; only a pasted calendar reply must be more than text.
        post(client, url, base | typed_in, stored=bool(free_text) and template != "/events/replies")
        world = _current(app, hostile_world)
        every_field = [*(name.format(**world) for name in valid), *free_text]
        post(client, url, {name: anything[i % len(anything)] for i, name in enumerate(every_field)}, stored=False)
    # Sign-in, from a browser of its own (the admin stays signed in on the other).
    anonymous = client.application.test_client()
    post(anonymous, "/login", {"email": sign_in[0], "password": sign_in[1]}, stored=False)


# --- Property: the whole journey with typed text, then every export --------------------------------------

#: Texts drawn for one example; the names say where each one is typed.
JOURNEY = st.fixed_dictionaries({
    **{f"series_{name}": typed() for name in ("title", "title_az", "title_ru")},
    **{f"series_{name}": LONG_OR_SHORT for name in ("description", "description_az", "description_ru")},
    **{f"venue_{name}": typed() for name in ("name", "name_az", "name_ru", "address")},
    **{f"person_{name}": typed() for name in ("full_name", "full_name_az", "full_name_ru", "rank", "rank_az",
                                              "rank_ru", "position", "position_az", "position_ru")},
    **{f"unit{n}_{name}": typed() for n in (1, 2, 3) for name in ("name", "name_az", "name_ru")},
    "account_name": typed(),
    "account_password": typed(),
    **{f"event_{name}": typed() for name in ("title", "title_az", "title_ru")},
    **{f"event_{name}": LONG_OR_SHORT for name in ("description", "description_az", "description_ru")},
    "edited_title": typed(),
    "edited_description": LONG_OR_SHORT,
    **{f"item{n}_{name}": typed() for n in (1, 2) for name in ("title", "title_az", "title_ru", "notes")},
    **{f"speaker_{name}": typed() for name in ("name", "rank", "position")},
    **{f"{who}_{name}": typed() for who in ("page", "link") for name in ("delegates", "note")},
    "reply_comment": typed(),
    "reply_paste": LONG_OR_SHORT,
    "check_in": typed(),
    **{f"press_{language}": LONG_OR_SHORT for language in ("az", "ru", "en")},
    "series_press": LONG_OR_SHORT,
    "interface": st.sampled_from(("az", "ru", "en")),
})


class Journey:
    """One example's walk through the app: an admin's browser, a representative's, and one without a session."""

    def __init__(self, app: Any, client: Any, n: int, texts: dict[str, str]) -> None:
        self.app, self.admin, self.n, self.t = app, client, n, texts
        self.representative = app.test_client()
        self.anonymous = app.test_client()

    def label(self, prefix: str, key: str) -> str:
        """A required text: unique per example (names are unique in places) and never blank."""
        return f"{prefix}{self.n} {self.t[key]}"

    def translations(self, key: str, *names: str) -> dict[str, str]:
        """The ``<name>_az`` and ``<name>_ru`` fields of a form, from the texts drawn for ``key``."""
        return {f"{name}_{lang}": self.t[f"{key}_{name}_{lang}"] for name in names for lang in ("az", "ru")}

    def build(self) -> dict[str, int]:
        """Everything an export prints, typed through the forms; returns the ids the downloads need."""
        t, admin, n = self.t, self.admin, self.n
        post(admin, "/language", {"language": t["interface"]})
        post(admin, "/venues/new", {"name": self.label("V", "venue_name"), "address": t["venue_address"],
                                    "capacity": "", **self.translations("venue", "name")})
        venue = newest_id(self.app, Venue)
        post(admin, "/people/new", {"full_name": self.label("P", "person_full_name"), "rank": t["person_rank"],
                                    "position": t["person_position"], "unit_id": "",
                                    **self.translations("person", "full_name", "rank", "position")})
        person = newest_id(self.app, Person)
        units = []
        for k in (1, 2, 3):
            emails = f"u{n}x{k}@units.example.org\r\nchief{n}x{k}@units.example.org"
            post(admin, "/units/new", {"code": f"U{n}X{k}", "name": self.label("U", f"unit{k}_name"),
                                       "contact_emails": emails,
                                       "parent_id": str(units[0]) if k == 3 else "", "active": "y",
                                       **self.translations(f"unit{k}", "name")})
            units.append(newest_id(self.app, Unit))
        post(admin, "/admin/users/new", {"email": f"rep{n}@units.example.org", "name": t["account_name"],
                                         "password": PASSWORD + t["account_password"], "role": "representative",
                                         "unit_id": str(units[0]), "language": ""})
        series_id = self._series()
        event_id = self._event(series_id, venue, person)
        for k in (1, 2):
            post(admin, f"/events/{event_id}/agenda", {
                "kind": "speech", "title": self.label("A", f"item{k}_title"), "notes": t[f"item{k}_notes"],
                "title_az": t[f"item{k}_title_az"], "title_ru": t[f"item{k}_title_ru"],
                "speaker_id": "0" if k == 1 else str(person), "duration_minutes": "10", "confirm_overlaps": "y",
                "new_speaker_name": self.label("S", "speaker_name") if k == 1 else "",
                "new_speaker_rank": t["speaker_rank"] if k == 1 else "",
                "new_speaker_position": t["speaker_position"] if k == 1 else "",
            })
        post(admin, f"/events/{event_id}/attendance/invite", {"scope": "selected", "units": [str(u) for u in units]})
        self._answers(event_id, units, n)
        post(admin, f"/events/{event_id}/attendance/remind", {})
        self._check_in(event_id)
        for language in ("az", "ru", "en"):
            post(admin, f"/events/{event_id}/press-summary/{language}", {"body": t[f"press_{language}"], "version": ""})
        post(admin, f"/series/{series_id}/press-summary/en", {"body": t["series_press"], "version": ""})
        # Moved by an hour with a new title: every invited unit gets an update.
        post(admin, f"/events/{event_id}/edit", self._event_fields(series_id, venue, person, start="11:00",
                                                                    end="12:30", edited=True))
        return {"series": series_id, "event": event_id, "unit": units[0], "units": len(units)}

    def _series(self) -> int:
        fields = {"title": self.label("S", "series_title"), "commemorated_on": "1992-02-26",
                  **{name: self.t[f"series_{name}"] for name in ("description", "description_az", "description_ru",
                                                                   "title_az", "title_ru")}}
        response = post(self.admin, "/series/new", fields)
        return int(response.headers["Location"].rsplit("/", 1)[1])

    def _event_fields(self, series: int, venue: int, person: int, *, start: str, end: str,
                      edited: bool = False) -> dict[str, Any]:
        day = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
        t = self.t
        return {
            "kind": "ceremony", "series_id": str(series), "venue_id": str(venue), "presiding_id": str(person),
            "title": self.label("E", "edited_title" if edited else "event_title"),
            "description": t["edited_description" if edited else "event_description"],
            "title_az": t["event_title_az"], "title_ru": t["event_title_ru"],
            "description_az": t["event_description_az"], "description_ru": t["event_description_ru"],
            "starts_on": day, "start_time": start, "ends_on": day, "end_time": end, "timezone": "Asia/Baku",
            "status": "scheduled", "languages": ["az", "ru", "en"], "public": "y", "confirm_overlaps": "y",
        }

    def _event(self, series: int, venue: int, person: int) -> int:
        response = post(self.admin, "/events/new", self._event_fields(series, venue, person, start="10:00",
                                                                       end="11:30"))
        return int(response.headers["Location"].rsplit("/", 1)[1])

    def _answers(self, event_id: int, units: list[int], n: int) -> None:
        """Unit 1 answers on its page, unit 2 by its signed link, unit 3 by a calendar reply pasted by the admin."""
        t = self.t
        with self.app.app_context():
            invitations = {i.unit_id: i for i in db.session.execute(
                db.select(Invitation).where(Invitation.event_id == event_id)).scalars()}
            token = links.make_answer_token(invitations[units[1]])
            event = db.session.get(Event, event_id)
            uid, sequence = event.uid, event.sequence
        login = post(self.representative, "/login", {"email": f"rep{n}@units.example.org",
                                                     "password": PASSWORD + t["account_password"]})
        assert login.headers["Location"] != "/login"
        page = f"/invitations/{invitations[units[0]].id}"
        get(self.representative, page)
        post(self.representative, page, {"status": "accepted", "headcount": "3", "delegates": t["page_delegates"],
                                         "note": t["page_note"], "version": "1"})
        get(self.representative, page)
        get(self.representative, "/my")
        get(self.anonymous, f"/answer/{token}")
        post(self.anonymous, f"/answer/{token}", {"status": "tentative", "headcount": "2",
                                                  "delegates": t["link_delegates"], "note": t["link_note"],
                                                  "version": "1"})
        get(self.anonymous, f"/answer/{token}")
        # Anything pasted as a reply is refused or taken, never a 5xx; then a real reply with a typed comment.
        post(self.admin, "/events/replies", {"text": t["reply_paste"]}, stored=False)
        post(self.admin, "/events/replies", {"text": _reply(uid, sequence, f"u{n}x3@units.example.org",
                                                            t["reply_comment"])})

    def _check_in(self, event_id: int) -> None:
        with self.app.app_context():
            ids = list(db.session.execute(
                db.select(Invitation.id).where(Invitation.event_id == event_id)).scalars())
        url = f"/events/{event_id}/check-in"
        get(self.admin, url)
        typed_text = {f"came_{i}": self.t["check_in"] for i in ids} | {f"was_{i}": self.t["check_in"] for i in ids}
        post(self.admin, url, typed_text, stored=False)
        post(self.admin, url, {f"came_{i}": str(k) for k, i in enumerate(ids, start=1)}
             | {f"was_{i}": "" for i in ids})

    def pages(self, ids: dict[str, int]) -> None:
        """Every page that shows the typed text answers 200."""
        event, series, unit = ids["event"], ids["series"], ids["unit"]
        for url in (f"/events/{event}", f"/events/{event}/agenda", f"/events/{event}/attendance",
                    f"/events/{event}/check-in", f"/events/{event}/run-of-show", f"/events/{event}/edit",
                    f"/events/{event}/press-summary/az", f"/series/{series}", f"/series/{series}/edit",
                    f"/series/{series}/press-summary/en", "/events?when=all", "/series", "/units", "/people",
                    "/venues", "/admin/users", f"/units/{unit}/feed", f"/units/{unit}/edit",
                    f"/calendar?month={(date.today() + timedelta(days=30)).strftime('%Y-%m')}"):
            get(self.admin, url)

    def exports(self, ids: dict[str, int], pdf_languages: Iterable[str]) -> None:
        """Every file of the event and its series, in every language, read back."""
        event, series, admin = ids["event"], ids["series"], self.admin
        check_calendar(get(admin, f"/events/{event}.ics"), method="PUBLISH")
        check_calendar(get(admin, f"/series/{series}.ics"), method=None)
        check_calendar(get(self.anonymous, "/calendar.ics"), method=None)
        with self.app.app_context():
            token = db.session.get(Unit, ids["unit"]).feed_token
        check_calendar(get(self.anonymous, f"/feeds/{token}.ics"), method=None)
        for language in ("az", "ru", "en"):
            for fmt in ("html", "md", "docx", "pdf"):
                if fmt == "pdf" and language not in pdf_languages:
                    continue
                check_release(get(admin, f"/events/{event}/report.{fmt}?lang={language}"), fmt)
                check_release(get(admin, f"/series/{series}/report.{fmt}?lang={language}"), fmt)
            for fmt in ("xlsx", "csv"):
                check_sheet(get(admin, f"/events/{event}/attendance.{fmt}?lang={language}"), fmt, ids["units"])
            check_sheet(get(self.representative, f"/events/{event}/attendance.xlsx?lang={language}"), "xlsx", 1)
        self.check_fidelity(ids)

    def check_fidelity(self, ids: dict[str, int]) -> None:
        """What was stored is what the English files say: the title in the releases, delegates in the sheet."""
        event, admin = ids["event"], self.admin
        with self.app.app_context():
            stored = db.session.get(Event, event)
            title = normal(stored.title)
            delegates = db.session.execute(db.select(Invitation.delegates).where(
                Invitation.event_id == event, Invitation.unit_id == ids["unit"])).scalar_one()
        assert title in word_text(get(admin, f"/events/{event}/report.docx?lang=en"))
        assert title in html_text(get(admin, f"/events/{event}/report.html?lang=en"))
        assert title in html_text(markdown_html(get(admin, f"/events/{event}/report.md?lang=en")).encode())
        names = "; ".join(line.strip() for line in delegates.splitlines() if line.strip())
        rows = csv_rows(get(admin, f"/events/{event}/attendance.csv?lang=en"))
        assert neutralise(names) in [row[5] for row in rows]


def _reply(uid: str, sequence: int, email: str, comment: str) -> str:
    """A calendar client's REPLY accepting the event, with ``comment`` as its COMMENT."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Test//Reply//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "REPLY")
    component = icalendar.Event()
    component.add("uid", uid)
    component.add("sequence", sequence)
    component.add("dtstamp", datetime.now(UTC))
    attendee = icalendar.vCalAddress(f"mailto:{email}")
    attendee.params["PARTSTAT"] = "ACCEPTED"
    component.add("attendee", attendee)
    component.add("comment", comment.encode("utf-8", "surrogatepass").decode("utf-8", "replace"))
    calendar.add_component(component)
    return calendar.to_ical().decode("utf-8")


@pytest.fixture
def journeys(app, login) -> dict[str, int]:
    """An admin signed in, and a counter of the examples."""
    login("admin")
    return {"count": 0}


# A failing example holds 10,000-character strings; Hypothesis warns that printing it is expensive.
@pytest.mark.filterwarnings("ignore:Generating overly large repr")
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=JOURNEY, pdf_language=st.sampled_from(("az", "ru", "en")))
def test_any_text_typed_anywhere_leaves_every_page_and_export_readable(app, client, runner, journeys, texts,
                                                                       pdf_language):
    journeys["count"] += 1
    journey = Journey(app, client, journeys["count"], texts)
    ids = journey.build()
    journey.pages(ids)
    journey.exports(ids, pdf_languages=(pdf_language,))
    assert runner.invoke(args=["mail", "send"]).exit_code == 0  # before the cancellation drops the updates
    post(client, f"/events/{ids['event']}/cancel", CONFIRMED)
    assert runner.invoke(args=["mail", "send"]).exit_code == 0
    # The outbox: invitations, reminders, updates and cancellations, delivered as .eml files and parsed back.
    with app.app_context():
        messages = db.session.execute(
            db.select(OutboxMessage.id, OutboxMessage.kind, OutboxMessage.status)
            .where(OutboxMessage.event_id == ids["event"])
        ).all()
    assert {message.kind for message in messages} >= {"invitation", "update", "cancellation"}
    assert {message.status for message in messages} == {"sent"}
    outbox = Path(app.config["OUTBOX_DIR"])
    for message in messages:
        [path] = outbox.glob(f"{message.id}-*.eml")
        check_email(path.read_bytes())
