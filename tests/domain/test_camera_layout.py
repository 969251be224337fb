"""Camera layout profiles: parsing, names and the GA/T 947 device-information block (pure)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from jlclient.domain.camera_layout import (ClipName, DeviceInfo, DeviceInfoError, LayoutError, format_device_info,
                                           format_name, match_name, parse_device_info, parse_layout)
from jlclient.domain.model import DataFileError

CAMERAS = Path(__file__).resolve().parents[2] / "resources" / "cameras"
SHIPPED = sorted(CAMERAS.glob("*.toml"))
START = datetime(2026, 3, 9, 8, 30, 15)

MINIMAL = '''
key = "mini"
name = "最小"
[folders]
video = ["V"]
[names]
pattern = 'V/(?P<serial>[A-Z0-9]{7})_(?P<officer>\\d{6})_(?P<start>\\d{14})_(?P<seq>\\d{3})(?P<important>_IMP)?\\.MP4'
name_format = "V/{serial}_{officer}_{start:%Y%m%d%H%M%S}_{seq:03d}{important}.MP4"
important_mark = "_IMP"
'''


def _layout(path: Path):
    return parse_layout(path.read_text(encoding="utf-8"), path.name)


def test_at_least_three_vendor_layouts_and_a_generic_fallback():
    layouts = [_layout(p) for p in SHIPPED]
    assert len([x for x in layouts if not x.fallback]) >= 3
    assert [x.key for x in layouts if x.fallback] == ["generic-dcim"]
    assert len({x.pattern.pattern for x in layouts}) == len(layouts)
    assert len({x.info.path for x in layouts if x.info}) == len([x for x in layouts if x.info])


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
@pytest.mark.parametrize("important", [False, True])
def test_names_round_trip(path, important):
    layout = _layout(path)
    assert layout.marks_important
    name = format_name(layout, "DSJ0001", "130101", START, 7, important)
    assert match_name(layout, name) == ClipName("DSJ0001", "130101", START, 7, important)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_climbing_and_foreign_names_never_match(path):
    layout = _layout(path)
    good = format_name(layout, "DSJ0001", "130101", START, 1)
    folder, name = good.rsplit("/", 1)
    for bad in (f"../{good}", f"/{good}", f"{folder}/../{folder}/{name}", f"{folder}/./{name}",
                f"{folder}//{name}", good.replace("/", "\\"), f"{good}\x00", f"C:/{good}", name,
                f"{folder}/报告.docx", ""):
        assert match_name(layout, bad) is None, bad


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_device_info_round_trips(path):
    layout = _layout(path)
    info = DeviceInfo("DSJ0001", "130101", "李娜", "130126", "灵寿县行政审批局", datetime(2026, 3, 9, 9, 0, 5))
    assert parse_device_info(layout, format_device_info(layout, info)) == info


def test_device_info_is_validated():
    layout = _layout(CAMERAS / "dcim-imp.toml")
    with pytest.raises(DeviceInfoError, match="7 位"):
        parse_device_info(layout, "SN=DSJ01\nPOLICE_NO=130101\n")
    with pytest.raises(DeviceInfoError, match="6 位"):
        parse_device_info(layout, "SN=DSJ0001\nPOLICE_NO=13010\n")
    with pytest.raises(DeviceInfoError, match="设备时间"):
        parse_device_info(layout, "SN=DSJ0001\nPOLICE_NO=130101\nDEVICE_TIME=yesterday\n")
    assert parse_device_info(layout, "\ufeffSN=DSJ0001\r\nPOLICE_NO=130101\r\n").device_clock is None
    ini = _layout(CAMERAS / "record-folder.toml")
    with pytest.raises(DeviceInfoError, match="DeviceInfo"):
        parse_device_info(ini, "[Other]\nProductSN=DSJ0001\n")
    with pytest.raises(DeviceInfoError, match="JSON"):
        parse_device_info(_layout(CAMERAS / "video-dated.toml"), "{not json")


def test_a_minimal_layout_parses_and_is_named_in_errors():
    layout = parse_layout(MINIMAL, "mini.toml")
    assert layout.info is None and layout.photo_dirs == () and not layout.fallback
    assert format_name(layout, "ABC1234", "000001", START, 2, True) == "V/ABC1234_000001_20260309083015_002_IMP.MP4"
    assert issubclass(LayoutError, DataFileError) and LayoutError.kind == "记录仪配置文件"


@pytest.mark.parametrize("change, key", [
    (("key = \"mini\"", "key = \"other\""), "key"),
    (("(?P<seq>", "(?P<sequence>"), "names.pattern"),
    (("(?P<serial>[A-Z0-9]{7})", "(?P<serial>[A-Z0-9]{7}"), "names.pattern"),
    (("{seq:03d}", "{seq:04d}"), "names.name_format"),
    (("{serial}_", "{unknown}_"), "names.name_format"),
    (('video = ["V"]', 'video = ["../V"]'), "folders.video"),
    (('video = ["V"]', 'video = []'), "folders.video"),
])
def test_broken_layouts_name_the_key(change, key):
    with pytest.raises(LayoutError) as err:
        parse_layout(MINIMAL.replace(*change), "mini.toml")
    assert err.value.key == key and "mini.toml" in str(err.value)


def test_bad_toml_and_device_info_sections():
    with pytest.raises(LayoutError, match="TOML"):
        parse_layout("key = ", "x.toml")
    extra = MINIMAL + '[device_info]\npath = "INFO.INI"\nformat = "ini"\n[device_info.keys]\nserial = "a"\n'
    with pytest.raises(LayoutError) as err:
        parse_layout(extra, "mini.toml")
    assert err.value.key in ("device_info.keys", "device_info.section")
