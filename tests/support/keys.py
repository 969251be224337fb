"""The keystroke harness: drive the real widgets with a user's hands, never through setters.

    keys = Keys(qtbot)
    keys.type(page.editors["opened_on"].widget, "2026-12-03")   # focus the field, type the text
    keys.replace(dialog.period_to, "2026-12-31")                  # Ctrl+A, then type over it
    keys.press("Tab")                                             # keys go to the focused widget
    keys.press("Shift+Tab", "Ctrl+A", "Delete")                   # several keys in a row
    keys.press("Enter", times=2)                                  # Enter is the main Return key
    keys.type_here("周杰")                                         # type into the focused widget
    keys.wheel(combo, notches=-2)                                 # a real wheel event over a widget
    keys.click(button)                                            # a left click at its centre
    keys.strokes, keys.typed, keys.clicks                         # what it took
    keys.report("window intake")                                  # printed, and kept for make bench

* Text: ASCII characters are QTest key clicks; other characters (Chinese) arrive as an input
  method commits them (a QInputMethodEvent with the commit string), as QTest cannot synthesise
  non-ASCII keys. Each character counts once in ``typed``.
* Keys: names as QKeySequence reads them ("Tab", "Shift+Tab", "Ctrl+A", "Delete", "Up", "Down",
  "F4", "Alt+Down", "Escape", "Ctrl+Return", "Space") plus "Enter" for the main Return key. Each
  press counts once in ``strokes``: the keys beyond the typed content, which ``make bench``
  reports. A key goes to the focused widget, or to the open pop-up, as a keyboard's would.
* Wheel: QTest.wheelEvent through the window system, so Qt treats it as a real wheel (it passes
  an ignored event on to the parents, up to the scroll area). Wheels and clicks are counted apart.
* Focus: ``type(widget, …)``, ``replace(widget, …)`` and ``focus(widget)`` put the focus into a
  field as a click would (one click counted) unless it is there already; their keys go to that
  widget, so they also work in a modal dialog driven from a timer.

``type_text(qtbot, widget, text)`` is the plain form kept for the tests written before.
"""
from __future__ import annotations

import json
import os
import time

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QInputMethodEvent, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

_NAMED = {"Enter": (Qt.Key_Return, Qt.NoModifier), "Return": (Qt.Key_Return, Qt.NoModifier),
          "Shift+Tab": (Qt.Key_Backtab, Qt.ShiftModifier), "Backtab": (Qt.Key_Backtab, Qt.ShiftModifier)}


def _commit(widget, text: str) -> None:
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def type_text(qtbot, widget, text: str) -> None:
    widget.setFocus()
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
        else:  # QTest cannot synthesise non-ASCII keys; an IME sends a commit event
            _commit(widget, ch)


def key_of(name: str) -> tuple[Qt.Key, Qt.KeyboardModifier]:
    """The key and modifiers a name such as "Ctrl+A" or "Shift+Tab" stands for."""
    if name in _NAMED:
        return _NAMED[name]
    sequence = QKeySequence(name)
    if sequence.count() != 1 or sequence[0].key() == Qt.Key_unknown:
        raise ValueError(f"not a key: {name!r}")
    return sequence[0].key(), sequence[0].keyboardModifiers()


def focused():
    """Where a key goes: the open pop-up's focus, else the focused widget."""
    popup = QApplication.activePopupWidget()
    if popup is not None:
        return popup.focusWidget() or popup
    widget = QApplication.focusWidget()
    if widget is None:
        raise AssertionError("no widget has the keyboard focus (is the window shown and active?)")
    return widget


class Keys:
    """Types, presses, wheels and clicks as a user would, and counts what it took."""

    def __init__(self, qtbot):
        self.qtbot = qtbot
        self.strokes = 0   # keys beyond the typed content (Tab, Enter, F4, Ctrl+A, …)
        self.typed = 0     # characters of content
        self.clicks = 0
        self.wheels = 0
        self.started = time.perf_counter()

    def reset(self) -> None:
        self.strokes = self.typed = self.clicks = self.wheels = 0
        self.started = time.perf_counter()

    def report(self, flow: str) -> dict:
        """What the flow took since the harness was made (or reset): printed, and added as a JSON line
        to the file named by $JL_KEY_REPORT, which ``make bench`` (bench_keystrokes.py) reads."""
        figures = {"flow": flow, "strokes": self.strokes, "typed": self.typed, "clicks": self.clicks,
                   "wheels": self.wheels, "ms": round((time.perf_counter() - self.started) * 1000, 1)}
        print(f"\n{flow}: {self.strokes} keys beyond {self.typed} typed characters, {self.clicks} clicks, "
              f"{figures['ms']:.0f} ms")
        if os.environ.get("JL_KEY_REPORT"):
            with open(os.environ["JL_KEY_REPORT"], "a", encoding="utf-8") as out:
                out.write(json.dumps(figures, ensure_ascii=False) + "\n")
        return figures

    # --- keys ----------------------------------------------------------------
    def press(self, *names: str, times: int = 1, widget=None) -> None:
        """Each named key in turn (``times`` over), to ``widget`` or to the focused one."""
        for _ in range(times):
            for name in names:
                key, modifiers = key_of(name)
                QTest.keyClick(widget or focused(), key, modifiers)
                self.strokes += 1
                QApplication.processEvents()

    def type_here(self, text: str) -> None:
        """``text`` into the focused widget (or the open pop-up)."""
        self._type(None, text)

    def type(self, widget, text: str) -> None:
        """Put the focus into ``widget`` (a click, unless it is there already), then type ``text``."""
        self.focus(widget)
        self._type(widget, text)

    def replace(self, widget, text: str) -> None:
        """Focus ``widget``, select what it holds (Ctrl+A) and type ``text`` over it."""
        self.focus(widget)
        self.press("Ctrl+A", widget=widget)
        self._type(widget, text)

    def _type(self, widget, text: str) -> None:
        for ch in text:
            target = widget or focused()
            if ch.isascii():
                QTest.keyClicks(target, ch)
            else:
                _commit(target, ch)
            self.typed += 1
        QApplication.processEvents()

    def focus(self, widget) -> None:
        """The focus into ``widget`` as a click puts it there (counted), unless it is there already."""
        if QApplication.focusWidget() is not (widget.focusProxy() or widget):
            widget.setFocus(Qt.MouseFocusReason)
            self.clicks += 1
            QApplication.processEvents()

    # --- the mouse -------------------------------------------------------------
    def click(self, widget, pos: QPoint | None = None, button=Qt.LeftButton) -> None:
        QTest.mouseClick(widget, button, Qt.NoModifier, pos or widget.rect().center())
        self.clicks += 1
        QApplication.processEvents()

    def wheel(self, widget, notches: int = -1, pos: QPoint | None = None) -> None:
        """Turn the wheel over ``widget``: negative notches scroll down, as a hand turns it back."""
        window = widget.window()
        handle = window.windowHandle()
        if handle is None or not widget.isVisible():
            raise AssertionError("the wheel needs a shown window")
        at = widget.mapTo(window, pos or widget.rect().center())
        QTest.wheelEvent(handle, QPointF(at), QPoint(0, 120 * notches))
        self.wheels += 1
        QApplication.processEvents()
