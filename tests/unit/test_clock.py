"""portal.clock: stored moments are naive UTC, and a school's day is its own,
daylight saving time included."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from portal import clock

CHICAGO = ZoneInfo("America/Chicago")
KABUL = ZoneInfo("Asia/Kabul")  # UTC+4:30, no daylight saving time


def test_utcnow_is_naive_utc():
    before = datetime.now(timezone.utc).replace(tzinfo=None)
    now = clock.utcnow()
    assert now.tzinfo is None
    assert before <= now <= before + timedelta(seconds=5)


def test_school_time_to_utc_and_back_in_winter_and_summer():
    assert clock.to_utc(date(2026, 1, 15), time(18, 0), CHICAGO) == datetime(2026, 1, 16, 0, 0)  # CST, UTC-6
    assert clock.to_utc(date(2026, 7, 15), time(18, 0), CHICAGO) == datetime(2026, 7, 15, 23, 0)  # CDT, UTC-5
    assert clock.to_utc(date(2026, 7, 15), time(18, 0), KABUL) == datetime(2026, 7, 15, 13, 30)
    local = clock.to_local(datetime(2026, 7, 15, 23, 0), CHICAGO)
    assert (local.date(), local.time(), local.utcoffset()) == (date(2026, 7, 15), time(18, 0), timedelta(hours=-5))
    assert clock.local_to_utc(local) == datetime(2026, 7, 15, 23, 0)
    assert clock.aware_utc(datetime(2026, 7, 15, 23, 0)) == datetime(2026, 7, 15, 23, 0, tzinfo=timezone.utc)


def test_the_school_day_is_the_schools_not_utcs():
    late_evening_in_chicago = datetime(2026, 11, 30, 3, 0)  # 21:00 on the 29th in Chicago
    assert clock.school_day(late_evening_in_chicago, CHICAGO) == date(2026, 11, 29)
    assert clock.day_start(late_evening_in_chicago, CHICAGO) == datetime(2026, 11, 29, 6, 0)
    assert clock.school_day(datetime(2026, 11, 29, 20, 0), KABUL) == date(2026, 11, 30)  # 00:30 in Kabul


def test_day_bounds_follow_daylight_saving_time():
    spring = clock.day_bounds(date(2026, 3, 8), CHICAGO)  # clocks go forward: a 23-hour day
    assert spring == (datetime(2026, 3, 8, 6, 0), datetime(2026, 3, 9, 5, 0))
    autumn = clock.day_bounds(date(2026, 11, 1), CHICAGO)  # clocks go back: a 25-hour day
    assert autumn[1] - autumn[0] == timedelta(hours=25)
    two_days = clock.day_bounds(date(2026, 3, 7), CHICAGO, days=2)
    assert two_days == (datetime(2026, 3, 7, 6, 0), datetime(2026, 3, 9, 5, 0))


def test_models_stamp_rows_with_the_clocks_now():
    from portal.models import base, utcnow
    assert utcnow is clock.utcnow and base.utcnow is clock.utcnow
