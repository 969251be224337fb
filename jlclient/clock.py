"""The agency's clock. Times are stored in UTC; people see, and deadlines count, the agency's
local dates (China Standard Time unless JL_TIMEZONE names another zone)."""
from __future__ import annotations

import os
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo


@lru_cache(maxsize=1)
def zone() -> ZoneInfo:
    return ZoneInfo(os.environ.get("JL_TIMEZONE", "Asia/Shanghai"))


def local(utc: datetime) -> datetime:
    """A stored (naive UTC) time as the agency's wall-clock time, naive."""
    return utc.replace(tzinfo=timezone.utc).astimezone(zone()).replace(tzinfo=None)


def local_date(utc: datetime) -> date:
    return local(utc).date()


def today() -> date:
    return datetime.now(zone()).date()


def to_utc(local_time: datetime) -> datetime:
    """An agency wall-clock time (naive) as stored UTC (naive)."""
    return local_time.replace(tzinfo=zone()).astimezone(timezone.utc).replace(tzinfo=None)


def footage_times(started_at: datetime, clock_offset_s: float, position_s: float = 0.0) -> tuple[datetime, datetime]:
    """(device time, true time) ``position_s`` into a recording, both as the agency's wall time (naive).

    ``started_at`` is the recording's stored start, true time in UTC: the pull took the docking's clock
    offset off the time the camera stamped, once (devices.pull). The device time is what the camera
    burned into the picture, so it puts that offset back: true time + ``clock_offset_s`` (device clock
    minus true time, measured when the camera docked). The player, the footage lists, the link dialog
    and the spot-check ledger all ask this one function, so neither time is ever corrected twice."""
    true = local(started_at + timedelta(seconds=position_s))
    return true + timedelta(seconds=clock_offset_s), true


def true_and_device_text(device: datetime, true: datetime) -> str:
    """A recording's time for people: true time, with the camera's own stamp beside it when its clock
    was off, so it can be matched with the time burned into the picture."""
    text = f"{true:%Y-%m-%d %H:%M:%S}"
    if abs((device - true).total_seconds()) >= 1:
        text += f"（记录仪显示 {device:%H:%M:%S}）"
    return text


def frame_of_second(microsecond: float, fps: float) -> int:
    """Which frame of its second a time ``microsecond`` µs past the second falls in (positions sit on
    frame starts; the small allowance keeps a start rounded down to the millisecond in its own frame)."""
    return min(int(microsecond * fps / 1_000_000 + 0.05), max(int(round(fps)) - 1, 0))


def with_frames(at: datetime, fps: float) -> str:
    """HH:MM:SS.ff — ff the frame within the second, as on an editing timeline."""
    return f"{at:%H:%M:%S}.{frame_of_second(at.microsecond, fps):02d}"
