"""The shared time maths (tracker.timemath): pure functions, called directly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from tracker.timemath import (
    agenda_schedule,
    last_local_day,
    local_days,
    local_instant,
    occupied_spans,
    schedules_overlap,
)

BAKU = ZoneInfo("Asia/Baku")
BERLIN = ZoneInfo("Europe/Berlin")


@dataclass
class Slot:
    """An agenda item as the run-of-show reads it."""

    planned_start: time | None = None
    duration_minutes: int | None = None


@dataclass
class Happening:
    """An event as the overlap rule reads it."""

    starts_at: datetime
    ends_at: datetime
    timezone: str = "Asia/Baku"
    daily_opens: time | None = None
    daily_closes: time | None = None


def baku(*args: int) -> datetime:
    """A wall-clock time in Baku as a UTC instant."""
    return datetime(*args, tzinfo=BAKU).astimezone(UTC)


# --- local_instant ----------------------------------------------------------------------------------


def test_local_instant_is_the_utc_instant_of_the_wall_clock():
    assert local_instant(date(2012, 2, 25), time(10), "Asia/Baku") == datetime(2012, 2, 25, 6, tzinfo=UTC)


def test_local_instant_follows_daylight_saving_time():
    assert local_instant(date(2024, 1, 15), time(12), BERLIN) == datetime(2024, 1, 15, 11, tzinfo=UTC)
    assert local_instant(date(2024, 7, 15), time(12), BERLIN) == datetime(2024, 7, 15, 10, tzinfo=UTC)


# --- last local day ---------------------------------------------------------------------------------


def test_an_end_at_midnight_belongs_to_the_day_before():
    assert last_local_day(baku(2012, 2, 25, 20), baku(2012, 2, 26, 0), BAKU) == date(2012, 2, 25)


def test_an_end_after_midnight_is_on_the_next_day():
    assert last_local_day(baku(2012, 2, 25, 20), baku(2012, 2, 26, 0, 1), BAKU) == date(2012, 2, 26)


def test_an_all_day_event_ends_on_the_day_before_its_exclusive_end():
    # 26 February, all day: stored as local midnight to the next local midnight.
    assert local_days(baku(2012, 2, 26), baku(2012, 2, 27), "Asia/Baku") == (date(2012, 2, 26), date(2012, 2, 26))


def test_an_exhibition_spans_its_days():
    first, last = local_days(baku(2012, 2, 22, 9), baku(2012, 3, 1, 18), BAKU)
    assert (first, last) == (date(2012, 2, 22), date(2012, 3, 1))


def test_local_days_are_counted_in_the_events_zone_not_utc():
    # 23:30 to 01:00 in Baku is 19:30 to 21:00 UTC: one UTC day, two local ones.
    assert local_days(baku(2012, 2, 25, 23, 30), baku(2012, 2, 26, 1), BAKU) == (date(2012, 2, 25), date(2012, 2, 26))


def test_midnight_rule_holds_across_a_daylight_saving_change():
    # Berlin springs forward on 31 March 2024; a day-long event to the next local midnight is 23 hours.
    start = local_instant(date(2024, 3, 31), time(0), BERLIN)
    end = local_instant(date(2024, 4, 1), time(0), BERLIN)
    assert end - start == timedelta(hours=23)
    assert local_days(start, end, BERLIN) == (date(2024, 3, 31), date(2024, 3, 31))


def test_an_instant_event_at_midnight_stays_on_its_day():
    at = baku(2012, 2, 26)
    assert last_local_day(at, at, BAKU) == date(2012, 2, 26)


ZONES = st.sampled_from(["UTC", "Asia/Baku", "Europe/Berlin", "America/New_York", "America/Santiago",
                         "Australia/Lord_Howe", "Pacific/Kiritimati", "Pacific/Apia", "Etc/GMT+12"])
INSTANTS = st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2150, 1, 1), timezones=st.just(UTC))


@given(start=INSTANTS, length=st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=400)),
       zone=ZONES)
def test_last_local_day_is_never_before_the_start_day(start, length, zone):
    end = start + length
    assert last_local_day(start, end, zone) >= start.astimezone(ZoneInfo(zone)).date()


@given(start=INSTANTS, length=st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=400)),
       zone=ZONES)
def test_last_local_day_is_the_end_day_or_the_day_before(start, length, zone):
    end = start + length
    end_day = end.astimezone(ZoneInfo(zone)).date()
    assert last_local_day(start, end, zone) in (end_day, end_day - timedelta(days=1))


# --- occupied spans and overlap ---------------------------------------------------------------------


def test_an_event_without_daily_hours_occupies_its_whole_span():
    ceremony = Happening(baku(2012, 2, 25, 10), baku(2012, 2, 25, 11, 30))
    assert occupied_spans(ceremony) == [(ceremony.starts_at, ceremony.ends_at)]


def test_an_exhibition_occupies_only_its_opening_hours():
    exhibition = Happening(baku(2012, 2, 22, 9), baku(2012, 2, 24, 18), daily_opens=time(9), daily_closes=time(18))
    assert occupied_spans(exhibition) == [
        (baku(2012, 2, day, 9), baku(2012, 2, day, 18)) for day in (22, 23, 24)
    ]


def test_opening_hours_are_cut_to_the_events_own_start_and_end():
    exhibition = Happening(baku(2012, 2, 22, 12), baku(2012, 2, 23, 15), daily_opens=time(9), daily_closes=time(18))
    assert occupied_spans(exhibition) == [(baku(2012, 2, 22, 12), baku(2012, 2, 22, 18)),
                                          (baku(2012, 2, 23, 9), baku(2012, 2, 23, 15))]


def test_events_that_touch_end_to_start_do_not_overlap():
    first = Happening(baku(2012, 2, 25, 10), baku(2012, 2, 25, 11))
    second = Happening(baku(2012, 2, 25, 11), baku(2012, 2, 25, 12))
    assert not schedules_overlap(first, second)
    assert not schedules_overlap(second, first)


def test_events_sharing_a_minute_overlap():
    first = Happening(baku(2012, 2, 25, 10), baku(2012, 2, 25, 11, 1))
    second = Happening(baku(2012, 2, 25, 11), baku(2012, 2, 25, 12))
    assert schedules_overlap(first, second)
    assert schedules_overlap(second, first)


def test_an_evening_event_does_not_clash_with_an_exhibitions_closed_night():
    exhibition = Happening(baku(2012, 2, 22, 9), baku(2012, 3, 1, 18), daily_opens=time(9), daily_closes=time(18))
    evening = Happening(baku(2012, 2, 25, 19), baku(2012, 2, 25, 21))
    assert not schedules_overlap(exhibition, evening)
    assert schedules_overlap(exhibition, Happening(baku(2012, 2, 25, 17), baku(2012, 2, 25, 19)))


def test_an_exhibition_ending_at_closing_time_does_not_overlap_an_event_right_after():
    exhibition = Happening(baku(2012, 2, 22, 9), baku(2012, 2, 24, 18), daily_opens=time(9), daily_closes=time(18))
    assert not schedules_overlap(exhibition, Happening(baku(2012, 2, 24, 18), baku(2012, 2, 24, 19)))


# --- run of show ------------------------------------------------------------------------------------


def test_run_of_show_counts_on_from_the_event_start():
    start = datetime(2012, 2, 25, 10, tzinfo=BAKU)
    entries = agenda_schedule(start, False, [Slot(duration_minutes=1), Slot(duration_minutes=15), Slot()])
    assert [(e.starts_at, e.ends_at) for e in entries] == [
        (start, start + timedelta(minutes=1)),
        (start + timedelta(minutes=1), start + timedelta(minutes=16)),
        (start + timedelta(minutes=16), None),
    ]


def test_a_planned_start_resets_the_count_on_the_events_day():
    start = datetime(2012, 2, 25, 10, tzinfo=BAKU)
    entries = agenda_schedule(start, False, [Slot(), Slot(), Slot(time(11), 30), Slot()])
    assert [e.starts_at for e in entries] == [
        start,  # the first item begins with the event
        None,  # the one before had no duration: unknown
        datetime(2012, 2, 25, 11, tzinfo=BAKU),
        datetime(2012, 2, 25, 11, 30, tzinfo=BAKU),
    ]


def test_run_of_show_times_are_in_the_zone_of_the_start():
    start = datetime(2012, 2, 25, 10, tzinfo=BAKU)
    entry = agenda_schedule(start, False, [Slot(time(10, 30), 10)])[0]
    assert entry.starts_at is not None
    assert entry.starts_at.utcoffset() == timedelta(hours=4)
    assert entry.starts_at.astimezone(UTC) == datetime(2012, 2, 25, 6, 30, tzinfo=UTC)


def test_an_all_day_event_has_only_planned_times():
    start = datetime(2012, 2, 26, 0, tzinfo=BAKU)
    entries = agenda_schedule(start, True, [Slot(duration_minutes=10), Slot(time(9), 10), Slot()])
    assert [e.starts_at for e in entries] == [None, datetime(2012, 2, 26, 9, tzinfo=BAKU),
                                              datetime(2012, 2, 26, 9, 10, tzinfo=BAKU)]


def test_run_of_show_keeps_the_items_given():
    items = [Slot(), Slot()]
    assert [e.item for e in agenda_schedule(datetime(2012, 2, 25, 10, tzinfo=BAKU), False, items)] == items
