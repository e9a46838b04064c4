"""The press release as Markdown (CommonMark), for pasting into websites and messengers.

Every text from the record is escaped: Markdown punctuation gets a backslash and ``<``, ``>`` and ``&``
become entities, so a unit or title containing ``<script>`` or ``*`` prints as typed and never as markup.
"""

from __future__ import annotations

import re

from .content import EventSection, PressRelease, ReleasePhoto

_INLINE = re.compile(r"([\\`*_\[\]{}|~])")
# A line that would start a heading, list, quote, rule or code fence if left alone.
_BLOCK_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])", re.MULTILINE)


def escape(text: str) -> str:
    """``text`` made literal in Markdown (inline punctuation, HTML, and block markers at line starts)."""
    text = _INLINE.sub(r"\\\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BLOCK_START.sub(lambda m: m.group(1) + _escape_marker(m.group(2)), text)


def _escape_marker(marker: str) -> str:
    if marker[0].isdigit():
        return marker[:-1] + "\\" + marker[-1]
    return "\\" + marker


def _lines(text: str) -> str:
    """Escaped ``text`` with its line breaks as hard breaks (backslash at the end of the line)."""
    return "\\\n".join(escape(line) for line in text.split("\n"))


def _section(section: EventSection) -> list[str]:
    blocks: list[str] = []
    level = "##"
    if section.heading:
        blocks.append(f"## {escape(section.heading)}")
        level = "###"
    if section.lead:
        blocks.append(escape(section.lead))
    if section.agenda:
        blocks.append(f"{level} {escape(section.programme_heading)}")
        blocks.append(escape(section.agenda_intro))
        items = []
        for entry in section.agenda:
            time = f"**{escape(entry.time)}** " if entry.time else ""
            items.append(f"{entry.position}. {time}{escape(entry.text)}")
        blocks.append("\n".join(items))
    if section.exhibition:
        blocks.append(f"{level} {escape(section.exhibition_heading)}")
        blocks.append(escape(section.exhibition))
    if section.attendance_text:
        blocks.append(escape(section.attendance_text))
    return blocks


def _photo(photo: ReleasePhoto) -> list[str]:
    """The picture as an image linked by its address (the web size), its caption and credit under it."""
    blocks: list[str] = []
    if photo.url:
        # The address in angle brackets: nothing in it can end the link; the alt text is escaped like any text.
        url = photo.url.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")
        blocks.append(f"![{escape(photo.caption)}](<{url}>)")
    words = [f"*{escape(photo.caption)}*" if photo.caption else "", escape(photo.credit)]
    if any(words):
        blocks.append(" ".join(word for word in words if word))
    return blocks


def render_release_markdown(release: PressRelease) -> str:
    """The release as Markdown text."""
    blocks = [f"{escape(release.organisation)} · {escape(release.label)}"]
    if release.kicker:
        blocks.append(f"*{escape(release.kicker)}*")
    blocks.append(f"# {escape(release.headline)}")
    if release.dateline:
        blocks.append(f"**{escape(release.dateline)}**")
    if release.lead_photo is not None:
        blocks.extend(_photo(release.lead_photo))
    if release.lead:
        blocks.append(escape(release.lead))
    for section in release.sections:
        blocks.extend(_section(section))
    blocks.extend(_lines(paragraph) for paragraph in release.press_text)
    if release.more_photos:
        blocks.append(f"## {escape(release.photos_heading)}")
        for photo in release.more_photos:
            blocks.extend(_photo(photo))
    blocks.append("---")
    footer = f"**{escape(release.organisation)}**"
    if release.press_contact:
        footer += f"\\\n{escape(release.press_contact_label)}: {escape(release.press_contact)}"
    if release.page_url:
        footer += f"\\\n{escape(release.page_label)}: <{release.page_url}>"
    blocks.append(footer)
    return "\n\n".join(blocks) + "\n"


def build_release_markdown(release: PressRelease) -> bytes:
    """The Markdown file, UTF-8 encoded."""
    return render_release_markdown(release).encode("utf-8")
