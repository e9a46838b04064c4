"""``flask demo``: the reference scenario as demo data, loaded once however often the command runs."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from tests.helpers import baku
from tracker.demo import (
    DEMO_PASSWORD,
    EVENT_UIDS,
    REFERENCE,
    STORY,
    anniversary_series_title,
    load_demo_data,
    meeting_uid,
    upcoming_anniversary_uid,
)
from tracker.extensions import db
from tracker.i18n import primary_language
from tracker.models import (
    AgendaItem,
    AuditEntry,
    Event,
    Invitation,
    Person,
    Report,
    Series,
    Unit,
    User,
    Venue,
)
from tracker.ordinals import ordinal

SCENARIO = json.loads(REFERENCE.read_text(encoding="utf-8"))
STORY_DATA = json.loads(STORY.read_text(encoding="utf-8"))
SHARED_SCENARIO = Path(__file__).parents[2] / "shared" / "scenarios" / "reference.json"
LANGUAGES = {"az", "ru", "en"}
#: The texts of each demo model entered per language (what the forms edit per language).
TRANSLATABLE = {
    Series: ("title", "description"),
    Event: ("title", "description"),
    AgendaItem: ("title",),
    Person: ("full_name", "rank", "position"),
    Venue: ("name", "address"),
    Unit: ("name",),
}


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


def _upcoming():
    return db.session.execute(db.select(Event).where(Event.status == "scheduled")).scalar_one()


def _named(model, column, texts):
    """The object whose plain column holds one of the ``{language: text}`` texts."""
    return db.session.execute(db.select(model).where(column.in_(list(texts.values())))).scalar_one()


def _venue(key):
    spec = next(spec for spec in SCENARIO["venues"] if spec["key"] == key)
    return _named(Venue, Venue.name, spec["name"])


def _person(key):
    spec = next(spec for spec in SCENARIO["people"] if spec["key"] == key)
    return _named(Person, Person.full_name, spec["full_name"])


def test_the_packaged_scenario_is_the_shared_one():
    if not SHARED_SCENARIO.exists():
        pytest.skip("the shared scenario is not next to this checkout")
    assert json.loads(SHARED_SCENARIO.read_text(encoding="utf-8")) == SCENARIO


def test_demo_loads_the_directory(app, demo):
    with app.app_context():
        assert (_count(Unit), _count(Venue), _count(Person), _count(Series)) == (13, 2, 2, 2)
        regions = db.session.execute(db.select(Unit).where(Unit.code == "REGIONS")).scalar_one()
        assert sorted(child.code for child in regions.children) == ["GANJA", "LANKARAN", "SHEKI", "SUMGAIT"]
        cit = db.session.execute(db.select(Unit).where(Unit.code == "CIT")).scalar_one()
        assert cit.contact_emails == ["cit@units.example.org"]
        assert cit.text("name", "az") == "Vətəndaşlıq idarəsi"
        assert cit.text("name", "ru") == "Управление по вопросам гражданства"
        hall = _venue("assembly-hall")
        assert (hall.capacity, hall.text("name", "az")) == (250, "İclas zalı")
        assert hall.texts("address") == STORY_DATA["venue_addresses"]["assembly-hall"]
        assert hall.text("address", "en") == "Head office, 2nd floor"  # the reference's own words
        deputy = _person("deputy")
        assert deputy.text("rank", "ru") == "государственный советник миграционной службы III ранга"


def test_demo_has_units_that_read_russian(app, demo):
    with app.app_context():
        languages = dict(db.session.execute(db.select(Unit.code, Unit.language)).all())
        assert {code for code, language in languages.items() if language == "ru"} == set(STORY_DATA["unit_languages"])
        assert languages["CIT"] == primary_language()


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
        # People's names, the same in every interface language (User.name is one column).
        assert by_email["organiser@example.org"].name == STORY_DATA["staff_names"]["organiser@example.org"]
        assert {user.unit.code: user.name for user in representatives} == STORY_DATA["representative_names"]
        assert len({user.name for user in users}) == len(users)


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
        ceremony = _ceremony()
        series = ceremony.series
        assert series.commemorated_on == date(1992, 2, 26)
        assert series.texts("title") == SCENARIO["series"]["title"]
        assert {event.uid for event in series.events} == set(EVENT_UIDS.values())
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
        assert exhibition.venue.text("name", "en") == "Waiting hall for foreigners and stateless persons"
        assert exhibition.text("description", "en") == SCENARIO["events"][0]["description"]["en"]
        assert exhibition.texts("description") == {**STORY_DATA["exhibition_description"],
                                                   **SCENARIO["events"][0]["description"]}


def test_ceremony_time_place_and_presiding_official(app, demo):
    with app.app_context():
        ceremony = _ceremony()
        assert ceremony.starts_at == baku(2012, 2, 25, 10)
        assert ceremony.ends_at == baku(2012, 2, 25, 11, 30)
        assert ceremony.starts_at.utcoffset().total_seconds() == 0
        assert ceremony.venue.text("name", "en") == "Assembly hall"
        assert ceremony.presiding.text("full_name", "en") == "Firudin Nabiyev"
        assert ceremony.presiding.text("rank", "en") == "major-general"
        assert ceremony.status == "held"
        assert ceremony.text("title", "ru") == "Траурная церемония памяти жертв Ходжалинской трагедии"


def test_ceremony_agenda_is_in_order_with_speakers_and_durations(app, demo):
    with app.app_context():
        agenda = _ceremony().agenda
        assert [(item.position, item.kind, item.speaker.text("full_name", "en") if item.speaker else None,
                 item.duration_minutes)
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
        assert [entry.action for entry in history] == ["answer", "answer", "check_in"]  # then who came, on the day
        history = history[:2]
        assert [entry.new["headcount"] for entry in history] == [12, 10]
        assert history[0].old["status"] == "pending" and history[1].old["headcount"] == 12
        assert history[0].at < history[1].at <= cit.answered_at
        assert {entry.user.email for entry in history} == {"cit@example.org"}
        answers = db.session.execute(db.select(db.func.count()).select_from(AuditEntry).where(
            AuditEntry.event_id == cit.event_id, AuditEntry.action == "answer")).scalar_one()
        assert answers == 4


def test_the_held_2012_ceremony_has_check_in_figures_and_a_press_text_the_exhibition_has_not(app, demo):
    with app.app_context():
        ceremony = _ceremony()
        came = {inv.unit.code: inv.actual_attendance for inv in ceremony.invitations
                if inv.actual_attendance is not None}
        assert came == STORY_DATA["ceremony_2012"]["check_in"]
        check_ins = [entry for inv in ceremony.invitations for entry in inv.history if entry.action == "check_in"]
        assert {entry.at for entry in check_ins} == {baku(2012, 2, 25, 11, 45)}
        assert {entry.user.email for entry in check_ins} == {"organiser@example.org"}
        releases = db.session.execute(db.select(Report).where(Report.event_id == ceremony.id)).scalars().all()
        assert {report.language: report.body for report in releases} == STORY_DATA["ceremony_2012"]["press_text"]
        assert {(report.updated_by.email, report.updated_at) for report in releases} == {
            ("press@example.org", baku(2012, 2, 27, 12))}
        exhibition = db.session.execute(db.select(Event).where(Event.uid == EVENT_UIDS["exhibition"])).scalar_one()
        assert db.session.execute(db.select(Report.id).where(Report.event_id == exhibition.id)).first() is None


def test_the_upcoming_ceremony_is_in_its_own_anniversary_series(app, demo):
    with app.app_context():
        upcoming = _upcoming()
        local = upcoming.local_start
        number = local.year - 1992
        assert upcoming.anniversary == number
        series = upcoming.series
        assert series.id != _ceremony().series_id
        assert series.commemorated_on == date(1992, 2, 26)
        assert series.texts("title") == anniversary_series_title(STORY_DATA["upcoming"]["series_title"], number)
        assert ordinal(number, "en") in series.text("title", "en")
        assert ordinal(number, "az") in series.text("title", "az")
        assert f"{number}-й годовщине" in series.text("title", "ru")
        assert [event.uid for event in series.events] == [upcoming_anniversary_uid(local.year)]


def test_the_series_title_template_gives_the_reference_title_for_the_20th():
    assert anniversary_series_title(STORY_DATA["upcoming"]["series_title"], 20) == SCENARIO["series"]["title"]


def test_an_upcoming_ceremony_waits_for_most_answers_before_a_near_deadline(app, demo):
    now = datetime.now(UTC)
    with app.app_context():
        upcoming = _upcoming()
        local = upcoming.local_start
        assert (local.month, local.day, local.hour, local.minute) == (2, 25, 10, 0)
        assert upcoming.starts_at > now
        assert len(upcoming.agenda) == 3 and upcoming.presiding.text("full_name", "en") == "Firudin Nabiyev"
        assert now < upcoming.answer_deadline <= now + timedelta(days=7)
        assert upcoming.answer_deadline < upcoming.starts_at

        # Every active unit is invited; most have not answered; a few said yes, no or maybe with a headcount.
        active = set(db.session.execute(db.select(Unit.code).where(Unit.active.is_(True))).scalars())
        invitations = {inv.unit.code: inv for inv in upcoming.invitations}
        assert set(invitations) == active
        pending = [inv for inv in invitations.values() if inv.status == "pending"]
        assert len(pending) > len(invitations) / 2
        answered = {code: (inv.status, inv.headcount) for code, inv in invitations.items() if inv.answered}
        assert answered == {spec["unit"]: (spec["status"], spec["headcount"])
                            for spec in STORY_DATA["upcoming"]["answers"]}
        assert {status for status, _people in answered.values()} == {"accepted", "declined", "tentative"}
        for code in answered:
            invitation = invitations[code]
            assert invitation.answered_by.email == f"{code.lower()}@example.org"
            assert invitation.invited_at < invitation.answered_at <= now
            assert [entry.action for entry in invitation.history] == ["answer"]


def test_a_meeting_held_days_ago_still_lacks_check_in_and_press_text(app, demo):
    now = datetime.now(UTC)
    with app.app_context():
        meeting = db.session.execute(db.select(Event).where(Event.kind == "meeting")).scalar_one()
        assert meeting.status == "held" and meeting.series is None
        assert now - timedelta(days=14) < meeting.starts_at < meeting.ends_at < now
        assert meeting.uid == meeting_uid(_upcoming().local_start.year)
        assert len(meeting.invitations) == 13
        assert all(inv.actual_attendance is None for inv in meeting.invitations)
        assert db.session.execute(db.select(Report.id).where(Report.event_id == meeting.id)).first() is None


def test_the_organisers_home_has_something_true_to_show(app, demo):
    from tracker.home.services import organiser_home, press_home

    now = datetime.now(UTC)
    with app.app_context():
        home = organiser_home(now)
        upcoming = _upcoming()
        meeting = db.session.execute(db.select(Event).where(Event.kind == "meeting")).scalar_one()
        assert [line.event.id for line in home.upcoming] == [upcoming.id]
        line = home.upcoming[0]
        assert (line.tally.invited, line.tally.pending) == (13, 13 - len(STORY_DATA["upcoming"]["answers"]))
        assert line.silent
        assert [line.event.id for line in home.deadlines] == [upcoming.id]
        assert [event.id for event in home.without_check_in] == [meeting.id]
        assert [event.id for event in home.without_release] == [meeting.id]
        press = press_home(now, ["az", "ru", "en"])
        assert [(line.event.id, sorted(line.missing)) for line in press.to_write] == [(meeting.id, ["az", "en", "ru"])]


def test_every_text_of_every_demo_object_is_in_az_ru_and_en(app, demo):
    with app.app_context():
        primary = primary_language()
        checked = 0
        for model, fields in TRANSLATABLE.items():
            for obj in db.session.execute(db.select(model)).scalars():
                for field in fields:
                    if not getattr(obj, field) and not obj.texts(field):
                        continue  # no text at all (a series without a description)
                    texts = obj.texts(field)
                    assert set(texts) == LANGUAGES, (obj, field, texts)
                    assert getattr(obj, field) == texts[primary], (obj, field)
                    checked += 1
        # 13 unit names, 2 venues × (name, address), 2 people × 3, 2 series titles, 4 event titles and 2
        # descriptions (exhibition, meeting), 3 agenda items in each ceremony and in the meeting.
        assert checked == 13 + 2 * 2 + 2 * 3 + 2 + 4 + 2 + 3 * 3


def test_no_series_holds_an_event_of_another_anniversary(app, demo):
    with app.app_context():
        series_list = db.session.execute(db.select(Series)).scalars().all()
        assert len(series_list) == 2
        for series in series_list:
            numbers = {re.findall(r"\d+", series.text("title", code))[0] for code in LANGUAGES}
            assert len(numbers) == 1, series.texts("title")
            assert series.events
            for event in series.events:
                assert str(event.anniversary) in numbers, (series.title, event.title)
                for code in LANGUAGES:  # an event's own title, where it names an anniversary, names the same
                    assert set(re.findall(r"\d+", event.text("title", code))) <= numbers, (event.uid, code)


@pytest.mark.parametrize(("today", "year", "deadline"), [
    (date(2030, 1, 10), 2030, baku(2030, 1, 13, 18)),
    (date(2030, 2, 24), 2030, baku(2030, 2, 25, 8)),  # the ceremony is nearer than the usual deadline
    (date(2030, 2, 25), 2031, baku(2030, 2, 28, 18)),
    (date(2030, 11, 24), 2031, baku(2030, 11, 27, 18)),
])
def test_the_upcoming_ceremony_is_on_the_next_february_25th(app, today, year, deadline):
    with app.app_context():
        load_demo_data(today=today)
        upcoming = _upcoming()
        assert upcoming.uid == f"khojaly-{year}-ceremony@tracker"
        assert upcoming.starts_at == baku(year, 2, 25, 10)
        assert upcoming.ends_at == baku(year, 2, 25, 11, 30)
        assert upcoming.answer_deadline == deadline
        assert upcoming.anniversary == year - 1992
        assert ordinal(year - 1992, "en") in upcoming.series.text("title", "en")
        meeting = db.session.execute(db.select(Event).where(Event.kind == "meeting")).scalar_one()
        assert meeting.starts_at == baku(today.year, today.month, today.day, 11) - timedelta(days=6)


def test_loading_again_another_day_of_the_same_season_adds_nothing(app):
    with app.app_context():
        assert load_demo_data(today=date(2030, 11, 24))
        db.session.commit()
        assert load_demo_data(today=date(2030, 12, 1)) == {}
        assert (_count(Series), _count(Event)) == (2, 4)


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
        hall = _venue("assembly-hall")
        hall.capacity = 300
        db.session.commit()
    runner.invoke(args=["demo"])
    with app.app_context():
        assert _venue("assembly-hall").capacity == 300


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

