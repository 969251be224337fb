"""Hall CCTV exports (政务服务大厅视频监控, seed 004 Art. 14, 18; seed 001 Art. 16): what an NVR's
export says in its file and folder names. NVRs name exports by channel and by the wall-clock start
and end of the span, e.g. ``ch01_20261120080000_20261120120000.mp4`` (Hikvision),
``NVR_ch1_main_20261120080000_20261120090000.dav`` (Dahua) or ``通道02/2026-11-20_08-00-00.mp4``;
a name that says nothing leaves the time to the file itself."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

VIDEO_SUFFIXES = (".mp4", ".avi", ".mov", ".mkv", ".ts", ".dav", ".264", ".h264", ".asf", ".flv")

# 20261120080000, 20261120080000123 (milliseconds), 2026-11-20_08-00-00, 20261120T080000
_STAMP = re.compile(r"(?<!\d)(20\d\d)[-_.]?(\d\d)[-_.]?(\d\d)[-_T ]?(\d\d)[-_.:]?(\d\d)[-_.:]?(\d\d)(?:\d{3})?(?!\d)")
_CHANNEL = re.compile(r"(?:(?<![a-z])(?:ch|channel|chn)|通道)[-_ ]?0*(\d{1,3})(?!\d)", re.IGNORECASE)


@dataclass(frozen=True)
class ExportName:
    channel: str                  # "通道01"; "" when neither the name nor its folders say
    started: datetime | None      # NVR wall-clock time (the agency's local time)
    ended: datetime | None


def channel_label(number: int) -> str:
    return f"通道{number:02d}"


def _stamps(text: str) -> list[datetime]:
    found = []
    for m in _STAMP.finditer(text):
        try:
            found.append(datetime(*map(int, m.groups())))
        except ValueError:        # 20261399...: digits that only look like a time
            continue
    return found


def read_export_name(relative: str) -> ExportName:
    """Channel and span from an export's path relative to the export folder (POSIX separators);
    the file's own name wins over its folders."""
    parts = [p for p in relative.split("/") if p]
    channel = ""
    for part in reversed(parts):
        if m := _CHANNEL.search(part):
            channel = channel_label(int(m.group(1)))
            break
    stem = parts[-1].rpartition(".")[0] or parts[-1]
    stamps = _stamps(stem) or _stamps("/".join(parts[:-1]))
    started = stamps[0] if stamps else None
    ended = stamps[1] if len(stamps) > 1 and stamps[1] > stamps[0] else None
    return ExportName(channel, started, ended)


def is_video(relative: str) -> bool:
    return relative.lower().endswith(VIDEO_SUFFIXES)
