"""Dates and times in the reader's language (Babel's locale data for az, ru and en)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from tracker.i18n import N_, local_date, local_datetime, local_time

BAKU = ZoneInfo("Asia/Baku")
#: 25 February 2012, 10:00 in Baku.
CEREMONY = datetime(2012, 2, 25, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(("language", "expected"), [
    ("az", "25 fevral 2012"),
    ("ru", "25 февраля 2012\u202fг."),  # a narrow no-break space before "г."
    ("en", "February 25, 2012"),
])
def test_long_date_is_written_as_the_language_writes_it(language, expected):
    assert local_date(date(2012, 2, 25), language=language) == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("az", "25 fevral 2012, 10:00"),
    ("ru", "25 февраля 2012, 10:00"),
    ("en", "25 February 2012, 10:00"),
])
def test_date_and_time_are_shown_in_the_event_zone(language, expected):
    assert local_datetime(CEREMONY, zone=BAKU, language=language) == expected


def test_a_datetime_is_moved_to_the_zone_before_taking_its_date():
    late_evening_utc = datetime(2012, 2, 25, 21, 0, tzinfo=UTC)
    assert local_date(late_evening_utc, zone=BAKU, language="az") == "26 fevral 2012"


@pytest.mark.parametrize("language", ["az", "ru", "en"])
def test_times_are_on_the_24_hour_clock(language):
    assert local_time(datetime(2012, 2, 25, 14, 30, tzinfo=UTC), zone=BAKU, language=language) == "18:30"


def test_language_follows_the_request(app):
    with app.test_request_context(headers={"Accept-Language": "az"}):
        assert local_date(date(2012, 2, 25)) == "25 fevral 2012"


def test_n_marks_a_message_without_translating_it():
    assert N_("This field is required.") == "This field is required."
