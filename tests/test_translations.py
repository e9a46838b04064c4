"""The az, ru and en catalogs translate every message of the interface, emails and error pages."""

from __future__ import annotations

import gettext
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from babel.util import pathmatch
from jinja2 import Environment

from tests.helpers import PASSWORD

ROOT = Path(__file__).parent.parent
TRANSLATIONS = ROOT / "tracker" / "translations"
LANGUAGES = ("az", "ru", "en")
#: The keywords of ``make extract-messages`` (Makefile); keep both in step.
KEYWORDS = ("_l", "lazy_gettext", "N_", "_n:1,2", "ngettext:1,2")
#: ``%(name)s``, ``%(max)d`` and any other %-conversion, including a stray ``%``.
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[a-zA-Z%]?")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The messages the code uses now, extracted afresh."""
    pot = tmp_path_factory.mktemp("catalog") / "messages.pot"
    keywords = [option for keyword in KEYWORDS for option in ("-k", keyword)]
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", str(ROOT / "babel.cfg"),
         *keywords, "--no-location", "--sort-output", "-o", str(pot), "."],
        check=True, cwd=ROOT,
    )
    with pot.open("rb") as handle:
        return read_po(handle)


def _catalog(language):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def _forms(value):
    return value if isinstance(value, tuple) else (value,)


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_translates_every_message(template, language):
    catalog = _catalog(language)
    problems = ["the header is fuzzy"] if catalog.fuzzy else []
    for message in template:
        if not message.id:
            continue
        translated = catalog.get(message.id)
        if translated is None:
            problems.append(f"missing: {message.id!r}")
        elif translated.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        elif not all(_forms(translated.string)):
            problems.append(f"untranslated: {message.id!r}")
    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_of_their_message(language):
    problems = []
    for message in _catalog(language):
        if not message.id:
            continue
        expected = set(PLACEHOLDER.findall(_forms(message.id)[-1]))
        for form in _forms(message.string):
            if form and set(PLACEHOLDER.findall(form)) != expected:
                problems.append(f"{message.id!r}: {form!r}")
    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_has_the_plural_forms_of_its_language(language):
    """The catalog's plural rule picks the same form as the language's CLDR rule for every count.

    Compared by evaluating both rules, never as text: Babel releases spell the same rule differently.
    """
    catalog = _catalog(language)
    expected = get_plural(language)
    assert catalog.num_plurals == expected.num_plurals
    ours, theirs = gettext.c2py(catalog.plural_expr), gettext.c2py(expected.plural_expr)
    assert [ours(n) for n in range(201)] == [theirs(n) for n in range(201)]
    plurals = [message for message in catalog if message.pluralizable and message.id]
    assert plurals, "the interface has plural messages"
    assert {len(message.string) for message in plurals} == {get_plural(language).num_plurals}


def test_babel_cfg_covers_every_template():
    with (ROOT / "babel.cfg").open() as handle:
        methods, _options = parse_mapping_cfg(handle)
    patterns = [pattern for pattern, method in methods if method == "jinja2"]
    uncovered = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "templates").rglob("*")
        if path.is_file() and not any(pathmatch(p, path.relative_to(ROOT).as_posix()) for p in patterns)
    ]
    assert uncovered == []


def test_every_template_parses_with_the_extensions_babel_cfg_names():
    """Jinja's extractor skips a template it cannot parse without a word, losing its messages."""
    with (ROOT / "babel.cfg").open() as handle:
        methods, options = parse_mapping_cfg(handle)
    failures = []
    for pattern, method in methods:
        if method != "jinja2":
            continue
        extensions = [name.strip() for name in options.get(pattern, {}).get("extensions", "").split(",") if name]
        environment = Environment(extensions=["jinja2.ext.i18n", *extensions], autoescape=True)
        for path in (ROOT / "templates").rglob("*"):
            relative = path.relative_to(ROOT).as_posix()
            if path.is_file() and pathmatch(pattern, relative):
                try:
                    environment.parse(path.read_text(encoding="utf-8"))
                except Exception as error:  # every failure is reported below
                    failures.append(f"{relative}: {error}")
    assert failures == []


# --- Pages in the chosen language ------------------------------------------------------------------


def test_sign_in_page_is_in_azerbaijani(client):
    client.post("/language", data={"language": "az"})
    body = client.get("/login").get_data(as_text=True)
    assert '<html lang="az">' in body
    assert "<h1>Daxil ol</h1>" in body
    assert "Sign in" not in body


def test_sign_in_page_is_in_russian(client):
    client.post("/language", data={"language": "ru"})
    body = client.get("/login").get_data(as_text=True)
    assert '<html lang="ru">' in body
    assert "<h1>Войти</h1>" in body
    assert "Sign in" not in body


def test_form_errors_of_wtforms_are_in_azerbaijani(client):
    client.post("/language", data={"language": "az"})
    response = client.post("/login", data={"email": "", "password": ""})
    assert response.status_code == 422
    assert "Bu sahə mütləq doldurulmalıdır." in response.get_data(as_text=True)


def test_events_list_is_in_azerbaijani_for_an_organiser(client, login, make_event):
    login("organiser")
    make_event(title="Commemoration ceremony")
    client.post("/language", data={"language": "az"})
    body = client.get("/events").get_data(as_text=True)
    assert "<h1>Tədbirlər</h1>" in body
    assert "Yeni tədbir" in body
    assert "Mərasim" in body  # the event's kind


def test_events_list_is_in_russian_for_an_organiser(client, login, make_event):
    login("organiser")
    make_event(title="Commemoration ceremony")
    client.post("/language", data={"language": "ru"})
    body = client.get("/events").get_data(as_text=True)
    assert "<h1>Мероприятия</h1>" in body
    assert "Новое мероприятие" in body
    assert "Церемония" in body


def test_account_remembers_the_language_on_another_browser(app, client, auth, make_user):
    user = make_user("organiser")
    auth.login_as(user)
    client.post("/language", data={"language": "ru"})
    other_browser = app.test_client()
    other_browser.post("/login", data={"email": user.email, "password": PASSWORD})
    assert "<h1>Мероприятия</h1>" in other_browser.get("/events").get_data(as_text=True)


@pytest.mark.parametrize(("language", "heading"), [("az", "Səhifə tapılmadı"), ("ru", "Страница не найдена")])
def test_not_found_page_is_in_the_chosen_language(client, language, heading):
    client.post("/language", data={"language": language})
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert heading in response.get_data(as_text=True)


def test_method_not_allowed_page_shows_no_english_description(client):
    client.post("/language", data={"language": "az"})
    response = client.put("/login")
    assert response.status_code == 405
    body = response.get_data(as_text=True)
    assert "Sorğunu emal etmək mümkün olmadı" in body
    assert "not allowed" not in body


def test_refused_form_explains_itself_in_the_chosen_language(client):
    client.post("/language", data={"language": "ru"})
    response = client.post("/login", data={"email": "a@example.org", "password": "x"}, csrf=False)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Срок действия формы истёк" in body
    assert "CSRF" not in body


def test_browser_language_decides_without_a_choice(client):
    body = client.get("/login", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert "<h1>Войти</h1>" in body
