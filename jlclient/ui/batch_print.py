"""Batch printing (a year's spine labels, a thousand case labels): the PDF is made on a worker with
a progress bar and a cancel button, then previewed, printed or saved like any other document."""
from __future__ import annotations

from threading import Event
from typing import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QDialog, QLabel, QProgressBar, QPushButton, QVBoxLayout

Job = Callable[[Callable[[int, int], None]], bytes]   # job(progress) -> PDF bytes


class BatchCancelled(Exception):
    pass


class _Signals(QObject):
    progress = Signal(int, int)
    done = Signal(object)          # bytes
    failed = Signal(str)


class BatchTask(QRunnable):
    def __init__(self, job: Job):
        super().__init__()
        self.job, self.signals, self.cancel = job, _Signals(), Event()

    def _progress(self, done: int, total: int) -> None:
        if self.cancel.is_set():
            raise BatchCancelled()
        self.signals.progress.emit(done, total)

    def run(self) -> None:
        try:
            pdf = self.job(self._progress)
        except BatchCancelled:
            self.signals.failed.emit("已取消")
            return
        except Exception as exc:  # noqa: BLE001 — shown to the user; nothing was printed
            self.signals.failed.emit(f"生成失败：{exc}")
            return
        self.signals.done.emit(pdf)


class BatchPrintDialog(QDialog):
    """Shows the progress; when the PDF is ready it opens the preview in its place."""

    def __init__(self, title: str, job: Job, parent=None):
        super().__init__(parent)
        self.title_, self.pdf = title, None
        self.setWindowTitle(self.tr("批量打印：{t}").format(t=title))
        self.bar = QProgressBar(objectName="batchProgress")
        self.label = QLabel(self.tr("正在生成…"), objectName="batchStatus")
        self.cancel_button = QPushButton(self.tr("取消"), objectName="batchCancel")
        self.cancel_button.clicked.connect(self._cancel)
        layout = QVBoxLayout(self)
        for w in (self.label, self.bar, self.cancel_button):
            layout.addWidget(w)
        self.task = BatchTask(job)
        self.task.signals.progress.connect(self._progress)
        self.task.signals.done.connect(self._done)
        self.task.signals.failed.connect(self._failed)
        QThreadPool.globalInstance().start(self.task)

    def _progress(self, done: int, total: int) -> None:
        self.bar.setValue(int(done * 100 / total) if total else 100)
        self.label.setText(self.tr("已生成 {d} / {t}").format(d=done, t=total))

    def _cancel(self) -> None:
        self.task.cancel.set()

    def _failed(self, message: str) -> None:
        self.label.setText(message)
        self.cancel_button.setText(self.tr("关闭"))
        self.cancel_button.clicked.disconnect()
        self.cancel_button.clicked.connect(self.reject)

    def _done(self, pdf: bytes) -> None:
        from jlclient.ui.print_preview import PdfPreview
        self.pdf = pdf
        self.bar.setValue(100)
        self.accept()
        PdfPreview(pdf, self.title_, self.parent()).exec()
