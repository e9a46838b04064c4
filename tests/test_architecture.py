"""Which part of ``tracker/`` may import which: the table of ``docs/architecture.md``, checked.

Every module is read with :mod:`ast`, imports at module level and inside functions alike (an import moved
into a function to hide a cycle is still a dependency). Each module belongs to an area
(``tracker/<area>/…``), to the shared modules, or to the assembly that builds the application.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "tracker"

#: Each area and the other areas it may import (the "may call" column of docs/architecture.md).
MAY_CALL: dict[str, set[str]] = {
    "auth": {"directory"},
    "admin": {"auth", "directory"},
    "directory": set(),
    "events": {"directory"},
    "attendance": {"events"},
    "calendar": {"events", "attendance"},
    "photos": {"events"},
    "reports": {"events", "photos"},
    "home": {"events", "attendance", "reports"},
    "press": {"reports", "photos"},
    "api": {"auth", "directory", "events", "attendance", "calendar"},
}

#: Rules and tools every area may use; they import no area (only each other).
SHARED = {
    "tracker.models", "tracker.extensions", "tracker.errors", "tracker.bounds", "tracker.text", "tracker.timemath",
    "tracker.i18n", "tracker.ordinals", "tracker.signals", "tracker.forms", "tracker.transactions",
    "tracker.vocabulary", "tracker.settings", "tracker.config", "tracker.mail", "tracker.pagecache",
    # The access decorators every area's views put on their routes; they read only the signed-in user.
    "tracker.auth.access",
}

#: What builds the application from the areas (and ``tracker/__init__.py``, ``create_app``): may import every
#: area; no area or shared module imports them.
ASSEMBLY = {
    "tracker.setup", "tracker.templating", "tracker.cli", "tracker.demo", "tracker.security",
    "tracker.logs", "tracker.gunicorn_conf",
    # The WSGI middleware answering a unit feed's revalidation below Flask: it stands for the app's hooks.
    "tracker.calendar.revalidation",
}


@dataclass(frozen=True)
class Import:
    """One import statement: who imports what, and where."""

    module: str
    target: str
    line: int


def module_name(path: Path) -> str:
    """``tracker/attendance/emails.py`` → ``tracker.attendance.emails``; a package's ``__init__`` is the package."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> Iterator[tuple[str, Path]]:
    """Every module of the package, migrations left out (Alembic's scripts are not application code)."""
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" not in path.relative_to(PACKAGE).parts:
            yield module_name(path), path


def imports_of(name: str, path: Path) -> Iterator[Import]:
    """The ``tracker`` modules ``name`` imports, wherever the import statement is (module level or in a function)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            # ``from . import emails`` imports a module; ``from .links import answer_url`` a name of one.
            targets = [f"{module}.{alias.name}" for alias in node.names] if not node.module else [module]
        else:
            continue
        for target in targets:
            if target == "tracker" or target.startswith("tracker."):
                yield Import(name, target, node.lineno)


def owner(module: str) -> str:
    """Where ``module`` belongs: an area's name, ``"shared"`` or ``"assembly"``."""
    if module == "tracker":  # the package's __init__: create_app
        return "assembly"
    for prefix in SHARED | ASSEMBLY:
        if module == prefix or module.startswith(prefix + "."):
            return "shared" if prefix in SHARED else "assembly"
    parts = module.split(".")
    if len(parts) >= 2 and parts[1] in MAY_CALL:
        return parts[1]
    raise AssertionError(f"{module} belongs to no area, shared module or the assembly: add it to the table")


ALL_IMPORTS = [found for name, path in modules() for found in imports_of(name, path)]


def test_every_module_has_a_place():
    for name, _path in modules():
        owner(name)


def test_areas_import_only_the_areas_the_table_allows():
    refused = []
    for found in ALL_IMPORTS:
        source, target = owner(found.module), owner(found.target)
        if source in MAY_CALL and target in MAY_CALL and target != source and target not in MAY_CALL[source]:
            refused.append(f"{found.module}:{found.line} imports {found.target} ({source} may not call {target})")
    assert not refused, "\n".join(refused)


def test_no_two_areas_import_each_other():
    calls = {(owner(f.module), owner(f.target)) for f in ALL_IMPORTS}
    both_ways = sorted({tuple(sorted(pair)) for pair in calls
                        if pair[0] in MAY_CALL and pair[1] in MAY_CALL and pair[0] != pair[1]
                        and (pair[1], pair[0]) in calls})
    assert not both_ways, f"areas importing each other: {both_ways}"


def test_the_table_itself_has_no_cycle():
    def reachable(area: str, seen: frozenset[str]) -> bool:
        return any(callee in seen or reachable(callee, seen | {callee}) for callee in MAY_CALL[area])

    assert not [area for area in MAY_CALL if reachable(area, frozenset({area}))]


def test_shared_modules_import_no_area_and_nothing_imports_the_assembly():
    wrong = []
    for found in ALL_IMPORTS:
        source, target = owner(found.module), owner(found.target)
        if source == "shared" and target in MAY_CALL:
            wrong.append(f"{found.module}:{found.line} (shared) imports the area module {found.target}")
        if target == "assembly" and source != "assembly":
            wrong.append(f"{found.module}:{found.line} imports {found.target}, which assembles the application")
    assert not wrong, "\n".join(wrong)


def _config_reads(path: Path) -> Iterator[int]:
    """Lines where ``current_app.config`` (or ``app.config``) is read."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Attribute) and node.attr == "config" and isinstance(node.value, ast.Name)
                and node.value.id in {"current_app", "app"}):
            yield node.lineno


def test_only_the_settings_read_the_configuration():
    """Views, services, builders and shared rules get the settings from :mod:`tracker.settings`, not the config.

    Only the assembly (``create_app`` and its steps) reads ``app.config`` besides :mod:`tracker.settings`.
    """
    readers = [
        f"{name}:{line}"
        for name, path in modules()
        if owner(name) != "assembly" and name != "tracker.settings"
        for line in _config_reads(path)
    ]
    assert not readers, "read tracker.settings.settings() instead: " + ", ".join(readers)


#: Imports each module named on the command line first, in turn, forgetting every ``tracker`` module in between.
_IMPORT_EACH_FIRST = """
import importlib, sys, traceback
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "tracker" or m.startswith("tracker.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        failed.append(name + ": " + traceback.format_exc(limit=-3))
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


def test_every_module_can_be_imported_first():
    """No import cycle at module level: each module can be the first ``tracker`` module imported."""
    names = [name for name, _path in modules() if owner(name) != "assembly"]
    result = subprocess.run([sys.executable, "-c", _IMPORT_EACH_FIRST, *names], capture_output=True, text=True,
                            cwd=PACKAGE.parent, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
