"""A dialog that runs one piece of background work (a copy, an export, a package check): a status
line for messages, cancel, and closing during the work cancels it first — the dialog closes once the
worker has cleaned up, so no partial output is left behind."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog

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
