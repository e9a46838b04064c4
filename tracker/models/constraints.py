"""CHECK constraints written once, so the database refuses what the forms and services already refuse.

Forms and services give the friendly message; these constraints are the last line for everything that
bypasses them (a command, a script, a bug, a hand-written ``UPDATE``). Their names follow
:data:`tracker.extensions.NAMING_CONVENTION` (``ck_<table>_<name>``).
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import CheckConstraint, Index
from sqlalchemy.exc import IntegrityError


def _sql_list(values: list[str]) -> str:
    return ", ".join("'" + value.replace("'", "''") + "'" for value in values)


def one_of(column: str, enum: type[StrEnum], *, nullable: bool = False) -> CheckConstraint:
    """``column`` holds one of ``enum``'s values (or NULL when ``nullable``); named after the column."""
    condition = f"{column} IN ({_sql_list([member.value for member in enum])})"
    if nullable:
        condition = f"{column} IS NULL OR {condition}"
    return CheckConstraint(condition, name=column)


def in_range(column: str, low: int, high: int | None = None, *, name: str | None = None) -> CheckConstraint:
    """``column`` is NULL or between ``low`` and ``high`` (inclusive; no upper bound when ``high`` is None)."""
    condition = f"{column} >= {low}" if high is None else f"{column} BETWEEN {low} AND {high}"
    return CheckConstraint(f"{column} IS NULL OR {condition}", name=name or f"{column}_range")


def violated(error: IntegrityError, index: Index) -> bool:
    """Whether the database refused a write because of the unique ``index``.

    Services check uniqueness first and say so kindly; this catches the request that stored the same value
    between that check and the flush, so it gets the same message instead of a server error. Both SQLite
    and PostgreSQL name the index in the error.
    """
    return bool(index.name) and str(index.name) in str(error.orig)
