"""Texts per language: every language's text in ``translations``, the primary one included

Before, the plain column (``series.title``, ``units.name``…) held the text in the content language and
``translations`` the other languages. Now ``translations`` holds every language's text and the plain column
mirrors the primary language's, so changing the primary language loses nothing.

Upgrading copies each plain text into ``translations`` under the language it was written in — the previous
versions' content language, English unless ``TRACKER_PREVIOUS_CONTENT_LANGUAGE`` names another — where that
language has no text yet, then sets the plain column to the text in the primary language now configured
(``CONTENT_LANGUAGE``, Azerbaijani by default) where there is one. Downgrading puts the previous content
language's text back into the plain column. No text is removed either way.

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


def previous_language() -> str:
    """The language the plain columns were written in before this revision."""
    return os.environ.get("TRACKER_PREVIOUS_CONTENT_LANGUAGE", "").strip() or "en"


def primary_language() -> str:
    """The primary language configured now."""
    if has_app_context():
        return str(current_app.config.get("CONTENT_LANGUAGE") or "az")
    return "az"


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
                if text and not texts.get(before):
                    texts[before] = text
                if not texts:
                    translations.pop(field)
                plain[field] = texts.get(primary) or row[field] or ""
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
            translations = row["translations"] or {}
            plain = {field: translations.get(field, {}).get(before) for field in fields}
            plain = {field: text for field, text in plain.items() if text and text != row[field]}
            if plain:
                connection.execute(table.update().where(table.c.id == row["id"]).values(**plain))
