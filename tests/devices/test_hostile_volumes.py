"""Intake that no camera can stop or turn against the workstation (issue 15, findings 5–8): links at
any depth, pipes, names that are not UTF-8, huge or deeply nested device files, wild clocks, cameras
that do not say who they are."""
import json
import os
import time
import tracemalloc
from pathlib import Path

import pytest
from sqlalchemy import select

from jlclient.devices.clear import NotClearable, clear_camera
from jlclient.devices.dock import for_pull
from jlclient.devices.layouts import load_layout, recognise
from jlclient.devices.pull import CameraFile, Docked, pull, shown
from jlclient.domain.camera_layout import DeviceInfoError, parse_device_info
from jlclient.services.cameras import dock_found
from jlclient.services.verify import verify
from jlclient.store.models import AuditEntry, AvRecord, PulledFile

CLIP = "DCIM/100MEDIA/DSJ0001_130101_20261123{h:02d}0000_{i:04d}.MP4"
DEVINFO = ("SN=DSJ0001\r\nPOLICE_NO=130101\r\nPOLICE_NAME=李娜\r\nUNIT_NO=130126\r\nUNIT_NAME=灵寿县行政审批局\r\n"
           "DEVICE_TIME={clock}\r\n")


def _camera(root: Path, clips: int = 2, clock: str = "2026-11-23 12:00:00", seed: int = 0) -> Path:
    """A DCIM/100MEDIA camera with its DEVINFO.TXT; footage is made-up bytes (kept, though unplayable)."""
    (root / "DCIM" / "100MEDIA").mkdir(parents=True)
    for i in range(clips):
        f = root / CLIP.format(h=9 + i, i=i)
        f.write_bytes(bytes([seed, i, 7]) * 4000)
    (root / "DEVINFO.TXT").write_text(DEVINFO.format(clock=clock), encoding="utf-8")
    return root


def _paths(ctx) -> list[str]:
    with ctx.db.read() as s:
        return sorted(s.scalars(select(PulledFile.path)))


# ---------------------------------------------------------------- finding 5: links at any depth

def _outside(tmp_path: Path) -> Path:
    """A folder elsewhere on the workstation that looks like a camera's footage folder."""
    other = tmp_path / "elsewhere" / "100MEDIA"
    other.mkdir(parents=True)
    (other / "DSJ0001_130101_20261123150000_0009.MP4").write_bytes(b"not the camera's" * 500)
    return other


@pytest.mark.parametrize("linked", ["DCIM", "DCIM/100MEDIA"])
def test_a_linked_footage_folder_is_not_followed_and_is_named_in_the_report(ctx, tmp_path, linked):
    camera = _camera(tmp_path / "cam", clips=0)
    other = _outside(tmp_path)
    (camera / "DCIM" / "100MEDIA").rmdir()
    if linked == "DCIM":
        (camera / "DCIM").rmdir()
    os.symlink(other.parent if linked == "DCIM" else other, camera / linked)
    found = recognise(camera)
    assert found is not None and found.files == []
    docked, files = for_pull(found)
    report = pull(ctx, "user:officer", docked, files)
    assert [(r.path, r.label, r.message) for r in report.results] == [(linked, "跳过", "跳过：符号链接，未读取")]
    assert _paths(ctx) == [] and report.complete
    clear_camera(ctx, "user:officer", docked, files)
    assert len(list(other.iterdir())) == 1           # nothing outside the camera was removed


def test_clearing_never_removes_through_a_link_made_after_the_pull(ctx, tmp_path):
    camera = _camera(tmp_path / "cam", clips=1)
    docked, files = for_pull(recognise(camera))
    assert pull(ctx, "user:officer", docked, files).complete
    # the folder is swapped for a link to a copy elsewhere with the same file: same name, same bytes
    other = tmp_path / "elsewhere"
    (camera / "DCIM").rename(other)
    os.symlink(other, camera / "DCIM")
    with pytest.raises(NotClearable, match="不是记录仪上的普通文件|读取"):
        clear_camera(ctx, "user:officer", docked, files)
    assert (other / "100MEDIA").exists() and len(list((other / "100MEDIA").iterdir())) == 1


def test_links_and_pipes_inside_a_footage_folder_are_passed_over_with_the_reason(ctx, tmp_path):
    camera = _camera(tmp_path / "cam", clips=2)
    media = camera / "DCIM" / "100MEDIA"
    secret = tmp_path / "secret.txt"
    secret.write_text("工作站上的文件")
    os.symlink(secret, media / "LINK.MP4")
    os.mkfifo(media / "PIPE.MP4")                   # reading a pipe would wait for ever
    (media / "SUB").mkdir()
    os.symlink(tmp_path, media / "SUB" / "UP")
    docked, files = for_pull(recognise(camera))
    report = pull(ctx, "user:officer", docked, files)
    passed = {r.path: r.message for r in report.results if r.status == "passed"}
    assert passed == {"DCIM/100MEDIA/LINK.MP4": "跳过：符号链接，未读取",
                      "DCIM/100MEDIA/PIPE.MP4": "跳过：管道，未读取",
                      "DCIM/100MEDIA/SUB/UP": "跳过：符号链接，未读取"}
    assert report.count("stored") == 2 and report.complete
    assert len(_paths(ctx)) == 2 and verify(ctx).ok


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root (CI and the dev machines are root)")
def test_a_device_node_on_the_camera_is_passed_over_not_read(ctx, tmp_path):
    import stat
    camera = _camera(tmp_path / "cam", clips=1)
    os.mknod(camera / "DCIM" / "100MEDIA" / "ZERO.MP4", stat.S_IFCHR | 0o600, os.makedev(1, 5))   # /dev/zero
    docked, files = for_pull(recognise(camera))
    report = pull(ctx, "user:officer", docked, files)
    assert [(r.path, r.message) for r in report.results if r.status == "passed"] == [
        ("DCIM/100MEDIA/ZERO.MP4", "跳过：设备文件，未读取")]
    assert report.complete and report.count("stored") == 1


# ---------------------------------------------------------------- finding 6: one bad file, one bad field

def test_a_name_that_is_not_utf8_is_stored_under_a_safe_name_and_the_rest_goes_on(any_ctx, tmp_path):
    ctx = any_ctx
    camera = _camera(tmp_path / "cam", clips=2)
    bad = os.fsencode(camera / "DCIM" / "100MEDIA") + b"/\xff\xfe\xe4\xb8\xad.MP4"   # bad bytes, then 中
    with open(bad, "wb") as f:
        f.write(b"bad name" * 1000)
    docked, files = for_pull(recognise(camera))
    report = pull(ctx, "user:officer", docked, files)
    assert report.complete and report.count("stored") == 3
    assert "DCIM/100MEDIA/\\xff\\xfe中.MP4" in _paths(ctx)
    with ctx.db.read() as s:
        details = [json.loads(e.detail) for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "av.pull"))]
    assert [d["name_bytes_hex"] for d in details if "name_bytes_hex" in d] == [b"DCIM/100MEDIA/\xff\xfe\xe4\xb8\xad.MP4".hex()]
    again = pull(ctx, "user:officer", docked, files)
    assert again.count("skipped") == 3                   # the bad name is known again next time
    clear_camera(ctx, "user:officer", docked, files)
    assert not os.path.exists(bad) and verify(ctx).ok


@pytest.mark.parametrize("clock", ["9999-12-31 23:59:59", "0001-01-01 00:00:00", "1970-01-01 08:00:00"])
def test_a_wild_device_clock_is_flagged_and_not_used(ctx, tmp_path, clock):
    camera = _camera(tmp_path / "cam", clips=2, clock=clock)
    found = recognise(camera)
    assert found.clock_invalid
    view, docked, files = dock_found(ctx, "user:officer", found)
    assert "时钟无效" in docked.clock_note and view.camera.last_offset_s is None
    report = pull(ctx, "user:officer", docked, files)
    assert report.complete and report.count("stored") == 2      # no OverflowError, no orphan
    with ctx.db.read() as s:
        starts = list(s.scalars(select(AvRecord.started_at)))
    assert all(t is None or 2000 <= t.year <= 2100 for t in starts) and len(starts) == 2
    assert verify(ctx).ok


def test_clip_names_dated_out_of_range_give_no_time_rather_than_a_crash(ctx, tmp_path):
    camera = _camera(tmp_path / "cam", clips=0)
    name = camera / "DCIM" / "100MEDIA" / "DSJ0001_130101_00010101000000_0001.MP4"
    name.parent.mkdir(parents=True, exist_ok=True)
    name.write_bytes(b"x" * 5000)
    docked, files = for_pull(recognise(camera))
    assert files[0].started_at is None
    assert pull(ctx, "user:officer", docked, files).complete


def test_a_huge_device_file_is_read_only_to_its_cap_and_the_clock_is_unknown_not_zero(ctx, tmp_path):
    camera = _camera(tmp_path / "cam", clips=1)
    with open(camera / "DEVINFO.TXT", "r+b") as f:
        f.truncate(1 << 30)                          # a sparse 1 GB file
    tracemalloc.start()
    began = time.monotonic()
    found = recognise(camera)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 8 << 20 and time.monotonic() - began < 5
    assert "设备信息文件无法识别" in found.info_problem and "过大" in found.info_problem
    docked, files = for_pull(found)
    assert docked.serial == "DSJ0001"                # from the clip names, detection went on
    assert docked.clock_note == "设备未报告时钟，未校正录像时间"


def _json_camera(root: Path, info: str) -> Path:
    clip = root / "VIDEO" / "20261123" / "DSJ0001-130101-20261123T090000-01.mp4"
    clip.parent.mkdir(parents=True)
    clip.write_bytes(b"v" * 4000)
    (root / "device.json").write_text(info, encoding="utf-8")
    return root


@pytest.mark.parametrize("info", ["[" * 100_000 + "]" * 100_000, "[" * 40 + "]" * 40,
                                  '{"device": {"sn": ' + "9" * 5000 + "}}"])
def test_a_hostile_device_json_is_unrecognised_and_detection_goes_on(tmp_path, info):
    found = recognise(_json_camera(tmp_path / "cam", info))
    assert found is not None and found.layout.key == "video-dated"
    assert "设备信息文件无法识别" in found.info_problem or "产品序号" in found.info_problem
    assert len(found.files) == 1


def test_a_long_number_in_an_unused_device_field_is_kept_as_text():
    layout = load_layout("video-dated")
    keys = layout.info.keys
    values = {keys["serial"]: "DSJ0001", keys["officer_no"]: "130101", keys["unit_no"]: 1, keys["clock"]: ""}
    nested: dict = {}
    for dotted, value in values.items():
        node = nested
        *parents, leaf = dotted.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = value
    text = json.dumps(nested).replace(": 1", ": " + "7" * 5000)
    assert parse_device_info(layout, text).unit_no == "7" * 5000
    with pytest.raises(DeviceInfoError, match="嵌套"):
        parse_device_info(layout, '{"a":' * 30 + "1" + "}" * 30)


# ---------------------------------------------------------------- finding 7: unidentified cameras

def _anonymous(root: Path, content: bytes) -> Path:
    """A camera with no device file and names no layout understands (the generic DCIM/* profile)."""
    f = root / "DCIM" / "100_0001" / "CLIP0001.MP4"
    f.parent.mkdir(parents=True)
    f.write_bytes(content)
    return root


def test_two_cameras_without_identity_are_never_taken_for_one(ctx, tmp_path):
    first = for_pull(recognise(_anonymous(tmp_path / "a", b"A" * 6000)))
    second = for_pull(recognise(_anonymous(tmp_path / "b", b"B" * 6000)))   # same path, same size
    assert first[0].serial != second[0].serial and first[0].serial.startswith("未识别-")
    assert first[0].serial == for_pull(recognise(tmp_path / "a"))[0].serial   # the same camera again
    assert pull(ctx, "user:officer", *first).count("stored") == 1
    assert pull(ctx, "user:officer", *second).count("stored") == 1
    assert len(list(ctx.evidence.hashes())) == 2 and verify(ctx).ok


def test_already_pulled_means_the_same_content_not_the_same_name_and_size(ctx, tmp_path):
    camera = _camera(tmp_path / "cam", clips=1)
    docked, files = for_pull(recognise(camera))
    pull(ctx, "user:officer", docked, files)
    clip = camera / files[0].path
    clip.write_bytes(bytes(reversed(clip.read_bytes())))   # the camera reused the name: new footage
    report = pull(ctx, "user:officer", docked, files)
    assert report.count("stored") == 1 and len(list(ctx.evidence.hashes())) == 2
    assert pull(ctx, "user:officer", docked, files).count("skipped") == 1
    clear_camera(ctx, "user:officer", docked, files)     # the new content is the one registered now
    assert not clip.exists() and verify(ctx).ok


# ---------------------------------------------------------------- finding 8: names cannot fake a line

def test_a_name_with_a_newline_stays_on_its_line():
    assert shown("DCIM/a\n  新登记  b.MP4") == "DCIM/a\\n  新登记  b.MP4"
    assert shown("DCIM/\udcff\x1b[2J.MP4") == "DCIM/\\xff\\x1b[2J.MP4"
    assert "\n" not in shown("x\r\n\u2028y")


def test_a_file_named_with_a_newline_is_pulled(ctx, tmp_path):
    camera = _camera(tmp_path / "cam", clips=1)
    (camera / "DCIM" / "100MEDIA" / "a\nb.MP4").write_bytes(b"n" * 3000)
    docked, files = for_pull(recognise(camera))
    assert pull(ctx, "user:officer", docked, files).count("stored") == 2
    assert "DCIM/100MEDIA/a\nb.MP4" in _paths(ctx)


def test_climbing_names_are_refused_without_leaving_the_camera(ctx, tmp_path):
    camera = _camera(tmp_path / "cam", clips=1)
    report = pull(ctx, "user:officer", Docked(camera, "DSJ0001"), [CameraFile("../../etc/passwd", 10, None)])
    assert report.results[0].status == "failed" and "不安全" in report.results[0].message


# ---------------------------------------------------------------- finding 4: two workstations, one camera

ROUNDS = 50


@pytest.mark.postgres
def test_two_workstations_pulling_one_camera_at_once_lose_nothing_and_never_crash(pg_cluster, tmp_path):
    """Two processes dock the same camera at the same moment, 50 cameras in a row, against PostgreSQL:
    no IntegrityError, every file registered once, and each file stored by one, known to the other."""
    import subprocess
    import sys

    from jlclient.config import Paths
    from jlclient.services.context import AppContext
    root = Path(__file__).resolve().parents[2]
    url = pg_cluster.new_database()
    cameras = tmp_path / "cameras"
    (cameras / "barrier").mkdir(parents=True)
    for i in range(ROUNDS):
        cam = _camera(cameras / f"cam{i:03d}", clips=2, seed=i)
        (cam / "DEVINFO.TXT").write_text(DEVINFO.replace("DSJ0001", f"DSJ{i:04d}").format(clock="2026-11-23 12:00:00"))
    homes = [tmp_path / "ws1", tmp_path / "ws2"]
    for home in homes:
        home.mkdir()
    ctx = AppContext.open(Paths(homes[0], url, tmp_path / "evidence"))     # migrated before the race
    env = {**os.environ, "PYTHONPATH": str(root)}
    children = [subprocess.Popen([sys.executable, str(root / "tests/support/ingest_child.py"), str(home), url,
                                  str(tmp_path / "evidence"), str(cameras), home.name],
                                 env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for home in homes]
    outputs = [child.communicate(timeout=600) for child in children]
    assert [child.returncode for child in children] == [0, 0], [err[-2000:] for _out, err in outputs]
    assert not any("Traceback" in err for _out, err in outputs)
    rounds = list(zip(*([json.loads(line) for line in out.splitlines()] for out, _err in outputs)))
    assert len(rounds) == ROUNDS
    for first, second in rounds:
        assert first["camera"] == second["camera"]
        for a, b in zip(first["statuses"], second["statuses"]):
            assert sorted([a, b]) in (["skipped", "stored"], ["linked", "skipped"]), (first, second)
    with ctx.db.read() as s:
        assert len(list(s.scalars(select(PulledFile.id)))) == 2 * ROUNDS
        assert len(list(s.scalars(select(AvRecord.id)))) == 2 * ROUNDS
    assert verify(ctx).ok
    ctx.close()
