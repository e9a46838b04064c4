"""Texts entered per language: one labelled input per site language, the primary one required, nothing lost."""

from __future__ import annotations

import re

from tracker.extensions import db
from tracker.models import Series

from .helpers import field_error


def _input(html: str, name: str) -> str:
    """The ``<input>`` (or ``<textarea>``) tag named ``name``."""
    match = re.search(rf'<(?:input|textarea)[^>]*\bname="{name}"[^>]*>', html)
    assert match, f"no input named {name}"
    return match.group(0)


def _label(html: str, name: str) -> str:
    """The text of the label of the input named ``name``."""
    field_id = re.search(r'\bid="([^"]+)"', _input(html, name)).group(1)
    match = re.search(rf'<label[^>]*for="{field_id}"[^>]*>(.*?)</label>', html, re.S)
    assert match, f"no label for {name}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_each_language_has_its_own_labelled_input_and_the_primary_one_is_required(client, login):
    login("organiser", language="az")
    html = client.get("/series/new").get_data(as_text=True)
    assert _label(html, "title") == "Başlıq — Azərbaycanca"
    assert _label(html, "title_ru") == "Başlıq — Русский"
    assert _label(html, "title_en") == "Başlıq — English"
    assert "required" in _input(html, "title") and 'lang="az"' in _input(html, "title")
    assert "required" not in _input(html, "title_ru") and 'lang="ru"' in _input(html, "title_ru")
    assert 'name="title_az"' not in html  # the primary language's text is the plain field


def test_labels_follow_the_readers_language(client, login):
    login("organiser", language="ru")
    html = client.get("/units/new").get_data(as_text=True)
    assert _label(html, "name") == "Название — Azərbaycanca"
    assert _label(html, "name_en") == "Название — English"


def test_the_primary_text_is_required_even_when_others_are_given(app, client, login):
    login("organiser", language="en")
    response = client.post("/series/new", data={"title": "", "title_ru": "Серия", "title_en": "Series",
                                                "description": "", "commemorated_on": ""})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "title")
    with app.app_context():
        assert db.session.execute(db.select(Series)).first() is None


def test_readers_see_their_language_then_the_primary_then_any(app, client, login):
    login("organiser", language="en")
    client.post("/series/new", data={"title": "Anım günləri", "title_ru": "", "title_en": "Days of remembrance",
                                     "description": "", "description_ru": "Только по-русски", "description_en": "",
                                     "commemorated_on": ""})
    with app.app_context():
        series = db.session.execute(db.select(Series)).scalar_one()
        assert [series.text("title", code) for code in ("az", "ru", "en")] == [
            "Anım günləri", "Anım günləri", "Days of remembrance"]
        assert series.text("description", "en") == "Только по-русски"  # no primary text: any there is


def test_changing_the_primary_language_loses_no_text(app, client, login):
    login("organiser", language="en")
    client.post("/series/new", data={"title": "Anım günləri", "title_ru": "Дни памяти", "title_en": "",
                                     "description": "", "commemorated_on": ""})
    with app.app_context():
        series_id = db.session.execute(db.select(Series.id)).scalar_one()

    app.config["CONTENT_LANGUAGE"] = "ru"
    html = client.get(f"/series/{series_id}/edit").get_data(as_text=True)
    assert _label(html, "title") == "Title — Русский" and 'value="Дни памяти"' in _input(html, "title")
    assert 'value="Anım günləri"' in _input(html, "title_az")
    response = client.post(f"/series/{series_id}/edit", data={
        "title": "Дни памяти (исправлено)", "title_az": "Anım günləri", "title_en": "Days of remembrance",
        "description": "", "commemorated_on": ""})
    assert response.status_code == 302
    with app.app_context():
        series = db.session.get(Series, series_id)
        assert series.title == "Дни памяти (исправлено)"  # the plain column mirrors the new primary language
        assert series.texts("title") == {"az": "Anım günləri", "ru": "Дни памяти (исправлено)",
                                         "en": "Days of remembrance"}

    # A language the site stops offering keeps its text through later edits.
    app.config["LANGUAGES"] = ("az", "ru")
    html = client.get(f"/series/{series_id}/edit").get_data(as_text=True)
    assert 'name="title_en"' not in html
    response = client.post(f"/series/{series_id}/edit", data={"title": "Дни памяти", "title_az": "Anım günləri",
                                                              "description": "", "commemorated_on": ""})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Series, series_id).texts("title") == {
            "az": "Anım günləri", "ru": "Дни памяти", "en": "Days of remembrance"}
