"""The look: the packaged font on every page, a header of one row on a desktop and at most two on a phone, and
tables whose every column a phone shows — in each interface language.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.browser.conftest import ADMIN, ORGANISER, app_session, language_of, sign_in
from tracker.models import AuditEntry, Event

LANGUAGES = ("az", "ru", "en")

#: Every element of the header a person reads or uses, with its box (page coordinates).
HEADER_BOXES = """() => {
  const header = document.querySelector('.site-header');
  const parts = [...header.querySelectorAll('.brand, .main-nav li, .language-switcher button, .account-menu summary')];
  const box = el => { const r = el.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left,
                                                                    right: r.right, text: el.textContent.trim()}; };
  const nav = header.querySelector('.main-nav');
  return {header: box(header), parts: parts.map(box),
          navHidden: nav.scrollWidth - nav.clientWidth, pageWidth: document.documentElement.scrollWidth};
}"""


def _rows(boxes: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The header's parts grouped into visual rows (a part starts a new row below the previous row's boxes)."""
    rows: list[list[dict[str, Any]]] = []
    for box in sorted(boxes, key=lambda b: b["top"]):
        if rows and box["top"] < max(b["bottom"] for b in rows[-1]) - 2:
            rows[-1].append(box)
        else:
            rows.append([box])
    return rows


def _in_language(page: Any, language: str) -> None:
    """Switch the interface to ``language`` with the header's own switcher, unless it already is."""
    if language_of(page) != language:
        page.locator(f".language-switcher button[value={language}]").click()
        expect(page.locator("html")).to_have_attribute("lang", language)


def _organiser_in(page_factory: Any, language: str, width: int, height: int, email: str = ORGANISER) -> Any:
    page = page_factory(locale=language, width=width, height=height)
    sign_in(page, email)
    page.goto("/events")
    _in_language(page, language)
    return page


@pytest.mark.parametrize("language", LANGUAGES)
def test_header_is_one_row_on_a_desktop_with_the_whole_menu(page_factory, language):
    page = _organiser_in(page_factory, language, 1280, 800)
    layout = page.evaluate(HEADER_BOXES)
    rows = _rows(layout["parts"])
    assert len(rows) == 1, [[part["text"] for part in row] for row in rows]
    nav_tops = {round(part["top"]) for part in layout["parts"]}
    assert max(nav_tops) - min(nav_tops) <= 12, nav_tops  # one line, however each control is padded
    # The whole organiser's menu is on screen: nothing scrolled away, nothing past the right edge.
    assert layout["navHidden"] <= 0
    assert all(part["left"] >= 0 and part["right"] <= 1280 for part in layout["parts"])
    tallest = max(part["bottom"] - part["top"] for part in layout["parts"])
    assert layout["header"]["bottom"] - layout["header"]["top"] < 2 * tallest + 8


@pytest.mark.parametrize("language", LANGUAGES)
def test_header_is_at_most_two_rows_on_a_phone_and_every_item_is_reachable(page_factory, language):
    page = _organiser_in(page_factory, language, 360, 740)
    layout = page.evaluate(HEADER_BOXES)
    rows = _rows(layout["parts"])
    assert len(rows) <= 2, [[part["text"] for part in row] for row in rows]
    row_height = max(part["bottom"] - part["top"] for part in layout["parts"])
    assert layout["header"]["bottom"] - layout["header"]["top"] < 2.5 * row_height + 16
    assert layout["pageWidth"] <= 360
    # A menu item beyond the edge scrolls into view inside the menu's own row.
    for link in page.locator(".main-nav a").all():
        link.scroll_into_view_if_needed()
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, link.text_content()
    # The account menu opens (no script needed) on the screen, with the name and both actions.
    page.locator(".account-menu summary").click()
    panel = page.locator(".account-panel")
    expect(panel).to_be_visible()
    expect(panel.locator(".who-narrow")).to_be_visible()
    box = panel.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    expect(panel.locator("form[action$='/logout'] button")).to_be_visible()


def test_account_menu_works_without_javascript(page_factory):
    page = page_factory(java_script_enabled=False, width=360, height=740)
    sign_in(page, ORGANISER)
    page.locator(".account-menu summary").click()
    page.locator(".account-panel a[href$='/password']").click()
    expect(page).to_have_url(re.compile(r"/password$"))


# --- Font -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "letters"), [("az", "ƏəĞğıİŞşÇçÖöÜü"), ("ru", "ЁёЖжЩщЫыЭэЮюЯя")])
def test_pages_are_set_in_the_packaged_font(page_factory, language, letters):
    page = _organiser_in(page_factory, language, 1280, 800)
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith('"Noto Sans"')
    loaded = page.evaluate("""async (letters) => {
      await document.fonts.ready;
      await document.fonts.load('16px "Noto Sans"', letters);
      await document.fonts.load('bold 16px "Noto Sans"', letters);
      return [...document.fonts].filter(f => f.family.replace(/"/g, '') === 'Noto Sans' && f.status === 'loaded')
        .map(f => f.weight + ' ' + f.unicodeRange);
    }""", letters)
    # Both weights of the subset holding the language's letters came from the site itself.
    script = {"az": "U+100-2BA", "ru": "U+400-45F"}[language]
    assert {weight for weight, _, ranges in (entry.partition(" ") for entry in loaded) if script in ranges} \
        == {"400", "700"}, loaded
    assert page.external_requests == []


# --- Tables on a phone ------------------------------------------------------------------------------

#: Cells that are neither on the screen nor reachable by scrolling the box they sit in; text cut inside a cell.
CUT_CELLS = """() => {
  const width = window.innerWidth;
  const scroller = el => { for (let p = el.parentElement; p; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (['auto', 'scroll'].includes(style.overflowX) && p.scrollWidth > p.clientWidth) return p; }
    return null; };
  const cut = [];
  for (const cell of document.querySelectorAll('main td, main th')) {
    const r = cell.getBoundingClientRect();
    if (getComputedStyle(cell).display === 'none' || r.width === 0) continue;
    const label = (cell.getAttribute('data-label') || cell.tagName) + ': ' + cell.textContent.trim().slice(0, 40);
    if (cell.scrollWidth > cell.clientWidth + 1) { cut.push('text cut in ' + label); continue; }
    if (r.left >= -1 && r.right <= width + 1) continue;
    const box = scroller(cell);
    if (!box) { cut.push('off screen: ' + label); continue; }
    cell.scrollIntoView({inline: 'nearest', block: 'nearest'});
    const again = cell.getBoundingClientRect();
    if (again.left < -1 || again.right > width + 1) cut.push('not reachable: ' + label);
  }
  return cut;
}"""


def _table_pages(app: Any) -> list[str]:
    with app_session(app) as session:
        upcoming = session.execute(
            select(Event.id).where(Event.status == "scheduled", Event.kind == "ceremony")).scalars().first()
        with_agenda = session.execute(select(Event.id).where(Event.agenda.any())).scalars().first()
        answered = session.execute(
            select(AuditEntry.invitation_id).where(AuditEntry.action == "answer", AuditEntry.invitation_id.is_not(None))
            .group_by(AuditEntry.invitation_id).order_by(func.count().desc())).scalars().first()
        held = session.execute(select(Event.id).where(Event.status == "held")).scalars().first()
    assert None not in (upcoming, with_agenda, answered, held)
    return ["/events", "/series", "/units", "/people", "/venues", f"/events/{upcoming}/attendance",
            f"/events/{held}/attendance", f"/invitations/{answered}", f"/events/{with_agenda}/agenda",
            f"/events/{with_agenda}/run-of-show", "/admin/users"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_table_cell_is_readable_on_a_phone(page_factory, live_app, language):
    page = _organiser_in(page_factory, language, 360, 740, email=ADMIN)
    problems: dict[str, Any] = {}
    tables = 0
    for path in _table_pages(live_app):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        tables += page.locator("main table").count()
        cut = page.evaluate(CUT_CELLS)
        width = page.evaluate("document.documentElement.scrollWidth")
        if cut or width > 360:
            problems[path] = {"page width": width, "cells": cut[:5]}
    assert tables >= 10
    assert problems == {}
