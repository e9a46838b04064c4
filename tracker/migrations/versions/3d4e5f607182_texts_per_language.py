"""Texts per language: every language's text in ``translations``, the primary one included

Before, the plain column (``series.title``, ``units.name``…) held the text in the content language and
``translations`` the other languages. Now ``translations`` holds every language's text and the plain column
mirrors the primary language's, so changing the primary language loses nothing.

Upgrading copies each plain text into ``translations`` under the language it was written in — the previous
versions' content language (see :func:`previous_language`) — then sets the plain column to the text in the
primary language now configured (``CONTENT_LANGUAGE``, Azerbaijani by default), else the text it had, else
any text there is. The plain text wins over a ``translations`` entry in the same language: the old forms
offered no input for it, so the plain column is what people last typed. Downgrading puts the previous
content language's text back into the plain column and takes it out of ``translations``, the old layout
exactly, so a later upgrade starts from what was edited meanwhile.

Revision ID: 3d4e5f607182
Revises: 2c3d4e5f6071
Create Date: 2026-11-30 03:00:00

The tables and fields are frozen here, not imported, so this migration does the same whatever the code becomes.
"""

from __future__ import annotations

import os
from typing import Any

import sqlalchemy as sa
from alembic import op
from flask import current_app, has_app_context

# revision identifiers, used by Alembic.
revision = "3d4e5f607182"
down_revision = "2c3d4e5f6071"
branch_labels = None
depends_on = None

#: Table → its texts entered per language.
TEXT_FIELDS = {
    "series": ("title", "description"),
    "events": ("title", "description"),
    "agenda_items": ("title",),
    "people": ("full_name", "rank", "position"),
    "venues": ("name", "address"),
    "units": ("name",),
}


#: The content language of the versions before this revision, unless the installation chose another.
OLD_DEFAULT = "en"
#: The default primary language from this revision on.
NEW_DEFAULT = "az"


def previous_language() -> str:
    """The language the plain columns were written in before this revision.

    ``TRACKER_PREVIOUS_CONTENT_LANGUAGE`` when given; else the content language the installation still sets
    (``TRACKER_CONTENT_LANGUAGE``, or a ``CONTENT_LANGUAGE`` other than the new default in its config); else
    English, the previous versions' default.
    """
    for name in ("TRACKER_PREVIOUS_CONTENT_LANGUAGE", "TRACKER_CONTENT_LANGUAGE"):
        value = os.environ.get(name, "").strip()
        if value:
            return value
    configured = str(current_app.config.get("CONTENT_LANGUAGE") or "") if has_app_context() else ""
    return configured if configured and configured != NEW_DEFAULT else OLD_DEFAULT


def primary_language() -> str:
    """The primary language configured now."""
    if has_app_context():
        return str(current_app.config.get("CONTENT_LANGUAGE") or NEW_DEFAULT)
    return NEW_DEFAULT


def _rows(table: sa.Table) -> list[Any]:
    return list(op.get_bind().execute(sa.select(table)).mappings())


def _table(name: str) -> sa.Table:
    return sa.table(name, sa.column("id", sa.Integer), sa.column("translations", sa.JSON),
                    *(sa.column(field, sa.Text) for field in TEXT_FIELDS[name]))


def upgrade():
    before, primary = previous_language(), primary_language()
    connection = op.get_bind()
    for name, fields in TEXT_FIELDS.items():
        table = _table(name)
        for row in _rows(table):
            translations = {key: dict(value) for key, value in (row["translations"] or {}).items()
                            if isinstance(value, dict)}
            plain: dict[str, str] = {}
            for field in fields:
                texts = translations.setdefault(field, {})
                text = (row[field] or "").strip()
                if text:
                    texts[before] = text
                if not texts:
                    translations.pop(field)
                plain[field] = texts.get(primary) or row[field] or next(iter(texts.values()), "")
            if translations != (row["translations"] or {}) or any(plain[f] != (row[f] or "") for f in fields):
                connection.execute(
                    table.update().where(table.c.id == row["id"]).values(translations=translations, **plain)
                )


def downgrade():
    before = previous_language()
    connection = op.get_bind()
    for name, fields in TEXT_FIELDS.items():
        table = _table(name)
        for row in _rows(table):
            translations = {key: dict(value) for key, value in (row["translations"] or {}).items()
                            if isinstance(value, dict)}
            plain: dict[str, str] = {}
            for field in fields:
                texts = translations.get(field, {})
                text = texts.pop(before, None)
                if text and text != row[field]:
                    plain[field] = text
                if field in translations and not texts:
                    translations.pop(field)
            if plain or translations != (row["translations"] or {}):
                connection.execute(
                    table.update().where(table.c.id == row["id"]).values(translations=translations, **plain)
                )
