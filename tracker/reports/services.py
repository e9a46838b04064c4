"""Report rules: who may export what, loading the record, press summaries, and turning releases into files."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from ..events.visibility import PRESS_STATUSES, Purpose, may_see
from ..extensions import db
from ..models import AgendaItem, Event, EventPhoto, Invitation, PhotoSize, Report, Role, Series, Unit, User
from ..models.types import utcnow
from ..photos import services as photo_services
from ..photos.images import EXTENSION
from ..settings import Settings
from ..text import clean_text
from .content import (
    PressRelease,
    ReleasePhoto,
    ascii_title,
    build_event_release,
    build_series_release,
    file_stems,
    photo_credit,
    slug,
)
from .docx import build_release_docx
from .html import build_release_html
from .markdown import build_release_markdown
from .pdf import build_release_pdf
from .phrases import REPORT_LANGUAGES
from .presskit import PHOTOS_FOLDER as PRESS_KIT_PHOTOS
from .presskit import KitFile, KitPhoto, build_figures_csv, build_press_kit, kit_words
from .sheets import AttendanceSheet, build_attendance_csv, build_attendance_sheet, build_attendance_xlsx


@dataclass(frozen=True)
class FileFormat:
    """A downloadable format: extension, media type, how to build it, and whether browsers show it inline."""

    extension: str
    media_type: str
    label: str
    inline: bool = False


RELEASE_FORMATS: dict[str, FileFormat] = {
    "html": FileFormat("html", "text/html; charset=utf-8", "HTML", inline=True),
    "pdf": FileFormat("pdf", "application/pdf", "PDF"),
    "docx": FileFormat("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"),
    "md": FileFormat("md", "text/markdown; charset=utf-8", "Markdown"),
}
SHEET_FORMATS: dict[str, FileFormat] = {
    "xlsx": FileFormat("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
    "csv": FileFormat("csv", "text/csv; charset=utf-8", "CSV"),
}
PRESS_KIT_FORMAT = FileFormat("zip", "application/zip", "ZIP")
_RELEASE_BUILDERS: dict[str, Callable[[PressRelease], bytes]] = {
    "html": build_release_html,
    "pdf": build_release_pdf,
    "docx": build_release_docx,
    "md": build_release_markdown,
}
_SHEET_BUILDERS: dict[str, Callable[[AttendanceSheet], bytes]] = {
    "xlsx": build_attendance_xlsx,
    "csv": build_attendance_csv,
}


class StaleSummary(Exception):
    """The press text was saved by someone else after the editor was opened; nothing was written.

    After this error the session must be rolled back before the text is read again.
    """

    def __init__(self) -> None:
        super().__init__("the press text changed since it was opened")


# --- Who may ----------------------------------------------------------------------------------------


def sheet_scope(user: User, event: Event) -> tuple[bool, int | None]:
    """Whether ``user`` may download the event's attendance sheet, and the one unit it is limited to.

    Representatives get their own unit's row only, and only once the event is published and their unit
    is invited; everything else about other units stays hidden (404, not 403).
    """
    if user.is_organiser:
        return True, None
    if user.role == Role.PRESS:
        return may_see(user, event, Purpose.REPORT), None
    if user.role == Role.REPRESENTATIVE and user.unit_id is not None and may_see(user, event):
        invited = db.session.execute(
            db.select(Invitation.id).where(Invitation.event_id == event.id, Invitation.unit_id == user.unit_id)
        ).first()
        return invited is not None, user.unit_id
    return False, None


def release_events(series: Series) -> list[Event]:
    """The events a series release covers: scheduled and held ones, in order, with what the release prints."""
    query = (
        db.select(Event)
        .where(Event.series_id == series.id, Event.status.in_(PRESS_STATUSES))
        .options(*_release_options())
        .order_by(Event.starts_at, Event.id)
    )
    return list(db.session.execute(query).unique().scalars())


def release_event_count(series: Series) -> int:
    """How many events a series release would cover."""
    query = db.select(db.func.count(Event.id)).where(Event.series_id == series.id, Event.status.in_(PRESS_STATUSES))
    return int(db.session.execute(query).scalar_one())


# --- Loading ----------------------------------------------------------------------------------------


def _release_options() -> list[Any]:
    return [
        selectinload(Event.agenda).joinedload(AgendaItem.speaker),
        joinedload(Event.venue),
        joinedload(Event.presiding),
        joinedload(Event.series),
        selectinload(Event.invitations),
    ]


def load_event(event_id: int) -> Event | None:
    """The event with its agenda, speakers, venue, presiding person and invitations loaded."""
    query = db.select(Event).where(Event.id == event_id).options(*_release_options())
    return db.session.execute(query).unique().scalar_one_or_none()


def sheet_invitations(event: Event, unit_id: int | None = None) -> list[Invitation]:
    """The invitations of ``event`` (or of one unit) with units, parent units and answering users loaded."""
    query = (
        db.select(Invitation)
        .where(Invitation.event_id == event.id)
        .options(
            # Only the columns a sheet prints: loading every unit's e-mail list and feed token for
            # thousands of rows costs more than writing the file.
            joinedload(Invitation.unit)
            .load_only(Unit.name, Unit.code, Unit.translations, Unit.parent_id)
            .selectinload(Unit.parent)
            .load_only(Unit.name, Unit.translations),
            joinedload(Invitation.answered_by).load_only(User.name),
        )
    )
    if unit_id is not None:
        query = query.where(Invitation.unit_id == unit_id)
    return list(db.session.execute(query).scalars())


# --- Press summaries --------------------------------------------------------------------------------


def _subject_filter(subject: Event | Series) -> Any:
    if isinstance(subject, Event):
        return Report.event_id == subject.id
    return Report.series_id == subject.id


def press_summaries(subject: Event | Series) -> dict[str, Report]:
    """The press texts of an event or series, by language."""
    query = db.select(Report).where(_subject_filter(subject)).options(joinedload(Report.updated_by))
    return {report.language: report for report in db.session.execute(query).scalars()}


def press_summary(subject: Event | Series, language: str) -> Report | None:
    """The press text of ``subject`` in ``language``, if one was written."""
    return press_summaries(subject).get(language)


def press_text_language(summaries: Mapping[str, Report], language: str, primary: str) -> str | None:
    """The language whose press text a release in ``language`` prints: its own, else the ``primary`` language's,
    else any written one (the same rule as every translatable text); ``None`` while none is written."""
    for code in (language, primary, *REPORT_LANGUAGES):
        report = summaries.get(code)
        if report is not None and report.body.strip():
            return code
    return None


def press_text(summaries: Mapping[str, Report], language: str, primary: str) -> str:
    """The body to print in ``language``: its own text, else the primary language's, else any text written."""
    code = press_text_language(summaries, language, primary)
    return summaries[code].body if code is not None else ""


def save_press_summary(subject: Event | Series, language: str, body: str, user: User,
                       expected_version: int | None) -> Report:
    """Store the press text of ``subject`` in ``language``, recording who wrote it and when.

    ``expected_version`` is the ``Report.version`` the editor was opened on (``None`` when there was no text
    yet). The lock is ``Report.version`` (``version_id_col``), as for invitations: a save from an older
    version, or one that loses a race at the database, raises :class:`StaleSummary` and writes nothing, so
    one person never silently overwrites another. Two first saves at once are refused by the unique
    constraint (``IntegrityError``) instead.
    """
    if language not in REPORT_LANGUAGES:
        raise ValueError(f"unknown report language {language!r}")
    report = press_summary(subject, language)
    if report is not None and report.version != expected_version:
        raise StaleSummary()
    if report is None:
        report = Report(language=language)
        if isinstance(subject, Event):
            report.event_id = subject.id
        else:
            report.series_id = subject.id
        db.session.add(report)
    report.body = clean_text(body).strip()  # cleaned before stripping, so a stray control cannot shield a blank
    report.updated_by = user
    report.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        # Another transaction saved a new version between our read and our UPDATE.
        raise StaleSummary() from None
    return report


# --- Building ---------------------------------------------------------------------------------------


#: The size of photo each release format embeds (Markdown only links to the web size).
RELEASE_PHOTO_SIZES: dict[str, PhotoSize | None] = {
    "html": PhotoSize.WEB, "pdf": PhotoSize.PRINT, "docx": PhotoSize.PRINT, "md": None,
}


#: Gives the address a photo is linked at (Markdown links the picture instead of embedding it).
PhotoLink = Callable[[EventPhoto], str]


def _staff_link(settings: Settings) -> PhotoLink:
    """The web size's address on the site (for signed-in staff)."""

    def link(photo: EventPhoto) -> str:
        if photo.file(PhotoSize.WEB) is None:
            return ""
        return settings.page_url("photos.photo_file", photo_id=photo.id, key=photo.key, size=PhotoSize.WEB.value,
                                 ext=EXTENSION)

    return link


def release_photos(event: Event, language: str, settings: Settings, size: PhotoSize | None, *,
                   link: PhotoLink | None = None,
                   loaded: tuple[list[EventPhoto], Mapping[int, bytes]] | None = None) -> list[ReleasePhoto]:
    """The photos chosen for ``event``'s release, lead first, captioned in ``language``; with the bytes of
    ``size`` when the format embeds them (a photo whose file is missing is left out: see
    :func:`tracker.photos.services.photos_with_bytes`). ``link`` gives each photo's address (by default the
    staff's web-size address); ``loaded`` hands in the chosen photos and their bytes already read."""
    if loaded is not None:
        chosen, pictures = loaded
    else:
        chosen = photo_services.release_order(photo_services.event_photos(event))
        pictures = ({photo.id: data for photo, data in photo_services.photos_with_bytes(chosen, size)}
                    if size is not None else {})
    link = link or _staff_link(settings)
    result = []
    for index, photo in enumerate(chosen):
        if size is not None and photo.id not in pictures:
            continue  # its file is missing (logged): the release goes out without it
        result.append(ReleasePhoto(
            caption=photo.text("caption", language),
            credit=photo_credit(photo.credit, language),
            lead=index == 0,
            width=photo.width,
            height=photo.height,
            url=link(photo),
            image=pictures.get(photo.id, b""),
        ))
    return result


def event_release(event: Event, language: str, settings: Settings, now: datetime | None = None,
                  photo_size: PhotoSize | None = None, photos: list[ReleasePhoto] | None = None) -> PressRelease:
    """The press release of ``event`` in ``language``, with the press text written for it and its chosen photos
    (with the bytes of ``photo_size``, when given: see :data:`RELEASE_PHOTO_SIZES`)."""
    return build_event_release(
        event, language,
        organisation=settings.organisation(language),
        press_contact=settings.press_contact,
        press_text=press_text(press_summaries(event), language, settings.content_language),
        generated_at=now or utcnow(),
        page_url=settings.page_url("events.detail", event_id=event.id),
        photos=photos if photos is not None else release_photos(event, language, settings, photo_size),
    )


def series_release(series: Series, language: str, settings: Settings, now: datetime | None = None
                   ) -> PressRelease:
    """The press release of ``series`` (its scheduled and held events) in ``language``."""
    return build_series_release(
        series, release_events(series), language,
        organisation=settings.organisation(language),
        press_contact=settings.press_contact,
        press_text=press_text(press_summaries(series), language, settings.content_language),
        generated_at=now or utcnow(),
        default_zone=settings.timezone,
        page_url=settings.page_url("events.series_detail", series_id=series.id),
    )


def render_release(release: PressRelease, fmt: str) -> bytes:
    """The release as a file in ``fmt`` (one of :data:`RELEASE_FORMATS`)."""
    return _RELEASE_BUILDERS[fmt](release)


#: The release formats a press kit carries, per language.
PRESS_KIT_FORMATS = ("pdf", "docx", "md")


def press_kit(event: Event, settings: Settings, language: str, now: datetime | None = None
              ) -> tuple[bytes, str, str]:
    """The press kit ZIP of ``event`` (see :mod:`.presskit`) and its file name stems (UTF-8 and ASCII), named in
    the export ``language`` as the other exports are (it holds every language).

    The photos and their bytes are read once (each size once) and handed to every release; a photo whose
    full-size file is missing is left out of the kit (and logged). Markdown links the kit's own photo files.
    The releases are the current text, as every export (docs/photos.md); with them go the attendance figures
    each release states, not the attendance sheet (its rows name delegates and staff)."""
    now = now or utcnow()
    chosen = photo_services.release_order(photo_services.event_photos(event))
    full = dict(photo_services.photos_with_bytes(chosen, PhotoSize.FULL))
    chosen = [photo for photo in chosen if photo in full]
    names: dict[int, str] = {}
    photos = []
    for index, photo in enumerate(chosen, start=1):
        stem = slug(photo.original_filename.rsplit(".", 1)[0], ascii_only=True, limit=60) or "photo"
        names[photo.id] = f"{index:02d}-{stem}.{EXTENSION}"
        photos.append(KitPhoto(
            filename=names[photo.id], data=full[photo],
            captions={code: photo.text("caption", code) for code in REPORT_LANGUAGES},
            credits={code: photo_credit(photo.credit, code) for code in REPORT_LANGUAGES},
        ))
    sizes = {size for size in (RELEASE_PHOTO_SIZES[fmt] for fmt in PRESS_KIT_FORMATS) if size is not None}
    pictures: dict[PhotoSize | None, dict[int, bytes]] = {None: {}}
    for wanted in sizes:
        pictures[wanted] = {photo.id: data for photo, data in photo_services.photos_with_bytes(chosen, wanted)}

    def kit_link(photo: EventPhoto) -> str:
        return f"../{PRESS_KIT_PHOTOS}/{names[photo.id]}"  # from <language>/ to the photo beside it in the ZIP

    files: list[KitFile] = []
    for code in REPORT_LANGUAGES:
        for fmt in PRESS_KIT_FORMATS:
            size = RELEASE_PHOTO_SIZES[fmt]
            release_pictures = release_photos(event, code, settings, size, link=kit_link,
                                              loaded=(chosen, pictures[size]))
            release = event_release(event, code, settings, now, photos=release_pictures)
            files.append(KitFile(f"{code}/{release.filename_stem}.{fmt}", render_release(release, fmt)))
        [section] = release.sections  # an event's release: one section, whose figures its text states
        figures_word, _kit_word = kit_words(code)
        files.append(KitFile(f"{code}/{figures_word}_{release.filename_stem}.csv",
                             build_figures_csv(section.attendance, code)))
    data = build_press_kit(files, photos, REPORT_LANGUAGES, now)
    # "Mətbuat-dəsti_Title_2012-02-25_az": named as the attendance sheets are (the word first, in the language).
    stem, ascii_stem = file_stems(event.text("title", language), ascii_title(event), event.local_days[0],
                                  language, f"event-{event.id}")
    return data, f"{kit_words(language)[1]}_{stem}", f"press-kit_{ascii_stem}"


def attendance_sheet(event: Event, language: str, settings: Settings, unit_id: int | None = None
                     ) -> AttendanceSheet:
    """The attendance sheet of ``event`` in ``language``; with ``unit_id`` only that unit's row."""
    invitations = sheet_invitations(event, unit_id)
    unit_code = invitations[0].unit.code if unit_id is not None and invitations else None
    return build_attendance_sheet(
        event, invitations, language, author=settings.organisation(language), unit_code=unit_code
    )


def render_sheet(sheet: AttendanceSheet, fmt: str) -> bytes:
    """The sheet as a file in ``fmt`` (one of :data:`SHEET_FORMATS`)."""
    return _SHEET_BUILDERS[fmt](sheet)


def content_disposition(stem: str, ascii_stem: str, extension: str, *, inline: bool = False) -> str:
    """``attachment; filename="ascii.pdf"; filename*=UTF-8''…`` (RFC 6266 with an RFC 5987 name)."""
    fallback = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_" for ch in ascii_stem)
    kind = "inline" if inline else "attachment"
    return (
        f'{kind}; filename="{fallback}.{extension}"; '
        f"filename*=UTF-8''{quote(f'{stem}.{extension}', safe='')}"
    )
