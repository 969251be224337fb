"""Stage wizards opened by a test, shown and active for keys. They are not given to qtbot: a failed
test leaves a changed wizard open, and qtbot would close it (which asks, modally) before any fixture
could step in; tests/ui/conftest.py hides them at teardown instead."""
from __future__ import annotations

from jlclient.ui.stage_wizard import StageWizard

_OPENED: list[StageWizard] = []


def open_wizard(qtbot, ctx, user, case_id: int, **kwargs) -> StageWizard:
    wizard = StageWizard(ctx, user, case_id, **kwargs)
    _OPENED.append(wizard)
    wizard.show()
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)
    return wizard


def hide_opened() -> None:
    while _OPENED:
        wizard = _OPENED.pop()
        wizard.autosave.stop()
        wizard.hide()
        wizard.deleteLater()
