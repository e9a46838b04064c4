"""Attendance sheets read back with openpyxl and the csv module."""

from __future__ import annotations

from datetime import datetime

import pytest

from tracker.extensions import db
from tracker.models import Invitation, Unit
from tracker.reports import services
from tracker.reports.sheets import neutralise

from .helpers import record_attendance, sheet
from .readers import csv_rows, workbook

LANGUAGES = ("en", "az", "ru")
HEADERS = {
    "en": ["Unit", "Parent unit", "Answer", "People expected", "People who may come", "Delegates", "People who came",
           "Answered by", "Answered at (Asia/Baku)"],
    "az": ["Struktur bölmə", "Yuxarı struktur bölmə", "Cavab", "Gözlənilən nəfər", "Gələ biləcək nəfər",
           "Nümayəndə heyəti", "Faktiki gələnlər", "Cavab verən", "Cavab vaxtı (Asia/Baku)"],
    "ru": ["Подразделение", "Вышестоящее подразделение", "Ответ", "Ожидается человек", "Возможно, придут", "Делегаты",
           "Фактически прибыло", "Кто ответил", "Время ответа (Asia/Baku)"],
}
#: The answers read as the dashboard's badges read them (tracker.vocabulary), not in words of their own.
CIT_ROW = {
    "en": ["Citizenship Department", None, "Attending", 10, None, "Aygün Məmmədova; Иван Петров", None,
           "Aygün Məmmədova", datetime(2012, 2, 20, 14, 5)],
    "az": ["Vətəndaşlıq idarəsi", None, "İştirak edəcək", 10, None, "Aygün Məmmədova; Иван Петров", None,
           "Aygün Məmmədova", datetime(2012, 2, 20, 14, 5)],
    "ru": ["Управление по вопросам гражданства", None, "Будет присутствовать", 10, None,
           "Aygün Məmmədova; Иван Петров", None, "Aygün Məmmədova", datetime(2012, 2, 20, 14, 5)],
}
GANJA = {"en": ("Ganja Regional Office", "Regional Offices Directorate", "Maybe"),
         "az": ("Gəncə regional idarəsi", "Regional idarələr", "Ola bilər"),
         "ru": ("Гянджинское региональное управление", "Региональные управления", "Возможно")}
TOTAL = {"en": "Total", "az": "Cəmi", "ru": "Итого"}


def _xlsx(app, event_id, language, unit_id=None):
    book = workbook(services.render_sheet(sheet(app, event_id, language, unit_id), "xlsx"))
    return book.active


def _csv(app, event_id, language, unit_id=None):
    return csv_rows(services.render_sheet(sheet(app, event_id, language, unit_id), "csv"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_xlsx_has_one_row_per_invited_unit_and_a_totals_row(app, reference, language):
    rows = list(_xlsx(app, reference.events["ceremony"], language).iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS[language]
    assert len(rows) == 1 + 13 + 1
    assert list(next(r for r in rows if r[0] == CIT_ROW[language][0])) == CIT_ROW[language]
    ganja = next(r for r in rows if r[0] == GANJA[language][0])
    # A "maybe" is not expected: its people are counted apart, as on the dashboard.
    assert (ganja[1], ganja[2], ganja[3], ganja[4]) == (GANJA[language][1], GANJA[language][2], None, 3)
    totals = rows[-1]
    assert totals[0] == TOTAL[language]
    assert (totals[3], totals[4], totals[5], totals[6]) == (10, 3, 2, None)


def test_xlsx_puts_regional_offices_under_their_parent(app, reference):
    names = [r[0] for r in _xlsx(app, reference.events["ceremony"], "en").iter_rows(min_row=2, values_only=True)]
    parent = names.index("Regional Offices Directorate")
    assert names[parent + 1:parent + 5] == [
        "Ganja Regional Office", "Lankaran Regional Office", "Sheki Regional Office", "Sumgait Regional Office"]


def test_xlsx_header_is_bold_and_frozen_with_sensible_widths(app, reference):
    worksheet = _xlsx(app, reference.events["ceremony"], "ru")
    assert worksheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in worksheet[1])
    widths = [worksheet.column_dimensions[letter].width for letter in "ABCDEFGHI"]
    assert all(10 <= width <= 48 for width in widths)
    assert widths[0] >= len("Управление по вопросам гражданства")
    assert worksheet.auto_filter.ref == "A1:I14"


def test_xlsx_numbers_and_times_are_typed(app, reference):
    worksheet = _xlsx(app, reference.events["ceremony"], "en")
    cit = next(row for row in worksheet.iter_rows(min_row=2) if row[0].value == "Citizenship Department")
    assert cit[3].data_type == "n" and cit[3].value == 10
    assert cit[8].is_date and cit[8].number_format == "yyyy-mm-dd hh:mm"


def test_actual_attendance_is_listed_and_totalled_once_recorded(app, reference):
    record_attendance(app, reference.events["ceremony"], reference.units["CIT"], 9)
    record_attendance(app, reference.events["ceremony"], reference.units["IT"], 0)
    rows = list(_xlsx(app, reference.events["ceremony"], "en").iter_rows(values_only=True))
    assert next(r for r in rows if r[0] == "Citizenship Department")[6] == 9
    assert rows[-1][6] == 9


@pytest.mark.parametrize("language", LANGUAGES)
def test_csv_is_utf8_with_a_bom_and_reads_back(app, reference, language):
    rows = _csv(app, reference.events["ceremony"], language)
    assert rows[0] == HEADERS[language]
    expected = ["" if v is None else v.strftime("%Y-%m-%d %H:%M") if isinstance(v, datetime) else str(v)
                for v in CIT_ROW[language]]
    assert expected in rows
    assert rows[-1][:7] == [TOTAL[language], "", rows[-1][2], "10", "3", "2", ""]
    assert len(rows) == 15


def test_representative_sheet_has_only_their_units_row(app, reference):
    rows = _csv(app, reference.events["ceremony"], "en", unit_id=reference.units["GANJA"])
    assert [r[0] for r in rows[1:]] == ["Ganja Regional Office", "Total"]
    assert (rows[-1][3], rows[-1][4]) == ("0", "3")


@pytest.fixture
def hostile_unit(app, reference):
    """A unit whose name, delegates and answerer would run as formulas in a spreadsheet."""
    with app.app_context():
        unit = Unit(code="EVIL", contact_emails=[])
        unit.set_texts("name", {"en": '=HYPERLINK("http://x","y")', "ru": "+7 подразделение"})
        db.session.add(unit)
        db.session.flush()
        db.session.add(Invitation(event_id=reference.events["ceremony"], unit_id=unit.id, status="accepted",
                                  headcount=2, delegates="@SUM(A1:A2)\n-1+1\n\tTabbed\n\rReturn\nСəid"))
        db.session.commit()
        return unit.id


def test_formula_injection_is_neutralised_in_xlsx(app, reference, hostile_unit):
    worksheet = _xlsx(app, reference.events["ceremony"], "en")
    row = next(r for r in worksheet.iter_rows(min_row=2) if "HYPERLINK" in str(r[0].value))
    assert row[0].value == "'=HYPERLINK(\"http://x\",\"y\")" and row[0].data_type == "s"
    assert row[5].value == "'@SUM(A1:A2); -1+1; Tabbed; Return; Сəid"
    assert row[3].value == 2 and row[3].data_type == "n"
    assert not any(cell.data_type == "f" for line in worksheet.iter_rows() for cell in line)


def test_formula_injection_is_neutralised_in_csv(app, reference, hostile_unit):
    rows = _csv(app, reference.events["ceremony"], "ru")
    row = next(r for r in rows if "подразделение" in r[0])
    assert row[0] == "'+7 подразделение"
    rows = _csv(app, reference.events["ceremony"], "en")
    row = next(r for r in rows if "HYPERLINK" in r[0])
    assert row[0] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert row[3] == "2"


@pytest.mark.parametrize(("value", "safe"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("1-1", "1-1"), ("", ""), (-5, -5), (7, 7), (None, None),
])
def test_neutralise(value, safe):
    assert neutralise(value) == safe


def test_file_names_say_event_date_and_language(app, reference):
    made = sheet(app, reference.events["ceremony"], "ru", unit_id=reference.units["CIT"])
    assert made.filename_stem == "Явка_Траурная-церемония-памяти-жертв-Ходжалинской-трагедии_2012-02-25_ru_CIT"
    assert made.ascii_filename_stem == (
        "attendance_Commemoration-ceremony-for-the-victims-of-the-Khojaly-tragedy_2012-02-25_ru_CIT")
