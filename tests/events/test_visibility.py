"""The one visibility rule (tracker.events.visibility): which statuses each role sees, and reports on."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tracker.events.visibility import Purpose, may_see, may_see_drafts, visible_statuses
from tracker.models import EventStatus, Role

ALL = {s.value for s in EventStatus}
PUBLISHED = {"scheduled", "held", "cancelled"}


def user(role: Role) -> SimpleNamespace:
    """A user as the rule reads it."""
    return SimpleNamespace(role=role, is_organiser=role in (Role.ADMIN, Role.ORGANISER))


@pytest.mark.parametrize(
    ("role", "seen", "reported"),
    [
        (Role.ADMIN, ALL, ALL),
        (Role.ORGANISER, ALL, ALL),
        (Role.PRESS, PUBLISHED, {"scheduled", "held"}),
        (Role.REPRESENTATIVE, PUBLISHED, set()),
    ],
)
def test_each_role_sees_and_reports_on_its_statuses(role, seen, reported):
    assert set(visible_statuses(user(role))) == seen
    assert set(visible_statuses(user(role), Purpose.REPORT)) == reported


def test_nobody_signed_in_sees_published_events_and_reports_on_none():
    assert set(visible_statuses(None)) == PUBLISHED
    assert visible_statuses(None, Purpose.REPORT) == ()
    assert not may_see_drafts(None)


@pytest.mark.parametrize("status", list(EventStatus))
def test_may_see_agrees_with_the_statuses(status):
    event = SimpleNamespace(status=status)
    for role in Role:
        for purpose in Purpose:
            assert may_see(user(role), event, purpose) == (status.value in visible_statuses(user(role), purpose))


def test_press_cannot_report_on_a_cancelled_event_it_may_see():
    cancelled = SimpleNamespace(status=EventStatus.CANCELLED)
    assert may_see(user(Role.PRESS), cancelled)
    assert not may_see(user(Role.PRESS), cancelled, Purpose.REPORT)


def test_only_organisers_see_drafts():
    draft = SimpleNamespace(status=EventStatus.DRAFT)
    assert may_see(user(Role.ORGANISER), draft)
    assert may_see_drafts(user(Role.ADMIN))
    for role in (Role.PRESS, Role.REPRESENTATIVE):
        assert not may_see(user(role), draft)
        assert not may_see_drafts(user(role))
