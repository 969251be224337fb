"""The pull: copy, hash, verify, register — and nothing half-registered, whatever happens."""
import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jlclient.config import Paths
from jlclient.devices.pull import CameraFile, Docked, pull
from jlclient.services.context import AppContext
from jlclient.services.verify import verify
from jlclient.store.models import AvRecord, PulledFile
from tests.support.pull_child import camera_files

ROOT = Path(__file__).resolve().parents[2]


def _camera(path: Path, files: int = 6, size: int = 300_000) -> Path:
    rng = random.Random(7)
    for i in range(files):
        f = path / "DCIM" / "100MEDIA" / f"DSJ0001_130101_20261123{9 + i:02d}0000_{i:04d}.MP4"
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(rng.randbytes(size))
    return path


def _fingerprint(root: Path) -> dict:
    return {p: (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest()) for p in root.rglob("*") if p.is_file()}


def _registered(ctx) -> tuple[int, int]:
    with ctx.db.read() as s:
        return s.scalar(select(func.count(AvRecord.id))), s.scalar(select(func.count(PulledFile.id)))


def test_pull_registers_every_file_once_and_never_touches_the_camera(ctx, tmp_path):
    camera = _camera(tmp_path / "cam")
    before = _fingerprint(camera)
    report = pull(ctx, "user:officer", Docked(camera, "DSJ0001"), camera_files(camera))
    assert report.complete and report.count("stored") == 6
    again = pull(ctx, "user:officer", Docked(camera, "DSJ0001"), camera_files(camera))
    assert again.count("skipped") == 6 and _registered(ctx) == (6, 6)
    assert _fingerprint(camera) == before
    assert verify(ctx).ok


def test_same_content_from_another_camera_is_linked_not_copied(ctx, tmp_path):
    first = _camera(tmp_path / "a", files=2)
    pull(ctx, "user:officer", Docked(first, "DSJ0001"), camera_files(first))
    second = _camera(tmp_path / "b", files=2)
    report = pull(ctx, "user:officer", Docked(second, "DSJ0002"), camera_files(second))
    assert report.count("linked") == 2
    assert len(list(ctx.evidence.hashes())) == 2 and _registered(ctx) == (4, 4)


def test_unplugged_mid_pull_names_it_and_registers_no_part(ctx, tmp_path):
    camera = _camera(tmp_path / "cam", files=3)
    files = camera_files(camera)
    gone = camera / files[1].path

    def unplug(path, _n):
        if path == files[0].path and gone.exists():
            gone.unlink()          # the camera vanishes under the next file
    report = pull(ctx, "user:officer", Docked(camera, "DSJ0001"), files, progress=unplug)
    assert [r.status for r in report.results] == ["stored", "failed", "stored"]
    assert "拔出" in report.results[1].message and not report.complete
    assert _registered(ctx) == (2, 2) and os.listdir(ctx.paths.evidence / "tmp") == []


def test_climbing_names_never_leave_the_camera(ctx, tmp_path):
    camera = _camera(tmp_path / "cam", files=1)
    report = pull(ctx, "user:officer", Docked(camera, "DSJ0001"), [CameraFile("../../etc/passwd", 10, None)])
    assert report.results[0].status == "failed" and "不安全" in report.results[0].message


def test_chinese_spaced_and_very_long_names_are_stored_and_registered(any_ctx, tmp_path):
    ctx, camera = any_ctx, tmp_path / "cam"
    deep = "/".join(["很深的文件夹" * 5] * 6)                  # a path of well over 500 characters
    names = ["DCIM/100MEDIA/现场 检查 录像 01.MP4", "DCIM/100MEDIA/" + "长" * 80 + ".MP4",
             "DCIM/100MEDIA/ leading and trailing .mp4 ", f"DCIM/{deep}/{'段' * 80}.MP4"]
    for i, name in enumerate(names):
        (camera / name).parent.mkdir(parents=True, exist_ok=True)
        (camera / name).write_bytes(bytes([i]) * 5000)
    report = pull(ctx, "user:officer", Docked(camera, "DSJ0001"), camera_files(camera))
    assert report.complete and report.count("stored") == 4
    with ctx.db.read() as s:
        assert sorted(s.scalars(select(PulledFile.path))) == sorted(names)
        assert all(p.parent == ctx.paths.evidence or ctx.paths.evidence in p.parents
                   for p in (ctx.evidence.path(h) for h in s.scalars(select(AvRecord.file_hash))))
    assert verify(ctx).ok


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tiny tmpfs needs root (CI and the dev machines are root)")
def test_full_disk_is_a_clear_error_and_nothing_half_registered(tmp_path):
    store = tmp_path / "tiny"
    store.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(store)], check=True)
    try:
        home = tmp_path / "home"
        home.mkdir()
        ctx = AppContext.open(Paths(home, f"sqlite:///{home / 'jlclient.db'}", store / "evidence"))
        camera = _camera(tmp_path / "cam", files=3, size=300_000)
        before = _fingerprint(camera)
        report = pull(ctx, "user:officer", Docked(camera, "DSJ0001"), camera_files(camera))
        assert [r.status for r in report.results] == ["stored", "failed"]
        assert "空间已满" in report.results[1].message
        assert _registered(ctx) == (1, 1) and os.listdir(store / "evidence" / "tmp") == []
        assert _fingerprint(camera) == before and verify(ctx).ok
        ctx.close()
    finally:
        subprocess.run(["umount", str(store)], check=True)


def test_kill_9_at_random_points_then_resume(tmp_path):
    """The pull process is killed again and again; the next pull finishes, every file stored once."""
    home = tmp_path / "home"
    home.mkdir()
    camera = _camera(tmp_path / "cam", files=30, size=1_000_000)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    rng = random.Random(11)
    killed_inside = 0
    for _ in range(5):
        child = subprocess.Popen([sys.executable, str(ROOT / "tests/support/pull_child.py"), str(home), str(camera)],
                                 env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        for _ in range(rng.randint(1, 4)):     # let it start a random number of files ...
            if not child.stdout.readline():
                break
        time.sleep(rng.uniform(0, 0.03))       # ... and kill it somewhere inside the next step
        killed_inside += child.poll() is None
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
    assert killed_inside >= 3                   # most kills landed while it was pulling
    ctx = AppContext.open(Paths(home, f"sqlite:///{home / 'jlclient.db'}", home / "evidence"))
    report = pull(ctx, "user:officer", Docked(camera, "DSJ0001"), camera_files(camera))
    assert report.complete
    assert _registered(ctx) == (30, 30)
    expected = {hashlib.sha256((camera / f.path).read_bytes()).hexdigest() for f in camera_files(camera)}
    assert set(ctx.evidence.hashes()) == expected
    assert os.listdir(home / "evidence" / "tmp") == []
    assert verify(ctx).ok
    ctx.close()
