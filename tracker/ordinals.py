"""Anniversary ordinals as each language writes them after a numeral ("20th", "20-ci", "20-я").

Written by hand because Babel has no ordinal formatting. Vectors: ``shared/scenarios/reference.json``.
"""

from __future__ import annotations

import re

# Azerbaijani: the suffix follows the last vowel of the number's last spoken word (vowel harmony).
_AZ_UNITS = {1: "bir", 2: "iki", 3: "üç", 4: "dörd", 5: "beş", 6: "altı", 7: "yeddi", 8: "səkkiz", 9: "doqquz"}
_AZ_TENS = {1: "on", 2: "iyirmi", 3: "otuz", 4: "qırx", 5: "əlli", 6: "altmış", 7: "yetmiş", 8: "səksən",
            9: "doxsan"}
_AZ_SUFFIX = {"e": "ci", "ə": "ci", "i": "ci", "a": "cı", "ı": "cı", "o": "cu", "u": "cu", "ö": "cü", "ü": "cü"}


def _az_last_word(number: int) -> str:
    if number % 10:
        return _AZ_UNITS[number % 10]
    if number % 100:
        return _AZ_TENS[(number % 100) // 10]
    if number % 1000:
        return "yüz"
    if number % 1_000_000:
        return "min"
    if number % 1_000_000_000:
        return "milyon"
    return "milyard"


def ordinal_az(number: int) -> str:
    """``3`` → ``3-cü``, ``6`` → ``6-cı``, ``20`` → ``20-ci``."""
    word = _az_last_word(number)
    vowel = next(ch for ch in reversed(word) if ch in _AZ_SUFFIX)
    return f"{number}-{_AZ_SUFFIX[vowel]}"


def ordinal_en(number: int) -> str:
    """``1`` → ``1st``, ``12`` → ``12th``, ``22`` → ``22nd``."""
    if number % 100 in (11, 12, 13):
        return f"{number}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def ordinal_ru(number: int) -> str:
    """Feminine nominative, as with "годовщина": ``20`` → ``20-я``."""
    return f"{number}-я"


_BY_LANGUAGE = {"az": ordinal_az, "en": ordinal_en, "ru": ordinal_ru}


def ordinal(number: int, language: str) -> str:
    """The ordinal of ``number`` in ``language`` (``az``, ``ru`` or ``en``; others get English)."""
    if number < 1:
        raise ValueError("ordinals start at 1")
    return _BY_LANGUAGE.get(language, ordinal_en)(number)


#: An ordinal of ``{n}`` as written inside a title, per language: Russian keeps its case ending ("20-й годовщине").
_IN_TEXT = {
    "az": r"(?<!\d){n}-(?:ci|cı|cu|cü)(?!\w)",
    "en": r"(?<!\d){n}(?:st|nd|rd|th)(?!\w)",
    "ru": r"(?<!\d){n}(?=-[а-яё]+)",
}


def renumber_ordinal(text: str, old: int, new: int, language: str) -> str:
    """``text`` with its first ordinal ``old`` written as ``new`` ("20th anniversary" → "35th anniversary");
    unchanged when ``text`` has no such ordinal."""
    pattern = _IN_TEXT.get(language, _IN_TEXT["en"]).format(n=old)
    replacement = str(new) if language == "ru" else ordinal(new, language)
    return re.sub(pattern, replacement, text, count=1)
