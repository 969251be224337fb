"""Shipped camera layouts, recognising a mounted volume, and the simulated body camera."""
from __future__ import annotations

from datetime import datetime, timedelta

import av
import pytest

from jlclient.devices.layouts import available_keys, list_layouts, load_layout, recognise
from jlclient.devices.simulator import draw_frame, read_frame_number, simulate, wall_now
from jlclient.domain.camera_layout import LayoutError

KEYS = available_keys()
START = datetime(2026, 3, 9, 8, 30, 0)


def test_every_shipped_layout_loads():
    assert {"generic-dcim"} < set(KEYS) and len(KEYS) >= 4
    assert [x.key for x in list_layouts()] == KEYS
    with pytest.raises(LayoutError, match="没有“nope”"):
        load_layout("nope")


@pytest.fixture(scope="module", params=KEYS)
def volume(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(request.param)
    written = simulate(root, request.param, segments=3, segment_seconds=2, gap_minutes=5, skew_seconds=-37,
                       important=True, broken=True, start=START, officer="130102", serial="DSJ0042")
    return request.param, root, written, wall_now()


def test_simulated_volume_is_recognised_with_device_info(volume):
    key, root, _written, made_at = volume
    found = recognise(root)
    assert found is not None and found.layout.key == key and found.info_found and not found.info_problem
    device = found.device
    assert (device.serial, device.officer_no, device.officer_name) == ("DSJ0042", "130102", "李娜")
    assert (device.unit_no, device.unit_name) == ("130126", "灵寿县行政审批局")
    offset = found.clock_offset(made_at)
    assert abs(offset.total_seconds() + 37) <= 2


def test_segments_have_device_times_seq_and_important_flag(volume):
    _key, root, written, _made_at = volume
    clips = recognise(root).clips
    device_start = START - timedelta(seconds=37)
    starts = [device_start, device_start + timedelta(seconds=2), device_start + timedelta(seconds=4, minutes=5),
              device_start + timedelta(seconds=6, minutes=5)]
    assert [c.clip.start for c in clips] == starts
    assert [c.clip.seq for c in clips] == [1, 2, 3, 4]
    assert [c.clip.important for c in clips] == [False, False, True, False]
    assert {c.clip.serial for c in clips} == {"DSJ0042"} and {c.clip.officer for c in clips} == {"130102"}
    assert [root / c.path for c in clips] == written
    assert all(c.kind == "video" and c.size == (root / c.path).stat().st_size for c in clips)


def test_broken_file_is_listed_and_unreadable(volume):
    _key, root, written, _made_at = volume
    broken, whole = written[-1], written[0]
    assert 0 < broken.stat().st_size < whole.stat().st_size * 0.75
    with pytest.raises(av.error.FFmpegError):
        with av.open(str(broken)) as container:
            list(container.decode(video=0))


def test_segment_is_h264_and_aac_of_the_expected_length(volume):
    _key, _root, written, _made_at = volume
    with av.open(str(written[0])) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert (video.codec_context.name, audio.codec_context.name) == ("h264", "aac")
        assert (video.width, video.height, audio.sample_rate) == (320, 240, 16000)
        assert abs(float(video.duration * video.time_base) - 2.0) <= 0.1 + 1e-9
        assert abs(float(audio.duration * audio.time_base) - 2.0) <= 0.1 + 1e-9
        numbers = [read_frame_number(f.to_ndarray(format="bgr24")) for f in container.decode(video=0)]
    assert numbers == list(range(20))


def test_frame_number_survives_drawing():
    for n in (0, 1, 0x5A5A, 65535):
        assert read_frame_number(draw_frame(n, START, "130101", "DSJ0001")) == n


def test_a_volume_with_documents_is_not_a_camera(tmp_path):
    (tmp_path / "公文").mkdir()
    (tmp_path / "公文" / "通知.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "DCIM" / "100MEDIA").mkdir(parents=True)
    (tmp_path / "DCIM" / "100MEDIA" / "IMG_0001.JPG").write_bytes(b"\xff\xd8")
    assert recognise(tmp_path) is None
    assert recognise(tmp_path / "missing") is None


def test_generic_fallback_takes_any_dcim_video(tmp_path):
    clip = tmp_path / "DCIM" / "101CAMERA" / "VID_0001.MP4"
    clip.parent.mkdir(parents=True)
    clip.write_bytes(b"\x00" * 10)
    found = recognise(tmp_path)
    assert found.layout.key == "generic-dcim" and found.device is None and not found.info_found
    assert [(f.path, f.size, f.clip) for f in found.files] == [("DCIM/101CAMERA/VID_0001.MP4", 10, None)]


def test_vendor_camera_without_info_file_is_known_by_its_names(tmp_path):
    simulate(tmp_path, "record-folder", segments=1, segment_seconds=1, start=START)
    (tmp_path / "SYSTEM" / "DEVICE.INI").unlink()
    found = recognise(tmp_path)
    assert found.layout.key == "record-folder" and not found.info_found
    assert (found.device.serial, found.device.officer_no, found.device.device_clock) == ("DSJ0001", "130101", None)


def test_unreadable_info_file_is_reported_not_fatal(tmp_path):
    simulate(tmp_path, "dcim-imp", segments=1, segment_seconds=1, start=START)
    (tmp_path / "DEVINFO.TXT").write_text("SN=??\n", encoding="utf-8")
    found = recognise(tmp_path)
    assert found.layout.key == "dcim-imp" and "7 位" in found.info_problem and found.device.serial == "DSJ0001"


def test_symlinks_and_climbing_names_do_not_escape(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "DSJ0001_130101_20260309083000_0009.MP4").write_bytes(b"x")
    root = tmp_path / "cam"
    simulate(root, "dcim-imp", segments=1, segment_seconds=1, start=START)
    (root / "DCIM" / "100MEDIA" / "link").symlink_to(outside, target_is_directory=True)
    found = recognise(root)
    assert [f.path for f in found.files] == ["DCIM/100MEDIA/DSJ0001_130101_20260309083000_0001.MP4"]
