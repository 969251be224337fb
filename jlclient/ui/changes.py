"""One application-wide "something changed" signal: whoever changes data says what kind, and every
page that shows figures or lists of that kind refreshes (the design's second round: one "changed"
signal tells pages what to refresh). Kinds: CASE, FOOTAGE, USERS, SETTINGS, PROFILE."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from shiboken6 import isValid

CASE = "case"            # a case was registered, saved, advanced or closed
FOOTAGE = "footage"      # a pull finished, a recording was linked or explained
USERS = "users"          # a user was added, changed, disabled or unlocked
SETTINGS = "settings"    # a setting (idle lock, bounds) was saved
PROFILE = "profile"      # the agency's rule profile changed (agency name, rules)


class Changes(QObject):
    changed = Signal(str)

    def announce(self, kind: str) -> None:
        self.changed.emit(kind)


_changes: Changes | None = None


def changes() -> Changes:
    """The one instance (created on first use, on the GUI thread)."""
    global _changes
    if _changes is None:
        _changes = Changes()
    return _changes


def announce(kind: str) -> None:
    changes().announce(kind)


def follow(widget, kinds: tuple[str, ...], refresh) -> None:
    """Call ``refresh`` when one of ``kinds`` changes, for as long as ``widget`` lives (a page that
    is hidden refreshes all the same: it is cheap, and it is right when it is shown)."""
    def _on(kind: str) -> None:
        if kind in kinds and isValid(widget):
            refresh()
    changes().changed.connect(_on)
    widget.destroyed.connect(lambda *_: _disconnect(_on))


def _disconnect(slot) -> None:
    try:
        changes().changed.disconnect(slot)
    except (RuntimeError, TypeError):
        pass   # already gone with the application
