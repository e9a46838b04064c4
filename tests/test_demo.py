"""``flask demo``: the reference scenario as demo data, loaded once however often the command runs."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from functools import partial
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from tests.helpers import baku
from tracker.demo import DEMO_PASSWORD, EVENT_UIDS, REFERENCE, load_demo_data
from tracker.extensions import db
from tracker.models import (
    AuditEntry,
    Event,
    Invitation,
    Person,
    Series,
    Unit,
    User,
    Venue,
)
from tracker.ordinals import ordinal

SCENARIO = json.loads(REFERENCE.read_text(encoding="utf-8"))
SHARED_SCENARIO = Path(__file__).parents[2] / "shared" / "scenarios" / "reference.json"


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """Sixteen scrypt hashes per load would make these tests slow; the hashing scheme is not under test here."""
    monkeypatch.setattr("tracker.models.users.generate_password_hash",
                        partial(generate_password_hash, method="pbkdf2:sha256:1"))


@pytest.fixture
def demo(app, runner):
    """The database after one ``flask demo``."""
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return result


def _count(model):
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


def _snapshot():
    """Every row of every table, to compare before and after."""
    rows = {}
    for table in db.metadata.sorted_tables:
        rows[table.name] = sorted(
            (tuple(str(v) for v in row) for row in db.session.execute(table.select()).all()),
        )
    return rows


def _ceremony():
    return db.session.execute(db.select(Event).where(Event.uid == EVENT_UIDS["ceremony"])).scalar_one()


def test_the_packaged_scenario_is_the_shared_one():
    if not SHARED_SCENARIO.exists():
        pytest.skip("the shared scenario is not next to this checkout")
    assert json.loads(SHARED_SCENARIO.read_text(encoding="utf-8")) == SCENARIO


def test_demo_loads_the_directory(app, demo):
    with app.app_context():
        assert (_count(Unit), _count(Venue), _count(Person), _count(Series)) == (13, 2, 2, 1)
        regions = db.session.execute(db.select(Unit).where(Unit.code == "REGIONS")).scalar_one()
        assert sorted(child.code for child in regions.children) == ["GANJA", "LANKARAN", "SHEKI", "SUMGAIT"]
        cit = db.session.execute(db.select(Unit).where(Unit.code == "CIT")).scalar_one()
        assert cit.contact_emails == ["cit@units.example.org"]
        assert cit.text("name", "az") == "Vətəndaşlıq idarəsi"
        assert cit.text("name", "ru") == "Управление по вопросам гражданства"
        hall = db.session.execute(db.select(Venue).where(Venue.name == "Assembly hall")).scalar_one()
        assert (hall.capacity, hall.text("name", "az")) == (250, "İclas zalı")
        deputy = db.session.execute(db.select(Person).where(Person.full_name == "Parviz Musayev")).scalar_one()
        assert deputy.text("rank", "ru") == "государственный советник миграционной службы III ранга"


def test_demo_creates_one_account_per_role_and_a_representative_per_unit(app, demo):
    with app.app_context():
        users = db.session.execute(db.select(User)).scalars().all()
        by_email = {user.email: user for user in users}
        assert len(users) == 3 + 13
        assert {by_email[e].role for e in ("admin@example.org", "organiser@example.org", "press@example.org")} == {
            "admin", "organiser", "press"}
        assert by_email["cit@example.org"].unit.code == "CIT"
        assert by_email["press-unit@example.org"].unit.code == "PRESS"
        representatives = [user for user in users if user.role == "representative"]
        assert sorted(user.unit.code for user in representatives) == sorted(u["code"] for u in SCENARIO["units"])
        assert by_email["ganja@example.org"].check_password(DEMO_PASSWORD)


def test_demo_prints_the_accounts_and_the_password(demo):
    assert "demo-password" in demo.output
    assert "organiser@example.org" in demo.output and "cit@example.org" in demo.output


def test_demo_accounts_lists_them_again(runner, demo):
    result = runner.invoke(args=["demo", "accounts"])
    assert result.exit_code == 0
    assert "admin@example.org" in result.output and "demo-password" in result.output
    assert "Demo data" not in result.output


def test_demo_accounts_on_an_empty_database_says_how_to_load(runner):
    result = runner.invoke(args=["demo", "accounts"])
    assert result.exit_code == 0
    assert "No demo accounts yet" in result.output


def test_series_has_the_commemorated_date_for_ordinals(app, demo):
    with app.app_context():
        series = db.session.execute(db.select(Series)).scalar_one()
        assert series.commemorated_on == date(1992, 2, 26)
        assert series.text("title", "az") == SCENARIO["series"]["title"]["az"]
        ceremony = _ceremony()
        assert ceremony.anniversary == 20
        assert [ordinal(ceremony.anniversary, lang) for lang in ("en", "az", "ru")] == [
            SCENARIO["ordinals"][lang]["20"] for lang in ("en", "az", "ru")]


def test_exhibition_spans_the_days_with_daily_hours(app, demo):
    with app.app_context():
        exhibition = db.session.execute(db.select(Event).where(Event.uid == EVENT_UIDS["exhibition"])).scalar_one()
        assert exhibition.kind == "exhibition" and exhibition.status == "held" and exhibition.public
        assert exhibition.starts_at == baku(2012, 2, 22, 9)
        assert exhibition.ends_at == baku(2012, 3, 1, 18)
        assert (exhibition.daily_opens, exhibition.daily_closes) == (time(9), time(18))
        assert exhibition.languages == ["az", "ru", "en"]
        assert exhibition.timezone == "Asia/Baku"
        assert exhibition.venue.name == "Waiting hall for foreigners and stateless persons"
        assert "Azerbaijani, Russian and English" in exhibition.description


def test_ceremony_time_place_and_presiding_official(app, demo):
    with app.app_context():
        ceremony = _ceremony()
        assert ceremony.starts_at == baku(2012, 2, 25, 10)
        assert ceremony.ends_at == baku(2012, 2, 25, 11, 30)
        assert ceremony.starts_at.utcoffset().total_seconds() == 0
        assert ceremony.venue.name == "Assembly hall"
        assert ceremony.presiding.full_name == "Firudin Nabiyev"
        assert ceremony.presiding.rank == "major-general"
        assert ceremony.status == "held"
        assert ceremony.text("title", "ru") == "Траурная церемония памяти жертв Ходжалинской трагедии"


def test_ceremony_agenda_is_in_order_with_speakers_and_durations(app, demo):
    with app.app_context():
        agenda = _ceremony().agenda
        assert [(item.position, item.kind, item.speaker.full_name if item.speaker else None, item.duration_minutes)
                for item in agenda] == [
            (1, "silence", None, 1),
            (2, "speech", "Parviz Musayev", 20),
            (3, "exhibition_review", "Firudin Nabiyev", 30),
        ]
        assert agenda[1].text("title", "az") == "Faciənin tarixi və beynəlxalq aləmdə tanınması barədə çıxış"


def test_all_active_units_are_invited_with_the_sample_answers(app, demo):
    with app.app_context():
        invitations = {inv.unit.code: inv for inv in _ceremony().invitations}
        assert len(invitations) == 13
        assert (invitations["CIT"].status, invitations["CIT"].headcount) == ("accepted", 10)
        assert (invitations["IT"].status, invitations["IT"].headcount) == ("declined", 0)
        assert (invitations["GANJA"].status, invitations["GANJA"].headcount) == ("tentative", 3)
        assert invitations["CIT"].answered_by.email == "cit@example.org"
        others = [inv for code, inv in invitations.items() if code not in {"CIT", "IT", "GANJA"}]
        assert {inv.status for inv in others} == {"pending"}


def test_the_changed_answer_keeps_its_history(app, demo):
    with app.app_context():
        cit = next(inv for inv in _ceremony().invitations if inv.unit.code == "CIT")
        history = list(reversed(cit.history))  # oldest first
        assert [entry.action for entry in history] == ["answer", "answer"]
        assert [entry.new["headcount"] for entry in history] == [12, 10]
        assert history[0].old["status"] == "pending" and history[1].old["headcount"] == 12
        assert history[0].at < history[1].at <= cit.answered_at
        assert {entry.user.email for entry in history} == {"cit@example.org"}
        assert _count(AuditEntry) == 4


def test_an_upcoming_ceremony_waits_for_answers(app, demo):
    with app.app_context():
        upcoming = db.session.execute(db.select(Event).where(Event.status == "scheduled")).scalar_one()
        local = upcoming.local_start
        assert (local.month, local.day, local.hour, local.minute) == (2, 25, 10, 0)
        assert upcoming.starts_at > datetime.now(UTC)
        assert len(upcoming.agenda) == 3 and upcoming.presiding.full_name == "Firudin Nabiyev"
        assert {inv.status for inv in upcoming.invitations} == {"pending"}
        assert len(upcoming.invitations) == 13
        assert upcoming.series.anniversary(local.year) == local.year - 1992


@pytest.mark.parametrize(("today", "year"), [(date(2030, 1, 10), 2030), (date(2030, 2, 25), 2031),
                                             (date(2030, 11, 24), 2031)])
def test_the_upcoming_ceremony_is_on_the_next_february_25th(app, today, year):
    with app.app_context():
        load_demo_data(today=today)
        upcoming = db.session.execute(db.select(Event).where(Event.status == "scheduled")).scalar_one()
        assert upcoming.uid == f"khojaly-{year}-ceremony@tracker"
        assert upcoming.starts_at == baku(year, 2, 25, 10)
        assert upcoming.ends_at == baku(year, 2, 25, 11, 30)


def test_running_demo_twice_changes_nothing(app, runner, demo):
    with app.app_context():
        before = _snapshot()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0
    assert "nothing changed" in result.output
    with app.app_context():
        db.session.expire_all()
        assert _snapshot() == before


def test_demo_keeps_what_an_organiser_changed(app, runner, demo):
    with app.app_context():
        hall = db.session.execute(db.select(Venue).where(Venue.name == "Assembly hall")).scalar_one()
        hall.capacity = 300
        db.session.commit()
    runner.invoke(args=["demo"])
    with app.app_context():
        assert db.session.execute(db.select(Venue.capacity).where(Venue.name == "Assembly hall")).scalar_one() == 300


def test_if_empty_loads_into_an_empty_database(app, runner):
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert _count(Unit) == 13


def test_if_empty_does_nothing_when_there_are_accounts(app, runner, make_user):
    make_user("admin")
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0
    assert "not loaded" in result.output
    with app.app_context():
        assert (_count(Unit), _count(Event), _count(User), _count(Invitation)) == (0, 0, 1, 0)

