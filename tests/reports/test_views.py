"""Export routes, the press-summary editor and the panels the event and series pages include."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from flask import render_template_string
from flask_login import login_user

from tests.helpers import field_error
from tracker.extensions import db
from tracker.models import Event, Report, Series, User
from tracker.reports.forms import MAX_SUMMARY_LENGTH

from .readers import csv_rows, pdf_text, word

MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
}


def _url(event_id, fmt="pdf", lang="en"):
    return f"/events/{event_id}/report.{fmt}?lang={lang}"


# --- Press releases ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(MEDIA_TYPES))
def test_press_downloads_the_release_in_every_format(client, login, reference, fmt):
    login("press")
    response = client.get(_url(reference.events["ceremony"], fmt, "az"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == MEDIA_TYPES[fmt]
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("inline;" if fmt == "html" else "attachment;")
    assert "filename*=UTF-8''" in disposition
    assert unquote(disposition.split("UTF-8''")[1]) == f"Xocalı-faciəsi-qurbanlarının-anım-mərasimi_2012-02-25_az.{fmt}"
    assert response.headers["Cache-Control"] == "private, no-cache"


def test_file_name_has_an_ascii_fallback(client, login, reference):
    login("organiser")
    disposition = client.get(_url(reference.events["ceremony"], "pdf", "ru")).headers["Content-Disposition"]
    assert 'filename="Commemoration-ceremony-for-the-victims-of-the-Khojaly-tragedy_2012-02-25_ru.pdf"' in disposition
    assert disposition.isascii()


def test_pdf_download_is_in_the_chosen_language(client, login, reference):
    login("press")
    text = pdf_text(client.get(_url(reference.events["ceremony"], "pdf", "ru")).data)
    assert "Траурная церемония памяти жертв Ходжалинской трагедии" in text


def test_html_download_forbids_loading_anything(client, login, reference):
    login("press")
    response = client.get(_url(reference.events["ceremony"], "html"))
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def test_language_defaults_to_the_interface_language(client, login, reference):
    login("press", language="ru")
    response = client.get(f"/events/{reference.events['ceremony']}/report.md")
    assert "Траурная церемония" in response.get_data(as_text=True)


def test_unknown_language_is_a_bad_request_with_a_reason(client, login, reference):
    login("press")
    response = client.get(_url(reference.events["ceremony"], "pdf", "fr"))
    assert response.status_code == 400
    assert "en, az, ru" in response.get_data(as_text=True)


def test_unknown_format_is_not_found_with_a_reason(client, login, reference):
    login("press")
    response = client.get(_url(reference.events["ceremony"], "odt"))
    assert response.status_code == 404
    assert "html, pdf, docx, md" in response.get_data(as_text=True)


def test_missing_event_is_not_found(client, login):
    login("organiser")
    assert client.get(_url(424242)).status_code == 404


@pytest.mark.parametrize("status", ["draft", "cancelled"])
def test_press_cannot_see_releases_of_unpublished_events(client, login, make_event, status):
    login("press")
    event = make_event(status=status)
    assert client.get(_url(event.id)).status_code == 404


def test_organiser_may_preview_the_release_of_a_draft(client, login, make_event):
    login("organiser")
    event = make_event(title="Planned meeting", status="draft")
    assert "Planned meeting" in client.get(_url(event.id, "md")).get_data(as_text=True)


def test_representative_cannot_download_the_press_release(client, login, reference):
    login("representative")
    assert client.get(_url(reference.events["ceremony"])).status_code == 403
    assert client.get(f"/series/{reference.series_id}/report.pdf").status_code == 403


@pytest.mark.parametrize("fmt", sorted(MEDIA_TYPES))
def test_series_release_downloads(client, login, reference, fmt):
    login("press")
    response = client.get(f"/series/{reference.series_id}/report.{fmt}?lang=en")
    assert response.status_code == 200
    assert "Events-for-the-20th-anniversary-of-the-Khojaly-tragedy_2012-02-22_en" in response.headers[
        "Content-Disposition"]


def test_series_release_of_missing_series_is_not_found(client, login):
    login("press")
    assert client.get("/series/424242/report.pdf").status_code == 404


# --- Attendance sheets ------------------------------------------------------------------------------


def test_organiser_downloads_the_attendance_sheet(client, login, reference):
    login("organiser")
    response = client.get(f"/events/{reference.events['ceremony']}/attendance.csv?lang=az")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert len(csv_rows(response.data)) == 15
    xlsx = client.get(f"/events/{reference.events['ceremony']}/attendance.xlsx?lang=az")
    assert xlsx.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "_2012-02-25_az.xlsx" in unquote(xlsx.headers["Content-Disposition"])


def test_press_downloads_the_attendance_sheet_of_a_held_event(client, login, reference):
    login("press")
    assert client.get(f"/events/{reference.events['ceremony']}/attendance.xlsx").status_code == 200


def test_press_cannot_download_the_sheet_of_a_draft(client, login, make_event):
    login("press")
    assert client.get(f"/events/{make_event(status='draft').id}/attendance.csv").status_code == 404


def test_representative_sheet_contains_only_their_unit(app, client, auth, reference):
    with app.app_context():
        clerk = db.session.get(User, reference.answered_by_id)
        clerk.set_password("correct horse battery")
        db.session.commit()
    auth.login("clerk@cit.example.org")
    rows = csv_rows(client.get(f"/events/{reference.events['ceremony']}/attendance.csv?lang=en").data)
    assert [row[0] for row in rows[1:]] == ["Citizenship Department", "Total"]


def test_representative_of_an_uninvited_unit_gets_not_found(client, login, reference):
    login("representative")
    assert client.get(f"/events/{reference.events['ceremony']}/attendance.xlsx").status_code == 404


def test_unknown_sheet_format_is_not_found(client, login, reference):
    login("organiser")
    response = client.get(f"/events/{reference.events['ceremony']}/attendance.ods")
    assert response.status_code == 404 and "xlsx, csv" in response.get_data(as_text=True)


# --- Press-summary editor ---------------------------------------------------------------------------


def _editor(event_id, lang="az"):
    return f"/events/{event_id}/press-summary/{lang}"


def test_press_saves_a_summary_with_author_and_time(app, client, login, reference):
    user = login("press", name="Nigar Press")
    url = _editor(reference.events["ceremony"])
    response = client.post(url, data={"body": "Tədbirdə çıxışlar dinlənildi. 😀\r\n\r\nİkinci abzas.", "version": ""})
    assert response.headers["Location"] == url
    with app.app_context():
        report = db.session.execute(db.select(Report)).scalar_one()
        assert (report.event_id, report.language, report.updated_by_id) == (reference.events["ceremony"], "az", user.id)
        assert report.body == "Tədbirdə çıxışlar dinlənildi. 😀\n\nİkinci abzas."
    page = client.get(url).get_data(as_text=True)
    assert "Last saved by Nigar Press on" in page
    assert 'lang="az"' in page


def test_saved_summary_is_printed_in_the_release(client, login, reference):
    login("press")
    client.post(_editor(reference.events["ceremony"], "ru"), data={"body": "Текст для прессы.", "version": ""})
    document = word(client.get(_url(reference.events["ceremony"], "docx", "ru")).data)
    assert "Текст для прессы." in [p.text for p in document.paragraphs]


def test_too_long_summary_is_refused_beside_the_field(client, login, reference):
    login("press")
    response = client.post(_editor(reference.events["ceremony"]),
                           data={"body": "x" * (MAX_SUMMARY_LENGTH + 1), "version": ""})
    assert response.status_code == 422
    assert "20000" in field_error(response.get_data(as_text=True), "body")


def test_concurrent_edit_is_not_overwritten(app, client, login, reference):
    login("organiser")
    url = _editor(reference.events["ceremony"], "en")
    client.post(url, data={"body": "First version.", "version": ""})
    # A second editor opened the page before the first save: it still carries no version.
    response = client.post(url, data={"body": "Stale version.", "version": ""})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone else saved this text" in field_error(page, "body")
    assert "First version." in page
    with app.app_context():
        assert db.session.execute(db.select(Report.body)).scalar_one() == "First version."


def test_editing_again_with_the_current_version_saves(app, client, login, reference):
    login("organiser")
    url = _editor(reference.events["ceremony"], "en")
    client.post(url, data={"body": "First version.", "version": ""})
    assert 'name="version" type="hidden" value="1"' in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"body": "Second version.", "version": "1"}).headers["Location"] == url
    with app.app_context():
        assert db.session.execute(db.select(Report.body, Report.version)).one() == ("Second version.", 2)


def test_saving_from_an_older_version_gets_409_with_the_current_text(app, client, login, reference):
    login("organiser")
    url = _editor(reference.events["ceremony"], "en")
    client.post(url, data={"body": "First version.", "version": ""})
    client.post(url, data={"body": "Second version.", "version": "1"})
    # An editor opened on version 1, saved after version 2 was written.
    response = client.post(url, data={"body": "Edited from the first.", "version": "1"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone else saved this text" in field_error(page, "body")
    assert "Second version." in page  # their text, shown
    assert "Edited from the first." in page  # mine, kept in the field
    assert 'name="version" type="hidden" value="2"' in page  # the next save is based on what is shown
    with app.app_context():
        assert db.session.execute(db.select(Report.body, Report.version)).one() == ("Second version.", 2)


def test_a_damaged_version_is_refused(app, client, login, reference):
    login("organiser")
    url = _editor(reference.events["ceremony"], "en")
    response = client.post(url, data={"body": "Text.", "version": "not a number"})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.execute(db.select(Report.id)).first() is None


def test_summary_post_without_csrf_is_refused(client, login, reference):
    login("press")
    response = client.post(_editor(reference.events["ceremony"]), data={"body": "x", "version": ""}, csrf=False)
    assert response.status_code == 400


def test_summary_editor_of_unknown_language_is_not_found(client, login, reference):
    login("press")
    assert client.get(_editor(reference.events["ceremony"], "fr")).status_code == 404


def test_press_cannot_edit_the_summary_of_a_draft(client, login, make_event):
    login("press")
    assert client.get(_editor(make_event(status="draft").id)).status_code == 404


def test_representative_cannot_edit_summaries(client, login, reference):
    login("representative")
    assert client.get(_editor(reference.events["ceremony"])).status_code == 403
    assert client.post(f"/series/{reference.series_id}/press-summary/en", data={"body": "x"}).status_code == 403


def test_series_summary_is_saved_and_printed(app, client, login, reference):
    login("press")
    url = f"/series/{reference.series_id}/press-summary/en"
    assert client.get(url).status_code == 200
    assert client.post(url, data={"body": "About the whole series.", "version": ""}).headers["Location"] == url
    markdown = client.get(f"/series/{reference.series_id}/report.md?lang=en").get_data(as_text=True)
    assert "About the whole series." in markdown
    with app.app_context():
        assert db.session.execute(db.select(Report.series_id)).scalar_one() == reference.series_id


def test_editor_says_which_text_prints_while_a_language_is_empty(client, login, reference):
    login("press")
    client.post(_editor(reference.events["ceremony"], "en"), data={"body": "English text.", "version": ""})
    page = client.get(_editor(reference.events["ceremony"], "ru")).get_data(as_text=True)
    assert "the release prints the English text" in page  # no primary-language text yet: any text there is
    client.post(_editor(reference.events["ceremony"], "az"), data={"body": "Azərbaycanca mətn.", "version": ""})
    page = client.get(_editor(reference.events["ceremony"], "ru")).get_data(as_text=True)
    assert "the release prints the Azərbaycanca text" in page  # the primary language's text comes first
    page = client.get(_editor(reference.events["ceremony"], "en")).get_data(as_text=True)
    assert "Not written in this language yet" not in page and "Last saved by" in page


# --- Panels -----------------------------------------------------------------------------------------


def _panel(app, template, user_id, **objects):
    with app.test_request_context("/"):
        login_user(db.session.get(User, user_id))
        loaded = {name: db.session.get(type_, id_) for name, (type_, id_) in objects.items()}
        return render_template_string('{% include "' + template + '" %}', **loaded)


def test_event_panel_offers_staff_every_language_and_format(app, reference, make_user):
    press = make_user("press")
    html = _panel(app, "reports/_event_panel.html", press.id, event=(Event, reference.events["ceremony"]))
    event_id = reference.events["ceremony"]
    for lang in ("en", "az", "ru"):
        for fmt in ("html", "pdf", "docx", "md"):
            assert f"/events/{event_id}/report.{fmt}?lang={lang}" in html
        for fmt in ("xlsx", "csv"):
            assert f"/events/{event_id}/attendance.{fmt}?lang={lang}" in html
        assert f"/events/{event_id}/press-summary/{lang}" in html
    assert "1 unit, 10 people" in " ".join(html.split())


def test_event_panel_offers_a_representative_only_their_sheet(app, reference):
    html = _panel(app, "reports/_event_panel.html", reference.answered_by_id,
                  event=(Event, reference.events["ceremony"]))
    assert "attendance.xlsx" in html and "attendance.csv" in html
    assert "report." not in html and "press-summary" not in html


def test_event_panel_is_empty_for_press_on_a_draft(app, make_event, make_user):
    press = make_user("press")
    event = make_event(status="draft")
    assert _panel(app, "reports/_event_panel.html", press.id, event=(Event, event.id)).strip() == ""


def test_event_panel_is_empty_for_a_representative_not_invited(app, reference, make_user):
    other = make_user("representative")
    html = _panel(app, "reports/_event_panel.html", other.id, event=(Event, reference.events["ceremony"]))
    assert html.strip() == ""


def test_series_panel_offers_staff_the_release(app, reference, make_user):
    organiser = make_user("organiser")
    html = _panel(app, "reports/_series_panel.html", organiser.id, series=(Series, reference.series_id))
    assert f"/series/{reference.series_id}/report.pdf?lang=az" in html
    assert f"/series/{reference.series_id}/press-summary/ru" in html
    assert "2 scheduled or held events" in html


def test_series_panel_is_empty_for_representatives(app, reference):
    html = _panel(app, "reports/_series_panel.html", reference.answered_by_id, series=(Series, reference.series_id))
    assert html.strip() == ""
