"""The press kit of an event: one ZIP a journalist can be handed (pure: every file is built and passed in).

Layout::

    az/<release>.pdf  az/<release>.docx  az/<release>.md  az/captions.txt  az/<attendance figures>.csv
    ru/…              en/…
    photos/01-<name>.jpg  photos/02-<name>.jpg  …   (full resolution, metadata removed)

``captions.txt`` lists each photo's file name, its caption in that language and its credit line. The figures
file holds the attendance the release states (units, people, and where the figures come from) — never the
attendance sheet, whose unit rows name delegates and staff.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO, StringIO

from flask_babel import gettext as _

from ..vocabulary import in_language
from .content import Attendance, slug

#: Already compressed: stored as they are (deflating them again costs time and saves nothing).
_STORED = (".jpg", ".pdf", ".docx", ".xlsx")
#: The folder of the photos inside the ZIP (the Markdown releases link to ``../photos/<file>``).
PHOTOS_FOLDER = "photos"


@dataclass(frozen=True)
class KitPhoto:
    """One photo of the kit: its file name in ``photos/``, the full-resolution JPEG, and per language its
    caption and credit line."""

    filename: str
    data: bytes
    captions: Mapping[str, str]
    credits: Mapping[str, str]


@dataclass(frozen=True)
class KitFile:
    """Any other file of the kit, by its path inside the ZIP."""

    path: str
    data: bytes


def captions_text(photos: Sequence[KitPhoto], language: str) -> str:
    """``captions.txt`` in ``language``: a block per photo (file name, caption, credit), blank line between."""
    blocks = []
    for photo in photos:
        lines = [photo.filename]
        lines += [text for text in (photo.captions.get(language, ""), photo.credits.get(language, "")) if text]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n" if blocks else ""


def kit_words(language: str) -> tuple[str, str]:
    """The words in ``language`` the kit's file names start with: the figures file's and the kit's own, as a
    file name part (see :func:`.content.slug`)."""
    with in_language(language):
        return slug(_("Attendance figures")), slug(_("Press kit"))


def build_figures_csv(attendance: Attendance, language: str) -> bytes:
    """The attendance figures a release states, as a CSV in ``language`` (UTF-8 with a byte-order mark, as the
    attendance sheets): a heading row and one row of figures."""
    with in_language(language):
        headers = (_("Units"), _("People"), _("Source of the figures"))
        source = (_("as recorded at the event.") if attendance.recorded
                  else _("from “attending” answers, as no attendance has been recorded yet."))
    buffer = StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerow([attendance.units, attendance.people, source])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def build_press_kit(files: Sequence[KitFile], photos: Sequence[KitPhoto], languages: Sequence[str],
                    generated_at: datetime) -> bytes:
    """The ZIP of ``files``, the photos under ``photos/`` and a ``captions.txt`` per language."""
    moment = generated_at.timetuple()[:6]
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def add(path: str, data: bytes) -> None:
            info = zipfile.ZipInfo(path, date_time=moment)  # type: ignore[arg-type]
            info.compress_type = zipfile.ZIP_STORED if path.lower().endswith(_STORED) else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)

        for item in files:
            add(item.path, item.data)
        for language in languages:
            if photos:
                add(f"{language}/captions.txt", captions_text(photos, language).encode("utf-8"))
        for photo in photos:
            add(f"{PHOTOS_FOLDER}/{photo.filename}", photo.data)
    return buffer.getvalue()
