"""Who may see which event: one rule for event pages, calendar files and feeds, and press reports.

Organisers and admins see every event. Everyone else sees published events (scheduled, held, cancelled);
drafts are the organisers' own business. Press releases and summaries are narrower: press staff report on
scheduled and held events only, and representatives on none. What a representative's unit is invited to
(its feed, its attendance row) is an invitation check the calling area adds on top.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ColumnElement, true

from ..models import Event, EventStatus, Role, User

#: Statuses everyone may see (pages, downloads, feeds); drafts are the organisers' own business.
PUBLISHED_STATUSES = (EventStatus.SCHEDULED, EventStatus.HELD, EventStatus.CANCELLED)

#: Statuses press staff may report on, and that a series release covers; cancelled events are not reported.
PRESS_STATUSES = (EventStatus.SCHEDULED, EventStatus.HELD)


class Purpose(StrEnum):
    """What the user wants to do with the event; reporting is narrower than seeing."""

    SEE = "see"
    REPORT = "report"


def visible_statuses(user: User | None, purpose: Purpose = Purpose.SEE) -> tuple[str, ...]:
    """The event statuses ``user`` (``None``: nobody signed in) may see, or report on, as plain strings.

    Plain strings: bound as text by every SQL driver, whatever it does with Enum members, and equal to the
    :class:`EventStatus` members they name.
    """
    if user is not None and getattr(user, "is_organiser", False):
        return tuple(status.value for status in EventStatus)
    if purpose is Purpose.REPORT:
        if user is not None and getattr(user, "role", None) == Role.PRESS:
            return tuple(status.value for status in PRESS_STATUSES)
        return ()
    return tuple(status.value for status in PUBLISHED_STATUSES)


def may_see(user: User | None, event: Event, purpose: Purpose = Purpose.SEE) -> bool:
    """Whether ``user`` may open ``event`` (its page, its calendar file), or report on it."""
    return event.status in visible_statuses(user, purpose)


def visible_to(user: User | None, purpose: Purpose = Purpose.SEE) -> ColumnElement[bool]:
    """A filter on :class:`Event` for what ``user`` may see (or report on)."""
    if user is not None and getattr(user, "is_organiser", False):
        return true()
    return Event.status.in_(visible_statuses(user, purpose))


def may_see_drafts(user: User | None) -> bool:
    """Whether ``user`` sees draft events too (organisers and admins), so what they are shown differs."""
    return EventStatus.DRAFT.value in visible_statuses(user)
