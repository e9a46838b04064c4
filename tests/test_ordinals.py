"""Anniversary ordinals against the vectors of the reference scenario, in all three languages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tracker.ordinals import ordinal

REFERENCE = json.loads((Path(__file__).parent.parent / "tracker/demo_data/reference.json").read_text())
VECTORS = [
    (language, int(number), expected)
    for language, table in REFERENCE["ordinals"].items()
    if language != "about"
    for number, expected in table.items()
]


@pytest.mark.parametrize(("language", "number", "expected"), VECTORS)
def test_ordinal_matches_the_reference_vector(language, number, expected):
    assert ordinal(number, language) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [(200, "200-cü"), (2000, "2000-ci"), (1_000_000, "1000000-cu"), (16, "16-cı"), (43, "43-cü"), (99, "99-cu")],
)
def test_azerbaijani_suffix_follows_the_last_spoken_word(number, expected):
    assert ordinal(number, "az") == expected


def test_zero_has_no_ordinal():
    with pytest.raises(ValueError, match="start at 1"):
        ordinal(0, "en")


def test_packaged_reference_is_the_shared_one():
    shared = Path(__file__).parent.parent.parent / "shared/scenarios/reference.json"
    if not shared.exists():
        pytest.skip("shared/ is not beside this checkout")
    assert json.loads(shared.read_text()) == REFERENCE
