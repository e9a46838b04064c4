"""What a press release says, gathered from the record into plain dataclasses, in one export language.

The format builders (``html``, ``pdf``, ``docx``, ``markdown``) only lay out a :class:`PressRelease`; every
fact and every sentence is decided here, so all four formats say the same thing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from ..models import AgendaKind, Event, EventKind, EventStatus, InvitationStatus, Person, Series
from ..ordinals import ordinal
from ..vocabulary import AGENDA_KIND_LABELS, EVENT_KIND_LABELS, agenda_kind_label, kind_label, title_names_kind
from .phrases import PHRASES as _PHRASES
from .phrases import (
    as_sentence,
    capitalise,
    clock,
    full_date,
    language_names,
    number,
    on_date,
    period,
    person_line,
    phrase,
    place_of_zone,
    plural,
)


@dataclass(frozen=True)
class AgendaEntry:
    """One programme item: its planned time (may be empty), what kind of item it is, title and who leads it."""

    position: int
    time: str
    title: str
    speaker: str = ""
    #: The kind in words ("Minute of silence"); empty for "other" or when the title already says it.
    kind: str = ""

    @property
    def text(self) -> str:
        """The item as one to three sentences: "Opening. Welcome address. Speaker: …"."""
        return " ".join(as_sentence(part) for part in (self.kind, self.title, self.speaker) if part)


@dataclass(frozen=True)
class Attendance:
    """Units and people at an event: counted at the door when recorded, else from "attending" answers."""

    units: int
    people: int
    #: True when the figures come from attendance recorded at the event.
    recorded: bool


@dataclass(frozen=True)
class EventSection:
    """What the release says about one event."""

    event_id: int
    title: str
    #: Heading printed above the section (a series release); empty when the event is the whole release.
    heading: str
    #: Lead paragraph of the section; empty when it is the release's own lead.
    lead: str
    programme_heading: str
    agenda_intro: str
    agenda: tuple[AgendaEntry, ...]
    exhibition_heading: str
    #: Period, place, daily hours and languages of an exhibition; empty for other kinds.
    exhibition: str
    attendance: Attendance
    attendance_text: str


@dataclass(frozen=True)
class ReleasePhoto:
    """A photo the release carries: its caption in the release's language, the credit line, and the picture.

    ``image`` holds the JPEG bytes of the size the format embeds (web for HTML, print for PDF and DOCX), loaded
    by the caller; it is empty where the format only links (Markdown links ``url``, the web size's address).
    """

    caption: str
    #: "Photo: Name Surname" in the release's language; empty without a credit.
    credit: str
    lead: bool
    width: int
    height: int
    url: str = ""
    image: bytes = b""
    media_type: str = "image/jpeg"


@dataclass(frozen=True)
class PressRelease:
    """A press release for an event or a series, worded in ``language``."""

    language: str
    #: ``event`` or ``series``.
    subject: str
    subject_id: int
    label: str
    organisation: str
    kicker: str
    headline: str
    dateline: str
    lead: str
    sections: tuple[EventSection, ...]
    press_text: tuple[str, ...]
    press_contact_label: str
    press_contact: str
    #: First day covered (for file names); ``None`` for a series without events.
    first_day: date | None
    generated_at: datetime
    #: File name without extension, in the export language; and an ASCII fallback for old clients.
    filename_stem: str = ""
    ascii_filename_stem: str = ""
    #: The absolute address of the event's (or series') page, and its words ("The event's page"); the HTML
    #: release links back there. Empty when the release is built without an address.
    page_url: str = ""
    page_label: str = ""
    #: The photos chosen for the release, the lead photo first (event releases only; see ``tracker.photos``).
    photos: tuple[ReleasePhoto, ...] = ()
    #: The heading over the photos after the lead one ("Photos").
    photos_heading: str = ""

    @property
    def lead_photo(self) -> ReleasePhoto | None:
        """The photo shown on top, under the headline."""
        return self.photos[0] if self.photos else None

    @property
    def more_photos(self) -> tuple[ReleasePhoto, ...]:
        """The photos after the lead one, shown together after the text."""
        return self.photos[1:]


def event_attendance(event: Event) -> Attendance:
    """Attendance as the release states it.

    Once anyone's attendance was recorded for the event, the recorded figures are the truth (units with
    nobody recorded did not come). Before that, "attending" answers and their expected headcounts stand in.
    """
    invitations = list(event.invitations)
    recorded = [i for i in invitations if i.actual_attendance is not None]
    if recorded:
        present = [i for i in recorded if (i.actual_attendance or 0) > 0]
        return Attendance(len(present), sum(i.actual_attendance or 0 for i in present), recorded=True)
    accepted = [i for i in invitations if i.status == InvitationStatus.ACCEPTED]
    return Attendance(len(accepted), sum(i.headcount or 0 for i in accepted), recorded=False)


def _tense(event: Event) -> str:
    return "held" if event.status == EventStatus.HELD else "future"


def _person(person: Person, language: str) -> str:
    return person_line(
        person.text("rank", language), person.text("full_name", language), person.text("position", language),
        language,
    )


def _kind_noun(event: Event) -> str:
    """The English frames name the kind ("The ceremony was presided over by …"): its label, lower-case
    inside the sentence; "event" for kinds without a word of their own."""
    if event.kind not in EVENT_KIND_LABELS or event.kind == EventKind.OTHER:
        return "event"
    return kind_label(event.kind, "en").lower()


def _when(event: Event, language: str) -> tuple[str, bool]:
    """The "when" phrase of a lead and whether it is a period of several days."""
    first, last = event.local_days
    if first != last:
        return period(first, last, language), True
    if event.all_day:
        return on_date(first, language), False
    return on_date(first, language, event.local_start.time(), event.local_end.time()), False


def event_lead(event: Event, language: str, organisation: str) -> str:
    """What, when, where and under whom, as a paragraph."""
    tense = _tense(event)
    when, is_period = _when(event, language)
    key = f"lead_period_{tense}" if is_period else f"lead_{tense}"
    sentences: list[str] = []
    if event.status == EventStatus.CANCELLED:
        sentences.append(phrase(language, "cancelled"))
    title = event.text("title", language)
    sentences.append(capitalise(phrase(language, key, when=when, organisation=organisation, title=title), language))
    if _PHRASES[language]["organiser"]:
        sentences.append(phrase(language, "organiser", organisation=organisation))
    if event.venue is not None:
        sentences.append(phrase(language, f"venue_{tense}", venue=event.venue.text("name", language)))
    if event.presiding is not None:
        sentences.append(
            phrase(language, f"presiding_{tense}", kind=_kind_noun(event), person=_person(event.presiding, language))
        )
    return " ".join(sentences)


def agenda_kind_words(kind: str, title: str, language: str) -> str:
    """What kind of item this is, in ``language``; empty for "other", unknown kinds and titles that say it
    (in the release's words or in the interface's label: "Review of the exhibition" is an "Exhibition review").

    The words are the kind's label from :mod:`tracker.vocabulary`, unless the programme needs its own
    sentence for the kind (``agenda_kind_*`` in :mod:`.phrases`: "Presentation of awards").
    """
    if kind not in AGENDA_KIND_LABELS or kind == AgendaKind.OTHER:
        return ""
    label = agenda_kind_label(kind, language)
    words = _PHRASES[language].get(f"agenda_kind_{kind}") or label
    if title_names_kind(title, words) or title_names_kind(title, label):
        return ""
    return words


def agenda_entries(event: Event, language: str) -> tuple[AgendaEntry, ...]:
    """The programme in order, each speaker with full rank and position."""
    entries = []
    for position, item in enumerate(sorted(event.agenda, key=lambda i: i.position), start=1):
        speaker = ""
        if item.speaker is not None:
            key = "speaker_speech" if item.kind == AgendaKind.SPEECH else "speaker_other"
            speaker = phrase(language, key, person=_person(item.speaker, language))
        title = item.text("title", language)
        entries.append(
            AgendaEntry(
                position=position,
                time=clock(item.planned_start, language) if item.planned_start else "",
                title=title,
                speaker=speaker,
                kind=agenda_kind_words(item.kind, title, language),
            )
        )
    return tuple(entries)


def exhibition_text(event: Event, language: str) -> str:
    """Period, daily hours, place and languages of materials of an exhibition; empty for other kinds."""
    if event.kind != EventKind.EXHIBITION:
        return ""
    tense = _tense(event)
    first, last = event.local_days
    when = period(first, last, language)
    if event.has_daily_hours:
        assert event.daily_opens is not None and event.daily_closes is not None
        sentences = [phrase(language, f"exhibition_hours_{tense}", period=when,
                            opens=clock(event.daily_opens, language), closes=clock(event.daily_closes, language))]
    else:
        sentences = [phrase(language, f"exhibition_period_{tense}", period=when)]
    if event.venue is not None:
        sentences.append(phrase(language, "exhibition_place", venue=event.venue.text("name", language)))
    if event.languages:
        sentences.append(
            phrase(language, f"exhibition_languages_{tense}", languages=language_names(event.languages, language))
        )
    return " ".join(sentences)


def attendance_text(event: Event, attendance: Attendance, language: str) -> str:
    """"Representatives of 14 units, 126 people in all …"; empty when nobody is counted."""
    if attendance.units == 0:
        return ""
    tense = "held" if attendance.recorded or event.status == EventStatus.HELD else "future"
    return phrase(
        language, f"attendance_{tense}",
        kind=_kind_noun(event),
        units=number(attendance.units, language), units_word=plural(language, "unit", attendance.units),
        people=number(attendance.people, language), people_word=plural(language, "person", attendance.people),
    )


def event_section(event: Event, language: str, organisation: str, *, in_series: bool) -> EventSection:
    """Everything the release says about ``event``."""
    attendance = event_attendance(event)
    return EventSection(
        event_id=event.id,
        title=event.text("title", language),
        heading=event.text("title", language) if in_series else "",
        lead=event_lead(event, language, organisation) if in_series else "",
        programme_heading=phrase(language, "programme"),
        agenda_intro=phrase(language, f"agenda_intro_{_tense(event)}"),
        agenda=agenda_entries(event, language),
        exhibition_heading=phrase(language, "exhibition"),
        exhibition=exhibition_text(event, language),
        attendance=attendance,
        attendance_text=attendance_text(event, attendance, language),
    )


def _kicker(series: Series | None, year: int | None, language: str) -> str:
    """"20th anniversary · 26 February 1992" when the series commemorates a date."""
    if series is None or series.commemorated_on is None or year is None:
        return ""
    count = series.anniversary(year)
    if count is None:
        return ""
    return phrase(
        language, "kicker",
        anniversary=phrase(language, "anniversary", ordinal=ordinal(count, language)),
        date=full_date(series.commemorated_on, language),
    )


def _paragraphs(text: str) -> tuple[str, ...]:
    """Blocks separated by blank lines; line breaks inside a block are kept."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n").strip())
    return tuple(block.strip() for block in blocks if block.strip())


def slug(text: str, *, ascii_only: bool = False, limit: int = 80) -> str:
    """Words of ``text`` joined by hyphens, safe in a file name (letters of any script unless ``ascii_only``)."""
    text = unicodedata.normalize("NFKC", text)
    if ascii_only:
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    joined = "-".join(re.findall(r"[^\W_]+", text))
    return joined[:limit].rstrip("-")


def ascii_title(subject: Event | Series) -> str:
    """The title the ASCII file name is made of: the English one, the text most likely to be ASCII already
    (Azerbaijani letters such as ``ə`` and ``ı`` have no ASCII form and would be dropped), else as :meth:`text`
    falls back. Only old clients that cannot read the UTF-8 name ever see it."""
    return subject.text("title", "en")


def file_stems(title: str, fallback_title: str, day: date | None, language: str, fallback: str,
               suffix: Sequence[str] = ()) -> tuple[str, str]:
    """File name stems ``Title_2012-02-25_az``: one in the export language and an ASCII one (of ``fallback_title``,
    see :func:`ascii_title`)."""
    tail = [day.isoformat()] if day else []
    tail += [language, *suffix]
    ascii_slug = slug(fallback_title, ascii_only=True) or fallback
    return "_".join([slug(title) or ascii_slug, *tail]), "_".join([ascii_slug, *tail])


def build_event_release(
    event: Event, language: str, *, organisation: str, press_contact: str, press_text: str, generated_at: datetime,
    page_url: str = "", photos: Sequence[ReleasePhoto] = (),
) -> PressRelease:
    """The press release of one event in ``language``."""
    first, last = event.local_days
    section = event_section(event, language, organisation, in_series=False)
    title = event.text("title", language)
    stem, ascii_stem = file_stems(title, ascii_title(event), first, language, f"event-{event.id}")
    return PressRelease(
        language=language,
        subject="event",
        subject_id=event.id,
        label=phrase(language, "press_release"),
        organisation=organisation,
        kicker=_kicker(event.series, first.year, language),
        headline=title,
        dateline=_dateline(event.timezone, last, language),
        lead=event_lead(event, language, organisation),
        sections=(section,),
        press_text=_paragraphs(press_text),
        press_contact_label=phrase(language, "press_contact"),
        press_contact=press_contact,
        first_day=first,
        generated_at=generated_at,
        filename_stem=stem,
        ascii_filename_stem=ascii_stem,
        page_url=page_url,
        page_label=phrase(language, "event_page"),
        photos=tuple(photos),
        photos_heading=phrase(language, "photos"),
    )


def build_series_release(
    series: Series, events: Iterable[Event], language: str, *, organisation: str, press_contact: str,
    press_text: str, generated_at: datetime, default_zone: str, page_url: str = "",
) -> PressRelease:
    """The press release of a series: a lead over all ``events``, then each event in order."""
    events = sorted(events, key=lambda e: e.starts_at)
    title = series.text("title", language)
    lead = ""
    first_day: date | None = None
    dateline = ""
    if events:
        first_day = events[0].local_days[0]
        held = [e for e in events if e.status == EventStatus.HELD]
        coming = [e for e in events if e.status != EventStatus.HELD]
        # Held events are told in the past and date the release; events still to come follow in one sentence.
        told, tense = (held, "held") if held else (coming, "future")
        first, last = _span(told)
        lead = capitalise(phrase(
            language, f"series_lead_{tense}", when=period(first, last, language), organisation=organisation,
            count=_event_count(len(told), language), title=title,
        ), language)
        if held and coming:
            first, later = _span(coming)
            lead += " " + capitalise(phrase(
                language, "series_more", when=period(first, later, language),
                number=number(len(coming), language), events_word=plural(language, "event", len(coming)),
            ), language)
        dateline = _dateline(told[0].timezone, last, language)
    else:
        dateline = _dateline(default_zone, None, language)
    stem, ascii_stem = file_stems(title, ascii_title(series), first_day, language, f"series-{series.id}")
    return PressRelease(
        language=language,
        subject="series",
        subject_id=series.id,
        label=phrase(language, "press_release"),
        organisation=organisation,
        kicker=_kicker(series, first_day.year if first_day else None, language),
        headline=title,
        dateline=dateline,
        lead=lead,
        sections=tuple(event_section(e, language, organisation, in_series=True) for e in events),
        press_text=_paragraphs(press_text),
        press_contact_label=phrase(language, "press_contact"),
        press_contact=press_contact,
        first_day=first_day,
        generated_at=generated_at,
        filename_stem=stem,
        ascii_filename_stem=ascii_stem,
        page_url=page_url,
        page_label=phrase(language, "series_page"),
    )


def photo_credit(credit: str, language: str) -> str:
    """"Photo: Name" in ``language``; empty without a credit."""
    return phrase(language, "photo_credit", credit=credit) if credit.strip() else ""


def _span(events: Sequence[Event]) -> tuple[date, date]:
    """First and last local day of ``events`` together."""
    days = [e.local_days for e in events]
    return min(d[0] for d in days), max(d[1] for d in days)


def _event_count(count: int, language: str) -> str:
    """"2 events" / "2 tədbir" / "2 мероприятия", kept on one line by a no-break space."""
    return f"{number(count, language)}\u00a0{plural(language, 'event', count)}"


def _dateline(zone: str, day: date | None, language: str) -> str:
    """"Baku, 25 February 2012": the city of the time zone and the last day covered."""
    place = place_of_zone(zone, language)
    if day is None:
        return place
    when = full_date(day, language)
    return phrase(language, "dateline", place=place, date=when) if place else when
