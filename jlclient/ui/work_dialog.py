"""A dialog that runs one piece of background work (a copy, an export, a package check): a status
line for messages, cancel, and closing during the work cancels it first — the dialog closes once the
worker has cleaned up, so no partial output is left behind."""
from __future__ import annotations

import time
from threading import Event
from typing import Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy, QWidget

from jlclient.services.context import ServiceError

ERROR_STYLE = "color: #c0392b;"


class WorkDialog(QDialog):
    """Subclasses set ``self.status`` (a QLabel) and ``self.cancel_button``, keep the running task
    in ``self.task`` (its ``cancel`` an Event) and call ``_close_if_asked()`` when the work ends —
    or build the usual row with ``_build_run_row`` and start the work with ``_run``, which do that."""
    task = None
    _close_when_done = False

    def _build_run_row(self, start_text: str, start_name: str) -> QHBoxLayout:
        """Start, a progress bar (shown while working) and cancel; ``self.status`` is for the caller to place."""
        self.start_button = QPushButton(start_text, objectName=start_name)
        self.start_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("取消"), objectName="cancelRun")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.bar = QProgressBar(objectName="runProgress")
        self.bar.setRange(0, 1000)
        self.bar.setVisible(False)
        for button in (self.start_button, self.cancel_button):
            button.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Fixed)
        self.status = QLabel(objectName="runStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
        row = QHBoxLayout()
        row.addWidget(self.start_button)
        row.addWidget(self.bar, 100)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        return row

    def _inputs(self) -> list[QWidget]:
        """What is disabled while the work runs."""
        return [self.start_button]

    def _run(self, job: "Job", message: str, cancelled: tuple[type[Exception], ...], failure: str) -> None:
        self.task = WorkTask(job, cancelled, failure)
        self.task.signals.progress.connect(self._progress)
        self.task.signals.done.connect(self._done)
        self.task.signals.failed.connect(self._failed)
        self.bar.setValue(0)
        self.bar.setVisible(True)
        self.cancel_button.setEnabled(True)
        for w in self._inputs():
            w.setEnabled(False)
        self.cancel_button.setFocus()
        self._info(message)
        QThreadPool.globalInstance().start(self.task)

    def _progress(self, phase: str, done: int, total: int) -> None:
        self.bar.setFormat(f"{phase} %p%")
        self.bar.setValue(int(done * 1000 / total) if total else 1000)

    def _finished(self) -> None:
        self.task = None
        self.cancel_button.setEnabled(False)
        for w in self._inputs():
            w.setEnabled(True)
        self._after_run()
        self._close_if_asked()

    def _after_run(self) -> None:
        """What a subclass updates once the work has ended, however it ended."""

    def _failed(self, message: str, cancelled: bool) -> None:
        (self._info if cancelled else self._error)(message)
        self.bar.setVisible(False)
        self._finished()

    def _done(self, result) -> None:  # pragma: no cover — each dialog shows its own result
        raise NotImplementedError

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
