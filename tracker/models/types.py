"""Column types and mixins shared by the models."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, DateTime, event, inspect
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.mutable import MutableDict
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.types import TypeDecorator

from ..text import clean_value


class UTCDateTime(TypeDecorator[datetime]):
    """An instant stored in UTC, always returned timezone-aware.

    PostgreSQL keeps ``timestamptz``; SQLite keeps naive UTC text, so the zone is put back on load.
    Naive datetimes are refused on write: an instant without a zone is a bug, not a guess to make.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """The current instant, timezone-aware in UTC."""
    return datetime.now(UTC)


class TranslatableMixin:
    """Texts entered per language: every language's text lives in ``translations``, the primary one included.

    ``translations`` maps a field name to ``{language: text}``. The plain column (``title``) mirrors the text in
    the primary language at the time of writing: it keeps the column's NOT NULL promise and gives the database
    something to sort and search by. Because every language is kept in ``translations``, changing the primary
    language (``CONTENT_LANGUAGE``) loses no text: readers of the new primary language see its text where there
    is one and fall back as below. Write with :meth:`set_texts`, read with :meth:`text`.
    """

    #: The fields entered per language, e.g. ``("title", "description")``: each model names its own.
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = ()

    #: ``{"title": {"az": "...", "ru": "...", "en": "..."}, ...}``
    translations: Mapped[dict[str, Any]] = mapped_column(
        MutableDict.as_mutable(JSON), default=dict, nullable=False
    )

    def texts(self, field: str) -> dict[str, str]:
        """Every language's text of ``field`` (``{"az": ..., "ru": ...}``), empty ones left out."""
        stored = (self.translations or {}).get(field) or {}
        return {str(code): str(value) for code, value in stored.items() if value}

    def text(self, field: str, language: str | None = None) -> str:
        """The text of ``field`` in ``language``; else in the primary language; else the plain column; else any."""
        from ..i18n import primary_language

        stored = self.texts(field)
        for code in (language, primary_language()):
            if code and stored.get(code):
                return stored[code]
        plain = getattr(self, field) or ""
        if plain:
            return str(plain)
        return next(iter(stored.values()), "")

    def set_texts(self, field: str, texts: Mapping[str, str | None]) -> None:
        """Set the text of ``field`` in each language given; an empty text removes that language's text.

        Languages not given are left as they are (a text in a language the site no longer offers is kept).
        The plain column takes the primary language's text, or, where there is none, the first text there is.
        """
        from ..i18n import primary_language

        current = dict(self.translations or {})
        per_language = dict(current.get(field) or {})
        for code, value in texts.items():
            cleaned = (value or "").strip()
            if cleaned:
                per_language[code] = cleaned
            else:
                per_language.pop(code, None)
        if per_language:
            current[field] = per_language
        else:
            current.pop(field, None)
        self.translations = current
        primary = per_language.get(primary_language()) or next(iter(per_language.values()), "")
        setattr(self, field, primary)

    def set_entered_texts(self, entered: Mapping[str, str], translations: Mapping[str, Mapping[str, str]]) -> None:
        """Store what a form or command entered: ``entered`` in the primary language (``{"title": ...}``) and
        ``translations`` in the others (``{"title": {"ru": ..., "en": ...}}``; an empty text removes one)."""
        from ..i18n import primary_language

        primary = primary_language()
        for field in {*entered, *translations}:
            texts = dict(translations.get(field, {}))
            if field in entered:
                texts[primary] = entered[field]
            self.set_texts(field, texts)


@event.listens_for(Session, "before_flush")
def _clean_stored_text(session: Session, _context: Any, _instances: Any) -> None:
    """Store only text every output can carry: :func:`tracker.text.clean_text` on every string column and JSON value.

    One boundary for every form, command and import: a control character typed into a delegate's name
    would otherwise make the event's attendance workbook fail for everyone, and PostgreSQL refuses NUL.
    Refusing the whole form for an invisible character helps nobody, so the characters are dropped.
    """
    for instance in (*session.new, *session.dirty):
        for attribute in inspect(instance).mapper.column_attrs:
            value = getattr(instance, attribute.key, None)
            if isinstance(value, str | dict | list):
                cleaned = clean_value(value)
                if cleaned != value:
                    setattr(instance, attribute.key, cleaned)
