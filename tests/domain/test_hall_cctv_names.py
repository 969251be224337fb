"""What an NVR export's names say: channel and span, from the file or its folders."""
from datetime import datetime

import pytest

from jlclient.domain.hall_cctv import ExportName, is_video, read_export_name

START, END = datetime(2026, 11, 20, 8, 0, 0), datetime(2026, 11, 20, 12, 0, 0)


@pytest.mark.parametrize("name, expected", [
    ("ch01_20261120080000_20261120120000.mp4", ExportName("通道01", START, END)),
    ("NVR_ch1_main_20261120080000_20261120120000.dav", ExportName("通道01", START, END)),
    ("192.168.1.64_ch12_20261120080000123_20261120120000456.mp4", ExportName("通道12", START, END)),
    ("通道02/2026-11-20_08-00-00.mp4", ExportName("通道02", START, None)),
    ("export/2026-11-20/CH3/20261120T080000.mp4", ExportName("通道03", START, None)),
    ("大厅/record_0001.mp4", ExportName("", None, None)),
    ("ch02_20261399999999.mp4", ExportName("通道02", None, None)),         # digits that are no time
    ("ch04_20261120120000_20261120080000.mp4", ExportName("通道04", END, None)),  # end before start: not an end
])
def test_export_names(name, expected):
    assert read_export_name(name) == expected


def test_the_file_name_wins_over_its_folder():
    assert read_export_name("ch05/20261101000000/ch06_20261120080000.mp4") == ExportName("通道06", START, None)
    assert read_export_name("20261120080000/clip.mp4").started == START


def test_only_video_files_are_taken():
    assert is_video("a/ch01.MP4") and is_video("x.dav")
    assert not is_video("a/readme.txt") and not is_video("player.exe")
