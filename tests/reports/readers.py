"""Reading our files back with libraries we did not write (pypdf, python-docx, openpyxl, csv, markdown-it)."""

from __future__ import annotations

import csv
import io
from typing import Any

import docx
import openpyxl
from markdown_it import MarkdownIt
from pypdf import PdfReader


def normal(text: str) -> str:
    """``text`` with every run of whitespace (line breaks, no-break spaces) made one space."""
    return " ".join(text.split())


def pdf_text(data: bytes) -> str:
    """All text of a PDF as pypdf extracts it, whitespace normalised."""
    reader = PdfReader(io.BytesIO(data))
    return normal(" ".join(page.extract_text() for page in reader.pages))


def pdf_reader(data: bytes) -> PdfReader:
    """A pypdf reader of ``data``."""
    return PdfReader(io.BytesIO(data))


def pdf_fonts(data: bytes) -> set[str]:
    """Base names of the fonts the PDF's pages use (subset prefixes removed)."""
    names = set()
    for page in pdf_reader(data).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for font in fonts.values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


def word(data: bytes) -> Any:
    """A python-docx document of ``data``."""
    return docx.Document(io.BytesIO(data))


def word_text(data: bytes) -> str:
    """All paragraph text of a .docx, whitespace normalised."""
    return normal(" ".join(p.text for p in word(data).paragraphs))


def workbook(data: bytes) -> Any:
    """An openpyxl workbook of ``data``."""
    return openpyxl.load_workbook(io.BytesIO(data))


def csv_rows(data: bytes) -> list[list[str]]:
    """Rows of a CSV file in UTF-8 with a byte-order mark."""
    assert data.startswith("\ufeff".encode()), "CSV must start with a UTF-8 byte-order mark"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def markdown_html(data: bytes) -> str:
    """The HTML a CommonMark renderer makes of a Markdown file (raw HTML allowed, as most renderers do)."""
    return MarkdownIt("commonmark").render(data.decode("utf-8"))
