"""Footage player speed on a 1080p H.264 clip (25 fps, a keyframe every second), vmem path, real libvlc:
time to the first frame (goal <= 300 ms) and seek time (goal <= 150 ms).

The clip is written first with PyAV (not timed); every figure is the median of several runs, each on a
new jlclient.media.player.Player in this process (the libvlc instance is shared, as in the application;
creating it is timed once on its own). A frame counts when libvlc hands it to the player's frame
callback; which frame it is, is read from the picture itself (the clip's frame-number blocks).

Figures:
  * player.instance_ms: creating the shared libvlc instance (once per process);
  * player.first_frame_ms: Player.play() on a new player until the first 1080p frame is delivered;
  * player.seek_paused_ms: a paused seek until the frame at the target is delivered;
  * player.seek_playing_ms: a seek while playing until a frame within one frame of the target arrives;
  * player.step_ms: one frame step (Player.next_frame) until the next frame is delivered.
"""
from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _benchlib import goal_text, info, line, median, quiet_qt_warnings  # noqa: E402

RUNS = 7
SEEKS = (2000, 6200, 1000, 4480, 7040, 3000, 5520)
GOAL_FIRST_MS = 300
GOAL_SEEK_MS = 150
FRAME_MS = 40


class Rig:
    """A player whose delivered frames (number, perf_counter) are collected; waits pump Qt events."""

    def __init__(self, app, segments):
        from PySide6.QtCore import QObject, Qt, QTimer, Signal

        from jlclient.media.player import Player
        from tests.support.clips import number_of_frame

        class Poster(QObject):
            call = Signal(object)

        self.app, self.poster, self.frames, self.lock = app, Poster(), [], threading.Lock()
        self.poster.call.connect(lambda fn: fn(), Qt.QueuedConnection)

        def post(fn, delay_ms=0):
            QTimer.singleShot(delay_ms, self.poster, fn) if delay_ms else self.poster.call.emit(fn)

        def on_frame(frame):
            number = number_of_frame(frame)
            with self.lock:
                self.frames.append((number, time.perf_counter()))
        self.player = Player(segments, post=post, audio=False, on_frame=on_frame)

    def wait(self, number: int, after: float, tolerance: int = 0, timeout_s: float = 10) -> float:
        """perf_counter of the first frame within ``tolerance`` of ``number`` delivered after ``after``."""
        deadline = time.perf_counter() + timeout_s
        while time.perf_counter() < deadline:
            with self.lock:
                hit = next((t for n, t in self.frames if t >= after and abs(n - number) <= tolerance), None)
            if hit is not None:
                return hit
            self.app.processEvents()
            time.sleep(0.0005)
        raise TimeoutError(f"frame {number} did not come within {timeout_s} s")

    def settle(self, seconds: float = 0.3) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            self.app.processEvents()
            time.sleep(0.002)


def first_frame_ms(app, segments) -> float:
    rig = Rig(app, segments)
    start = time.perf_counter()
    rig.player.play()
    shown = rig.wait(0, start, tolerance=2)   # libvlc may drop a late first frame
    rig.player.close()
    return (shown - start) * 1000


def seek_times(app, segments, *, playing: bool) -> list[float]:
    rig = Rig(app, segments)
    rig.player.play()
    rig.wait(5, 0)
    if not playing:
        rig.player.pause()
    rig.settle()
    times = []
    for target in SEEKS:
        if playing:
            rig.player.seek(target)          # into the middle of a GOP: decodes from the keyframe before it
            start = time.perf_counter()
            shown = rig.wait(target // FRAME_MS, start, tolerance=1)
        else:
            start = time.perf_counter()
            rig.player.seek(target)
            shown = rig.wait(target // FRAME_MS, start)
        times.append((shown - start) * 1000)
        rig.settle(0.25)
    rig.player.close()
    return times


def step_times(app, segments) -> list[float]:
    rig = Rig(app, segments)
    rig.player.play()
    rig.wait(5, 0)
    rig.player.pause()
    rig.settle()
    times = []
    for _ in range(RUNS):
        want = int(rig.player.position_ms() // FRAME_MS) + 1
        start = time.perf_counter()
        rig.player.next_frame()
        times.append((rig.wait(want, start) - start) * 1000)
        rig.settle(0.15)
    rig.player.close()
    return times


def main() -> int:
    quiet_qt_warnings()
    from PySide6.QtCore import QCoreApplication

    from jlclient.media import player as player_module
    from tests.support.clips import single, write_clip

    app = QCoreApplication.instance() or QCoreApplication([])
    with tempfile.TemporaryDirectory(prefix="jl-bench-player-") as tmp:
        t0 = time.perf_counter()
        clip = write_clip(Path(tmp) / "1080p.mp4", seconds=8, size=(1920, 1080))
        info(f"1080p H.264 clip: 8 s, 25 fps, keyframe every 25 frames, {clip.stat().st_size / 1e6:.1f} MB, "
             f"written in {time.perf_counter() - t0:.1f} s")
        segments = single(clip)

        t0 = time.perf_counter()
        player_module._shared_instance()
        line("player.instance_ms", (time.perf_counter() - t0) * 1000, "libvlc instance, once per process; "
             "not in the figures below")

        first_frame_ms(app, segments)                       # warm-up: plugin and file caches
        ms = median([first_frame_ms(app, segments) for _ in range(RUNS)])
        line("player.first_frame_ms", ms, f"play() on a new Player until the first 1080p frame, median of {RUNS}, "
             f"{goal_text(ms, GOAL_FIRST_MS, at_most=True, unit='ms')}")

        times = seek_times(app, segments, playing=False)
        ms = median(times)
        line("player.seek_paused_ms", ms, f"paused seek until the target frame, median of {len(times)} "
             f"(max {max(times):.0f}), {goal_text(ms, GOAL_SEEK_MS, at_most=True, unit='ms')}")

        times = seek_times(app, segments, playing=True)
        ms = median(times)
        line("player.seek_playing_ms", ms, f"seek while playing until a frame within one of the target, median "
             f"of {len(times)} (max {max(times):.0f}), {goal_text(ms, GOAL_SEEK_MS, at_most=True, unit='ms')}")

        times = step_times(app, segments)
        line("player.step_ms", median(times), f"next_frame() until the next frame, median of {len(times)} "
             f"(max {max(times):.0f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
