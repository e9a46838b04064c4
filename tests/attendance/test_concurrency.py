"""Never lose an answer: optimistic locking under parallel requests, and SQLite that is never "locked"."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from tests.attendance.conftest import answer_data
from tests.helpers import PASSWORD
from tracker.attendance import services
from tracker.extensions import db
from tracker.models import AuditEntry, Invitation


def _in_parallel(*jobs: Callable[[], Any]) -> list[Any]:
    """Run ``jobs`` in threads released together; re-raise the first error of any of them."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = job()
        except BaseException as error:  # handed to the test thread below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


@pytest.fixture
def two_browsers(app, make_user, unit):
    """Two signed-in browsers: two representatives of the same unit."""
    clients = []
    for name in ("Aysel", "Rashad"):
        user = make_user("representative", unit=unit, name=name)
        browser = app.test_client()
        assert browser.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
        clients.append(browser)
    return clients


def test_two_people_answering_at_once_never_overwrite_each_other(app, two_browsers, invitation, reload):
    first, second = two_browsers
    rounds = 6
    for n in range(rounds):
        version = reload(Invitation, invitation.id).version
        responses = _in_parallel(
            lambda v=version, n=n: first.post(f"/invitations/{invitation.id}", data=answer_data(v, headcount=10 + n)),
            lambda v=version, n=n: second.post(f"/invitations/{invitation.id}", data=answer_data(v, headcount=30 + n)),
        )
        codes = sorted(response.status_code for response in responses)
        assert codes == [302, 409], codes
        loser = next(response for response in responses if response.status_code == 409)
        winner_count = 10 + n if responses[0].status_code == 302 else 30 + n
        html = loser.get_data(as_text=True)
        assert "Changed by" in html and "here is the current answer" in html
        assert f'value="{winner_count}"' in html  # the form now shows the current answer
        assert reload(Invitation, invitation.id).headcount == winner_count
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(AuditEntry.id))).scalar_one() == rounds
    assert reload(Invitation, invitation.id).version == rounds + 1


def test_a_stale_form_gets_409_with_who_changed_it_and_the_current_values(app, two_browsers, invitation, reload):
    first, second = two_browsers
    assert first.post(f"/invitations/{invitation.id}", data=answer_data(1, headcount=12)).status_code == 302
    response = second.post(f"/invitations/{invitation.id}", data=answer_data(1, status="declined", headcount=0))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Changed by Aysel at" in html
    assert 'name="version" type="hidden" value="2"' in html and 'value="12"' in html
    assert "What you tried to save:" in html and "Not attending" in html
    saved = reload(Invitation, invitation.id)
    assert (saved.status, saved.headcount) == ("accepted", 12)
    # Having seen the current answer, the second person can still change it.
    assert second.post(f"/invitations/{invitation.id}",
                       data=answer_data(2, status="declined", headcount=0)).status_code == 302


def test_a_commit_between_reading_and_writing_is_caught_by_the_version_column(app, invitation, reload):
    with app.app_context():
        mine = db.session.get(Invitation, invitation.id)  # read: version 1
        with app.app_context():  # someone else, in their own session and transaction
            theirs = db.session.get(Invitation, invitation.id)
            services.record_answer(theirs, services.AnswerDetails("accepted", 3, "", ""), by_user=None, via="link",
                                   expected_version=1)
            db.session.commit()
        with pytest.raises(services.StaleAnswer):
            services.record_answer(mine, services.AnswerDetails("declined", 0, "", ""), by_user=None, via="page",
                                   expected_version=1)
        db.session.rollback()
    saved = reload(Invitation, invitation.id)
    assert (saved.status, saved.headcount, saved.version) == ("accepted", 3, 2)


def test_two_threads_writing_at_once_never_get_database_is_locked(app, make_invitation, event, make_unit):
    invitations = [make_invitation(event, make_unit(code)) for code in ("A", "B")]

    def writer(invitation_id: int) -> int:
        done = 0
        for i in range(25):
            with app.app_context():
                found = db.session.get(Invitation, invitation_id)
                services.record_answer(found, services.AnswerDetails("accepted", 1 + i % 5, "", str(i)), by_user=None,
                                       via="page", expected_version=found.version)
                db.session.commit()
                done += 1
        return done

    assert _in_parallel(*(lambda i=inv.id: writer(i) for inv in invitations)) == [25, 25]


def test_two_browsers_answering_for_different_units_at_once_both_succeed(app, make_user, event, make_unit,
                                                                        make_invitation):
    browsers = []
    invitations = []
    for code in ("A", "B"):
        unit = make_unit(code)
        invitations.append(make_invitation(event, unit))
        user = make_user("representative", unit=unit)
        browser = app.test_client()
        browser.post("/login", data={"email": user.email, "password": PASSWORD})
        browsers.append(browser)

    def answer_many(browser: Any, invitation_id: int) -> list[int]:
        return [browser.post(f"/invitations/{invitation_id}", data=answer_data(v, headcount=v)).status_code
                for v in range(1, 16)]

    results = _in_parallel(*(lambda b=b, i=i.id: answer_many(b, i) for b, i in zip(browsers, invitations,
                                                                                    strict=True)))
    assert results == [[302] * 15, [302] * 15]
