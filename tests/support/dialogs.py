"""Driving a modal dialog from a test, as a user would: the steps run from a timer once it shows."""
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def answer_dialog(kind, act, delay_ms: int = 200) -> None:
    """Run ``act(dialog)`` on the next visible dialog of ``kind``; a failed step rejects it, so the
    modal loop never waits forever."""
    def run():
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible())
        try:
            act(dialog)
        finally:
            if dialog.isVisible():
                dialog.reject()
    QTimer.singleShot(delay_ms, run)
