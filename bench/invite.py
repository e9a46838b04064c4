"""Inviting 2,500 units on SQLite while units answer: the targets of issue 9.

- ``invite_units`` and the commit of 2,500 invitations (with their history and their emails): under 3 s.
- No transaction holds SQLite's write lock for more than 1 s (the bulk round, each answer, each batch
  of composed emails).
- Every answer sent while the round runs is stored: a second thread, with its own connection, records
  answers to another event's invitations through ``record_answer`` from the moment the round starts
  until it has committed.

Composing the 2,500 emails afterwards (the mail worker's job, ``compose_pending``) is timed for the
report only. Runs on a temporary SQLite database made with ``create_app``'s test config.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

UNITS = 2500
#: Invitations of the other event, answered while the round runs (one transaction each).
ANSWERING_UNITS = 400
TARGETS = {"invite_2500_s": 3.0, "write_lock_max_s": 1.0}


@dataclass
class WriteLockClock:
    """How long each transaction held the write lock: from its first INSERT/UPDATE/DELETE to its end.

    SQLite takes the write lock at the first write of a transaction (WAL, deferred BEGIN) and keeps it
    until COMMIT or ROLLBACK has returned. Each thread uses one connection, so the clock keys by thread.
    """

    started: dict[int, float] = field(default_factory=dict)
    #: ``(thread name, seconds)`` of every write transaction.
    holds: list[tuple[str, float]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def on_statement(self, conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        """Note the moment the thread's transaction first wrote (after the statement: waiting is not holding)."""
        if statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            self.started.setdefault(threading.get_ident(), time.perf_counter())

    def on_end(self, _session: Any) -> None:
        """The transaction ended (after the database's COMMIT or ROLLBACK returned)."""
        began = self.started.pop(threading.get_ident(), None)
        if began is not None:
            with self.lock:
                self.holds.append((threading.current_thread().name, time.perf_counter() - began))

    def longest(self, prefix: str = "") -> float:
        """The longest hold of the threads whose name starts with ``prefix``."""
        return max((seconds for name, seconds in self.holds if name.startswith(prefix)), default=0.0)

    @contextmanager
    def listening(self, engine: Any) -> Iterator[WriteLockClock]:
        """Listen on ``engine`` and on every session while in the block."""
        from sqlalchemy import event
        from sqlalchemy.orm import Session

        event.listen(engine, "after_cursor_execute", self.on_statement)
        event.listen(Session, "after_commit", self.on_end)
        event.listen(Session, "after_rollback", self.on_end)
        try:
            yield self
        finally:
            event.remove(engine, "after_cursor_execute", self.on_statement)
            event.remove(Session, "after_commit", self.on_end)
            event.remove(Session, "after_rollback", self.on_end)


def _seed(app: Any) -> tuple[int, int, list[int]]:
    """2,500 units with contacts, the event to invite them to, another event with invitations to answer."""
    from tracker.extensions import db
    from tracker.models import Event, Invitation, Unit, Venue

    with app.app_context():
        db.create_all()
        units = []
        for n in range(UNITS):
            unit = Unit(code=f"U{n:05d}", contact_emails=[f"u{n}@units.example.org"])
            unit.set_texts("name", {"az": f"İdarə {n}", "ru": f"Управление {n}", "en": f"Unit {n}"})
            units.append(unit)
        venue = Venue(name="Assembly hall", address="Head office", capacity=5000)
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
        ceremony = Event(title="Commemoration ceremony", kind="ceremony", status="scheduled", starts_at=start,
                         ends_at=start + timedelta(minutes=90), timezone="Asia/Baku", venue=venue)
        meeting = Event(title="Preparatory meeting", kind="meeting", status="scheduled",
                        starts_at=start - timedelta(days=7), ends_at=start - timedelta(days=7, hours=-1),
                        timezone="Asia/Baku", venue=venue)
        meeting.invitations = [Invitation(unit=unit) for unit in units[:ANSWERING_UNITS]]
        db.session.add_all([*units, venue, ceremony, meeting])
        db.session.commit()
        return ceremony.id, meeting.id, [invitation.id for invitation in meeting.invitations]


def _answer_while_inviting(app: Any, invitation_ids: list[int], warm: threading.Event,
                           finished: threading.Event, outcome: dict[str, Any]) -> None:
    """Record answers one by one, before the round (``warm`` after 3), while it runs, and 5 after it."""
    from tracker.attendance import services
    from tracker.extensions import db
    from tracker.models import Invitation

    stored, errors, before, during = [], [], 0, 0
    for invitation_id in invitation_ids:
        if finished.is_set() and len(stored) + len(errors) >= during + 5:
            break
        if len(stored) + len(errors) == 3:
            before = 3
            warm.set()
        with app.app_context():
            try:
                invitation = db.session.get(Invitation, invitation_id)
                services.record_answer(invitation, services.AnswerDetails("accepted", 3, "", ""), by_user=None,
                                       via="link", expected_version=None)
                db.session.commit()
                stored.append(invitation_id)
            except Exception as error:  # counted: a lost answer is what this benchmark is about
                db.session.rollback()
                errors.append(f"{invitation_id}: {error}")
            finally:
                db.session.remove()
        if not finished.is_set():
            during = len(stored) + len(errors)
    warm.set()  # never leave the round waiting
    outcome.update(stored=stored, errors=errors, during=during - before)


def run(folder: Path) -> dict[str, Any]:
    """Seed, invite 2,500 units while answers come in, compose the emails; the figures and verdicts."""
    from tracker import create_app
    from tracker.attendance import services
    from tracker.extensions import db
    from tracker.mail.deferred import compose_pending
    from tracker.models import AuditEntry, Event, Invitation, OutboxMessage

    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "bench-secret-key",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'invite.sqlite'}",
        "BASE_URL": "https://tracker.example.org",
    })
    ceremony_id, _meeting_id, answer_ids = _seed(app)
    clock = WriteLockClock()
    started, finished = threading.Event(), threading.Event()
    answers: dict[str, Any] = {}
    figures: dict[str, Any] = {}

    def invite() -> None:
        with app.app_context():
            event = db.session.get(Event, ceremony_id)
            units = services.units_in_scope(services.InviteDetails(services.InviteScope.ALL))
            started.wait()  # answers are coming in
            began = time.perf_counter()
            result = services.invite_units(event, units, by_user=None)
            db.session.commit()
            figures["invite_2500_s"] = time.perf_counter() - began
            figures["invited"] = len(result.invited)
            db.session.remove()
        finished.set()

    with app.app_context():
        engine = db.engine
    with clock.listening(engine):
        answering = threading.Thread(target=_answer_while_inviting, name="answers",
                                     args=(app, answer_ids, started, finished, answers))
        inviting = threading.Thread(target=invite, name="invite")
        answering.start()
        inviting.start()
        inviting.join()
        answering.join()
        figures["invite_lock_s"] = clock.longest("invite")
        figures["answer_lock_max_s"] = clock.longest("answers")

        with app.app_context():
            began = time.perf_counter()
            composition = compose_pending()
            figures["compose_2500_s"] = time.perf_counter() - began
            figures["composed"] = composition.composed
            db.session.remove()
        figures["write_lock_max_s"] = clock.longest()

    with app.app_context():
        count = db.session.execute(db.select(db.func.count()).select_from(Invitation)
                                   .where(Invitation.event_id == ceremony_id)).scalar_one()
        audits = db.session.execute(db.select(db.func.count()).select_from(AuditEntry)
                                    .where(AuditEntry.action == "invite")).scalar_one()
        composed = db.session.execute(db.select(db.func.count()).select_from(OutboxMessage)
                                      .where(OutboxMessage.raw.is_not(None))).scalar_one()
        answered = set(db.session.execute(db.select(Invitation.id).where(
            Invitation.id.in_(answers["stored"]), Invitation.status == "accepted")).scalars())
        db.engine.dispose()

    figures.update(
        answers_sent=len(answers["stored"]) + len(answers["errors"]),
        answers_during_invite=answers["during"],
        answers_stored=len(answered),
        answer_errors=answers["errors"][:5],
    )
    checks = {
        "invite_2500_s": figures["invite_2500_s"] < TARGETS["invite_2500_s"],
        "write_lock_max_s": figures["write_lock_max_s"] < TARGETS["write_lock_max_s"],
        "all_invited": count == audits == UNITS == figures["invited"] and composed == UNITS,
        "answers_stored": not answers["errors"] and len(answered) == len(answers["stored"]) > 0
        and answers["during"] > 0,
    }
    return {"figures": figures, "checks": checks}


def report(result: dict[str, Any]) -> bool:
    """Print the figures against the targets; whether every check passed."""
    figures, checks = result["figures"], result["checks"]
    print(f"invite {UNITS:,} units + commit      {figures['invite_2500_s']:>7.3f} s   target < "
          f"{TARGETS['invite_2500_s']:.0f} s   {'ok' if checks['invite_2500_s'] else 'TOO SLOW'}")
    print(f"longest write-lock hold        {figures['write_lock_max_s']:>7.3f} s   target < "
          f"{TARGETS['write_lock_max_s']:.0f} s   {'ok' if checks['write_lock_max_s'] else 'TOO LONG'}"
          f"   (invite {figures['invite_lock_s']:.3f} s, one answer at most {figures['answer_lock_max_s']:.3f} s)")
    print(f"answers sent meanwhile         {figures['answers_sent']:>7}     {figures['answers_during_invite']} "
          f"while the round ran; stored {figures['answers_stored']}   "
          f"{'ok' if checks['answers_stored'] else 'LOST: ' + '; '.join(figures['answer_errors'])}")
    print(f"compose {figures['composed']:,} emails (mail worker) {figures['compose_2500_s']:>6.3f} s   report only"
          f"   {'ok' if checks['all_invited'] else 'MISSING ROWS'}")
    return all(checks.values())
