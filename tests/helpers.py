"""Small helpers shared by tests (fixtures live in ``conftest.py``)."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

PASSWORD = "correct horse battery"
BAKU = ZoneInfo("Asia/Baku")


def baku(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An instant given as Baku wall-clock time (UTC+4, no DST since 2016)."""
    return datetime(year, month, day, hour, minute, tzinfo=BAKU)


def field_error(html: str, field_id: str) -> str:
    """The error text shown beside the field ``field_id``, or '' when there is none."""
    match = re.search(rf'id="{re.escape(field_id)}-error">(.*?)</p>', html, re.S)
    return re.sub(r"\s+", " ", match.group(1)).strip() if match else ""
