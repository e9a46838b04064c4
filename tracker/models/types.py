"""Column types and mixins shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

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
    """Texts written in the content language, with optional translations per site language.

    The plain column (``title``) holds the content-language text; ``translations`` maps a field name to
    ``{language: text}``. :meth:`text` falls back to the plain column where a translation is missing.
    """

    #: ``{"title": {"az": "...", "ru": "..."}, ...}``
    translations: Mapped[dict[str, Any]] = mapped_column(
        MutableDict.as_mutable(JSON), default=dict, nullable=False
    )

    def text(self, field: str, language: str | None = None) -> str:
        """The text of ``field`` in ``language``, or in the content language when not translated."""
        if language:
            translated = (self.translations or {}).get(field, {}).get(language)
            if translated:
                return str(translated)
        return getattr(self, field) or ""

    def set_translation(self, field: str, language: str, value: str | None) -> None:
        """Set (or with an empty value, remove) the translation of ``field`` into ``language``."""
        current = dict(self.translations or {})
        per_field = dict(current.get(field, {}))
        if value and value.strip():
            per_field[language] = value.strip()
        else:
            per_field.pop(language, None)
        if per_field:
            current[field] = per_field
        else:
            current.pop(field, None)
        self.translations = current


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
