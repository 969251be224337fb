"""The archivist exports a case whose recording is 受限（个人隐私）: the dialog says before the start
that it will be left out and why, asks once more when the export starts, and the package carries the
note; a request naming the export, once the approver grants it, puts the recording in (issue 14)."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from jlclient.domain.av_access import AvClass, RestrictedReason
from jlclient.services import av_access
from jlclient.store.models import AuditEntry, AvRecord, Case
from jlclient.ui.export_dialog import ExportDialog
from jlclient.ui.review_page import RequestDialog
from tests.support.dialogs import answer_dialog
from tests.support.keys import type_text

CLOSED = "灵行审许〔2026〕6号"


@pytest.fixture
def restricted(demo_ctx, login_as):
    with demo_ctx.db.read() as s:
        case_id = s.scalar(select(Case.id).where(Case.number == CLOSED))
        av = s.scalar(select(AvRecord).where(AvRecord.case_id == case_id))
        av_id, name = av.id, av.file_name.rsplit("/", 1)[-1]
    av_access.classify(demo_ctx, login_as("reviewer"), av_id, AvClass.RESTRICTED, RestrictedReason.PRIVACY)
    return case_id, av_id, name


def _dialog(qtbot, ctx, user, case_id) -> ExportDialog:
    dialog = ExportDialog(ctx, user, case_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _type_target(qtbot, dialog, path) -> None:
    dialog.target.setFocus()
    qtbot.keyClick(dialog.target, Qt.Key_A, Qt.ControlModifier)
    qtbot.keyClick(dialog.target, Qt.Key_Delete)
    type_text(qtbot, dialog.target, str(path))


def _start_and_wait(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.start_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.task is None, timeout=30000)


def test_left_out_is_said_before_and_in_the_package(qtbot, demo_ctx, login_as, restricted, tmp_path):
    case_id, av_id, name = restricted
    dialog = _dialog(qtbot, demo_ctx, login_as("archivist"), case_id)
    assert dialog.footage_warning.isVisible() and name in dialog.footage_warning.text()
    assert "受限" in dialog.footage_warning.text() and dialog.request_button.isVisible()
    qtbot.mouseClick(dialog.check_after, Qt.LeftButton)          # no 四性检测 this time
    _type_target(qtbot, dialog, tmp_path / "不导出")
    answer_dialog(QMessageBox, lambda box: qtbot.mouseClick(box.button(QMessageBox.No), Qt.LeftButton))
    _start_and_wait(qtbot, dialog)
    assert dialog.result is None and not (tmp_path / "不导出").exists()      # the user thought again

    _type_target(qtbot, dialog, tmp_path / "包")
    seen = []

    def yes(box):
        seen.append(box.text())
        qtbot.mouseClick(box.button(QMessageBox.Yes), Qt.LeftButton)
    answer_dialog(QMessageBox, yes)
    _start_and_wait(qtbot, dialog)
    assert seen and name in seen[0]
    assert dialog.result is not None, dialog.status.text()
    assert "未导出" in dialog.status.text() and name in dialog.status.text()
    bag = tmp_path / "包"
    assert not (bag / "data" / "音像").exists()
    assert name in (bag / "data" / "未导出说明.txt").read_text(encoding="utf-8")
    with demo_ctx.db.read() as s:
        refused = list(s.scalars(select(AuditEntry).where(AuditEntry.action == "av.export_refused")))
    assert [(e.actor, e.entity_id) for e in refused] == [("user:archivist", str(av_id))]


def test_a_request_naming_the_export_puts_it_in(qtbot, demo_ctx, login_as, restricted, tmp_path):
    case_id, av_id, name = restricted
    dialog = _dialog(qtbot, demo_ctx, login_as("archivist"), case_id)

    def ask(form: RequestDialog):
        assert form.windowTitle() == "申请导出音像记录"
        type_text(qtbot, form.reason, "移交县档案馆")
        qtbot.keyClick(form.reason, Qt.Key_Tab, Qt.ControlModifier)     # out of the text box, to the hours
        qtbot.keyClick(form.hours, Qt.Key_A, Qt.ControlModifier)
        qtbot.keyClicks(form.hours, "8")
        qtbot.keyClick(form.hours, Qt.Key_Return)
    answer_dialog(RequestDialog, ask)
    qtbot.mouseClick(dialog.request_button, Qt.LeftButton)
    assert "导出申请已提交" in dialog.status.text(), dialog.status.text()
    approver = login_as("approver")
    request = next(r for r in av_access.requests(demo_ctx, approver) if r.status == "PENDING")
    assert request.av_ids == (av_id,) and request.hours == 8 and request.reason.endswith("移交县档案馆")
    assert request.reason.startswith(av_access.EXPORT_REASON)
    av_access.decide_access(demo_ctx, approver, request.id, approve=True)

    qtbot.mouseClick(dialog.check_after, Qt.LeftButton)
    _type_target(qtbot, dialog, tmp_path / "包")
    _start_and_wait(qtbot, dialog)                       # no question: nothing is left out now
    assert dialog.result is not None and dialog.result.left_out == (), dialog.status.text()
    assert not dialog.footage_warning.isVisible()
    assert (tmp_path / "包" / "data" / "音像" / name).is_file()
    with demo_ctx.db.read() as s:
        taken = list(s.scalars(select(AuditEntry).where(AuditEntry.action == "av.export")))
    assert len(taken) == 1 and "批准" in json.loads(taken[0].detail)["basis"]
