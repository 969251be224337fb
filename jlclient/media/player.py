"""The footage player: python-vlc over the system libvlc. A recording session (several segment files,
back to back) plays as one timeline; the picture goes either into a native window (``window``: an
X11 window id, a Windows HWND or a macOS NSView) or, with no window, through vmem callbacks into a
pixel buffer handed to ``on_frame`` (offscreen use and tests).

No Qt here: the owner (a ui adapter) passes ``post(fn, delay_ms=0)``, which must run ``fn`` later
(after ``delay_ms``) on the thread that owns the player; libvlc's threads call it too. libvlc
deadlocks when it is driven from inside its own callbacks, so every libvlc event is only posted, and
the vmem display callback only hands over the buffer.

Positions: libvlc reports its time only every 250–500 ms, so the player keeps its own clock,
anchored where the position is known (a load, a seek, a pause, libvlc's time reports) and run forward
at the rate in between. Whenever the player is paused, libvlc is sought (precisely) to the frame the
clock is at, so the picture and the position agree while the reviewer marks, steps or takes a
snapshot; a frame step is such a seek too. While playing, the position follows the picture within a
frame or two, a little more for half a second after a speed change.
"""
from __future__ import annotations

import ctypes
import sys
import tempfile
import threading
import time
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from functools import partial
from pathlib import Path
from typing import Callable, Sequence

from jlclient.clock import footage_times

RATES = (0.5, 1.0, 1.5, 2.0, 4.0)
BROKEN = "无法播放：文件损坏或格式不受支持（{name}）"
MISSING = "无法播放：找不到文件 {name}"
NO_LIBVLC = "无法播放：未安装 VLC 播放组件（libvlc），请安装 VLC 后重试"
DEFAULT_FRAME_MS = 40.0
FLUSH_UP_TO_RATE = 2.0
SYNC_QUIET_S = 0.3        # libvlc's time report right after an anchor may still be the old one
SETTLE_DELAY_MS = 80      # a seek issued sooner after a pause is sometimes lost by libvlc
START_RUN_MS = 300        # how long a still being opened plays before it is paused (see _pause_at_start)
# file-caching: with libvlc's 300 ms default a seek while playing 1080p waits ~175 ms, with 100 ms
# ~140 ms; 100 ms of read-ahead still covers a NAS share mounted over the bureau's network
_VLC_ARGS = ("--file-caching=100", "--quiet", "--no-xlib", "--no-video-title-show", "--no-snapshot-preview",
             "--no-osd", "--no-stats", "--no-sub-autodetect-file", "--no-lua")


@dataclass(frozen=True)
class Segment:
    """One footage file of a recording session. ``started_at``: its stored start, true time in UTC;
    ``clock_offset_s`` = device clock − true time, as measured when the camera docked."""
    path: Path
    duration_s: float
    started_at: datetime
    clock_offset_s: float = 0.0


class Timeline:
    """Segments back to back: position 0 is the start of the first one."""

    def __init__(self, segments: Sequence[Segment]):
        self.segments = tuple(segments)
        starts, at = [], 0
        for seg in self.segments:
            starts.append(at)
            at += round(seg.duration_s * 1000)
        self.starts, self.total_ms = tuple(starts), at

    def __len__(self) -> int:
        return len(self.segments)

    def length_ms(self, index: int) -> int:
        return round(self.segments[index].duration_s * 1000)

    def locate(self, ms: float) -> tuple[int, float]:
        """(segment index, ms inside it) of a timeline position, clamped to the timeline."""
        if not self.segments:
            return 0, 0.0
        ms = min(max(ms, 0.0), float(self.total_ms))
        index = min(max(bisect_right(self.starts, ms) - 1, 0), len(self.segments) - 1)
        return index, ms - self.starts[index]

    def times(self, ms: float) -> tuple[datetime, datetime]:
        """(device time, true time) at this position, as the agency's wall time: the device time is
        the one burned into the picture (clock.footage_times, the one place the offset is applied)."""
        index, inside = self.locate(ms)
        seg = self.segments[index]
        return footage_times(seg.started_at, seg.clock_offset_s, inside / 1000)


class State(Enum):
    IDLE = "idle"
    PLAYING = "playing"
    PAUSED = "paused"
    ENDED = "ended"
    FAILED = "failed"


@dataclass(frozen=True)
class Frame:
    """A picture from the vmem path: RV32 (QImage.Format_RGB32) pixels, valid only during the
    ``on_frame`` call (copy them); ``position_ms`` on the timeline."""
    pixels: ctypes.Array
    width: int
    height: int
    stride: int
    position_ms: int
    segment: int


class _Clock:
    """Where the picture is in the current file, in ms. Read from libvlc's video thread, hence the lock
    (held only for arithmetic, never across a libvlc call)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._base = self._since = 0.0
        self._rate, self._running, self._waiting = 1.0, False, False
        self.frame_ms = DEFAULT_FRAME_MS

    def set(self, ms: float, *, running: bool, waiting: bool = False) -> None:
        """Anchor at ``ms``; ``waiting``: the clock starts with the first picture shown."""
        with self._lock:
            self._base, self._since, self._running, self._waiting = ms, time.perf_counter(), running, waiting

    def position(self) -> float:
        with self._lock:
            return self._snap(self._raw(time.perf_counter()))

    def frame_shown(self, at: float) -> float:
        with self._lock:
            if self._waiting:
                self._since, self._waiting = at, False
            return self._snap(self._raw(at))

    def sync(self, ms: float, at: float) -> None:
        """libvlc's own time report, when it is fresh."""
        with self._lock:
            if self._running and not self._waiting and at - self._since > SYNC_QUIET_S:
                self._base, self._since = ms, at

    def set_rate(self, rate: float) -> None:
        with self._lock:
            now = time.perf_counter()
            self._base, self._since, self._rate = self._raw(now), now, rate

    def freeze(self) -> float:
        """Stop at the frame being shown; returns its time."""
        with self._lock:
            self._base, self._running = self._snap(self._raw(time.perf_counter())), False
            return self._base

    def resume(self) -> None:
        with self._lock:
            self._since, self._running, self._waiting = time.perf_counter(), True, False

    def frame_start(self, ms: float) -> float:
        return ((ms + 0.5) // self.frame_ms) * self.frame_ms

    def _raw(self, at: float) -> float:
        if self._running and not self._waiting:
            return self._base + (at - self._since) * 1000.0 * self._rate
        return self._base

    def _snap(self, ms: float) -> float:
        """To the start of a frame: the nearest one while running (the clock jitters around frame
        starts), the one containing ``ms`` when still (libvlc shows that one after a paused seek)."""
        frame = self.frame_ms
        return ((ms + (frame / 2 if self._running else 0.5)) // frame) * frame


_instance = None


def _vlc():
    import vlc  # lazily: the rest of the application imports and tests without libvlc
    return vlc


def _shared_instance():
    """One libvlc instance per process (creating one loads the plugin cache, ~100 ms)."""
    global _instance
    if _instance is None:
        _instance = _vlc().Instance(list(_VLC_ARGS))
    return _instance


def _embed(player, window: int) -> None:
    if sys.platform.startswith("win"):
        player.set_hwnd(window)
    elif sys.platform == "darwin":
        player.set_nsobject(window)
    else:
        player.set_xwindow(window)


def _ignore(*_args) -> None:
    pass


class Player:
    """One recording session on one libvlc media player. Call every method on the owner's thread."""

    def __init__(self, segments: Sequence[Segment], *, post: Callable[..., None],
                 window: int | None = None, audio: bool = True,
                 on_frame: Callable[[Frame], None] | None = None, on_change: Callable[[], None] | None = None,
                 on_played: Callable[[int], None] | None = None, on_error: Callable[[str], None] | None = None):
        self.timeline = Timeline(segments)
        self._post, self._window, self._audio = post, window, audio
        self._on_frame, self._on_change = on_frame or _ignore, on_change or _ignore
        self._on_played, self._on_error = on_played or _ignore, on_error or _ignore
        self.state, self.index, self.rate, self.volume = State.IDLE, 0, 1.0, 100
        self.error = ""
        self.clock = _Clock()
        self._mp = None
        self._gen = 0                    # bumped per load: events of an earlier file are dropped
        self._probes: dict[int, object] = {}
        self._played: set[int] = set()
        self._want_play = self._has_video = self._closed = False
        self._unsettled = False          # just paused: the still frame is yet to be shown (_settle)
        self._starting = False           # opened for a still: playing until _paused_at_start
        self._start_run_posted = False
        self._settle_token = object()
        self._length_ms: int | None = None
        self._buffers: list[ctypes.Array] = []     # all kept: libvlc may still draw into an older one
        self._picture: tuple[ctypes.Array, int, int] | None = None
        self._callbacks: tuple = ()

    # ------------------------------------------------------------------ what the owner asks

    @property
    def vmem(self) -> bool:
        return self._window is None

    @property
    def settled(self) -> bool:
        """False while a still is being opened or a pause is being snapped back to its frame."""
        return not (self._starting or self._unsettled)

    @property
    def fps(self) -> float:
        """Frames per second of the file being shown (from the probe; 25 until one is loaded)."""
        return 1000.0 / self.clock.frame_ms

    def position_ms(self) -> int:
        if self.state is State.ENDED:
            return self.timeline.total_ms
        if not len(self.timeline):
            return 0
        inside = min(max(self.clock.position(), 0.0), self.timeline.length_ms(self.index))
        return int(self.timeline.starts[self.index] + inside)

    def prepare(self) -> None:
        """Show the first picture, paused."""
        if self.state is State.IDLE and len(self.timeline):
            self._load(0, 0.0, play=False)

    def play(self) -> None:
        if self._closed or not len(self.timeline):
            return
        if self.state is State.PAUSED and self._mp is not None:
            self._mp.set_pause(0)
            self._mp.audio_set_mute(False)
            self.clock.resume()
            self._unsettled = self._starting = False
            self._want_play, self.state = True, State.PLAYING
            self._mark_played()
            self._changed()
        elif self.state is State.ENDED:
            self._load(0, 0.0, play=True)
        elif self.state in (State.IDLE, State.FAILED):
            self._load(self.index, self.clock.position() if self.state is State.FAILED else 0.0, play=True)

    def pause(self) -> None:
        if self.state is not State.PLAYING:
            return
        self._mp.set_pause(1)
        # libvlc shows a frame or two more after a pause: go back to the frame the clock says, so
        # the picture and the position agree (a paused seek shows exactly that frame)
        self.clock.set(min(self.clock.freeze(), self._last_seekable(self.index)), running=False)
        self._want_play, self.state = False, State.PAUSED
        self._settle_later()
        self._changed()

    def toggle(self) -> None:
        self.pause() if self.state is State.PLAYING else self.play()

    def seek(self, ms: float) -> None:
        if self._closed or not len(self.timeline):
            return
        index, inside = self.timeline.locate(ms)
        inside = min(inside, self._last_seekable(index))
        if index != self.index or self.state in (State.IDLE, State.ENDED, State.FAILED):
            self._load(index, inside, play=self._want_play)
            return
        inside = self.clock.frame_start(inside)
        if self.state is State.PAUSED:
            self._show_still(inside)
        else:
            self.clock.set(inside, running=True)      # before libvlc shows the frame
            self._mp.set_time(self._vlc_time(inside))
        self._changed()

    def seek_by(self, delta_ms: float) -> None:
        self.seek(self.position_ms() + delta_ms)

    def next_frame(self) -> None:
        """One frame forward, paused (pauses first when playing). A paused seek, not libvlc's
        next_frame: after a seek that re-shows or skips frames, and a later resume jumps ahead."""
        self.pause()
        if self.state is not State.PAUSED:
            return
        target = self.clock.position() + self.clock.frame_ms
        if target > self._last_seekable(self.index):
            if self.index + 1 < len(self.timeline):
                self._load(self.index + 1, 0.0, play=False)
            return
        self._show_still(target)
        self._changed()

    def set_rate(self, rate: float) -> None:
        old, self.rate = self.rate, rate
        self.clock.set_rate(rate)
        if self._mp is not None:
            self._mp.set_rate(rate)
            if self.state is State.PLAYING and (rate < old or rate <= FLUSH_UP_TO_RATE):
                # frames libvlc queued at the old rate would still show at that pace, up to a
                # second off the clock: start again from the frame the clock is at. Not when
                # speeding up beyond 2×: after that seek libvlc drops frames well past the clock.
                inside = self.clock.frame_start(self.clock.position())
                self.clock.set(inside, running=True)
                self._mp.set_time(self._vlc_time(inside))
        self._changed()

    def faster(self) -> None:
        self.set_rate(next((r for r in RATES if r > self.rate), RATES[-1]))

    def slower(self) -> None:
        self.set_rate(next((r for r in reversed(RATES) if r < self.rate), RATES[0]))

    def reported_rate(self) -> float | None:
        """The rate libvlc itself reports."""
        return self._mp.get_rate() if self._mp is not None else None

    def set_volume(self, volume: int) -> None:
        self.volume = min(max(int(volume), 0), 100)
        if self._mp is not None:
            self._mp.audio_set_volume(self.volume)
        self._changed()

    def snapshot_png(self) -> bytes | None:
        """The picture on screen as PNG, by libvlc's own snapshot (the decoded frame, full size)."""
        if self._mp is None or self.state not in (State.PLAYING, State.PAUSED):
            return None
        with tempfile.TemporaryDirectory(prefix="jl-snap-") as tmp:
            path = Path(tmp) / "snapshot.png"
            if self._mp.video_take_snapshot(0, str(path), 0, 0) != 0 or not path.is_file():
                return None
            return path.read_bytes()

    def close(self) -> None:
        """Stops at once (never from a libvlc callback: the owner calls it)."""
        self._closed = True
        if self._mp is not None:
            self._mp.stop()
            self._gen += 1
            self._mp.release()
            self._mp = None
        self.state = State.IDLE

    # ------------------------------------------------------------------ loading files

    def _load(self, index: int, inside: float, *, play: bool) -> None:
        seg = self.timeline.segments[index]
        self._want_play = play
        if not seg.path.is_file():
            self._refuse(index, inside, MISSING.format(name=seg.path.name))
            return
        probe = self._probe(index)
        if not probe.readable:
            self._refuse(index, inside, BROKEN.format(name=seg.path.name))
            return
        try:
            mp = self._player()
        except Exception:  # noqa: BLE001 — python-vlc raises several kinds when libvlc is missing
            self._refuse(index, inside, NO_LIBVLC)
            return
        picture = self._buffer(probe.width, probe.height) if self.vmem else None
        self.clock.frame_ms = 1000.0 / probe.fps if probe.fps else DEFAULT_FRAME_MS
        media = _shared_instance().media_new_path(str(seg.path))
        for option in self._media_options(inside if play else self._run_from(index, inside), play):
            media.add_option(option)
        mp.set_media(media)               # stops the previous file: its late events carry the old _gen
        media.release()
        self._gen += 1
        self.index, self._length_ms, self._has_video = index, None, False
        self._unsettled = self._starting = not play
        self._start_run_posted = False
        self._picture = picture
        inside = self.clock.frame_start(inside)
        self.clock.set(inside, running=play, waiting=self.vmem and play)
        mp.audio_set_mute(not play)
        self.state, self.error = (State.PLAYING if play else State.PAUSED), ""
        mp.play()
        self._changed()

    def _show_still(self, inside: float) -> None:
        self.clock.set(inside, running=False)     # before libvlc shows the frame
        if not self._unsettled:                   # else _settle shows it
            self._mp.set_time(self._vlc_time(inside))

    def _vlc_time(self, inside: float) -> int:
        """Aim a seek at the middle of the frame: aimed at its start, libvlc may show the one before."""
        return int(self.clock.frame_start(inside) + self.clock.frame_ms / 2)

    def _refuse(self, index: int, inside: float, message: str) -> None:
        self.index = index
        self.clock.set(inside, running=False)
        self._fail(message)

    def _run_from(self, index: int, inside: float) -> float:
        """Where a still being opened starts playing: early enough not to reach the end of the file
        before it is paused (it is sought to its frame then)."""
        run_ms = START_RUN_MS * self.rate + 500
        return min(inside, max(0.0, self.timeline.length_ms(index) - run_ms))

    def _media_options(self, start: float, play: bool) -> list[str]:
        # no :start-paused: a still is opened playing (muted) and paused after (_pause_at_start)
        options = [f":start-time={self._vlc_time(start) / 1000:.3f}"]
        if not self._audio:
            options.append(":no-audio")
        return options

    def _probe(self, index: int):
        if index not in self._probes:
            from jlclient.media.probe import probe
            self._probes[index] = probe(self.timeline.segments[index].path)
        return self._probes[index]

    def _last_seekable(self, index: int) -> float:
        """libvlc ends the file on a paused seek onto its last frame: stay a bit before it."""
        length = self._length_ms if index == self.index and self._length_ms else self.timeline.length_ms(index)
        return max(0.0, length - 1.25 * self.clock.frame_ms)

    def _player(self):
        if self._mp is None:
            vlc = _vlc()
            mp = _shared_instance().media_player_new()
            mp.video_set_key_input(False)      # keys and clicks go to the application, not libvlc
            mp.video_set_mouse_input(False)
            if self.vmem:
                self._callbacks = (vlc.CallbackDecorators.VideoLockCb(self._lock_cb),
                                   vlc.CallbackDecorators.VideoUnlockCb(_unlock_cb),
                                   vlc.CallbackDecorators.VideoDisplayCb(self._display_cb))
                mp.video_set_callbacks(*self._callbacks, None)
            else:
                _embed(mp, self._window)
            events = mp.event_manager()
            for name, kind in (("MediaPlayerPlaying", "playing"), ("MediaPlayerVout", "vout"),
                               ("MediaPlayerEndReached", "end"), ("MediaPlayerEncounteredError", "error"),
                               ("MediaPlayerTimeChanged", "time"), ("MediaPlayerLengthChanged", "length")):
                events.event_attach(getattr(vlc.EventType, name), self._vlc_event, kind)
            self._mp = mp
        return self._mp

    def _buffer(self, width: int, height: int) -> tuple[ctypes.Array, int, int]:
        """The RV32 picture buffer, 32-byte aligned as libvlc wants. It only grows: libvlc may keep a
        video output across files, and whichever output draws, the buffer is large enough."""
        size = width * height * 4
        if not self._buffers or len(self._buffers[-1]) < size + 32:
            self._buffers.append((ctypes.c_ubyte * (size + 32))())
        start = ctypes.addressof(self._buffers[-1])
        self._mp.video_set_format("RV32", width, height, width * 4)
        return (ctypes.c_ubyte * size).from_address(start + (-start) % 32), width, height

    # ------------------------------------------------------------------ libvlc's threads

    def _lock_cb(self, _opaque, planes):
        picture = self._picture
        if picture is not None:
            planes[0] = ctypes.addressof(picture[0])
        return None

    def _display_cb(self, _opaque, _picture) -> None:
        """On libvlc's video thread: hand the picture over; never wait for the owner."""
        try:
            picture = self._picture
            if picture is None:
                return
            pixels, width, height = picture
            inside = self.clock.frame_shown(time.perf_counter())
            index = self.index
            if self._starting:
                self._post(partial(self._event, self._gen, "shown", None, 0.0))
            self._on_frame(Frame(pixels, width, height, width * 4,
                                 int(self.timeline.starts[index] + inside), index))
        except Exception:  # noqa: BLE001 — an exception must never unwind into libvlc
            pass

    def _vlc_event(self, event, kind: str) -> None:
        """On libvlc's event thread: post, nothing more (driving libvlc from here deadlocks)."""
        try:
            value = event.u.new_time if kind == "time" else None
            self._post(partial(self._event, self._gen, kind, value, time.perf_counter()))
        except Exception:  # noqa: BLE001
            pass

    # ------------------------------------------------------------------ back on the owner's thread

    def _event(self, gen: int, kind: str, value, at: float) -> None:
        if gen != self._gen or self._closed or self._mp is None:
            return
        if kind == "vout":
            self._has_video = True
            if self._starting and not self.vmem:
                self._pause_at_start()
        elif kind == "shown":
            self._has_video = True
            if self._starting:
                self._pause_at_start()
        elif kind == "time" and self.state is State.PLAYING:
            self.clock.sync(float(value), at)
        elif kind == "length":
            self._length_ms = self._mp.get_length() or None
        elif kind == "playing":
            self._started()
        elif kind == "end":
            self._segment_ended()
        elif kind == "error":
            self._fail(BROKEN.format(name=self.timeline.segments[self.index].path.name))

    def _started(self) -> None:
        self._mp.set_rate(self.rate)
        self._mp.audio_set_volume(self.volume)
        if self._want_play:
            self._mark_played()

    def _mark_played(self) -> None:
        if self.index not in self._played:
            self._played.add(self.index)
            self._on_played(self.index)

    def _pause_at_start(self) -> None:
        """A still is opened playing (muted), paused once it has played a moment, then sought back
        to its frame. Paused before its first picture, libvlc may make none; paused at it, or with
        :start-paused, libvlc shows no paused seek afterwards."""
        if not self._start_run_posted:
            self._start_run_posted = True
            self._post(partial(self._paused_at_start, self._gen), START_RUN_MS)

    def _paused_at_start(self, gen: int) -> None:
        if gen == self._gen and self._starting and self.state is State.PAUSED and self._mp is not None:
            self._starting = False
            self._mp.set_pause(1)
            self._settle_later()

    def _settle_later(self) -> None:
        """A seek issued right after a pause is sometimes lost: show the still frame a bit later."""
        self._unsettled = True
        self._settle_token = token = object()
        self._post(partial(self._settle, self._gen, token), SETTLE_DELAY_MS)

    def _settle(self, gen: int, token: object) -> None:
        if gen == self._gen and token is self._settle_token and self._unsettled and self._mp is not None:
            self._unsettled = False
            self._mp.set_time(self._vlc_time(self.clock.position()))

    def _segment_ended(self) -> None:
        if not self._has_video:
            self._fail(BROKEN.format(name=self.timeline.segments[self.index].path.name))
        elif self.index + 1 < len(self.timeline):
            self._load(self.index + 1, 0.0, play=self._want_play)
        else:
            self.state, self._want_play = State.ENDED, False
            self.clock.set(self.timeline.length_ms(self.index), running=False)
            self._changed()

    def _fail(self, message: str) -> None:
        if self._mp is not None:
            self._mp.stop()
            self._gen += 1
        self.state, self.error, self._want_play = State.FAILED, message, False
        self._changed()
        self._post(partial(self._on_error, message))   # after the owner has wired itself up

    def _changed(self) -> None:
        self._on_change()


def _unlock_cb(_opaque, _picture, _planes) -> None:
    pass
