"""What people type, as Hypothesis strategies: the text the property tests send through forms and builders.

Pieces come from every corner that has broken exports before or could: C0 controls, DEL, CR and CRLF, lone
surrogates, U+FFFE and U+FFFF, right-to-left marks and scripts, zero-width characters, emoji sequences,
combining marks, characters Noto Sans (the PDF font) lacks, markup and formula characters; and 10,000-character
strings.
"""

from __future__ import annotations

import re

from hypothesis import strategies as st

from tracker.text import clean_text

#: Pieces that broke, or could break, an output format, a parser or a layout engine.
SPECIAL = (
    "\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\r", "\n", "\r\n", "\t", " ",
    "\ud800", "\udbff", "\udc00", "\udfff", "\ufffe", "\uffff", "\ufffd", "\x85", "\u2028", "\u2029",
    "\u200e", "\u200f", "\u202a", "\u202e", "\u2066", "\u2069", "مرحبا", "שלום", "\u0627\u0644\u0652",
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",
    "👩\u200d👩\u200d👧", "🏳\ufe0f\u200d🌈", "😀", "🇦🇿", "e\u0301", "\u0489", "Z\u0336\u0337\u0338",
    "漢字", "𓀀", "ᚠᛇ", "ꙮ", "\U0010fffd", "\ue000", "\U000e0001",
    "<script>alert(1)</script>", "&amp;", "]]>", "**", "# ", "1. ", "> ", "=1+1", "+", "-", "@", "|", "\\",
    "`", '"', "'", "%s", "%(x)s", "{{ x }}", ":", ";", ",", "BEGIN:VCALENDAR", "END:VEVENT",
)
#: One piece of typed text: a special piece, any single code point (surrogates included), or a short run.
PIECE = st.one_of(
    st.sampled_from(SPECIAL),
    st.characters(),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
    st.text(max_size=3),
)
#: Pieces without surrogates: what a 10,000-character string repeats (a surrogate sent through a form arrives
#: as 9 characters, "%ED%A0%80", which would push the string over every length limit).
PLAIN_PIECE = st.one_of(st.sampled_from([s for s in SPECIAL if not re.search("[\ud800-\udfff]", s)]),
                        st.text(max_size=3))


def typed(max_pieces: int = 12) -> st.SearchStrategy[str]:
    """Short typed text; at most 12 pieces stay within every short field's length limit once form-encoded."""
    return st.lists(PIECE, max_size=max_pieces).map("".join)


def very_long() -> st.SearchStrategy[str]:
    """A 10,000-character string made of one repeated piece of typed text."""
    return st.lists(PLAIN_PIECE, min_size=1, max_size=4).map("".join).filter(bool).map(
        lambda piece: (piece * (10_000 // len(piece) + 1))[:10_000]
    )


LONG_OR_SHORT = st.one_of(typed(), very_long())


def stored(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Text as the database holds it after :func:`tracker.text.clean_text`: what builders are given."""
    return strategy.map(clean_text)

