"""A window clerk takes in an application with the keyboard only."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox
from sqlalchemy import select

from jlclient.services import records
from jlclient.store.models import Case, ElectronicRecord
from jlclient.ui.intake_dialog import IntakeDialog
from tests.support.keys import type_text


@pytest.fixture
def dialog(qtbot, demo_ctx, login_as, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[2]))
    d = IntakeDialog(demo_ctx, login_as("clerk"))
    d.shown = shown
    qtbot.addWidget(d)
    d.show()
    d.activateWindow()
    qtbot.waitUntil(d.isActiveWindow)
    return d


def _key(qtbot, d, key, times=1):
    for _ in range(times):
        qtbot.keyClick(d.focusWidget(), key)


def _applicant(qtbot, d, number="91110000600037341L"):
    type_text(qtbot, d.name, "灵寿县好味道餐饮有限公司")
    _key(qtbot, d, Qt.Key_Tab)
    qtbot.keyClicks(d.focusWidget(), number)
    _key(qtbot, d, Qt.Key_Tab)
    type_text(qtbot, d.focusWidget(), "王经理")
    _key(qtbot, d, Qt.Key_Tab)
    qtbot.keyClicks(d.focusWidget(), "13900001111")
    _key(qtbot, d, Qt.Key_Return)


def test_complete_application_by_keyboard_is_accepted(qtbot, dialog, demo_ctx):
    _applicant(qtbot, dialog)
    assert dialog.pages.currentIndex() == 1 and dialog.focusWidget() is dialog.materials
    for _ in range(dialog.materials.count()):   # tick every material: Space, then Down
        _key(qtbot, dialog, Qt.Key_Space)
        _key(qtbot, dialog, Qt.Key_Down)
    _key(qtbot, dialog, Qt.Key_Return)
    assert dialog.pages.currentIndex() == 2 and dialog.accept_option.isChecked()
    _key(qtbot, dialog, Qt.Key_Return)
    assert dialog.result() == QDialog.Accepted
    assert "已受理" in dialog.shown[0]
    with demo_ctx.db.read() as s:
        case = s.get(Case, dialog.result_.case_id)
        assert (case.stage, case.party_name) == ("INVESTIGATION", "灵寿县好味道餐饮有限公司")


def test_wrong_credit_code_stops_on_the_first_page(qtbot, dialog):
    _applicant(qtbot, dialog, number="91110000600037341X")
    assert dialog.pages.currentIndex() == 0
    assert "校验位" in dialog.error.text() and "校验位" in dialog.number_check.text()


def test_missing_materials_lead_to_one_correction_notice_and_a_scan_is_kept(qtbot, dialog, demo_ctx, tmp_path,
                                                                          monkeypatch):
    _applicant(qtbot, dialog)
    scan = tmp_path / "licence.png"
    scan.write_bytes(b"\x89PNG licence scan")
    monkeypatch.setattr("jlclient.ui.intake_dialog.QFileDialog.getOpenFileName", lambda *a, **k: (str(scan), ""))
    _key(qtbot, dialog, Qt.Key_Space)          # the application form
    _key(qtbot, dialog, Qt.Key_Down)
    _key(qtbot, dialog, Qt.Key_F6)             # the business licence, imported as a file (ticks it)
    _key(qtbot, dialog, Qt.Key_Return)
    assert dialog.correct_option.isChecked() and not dialog.accept_option.isEnabled()
    qtbot.keyClicks(dialog.handler_phone, "0311-82512345")
    qtbot.mouseClick(dialog.next, Qt.LeftButton)
    assert "补正材料通知书" in dialog.shown[0]
    notice = next(r for r in records.records_of(demo_ctx, dialog.result_.case_id) if r.form == "correction_notice")
    listed = records.latest_values(demo_ctx, notice.id)["missing_materials"]
    assert len(listed) == 3 and "营业执照" not in "".join(m["name"] for m in listed)
    with demo_ctx.db.read() as s:
        kept = s.scalar(select(ElectronicRecord).where(ElectronicRecord.case_id == dialog.result_.case_id))
    assert demo_ctx.evidence.path(kept.file_hash).read_bytes() == b"\x89PNG licence scan"
