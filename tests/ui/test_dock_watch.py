"""Body cameras appearing and disappearing for the real DockWatcher (a real tmpfs mount when running
as root, so QStorageInfo lists it; a directory otherwise), recognition off the GUI thread, the
platform event trigger, and the pull task's throttled progress."""
from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QThreadPool

from jlclient.devices import volume_events as ve
from jlclient.devices.layouts import available_keys, recognise
from jlclient.devices.pull import CameraFile
from jlclient.devices.simulator import simulate
from jlclient.ui.dock_watch import DockWatcher, WindowsDeviceEvents, mounted_roots
from jlclient.ui.pull_task import ProgressMeter, PullProgress, PullTask

AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
needs_root = pytest.mark.skipif(not AS_ROOT, reason="mounting a tmpfs needs root")


def small_camera(root: Path, key: str, **kw) -> list[Path]:
    return simulate(root, key, segments=2, segment_seconds=2, size=(160, 120), serial="DSJ0077", officer="130109",
                    **kw)


class Volume:
    """A removable volume: a tmpfs mounted at ``path`` as root, else a directory that comes and goes."""

    def __init__(self, path: Path):
        self.path = path
        self.mounted = False

    def lister(self):
        """What the watcher lists: the real mounted volumes as root, else this directory while it is there."""
        return mounted_roots if AS_ROOT else (lambda: [self.path])

    def plug(self) -> None:
        self.path.mkdir(exist_ok=True)
        if AS_ROOT:
            subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "jlclient-test", str(self.path)], check=True)
            self.mounted = True

    def unplug(self) -> None:
        if self.mounted:
            if subprocess.run(["umount", str(self.path)]).returncode != 0:
                subprocess.run(["umount", "-l", str(self.path)], check=True)   # busy: detach it all the same
            self.mounted = False
        else:
            shutil.rmtree(self.path)


@pytest.fixture
def volume(tmp_path):
    vol = Volume(tmp_path.resolve() / "usb")   # QStorageInfo reports the resolved mount point
    yield vol
    if vol.mounted:
        vol.unplug()


@pytest.fixture
def watchers():
    """Make watchers; each is stopped and its recognitions waited for at teardown."""
    made: list[DockWatcher] = []

    def make(*args, **kw) -> DockWatcher:
        made.append(DockWatcher(*args, **kw))
        return made[-1]
    yield make
    for w in made:
        w.stop()
        w.pool.waitForDone()


class FakeEvents:
    def __init__(self):
        self.callback = None

    def start(self, callback) -> None:
        self.callback = callback

    def stop(self) -> None:
        self.callback = None


def _at(root: Path):
    return lambda found: str(found.root) == str(root)


# ---------------------------------------------------------------- docking and undocking

@pytest.mark.parametrize("key", available_keys())
def test_camera_appears_and_disappears(qtbot, watchers, volume, key):
    watcher = watchers(volumes=volume.lister())
    watcher.start()
    with qtbot.waitSignal(watcher.docked, timeout=5000, check_params_cb=_at(volume.path)) as docked:
        volume.plug()
        small_camera(volume.path, key)
    found = docked.args[0]
    assert found.layout.key == key and found.device.serial == "DSJ0077" and len(found.clips) == 2
    assert watcher.cameras[str(volume.path)] is found
    with qtbot.waitSignal(watcher.undocked, timeout=5000, check_params_cb=lambda r: r == str(volume.path)):
        volume.unplug()
    assert str(volume.path) not in watcher.cameras


def test_volume_with_documents_only_is_not_a_camera(qtbot, watchers, volume):
    watcher = watchers(volumes=volume.lister(), interval_ms=100)
    watcher.start()
    volume.plug()
    (volume.path / "工作报告.docx").write_bytes(b"PK\x03\x04 not a camera")
    (volume.path / "DCIM" / "100PHOTO").mkdir(parents=True)
    (volume.path / "DCIM" / "100PHOTO" / "IMG_0001.JPG").write_bytes(b"\xff\xd8\xff")
    docked = []
    watcher.docked.connect(lambda found: docked.append(str(found.root)))
    qtbot.waitUntil(lambda: str(volume.path) in watcher.unrecognised, timeout=5000)
    qtbot.wait(300)
    assert str(volume.path) not in docked and str(volume.path) not in watcher.cameras
    volume.unplug()
    qtbot.waitUntil(lambda: str(volume.path) not in watcher.unrecognised, timeout=5000)


def test_folder_marked_as_camera_is_watched(qtbot, watchers, tmp_path):
    folder = tmp_path / "copied-from-camera"
    folder.mkdir()
    watcher = watchers(volumes=lambda: [], interval_ms=100)
    watcher.start()
    watcher.mark_as_camera(folder)             # empty so far: looked at again on every listing
    with qtbot.waitSignal(watcher.docked, timeout=5000, check_params_cb=_at(folder)) as docked:
        small_camera(folder, "record-folder")
    assert docked.args[0].layout.key == "record-folder"
    with qtbot.waitSignal(watcher.undocked, timeout=5000):
        shutil.rmtree(folder)


# ---------------------------------------------------------------- recognition off the GUI thread

def test_removed_while_recognising_never_docks_and_is_recognised_once(qtbot, watchers, tmp_path):
    camera = tmp_path / "cam"
    small_camera(camera, "dcim-imp")
    present, calls, gate = [camera], [], threading.Event()

    def slow(root):
        calls.append(root)
        gate.wait(5)
        return recognise(root)
    watcher = watchers(volumes=lambda: list(present), interval_ms=20, events=FakeEvents(), recogniser=slow)
    watcher.start()
    qtbot.wait(200)                            # ten listings while the first walk is still going
    assert calls == [camera]
    with qtbot.assertNotEmitted(watcher.docked, wait=200):
        present.clear()                        # unplugged mid-walk
        qtbot.wait(100)
        gate.set()
        qtbot.waitUntil(lambda: watcher.pool.activeThreadCount() == 0, timeout=5000)
    assert watcher.cameras == {}
    with qtbot.waitSignal(watcher.docked, timeout=5000):
        present.append(camera)                 # plugged in again: recognised afresh
    assert len(calls) == 2


def test_gui_thread_only_lists_volumes(qtbot, watchers, tmp_path):
    camera = tmp_path / "cam"
    small_camera(camera, "video-dated")
    threads = []

    def where(root):
        threads.append(threading.current_thread())
        return recognise(root)
    watcher = watchers(volumes=lambda: [camera], events=FakeEvents(), recogniser=where)
    with qtbot.waitSignal(watcher.docked, timeout=5000):
        watcher.start()
    assert threads and threads[0] is not threading.main_thread()


# ---------------------------------------------------------------- event trigger

def test_platform_event_triggers_a_listing_soon(qtbot, watchers, tmp_path):
    camera, present = tmp_path / "cam", []
    small_camera(camera, "dcim-imp")
    events = FakeEvents()
    watcher = watchers(volumes=lambda: list(present), interval_ms=60_000, events=events)
    watcher.start()
    present.append(camera)
    with qtbot.waitSignal(watcher.docked, timeout=2000):
        threading.Thread(target=events.callback).start()   # as the events' own thread calls back


@needs_root
def test_real_mount_is_noticed_without_the_timer(qtbot, watchers, volume):
    watcher = watchers(volumes=mounted_roots, interval_ms=60_000)   # only the mount-table event can find it
    watcher.start()
    with qtbot.waitSignal(watcher.docked, timeout=3000, check_params_cb=_at(volume.path)):
        volume.plug()
        small_camera(volume.path, "generic-dcim")
    with qtbot.waitSignal(watcher.undocked, timeout=3000, check_params_cb=lambda r: r == str(volume.path)):
        volume.unplug()


def test_windows_filter_calls_back_on_volume_arrival(qapp):
    header = ve.DEV_BROADCAST_HDR(ctypes.sizeof(ve.DEV_BROADCAST_HDR), ve.DBT_DEVTYP_VOLUME, 0)
    msg = ve.MSG(0x1234, ve.WM_DEVICECHANGE, ve.DBT_DEVICEARRIVAL, ctypes.addressof(header))
    calls = []
    native = WindowsDeviceEvents()
    native.start(lambda: calls.append(1))
    try:
        assert native.nativeEventFilter(QByteArray(b"windows_generic_MSG"), ctypes.addressof(msg)) == (False, 0)
        assert calls == [1]
        native.nativeEventFilter(QByteArray(b"xcb_generic_event_t"), ctypes.addressof(msg))
        assert calls == [1]
    finally:
        native.stop()


# ---------------------------------------------------------------- pull progress

def test_progress_meter_throttles_and_measures_rate():
    files = [CameraFile("a.mp4", 100, None), CameraFile("b.mp4", 300, None)]
    now = [0.0]
    meter = ProgressMeter(files, clock=lambda: now[0], every_s=0.08)
    meter.begin(0)
    first = meter.snapshot()
    assert (first.files_done, first.bytes_done, first.current_path, first.current_total) == (0, 0, "a.mp4", 100)
    assert first.rate_bps == 0.0 and first.eta_s is None
    meter.add(50)
    now[0] = 0.05
    assert not meter.due()
    now[0] = 0.08
    assert meter.due()
    meter.add(50)
    meter.begin(1)
    meter.add(100)
    now[0] = 1.0
    p = meter.snapshot()
    assert (p.files_done, p.bytes_done, p.current_path, p.current_done) == (1, 200, "b.mp4", 100)
    assert p.rate_bps == pytest.approx(200.0) and p.eta_s == pytest.approx(1.0)
    now[0] = 7.0                                # stalled for longer than the window: no stale estimate
    stalled = meter.snapshot()
    assert stalled.rate_bps == 0.0 and stalled.eta_s is None
    done = meter.finish(2)
    assert (done.files_done, done.bytes_done, done.current_path, done.fraction) == (2, 400, "", 1.0)


def test_pull_task_reports_throttled_detail_and_a_final_progress(qtbot, demo_ctx, login_as, tmp_path):
    camera = tmp_path / "cam"
    small_camera(camera, "record-folder")
    found = recognise(camera)
    task = PullTask(demo_ctx, login_as("officer").actor, found)
    details: list[PullProgress] = []
    byte_counts: list[tuple] = []
    task.signals.detail.connect(details.append)
    task.signals.progress.connect(lambda done, total: byte_counts.append((done, total)))
    with qtbot.waitSignal(task.signals.finished, timeout=20000) as finished:
        QThreadPool.globalInstance().start(task)
    assert finished.args[0].complete
    total = sum(f.size for f in found.files)
    last = details[-1]
    assert (last.files_done, last.files_total, last.bytes_done, last.bytes_total) == (2, 2, total, total)
    assert byte_counts[-1] == (total, total) and len(byte_counts) == len(details)
    assert len(details) <= 5                   # two small files: the first signal, maybe one more, the last
    QThreadPool.globalInstance().waitForDone()


def test_progress_carries_more_than_two_gibibytes(qtbot):
    from jlclient.ui.pull_task import _Signals
    signals, got = _Signals(), []
    signals.progress.connect(lambda done, total: got.append((done, total)))
    signals.progress.emit(5_000_000_000, 64_000_000_000)
    assert got == [(5_000_000_000, 64_000_000_000)]


def test_emitting_does_not_use_up_true():
    """PySide6 6.12.0 drops a reference to True on every emit() from Python: a long pull emits
    thousands of times and the interpreter aborts ("bool_dealloc"). The lock pins a release
    without the bug; this keeps it from coming back with an upgrade."""
    from PySide6.QtCore import QObject, Signal

    class Probe(QObject):
        ping = Signal()
    probe, before = Probe(), sys.getrefcount(True)
    for _ in range(2000):
        probe.ping.emit()
    assert sys.getrefcount(True) >= before - 100
