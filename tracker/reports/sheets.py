"""Attendance sheets: one row per invited unit and a totals row, as XLSX (openpyxl) and CSV.

Every label (of an answer, a column, the totals) is the interface's own word for it in the sheet's language,
from :mod:`tracker.vocabulary` and the message catalogues, so that the sheet and the dashboard agree; and the
totals are the dashboard's: people expected from units that attend, apart from people who may come.

Unit names, delegate names and notes are typed by people and end up in spreadsheet software, so every text
cell that a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) is
prefixed with an apostrophe. Numbers are written as numbers and never touched.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO, StringIO
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ..models import AnswerChannel, Event, Invitation, InvitationStatus, Unit
from ..vocabulary import answer_label, audit_field_label, channel_label, in_language, walk_in_label
from .content import ascii_title, file_stems, slug
from .phrases import collation_key

Cell = str | int | datetime | None

#: Characters that make a spreadsheet treat a text cell as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

#: Column widths bounds (characters) for the XLSX.
_MIN_WIDTH, _MAX_WIDTH = 10, 48
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def neutralise(value: Cell) -> Cell:
    """``value`` safe to put in a spreadsheet cell: formula-like text gets a leading ``'``; numbers stay."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


@dataclass(frozen=True)
class AttendanceSheet:
    """The table of answers of one event, worded in ``language``."""

    language: str
    title: str
    sheet_name: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    totals: tuple[Cell, ...]
    filename_stem: str
    ascii_filename_stem: str
    author: str = ""


def _headers(language: str, zone: str) -> tuple[str, ...]:
    """The column headings in ``language``: the dashboard's words for the same things."""
    with in_language(language):
        return (
            _("Unit"), _("Parent unit"), _("Answer"), _("People expected"), _("People who may come"),
            _("Delegates"), audit_field_label("actual_attendance"), _("Answered by"),
            _("Answered at (%(zone)s)", zone=zone),
        )


@dataclass(frozen=True)
class _Labels:
    """The vocabulary's words a sheet uses, looked up once per sheet rather than once per row."""

    answers: dict[str, str]
    walk_in: str
    channels: dict[str, str]

    @classmethod
    def of(cls, language: str) -> _Labels:
        return cls(
            answers={str(status): answer_label(status, language) for status in InvitationStatus},
            walk_in=walk_in_label(language),
            channels={str(via): channel_label(via, language) for via in (AnswerChannel.LINK, AnswerChannel.CALENDAR)},
        )


def _answer(invitation: Invitation, labels: _Labels) -> str:
    if invitation.walk_in:
        return labels.walk_in
    return labels.answers.get(invitation.status, invitation.status)


def _answered_by(invitation: Invitation, labels: _Labels) -> str:
    if invitation.answered_by is not None:
        return invitation.answered_by.name
    if invitation.answered_at is not None and invitation.answered_via in labels.channels:
        return labels.channels[invitation.answered_via]
    return ""


def _delegates(invitation: Invitation) -> list[str]:
    return [line.strip() for line in (invitation.delegates or "").splitlines() if line.strip()]


def _sorted(invitations: Iterable[Invitation], language: str) -> list[Invitation]:
    """Regional offices right under their parent; everything in the export language's alphabetical order."""
    keys: dict[int, tuple[int, ...]] = {}

    def name_key(unit: Unit) -> tuple[int, ...]:
        if unit.id not in keys:
            keys[unit.id] = collation_key(unit.text("name", language), language)
        return keys[unit.id]

    def sort_key(invitation: Invitation) -> tuple[tuple[int, ...], int, tuple[int, ...]]:
        unit = invitation.unit
        if unit.parent is not None:
            return name_key(unit.parent), 1, name_key(unit)
        return name_key(unit), 0, ()

    return sorted(invitations, key=sort_key)


def build_attendance_sheet(
    event: Event, invitations: Iterable[Invitation], language: str, *, author: str = "",
    unit_code: str | None = None,
) -> AttendanceSheet:
    """The answers of ``invitations`` (all of the event's, or one unit's) as rows in ``language``.

    The totals count as the dashboard does: people of units that attend are expected, people of units that
    may attend are totalled apart, and units that came without an invitation are neither invited nor counted
    among the answers.
    """
    zone = ZoneInfo(event.timezone)
    labels = _Labels.of(language)
    ordered = _sorted(invitations, language)
    rows: list[tuple[Cell, ...]] = []
    # Firm answers first in the totals summary, then the units still to answer.
    counts = {status: 0 for status in (InvitationStatus.ACCEPTED, InvitationStatus.TENTATIVE,
                                       InvitationStatus.DECLINED, InvitationStatus.PENDING)}
    walk_ins = expected_total = maybe_total = delegates_total = actual_total = 0
    any_actual = False
    for invitation in ordered:
        unit = invitation.unit
        expected, maybe = invitation.expected_people, invitation.maybe_people
        delegates = _delegates(invitation)
        answered_at = (
            invitation.answered_at.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)
            if invitation.answered_at else None
        )
        rows.append((
            unit.text("name", language),
            unit.parent.text("name", language) if unit.parent is not None else "",
            _answer(invitation, labels),
            expected,
            maybe,
            "; ".join(delegates),
            invitation.actual_attendance,
            _answered_by(invitation, labels),
            answered_at,
        ))
        if invitation.walk_in:
            walk_ins += 1
        else:
            counts[InvitationStatus(invitation.status)] += 1
        expected_total += expected or 0
        maybe_total += maybe or 0
        delegates_total += len(delegates)
        if invitation.actual_attendance is not None:
            any_actual = True
            actual_total += invitation.actual_attendance
    tally = [(labels.answers[status], count) for status, count in counts.items() if count]
    if walk_ins:
        tally.append((labels.walk_in, walk_ins))
    summary = " · ".join(f"{label}: {count}" for label, count in tally)
    with in_language(language):
        total_word, sheet_word = _("Total"), _("Attendance")
    totals: tuple[Cell, ...] = (
        total_word, "", summary, expected_total, maybe_total, delegates_total,
        actual_total if any_actual else None, "", None,
    )
    first, _last = event.local_days
    title = event.text("title", language)
    stem, ascii_stem = file_stems(
        title, ascii_title(event), first, language, f"event-{event.id}", suffix=[s for s in (unit_code,) if s]
    )
    return AttendanceSheet(
        language=language,
        title=f"{title} — {sheet_word}",
        sheet_name=sheet_word[:31],
        headers=_headers(language, event.timezone),
        rows=tuple(rows),
        totals=totals,
        filename_stem=f"{slug(sheet_word)}_{stem}",
        ascii_filename_stem=f"attendance_{ascii_stem}",
        author=author,
    )


def _width(values: Sequence[Cell]) -> float:
    longest = max((len(_as_text(v)) for v in values), default=0)
    return float(min(_MAX_WIDTH, max(_MIN_WIDTH, longest + 2)))


def _as_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def build_attendance_xlsx(sheet: AttendanceSheet) -> bytes:
    """The sheet as an .xlsx workbook: bold frozen header, widths to fit, numbers and times as such.

    Written in openpyxl's write-only mode, which streams rows instead of building a cell object graph,
    so that thousands of rows stay well under a second.
    """
    workbook = Workbook(write_only=True)
    workbook.properties.title = sheet.title
    workbook.properties.creator = sheet.author or None
    workbook.properties.language = sheet.language
    worksheet = workbook.create_sheet(sheet.sheet_name)
    worksheet.freeze_panes = "A2"
    all_rows = (sheet.headers, *sheet.rows, sheet.totals)
    for index in range(len(sheet.headers)):
        letter = get_column_letter(index + 1)
        worksheet.column_dimensions[letter].width = _width([row[index] for row in all_rows])
    bold = Font(bold=True)
    header_cells = []
    for text in sheet.headers:
        cell = WriteOnlyCell(worksheet, value=neutralise(text))
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header_cells.append(cell)
    worksheet.append(header_cells)
    for row in sheet.rows:
        worksheet.append([_xlsx_cell(worksheet, value) for value in row])
    total_cells = []
    for value in sheet.totals:
        cell = WriteOnlyCell(worksheet, value=neutralise(value))
        cell.font = bold
        total_cells.append(cell)
    worksheet.append(total_cells)
    worksheet.auto_filter.ref = f"A1:{get_column_letter(len(sheet.headers))}{len(sheet.rows) + 1}"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(worksheet: object, value: Cell) -> object:
    """Plain values for speed; a styled cell only where a number format is needed (times)."""
    if isinstance(value, datetime):
        cell = WriteOnlyCell(worksheet, value=value)  # type: ignore[arg-type]
        cell.number_format = _DATETIME_FORMAT
        return cell
    return neutralise(value)


def build_attendance_csv(sheet: AttendanceSheet) -> bytes:
    """The sheet as CSV in UTF-8 with a byte-order mark, so that Excel reads Azerbaijani and Cyrillic right."""
    buffer = StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in (sheet.headers, *sheet.rows, sheet.totals):
        writer.writerow([_as_text(neutralise(value)) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
