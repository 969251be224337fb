"""Stored UTC times are shown and counted in the agency's local time (China Standard Time)."""
from datetime import date, datetime

from jlclient import clock


def test_utc_evening_is_the_next_day_in_china():
    assert clock.local(datetime(2026, 9, 30, 17, 30)) == datetime(2026, 10, 1, 1, 30)
    assert clock.local_date(datetime(2026, 9, 30, 17, 30)) == date(2026, 10, 1)
    assert clock.to_utc(datetime(2026, 10, 1, 1, 30)) == datetime(2026, 9, 30, 17, 30)
