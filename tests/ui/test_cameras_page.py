"""The device register page: an administrator registers and retires cameras, an officer reports a fault."""
from PySide6.QtCore import Qt

from jlclient.domain.model import CameraStatus
from jlclient.ui.cameras_page import CamerasPage
from jlclient.ui.footage_dialogs import CameraDialog, FaultDialog
from tests.support.dialogs import answer_dialog
from tests.support.keys import type_text


def _row(page, serial):
    return next(i for i, r in enumerate(page.rows) if r.serial == serial)


def test_administrator_registers_and_retires(qtbot, demo_ctx, login_as):
    page = CamerasPage(demo_ctx, login_as("admin"))
    qtbot.addWidget(page)
    assert page.table.rowCount() == 2 and page.table.item(_row(page, "DSJ0001"), 2).text() == "李娜"

    def register(dialog):
        type_text(qtbot, dialog.serial, "DSJ0100")
        dialog.accept()                                   # no custodian yet
        assert "保管人" in dialog.error.text()
        type_text(qtbot, dialog.custodian, "装备科")
        dialog.accept()
    answer_dialog(CameraDialog, register)
    qtbot.mouseClick(page.add_button, Qt.LeftButton)
    assert page.table.rowCount() == 3 and page.table.item(_row(page, "DSJ0100"), 1).text() == "在用"

    page.table.selectRow(_row(page, "DSJ0100"))

    def retire(dialog):
        dialog.status.setCurrentIndex(dialog.status.findData(CameraStatus.RETIRED.value))
        dialog.accept()
    answer_dialog(CameraDialog, retire)
    qtbot.mouseClick(page.edit_button, Qt.LeftButton)
    assert page.table.item(_row(page, "DSJ0100"), 1).text() == "停用"


def test_officer_reports_a_fault_of_their_own_camera(qtbot, demo_ctx, login_as):
    page = CamerasPage(demo_ctx, login_as("officer"))
    qtbot.addWidget(page)
    assert not page.add_button.isVisibleTo(page) and not page.edit_button.isVisibleTo(page)
    page.table.selectRow(_row(page, "DSJ0002"))
    assert not page.fault_button.isEnabled()              # 王强's camera
    page.table.selectRow(_row(page, "DSJ0001"))
    assert page.fault_button.isEnabled()

    def report(dialog):
        type_text(qtbot, dialog.description, "录像无声音")
        dialog.accept()
    answer_dialog(FaultDialog, report)
    qtbot.mouseClick(page.fault_button, Qt.LeftButton)
    row = _row(page, "DSJ0001")
    assert page.table.item(row, 1).text() == "故障" and page.table.item(row, 5).text() == "1"
