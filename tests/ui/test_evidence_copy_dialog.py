"""The legal reviewer makes an evidence copy from the dialog: recordings ticked, recipient and
place typed, folder chosen; the copy runs in the background and can be cancelled."""
from __future__ import annotations

import subprocess
from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

import tests.support.case_builder as cb
from jlclient.domain.model import Procedure, Stage
from jlclient.services import evidence_copies
from jlclient.store.audit import utcnow
from jlclient.ui.evidence_copy_dialog import EvidenceCopyDialog
from tests.support.held_writes import hold_writes
from tests.support.keys import type_text
from tests.support.tamper import flip_byte


def _case(ctx) -> int:
    case_id = cb.open_case(ctx, Procedure.PENALTY)
    start = utcnow().replace(microsecond=0)
    for hours in (3, 2, 1):
        cb.add_av(ctx, case_id, Stage.INVESTIGATION, start=start - timedelta(hours=hours), seconds=600 * hours)
    return case_id


def _dialog(qtbot, ctx, user, case_id, target, monkeypatch) -> EvidenceCopyDialog:
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(target))
    dialog = EvidenceCopyDialog(ctx, user, case_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _fill(qtbot, dialog) -> None:
    type_text(qtbot, dialog.recipient, "灵寿县人民法院")
    dialog.purpose.setCurrentIndex(1)                      # 行政诉讼
    type_text(qtbot, dialog.place, "灵寿县城关镇")
    qtbot.mouseClick(dialog.choose_button, Qt.LeftButton)


def test_reviewer_ticks_recordings_and_makes_a_copy(qtbot, demo_ctx, login_as, tmp_path, monkeypatch):
    case_id = _case(demo_ctx)
    target = tmp_path / "usb"
    target.mkdir()
    dialog = _dialog(qtbot, demo_ctx, login_as("reviewer"), case_id, target, monkeypatch)
    assert dialog.table.rowCount() == 3 and len(dialog.checked_ids()) == 3
    assert dialog.copies.rowCount() == 0 and "已选 3 个文件" in dialog.selection.text()

    qtbot.mouseClick(dialog.make_button, Qt.LeftButton)   # no recipient yet
    assert "接收单位" in dialog.status.text()
    dialog.table.setFocus()
    dialog.table.setCurrentCell(1, 0)
    qtbot.keyClick(dialog.table, Qt.Key_Space)           # untick the second recording from the keyboard
    assert dialog.checked_ids() == [dialog.recordings[0].id, dialog.recordings[2].id]
    assert "已选 2 个文件" in dialog.selection.text()
    _fill(qtbot, dialog)
    assert dialog.target.text() == str(target)

    qtbot.mouseClick(dialog.make_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.task is None, timeout=15000)
    result = dialog.result
    assert result is not None, dialog.status.text()
    assert str(result.folder) in dialog.status.text() and result.manifest_sha256 in dialog.status.text()
    assert dialog.open_button.isVisible() and dialog.make_button.isEnabled()
    assert dialog.copies.rowCount() == 1 and dialog.copies.item(0, 1).text() == "灵寿县人民法院"
    assert dialog.copies.item(0, 2).text() == "行政诉讼" and dialog.copies.item(0, 3).text() == "2"
    check = subprocess.run(["sha256sum", "-c", evidence_copies.MANIFEST], cwd=result.folder, capture_output=True)
    assert check.returncode == 0 and check.stdout.count(b": OK") == 2


def test_a_copy_can_be_cancelled_and_leaves_nothing(qtbot, demo_ctx, login_as, tmp_path, monkeypatch):
    case_id = _case(demo_ctx)
    target = tmp_path / "usb"
    target.mkdir()
    writes, release = hold_writes(monkeypatch, through=1)   # the first write goes through, then they wait
    monkeypatch.setattr(evidence_copies, "CHUNK", 16)
    dialog = _dialog(qtbot, demo_ctx, login_as("reviewer"), case_id, target, monkeypatch)
    _fill(qtbot, dialog)
    qtbot.mouseClick(dialog.make_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: len(writes) > 1)
    assert not dialog.make_button.isEnabled() and dialog.cancel_button.isEnabled()
    qtbot.mouseClick(dialog.cancel_button, Qt.LeftButton)
    release.set()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=15000)
    assert "已取消" in dialog.status.text() and dialog.result is None
    assert list(target.iterdir()) == [] and evidence_copies.copies_of(demo_ctx, case_id) == []
    assert dialog.make_button.isEnabled()


def test_only_a_reviewer_can_start_a_copy(qtbot, demo_ctx, login_as, tmp_path, monkeypatch):
    case_id = _case(demo_ctx)
    dialog = _dialog(qtbot, demo_ctx, login_as("archivist"), case_id, tmp_path, monkeypatch)
    assert not dialog.make_button.isEnabled() and "法制审核人员" in dialog.make_button.toolTip()


def test_closing_during_a_copy_cancels_it_first(qtbot, demo_ctx, login_as, tmp_path, monkeypatch):
    case_id = _case(demo_ctx)
    target = tmp_path / "usb"
    target.mkdir()
    writes, release = hold_writes(monkeypatch)
    dialog = _dialog(qtbot, demo_ctx, login_as("reviewer"), case_id, target, monkeypatch)
    _fill(qtbot, dialog)
    qtbot.mouseClick(dialog.make_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: bool(writes))
    qtbot.keyClick(dialog, Qt.Key_Escape)                   # Esc while copying: cancel, then close
    assert dialog.isVisible() and "正在取消" in dialog.status.text()
    release.set()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15000)
    assert list(target.iterdir()) == [] and evidence_copies.copies_of(demo_ctx, case_id) == []


def test_a_failed_copy_is_explained_in_red(qtbot, demo_ctx, login_as, tmp_path, monkeypatch):
    case_id = _case(demo_ctx)
    target = tmp_path / "usb"
    target.mkdir()
    dialog = _dialog(qtbot, demo_ctx, login_as("reviewer"), case_id, target, monkeypatch)
    flip_byte(demo_ctx.evidence.path(dialog.recordings[0].sha256), 0)
    _fill(qtbot, dialog)
    qtbot.mouseClick(dialog.make_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.task is None, timeout=15000)
    assert "与登记的 SHA-256 不符" in dialog.status.text() and "c0392b" in dialog.status.styleSheet()
    assert not dialog.bar.isVisible() and dialog.make_button.isEnabled() and dialog.copies.rowCount() == 0
    assert list(target.iterdir()) == []


def test_a_restricted_recording_is_shown_but_cannot_be_ticked(qtbot, demo_ctx, login_as, tmp_path, monkeypatch):
    """Issue 14: the copy follows the viewing rules; the dialog says which recording cannot leave and why."""
    from jlclient.domain.av_access import AvClass, RestrictedReason
    from jlclient.services import av_access
    case_id = _case(demo_ctx)
    reviewer = login_as("reviewer")
    secret = evidence_copies.recordings(demo_ctx, case_id)[1]
    av_access.classify(demo_ctx, reviewer, secret.id, AvClass.RESTRICTED, RestrictedReason.PRIVACY)
    target = tmp_path / "usb"
    target.mkdir()
    dialog = _dialog(qtbot, demo_ctx, reviewer, case_id, target, monkeypatch)
    assert dialog.refused.isVisible() and secret.file_name in dialog.refused.text() and "受限" in dialog.refused.text()
    assert secret.id not in dialog.checked_ids() and len(dialog.checked_ids()) == 2
    dialog.table.setFocus()
    dialog.table.setCurrentCell(1, 0)
    qtbot.keyClick(dialog.table, Qt.Key_Space)            # a space on it ticks nothing
    qtbot.mouseClick(dialog.none_button, Qt.LeftButton)
    qtbot.mouseClick(dialog.all_button, Qt.LeftButton)    # 全选 leaves it out too
    assert secret.id not in dialog.checked_ids() and len(dialog.checked_ids()) == 2
    _fill(qtbot, dialog)
    qtbot.mouseClick(dialog.make_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.task is None, timeout=15000)
    assert dialog.result is not None, dialog.status.text()
    assert secret.file_name not in dialog.result.files and len(dialog.result.files) == 2
