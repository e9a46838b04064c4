"""Where a PDF draws its pictures: each image's pixels and the size it is printed at (points), read with pypdf."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ContentStream


@dataclass(frozen=True)
class DrawnImage:
    """One picture as drawn: its pixels and its printed size in points (1/72 inch)."""

    pixels: tuple[int, int]
    points: tuple[float, float]


def _multiply(a: list[float], b: list[float]) -> list[float]:
    return [
        a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5],
    ]


def _walk(contents: Any, resources: Any, reader: PdfReader, ctm: list[float], found: list[DrawnImage]) -> None:
    xobjects = resources.get("/XObject", {}) if resources else {}
    stack: list[list[float]] = []
    for operands, operator in ContentStream(contents, reader).operations:
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop() if stack else ctm
        elif operator == b"cm":
            ctm = _multiply([float(value) for value in operands], ctm)
        elif operator == b"Do":
            target = xobjects[operands[0]].get_object()
            if target["/Subtype"] == "/Image":
                width, height = abs(ctm[0]) + abs(ctm[2]), abs(ctm[1]) + abs(ctm[3])
                found.append(DrawnImage((int(target["/Width"]), int(target["/Height"])), (width, height)))
            elif target["/Subtype"] == "/Form":
                matrix = [float(value) for value in target.get("/Matrix", [1, 0, 0, 1, 0, 0])]
                _walk(target, target.get("/Resources"), reader, _multiply(matrix, ctm), found)


def drawn_images(data: bytes) -> list[DrawnImage]:
    """Every picture the PDF draws, page by page, in drawing order."""
    reader = PdfReader(io.BytesIO(data))
    found: list[DrawnImage] = []
    for page in reader.pages:
        _walk(page.get_contents(), page.get("/Resources"), reader, [1, 0, 0, 1, 0, 0], found)
    return found
