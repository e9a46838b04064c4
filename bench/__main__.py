"""``python -m bench [http] [feeds] [invite] [reports]``: the benchmarks of issues 5, 9 and 12 (all by default).

- ``http`` (issue 12, ``bench/http.py``): pages and feeds on ten years of seeded use, served by gunicorn and
  loaded by wrk (or a Python load generator), each as a share of a bare Flask route's req/s measured in the
  same run; 200 answers from 20 parallel clients; workers' peak memory. SQLite, and PostgreSQL when reachable.
- ``feeds`` (issue 12, ``bench/feeds.py``): building a 5,000-event feed against icalendar's own time.
- PDF press release of an event with 100 invited units: under 2 s.
- XLSX attendance sheet of 5,000 rows: under 2 s.
- Inviting 2,500 units: under 3 s, no write lock held over 1 s, no answer lost meanwhile (``bench/invite.py``).

Each report measurement covers what the export view does after access checks: load the record, gather the
facts and write the file. Runs on a temporary SQLite database made with ``create_app``'s test config;
the first run of each is reported apart ("cold": fonts and templates not yet loaded). Results are also
written to ``bench/results/*.json`` (git-ignored). Exits 1 when a target is missed.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

TARGETS = {"pdf_100_units": 2.0, "xlsx_5000_rows": 2.0}
RUNS = 5
RESULTS = Path(__file__).resolve().parent / "results" / "reports.json"
BENCHMARKS = ("http", "feeds", "invite", "reports")


def _seed(app: Any) -> tuple[int, int]:
    """An event with 100 invited units and answers, and one with 5,000; returns their ids."""
    from tracker.extensions import db
    from tracker.models import AgendaItem, Event, Invitation, Person, Series, Unit, User, Venue

    rng = random.Random(2012)
    with app.app_context():
        db.create_all()
        parents = [Unit(code=f"P{n}", name=f"Directorate {n}", contact_emails=[]) for n in range(20)]
        db.session.add_all(parents)
        units = []
        for n in range(5000):
            unit = Unit(code=f"U{n:05d}", contact_emails=[f"u{n}@units.example.org"],
                        parent=parents[n % 20] if n % 3 else None)
            unit.set_texts("name", {"az": f"İdarə {n}", "ru": f"Управление {n}", "en": f"Unit {n}"})
            units.append(unit)
        db.session.add_all(units)
        clerk = User(email="clerk@example.org", name="Aygün Məmmədova", role="representative", unit=units[0])
        clerk.set_password("bench password")
        head = Person(full_name="Firudin Nabiyev", rank="major-general", position="Head of the Service")
        deputy = Person(full_name="Parviz Musayev", rank="III rank state migration service counsellor",
                        position="Deputy Head of the Service")
        series = Series(title="Events for the 20th anniversary", commemorated_on=datetime(1992, 2, 26).date())
        venue = Venue(name="Assembly hall", address="Head office", capacity=250)
        db.session.add_all([clerk, head, deputy, series, venue])
        start = datetime(2012, 2, 25, 6, 0, tzinfo=UTC)

        def event(title: str, invited: list[Unit]) -> Event:
            made = Event(title=title, kind="ceremony", status="held", starts_at=start,
                         ends_at=start + timedelta(minutes=90), series=series, venue=venue, presiding=head)
            made.agenda = [
                AgendaItem(position=1, kind="silence", title="One minute's silence", duration_minutes=1),
                AgendaItem(position=2, kind="speech", title="Speech on the history", speaker=deputy),
                AgendaItem(position=3, kind="exhibition_review", title="Review of the exhibition", speaker=head),
            ]
            for unit in invited:
                status = rng.choice(["pending", "accepted", "accepted", "tentative", "declined"])
                made.invitations.append(Invitation(
                    unit=unit, status=status, headcount=rng.randint(1, 15) if status != "pending" else None,
                    delegates="Aygün Məmmədova\nИван Петров" if status == "accepted" else "",
                    answered_at=start - timedelta(days=rng.randint(1, 10)) if status != "pending" else None,
                    answered_by=clerk if status != "pending" else None,
                    actual_attendance=rng.randint(0, 12) if status == "accepted" else None,
                ))
            db.session.add(made)
            return made

        small = event("Commemoration ceremony (100 units)", units[:100])
        large = event("Commemoration ceremony (5,000 units)", units)
        db.session.commit()
        return small.id, large.id


def _time(app: Any, work: Callable[[], bytes]) -> tuple[float, list[float], int]:
    """Seconds of the first run, of the following runs, and the size of the file made."""
    from tracker.extensions import db

    timings = []
    size = 0
    for _ in range(RUNS + 1):
        with app.app_context():
            began = time.perf_counter()
            size = len(work())
            timings.append(time.perf_counter() - began)
            db.session.remove()
    return timings[0], timings[1:], size


def main(names: list[str] | None = None) -> int:
    """Run the benchmarks named (all by default); 0 when every target is met."""
    names = names or list(BENCHMARKS)
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        print(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    failed = False
    if "http" in names:
        failed |= main_http() != 0
    if "feeds" in names:
        failed |= main_feeds() != 0
    if "reports" in names:
        failed |= main_reports() != 0
    if "invite" in names:
        failed |= main_invite() != 0
    return 1 if failed else 0


def main_http() -> int:
    """Pages and feeds under load on each reachable backend; 0 when every target is met."""
    from bench import http

    failed = False
    RESULTS.parent.mkdir(exist_ok=True)
    for backend in http.backends():
        result = http.run(backend)
        failed |= not http.report(result)
        (RESULTS.parent / f"http-{backend}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 1 if failed else 0


def main_feeds() -> int:
    """Building a 5,000-event feed (``bench/feeds.py``); 0 when its targets are met."""
    try:
        from bench import feeds
    except ImportError:
        print("feeds: bench/feeds.py is not there yet; skipped")
        return 0
    result = feeds.run()
    ok = feeds.report(result)
    RESULTS.parent.mkdir(exist_ok=True)
    (RESULTS.parent / "feeds.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if ok else 1


def main_invite() -> int:
    """Invite 2,500 units on a temporary SQLite database while answers come in; 0 when the targets are met."""
    from bench import invite

    with tempfile.TemporaryDirectory(prefix="tracker-bench-invite-") as folder:
        os.environ["TRACKER_INSTANCE_PATH"] = str(Path(folder) / "instance")
        result = invite.run(Path(folder))
    ok = invite.report(result)
    RESULTS.parent.mkdir(exist_ok=True)
    (RESULTS.parent / "invite.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if ok else 1


def main_reports() -> int:
    """Seed, measure, print against the targets; 0 when all are met."""
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as folder:
        os.environ["TRACKER_INSTANCE_PATH"] = str(Path(folder) / "instance")
        from tracker import create_app
        from tracker.extensions import db
        from tracker.models import Event
        from tracker.reports import services
        from tracker.settings import Settings

        app = create_app({
            "TESTING": True,
            "SECRET_KEY": "bench-secret-key",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite'}",
        })
        began = time.perf_counter()
        small_id, large_id = _seed(app)
        print(f"seeded 5,000 units and 5,100 invitations in {time.perf_counter() - began:.1f} s")
        config = Settings.from_config(app.config)

        def pdf() -> bytes:
            event = services.load_event(small_id)
            assert event is not None
            return services.render_release(services.event_release(event, "az", config), "pdf")

        def xlsx() -> bytes:
            event = db.session.get(Event, large_id)
            sheet = services.attendance_sheet(event, "ru", config)
            assert len(sheet.rows) == 5000
            return services.render_sheet(sheet, "xlsx")

        def csv() -> bytes:
            return services.render_sheet(services.attendance_sheet(db.session.get(Event, large_id), "ru",
                                                                   config), "csv")

        measured = {"pdf_100_units": _time(app, pdf), "xlsx_5000_rows": _time(app, xlsx),
                    "csv_5000_rows": _time(app, csv)}
        with app.app_context():
            db.engine.dispose()

    print(f"{'benchmark':<16} {'cold s':>8} {'median s':>9} {'max s':>7} {'target s':>9} {'size':>10}  result")
    failed = False
    report = {}
    for name, (cold, warm, size) in measured.items():
        target = TARGETS.get(name)
        worst = max(cold, *warm)
        ok = target is None or worst < target
        failed |= not ok
        verdict = "-" if target is None else ("ok" if ok else "TOO SLOW")
        print(f"{name:<16} {cold:>8.3f} {statistics.median(warm):>9.3f} {worst:>7.3f} "
              f"{(f'{target:.1f}' if target else '-'):>9} {size:>10,}  {verdict}")
        report[name] = {"cold_s": cold, "median_s": statistics.median(warm), "max_s": worst, "target_s": target,
                        "bytes": size, "ok": ok}
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
