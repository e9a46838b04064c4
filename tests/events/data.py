"""Form posts of the events area, as a browser would send them."""

from __future__ import annotations

import re
from typing import Any


def event_form(**overrides: Any) -> dict[str, Any]:
    """The event form for a ceremony on 25 February 2012, 10:00–11:30 in Baku; ``None`` leaves a field out."""
    data: dict[str, Any] = {
        "kind": "ceremony",
        "title": "Commemoration ceremony",
        "series_id": "0",
        "venue_id": "0",
        "presiding_id": "0",
        "starts_on": "2012-02-25",
        "start_time": "10:00",
        "ends_on": "2012-02-25",
        "end_time": "11:30",
        "timezone": "Asia/Baku",
        "status": "scheduled",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def agenda_form(**overrides: Any) -> dict[str, Any]:
    """The agenda item form for a one-minute silence; ``None`` leaves a field out."""
    data: dict[str, Any] = {
        "kind": "silence",
        "title": "One minute's silence",
        "speaker_id": "0",
        "duration_minutes": "1",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def input_value(html: str, field_id: str) -> str | None:
    """The ``value`` of the input with id ``field_id`` in ``html``, or None when there is no such input."""
    match = re.search(rf'<input[^>]*\bid="{re.escape(field_id)}"[^>]*>', html)
    if not match:
        return None
    value = re.search(r'\bvalue="([^"]*)"', match.group(0))
    return value.group(1) if value else ""
