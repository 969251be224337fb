"""A dialog that runs one piece of background work (a copy, an export, a package check): a status
line for messages, cancel, and closing during the work cancels it first — the dialog closes once the
worker has cleaned up, so no partial output is left behind."""
from __future__ import annotations

import time
from threading import Event
from typing import Callable

from PySide6.QtCore import QObject, QRunnable, Signal
from PySide6.QtWidgets import QDialog

from jlclient.services.context import ServiceError

ERROR_STYLE = "color: #c0392b;"


class WorkDialog(QDialog):
    """Subclasses set ``self.status`` (a QLabel) and ``self.cancel_button``, keep the running task
    in ``self.task`` (its ``cancel`` an Event) and call ``_close_if_asked()`` when the work ends."""
    task = None
    _close_when_done = False

    def _error(self, message: str) -> None:
        self.status.setStyleSheet(ERROR_STYLE)
        self.status.setText(message)

    def _info(self, message: str) -> None:
        self.status.setStyleSheet("")
        self.status.setText(message)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel.set()
            self.cancel_button.setEnabled(False)
            self._info(self.tr("正在取消…"))

    def _close_if_asked(self) -> None:
        if self._close_when_done:
            super().reject()

    def reject(self) -> None:
        if self.task is not None:
            self._close_when_done = True
            self.cancel()
            return
        super().reject()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if self.task is not None:
            self.reject()
            event.ignore()
            return
        super().closeEvent(event)


EMIT_EVERY_S = 0.08     # progress at most ~12 times a second: the GUI thread stays free
Job = Callable[[Callable[[str, int, int], None], Event], object]   # job(progress(phase, done, total), cancel)


class _Signals(QObject):
    progress = Signal(str, object, object)   # phase, bytes done, bytes in all (objects: past 2 GiB)
    done = Signal(object)
    failed = Signal(str, bool)               # message, cancelled


class WorkTask(QRunnable):
    """One piece of work on a worker thread; it reports through queued signals only. A ServiceError
    is shown as it is (``cancelled`` ones as a cancel); anything else after ``failure``."""

    def __init__(self, job: Job, cancelled: tuple[type[Exception], ...], failure: str):
        super().__init__()
        self.job, self.cancelled, self.failure = job, cancelled, failure
        self.signals, self.cancel = _Signals(), Event()
        self._last = 0.0

    def _progress(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - self._last >= EMIT_EVERY_S:
            self._last = now
            self.signals.progress.emit(phase, done, total)

    def run(self) -> None:
        try:
            result = self.job(self._progress, self.cancel)
        except self.cancelled as exc:
            self.signals.failed.emit(str(exc), True)
            return
        except ServiceError as exc:
            self.signals.failed.emit(str(exc), False)
            return
        except Exception as exc:  # noqa: BLE001 — shown to the user; the work cleaned up after itself
            self.signals.failed.emit(f"{self.failure}：{exc}", False)
            return
        self.signals.done.emit(result)
