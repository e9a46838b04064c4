"""The one rule for text the application stores: what is typed may contain anything, what is kept prints anywhere.

People paste from Word, PDFs and terminals; browsers send textarea line breaks as CRLF. Characters that no
output format can carry (a BEL in a delegate's name makes openpyxl and python-docx refuse the whole file,
PostgreSQL refuses NUL, a lone surrogate cannot even be encoded as UTF-8) are removed once, where text is
stored (:func:`tracker.models.types` runs :func:`clean_value` before every flush), so that every reader,
export and email after that can trust the record. ``tracker/migrations`` repairs older rows with the same
rule.

The rule, exactly: ``"\\r\\n"`` and then a lone ``"\\r"`` become ``"\\n"``; then every character of
:data:`UNPRINTABLE` is removed. TAB and LF stay. Nothing else is touched: right-to-left marks, zero-width
joiners, emoji, combining marks and private-use characters are text people may mean.
"""

from __future__ import annotations

import re
from typing import Any

#: C0 controls except TAB (09), LF (0A) and CR (0D, turned into LF instead), DEL, lone surrogates, and the
#: noncharacters U+FFFE/U+FFFF: the characters XML 1.0 (DOCX, XLSX, HTML), UTF-8 or PostgreSQL cannot hold.
UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: str) -> str:
    """``value`` with CRLF and lone CR made LF and every :data:`UNPRINTABLE` character removed."""
    return UNPRINTABLE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def clean_value(value: Any) -> Any:
    """``value`` with :func:`clean_text` applied to every string in it (JSON lists and dicts, keys included)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_value(key): clean_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clean_value(item) for item in value]
    return value
