"""Registers every ``flask --app tracker …`` command group, and ``backup`` (a copy of a SQLite database, and of
the photo folder when photos are kept in files)."""

from __future__ import annotations

import os
import shutil
import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .extensions import db

#: Exit status of ``backup`` on a database it does not copy (PostgreSQL: pg_dump's job).
NOT_SQLITE = 2


def register(app: Flask) -> None:
    """Add the command groups of each area to ``app.cli``."""
    from .auth.cli import tokens_cli, users_cli
    from .calendar.cli import fetch_command
    from .demo import demo_cli
    from .mail.cli import mail_cli

    # `mail fetch` reads calendar replies: the calendar's command, shown beside the outbox's (mail/ imports no area).
    if "fetch" not in mail_cli.commands:
        mail_cli.add_command(fetch_command)
    for group in (users_cli, tokens_cli, demo_cli, mail_cli):
        app.cli.add_command(group)
    app.cli.add_command(backup_command)


def default_backup_path(instance_path: str, now: datetime | None = None) -> Path:
    """``<instance>/backups/tracker-YYYYmmdd-HHMMSS.sqlite``, stamped with the local time ``now``."""
    moment = now or datetime.now()
    return Path(instance_path) / "backups" / f"tracker-{moment:%Y%m%d-%H%M%S}.sqlite"


def backup_sqlite(source: str, target: Path) -> None:
    """Copy the SQLite database ``source`` to ``target`` with SQLite's online backup API.

    The copy is one consistent snapshot (the last commit before it began) even while the app writes: the
    whole database is copied in one step inside one read transaction, which in WAL mode waits for no writer.
    It is written next to ``target`` and renamed into place only once complete and checked, so a failed
    backup never leaves a half-written file under the final name. The copy is switched out of WAL mode so
    that it is one self-contained file.
    """
    partial = target.with_name(target.name + ".partial")
    try:
        with closing(sqlite3.connect(source, timeout=15)) as live, closing(sqlite3.connect(partial)) as copy:
            live.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
            check = copy.execute("PRAGMA integrity_check").fetchone()
            if check is None or check[0] != "ok":
                raise sqlite3.DatabaseError(f"the copy fails its integrity check: {check}")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


@click.command("backup")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@with_appcontext
def backup_command(path: Path | None) -> None:
    """Copy the SQLite database to PATH (default: instance/backups/tracker-YYYYmmdd-HHMMSS.sqlite).

    Safe while the app runs. With ``PHOTO_STORAGE=filesystem`` the photo folder is copied next to it (PATH
    without its suffix, plus ``.photos``), before the database and again after it: a photo file never changes
    once written, so the copy holds every file the database copy names. PostgreSQL databases are refused (exit
    status 2): back them up with pg_dump (and the photo folder with any file copy).
    """
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        click.echo(f"backup copies SQLite databases only; this one is {url.get_backend_name()}: use "
                   "`pg_dump -Fc` (see docs/deploy.md, \"Backups and restores\").", err=True)
        raise click.exceptions.Exit(NOT_SQLITE)
    source = url.database
    if not source or source == ":memory:" or source.startswith("file:"):
        raise click.ClickException(f"cannot back up the SQLite database {source or ':memory:'!r}: not a plain file")
    if not Path(source).is_file():
        raise click.ClickException(f"the database file {source} does not exist")
    target = path or default_backup_path(current_app.instance_path)
    if path is None:
        target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_dir():
        raise click.ClickException(f"{target} is a folder; give the path of the file to write")
    if target.exists():
        raise click.ClickException(f"{target} already exists; backup does not overwrite a file")
    if not target.parent.is_dir():
        raise click.ClickException(f"the folder {target.parent} does not exist")
    from .photos.storage import photo_directory
    from .settings import settings

    photo_folder = photo_directory()
    photos = None
    if settings().photo_storage == "filesystem" and photo_folder.is_dir():
        # Before the database and again after it: the copy then holds every file the database copy names,
        # even one deleted from the folder right after the database was copied.
        photos = target.with_suffix(".photos")
        try:
            copy_photo_files(photo_folder, photos)
        except OSError as error:
            raise click.ClickException(f"copying the photos to {photos} failed: {error}") from error
    try:
        backup_sqlite(source, target)
    except (OSError, sqlite3.Error) as error:
        raise click.ClickException(f"backup to {target} failed: {error}") from error
    click.echo(f"Backup written: {target} ({target.stat().st_size} bytes)")
    if photos is not None:
        try:
            copy_photo_files(photo_folder, photos)  # again: files written while the database was copied
        except OSError as error:
            raise click.ClickException(f"copying the photos to {photos} failed: {error}") from error
        click.echo(f"Photos copied: {photos}")


def copy_photo_files(source: Path, target: Path) -> None:
    """Copy the files under ``source`` missing from ``target`` (a photo file never changes once written); a file
    deleted while the copy runs is skipped."""
    for path in sorted(source.rglob("*")):
        copy = target / path.relative_to(source)
        try:
            if path.is_dir():
                copy.mkdir(parents=True, exist_ok=True)
            elif not copy.exists():
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, copy)
        except FileNotFoundError:
            continue  # deleted meanwhile: its row is gone from the database copy too, or goes with it
