"""Stored UTC times are shown and counted in the agency's local time (China Standard Time)."""
from datetime import date, datetime

from jlclient import clock


def test_utc_evening_is_the_next_day_in_china():
    assert clock.local(datetime(2026, 9, 30, 17, 30)) == datetime(2026, 10, 1, 1, 30)
    assert clock.local_date(datetime(2026, 9, 30, 17, 30)) == date(2026, 10, 1)
    assert clock.to_utc(datetime(2026, 10, 1, 1, 30)) == datetime(2026, 9, 30, 17, 30)


def test_footage_times_apply_the_docking_offset_once():
    """The stored start is true time in UTC (the pull took the offset off): the device time adds the
    offset back, the true time takes nothing more off."""
    stored = datetime(2026, 11, 20, 1, 30, 28)             # 09:30:28 in China, true time
    device, true = clock.footage_times(stored, 37.0, 5.2)
    assert true == datetime(2026, 11, 20, 9, 30, 33, 200000)
    assert device == datetime(2026, 11, 20, 9, 31, 10, 200000)   # what the camera burned in: 37 s fast


def test_times_to_the_frame():
    assert clock.with_frames(datetime(2026, 11, 20, 9, 31, 10, 200000), 25) == "09:31:10.05"
    assert clock.with_frames(datetime(2026, 11, 20, 9, 31, 10, 960000), 25) == "09:31:10.24"
    ntsc = 30000 / 1001                                    # frame starts cut to the millisecond stay in their frame
    assert [clock.frame_of_second(int(k * 1000 / ntsc) * 1000, ntsc) for k in range(30)] == list(range(30))
