"""The GUI thread while a body camera with 10,000 files docks and is pulled (issue: recognition and
the pull off the GUI thread; goal: no stall over 100 ms).

A JL_HOME is made with ``jlclient init --demo``; the demo officer logs in through the real service.
The camera is a folder of 10,000 small but valid MP4 files (one simulated 1 s clip at 160x120, each
copy made unique by a trailing MP4 ``free`` box) named as the dcim-imp layout says
(DCIM/100MEDIA/<serial>_<officer>_<YYYYmmddHHMMSS>_<seq>.MP4) with a DEVINFO.TXT. It is written
before the application starts; docking is then a bind mount of that folder (as root, so the real
QStorageInfo listing and the mount-table event see a new volume), otherwise the folder is added to
what the volume lister returns.

The real DockWatcher (real volume listing) and DockingPane(ctx, user, watcher) run in an offscreen
QApplication's event loop. A 10 ms heartbeat QTimer records its ticks; a stall is the longest gap
between ticks minus 10 ms. Figures:
  * dock_stall.idle_max_stall_ms: a second of nothing, the noise floor;
  * dock_stall.detect_max_stall_ms: from the volume appearing until the pane lists the camera
    (listing, recognising 10,000 files on a worker, the pane adding it);
  * dock_stall.pull_max_stall_ms: from the pane's pull_selected() until its pull finished and it
    summarised the report;
  * dock_stall.after_pull_max_stall_ms: what the pane starts after the pull (analysing the new
    footage), until the pane is idle (only when the pane does such work);
  * dock_stall.redock_max_stall_ms: the same camera docked again, all of its files registered;
  * dock_stall.detect_s / dock_stall.pull_s / dock_stall.redock_s: how long those took.
The slowest single call of each pane and watcher handler on the GUI thread is listed (# lines), so a
stall can be pinned on a handler, and so are the garbage collector's pauses: a generation-2 collection
on any thread (the pull's or the recognition's worker) holds the GIL and so stops the GUI thread too.
"""
from __future__ import annotations

import functools
import os
import shutil
import struct
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _benchlib import demo_home, goal_text, info, line, quiet_qt_warnings  # noqa: E402

N_FILES = 10_000
HEARTBEAT_MS = 10
GOAL_STALL_MS = 100
SERIAL, OFFICER = "DSJ0009", "130101"
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


# ---------------------------------------------------------------- the camera

def make_camera(root: Path, n: int) -> int:
    """``n`` unique small MP4 clips in the dcim-imp layout, and its DEVINFO.TXT; returns the bytes written."""
    from jlclient.devices.layouts import load_layout
    from jlclient.devices.simulator import simulate, wall_now
    from jlclient.domain.camera_layout import DeviceInfo, format_device_info, format_name

    layout = load_layout("dcim-imp")
    scratch = root.parent / "clip"
    clip = simulate(scratch, "dcim-imp", segments=1, segment_seconds=1, size=(160, 120), fps=2)[0].read_bytes()
    shutil.rmtree(scratch)
    start = datetime(2026, 3, 1, 8, 0, 0)
    total = 0
    for i in range(n):
        rel = format_name(layout, SERIAL, OFFICER, start + timedelta(minutes=i), i % 9999 + 1, False)   # seq has four digits
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = clip + struct.pack(">I4s", 8 + 8, b"free") + i.to_bytes(8, "big")   # unique content, still valid
        path.write_bytes(data)
        total += len(data)
    info_text = format_device_info(layout, DeviceInfo(SERIAL, OFFICER, "李娜", "130126", "灵寿县行政审批局",
                                                      wall_now().replace(microsecond=0)))
    (root / layout.info.path).write_bytes(info_text.encode(layout.info.encoding))
    return total


class Dock:
    """Docking and undocking the camera folder: a bind mount as root, else a folder the lister adds."""

    def __init__(self, folder: Path, mount_point: Path):
        self.folder, self.mount_point = folder, mount_point
        self.plugged = False

    @property
    def root(self) -> Path:
        return self.mount_point if AS_ROOT else self.folder

    def lister(self):
        """The real volume listing, less the cameras of another run of this benchmark (mounts are
        seen by every process: two runs at once would dock each other's cameras)."""
        from jlclient.ui.dock_watch import mounted_roots

        def volumes():
            mine = [p for p in mounted_roots() if "jlbench-dock-" not in str(p) or p == self.mount_point]
            return mine if AS_ROOT else [*mine, *([self.folder] if self.plugged else [])]
        return volumes

    def plug(self) -> None:
        if AS_ROOT:
            self.mount_point.mkdir(exist_ok=True)
            subprocess.run(["mount", "--bind", str(self.folder), str(self.mount_point)], check=True)
        self.plugged = True

    def unplug(self) -> None:
        if AS_ROOT and self.plugged:
            if subprocess.run(["umount", str(self.mount_point)]).returncode != 0:
                subprocess.run(["umount", "-l", str(self.mount_point)], check=True)
        self.plugged = False


# ---------------------------------------------------------------- measuring the GUI thread

class Heartbeat:
    """A 10 ms timer on the GUI thread; the gaps between its ticks show how long the thread was busy."""

    def __init__(self):
        from PySide6.QtCore import Qt, QTimer
        self.ticks: list[float] = []
        self.timer = QTimer(interval=HEARTBEAT_MS, timerType=Qt.PreciseTimer)
        self.timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))
        self.timer.start()

    def mark(self) -> int:
        return len(self.ticks)

    def gaps(self, since: int) -> list[tuple[float, float]]:
        """(gap in ms, time the gap ended) for every tick since ``since``."""
        ticks = self.ticks[max(since - 1, 0):]
        return [((b - a) * 1000, b) for a, b in zip(ticks, ticks[1:])]


def stall_figures(name: str, gaps: list[tuple[float, float]], note: str, gcs: "Collections") -> float:
    """Prints ``<name>_max_stall_ms`` and what the garbage collector did in the worst gap; returns the max stall."""
    ms = sorted(g for g, _end in gaps)
    worst = ms[-1] - HEARTBEAT_MS if ms else 0.0
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))] - HEARTBEAT_MS if ms else 0.0
    over = sum(1 for g in ms if g - HEARTBEAT_MS > GOAL_STALL_MS)
    line(f"dock_stall.{name}_max_stall_ms", worst,
         f"p99 {p99:.1f}, {len(ms)} heartbeats, {over} over {GOAL_STALL_MS} ms; {note}; "
         f"{goal_text(worst, GOAL_STALL_MS, at_most=True, unit='ms')}")
    if gaps:
        gap, end = max(gaps)
        inside = gcs.between(end - gap / 1000, end, at_least_ms=1.0)
        if inside:
            info(f"the worst {name} gap overlapped garbage collection: " + ", ".join(
                f"generation {g} {p:.1f} ms on {thread}" for p, g, thread, _t in inside))
    return worst


class Collections:
    """The cyclic garbage collector's pauses: it holds the GIL, so any thread's collection stops the GUI thread."""

    def __init__(self):
        import gc
        import threading
        self.pauses: list[tuple[float, int, str, float]] = []   # (ms, generation, thread, when)
        self._start = 0.0
        self._threading = threading
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, details: dict) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            now = time.perf_counter()
            self.pauses.append(((now - self._start) * 1000, details["generation"],
                                self._threading.current_thread().name, now))

    def between(self, t0: float, t1: float, at_least_ms: float = 0.0) -> list[tuple[float, int, str, float]]:
        """The collections that overlapped t0..t1."""
        return [p for p in self.pauses if p[3] - p[0] / 1000 <= t1 and p[3] >= t0 and p[0] >= at_least_ms]

    def report(self, name: str, t0: float, t1: float) -> None:
        pauses = self.between(t0, t1)
        worst = max(pauses, default=(0.0, -1, "-", 0.0))
        gen2 = [p for p in pauses if p[1] == 2]
        info(f"{name}: {len(pauses)} garbage collections, longest {worst[0]:.1f} ms (generation {worst[1]}, "
             f"thread {worst[2]}); {len(gen2)} of generation 2, "
             f"{sum(p[0] for p in gen2):.0f} ms in all")


# What runs on the GUI thread when a camera docks and is pulled: "module:Class.method" or "module:function"
# (a name the pane does not have, or no longer has, is skipped). Nested: a handler's time includes its callees.
HANDLERS = ("jlclient.ui.dock_watch:DockWatcher.poll", "jlclient.ui.dock_watch:DockWatcher._recognised",
            "jlclient.ui.docking_pane:DockingPane.add_camera", "jlclient.ui.docking_pane:DockingPane._arrived",
            "jlclient.ui.docking_pane:DockingPane._refresh_selected", "jlclient.services.cameras:dock_found",
            "jlclient.services.cameras:for_pull", "jlclient.services.cameras:record_docking",
            "jlclient.ui.docking_pane:interrupted",
            "jlclient.ui.docking_pane:DockingPane.remove_camera", "jlclient.ui.docking_pane:DockingPane.pull_selected",
            "jlclient.ui.docking_pane:DockingPane._progress", "jlclient.ui.docking_pane:DockingPane._finished",
            "jlclient.ui.docking_pane:DockingPane._analyse", "jlclient.ui.docking_pane:DockingPane._analysed",
            "jlclient.ui.docking_pane:UnlinkedFootage.refresh", "jlclient.services.footage:unlinked_counts",
            "jlclient.services.footage:unlinked_sessions")


class Handlers:
    """Times those handlers when they run on the GUI thread (patched before the pane and watcher are made)."""

    def __init__(self, specs=HANDLERS):
        import importlib
        import threading
        self.main = threading.main_thread()
        self._current = threading.current_thread
        self.worst: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        for spec in specs:
            module_name, _, dotted = spec.partition(":")
            owner = importlib.import_module(module_name)
            *path, attr = dotted.split(".")
            for name in path:
                owner = getattr(owner, name, None)
            if owner is not None and hasattr(owner, attr):
                setattr(owner, attr, self._timed(dotted, getattr(owner, attr)))

    def _timed(self, name, fn):
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            if self._current() is not self.main:
                return fn(*args, **kwargs)
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                ms = (time.perf_counter() - t0) * 1000
                self.worst[name] = max(self.worst.get(name, 0.0), ms)
                self.calls[name] = self.calls.get(name, 0) + 1
        return timed

    def report(self) -> None:
        info("slowest single call on the GUI thread, ms (calls): " + "; ".join(
            f"{name} {self.worst[name]:.1f} ({self.calls[name]})" for name in sorted(self.worst)))


def shows(pane, root: Path) -> bool:
    """The pane lists the camera at ``root`` (a pane keeping its cameras by root, or a list of items)."""
    if hasattr(pane, "docks"):
        return str(root) in pane.docks
    from jlclient.ui.docking_pane import RootRole
    return any(pane.cameras.item(i).data(RootRole) == str(root) for i in range(pane.cameras.count()))


def pull_running(pane) -> bool:
    if hasattr(pane, "docks"):
        return any(d.task is not None for d in pane.docks.values())
    return pane.task is not None


def pane_busy(pane) -> bool:
    """The pull or what the pane does after it (e.g. analysing the new footage)."""
    return pane.busy() if hasattr(pane, "busy") else pull_running(pane)


def run_until(condition, timeout_s: float) -> bool:
    """Run the event loop (as the application does) until ``condition()`` holds; False on timeout."""
    from PySide6.QtCore import QEventLoop, QTimer
    loop = QEventLoop()
    deadline = time.perf_counter() + timeout_s

    def check_now() -> None:   # returns None: PySide6 6.12 over-releases a bool a slot returns
        if condition() or time.perf_counter() > deadline:
            loop.quit()
    check = QTimer(interval=20)
    check.timeout.connect(check_now)
    check.start()
    if not condition():
        loop.exec()
    check.stop()
    return condition()


# ---------------------------------------------------------------- the run

def pulled_files(ctx) -> int:
    from sqlalchemy import func, select

    from jlclient.store.models import PulledFile
    with ctx.db.read() as s:
        return s.scalar(select(func.count(PulledFile.id)).where(PulledFile.camera_serial == SERIAL))


def detect(pane, watcher, dock: Dock, beat: Heartbeat, gcs: Collections, name: str = "detect") -> None:
    mark, t0 = beat.mark(), time.perf_counter()
    dock.plug()
    if not run_until(lambda: shows(pane, dock.root), 60):
        raise RuntimeError("the camera was never listed in the pane")
    took = time.perf_counter() - t0
    found = watcher.cameras[str(dock.root)]
    assert len(found.files) == N_FILES and found.device.serial == SERIAL, (len(found.files), found.device)
    stall_figures(name, beat.gaps(mark), f"volume appears until the pane lists it, {took:.2f} s", gcs)
    gcs.report(name, t0, t0 + took)
    line(f"dock_stall.{name}_s", took, f"{N_FILES:,} files recognised", digits=2)


def pull_all(ctx, pane, size: int, beat: Heartbeat, gcs: Collections) -> None:
    mark, t0 = beat.mark(), time.perf_counter()
    pane.pull_selected()              # the camera docked first is selected
    if not run_until(lambda: not pull_running(pane), 550):
        raise RuntimeError("the pull never finished")
    took = time.perf_counter() - t0
    if pulled_files(ctx) != N_FILES:
        raise RuntimeError(f"the pull did not complete: {pulled_files(ctx)} files registered; {pane.status.text()}")
    stall_figures("pull", beat.gaps(mark), f"pull_selected() until the pane summarised, {took:.1f} s", gcs)
    gcs.report("pull", t0, t0 + took)
    line("dock_stall.pull_s", took, f"{N_FILES:,} files, {N_FILES / took:.0f} files/s, {size / 1e6 / took:.1f} MB/s")
    after_pull(pane, beat, gcs)


def after_pull(pane, beat: Heartbeat, gcs: Collections) -> None:
    """What the pane starts once the pull is done (analysing the new footage), until it is idle."""
    if not pane_busy(pane):
        return
    mark, t0 = beat.mark(), time.perf_counter()
    if not run_until(lambda: not pane_busy(pane), 550):
        raise RuntimeError("the pane's work after the pull never finished")
    took = time.perf_counter() - t0
    stall_figures("after_pull", beat.gaps(mark), f"the pane's work after the pull (footage analysis), {took:.1f} s",
                  gcs)
    gcs.report("after_pull", t0, t0 + took)


def undock(pane, dock: Dock, beat: Heartbeat, gcs: Collections, name: str = "undock") -> None:
    mark = beat.mark()
    dock.unplug()
    if not run_until(lambda: not shows(pane, dock.root), 10):
        raise RuntimeError("the camera was never taken off the list")
    stall_figures(name, beat.gaps(mark), "volume gone until the pane drops it", gcs)


def main() -> int:
    from jlclient.ui.app import settle_heap
    import gc

    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication

    with demo_home("jlbench-dock-") as (tmp, home, init_s):
        t0 = time.perf_counter()
        size = make_camera(Path(tmp) / "camera", N_FILES)
        how = ("a bind mount (root: the real QStorageInfo listing and mount-table event see it)" if AS_ROOT
               else "adding the folder to the volume list (not root)")
        info(f"setup: jlclient init --demo {init_s:.1f} s; camera of {N_FILES:,} files, {size / 1e6:.0f} MB "
             f"written in {time.perf_counter() - t0:.1f} s; docked by {how}")
        dock = Dock(Path(tmp) / "camera", Path(tmp) / "usb")
        from jlclient.services import auth
        from jlclient.services.context import AppContext
        from jlclient.services.setup import DEMO_PASSWORD
        from jlclient.ui.dock_watch import DockWatcher
        from jlclient.ui.docking_pane import DockingPane

        quiet_qt_warnings()
        app = QApplication.instance() or QApplication([])  # noqa: F841 (kept alive for the run)
        handlers, gcs = Handlers(), Collections()
        ctx = AppContext.open()
        watcher = None
        try:
            watcher = DockWatcher(volumes=dock.lister())
            pane = DockingPane(ctx, auth.login(ctx, "officer", DEMO_PASSWORD), watcher)
            pane.resize(420, 600)
            pane.show()
            settle_heap()                       # as the application does once its window is shown
            beat = Heartbeat()
            watcher.start()
            info(f"{len(gc.get_objects()):,} objects for the garbage collector to walk before docking "
                 f"(a generation-2 collection walks them all, holding the GIL)")
            mark = beat.mark()
            run_until(lambda: False, 1.0)
            stall_figures("idle", beat.gaps(mark), "1 s with the watcher listing volumes", gcs)
            detect(pane, watcher, dock, beat, gcs)
            pull_all(ctx, pane, size, beat, gcs)
            undock(pane, dock, beat, gcs)
            detect(pane, watcher, dock, beat, gcs, "redock")   # every file on it registered already
            undock(pane, dock, beat, gcs, "undock_again")
            handlers.report()
        finally:
            dock.unplug()
            if watcher is not None:
                watcher.stop()
                watcher.pool.waitForDone()
            QThreadPool.globalInstance().waitForDone()
            ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
