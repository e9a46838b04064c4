"""Journey 5 of DESIGN §1 in a real browser: on the day, staff at the door record how many people came
from each unit, on a tablet, and the event page shows the totals.

Runs in Azerbaijani and English; each number field is found by its label, the unit's name in the page's
language (scenario data, not an interface string).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import ORGANISER, app_session, sign_in, submit
from tracker.models import Invitation, Unit

CAME = {"CIT": 9, "GANJA": 3, "LEGAL": 4}


@pytest.mark.parametrize("locale", ["az", "en-GB"])
def test_staff_record_who_came_per_unit_and_the_event_page_totals_them(page_factory, tr, scenario, live_app,
                                                                       upcoming_ceremony, locale):
    lang = locale[:2]
    names = {spec["code"]: spec["name"][lang] for spec in scenario["units"]}
    page = page_factory(locale=locale, width=800, height=1200)
    sign_in(page, ORGANISER)
    page.goto(f"/events/{upcoming_ceremony.id}")
    page.locator(".attendance-panel").get_by_role("link", name=tr(lang, "Check-in"), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/events/{upcoming_ceremony.id}/check-in$"))

    for code, came in CAME.items():
        page.get_by_label(names[code]).fill(str(came))
    submit(page, "#check-in-form")
    expect(page.locator(".flashes")).to_contain_text(tr(lang, "%(num)s row saved.", "%(num)s rows saved.", num=3))
    expect(page.locator("#totals")).to_contain_text(
        tr(lang, "%(num)s person came", "%(num)s people came", num=sum(CAME.values())))
    for code, came in CAME.items():
        expect(page.get_by_label(names[code])).to_have_value(str(came))

    # A correction from the door: Ganja brought one more.
    page.get_by_label(names["GANJA"]).fill("4")
    submit(page, "#check-in-form")
    expect(page.locator(".flashes")).to_contain_text(tr(lang, "%(num)s row saved.", "%(num)s rows saved.", num=1))

    page.goto(f"/events/{upcoming_ceremony.id}")
    expect(page.locator(".attendance-panel .came")).to_contain_text(
        tr(lang, "%(num)s person came", "%(num)s people came", num=17))

    with app_session(live_app) as session:
        rows = dict(session.execute(
            select(Unit.code, Invitation.actual_attendance).join(Unit, Invitation.unit_id == Unit.id)
            .where(Invitation.event_id == upcoming_ceremony.id, Invitation.actual_attendance.is_not(None))
        ).all())
    assert rows == {"CIT": 9, "GANJA": 4, "LEGAL": 4}
    assert page.external_requests == []


def test_check_in_rejects_a_negative_number_beside_its_field(page_factory, scenario, upcoming_ceremony):
    name = next(spec["name"]["en"] for spec in scenario["units"] if spec["code"] == "CIT")
    page = page_factory()
    sign_in(page, ORGANISER)
    page.goto(f"/events/{upcoming_ceremony.id}/check-in")
    field = page.get_by_label(name)
    field.fill("-2")
    submit(page, "#check-in-form")
    expect(field).to_have_attribute("aria-invalid", "true")
    error_id = field.get_attribute("aria-describedby")
    expect(page.locator(f"[id='{error_id}']")).to_be_visible()
