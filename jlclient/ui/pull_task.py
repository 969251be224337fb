"""One camera's pull on a worker thread, reporting through queued signals (the GUI thread only
ever receives copies; it never waits on the worker)."""
from __future__ import annotations

from threading import Event

from PySide6.QtCore import QObject, QRunnable, Signal

from jlclient.devices.dock import for_pull
from jlclient.devices.layouts import Recognised
from jlclient.devices.pull import PullReport, pull
from jlclient.services.context import AppContext


class _Signals(QObject):
    progress = Signal(int, int)        # bytes done, bytes total
    finished = Signal(object)          # PullReport


class PullTask(QRunnable):
    """One camera's pull on a worker thread; results come back through queued signals."""

    def __init__(self, ctx: AppContext, actor: str, found: Recognised):
        super().__init__()
        self.ctx, self.actor, self.found = ctx, actor, found
        self.signals = _Signals()
        self.cancel = Event()

    def run(self) -> None:
        docked, files = for_pull(self.found)
        total, done = sum(f.size for f in files) or 1, 0

        def progress(_path: str, n: int) -> None:
            nonlocal done
            done += n
            self.signals.progress.emit(done, total)
        try:
            report = pull(self.ctx, self.actor, docked, files, progress=progress, cancel=self.cancel)
        except Exception as exc:  # noqa: BLE001 — shown to the officer; the pull registered nothing half
            report = PullReport()
            report.error = str(exc)
        self.signals.finished.emit(report)
