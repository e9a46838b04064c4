"""integrity: CHECK constraints, indexes on foreign keys, case-insensitive unique email and unit code

Revision ID: b7e1c2a9d4f0
Revises: 853136d9feea
Create Date: 2026-12-01 10:00:00

The database now refuses what the forms already refuse. Rows written before that are repaired first, so
the upgrade succeeds on a database holding data and no row is lost:

- text: in every text and JSON column, CRLF and lone CR become LF; C0 controls other than TAB and LF, DEL,
  lone surrogates and U+FFFE/U+FFFF are removed (the rule of ``tracker.text``, frozen below);
- dates: a day outside 1900-01-01..2200-12-31 (an instant outside 1899-12-31..2201-01-02 UTC, the same days
  in any zone) is clamped to 1900-01-01 or 2200-12-31 (00:00 UTC for instants);
- an event that ends at or before its start ends one hour after it;
- numbers: a venue capacity outside 1..1,000,000 becomes empty (unknown: a typing error says nothing about
  the hall); headcount and actual attendance are clamped into 0..10,000; a negative SEQUENCE or attempt
  count becomes 0, an invitation version below 1 becomes 1; an agenda duration outside 1..1440 minutes
  becomes empty (the item then follows the one before it); agendas with a position below 1 are renumbered
  1..n in their existing order;
- unknown values: event kind → ``other``, event status → ``draft`` (not published, sends nothing),
  agenda kind → ``other``, invitation status → ``pending``, answer channel → empty, outbox status →
  ``failed`` (``flask mail retry`` sends it again on purpose); an unknown role becomes ``representative``
  when the account has a unit and ``press`` otherwise, and the account is deactivated for an admin to
  review;
- representative ⇔ unit: other roles lose a unit binding that had no effect; a representative without a
  unit is bound to a new inactive unit ``UNASSIGNED`` (role and history kept, nothing to answer for);
- unit codes equal but for case: the oldest unit keeps its code, the others get ``-2``, ``-3`` …;
- emails equal but for case (such accounts could not sign in: the look-up found two): the active, then
  oldest account keeps the address; the others become ``duplicate-<id>-<address>`` and are deactivated.
  Every rename is logged as a warning naming the rows.

Everything below is frozen: the allowed values are copied here, not imported, so this migration does the
same thing whatever the code becomes later.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7e1c2a9d4f0"
down_revision = "853136d9feea"
branch_labels = None
depends_on = None

logger = logging.getLogger("alembic.runtime.migration")

# --- frozen rules ----------------------------------------------------------------------------------------

EVENT_KINDS = ("ceremony", "commemoration", "exhibition", "meeting", "other")
EVENT_STATUSES = ("draft", "scheduled", "held", "cancelled")
AGENDA_KINDS = ("silence", "speech", "wreath_laying", "exhibition_review", "screening", "other")
INVITATION_STATUSES = ("pending", "accepted", "tentative", "declined")
ANSWER_CHANNELS = ("page", "link", "on_behalf", "calendar")
ROLES = ("admin", "organiser", "representative", "press")
OUTBOX_STATUSES = ("pending", "sending", "sent", "failed")
MAX_CAPACITY = 1_000_000
MAX_HEADCOUNT = 10_000
MAX_DURATION_MINUTES = 24 * 60
FIRST_YEAR, LAST_YEAR = 1900, 2200
#: Stored instants (UTC) lie in [EARLIEST_INSTANT, LATEST_INSTANT): the days above in any zone.
EARLIEST_INSTANT = datetime(FIRST_YEAR - 1, 12, 31, tzinfo=UTC)
LATEST_INSTANT = datetime(LAST_YEAR + 1, 1, 2, tzinfo=UTC)
#: Where an out-of-range instant or date is clamped to; the upper one leaves room for "start + 1 hour".
LOW_INSTANT = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
HIGH_INSTANT = datetime(LAST_YEAR, 12, 31, tzinfo=UTC)
LOW_DATE, HIGH_DATE = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)

UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")

#: Every text column at revision 853136d9feea.
TEXT_COLUMNS = {
    "series": ("title", "description", "uid"),
    "units": ("code", "name", "feed_token"),
    "venues": ("name", "address"),
    "people": ("full_name", "rank", "position"),
    "users": ("email", "name", "password_hash", "role", "language"),
    "events": ("kind", "title", "description", "timezone", "status", "uid"),
    "agenda_items": ("kind", "title", "notes"),
    "invitations": ("status", "delegates", "note", "answered_via"),
    "reports": ("language", "body"),
    "audit_entries": ("action", "via"),
    "outbox_messages": ("kind", "subject", "message_id", "status", "last_error"),
}
#: Every JSON column at revision 853136d9feea.
JSON_COLUMNS = {
    "series": ("translations",),
    "units": ("contact_emails", "translations"),
    "venues": ("translations",),
    "people": ("translations",),
    "events": ("languages", "translations"),
    "agenda_items": ("translations",),
    "audit_entries": ("old", "new"),
    "outbox_messages": ("recipients",),
}
#: Every timezone-aware instant column at revision 853136d9feea.
INSTANT_COLUMNS = {
    "events": ("starts_at", "ends_at", "answer_deadline", "created_at", "updated_at"),
    "invitations": ("answered_at", "invited_at", "last_reminded_at"),
    "reports": ("updated_at",),
    "audit_entries": ("at",),
    "outbox_messages": ("created_at", "next_attempt_at", "claimed_until", "sent_at"),
}
DATE_COLUMNS = {"series": ("commemorated_on",)}


def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _one_of(column: str, values: tuple[str, ...], nullable: bool = False) -> tuple[str, str]:
    condition = f"{column} IN ({_sql_list(values)})"
    return column, (f"{column} IS NULL OR {condition}" if nullable else condition)


def _in_range(column: str, low: int, high: int | None = None, name: str | None = None) -> tuple[str, str]:
    condition = f"{column} >= {low}" if high is None else f"{column} BETWEEN {low} AND {high}"
    return name or f"{column}_range", f"{column} IS NULL OR {condition}"


#: table → [(constraint name without the ``ck_<table>_`` prefix, condition)]
CHECKS = {
    "events": [
        _one_of("kind", EVENT_KINDS),
        _one_of("status", EVENT_STATUSES),
        ("ends_after_start", "ends_at > starts_at"),
        _in_range("sequence", 0, name="sequence_not_negative"),
    ],
    "agenda_items": [
        _one_of("kind", AGENDA_KINDS),
        _in_range("position", 1, name="position_positive"),
        _in_range("duration_minutes", 1, MAX_DURATION_MINUTES),
    ],
    "invitations": [
        _one_of("status", INVITATION_STATUSES),
        _one_of("answered_via", ANSWER_CHANNELS, nullable=True),
        _in_range("headcount", 0, MAX_HEADCOUNT),
        _in_range("actual_attendance", 0, MAX_HEADCOUNT),
        _in_range("version", 1, name="version_positive"),
    ],
    "audit_entries": [_one_of("via", ANSWER_CHANNELS, nullable=True)],
    "venues": [_in_range("capacity", 1, MAX_CAPACITY)],
    "outbox_messages": [
        _one_of("status", OUTBOX_STATUSES),
        _in_range("attempts", 0, name="attempts_not_negative"),
    ],
    "users": [
        _one_of("role", ROLES),
        ("unit_iff_representative", "(role = 'representative') = (unit_id IS NOT NULL)"),
    ],
}

#: Foreign keys used in filters and joins (and scanned by ON DELETE) that had no index.
FK_INDEXES = (
    ("agenda_items", "speaker_id"),
    ("events", "presiding_id"),
    ("events", "created_by_id"),
    ("invitations", "answered_by_id"),
    ("audit_entries", "user_id"),
    ("reports", "updated_by_id"),
)


def clean_text(value: str) -> str:
    """CRLF and lone CR made LF, then every :data:`UNPRINTABLE` character removed (frozen copy)."""
    return UNPRINTABLE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def clean_value(value: Any) -> Any:
    """:func:`clean_text` on every string of a JSON value, keys included."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_value(key): clean_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clean_value(item) for item in value]
    return value


# --- repairs ---------------------------------------------------------------------------------------------


def _decode(raw: bytes | str) -> tuple[str, bool]:
    """Text read as bytes from SQLite, and whether it was valid UTF-8.

    SQLite keeps whatever bytes it was given (a lone surrogate, a broken sequence); reading such a value
    as text would fail, so the repair reads bytes and keeps every character it can.
    """
    if isinstance(raw, str):
        return raw, True
    try:
        return raw.decode("utf-8"), True
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("utf-8", "surrogatepass"), False  # encoded surrogates: removed by clean_text
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace"), False


def _repair_text(connection: sa.Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    for name in TEXT_COLUMNS.keys() | JSON_COLUMNS.keys():
        texts, jsons = TEXT_COLUMNS.get(name, ()), JSON_COLUMNS.get(name, ())
        table = sa.table(
            name,
            sa.column("id", sa.Integer),
            *(sa.column(column, sa.Text) for column in texts),
            *(sa.column(column, sa.JSON) for column in jsons),
        )
        raw_type = sa.LargeBinary if sqlite else sa.Text
        query = sa.select(table.c.id, *(sa.cast(table.c[column], raw_type) for column in (*texts, *jsons)))
        for row in connection.execute(query.order_by(table.c.id)).all():
            changes: dict[str, Any] = {}
            for column, raw in zip(texts, row[1 : 1 + len(texts)], strict=True):
                if raw is None:
                    continue
                value, valid = _decode(raw)
                cleaned = clean_text(value)
                if cleaned != value or not valid:
                    changes[column] = cleaned
            for column, raw in zip(jsons, row[1 + len(texts) :], strict=True):
                if raw is None:
                    continue
                value, valid = _decode(raw)
                try:
                    document = json.loads(value, strict=False)
                except ValueError:
                    logger.warning("%s %s: %s is not JSON; left as it is", name, row[0], column)
                    continue
                cleaned = clean_value(document)
                if cleaned != document or not valid or UNPRINTABLE.search(value):
                    changes[column] = cleaned
            if changes:
                connection.execute(table.update().where(table.c.id == row[0]).values(**changes))


def _repair_dates(connection: sa.Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    columns = [(t, c, True) for t, cs in INSTANT_COLUMNS.items() for c in cs]
    columns += [(t, c, False) for t, cs in DATE_COLUMNS.items() for c in cs]
    for table, column, instant in columns:
        low, high = (LOW_INSTANT, HIGH_INSTANT) if instant else (LOW_DATE, HIGH_DATE)
        first, last = (EARLIEST_INSTANT, LATEST_INSTANT) if instant else (LOW_DATE, HIGH_DATE + timedelta(days=1))
        params: dict[str, Any] = {"low": low, "high": high, "first": first, "last": last}
        if sqlite:
            # Stored as text "YYYY-MM-DD …", compared as text: right for four-digit years only, so a year of
            # any other length (read up to the first "-"; none reads as 0) is caught by its number.
            fmt = "%Y-%m-%d %H:%M:%S.%f" if instant else "%Y-%m-%d"
            params = {key: value.strftime(fmt) for key, value in params.items()}
            year = f"CAST(substr({column}, 1, instr({column}, '-') - 1) AS INTEGER)"
            below = f"({year} < {FIRST_YEAR} OR ({year} < 10000 AND {column} < :first))"
            outside = (
                f"({year} < {FIRST_YEAR - 1} OR {year} > {LAST_YEAR + 1} OR {column} < :first OR {column} >= :last)"
            )
        else:
            below = f"{column} < :first"
            outside = f"({column} < :first OR {column} >= :last)"
        connection.execute(
            sa.text(
                f"UPDATE {table} SET {column} = CASE WHEN {below} THEN :low ELSE :high END "
                f"WHERE {column} IS NOT NULL AND {outside}"
            ),
            params,
        )
    if sqlite:
        # Same text format as SQLAlchemy writes: seconds, then the start's own fraction (".ffffff").
        later = "strftime('%Y-%m-%d %H:%M:%S', starts_at, '+1 hour') || substr(starts_at, 20)"
    else:
        later = "starts_at + INTERVAL '1 hour'"
    connection.execute(sa.text(f"UPDATE events SET ends_at = {later} WHERE ends_at <= starts_at"))


def _repair_numbers(connection: sa.Connection) -> None:
    statements = [
        f"UPDATE venues SET capacity = NULL WHERE capacity < 1 OR capacity > {MAX_CAPACITY}",
        f"UPDATE agenda_items SET duration_minutes = NULL "
        f"WHERE duration_minutes < 1 OR duration_minutes > {MAX_DURATION_MINUTES}",
        "UPDATE events SET sequence = 0 WHERE sequence < 0",
        "UPDATE outbox_messages SET attempts = 0 WHERE attempts < 0",
        "UPDATE invitations SET version = 1 WHERE version < 1",
    ]
    for column in ("headcount", "actual_attendance"):
        statements.append(
            f"UPDATE invitations SET {column} = CASE WHEN {column} < 0 THEN 0 ELSE {MAX_HEADCOUNT} END "
            f"WHERE {column} < 0 OR {column} > {MAX_HEADCOUNT}"
        )
    for statement in statements:
        connection.execute(sa.text(statement))
    # Positions below 1: renumber that event's agenda 1..n, keeping its order.
    events = connection.execute(sa.text("SELECT DISTINCT event_id FROM agenda_items WHERE position < 1")).scalars()
    for event_id in list(events):
        items = connection.execute(
            sa.text("SELECT id FROM agenda_items WHERE event_id = :event ORDER BY position, id"), {"event": event_id}
        ).scalars()
        for position, item_id in enumerate(list(items), start=1):
            connection.execute(
                sa.text("UPDATE agenda_items SET position = :position WHERE id = :id"),
                {"position": position, "id": item_id},
            )


def _repair_enums(connection: sa.Connection) -> None:
    for table, column, values, fallback in (
        ("events", "kind", EVENT_KINDS, "'other'"),
        ("events", "status", EVENT_STATUSES, "'draft'"),
        ("agenda_items", "kind", AGENDA_KINDS, "'other'"),
        ("invitations", "status", INVITATION_STATUSES, "'pending'"),
        ("invitations", "answered_via", ANSWER_CHANNELS, "NULL"),
        ("audit_entries", "via", ANSWER_CHANNELS, "NULL"),
        ("outbox_messages", "status", OUTBOX_STATUSES, "'failed'"),
    ):
        connection.execute(
            sa.text(f"UPDATE {table} SET {column} = {fallback} WHERE {column} NOT IN ({_sql_list(values)})")
        )
    # An unknown role gets the narrowest one that fits the row, and the account waits for an admin.
    connection.execute(
        sa.text(
            "UPDATE users SET role = CASE WHEN unit_id IS NULL THEN 'press' ELSE 'representative' END, "
            f"active = :inactive WHERE role NOT IN ({_sql_list(ROLES)})"
        ),
        {"inactive": False},
    )


def _db_lower(connection: sa.Connection, value: str) -> str:
    """``lower(value)`` as the database computes it: the unique indexes use the database's own folding."""
    return connection.execute(sa.select(sa.func.lower(sa.literal(value, sa.String)))).scalar_one()


def _repair_unit_codes(connection: sa.Connection) -> None:
    rows = connection.execute(sa.text("SELECT id, code, lower(code) FROM units ORDER BY id")).all()
    taken = {key for _id, _code, key in rows}
    owners: dict[str, int] = {}
    for unit_id, code, key in rows:
        if key not in owners:
            owners[key] = unit_id
            continue
        number = 2
        while True:
            suffix = f"-{number}"
            candidate = code[: 32 - len(suffix)] + suffix
            candidate_key = _db_lower(connection, candidate)
            if candidate_key not in taken:
                break
            number += 1
        taken.add(candidate_key)
        owners[candidate_key] = unit_id
        connection.execute(sa.text("UPDATE units SET code = :code WHERE id = :id"), {"code": candidate, "id": unit_id})
        logger.warning(
            "units %s: code %r is unit %s's code in another case; renamed to %r", unit_id, code, owners[key], candidate
        )


def _repair_representatives(connection: sa.Connection) -> None:
    connection.execute(
        sa.text("UPDATE users SET unit_id = NULL WHERE role <> 'representative' AND unit_id IS NOT NULL")
    )
    orphans = connection.execute(
        sa.text("SELECT id, email FROM users WHERE role = 'representative' AND unit_id IS NULL ORDER BY id")
    ).all()
    if not orphans:
        return
    taken = set(connection.execute(sa.text("SELECT lower(code) FROM units")).scalars())
    code, number = "UNASSIGNED", 1
    while _db_lower(connection, code) in taken:
        number += 1
        code = f"UNASSIGNED-{number}"
    units = sa.table(
        "units",
        sa.column("id", sa.Integer),
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("contact_emails", sa.JSON),
        sa.column("active", sa.Boolean),
        sa.column("feed_token", sa.String),
        sa.column("translations", sa.JSON),
    )
    connection.execute(
        units.insert().values(
            code=code,
            name="Representatives without a unit",
            contact_emails=[],
            active=False,
            feed_token=secrets.token_urlsafe(32),
            translations={},
        )
    )
    unit_id = connection.execute(sa.select(units.c.id).where(units.c.code == code)).scalar_one()
    connection.execute(
        sa.text("UPDATE users SET unit_id = :unit WHERE role = 'representative' AND unit_id IS NULL"), {"unit": unit_id}
    )
    logger.warning(
        "representatives without a unit bound to the inactive unit %s: %s",
        code,
        ", ".join(f"{user_id} {email}" for user_id, email in orphans),
    )


def _repair_emails(connection: sa.Connection) -> None:
    rows = connection.execute(sa.text("SELECT id, email, lower(email), active FROM users ORDER BY id")).all()
    groups: dict[str, list[tuple[int, str, bool]]] = {}
    for user_id, email, key, active in rows:
        groups.setdefault(key, []).append((user_id, email, bool(active)))
    taken = set(groups)
    for key, accounts in groups.items():
        if len(accounts) < 2:
            continue
        keeper = next((a for a in accounts if a[2]), accounts[0])
        for user_id, email, _active in accounts:
            if user_id == keeper[0]:
                continue
            prefix, number = f"duplicate-{user_id}-", 1
            candidate = (prefix + email)[:254]
            while _db_lower(connection, candidate) in taken:
                number += 1
                prefix = f"duplicate-{user_id}-{number}-"
                candidate = (prefix + email)[:254]
            taken.add(_db_lower(connection, candidate))
            connection.execute(
                sa.text("UPDATE users SET email = :email, active = :inactive WHERE id = :id"),
                {"email": candidate, "inactive": False, "id": user_id},
            )
            logger.warning(
                "users %s: email %r is account %s's in another case (%r); renamed to %r and deactivated",
                user_id, email, keeper[0], key, candidate,
            )


# --- schema ----------------------------------------------------------------------------------------------


def upgrade():
    connection = op.get_bind()
    _repair_text(connection)  # first: a stray control character can hide a known value ("draft\x00")
    _repair_enums(connection)
    _repair_dates(connection)
    _repair_numbers(connection)
    _repair_unit_codes(connection)
    _repair_representatives(connection)
    _repair_emails(connection)

    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table == "users":
                batch_op.drop_constraint(batch_op.f("uq_users_email"), type_="unique")
                batch_op.drop_constraint(batch_op.f("fk_users_unit_id_units"), type_="foreignkey")
                batch_op.create_foreign_key(
                    batch_op.f("fk_users_unit_id_units"), "units", ["unit_id"], ["id"], ondelete="RESTRICT"
                )
            for name, condition in checks:
                batch_op.create_check_constraint(batch_op.f(f"ck_{table}_{name}"), condition)
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_units_code"), type_="unique")
    for table, column in FK_INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)
    # Expression indexes last and outside batch mode: a batch rebuild of the table would drop them on SQLite.
    op.create_index("ix_users_lower_email", "users", [sa.text("lower(email)")], unique=True)
    op.create_index("ix_units_lower_code", "units", [sa.text("lower(code)")], unique=True)


def downgrade():
    # IF EXISTS: on SQLite a later migration's batch rebuild of the table may already have dropped them.
    op.execute("DROP INDEX IF EXISTS ix_units_lower_code")
    op.execute("DROP INDEX IF EXISTS ix_users_lower_email")
    for table, column in reversed(FK_INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f("uq_units_code"), ["code"])
    for table, checks in reversed(CHECKS.items()):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _condition in reversed(checks):
                batch_op.drop_constraint(batch_op.f(f"ck_{table}_{name}"), type_="check")
            if table == "users":
                batch_op.drop_constraint(batch_op.f("fk_users_unit_id_units"), type_="foreignkey")
                batch_op.create_foreign_key(
                    batch_op.f("fk_users_unit_id_units"), "units", ["unit_id"], ["id"], ondelete="SET NULL"
                )
                batch_op.create_unique_constraint(batch_op.f("uq_users_email"), ["email"])
    # The repaired values stay: they are valid under the old schema too.
