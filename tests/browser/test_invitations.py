"""Journeys 2 and 3 of DESIGN §1 in a real browser: the organiser invites every unit, the email with its
calendar invitation and signed link is delivered to the outbox folder, and representatives answer —
by the link without a password, or signed in, changing their answer later; nobody sees another unit's.

Runs in English, Azerbaijani and Russian; answers are checked by their values (numbers, names, statuses).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import (
    CIT,
    IT,
    ORGANISER,
    app_session,
    axe_violations,
    calendar_of,
    event_record,
    outbox,
    parse_email,
    run_command,
    sign_in,
    submit,
    text_of,
)
from tracker.models import Event, Invitation, Unit

DELEGATES = ["Aysel Mammadova", "Rashad Aliyev", "Nigar Huseynova"]


def _invitation_id(app, event_id: int, unit_code: str) -> int:
    with app_session(app) as session:
        return session.execute(
            select(Invitation.id).join(Unit, Invitation.unit_id == Unit.id)
            .where(Invitation.event_id == event_id, Unit.code == unit_code)
        ).scalar_one()


def _invitation(app, invitation_id: int) -> Invitation:
    with app_session(app) as session:
        invitation = session.get(Invitation, invitation_id)
        session.expunge(invitation)
        return invitation


def _answer(page, status: str, headcount: int | None = None, delegates: list[str] | None = None) -> None:
    """Fill and save the answer form (works on the signed-in page and on the link page)."""
    page.locator(f"input[name=status][value={status}]").check()
    if headcount is not None:
        page.locator("#headcount").fill(str(headcount))
    if delegates is not None:
        page.locator("#delegates").fill("\n".join(delegates))
    submit(page, "form.answer-form")
    expect(page.locator(".flashes .flash-success")).to_be_visible()


@pytest.mark.parametrize("locale", ["en-GB", "az"])
def test_organiser_invites_all_units_and_each_gets_an_email_with_a_signed_link(
        page_factory, tr, live_app, upcoming_ceremony, tmp_path, locale):
    lang = locale[:2]
    page = page_factory(locale=locale)
    sign_in(page, ORGANISER)

    # Next year's ceremony, copied from this year's with its agenda, then scheduled.
    page.goto(f"/events/{upcoming_ceremony.id}")
    page.get_by_role("navigation", name=tr(lang, "Event actions")).get_by_role(
        "link", name=tr(lang, "Duplicate"), exact=True).click()
    submit(page)
    expect(page).to_have_url(re.compile(r"/events/\d+/edit$"))
    page.locator("#status").select_option("scheduled")
    submit(page)
    expect(page).to_have_url(re.compile(r"/events/\d+$"))
    event_id = int(page.url.rsplit("/", 1)[1])
    assert event_id != upcoming_ceremony.id

    # From the event page to the invitation page, and invite all active units.
    page.get_by_role("link", name=tr(lang, "Invite units"), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/events/{event_id}/attendance/invite$"))
    expect(page.locator("input[name=scope][value=all]")).to_be_checked()
    submit(page, "#invite-form")
    expect(page).to_have_url(re.compile(rf"/events/{event_id}/attendance$"))
    expect(page.locator(".flashes")).to_contain_text(
        tr(lang, "%(num)s unit invited; its contacts will get the invitation by email.",
           "%(num)s units invited; their contacts will get the invitation by email.", num=13))

    record = event_record(live_app, event_id)
    assert len(record.invited_units) == 13
    queued = outbox(live_app, "invitation", event_id)
    assert len(queued) == 13

    # Delivery (the worker's job, never the web request's) writes the messages to the outbox folder.
    run_command(live_app, "mail", "send")
    files = sorted(Path(live_app.config["OUTBOX_DIR"]).rglob("*.eml"))
    assert len(files) == 13
    emails = [parse_email(path.read_bytes()) for path in files]
    to_cit = [message for message in emails if "cit@units.example.org" in str(message["To"])]
    assert len(to_cit) == 1
    message = to_cit[0]
    calendar = calendar_of(message)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(next(iter(calendar.walk("VEVENT")))["UID"]) == record.uid
    links = re.findall(r"http://127\.0\.0\.1:\d+/answer/\S+", text_of(message))
    assert len(links) == 1

    # The link answers for the Citizenship Department, without a password, on a phone, in the unit's language
    # (the language of the email it came in) whatever the browser asks for.
    with app_session(live_app) as session:
        cit_language = session.execute(select(Unit.language).where(Unit.code == "CIT")).scalar_one()
    stranger = page_factory(locale="ru" if cit_language != "ru" else "en-GB", width=360, height=740)
    stranger.goto(links[0])
    expect(stranger.locator("html")).to_have_attribute("lang", cit_language)
    expect(stranger.locator("input[name=password]")).to_have_count(0)
    assert stranger.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(stranger) == []
    _answer(stranger, "accepted", 12, DELEGATES)
    invitation = _invitation(live_app, _invitation_id(live_app, event_id, "CIT"))
    assert (invitation.status, invitation.headcount, invitation.answered_via) == ("accepted", 12, "link")
    assert invitation.delegates.splitlines() == DELEGATES
    assert stranger.external_requests == [] and page.external_requests == []


@pytest.mark.parametrize("locale", ["en-GB", "az"])
def test_representatives_answer_then_change_and_another_unit_declines(page_factory, tr, live_app,
                                                                      upcoming_ceremony, locale):
    lang = locale[:2]
    ceremony = upcoming_ceremony
    cit_invitation = _invitation_id(live_app, ceremony.id, "CIT")
    # The demo's other units' answers so far (a few answered already, most not).
    with app_session(live_app) as session:
        others = session.execute(
            select(Invitation.status, Invitation.headcount).join(Unit, Invitation.unit_id == Unit.id)
            .where(Invitation.event_id == ceremony.id, Unit.code.not_in(["CIT", "IT"]))
        ).all()
    before = {status: sum(1 for s, _ in others if s == status) for status in ("accepted", "declined", "pending")}
    expected_before = sum(people or 0 for status, people in others if status == "accepted")

    # The Citizenship Department's representative: 12 people with their names, later 10.
    cit = page_factory(locale=locale)
    sign_in(cit, CIT)
    expect(cit).to_have_url(re.compile(r"^https?://[^/]+/$"))  # the start page: the unit's invitations
    cit.get_by_role("link", name=ceremony.title_in(lang)).first.click()
    expect(cit).to_have_url(re.compile(rf"/invitations/{cit_invitation}$"))
    _answer(cit, "accepted", 12, DELEGATES)
    expect(cit.locator("#headcount")).to_have_value("12")
    _answer(cit, "accepted", 10, DELEGATES[:2])
    expect(cit.locator("#headcount")).to_have_value("10")
    # Both answers are in the history, newest first.
    history = cit.locator("section.history tbody tr")
    expect(history).to_have_count(2)
    expect(history.first).to_contain_text("12")
    expect(history.first).to_contain_text("10")

    # The IT Department declines.
    it = page_factory(locale=locale)
    sign_in(it, IT)
    it.get_by_role("link", name=ceremony.title_in(lang)).first.click()
    _answer(it, "declined")

    answers = {code: _invitation(live_app, _invitation_id(live_app, ceremony.id, code)) for code in ("CIT", "IT")}
    assert (answers["CIT"].status, answers["CIT"].headcount, answers["CIT"].answered_via) == ("accepted", 10, "page")
    assert answers["CIT"].delegates.splitlines() == DELEGATES[:2]
    assert answers["IT"].status == "declined"

    # The organiser sees the answers at a glance on the event page.
    organiser = page_factory(locale=locale)
    sign_in(organiser, ORGANISER)
    organiser.goto(f"/events/{ceremony.id}")
    tally = organiser.locator(".attendance-panel .tally")
    expect(tally.locator(".status-accepted strong")).to_have_text(str(before["accepted"] + 1))
    expect(tally.locator(".status-declined strong")).to_have_text(str(before["declined"] + 1))
    expect(tally.locator(".status-pending strong")).to_have_text(str(before["pending"]))
    expect(organiser.locator(".attendance-panel")).to_contain_text(
        tr(lang, "%(num)s person expected", "%(num)s people expected", num=expected_before + 10))


def test_a_representative_cannot_open_another_units_invitation(page_factory, live_app, upcoming_ceremony):
    other = _invitation_id(live_app, upcoming_ceremony.id, "IT")
    page = page_factory()
    sign_in(page, CIT)
    response = page.goto(f"/invitations/{other}")
    assert response.status == 404
    expect(page.locator("form.answer-form")).to_have_count(0)


def test_answers_to_a_past_event_are_closed(page_factory, live_app):
    with app_session(live_app) as session:
        past = session.execute(
            select(Event.id).where(Event.status == "held", Event.kind == "ceremony")).scalar_one()
    invitation = _invitation_id(live_app, past, "CIT")
    page = page_factory(locale="ru")
    sign_in(page, CIT)
    page.goto(f"/invitations/{invitation}")
    expect(page.locator("#closed")).to_be_visible()
    expect(page.locator("form.answer-form")).to_have_count(0)
    # The answer given in 2012 is shown as it stands: attending, 10 people after the change from 12.
    expect(page.locator(".answer-summary")).to_contain_text("10")
