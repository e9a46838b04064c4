"""The committed lock pins every dependency that pyproject.toml names, at a version pyproject accepts.

`make run` and `make test` install from requirements/*.txt alone, so a dependency added to pyproject.toml
without `make lock` would be missing from a fresh clone; a loosened or tightened bound would drift apart.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", re.M)


def _pins(name: str) -> dict[str, Version]:
    text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
    return {canonicalize_name(match[1]): Version(match[2]) for match in PIN.finditer(text)}


def _project() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)


@pytest.mark.parametrize(("lock", "groups"), [("requirements-run.txt", ()), ("requirements-dev.txt", ("dev",))])
def test_every_dependency_is_pinned_at_a_version_pyproject_accepts(lock, groups):
    project = _project()["project"]
    wanted = [Requirement(line) for line in project["dependencies"]]
    for group in groups:
        wanted += [Requirement(line) for line in project["optional-dependencies"][group]]
    pins = _pins(lock)
    problems = []
    for requirement in wanted:
        pinned = pins.get(canonicalize_name(requirement.name))
        if pinned is None:
            problems.append(f"{requirement.name} is not in requirements/{lock}")
        elif not requirement.specifier.contains(pinned, prereleases=True):
            problems.append(f"{requirement.name}=={pinned} does not satisfy {requirement}")
    assert problems == []


def test_every_pin_carries_a_hash():
    for lock in ("requirements-build.txt", "requirements-run.txt", "requirements-dev.txt"):
        entries = re.split(r"\n(?=\S)", (ROOT / "requirements" / lock).read_text(encoding="utf-8"))
        unhashed = [entry.split()[0] for entry in entries if PIN.match(entry) and "--hash=sha256:" not in entry]
        assert unhashed == [], lock


def test_the_build_backend_is_locked():
    backend = [Requirement(line) for line in _project()["build-system"]["requires"]]
    pins = _pins("requirements-build.txt")
    assert all(pins.get(canonicalize_name(r.name)) in r.specifier for r in backend)
