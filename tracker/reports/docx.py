"""The press release as a Word document (python-docx): real heading styles, a numbered programme, core properties.

Press offices paste from and edit these files, so structure matters more than looks: headings are Word's
"Heading" styles (navigation pane, table of contents) and the programme is a real numbered list.
"""

from __future__ import annotations

from datetime import UTC
from io import BytesIO

from docx import Document
from docx.document import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Pt, RGBColor
from docx.text.paragraph import Paragraph

from .content import EventSection, PressRelease, ReleasePhoto

#: Language tags Word uses for spelling and hyphenation.
WORD_LANGUAGE = {"en": "en-GB", "az": "az-Latn-AZ", "ru": "ru-RU"}


def _set_language(document: WordDocument, tag: str) -> None:
    """Mark the text as written in ``tag`` so that Word checks spelling in the right language."""
    for style_name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Title", "List Number"):
        rpr = document.styles[style_name].element.get_or_add_rPr()
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), tag)
        lang.set(qn("w:eastAsia"), tag)
        lang.set(qn("w:bidi"), tag)


def _new_numbering(document: WordDocument) -> int:
    """A fresh numbering instance of the "List Number" style that starts again at 1.

    All "List Number" paragraphs otherwise share one counter, so a series release's second programme
    would continue at 4.
    """
    numbering = document.part.numbering_part.element
    style_num_id = document.styles["List Number"].element.pPr.numPr.numId.val
    abstract_id = numbering.num_having_numId(style_num_id).abstractNumId.val
    num = numbering.add_num(abstract_id)
    num.add_lvlOverride(ilvl=0).add_startOverride(1)
    return int(num.numId)


def _number_paragraph(paragraph: Paragraph, num_id: int) -> None:
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num_id


def _add_lines(paragraph: Paragraph, text: str) -> None:
    """Add ``text`` keeping its line breaks as Word line breaks."""
    for index, line in enumerate(text.split("\n")):
        if index:
            paragraph.add_run().add_break()
        paragraph.add_run(line)


def _add_section(document: WordDocument, section: EventSection) -> None:
    level = 2
    if section.heading:
        document.add_heading(section.heading, level=2)
        level = 3
    if section.lead:
        document.add_paragraph(section.lead)
    if section.agenda:
        document.add_heading(section.programme_heading, level=level)
        document.add_paragraph(section.agenda_intro)
        num_id = _new_numbering(document)
        for entry in section.agenda:
            paragraph = document.add_paragraph(style="List Number")
            _number_paragraph(paragraph, num_id)
            if entry.time:
                paragraph.add_run(entry.time + " ").bold = True
            paragraph.add_run(entry.text)
    if section.exhibition:
        document.add_heading(section.exhibition_heading, level=level)
        document.add_paragraph(section.exhibition)
    if section.attendance_text:
        document.add_paragraph(section.attendance_text)


#: The most of the page's text height a photo takes (room is left for its caption on the same page).
PHOTO_HEIGHT_SHARE = 0.7


def _add_photo(document: WordDocument, photo: ReleasePhoto) -> None:
    """The picture (the print size) inline, as large as fits the text's width and :data:`PHOTO_HEIGHT_SHARE` of
    its height (a portrait photo never runs off the page), its caption and credit under it."""
    if photo.image:
        section = document.sections[-1]
        usable = int(section.page_width or 0) - int(section.left_margin or 0) - int(section.right_margin or 0)
        tall = int(section.page_height or 0) - int(section.top_margin or 0) - int(section.bottom_margin or 0)
        scale = min(usable / max(photo.width, 1), tall * PHOTO_HEIGHT_SHARE / max(photo.height, 1))
        document.add_picture(BytesIO(photo.image), width=Emu(int(photo.width * scale)),
                             height=Emu(int(photo.height * scale)))
        paragraph = document.paragraphs[-1]
        paragraph.paragraph_format.keep_with_next = True
    if photo.caption or photo.credit:
        caption = document.add_paragraph()
        if photo.caption:
            caption.add_run(photo.caption).italic = True
        if photo.credit:
            if photo.caption:
                caption.add_run(" ")
            credit = caption.add_run(photo.credit)
            credit.font.size = Pt(9)


def build_release_docx(release: PressRelease) -> bytes:
    """The release as a .docx file."""
    document = Document()
    _set_language(document, WORD_LANGUAGE.get(release.language, release.language))
    properties = document.core_properties
    properties.title = release.headline
    properties.author = release.organisation
    properties.subject = release.label
    properties.language = WORD_LANGUAGE.get(release.language, release.language)
    properties.created = release.generated_at.astimezone(UTC)
    properties.modified = release.generated_at.astimezone(UTC)
    properties.last_modified_by = release.organisation
    properties.comments = ""

    letterhead = document.add_paragraph()
    organisation = letterhead.add_run(f"{release.organisation} · {release.label}")
    organisation.font.size = Pt(9)
    organisation.font.color.rgb = RGBColor(0x1D, 0x4E, 0x6F)
    if release.kicker:
        document.add_paragraph().add_run(release.kicker).italic = True
    document.add_heading(release.headline, level=1)
    if release.dateline:
        document.add_paragraph().add_run(release.dateline).bold = True
    if release.lead_photo is not None:
        _add_photo(document, release.lead_photo)
    if release.lead:
        document.add_paragraph(release.lead)
    for section in release.sections:
        _add_section(document, section)
    for paragraph_text in release.press_text:
        _add_lines(document.add_paragraph(), paragraph_text)
    if release.more_photos:
        document.add_heading(release.photos_heading, level=2)
        for photo in release.more_photos:
            _add_photo(document, photo)
    footer = document.add_paragraph()
    footer.add_run(release.organisation).bold = True
    if release.press_contact:
        footer.add_run().add_break()
        footer.add_run(f"{release.press_contact_label}: {release.press_contact}")
    if release.page_url:
        footer.add_run().add_break()
        footer.add_run(f"{release.page_label}: {release.page_url}")

    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
