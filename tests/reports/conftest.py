"""Fixtures of the report tests: the reference scenario and a place for artifacts of failed checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .reference import Reference, build_reference

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture
def reference(app: Any) -> Reference:
    """The reference scenario with both events held."""
    return build_reference(app)


@pytest.fixture
def artifacts() -> Path:
    """``tests/reports/artifacts/`` (git-ignored), where tests keep files to look at when they fail."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
