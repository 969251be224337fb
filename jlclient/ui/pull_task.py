"""One camera's pull on a worker thread, reporting through queued signals (the GUI thread only
ever receives copies; it never waits on the worker). Progress is throttled by time: a pull of
10,000 small files would otherwise queue tens of thousands of events on the GUI thread."""
from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from itertools import accumulate
from threading import Event
from typing import Callable

from PySide6.QtCore import QObject, QRunnable, Signal

from jlclient.devices.dock import for_pull
from jlclient.devices.layouts import Recognised
from jlclient.devices.pull import CameraFile, Docked, PullReport, pull
from jlclient.services.context import AppContext

EMIT_EVERY_S = 0.08     # at most ~12 progress signals a second
RATE_WINDOW_S = 5.0     # the rate is measured over the last few seconds, so it follows the current speed
RATE_MIN_SPAN_S = 1.0   # before that much has been seen, neither rate nor time left is shown


@dataclass(frozen=True)
class PullProgress:
    """Where a pull stands. Bytes count every file once (a file already registered counts as done)."""
    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int
    current_path: str       # the file being pulled, relative to the volume root ("" when none)
    current_done: int
    current_total: int
    rate_bps: float         # bytes a second over the last few seconds; 0.0 until measurable
    eta_s: float | None     # seconds left at that rate; None until measurable

    @property
    def fraction(self) -> float:
        return self.bytes_done / self.bytes_total if self.bytes_total else float(self.files_done >= self.files_total)


class ProgressMeter:
    """Counts a pull's progress on the worker; says when the next signal is due (no Qt here)."""

    def __init__(self, files: list[CameraFile], clock: Callable[[], float] = time.monotonic,
                 every_s: float = EMIT_EVERY_S):
        self.files, self.clock, self.every_s = files, clock, every_s
        self._starts = list(accumulate((f.size for f in files), initial=0))   # bytes before files[i]
        self.bytes_total = self._starts[-1]
        self.index = 0               # the file being pulled; len(files) when all are dealt with
        self.current_done = 0
        self._last_emit: float | None = None
        self._samples: deque[tuple[float, int]] = deque([(clock(), 0)])

    def begin(self, index: int) -> None:
        """The pull moved on to files[index]: every file before it is done (stored, linked, skipped or failed)."""
        self.index, self.current_done = index, 0

    def add(self, n: int) -> None:
        self.current_done += n

    def due(self) -> bool:
        return self._last_emit is None or self.clock() - self._last_emit >= self.every_s

    def snapshot(self) -> PullProgress:
        """The progress now (marks a signal as sent)."""
        now = self._last_emit = self.clock()
        current = self.files[self.index] if self.index < len(self.files) else None
        size = current.size if current else 0
        done = self._starts[self.index] + min(self.current_done, size)
        rate = self._rate(now, done)
        eta = (self.bytes_total - done) / rate if rate > 0 else None
        return PullProgress(self.index, len(self.files), done, self.bytes_total, current.path if current else "",
                            self.current_done, size, rate, eta)

    def finish(self, processed: int) -> PullProgress:
        """The last word: ``processed`` files were dealt with (all of them unless cancelled or stopped)."""
        self.begin(processed)
        return self.snapshot()

    def _rate(self, now: float, done: int) -> float:
        samples = self._samples
        samples.append((now, done))
        while len(samples) > 1 and now - samples[1][0] >= RATE_WINDOW_S:
            samples.popleft()   # keep one sample at least a window old, so the span covers the window
        t0, b0 = samples[0]
        return (done - b0) / (now - t0) if now - t0 >= RATE_MIN_SPAN_S and done > b0 else 0.0


class _Tracked(list):
    """The camera's files, telling the meter which one the pull has moved on to."""

    def __init__(self, files: list[CameraFile], on_file: Callable[[int], None]):
        super().__init__(files)
        self._on_file = on_file

    def __iter__(self):
        for index, f in enumerate(super().__iter__()):
            self._on_file(index)
            yield f


class _Signals(QObject):
    progress = Signal(object, object)  # bytes done, bytes total (objects: a camera holds more than 2 GiB)
    detail = Signal(object)            # PullProgress
    finished = Signal(object)          # PullReport


class PullTask(QRunnable):
    """One camera's pull on a worker thread; results come back through queued signals."""

    def __init__(self, ctx: AppContext, actor: str, found: Recognised, docked: Docked | None = None,
                 files: list[CameraFile] | None = None):
        super().__init__()
        self.ctx, self.actor, self.found = ctx, actor, found
        self.docked, self.files = docked, files   # as the docking recorded them (with its id)
        self.signals = _Signals()
        self.cancel = Event()

    def run(self) -> None:
        docked, files = (self.docked, self.files) if self.docked is not None else for_pull(self.found)
        meter = ProgressMeter(files)

        def moved_on(index: int) -> None:
            meter.begin(index)
            self._maybe_emit(meter)

        def read(_path: str, n: int) -> None:
            meter.add(n)
            self._maybe_emit(meter)
        report = PullReport()
        try:
            report = pull(self.ctx, self.actor, docked, _Tracked(files, moved_on), progress=read, cancel=self.cancel)
        except Exception as exc:  # noqa: BLE001 — shown to the officer; the pull registered nothing half
            report.error = str(exc)
        # entries passed over (links, pipes) are in the report but were never files of the pull
        self._emit(meter.finish(min(len(report.results) - report.count("passed"), len(files))))
        self.signals.finished.emit(report)

    def _maybe_emit(self, meter: ProgressMeter) -> None:
        if meter.due():
            self._emit(meter.snapshot())

    def _emit(self, p: PullProgress) -> None:
        self.signals.progress.emit(p.bytes_done, p.bytes_total or 1)
        self.signals.detail.emit(p)
