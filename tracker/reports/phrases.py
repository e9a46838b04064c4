"""The words of a report in each export language: sentence frames, dates, plurals, names of people.

These are report *content* in the language chosen at export (``?lang=``), not interface strings: a press
officer working in English exports an Azerbaijani release, so gettext (which follows the reader) is the
wrong tool. Each frame only inserts names in the nominative — after a colon, a dash, in quotes or as a
grammatical subject — because names typed by people cannot be declined by code.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time

from babel import Locale
from babel.dates import format_date, format_time, get_timezone_location
from babel.lists import format_list
from babel.numbers import format_decimal

from ..ordinals import ordinal
from ..vocabulary import language_name, position_in_sentence

#: Sentence frames per language. ``_held`` frames narrate a held event, ``_future`` ones announce an event
#: that has not (yet) been marked held. Labels of answers, statuses and kinds are not here: they come from
#: :mod:`tracker.vocabulary`, like everywhere else. ``agenda_kind_*`` entries are the programme's sentence
#: for a kind where it reads differently from the kind's label ("Presentation of awards." for "Award");
#: the other kinds print their label.
PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "press_release": "Press release",
        "anniversary": "{ordinal} anniversary",
        "kicker": "{anniversary} · {date}",
        "date": "{day_month} {year}",
        "on_date": "on {date}",
        "on_date_times": "on {date}, from {start} to {end}",
        "period_same_year": "from {start_day_month} to {end_day_month} {year}",
        "period": "from {start} to {end}",
        "dateline": "{place}, {date}",
        "lead_held": "{when}, the {organisation} held “{title}”.",
        "lead_future": "{when}, the {organisation} will hold “{title}”.",
        "lead_period_held": "{when}, the {organisation} held “{title}”.",
        "lead_period_future": "{when}, the {organisation} will hold “{title}”.",
        "organiser": "",
        "venue_held": "It took place in the {venue}.",
        "venue_future": "It will take place in the {venue}.",
        "presiding_held": "The {kind} was presided over by {person}.",
        "presiding_future": "The {kind} will be presided over by {person}.",
        "cancelled": "The event has been cancelled.",
        "series_lead_held": "{when}, the {organisation} held {count} as part of “{title}”.",
        "series_lead_future": "{when}, the {organisation} will hold {count} as part of “{title}”.",
        "series_more": "{when}, it will hold {number}\u00a0more {events_word}.",
        "programme": "Programme",
        "agenda_intro_held": "The programme included, in order:",
        "agenda_intro_future": "The programme will include, in order:",
        "speaker_speech": "Speaker: {person}",
        "speaker_other": "Led by {person}",
        "agenda_kind_wreath_laying": "Laying of wreaths and flowers",
        "agenda_kind_exhibition_review": "Tour of the exhibition",
        "agenda_kind_screening": "Film screening",
        "agenda_kind_award": "Presentation of awards",
        "exhibition": "Exhibition",
        "exhibition_period_held": "The exhibition was open {period}.",
        "exhibition_period_future": "The exhibition will be open {period}.",
        "exhibition_hours_held": "The exhibition was open {period}, daily from {opens} to {closes}.",
        "exhibition_hours_future": "The exhibition will be open {period}, daily from {opens} to {closes}.",
        "exhibition_place": "Venue: {venue}.",
        "exhibition_languages_held": "Materials were presented in {languages}.",
        "exhibition_languages_future": "Materials will be presented in {languages}.",
        "attendance_held": (
            "The {kind} was attended by representatives of {units}\u00a0{units_word}, "
            "{people}\u00a0{people_word} in all."
        ),
        "attendance_future": (
            "Representatives of {units}\u00a0{units_word}, {people}\u00a0{people_word} in all, are expected to attend."
        ),
        "press_contact": "Press contact",
        "event_page": "The event’s page",
        "series_page": "The series’ page",
        "photos": "Photos",
        "photo_credit": "Photo: {credit}",
    },
    "az": {
        "press_release": "Press-reliz",
        "anniversary": "{ordinal} ildönümü",
        "kicker": "{anniversary} · {date}",
        "date": "{day_month} {year_ordinal} il",
        "on_date": "{date} tarixində",
        "on_date_times": "{date} tarixində saat {start}–{end} arasında",
        "period_same_year": "{start_day_month} – {end_day_month} {year_ordinal} il tarixlərində",
        "period": "{start} – {end} tarixlərində",
        "dateline": "{place}, {date}",
        "lead_held": "{when} {organisation} tərəfindən “{title}” keçirilib.",
        "lead_future": "{when} {organisation} tərəfindən “{title}” keçiriləcək.",
        "lead_period_held": "{when} {organisation} tərəfindən “{title}” keçirilib.",
        "lead_period_future": "{when} {organisation} tərəfindən “{title}” keçiriləcək.",
        "organiser": "",
        "venue_held": "Məkan: {venue}.",
        "venue_future": "Məkan: {venue}.",
        "presiding_held": "Tədbirə {person} sədrlik edib.",
        "presiding_future": "Tədbirə {person} sədrlik edəcək.",
        "cancelled": "Tədbir ləğv edilib.",
        "series_lead_held": "{when} {organisation} tərəfindən “{title}” çərçivəsində {count} keçirilib.",
        "series_lead_future": "{when} {organisation} tərəfindən “{title}” çərçivəsində {count} keçiriləcək.",
        "series_more": "{when} daha {number}\u00a0{events_word} keçiriləcək.",
        "programme": "Proqram",
        "agenda_intro_held": "Proqrama ardıcıllıqla aşağıdakılar daxil olub:",
        "agenda_intro_future": "Proqrama ardıcıllıqla aşağıdakılar daxil olacaq:",
        "speaker_speech": "Çıxış edən: {person}",
        "speaker_other": "Aparıcı: {person}",
        "agenda_kind_anthem": "Dövlət himninin səsləndirilməsi",
        "agenda_kind_screening": "Filmin nümayişi",
        "agenda_kind_award": "Mükafatların təqdim edilməsi",
        "exhibition": "Sərgi",
        "exhibition_period_held": "Sərgi {period} açıq olub.",
        "exhibition_period_future": "Sərgi {period} açıq olacaq.",
        "exhibition_hours_held": "Sərgi {period} hər gün saat {opens}–{closes} arasında açıq olub.",
        "exhibition_hours_future": "Sərgi {period} hər gün saat {opens}–{closes} arasında açıq olacaq.",
        "exhibition_place": "Məkan: {venue}.",
        "exhibition_languages_held": "Materiallar {languages} dillərində təqdim olunub.",
        "exhibition_languages_future": "Materiallar {languages} dillərində təqdim olunacaq.",
        "attendance_held": (
            "Tədbirdə {units}\u00a0struktur bölmənin nümayəndələri, cəmi {people}\u00a0nəfər iştirak edib."
        ),
        "attendance_future": "Tədbirdə {units}\u00a0struktur bölmədən cəmi {people}\u00a0nəfərin iştirakı gözlənilir.",
        "press_contact": "Mətbuat üçün əlaqə",
        "event_page": "Tədbirin səhifəsi",
        "series_page": "Silsilənin səhifəsi",
        "photos": "Fotoşəkillər",
        "photo_credit": "Foto: {credit}",
    },
    "ru": {
        "press_release": "Пресс-релиз",
        "anniversary": "{ordinal} годовщина",
        "kicker": "{anniversary} · {date}",
        "date": "{day_month} {year} года",
        "on_date": "{date}",
        "on_date_times": "{date} с {start} до {end}",
        "period_same_year": "с {start_day_month} по {end_day_month} {year} года",
        "period": "с {start} по {end}",
        "dateline": "{place}, {date}",
        "lead_held": "{when} состоялось мероприятие «{title}».",
        "lead_future": "{when} состоится мероприятие «{title}».",
        "lead_period_held": "{when} проходило мероприятие «{title}».",
        "lead_period_future": "{when} будет проходить мероприятие «{title}».",
        "organiser": "Организатор — {organisation}.",
        "venue_held": "Место проведения — {venue}.",
        "venue_future": "Место проведения — {venue}.",
        "presiding_held": "Председательствующий — {person}.",
        "presiding_future": "Председательствующий — {person}.",
        "cancelled": "Мероприятие отменено.",
        "series_lead_held": "{when} в рамках серии «{title}» проведено {count}. Организатор — {organisation}.",
        "series_lead_future": (
            "{when} в рамках серии «{title}» будет проведено {count}. Организатор — {organisation}."
        ),
        "series_more": "{when} запланировано ещё {number}\u00a0{events_word}.",
        "programme": "Программа",
        "agenda_intro_held": "Программа мероприятия включала (по порядку):",
        "agenda_intro_future": "Программа мероприятия включает (по порядку):",
        "speaker_speech": "Выступающий — {person}",
        "speaker_other": "Ведущий — {person}",
        "agenda_kind_anthem": "Исполнение государственного гимна",
        "agenda_kind_award": "Вручение наград",
        "exhibition": "Выставка",
        "exhibition_period_held": "Выставка работала {period}.",
        "exhibition_period_future": "Выставка будет работать {period}.",
        "exhibition_hours_held": "Выставка работала {period} ежедневно с {opens} до {closes}.",
        "exhibition_hours_future": "Выставка будет работать {period} ежедневно с {opens} до {closes}.",
        "exhibition_place": "Место проведения — {venue}.",
        "exhibition_languages_held": "Языки материалов: {languages}.",
        "exhibition_languages_future": "Языки материалов: {languages}.",
        "attendance_held": (
            "В мероприятии приняли участие представители {units}\u00a0{units_word}, всего {people}\u00a0{people_word}."
        ),
        "attendance_future": (
            "Ожидается участие представителей {units}\u00a0{units_word}, всего {people}\u00a0{people_word}."
        ),
        "press_contact": "Контакты для прессы",
        "event_page": "Страница мероприятия",
        "series_page": "Страница серии",
        "photos": "Фотографии",
        "photo_credit": "Фото: {credit}",
    },
}

#: Words whose form depends on the number before them, by CLDR plural category.
#: Russian needs the genitive after "представители N …" ("1 подразделения", "5 подразделений").
PLURALS: dict[str, dict[str, dict[str, str]]] = {
    "en": {
        "unit": {"one": "unit", "other": "units"},
        "person": {"one": "person", "other": "people"},
        "event": {"one": "event", "other": "events"},
    },
    "az": {
        # Azerbaijani nouns stay singular after a numeral; the frames carry the noun.
        "unit": {"other": ""},
        "person": {"other": ""},
        "event": {"other": "tədbir"},
    },
    "ru": {
        "unit": {"one": "подразделения", "few": "подразделений", "many": "подразделений", "other": "подразделения"},
        "person": {"one": "человек", "few": "человека", "many": "человек", "other": "человека"},
        "event": {"one": "мероприятие", "few": "мероприятия", "many": "мероприятий", "other": "мероприятия"},
    },
}

#: Languages a report can be exported in: those the tables above are written in, in their order.
REPORT_LANGUAGES = tuple(PHRASES)


def phrase(language: str, key: str, **values: object) -> str:
    """The frame ``key`` in ``language`` with ``values`` filled in."""
    return PHRASES[language][key].format(**values)


def plural(language: str, word: str, number: int) -> str:
    """``word`` in the form ``number`` asks for in ``language`` (CLDR plural rules via Babel)."""
    forms = PLURALS[language][word]
    category = Locale.parse(language).plural_form(number)
    return forms.get(category, forms["other"])


def number(value: int, language: str) -> str:
    """An integer with the language's digit grouping (``1,234`` / ``1.234`` / ``1 234``)."""
    return format_decimal(value, locale=language)


def capitalise(text: str, language: str) -> str:
    """Upper-case the first letter; Azerbaijani dotted/dotless i follow their own case pairs."""
    if not text:
        return text
    first = text[0]
    special = {"i": "İ", "ı": "I"} if language == "az" else {}
    return special.get(first, first.upper()) + text[1:]


def full_date(value: date, language: str) -> str:
    """A date as a sentence prints it: ``25 February 2012``, ``25 fevral 2012-ci il``, ``25 февраля 2012 года``."""
    return phrase(
        language, "date",
        day_month=format_date(value, "d MMMM", locale=language),
        year=value.year,
        year_ordinal=ordinal(value.year, language),
    )


def on_date(value: date, language: str, start: time | None = None, end: time | None = None) -> str:
    """"on 25 February 2012" (with "from 10:00 to 11:30" when times are given), in ``language``."""
    if start is not None and end is not None:
        return phrase(language, "on_date_times", date=full_date(value, language),
                      start=clock(start, language), end=clock(end, language))
    return phrase(language, "on_date", date=full_date(value, language))


def period(first: date, last: date, language: str) -> str:
    """"from 22 February to 1 March 2012" in ``language``; one day gives the "on …" phrase."""
    if first == last:
        return on_date(first, language)
    if first.year == last.year:
        return phrase(
            language, "period_same_year",
            start_day_month=format_date(first, "d MMMM", locale=language),
            end_day_month=format_date(last, "d MMMM", locale=language),
            year=last.year, year_ordinal=ordinal(last.year, language),
        )
    return phrase(language, "period", start=full_date(first, language), end=full_date(last, language))


def clock(value: time, language: str) -> str:
    """A time of day, 24-hour (``09:00``)."""
    return format_time(value, "HH:mm", locale=language)


def language_names(codes: Sequence[str], language: str) -> str:
    """"Azerbaijani, Russian, and English" — names of ``codes`` in ``language``, joined as it joins lists."""
    return format_list([language_name(code, language) for code in codes], locale=language)


def place_of_zone(zone: str, language: str) -> str:
    """The city a time zone is named after, spelt in ``language`` (``Asia/Baku`` → Baku / Bakı / Баку)."""
    if "/" not in zone:
        return ""
    return get_timezone_location(zone, locale=language, return_city=True)


def person_line(rank: str, name: str, position: str, language: str) -> str:
    """A person with full rank and position as the language writes it.

    English puts the name first ("major-general Firudin Nabiyev, Head of the Service"); Azerbaijani and
    Russian put the position first ("Xidmətin rəisi, general-mayor Firudin Nəbiyev"). Every frame prints
    the person inside a sentence, so Azerbaijani and Russian write the position lower-case there
    ("Председательствующий — начальник Службы, …"; see :func:`tracker.vocabulary.position_in_sentence`).
    """
    ranked = f"{rank} {name}".strip()
    position = position_in_sentence(position, language)
    if language == "en":
        return f"{ranked}, {position}" if position else ranked
    return f"{position}, {ranked}" if position else ranked


#: Alphabet order where it differs from code-point order ("Ş" after "S", "Ə" after "E", "Ё" after "Е").
_ALPHABETS = {
    "az": "abcçdeəfgğhxıijkqlmnoöprsştuüvyz",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
}
_RANKS = {language: {char: rank for rank, char in enumerate(alphabet)} for language, alphabet in _ALPHABETS.items()}


def collation_key(text: str, language: str) -> tuple[int, ...]:
    """Sort key putting names in the language's alphabetical order (no ICU needed for our three languages).

    Spaces and digits sort before letters, so "Legal" comes before "Legalisation"; letters of other
    scripts come after the language's own.
    """
    if language == "az":
        text = text.replace("I", "ı").replace("İ", "i")
    ranks = _RANKS.get(language, {})
    key = []
    for char in text.lower():
        rank = ranks.get(char)
        if rank is not None:
            key.append(rank)
        elif char.isalpha():
            key.append(1000 + ord(char))
        else:
            key.append(ord(char) - 1_000_000)
    return tuple(key)


def as_sentence(text: str) -> str:
    """``text`` ending with a full stop (unless it already ends a sentence)."""
    text = text.strip()
    return text if not text or text[-1] in ".!?…" else text + "."
