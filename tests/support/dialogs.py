"""Driving a modal dialog from a test, as a user would: the steps run from a timer once it shows."""
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

WAIT_S = 15   # a dialog that opens after background work (a batch PDF) may take a while on a busy machine


def answer_dialog(kind, act, delay_ms: int = 200) -> None:
    """Run ``act(dialog)`` on the next visible dialog of ``kind``, looking again every 50 ms until it
    shows; a failed step rejects it, so the modal loop never waits forever."""
    give_up = time.monotonic() + WAIT_S

    def run():
        dialog = next((w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()), None)
        if dialog is None:
            if time.monotonic() < give_up:
                QTimer.singleShot(50, run)
                return
            raise AssertionError(f"no {kind.__name__} showed within {WAIT_S} s")
        try:
            act(dialog)
        finally:
            if dialog.isVisible():
                dialog.reject()
    QTimer.singleShot(delay_ms, run)
