"""Scrolling a form never changes a value: the wheel over a combo box, spin box or date field
scrolls the page it is on (an empty date once became 1902-01-01 while a clerk scrolled)."""
from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox


class _WheelGuard(QObject):
    """Ignores the wheel on the watched widget, so Qt hands it to the parents up to the scroll
    area, as it does for any widget that has no use for the wheel."""

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() != QEvent.Wheel:
            return False
        event.ignore()
        if not event.spontaneous():   # Qt passes only real wheel events up: pass this one on
            _to_scroll_area(watched, event)
        return True


def _to_scroll_area(widget, event) -> None:
    area = widget.parentWidget()
    while area is not None and not isinstance(area, QAbstractScrollArea):
        area = area.parentWidget()
    if area is None:
        return
    viewport = area.viewport()
    passed = QWheelEvent(viewport.mapFromGlobal(event.globalPosition()), event.globalPosition(), event.pixelDelta(),
                         event.angleDelta(), event.buttons(), event.modifiers(), event.phase(), event.inverted())
    QApplication.sendEvent(viewport, passed)


@lru_cache(maxsize=1)
def _guard() -> _WheelGuard:
    return _WheelGuard(QApplication.instance())


def guard_wheel(*widgets) -> None:
    """The wheel over these widgets scrolls what they are on instead of changing their value;
    they take the focus by a click or Tab, never by the wheel."""
    for w in widgets:
        if w.focusPolicy() == Qt.WheelFocus:
            w.setFocusPolicy(Qt.StrongFocus)
        w.installEventFilter(_guard())


def guard_wheel_within(root) -> None:
    """Every combo box and spin box (date and time edits included) under ``root``."""
    guard_wheel(*root.findChildren(QComboBox), *root.findChildren(QAbstractSpinBox))
