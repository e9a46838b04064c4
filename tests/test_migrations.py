"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, SAWarning

from tracker import create_app
from tracker.config import normalise_database_url
from tracker.extensions import db
from tracker.models import Unit

#: The head before the integrity migration: the data test starts there.
BEFORE_INTEGRITY = "853136d9feea"


@pytest.fixture
def empty_database_url(tmp_path):
    """A brand-new empty database of the kind the suite runs on."""
    test_url = os.environ.get("TEST_DATABASE_URL")
    if not test_url:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    server = make_url(normalise_database_url(test_url))
    name = f"tracker_migrations_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _app(database_url: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Flask:
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path / "instance"))
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x", "TESTING": True})


@contextmanager
def _expression_indexes_not_reflected() -> Iterator[None]:
    """SQLite cannot reflect ``lower(email)``-style indexes: SQLAlchemy and Alembic say so and skip them.

    :func:`_index_names` checks those indexes itself.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index", SAWarning)
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression-based index")
        yield


def _index_names(connection: sa.Connection, table: str) -> set[str]:
    """Every index on ``table``, expression indexes included (which SQLite's reflection leaves out)."""
    if connection.dialect.name == "sqlite":
        query = text("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :table")
        return set(connection.execute(query, {"table": table}).scalars())
    return {str(index["name"]) for index in inspect(connection).get_indexes(table)}


def test_upgrade_builds_the_model_schema_and_downgrade_removes_it(empty_database_url, tmp_path, monkeypatch):
    app = _app(empty_database_url, tmp_path, monkeypatch)
    runner = app.test_cli_runner()

    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context(), db.engine.connect() as connection, _expression_indexes_not_reflected():
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []
        # Alembic compares neither CHECK constraints nor (on SQLite) expression indexes: compare their names.
        for table in db.metadata.sorted_tables:
            checks = {str(c.name) for c in table.constraints if isinstance(c, sa.CheckConstraint)}
            reflected = {c["name"] for c in inspect(connection).get_check_constraints(table.name)}
            assert reflected == checks, table.name
            assert {str(index.name) for index in table.indexes} <= _index_names(connection, table.name)
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables

    with _expression_indexes_not_reflected():  # a batch rebuild of users or units reflects them
        result = runner.invoke(args=["db", "downgrade", "base"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


# --- upgrading a database that holds data -----------------------------------------------------------------

T0 = datetime(2012, 2, 25, 6, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _legacy_rows(sqlite: bool) -> dict[str, list[dict[str, Any]]]:
    """The reference scenario in small, plus rows the integrity rules refuse, as written before them."""
    nul = "\x00" if sqlite else ""  # PostgreSQL text cannot hold NUL at all
    return {
        "units": [
            dict(id=1, code="CIT", feed_token="t1", name="Citizenship department",
                 contact_emails=["cit@units.example.org"],
                 translations={"name": {"az": "Vətəndaşlıq\x07 idarəsi", "ru": "Гражданство\ud800"}}),
            dict(id=2, code="cit", feed_token="t2", name="Citizenship (typed twice)", contact_emails=[],
                 translations={}),
            dict(id=3, code="GANJA", feed_token="t3", parent_id=1, name="Ganja\r\nregional office", contact_emails=[],
                 translations={}),
        ],
        "users": [
            dict(id=1, email="admin@example.org", name="Admin", role="admin"),
            dict(id=2, email="cit@example.org", name="CIT representative", role="representative", unit_id=1),
            dict(id=3, email="CIT@Example.org", name="CIT again", role="representative", unit_id=2),
            dict(id=4, email="organiser@example.org", name="Organiser", role="organiser", unit_id=3),
            dict(id=5, email="orphan@example.org", name="Orphan", role="representative", unit_id=None),
            dict(id=6, email="boss@example.org", name="Boss", role="superuser"),
        ],
        "people": [dict(id=1, full_name="Parviz Musayev", rank="major-general\x0b", position="Head", translations={})],
        "venues": [
            dict(id=1, name="Assembly hall", address="Head office", capacity=300, translations={}),
            dict(id=2, name="Stadium", address="", capacity=2**62 if sqlite else 2**31 - 1, translations={}),
            dict(id=3, name="Cupboard", address="", capacity=0, translations={}),
        ],
        "series": [
            dict(id=1, title="20th anniversary\x1b", description="", commemorated_on=date(1992, 2, 26),
                 uid="s1@tracker", translations={}),
            dict(id=2, title="Far future", description="", commemorated_on=date(9999, 12, 31), uid="s2@tracker",
                 translations={}),
        ],
        "events": [
            dict(id=1, series_id=1, kind="ceremony", title="Commemoration\r\nceremony" + nul, venue_id=1,
                 starts_at=T0, ends_at=T0 + 1.5 * HOUR, status="scheduled", presiding_id=1, created_by_id=1,
                 languages=["az", "ru", "en"], translations={"title": {"az": "Anım\x00 mərasimi\ufffe"}}),
            dict(id=2, kind="meeting", title="Ends before it starts", starts_at=T0 + 24 * HOUR,
                 ends_at=T0 + 23 * HOUR, status="draft"),
            dict(id=3, kind="exhibition", title="Year 9999", starts_at=datetime(9999, 1, 1, 10, tzinfo=UTC),
                 ends_at=datetime(9999, 1, 1, 12, tzinfo=UTC), status="draft"),
            dict(id=4, kind="parade", title="Unknown kind", starts_at=T0, ends_at=T0 + HOUR, status="Published",
                 sequence=-5),
        ],
        "agenda_items": [
            dict(id=1, event_id=1, position=1, kind="silence", title="Minute of silence"),
            dict(id=2, event_id=1, position=2, kind="speech", title="Speech", speaker_id=1, duration_minutes=5000),
            dict(id=3, event_id=4, position=0, kind="dance", title="First"),
            dict(id=4, event_id=4, position=0, kind="other", title="Second"),
        ],
        "invitations": [
            dict(id=1, event_id=1, unit_id=1, status="accepted", headcount=12, actual_attendance=10,
                 delegates="Ali Aliyev\r\nVeli\x07 Veliyev", answered_by_id=2, answered_via="page", version=3),
            dict(id=2, event_id=1, unit_id=3, status="maybe", headcount=50_000, actual_attendance=-3,
                 answered_via="fax", version=0),
        ],
        "reports": [dict(id=1, event_id=1, language="en", body="First line\rsecond line", updated_by_id=1)],
        "audit_entries": [
            dict(id=1, user_id=2, invitation_id=1, event_id=1, action="answer", via="fax", old={"headcount": 12},
                 new={"note": "bell\x07"}),
        ],
        "outbox_messages": [
            dict(id=1, kind="invitation", recipients=["cit@units.example.org\x07"], subject="Invitation",
                 message_id="<1@tracker>", raw=b"Subject: x\r\n\r\nbody", status="queued", attempts=-1),
        ],
    }


#: Defaults of the columns the rows above leave out.
_DEFAULTS: dict[str, dict[str, Any]] = {
    "units": {"active": True},
    "users": {"password_hash": "x", "active": True, "unit_id": None},
    "events": {"description": "", "timezone": "Asia/Baku", "all_day": False, "languages": [], "public": False,
               "sequence": 0, "created_at": T0, "updated_at": T0, "translations": {}},
    "agenda_items": {"notes": "", "translations": {}},
    "invitations": {"delegates": "", "note": "", "walk_in": False, "invited_at": T0},
    "reports": {"updated_at": T0},
    "audit_entries": {"at": T0},
    "outbox_messages": {"created_at": T0, "next_attempt_at": T0, "last_error": ""},
}


def _tables(connection: sa.Connection) -> dict[str, sa.Table]:
    metadata = sa.MetaData()
    with _expression_indexes_not_reflected():
        metadata.reflect(connection)
    return dict(metadata.tables)


def _fill_legacy_database(connection: sa.Connection) -> dict[str, int]:
    sqlite = connection.dialect.name == "sqlite"
    tables = _tables(connection)
    counts = {}
    for name, rows in _legacy_rows(sqlite).items():
        defaults = _DEFAULTS.get(name, {})
        for row in rows:  # one by one: the rows name different columns
            if name == "events":
                row.setdefault("uid", f"e{row['id']}@tracker")
            connection.execute(tables[name].insert(), {**defaults, **row})
        counts[name] = len(rows)
    if sqlite:
        # What only SQLite can hold: a year SQLAlchemy cannot even read, bytes that are not UTF-8 (a lone
        # surrogate, encoded), and NUL inside a text column.
        connection.execute(text("UPDATE invitations SET answered_at = '10000-01-01 00:00:00.000000' WHERE id = 1"))
        connection.execute(text("UPDATE people SET position = CAST(X'48656164EDA08021' AS TEXT) WHERE id = 1"))
        connection.execute(text("UPDATE invitations SET note = 'a' || char(0) || 'b' WHERE id = 2"))
    if not sqlite:
        for name in counts:  # explicit ids above: move each sequence past them
            connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), 100)"))
    return counts


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def test_upgrade_repairs_every_row_the_new_rules_refuse_and_loses_none(empty_database_url, tmp_path, monkeypatch):
    app = _app(empty_database_url, tmp_path, monkeypatch)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade", BEFORE_INTEGRITY])
    assert result.exit_code == 0, result.output
    with app.app_context():
        with db.engine.begin() as connection:
            counts = _fill_legacy_database(connection)
        db.engine.dispose()

    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output

    with app.app_context(), db.engine.connect() as connection:
        tables = _tables(connection)

        def rows(name: str) -> dict[int, Any]:
            return {row.id: row for row in connection.execute(sa.select(tables[name])).all()}

        for name, count in counts.items():
            assert len(rows(name)) == count + (name == "units"), name  # + the UNASSIGNED unit

        units, users = rows("units"), rows("users")
        assert (units[1].code, units[2].code, units[3].code) == ("CIT", "cit-2", "GANJA")
        assert units[3].name == "Ganja\nregional office" and units[3].parent_id == 1
        # Texts per language (3d4e5f607182): the plain English text joins the others; the plain column mirrors az.
        assert units[1].translations == {"name": {"az": "Vətəndaşlıq idarəsi", "ru": "Гражданство",
                                                  "en": "Citizenship department"}}
        assert units[1].name == "Vətəndaşlıq idarəsi"
        assert (users[2].email, users[2].active) == ("cit@example.org", True)
        assert (users[3].email, users[3].active, users[3].unit_id) == ("duplicate-3-CIT@Example.org", False, 2)
        assert (users[4].role, users[4].unit_id) == ("organiser", None)
        assert users[5].role == "representative" and units[users[5].unit_id].code == "UNASSIGNED"
        assert not units[users[5].unit_id].active
        assert (users[6].role, users[6].active) == ("press", False)

        assert rows("people")[1].rank == "major-general"
        venues = rows("venues")
        assert [venues[i].capacity for i in (1, 2, 3)] == [300, None, None]
        series = rows("series")
        assert series[1].title == "20th anniversary" and series[1].commemorated_on == date(1992, 2, 26)
        assert series[2].commemorated_on == date(2200, 12, 31)

        events = rows("events")
        assert events[1].title == "Anım mərasimi"
        assert events[1].translations == {"title": {"az": "Anım mərasimi", "en": "Commemoration\nceremony"}}
        assert (_utc(events[1].starts_at), _utc(events[1].ends_at)) == (T0, T0 + 1.5 * HOUR)
        assert _utc(events[2].ends_at) == _utc(events[2].starts_at) + HOUR == T0 + 25 * HOUR
        assert _utc(events[3].starts_at) == datetime(2200, 12, 31, tzinfo=UTC)
        assert _utc(events[3].ends_at) == datetime(2200, 12, 31, 1, tzinfo=UTC)
        assert (events[4].kind, events[4].status, events[4].sequence) == ("other", "draft", 0)

        agenda = rows("agenda_items")
        assert (agenda[2].duration_minutes, agenda[2].speaker_id) == (None, 1)
        assert [(agenda[i].position, agenda[i].kind) for i in (3, 4)] == [(1, "other"), (2, "other")]

        invitations = rows("invitations")
        good, bad = invitations[1], invitations[2]
        assert (good.status, good.headcount, good.actual_attendance, good.version) == ("accepted", 12, 10, 3)
        assert good.delegates == "Ali Aliyev\nVeli Veliyev" and good.answered_via == "page"
        assert (bad.status, bad.headcount, bad.actual_attendance, bad.answered_via, bad.version) == (
            "pending", 10_000, 0, None, 1)
        assert (rows("reports")[1].body, rows("reports")[1].version) == ("First line\nsecond line", 1)
        audit = rows("audit_entries")[1]
        assert (audit.via, audit.old, audit.new) == (None, {"headcount": 12}, {"note": "bell"})
        outbox = rows("outbox_messages")[1]
        assert (outbox.status, outbox.attempts, outbox.recipients) == ("failed", 0, ["cit@units.example.org"])
        assert outbox.raw == b"Subject: x\r\n\r\nbody"  # bytes are not text: untouched
        if connection.dialect.name == "sqlite":
            assert _utc(good.answered_at) == datetime(2200, 12, 31, tzinfo=UTC)
            assert rows("people")[1].position == "Head!"
            assert bad.note == "ab"

    _assert_new_rules_refuse_bad_rows(app, tables)

    # Down and up again with the data in place.
    with _expression_indexes_not_reflected():
        result = runner.invoke(args=["db", "downgrade", BEFORE_INTEGRITY])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        with db.engine.connect() as connection:
            for name, count in counts.items():
                assert connection.execute(sa.select(sa.func.count()).select_from(tables[name])).scalar_one() == (
                    count + (name == "units")), name
        db.engine.dispose()


def _assert_new_rules_refuse_bad_rows(app: Flask, tables: dict[str, sa.Table]) -> None:
    """Every CHECK, the case-insensitive unique indexes and the RESTRICT on ``users.unit_id`` refuse."""
    serial = iter(range(1000, 2000))
    base: dict[str, Any] = {
        "events": lambda n: {**_DEFAULTS["events"], "kind": "ceremony", "title": "t", "starts_at": T0,
                             "ends_at": T0 + HOUR, "status": "draft", "uid": f"{n}@tracker"},
        "agenda_items": lambda n: {**_DEFAULTS["agenda_items"], "event_id": 1, "position": 3, "kind": "speech",
                                   "title": "t", "duration_minutes": 10},
        "invitations": lambda n: {**_DEFAULTS["invitations"], "event_id": 3, "unit_id": 1, "status": "pending",
                                  "version": 1, "headcount": 5},
        "venues": lambda n: {"name": "Hall", "address": "", "capacity": 10, "translations": {}},
        "users": lambda n: {**_DEFAULTS["users"], "email": f"u{n}@example.org", "name": "n", "role": "organiser"},
        "units": lambda n: {"code": f"U{n}", "name": "n", "contact_emails": [], "active": True,
                            "feed_token": f"t{n}", "translations": {}},
        "outbox_messages": lambda n: {**_DEFAULTS["outbox_messages"], "kind": "invitation", "recipients": [],
                                      "subject": "s", "message_id": f"<{n}@tracker>", "raw": b"x",
                                      "status": "pending", "attempts": 0},
        "audit_entries": lambda n: {**_DEFAULTS["audit_entries"], "action": "answer", "via": "page"},
        "reports": lambda n: {**_DEFAULTS["reports"], "event_id": 3, "language": "az", "body": "", "version": 1},
    }
    refused = [
        ("events", {"ends_at": T0 - HOUR}), ("events", {"ends_at": T0}), ("events", {"kind": "parade"}),
        ("events", {"status": "published"}), ("events", {"sequence": -1}),
        ("agenda_items", {"position": 0}), ("agenda_items", {"kind": "dance"}),
        ("agenda_items", {"duration_minutes": 24 * 60 + 1}),
        ("invitations", {"status": "maybe"}), ("invitations", {"answered_via": "fax"}),
        ("invitations", {"headcount": 10_001}), ("invitations", {"headcount": -1}),
        ("invitations", {"actual_attendance": 10_001}), ("invitations", {"version": 0}),
        ("venues", {"capacity": 0}), ("venues", {"capacity": 1_000_001}),
        ("users", {"role": "superuser"}), ("users", {"role": "representative"}), ("users", {"unit_id": 1}),
        ("users", {"email": "ADMIN@Example.ORG"}),
        ("units", {"code": "ganja"}),
        ("outbox_messages", {"status": "queued"}), ("outbox_messages", {"attempts": -1}),
        ("audit_entries", {"via": "fax"}),
        ("reports", {"version": 0}),
    ]
    with app.app_context():
        for name in base:  # the base rows are fine: only the change makes a row wrong
            with db.engine.connect() as connection:
                connection.execute(tables[name].insert(), base[name](next(serial)))
                connection.rollback()
        for name, change in refused:
            with db.engine.connect() as connection, pytest.raises(IntegrityError):
                connection.execute(tables[name].insert(), {**base[name](next(serial)), **change})
                pytest.fail(f"{name} accepted {change}")
        with db.engine.connect() as connection, pytest.raises(IntegrityError):
            connection.execute(tables["units"].delete().where(tables["units"].c.id == 1))  # has a representative
        db.engine.dispose()


# --- agenda kinds ----------------------------------------------------------------------------------------

#: The head before the agenda kinds migration (1b2c3d4e5f60).
BEFORE_AGENDA_KINDS = "f6a7b8c9d0e1"
OLD_AGENDA_KINDS = ("silence", "speech", "wreath_laying", "exhibition_review", "screening", "other")
ADDED_AGENDA_KINDS = ("opening", "anthem", "award", "closing")


def _agenda_kinds(app: Flask) -> dict[str, str]:
    """title → kind of every agenda item."""
    with app.app_context():
        with db.engine.connect() as connection:
            kinds = {title: kind for title, kind in connection.execute(text("SELECT title, kind FROM agenda_items"))}
        db.engine.dispose()
    return kinds


def _kind_refused(app: Flask, event_id: int, kind: str) -> bool:
    refused = False
    with app.app_context():
        with db.engine.connect() as connection:
            table = _tables(connection)["agenda_items"]
            try:
                connection.execute(table.insert(), {**_DEFAULTS["agenda_items"], "event_id": event_id,
                                                    "position": 99, "kind": kind, "title": "probe"})
            except IntegrityError:
                refused = True
            connection.rollback()
        db.engine.dispose()
    return refused


def test_agenda_kinds_migration_allows_the_new_kinds_and_downgrade_makes_them_other(
    empty_database_url, tmp_path, monkeypatch
):
    app = _app(empty_database_url, tmp_path, monkeypatch)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade", BEFORE_AGENDA_KINDS])
    assert result.exit_code == 0, result.output
    with app.app_context():
        with db.engine.begin() as connection:
            tables = _tables(connection)
            event = {**_DEFAULTS["events"], "kind": "ceremony", "title": "Ceremony", "starts_at": T0,
                     "ends_at": T0 + HOUR, "status": "scheduled", "uid": "kinds@tracker"}
            event_id = connection.execute(tables["events"].insert(), event).inserted_primary_key[0]
            for position, kind in enumerate(OLD_AGENDA_KINDS, start=1):
                connection.execute(tables["agenda_items"].insert(), {**_DEFAULTS["agenda_items"], "event_id": event_id,
                                                                     "position": position, "kind": kind, "title": kind})
        db.engine.dispose()
    assert _kind_refused(app, event_id, "opening")

    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert _agenda_kinds(app) == {kind: kind for kind in OLD_AGENDA_KINDS}  # no row changed
    with app.app_context():
        with db.engine.begin() as connection:
            table = _tables(connection)["agenda_items"]
            for position, kind in enumerate(ADDED_AGENDA_KINDS, start=len(OLD_AGENDA_KINDS) + 1):
                connection.execute(table.insert(), {**_DEFAULTS["agenda_items"], "event_id": event_id,
                                                    "position": position, "kind": kind, "title": kind})
        db.engine.dispose()
    assert _kind_refused(app, event_id, "dance")
    assert _kind_refused(app, event_id, "flowers")  # flowers are "wreath_laying": one act, one kind

    with _expression_indexes_not_reflected():
        result = runner.invoke(args=["db", "downgrade", BEFORE_AGENDA_KINDS])
    assert result.exit_code == 0, result.output
    kinds = _agenda_kinds(app)
    assert {title: kinds[title] for title in OLD_AGENDA_KINDS} == {kind: kind for kind in OLD_AGENDA_KINDS}
    assert {title: kinds[title] for title in ADDED_AGENDA_KINDS} == dict.fromkeys(ADDED_AGENDA_KINDS, "other")
    assert _kind_refused(app, event_id, "closing")

    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert not _kind_refused(app, event_id, "closing")
    with app.app_context():
        db.engine.dispose()


# --- unit language -------------------------------------------------------------------------------------

UNIT_LANGUAGE = "2c3d4e5f6071"
BEFORE_UNIT_LANGUAGE = "1b2c3d4e5f60"


def _unit_columns_and_codes(app: Flask) -> tuple[set[str], dict[str, str | None]]:
    """The columns of ``units`` and code → language (``None`` without the column)."""
    with app.app_context():
        with db.engine.connect() as connection, _expression_indexes_not_reflected():
            columns = {column["name"] for column in inspect(connection).get_columns("units")}
            query = "SELECT code, language FROM units" if "language" in columns else "SELECT code, NULL FROM units"
            rows = connection.execute(text(query)).all()
        db.engine.dispose()
    return columns, {code: value for code, value in rows}


def _insert_unit(app: Flask, code: str, **values: Any) -> None:
    with app.app_context():
        with db.engine.begin() as connection:
            table = _tables(connection)["units"]
            connection.execute(table.insert(), {"code": code, "name": code, "contact_emails": [], "active": True,
                                                "feed_token": f"token-{code}", "translations": {}, **values})
        db.engine.dispose()


def test_unit_language_migration_gives_existing_units_the_primary_language_and_downgrade_drops_it(
    empty_database_url, tmp_path, monkeypatch
):
    app = _app(empty_database_url, tmp_path, monkeypatch)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade", BEFORE_UNIT_LANGUAGE])
    assert result.exit_code == 0, result.output
    _insert_unit(app, "CIT")
    assert "language" not in _unit_columns_and_codes(app)[0]

    result = runner.invoke(args=["db", "upgrade", UNIT_LANGUAGE])
    assert result.exit_code == 0, result.output
    _insert_unit(app, "GANJA", language="ru")
    _insert_unit(app, "IT")  # written by something that does not know the column: the database's default
    assert _unit_columns_and_codes(app)[1] == {"CIT": "az", "GANJA": "ru", "IT": "az"}
    with pytest.raises(IntegrityError):
        _insert_unit(app, "NONE", language=None)  # NOT NULL

    with _expression_indexes_not_reflected():
        result = runner.invoke(args=["db", "downgrade", BEFORE_UNIT_LANGUAGE])
    assert result.exit_code == 0, result.output
    columns, codes = _unit_columns_and_codes(app)
    assert "language" not in columns and set(codes) == {"CIT", "GANJA", "IT"}  # every unit kept
    with pytest.raises(IntegrityError):
        _insert_unit(app, "cit")  # the case-insensitive unique index survived the table's rebuild

    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert _unit_columns_and_codes(app)[1] == {"CIT": "az", "GANJA": "az", "IT": "az"}


# --- texts per language --------------------------------------------------------------------------------

TEXTS_PER_LANGUAGE = "3d4e5f607182"


def _unit_texts(app: Flask) -> dict[str, tuple[str, dict[str, Any]]]:
    """Code → (plain name, translations) as stored."""
    with app.app_context():
        with db.engine.connect() as connection:
            table = _tables(connection)["units"]
            rows = connection.execute(sa.select(table.c.code, table.c.name, table.c.translations)).all()
        db.engine.dispose()
    return {code: (name, translations) for code, name, translations in rows}


def test_texts_migration_keeps_every_language_and_mirrors_the_primary_one(empty_database_url, tmp_path, monkeypatch):
    app = _app(empty_database_url, tmp_path, monkeypatch)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade", UNIT_LANGUAGE])
    assert result.exit_code == 0, result.output
    # The previous layout: the plain column in the content language of the time (English), the others apart.
    _insert_unit(app, "CIT", name="Citizenship Department",
                 translations={"name": {"az": "Vətəndaşlıq idarəsi", "ru": "Управление гражданства"}})
    _insert_unit(app, "IT", name="IT Department")  # never translated
    _insert_unit(app, "HR", name="", translations={"name": {"ru": "Кадры"}})

    result = runner.invoke(args=["db", "upgrade", TEXTS_PER_LANGUAGE])
    assert result.exit_code == 0, result.output
    texts = _unit_texts(app)
    assert texts["CIT"] == ("Vətəndaşlıq idarəsi", {"name": {
        "az": "Vətəndaşlıq idarəsi", "en": "Citizenship Department", "ru": "Управление гражданства"}})
    assert texts["IT"] == ("IT Department", {"name": {"en": "IT Department"}})  # no Azerbaijani yet: kept as it was
    assert texts["HR"] == ("Кадры", {"name": {"ru": "Кадры"}})  # no primary text: any there is, as set_texts
    with app.app_context():
        readers = {unit.code: (unit.text("name", "en"), unit.text("name", "ru"))
                   for unit in db.session.execute(db.select(Unit)).scalars()}
        db.session.remove()
        db.engine.dispose()
    assert readers == {"CIT": ("Citizenship Department", "Управление гражданства"),
                       "IT": ("IT Department", "IT Department"), "HR": ("Кадры", "Кадры")}

    with _expression_indexes_not_reflected():
        result = runner.invoke(args=["db", "downgrade", UNIT_LANGUAGE])
    assert result.exit_code == 0, result.output
    texts = _unit_texts(app)
    # The old layout exactly: the plain column in the previous content language, the others in translations.
    assert texts["CIT"] == ("Citizenship Department", {"name": {"az": "Vətəndaşlıq idarəsi",
                                                                "ru": "Управление гражданства"}})
    assert texts["IT"] == ("IT Department", {})

    # The older version edits the plain (English) text; upgrading again keeps the edit.
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE units SET name = 'Citizenship Directorate' WHERE code = 'CIT'"))
        db.engine.dispose()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    texts = _unit_texts(app)
    assert texts["CIT"][0] == "Vətəndaşlıq idarəsi"
    assert texts["CIT"][1]["name"]["en"] == "Citizenship Directorate"


@pytest.mark.parametrize("variable", ["TRACKER_PREVIOUS_CONTENT_LANGUAGE", "TRACKER_CONTENT_LANGUAGE"])
def test_texts_migration_reads_the_previous_content_language_from_the_environment(
    empty_database_url, tmp_path, monkeypatch, variable
):
    monkeypatch.setenv(variable, "ru")
    app = _app(empty_database_url, tmp_path, monkeypatch)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", UNIT_LANGUAGE]).exit_code == 0
    _insert_unit(app, "CIT", name="Управление", translations={"name": {"az": "İdarə"}})
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert _unit_texts(app)["CIT"] == ("İdarə", {"name": {"az": "İdarə", "ru": "Управление"}})
