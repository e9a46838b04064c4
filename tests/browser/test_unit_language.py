"""Per-unit language in a real browser: the organiser sets a unit to Russian in the unit form, invites, and the
invitation the SMTP server receives for that unit is Russian (its .ics too) while another unit's is Azerbaijani.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import vobject
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import ORGANISER, app_session, calendar_of, run_command, sign_in, submit, text_of
from tests.mail.conftest import Mailbox, SmtpServer, free_port
from tracker.models import Event, Unit


@pytest.fixture
def smtp(live_app: Any) -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 that the live app's mail worker delivers to."""
    server = SmtpServer(Mailbox(), free_port())
    server.start()
    live_app.config["SMTP_URL"] = server.url
    yield server
    server.stop()


def _unit(app: Any, code: str) -> tuple[int, str, dict[str, str]]:
    """A unit's id, language and name in each language."""
    with app_session(app) as session:
        unit = session.execute(select(Unit).where(Unit.code == code)).scalar_one()
        return unit.id, unit.language, {language: unit.text("name", language) for language in ("az", "ru", "en")}


def _prefix(tr: Any, language: str, message: str, **values: str) -> str:
    """The words of ``message`` in ``language`` before its first placeholder."""
    return tr(language, message, **dict.fromkeys(values, "\x00")).split("\x00")[0]


def test_organiser_sets_a_unit_to_russian_and_its_invitation_arrives_in_russian(page_factory, tr, live_app,
                                                                               upcoming_ceremony, smtp):
    ganja_id, before, _names = _unit(live_app, "GANJA")
    assert before == "az"  # the demo's regional office starts in the primary language
    page = page_factory(locale="en-GB")
    sign_in(page, ORGANISER)

    # The unit form: "Language of emails and calendar files" → Russian.
    page.goto("/units")
    page.get_by_role("link", name="GANJA", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/units/{ganja_id}/edit$"))
    select_language = page.get_by_label(tr("en", "Language of emails and calendar files"))
    expect(select_language).to_have_value("az")
    select_language.select_option("ru")
    submit(page)
    expect(page).to_have_url(re.compile(r"/units$"))
    assert _unit(live_app, "GANJA")[1] == "ru"
    page.goto(f"/units/{ganja_id}/edit")
    expect(page.get_by_label(tr("en", "Language of emails and calendar files"))).to_have_value("ru")

    # A new ceremony (a copy of the upcoming one), scheduled, every active unit invited.
    page.goto(f"/events/{upcoming_ceremony.id}")
    page.get_by_role("navigation", name=tr("en", "Event actions")).get_by_role(
        "link", name=tr("en", "Duplicate"), exact=True).click()
    submit(page)
    expect(page).to_have_url(re.compile(r"/events/\d+/edit$"))
    page.locator("#status").select_option("scheduled")
    submit(page)
    expect(page).to_have_url(re.compile(r"/events/\d+$"))
    event_id = int(page.url.rsplit("/", 1)[1])
    page.get_by_role("link", name=tr("en", "Invite units"), exact=True).click()
    submit(page, "#invite-form")
    expect(page).to_have_url(re.compile(rf"/events/{event_id}/attendance$"))

    # The worker delivers over SMTP; one email to each unit's address.
    run_command(live_app, "mail", "send")
    by_address = {}
    for (_sender, recipients), message in zip(smtp.mailbox.envelopes, smtp.mailbox.received, strict=True):
        for address in recipients:
            by_address[address] = message
    with app_session(live_app) as session:
        event = session.get(Event, event_id)
        titles = {language: event.text("title", language) for language in ("az", "ru", "en")}
    assert titles["ru"] != titles["en"]

    for code, language in (("GANJA", "ru"), ("CIT", "az")):
        message = by_address[f"{code.lower()}@units.example.org"]
        _id, _language, names = _unit(live_app, code)
        subject = str(message["Subject"])
        assert subject.startswith(
            _prefix(tr, language, "Invitation: %(title)s, %(when)s", title="", when="") + titles[language]), subject
        text = text_of(message)
        assert tr(language, "Dear colleagues of %(unit)s,", unit=names[language]) in text
        assert tr(language, "Answer here (no password needed):") in text

        calendar = calendar_of(message)
        vevent = next(iter(calendar.walk("VEVENT")))
        assert str(vevent["SUMMARY"]) == titles[language]
        assert vevent["SUMMARY"].params["LANGUAGE"] == language
        assert tr(language, "Agenda:") in str(vevent["DESCRIPTION"])
        assert vevent["DESCRIPTION"].params["LANGUAGE"] == language
        with live_app.test_request_context():
            from tracker.vocabulary import kind_label

            kind = kind_label("ceremony", language)
        assert [str(category) for category in vevent["CATEGORIES"].cats] == [kind]
        part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        second = vobject.readOne(part.get_payload(decode=True).decode("utf-8")).vevent
        assert second.summary.value == titles[language] and second.summary.params["LANGUAGE"] == [language]
        assert second.categories.value == [kind] and second.categories.params["LANGUAGE"] == [language]

    # The Russian unit's answer link opens in Russian, though this visitor's browser asks for English.
    link = re.search(r"http://127\.0\.0\.1:\d+/answer/\S+", text_of(by_address["ganja@units.example.org"]))
    assert link
    visitor = page_factory(locale="en-GB")
    visitor.goto(link.group(0))
    expect(visitor.locator("html")).to_have_attribute("lang", "ru")
    expect(visitor.locator("h1")).to_contain_text(titles["ru"])
