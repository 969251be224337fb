"""Locks the screen after a configurable idle time (issue 2, Users)."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

_ACTIVITY = {QEvent.KeyPress, QEvent.MouseButtonPress, QEvent.MouseMove, QEvent.Wheel, QEvent.TouchBegin}


class IdleWatcher(QObject):
    """Emits ``idle`` when no key or mouse input has arrived for ``minutes``."""
    idle = Signal()

    def __init__(self, app, minutes: int, parent=None):
        super().__init__(parent)
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.idle)
        self.set_minutes(minutes)
        app.installEventFilter(self)

    def set_minutes(self, minutes: float) -> None:
        self._timer.setInterval(int(minutes * 60_000))
        self._timer.start()

    def pause(self) -> None:
        self._timer.stop()

    def resume(self) -> None:
        self._timer.start()

    def eventFilter(self, obj, event) -> bool:
        if event.type() in _ACTIVITY and self._timer.isActive():
            self._timer.start()
        return False
