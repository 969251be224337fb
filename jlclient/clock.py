"""The agency's clock. Times are stored in UTC; people see, and deadlines count, the agency's
local dates (China Standard Time unless JL_TIMEZONE names another zone)."""
from __future__ import annotations

import os
from datetime import date, datetime, timezone
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
