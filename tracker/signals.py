"""Domain signals: services announce what happened; other areas (mail, calendar) react in the same transaction.

Senders and receivers never commit; the request (or command) that caused the change commits once.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: ``sender`` is the :class:`~tracker.models.Event`; ``fields`` the set of calendar-visible fields
#: that changed (``starts_at``, ``ends_at``, ``venue``, ``title``, ``status`` …). Sent after
#: ``event.sequence`` was raised and flushed; invited units must get an update.
event_rescheduled = _signals.signal("event-rescheduled")

#: ``sender`` is the cancelled :class:`~tracker.models.Event` (status already ``cancelled``, sequence raised).
event_cancelled = _signals.signal("event-cancelled")

#: ``sender`` is the :class:`~tracker.models.Invitation` being withdrawn, still in the session with its event
#: and unit (it is deleted right after). The unit's contacts must be told (the calendar area sends the notice).
invitation_withdrawn = _signals.signal("invitation-withdrawn")
