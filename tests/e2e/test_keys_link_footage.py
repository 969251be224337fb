"""An officer links the footage of her duty to the case it belongs to, with the keyboard: the
session chosen in the pane's list, Enter, the party-told answer by its accelerator, Enter. What
is stored is checked, and the keys beyond the typed content are counted (make bench reports them)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QThreadPool
from sqlalchemy import select

from jlclient.devices.simulator import simulate
from jlclient.domain.model import Stage
from jlclient.store.models import AvRecord, Case
from jlclient.ui.dock_watch import DockWatcher
from jlclient.ui.docking_pane import DockingPane
from jlclient.ui.footage_dialogs import LinkDialog
from tests.support.dialogs import answer_dialog
from tests.support.keys import Keys

LINK_KEY_GOAL = 6   # Enter on the session, the told answer, Enter; a stage changed by keys adds a few


@pytest.fixture
def pulled(qtbot, demo_ctx, login_as, tmp_path):
    """The officer's camera docked and pulled, its one session waiting in 待关联."""
    officer = login_as("officer")
    volume = tmp_path / "usb"
    watcher = DockWatcher([], interval_ms=50, volumes=lambda: [volume])
    pane = DockingPane(demo_ctx, officer, watcher)
    qtbot.addWidget(pane)
    pane.show()
    watcher.start()
    simulate(volume, "dcim-imp", segments=2, segment_seconds=2)
    qtbot.waitUntil(lambda: pane.cameras.topLevelItemCount() == 1, timeout=5000)
    qtbot.mouseClick(pane.pull_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not pane.busy() and "全部文件" in pane.status.text(), timeout=20000)
    qtbot.waitUntil(lambda: not pane.busy(), timeout=20000)    # the analysis after the pull
    pane.tabs.setCurrentIndex(1)
    pane.activateWindow()
    qtbot.waitUntil(pane.isActiveWindow)
    yield pane
    QThreadPool.globalInstance().waitForDone()


def _active(qtbot, dialog):
    """A window manager makes a new dialog the active window; offscreen, the test waits for it."""
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)


def _session_records(ctx):
    with ctx.db.read() as s:
        return s.scalars(select(AvRecord).where(AvRecord.camera_id.is_not(None))).all()


def test_linking_footage_to_the_suggested_case_by_keys(qtbot, demo_ctx, pulled):
    unlinked = pulled.unlinked
    assert unlinked.sessions.topLevelItemCount() == 1
    keys = Keys(qtbot)
    seen = {}

    def link(dialog):
        _active(qtbot, dialog)
        keys.press("Alt+Y")                          # 已告知当事人正在进行音像记录
        qtbot.waitUntil(dialog.told_yes.isChecked)   # a mnemonic clicks as a hand would: after ~100 ms
        seen["case"] = dialog.suggestions.currentItem().data(Qt.UserRole + 1)
        seen["title"] = dialog.title.text()
        keys.press("Enter")
    answer_dialog(LinkDialog, link)
    keys.focus(unlinked.sessions)
    if unlinked.sessions.currentItem() is None:
        keys.press("Down")
    keys.press("Enter")                              # opens the link dialog (modal until it closes)
    keys.report("linking footage")
    assert keys.strokes <= LINK_KEY_GOAL and keys.typed == 0

    assert unlinked.sessions.topLevelItemCount() == 0
    chosen = seen["case"]
    linked = _session_records(demo_ctx)
    assert len(linked) == 2
    with demo_ctx.db.read() as s:
        case = s.get(Case, chosen.case_id)
    for av in linked:
        assert av.case_id == case.id and av.stage == chosen.stage.value
        assert av.party_informed is True
        assert av.party_name == case.party_name and av.cause == case.title
        assert av.title == seen["title"] and chosen.stage.label in av.title


def test_choosing_another_stage_by_keys_renames_the_footage(qtbot, demo_ctx, pulled):
    unlinked = pulled.unlinked
    keys = Keys(qtbot)
    seen = {}

    def link(dialog):
        _active(qtbot, dialog)
        keys.focus(dialog.stage)
        first = Stage(dialog.stage.currentData())
        keys.press("Down")
        chosen = Stage(dialog.stage.currentData())
        assert chosen is not first
        assert dialog.title.text().startswith(chosen.label), "the footage's name follows the stage"
        seen["stage"] = chosen
        keys.press("Alt+Y")
        qtbot.waitUntil(dialog.told_yes.isChecked)
        keys.press("Enter")
    answer_dialog(LinkDialog, link)
    keys.focus(unlinked.sessions)
    if unlinked.sessions.currentItem() is None:
        keys.press("Down")
    keys.press("Enter")
    assert unlinked.sessions.topLevelItemCount() == 0
    for av in _session_records(demo_ctx):
        assert av.stage == seen["stage"].value and av.title.startswith(seen["stage"].label)
