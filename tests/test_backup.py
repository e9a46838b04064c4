"""``flask --app tracker backup [PATH]``: a consistent copy of a SQLite database, taken while the app runs."""

from __future__ import annotations

import io
import re
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.photos import pictures
from tracker.cli import NOT_SQLITE
from tracker.extensions import db
from tracker.models import Unit

from .conftest import TEST_DATABASE_URL

sqlite_only = pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="copies a SQLite database")


def database_file(app: Flask) -> str:
    with app.app_context():
        path = db.engine.url.database
    assert path
    return path


def unit_codes(path: Path) -> list[str]:
    """The unit codes in the SQLite file ``path``, opened as a stand-alone database."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return [code for (code,) in copy.execute("SELECT code FROM units ORDER BY code")]


@sqlite_only
def test_backup_copies_every_row_to_the_path_given(runner: Any, make_unit: Callable[..., Unit],
                                                   tmp_path: Path) -> None:
    codes = sorted(make_unit().code for _ in range(3))
    target = tmp_path / "copy.sqlite"

    result = runner.invoke(args=["backup", str(target)])

    assert result.exit_code == 0, result.output
    assert str(target) in result.output
    assert unit_codes(target) == codes
    # One self-contained file: no WAL left beside it, nothing half-written.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy")) == ["copy.sqlite"]


@sqlite_only
def test_backup_by_default_goes_to_instance_backups_with_a_timestamp(app: Flask, runner: Any,
                                                                    make_unit: Callable[..., Unit]) -> None:
    unit = make_unit()
    before = datetime.now().replace(microsecond=0)

    result = runner.invoke(args=["backup"])

    assert result.exit_code == 0, result.output
    written = list((Path(app.instance_path) / "backups").iterdir())
    assert len(written) == 1
    match = re.fullmatch(r"tracker-(\d{8}-\d{6})\.sqlite", written[0].name)
    assert match, written[0].name
    assert before <= datetime.strptime(match.group(1), "%Y%m%d-%H%M%S") <= datetime.now()
    assert unit_codes(written[0]) == [unit.code]


@sqlite_only
def test_backup_while_another_connection_holds_a_write_transaction_is_consistent(
        app: Flask, runner: Any, make_unit: Callable[..., Unit], tmp_path: Path) -> None:
    committed = sorted(make_unit().code for _ in range(2))
    writer = sqlite3.connect(database_file(app), isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE units SET code = code || '-changed'")
        writer.execute("DELETE FROM units WHERE code = ?", (committed[0] + "-changed",))

        result = runner.invoke(args=["backup", str(tmp_path / "during.sqlite")])

        # The writer is still in its transaction: the copy holds the last commit, whole.
        assert writer.in_transaction
        writer.execute("COMMIT")
    finally:
        writer.close()
    assert result.exit_code == 0, result.output
    assert unit_codes(tmp_path / "during.sqlite") == committed

    after = runner.invoke(args=["backup", str(tmp_path / "after.sqlite")])
    assert after.exit_code == 0, after.output
    assert unit_codes(tmp_path / "after.sqlite") == [committed[1] + "-changed"]


def test_backup_refuses_postgresql_and_points_to_pg_dump(another_app: Callable[..., Flask]) -> None:
    # No server is reached: the refusal is decided from the URL alone.
    postgres = another_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://tracker@127.0.0.1:1/tracker")

    result = postgres.test_cli_runner().invoke(args=["backup"])

    assert result.exit_code == NOT_SQLITE == 2
    assert "pg_dump" in result.stderr
    assert result.stdout == ""
    assert not (Path(postgres.instance_path) / "backups").exists()


@sqlite_only
@pytest.mark.parametrize("problem", ["missing folder", "existing file", "folder"])
def test_backup_to_a_bad_path_fails_clearly(runner: Any, make_unit: Callable[..., Unit], tmp_path: Path,
                                            problem: str) -> None:
    make_unit()
    existing = tmp_path / "existing.sqlite"
    existing.write_bytes(b"keep me")
    target, expected = {
        "missing folder": (tmp_path / "no" / "such" / "copy.sqlite", "does not exist"),
        "existing file": (existing, "already exists"),
        "folder": (tmp_path, "is a folder"),
    }[problem]

    result = runner.invoke(args=["backup", str(target)])

    assert result.exit_code == 1
    assert expected in result.stderr
    assert str(target) in result.stderr or str(target.parent) in result.stderr
    assert existing.read_bytes() == b"keep me"
    assert not (tmp_path / "no").exists()


@sqlite_only
def test_backup_copies_the_photo_folder_when_photos_are_kept_in_files(app: Flask, runner: Any, client: Any,
                                                                      login: Callable[..., Any],
                                                                      make_event: Callable[..., Any],
                                                                      tmp_path: Path) -> None:
    app.config.update(PHOTO_STORAGE="filesystem", PHOTO_DIRECTORY=str(tmp_path / "photos"))
    event = make_event(status="held")
    login("press")
    upload = {"photos": [(io.BytesIO(pictures.jpeg(seed=7)), "wreath.jpg")]}
    assert client.post(f"/events/{event.id}/photos/upload", data=upload,
                       content_type="multipart/form-data").status_code == 302
    stored = sorted(p.relative_to(tmp_path / "photos") for p in (tmp_path / "photos").rglob("*.jpg"))
    assert len(stored) == 4  # thumb, web, print, full

    result = runner.invoke(args=["backup", str(tmp_path / "copy.sqlite")])

    assert result.exit_code == 0, result.output
    copied = tmp_path / "copy.photos"
    assert str(copied) in result.output
    assert sorted(p.relative_to(copied) for p in copied.rglob("*.jpg")) == stored
    for name in stored:
        assert (copied / name).read_bytes() == (tmp_path / "photos" / name).read_bytes()
    with closing(sqlite3.connect(f"file:{tmp_path / 'copy.sqlite'}?mode=ro", uri=True)) as copy:
        assert copy.execute("SELECT count(*) FROM photo_files").fetchone() == (4,)
