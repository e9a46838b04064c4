"""The words of the interface for the things the tracker records: one table per thing, one function per label.

Every page, template, email, calendar file and form takes its labels from here (templates get the functions
from :mod:`tracker.templating`), so that "Attending" or "Ceremony" is written once and translated once. The
tables hold lazy strings; the functions return the label in the reader's language, or in ``language`` when
given (emails, calendar files and other builders that write in a unit's language, not the reader's).

Releases and attendance sheets take their labels from here too (a sheet's "Ola bilər" is the dashboard's);
only the *sentences* of a press release, which need their own grammar, live in :mod:`tracker.reports.phrases`.

This module imports no area: only the models' enumerations, :mod:`tracker.i18n` and :mod:`tracker.settings`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, nullcontext
from typing import Any

from babel import Locale
from flask_babel import force_locale, npgettext
from flask_babel import lazy_gettext as _l

from .i18n import current_language
from .models import AgendaKind, AnswerChannel, EventKind, EventStatus, InvitationStatus, Role
from .settings import Settings
from .settings import settings as current_settings

#: Kinds of event (also the iCalendar CATEGORIES).
EVENT_KIND_LABELS: dict[str, Any] = {
    EventKind.CEREMONY: _l("Ceremony"),
    EventKind.COMMEMORATION: _l("Commemoration"),
    EventKind.EXHIBITION: _l("Exhibition"),
    EventKind.MEETING: _l("Meeting"),
    EventKind.OTHER: _l("Other"),
}

#: Where an event is in its life.
EVENT_STATUS_LABELS: dict[str, Any] = {
    EventStatus.DRAFT: _l("Draft"),
    EventStatus.SCHEDULED: _l("Scheduled"),
    EventStatus.HELD: _l("Held"),
    EventStatus.CANCELLED: _l("Cancelled"),
}

#: What happens in an agenda item, in the order a ceremony runs (the agenda form lists them so).
AGENDA_KIND_LABELS: dict[str, Any] = {
    AgendaKind.OPENING: _l("Opening"),
    AgendaKind.ANTHEM: _l("National anthem"),
    AgendaKind.SILENCE: _l("Minute of silence"),
    AgendaKind.SPEECH: _l("Speech"),
    AgendaKind.WREATH_LAYING: _l("Wreath or flower laying"),
    AgendaKind.EXHIBITION_REVIEW: _l("Exhibition review"),
    AgendaKind.SCREENING: _l("Screening"),
    AgendaKind.AWARD: _l("Award"),
    AgendaKind.CLOSING: _l("Closing"),
    AgendaKind.OTHER: _l("Other"),
}

#: A unit's answer to an invitation, as a label or a choice ("Attending").
ANSWER_LABELS: dict[str, Any] = {
    InvitationStatus.PENDING: _l("No answer yet"),
    InvitationStatus.ACCEPTED: _l("Attending"),
    InvitationStatus.TENTATIVE: _l("Maybe"),
    InvitationStatus.DECLINED: _l("Not attending"),
}

#: A unit that came without an invitation, where an invited unit's answer would be (check-in, sheets).
WALK_IN_LABEL: Any = _l("Came without invitation")

#: The same answers inside a sentence or a tally ("Citizenship Department — maybe for …", "3 attending").
ANSWER_WORDS: dict[str, Any] = {
    InvitationStatus.PENDING: _l("no answer yet"),
    InvitationStatus.ACCEPTED: _l("attending"),
    InvitationStatus.TENTATIVE: _l("maybe"),
    InvitationStatus.DECLINED: _l("not attending"),
}

#: How an answer reached us.
CHANNEL_LABELS: dict[str, Any] = {
    AnswerChannel.PAGE: _l("on the answer page"),
    AnswerChannel.LINK: _l("through the emailed link"),
    AnswerChannel.ON_BEHALF: _l("on the unit's behalf"),
    AnswerChannel.CALENDAR: _l("by calendar reply"),
    AnswerChannel.API: _l("through the API"),
}

#: Actions in an invitation's history.
AUDIT_ACTION_LABELS: dict[str, Any] = {
    "answer": _l("Answer"),
    "invite": _l("Invited"),
    "remind": _l("Reminder queued"),
    "check_in": _l("Check-in"),
    "walk_in": _l("Walk-in recorded"),
}

#: Fields an invitation's history records.
AUDIT_FIELD_LABELS: dict[str, Any] = {
    "status": _l("Answer"),
    "headcount": _l("People"),
    "delegates": _l("Delegates"),
    "note": _l("Note"),
    "actual_attendance": _l("People who came"),
}

#: How each role is called on pages.
ROLE_LABELS: dict[str, Any] = {
    Role.ADMIN: _l("Administrator"),
    Role.ORGANISER: _l("Organiser"),
    Role.REPRESENTATIVE: _l("Unit representative"),
    Role.PRESS: _l("Press officer"),
}

_WORD = re.compile(r"\w+")

#: Names of the languages in themselves, for the language switcher and the account's language choice. Which
#: of them the site offers, and in what order, is configuration (:func:`tracker.i18n.site_languages`).
NATIVE_LANGUAGE_NAMES: dict[str, str] = {"az": "Azərbaycanca", "ru": "Русский", "en": "English"}


@contextmanager
def in_language(language: str | None) -> Iterator[None]:
    """Translate in ``language`` inside the block; ``None`` keeps the reader's language."""
    with force_locale(language) if language else nullcontext():
        yield


def _label(table: Mapping[str, Any], value: str | None, language: str | None) -> str:
    """``value``'s label from ``table`` in ``language`` (else the reader's); unknown values are shown as given."""
    label = table.get(value) if value is not None else None
    if label is None:
        return value or ""
    with in_language(language):
        return str(label)


def kind_label(kind: str, language: str | None = None) -> str:
    """The word for an event kind ("Ceremony")."""
    return _label(EVENT_KIND_LABELS, kind, language)


def status_label(status: str, language: str | None = None) -> str:
    """The word for an event status ("Draft")."""
    return _label(EVENT_STATUS_LABELS, status, language)


def agenda_kind_label(kind: str, language: str | None = None) -> str:
    """The word for an agenda item kind ("Wreath laying")."""
    return _label(AGENDA_KIND_LABELS, kind, language)


def title_names_kind(title: str, words: str) -> bool:
    """Whether an agenda item's ``title`` already says what its kind's ``words`` say.

    "One minute's silence" names "Minute of silence", "Qurbanların … sükutla yad edilməsi" names "Sükut
    dəqiqəsi", but "В исполнении оркестра" does not name "Исполнение государственного гимна": every word of
    four letters or more of the kind begins a word of the title (its first five letters, so that inflected
    forms match). Programmes print the kind only where it adds something.
    """
    title_words = _WORD.findall(_fold(title))
    stems = [word[:5] for word in _WORD.findall(_fold(words)) if len(word) >= 4]
    return bool(stems) and all(any(word.startswith(stem) for word in title_words) for stem in stems)


def _fold(text: str) -> str:
    """``text`` case-folded, every Azerbaijani "İ", "I", "ı" and "i" folded alike (uppercase titles match)."""
    return text.casefold().replace("i\u0307", "i").replace("ı", "i")


def answer_label(status: str | None, language: str | None = None) -> str:
    """A unit's answer as a label (``accepted`` → "Attending"; no status is "No answer yet")."""
    return _label(ANSWER_LABELS, status or InvitationStatus.PENDING, language)


def walk_in_label(language: str | None = None) -> str:
    """What stands for the answer of a unit that came without an invitation ("Came without invitation")."""
    with in_language(language):
        return str(WALK_IN_LABEL)


def answer_words(status: str, language: str | None = None) -> str:
    """A unit's answer inside a sentence (``tentative`` → "maybe")."""
    return _label(ANSWER_WORDS, status, language)


def tally_words(status: str, count: int, language: str | None = None) -> str:
    """The answer after a number of units in a tally ("3 attending", "3 будут присутствовать"): the words agree
    with the number where the language wants it (Russian verbs do)."""
    with in_language(language):
        if status == InvitationStatus.ACCEPTED:
            return npgettext("tally", "attending", "attending", count)
        if status == InvitationStatus.TENTATIVE:
            return npgettext("tally", "maybe", "maybe", count)
        if status == InvitationStatus.DECLINED:
            return npgettext("tally", "not attending", "not attending", count)
        return npgettext("tally", "no answer yet", "no answer yet", count)


def channel_label(via: str | None, language: str | None = None) -> str:
    """How an answer arrived ("through the emailed link"); nothing when unknown."""
    return _label(CHANNEL_LABELS, via, language)


def audit_action_label(action: str, language: str | None = None) -> str:
    """A history entry's action ("Reminder queued")."""
    return _label(AUDIT_ACTION_LABELS, action, language)


def audit_field_label(name: str, language: str | None = None) -> str:
    """A recorded field's name ("People who came")."""
    return _label(AUDIT_FIELD_LABELS, name, language)


def role_label(role: str, language: str | None = None) -> str:
    """What a role is called ("Press officer")."""
    return _label(ROLE_LABELS, role, language)


def position_in_sentence(position: str, language: str | None = None) -> str:
    """A person's position as written inside a sentence: Azerbaijani and Russian lower its first letter.

    "Председательствующий — начальник Службы", "Tədbirə xidmətin rəisi … sədrlik edib"; English keeps "Head
    of the Service". Only the first letter is lowered, and only when the second is lower-case, so that proper
    nouns further on ("Службы") and acronyms ("DTX rəisi") stay as typed. ``language`` is the reader's when
    not given.
    """
    language = language or current_language()
    if language not in _LOWER_CASE_POSITIONS or len(position) < 2:
        return position
    first, second = position[0], position[1]
    if not (first.isupper() and second.islower()):
        return position
    # Azerbaijani pairs dotted İ with i and dotless I with ı.
    lowered = {"İ": "i", "I": "ı"}.get(first, first.lower()) if language == "az" else first.lower()
    return lowered + position[1:]


#: Languages that write a position lower-case inside a sentence.
_LOWER_CASE_POSITIONS = frozenset({"az", "ru"})


def native_language_name(code: str) -> str:
    """A language's name in itself ("Azərbaycanca"), for choosing the interface language."""
    return NATIVE_LANGUAGE_NAMES.get(code, code)


def language_name(code: str, language: str | None = None) -> str:
    """The name of language ``code`` in ``language`` (else the reader's): "Azerbaijani", "азербайджанский"."""
    try:
        return str(Locale.parse(language or current_language()).languages.get(code, code))
    except (ValueError, TypeError):
        return code


def language_list(codes: list[str] | None, language: str | None = None) -> str:
    """Names of languages (of an event's materials), comma-separated, in ``language`` (else the reader's)."""
    return ", ".join(language_name(code, language) for code in codes or [])


def organisation_name(language: str | None = None, settings: Settings | Mapping[str, Any] | None = None) -> str:
    """The agency's name in ``language`` (``ORGANISATION_NAME_AZ`` …), else ``ORGANISATION_NAME``.

    ``language`` is the reader's when not given; ``settings`` (a :class:`~tracker.settings.Settings` or a config
    mapping) the current application's.
    """
    if settings is None:
        settings = current_settings()
    elif not isinstance(settings, Settings):
        settings = Settings.from_config(settings)
    return settings.organisation(language or current_language())


def organizer_name(language: str | None = None) -> str:
    """The organiser's name (who invites) in ``language`` (``ORGANIZER_NAME_AZ`` …), else ``ORGANIZER_NAME``;
    ``language`` is the reader's when not given."""
    return current_settings().organizer(language or current_language())


def template_helpers() -> dict[str, Any]:
    """The label functions, as template globals (registered once by :mod:`tracker.templating`)."""
    return {
        helper.__name__: helper
        for helper in (kind_label, status_label, agenda_kind_label, answer_label, answer_words, tally_words,
                       channel_label, audit_action_label, audit_field_label, role_label, language_name, language_list,
                       native_language_name, organisation_name, organizer_name, walk_in_label, position_in_sentence)
    }
