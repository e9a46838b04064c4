"""Sentence frames, dates, counts and names in each language's grammar."""

from __future__ import annotations

from datetime import date, time

import pytest

from tracker.reports.phrases import (
    PHRASES,
    REPORT_LANGUAGES,
    capitalise,
    clock,
    collation_key,
    full_date,
    language_names,
    on_date,
    period,
    person_line,
    place_of_zone,
    plural,
)
from tracker.vocabulary import AGENDA_KIND_LABELS, agenda_kind_label

from .reference import REFERENCE


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "25 February 2012"), ("az", "25 fevral 2012-ci il"), ("ru", "25 февраля 2012 года"),
])
def test_dates_follow_each_languages_grammar(language, expected):
    assert full_date(date(2012, 2, 25), language) == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "on 25 February 2012, from 10:00 to 11:30"),
    ("az", "25 fevral 2012-ci il tarixində saat 10:00–11:30 arasında"),
    ("ru", "25 февраля 2012 года с 10:00 до 11:30"),
])
def test_a_day_with_times(language, expected):
    assert on_date(date(2012, 2, 25), language, time(10), time(11, 30)) == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "from 22 February to 1 March 2012"),
    ("az", "22 fevral – 1 mart 2012-ci il tarixlərində"),
    ("ru", "с 22 февраля по 1 марта 2012 года"),
])
def test_period_within_a_year_names_the_year_once(language, expected):
    assert period(date(2012, 2, 22), date(2012, 3, 1), language) == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "from 28 December 2011 to 3 January 2012"),
    ("az", "28 dekabr 2011-ci il – 3 yanvar 2012-ci il tarixlərində"),
    ("ru", "с 28 декабря 2011 года по 3 января 2012 года"),
])
def test_period_across_years_names_both_years(language, expected):
    assert period(date(2011, 12, 28), date(2012, 1, 3), language) == expected


def test_azerbaijani_year_suffix_follows_vowel_harmony():
    assert full_date(date(2013, 5, 1), "az") == "1 may 2013-cü il"
    assert full_date(date(2016, 5, 1), "az") == "1 may 2016-cı il"
    assert full_date(date(2010, 5, 1), "az") == "1 may 2010-cu il"


@pytest.mark.parametrize(("count", "units", "people"), [
    (1, "подразделения", "человек"), (2, "подразделений", "человека"), (5, "подразделений", "человек"),
    (11, "подразделений", "человек"), (21, "подразделения", "человек"), (22, "подразделений", "человека"),
    (126, "подразделений", "человек"),
])
def test_russian_counts_decline_units_and_people(count, units, people):
    assert plural("ru", "unit", count) == units
    assert plural("ru", "person", count) == people


def test_english_counts_have_singular_and_plural():
    assert (plural("en", "unit", 1), plural("en", "unit", 14)) == ("unit", "units")
    assert (plural("en", "person", 1), plural("en", "person", 126)) == ("person", "people")


def test_russian_event_counts():
    assert [plural("ru", "event", n) for n in (1, 2, 5)] == ["мероприятие", "мероприятия", "мероприятий"]


def _frames(language):
    """The frame keys of ``language``, without the optional programme sentences of agenda kinds."""
    return {key for key in PHRASES[language] if not key.startswith("agenda_kind_")}


def test_every_language_has_every_frame():
    keys = _frames("en")
    for language in REPORT_LANGUAGES:
        assert _frames(language) == keys, language


def test_programme_sentences_are_for_known_kinds_and_differ_from_the_kinds_label(app):
    with app.app_context():
        for language in REPORT_LANGUAGES:
            for key, words in PHRASES[language].items():
                if key.startswith("agenda_kind_"):
                    kind = key.removeprefix("agenda_kind_")
                    assert kind in AGENDA_KIND_LABELS, key
                    # A sentence that only repeats the label is a second definition of the label.
                    assert words != agenda_kind_label(kind, language), (language, key)


def test_answer_labels_are_not_defined_by_the_reports():
    # The sheet takes "Attending", "Maybe" … from tracker.vocabulary; no report table spells them again.
    for language in REPORT_LANGUAGES:
        assert not any(key.startswith(("answer_", "col_", "via_")) for key in PHRASES[language]), language


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "major-general Firudin Nabiyev, Head of the Service"),
    # Every frame prints the person mid-sentence: the position is lower-case in az and ru.
    ("az", "xidmətin rəisi, general-mayor Firudin Nəbiyev"),
    ("ru", "начальник Службы, генерал-майор Фирудин Набиев"),
])
def test_person_line_gives_rank_and_position_in_the_languages_order(language, expected):
    head = next(p for p in REFERENCE["people"] if p["key"] == "head")
    line = person_line(head["rank"][language], head["full_name"][language], head["position"][language], language)
    assert line == expected


def test_person_without_rank_or_position():
    assert person_line("", "Leyla Əliyeva", "", "az") == "Leyla Əliyeva"
    assert person_line("", "Guest Speaker", "Historian", "en") == "Guest Speaker, Historian"


def test_capitalise_keeps_azerbaijani_dotted_i():
    assert capitalise("iclas zalı", "az") == "İclas zalı"
    assert capitalise("ıslaq", "az") == "Islaq"
    assert capitalise("on 25 February", "en") == "On 25 February"
    assert capitalise("с 22 февраля", "ru") == "С 22 февраля"


def test_language_names_are_joined_as_each_language_joins_lists():
    assert language_names(["az", "ru", "en"], "en") == "Azerbaijani, Russian, and English"
    assert language_names(["az", "ru", "en"], "az") == "azərbaycan, rus və ingilis"
    assert language_names(["az", "ru", "en"], "ru") == "азербайджанский, русский и английский"


def test_dateline_place_is_the_zones_city_in_each_language():
    assert [place_of_zone("Asia/Baku", lang) for lang in ("en", "az", "ru")] == ["Baku", "Bakı", "Баку"]
    assert place_of_zone("UTC", "en") == ""


def test_clock_is_24_hour():
    assert clock(time(9, 5), "en") == "09:05"


def test_collation_follows_each_alphabet():
    az = ["Şəki", "Sumqayıt", "Əmək", "Ebru", "İnformasiya", "Hüquq", "Ismayıllı", "Zaqatala"]
    assert sorted(az, key=lambda s: collation_key(s, "az")) == [
        "Ebru", "Əmək", "Hüquq", "Ismayıllı", "İnformasiya", "Sumqayıt", "Şəki", "Zaqatala"]
    ru = ["Ёлкин", "Егоров", "Жуков", "Отдел кадров", "Отделение"]
    assert sorted(ru, key=lambda s: collation_key(s, "ru")) == [
        "Егоров", "Ёлкин", "Жуков", "Отдел кадров", "Отделение"]
