"""Complete cases driven through the user interface, stage by stage, as the users would:
a permit from the window to closing, and a penalty from initiation to closing."""
from __future__ import annotations

import cv2
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from jlclient.domain.forms import FieldType
from jlclient.domain.model import Procedure
from jlclient.services.compliance import check_case
from jlclient.services.verify import verify
from jlclient.store.models import Case
from jlclient.ui.initiation_dialog import InitiationDialog
from jlclient.ui.intake_dialog import IntakeDialog
from jlclient.ui.main_window import MainWindow
from jlclient.ui.stage_wizard import StageWizard
from tests.support.case_builder import form_values, lodged_service
from tests.support.keys import type_text


@pytest.fixture
def clip(tmp_path):
    path = tmp_path / "DSJ0001_13012601001_20261123093000_0001.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10, (160, 120))
    for i in range(20):
        writer.write(np.full((120, 160, 3), i * 12, np.uint8))
    writer.release()
    return path


@pytest.fixture
def answers(monkeypatch):
    """Every confirmation is answered Yes; information boxes are collected."""
    told = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: told.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: pytest.fail(f"warning shown: {a[2]}"))
    return told


def _window(qtbot, ctx, user):
    window = MainWindow(ctx, user)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def _fill_and_finish(qtbot, wizard, code, values):
    row = next(i for i, spec in enumerate(wizard.specs) if spec.code == code)
    wizard.nav.setCurrentRow(row)
    page = wizard.page()
    # the case's own party is already chosen on the page (a reference to the party record)
    page.set_values({k: v for k, v in values.items()
                     if not (page.spec.field(k) and page.spec.field(k).type is FieldType.PARTY)})
    qtbot.keyClick(wizard, Qt.Key_Return, Qt.ControlModifier)
    assert "已完成" in wizard.nav.item(row).text(), page.problem_label.text()


def _show(qtbot, wizard):
    wizard.show()
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)


def _work_stage(qtbot, monkeypatch, page, forms, procedure, *, av_file=None):
    """Open the wizard on the selected case (Enter on the list), finish the forms, leave the stage."""
    def run(wizard):
        _show(qtbot, wizard)
        if av_file is not None:
            monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getOpenFileName",
                                lambda *a, **k: (str(av_file), ""))
            qtbot.mouseClick(wizard.buttons["addAv"], Qt.LeftButton)
        for code, values in forms:
            _fill_and_finish(qtbot, wizard, code, values)
        qtbot.mouseClick(wizard.buttons["advance"], Qt.LeftButton)
        return wizard.result()
    monkeypatch.setattr(StageWizard, "exec", run)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key_Return)


def _case(ctx, case_id):
    with ctx.db.read() as s:
        case = s.get(Case, case_id)
        return case.stage, case.status


def test_permit_from_the_window_to_closing(qtbot, demo_ctx, login_as, monkeypatch, answers, clip):
    clerk = _window(qtbot, demo_ctx, login_as("clerk"))
    page = clerk.go("cases")

    def intake(dialog):                      # the clerk, keyboard only
        dialog.show()
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        type_text(qtbot, dialog.name, "灵寿县味美餐饮有限公司")
        qtbot.keyClick(dialog.focusWidget(), Qt.Key_Tab)
        qtbot.keyClicks(dialog.focusWidget(), "91110000600037341L")
        qtbot.keyClick(dialog.focusWidget(), Qt.Key_Tab)
        type_text(qtbot, dialog.focusWidget(), "王经理")
        qtbot.keyClick(dialog.focusWidget(), Qt.Key_Tab)
        qtbot.keyClicks(dialog.focusWidget(), "13912345678")
        qtbot.keyClick(dialog.focusWidget(), Qt.Key_Return)
        for _ in range(dialog.materials.count()):
            qtbot.keyClick(dialog.materials, Qt.Key_Space)
            qtbot.keyClick(dialog.materials, Qt.Key_Down)
        qtbot.keyClick(dialog.materials, Qt.Key_Return)
        qtbot.keyClick(dialog.focusWidget(), Qt.Key_Return)   # confirmed: the last page says what was issued
        issued.append(dialog.done_text.text())
        qtbot.keyClick(dialog.focusWidget(), Qt.Key_Return)   # and closes
        return dialog.result()
    issued = []
    monkeypatch.setattr(IntakeDialog, "exec", intake)
    qtbot.keyClick(clerk, Qt.Key_N, Qt.ControlModifier)
    assert "已受理" in issued[-1]
    case_id = page.current_case_id()
    assert _case(demo_ctx, case_id) == ("INVESTIGATION", "OPEN")

    officer = _window(qtbot, demo_ctx, login_as("officer"))
    page = officer.go("cases")
    page.table.selectRow(next(r for r in range(page.model.rowCount()) if page.model.case_id(r) == case_id))
    p = Procedure.PERMIT
    _work_stage(qtbot, monkeypatch, page, [("inspection_record", form_values("inspection_record", p))], p,
                av_file=clip)        # on-site inspection is filmed throughout (seed 000 Art. 19)
    assert _case(demo_ctx, case_id)[0] == "DECISION"
    _work_stage(qtbot, monkeypatch, page, [(c, form_values(c, p)) for c in ("decision_approval", "permit_decision")],
                p)
    _work_stage(qtbot, monkeypatch, page, [("service_return_receipt", form_values("service_return_receipt", p))], p)
    assert _case(demo_ctx, case_id)[0] == "ARCHIVING"
    _work_stage(qtbot, monkeypatch, page, [("closing_approval", form_values("closing_approval", p))], p)
    assert _case(demo_ctx, case_id) == ("ARCHIVING", "CLOSED")
    assert "已结案" in answers[-1]
    assert not [f for f in check_case(demo_ctx, case_id, closing=True) if f.blocking]
    assert verify(demo_ctx).ok


def test_penalty_from_initiation_to_closing(qtbot, demo_ctx, login_as, monkeypatch, answers, clip):
    officer = _window(qtbot, demo_ctx, login_as("officer"))
    page = officer.go("cases")
    p = Procedure.PENALTY
    stages = []

    def initiate(dialog):
        type_text(qtbot, dialog.matter, "未按许可条件从事经营活动")
        type_text(qtbot, dialog.party, "灵寿县味美餐饮有限公司")
        qtbot.keyClicks(dialog.number, "91110000600037341L")
        for i in range(dialog.officers.widget.count()):
            dialog.officers.widget.item(i).setCheckState(Qt.Checked)
        dialog.open_case()
        return dialog.result()

    def first_stage(wizard):                # the wizard opens on the 立案审批表 by itself
        _show(qtbot, wizard)
        assert wizard.page().spec.code == "case_approval"
        _fill_and_finish(qtbot, wizard, "case_approval", form_values("case_approval", p))
        qtbot.mouseClick(wizard.buttons["advance"], Qt.LeftButton)
        return wizard.result()
    monkeypatch.setattr(InitiationDialog, "exec", initiate)
    monkeypatch.setattr(StageWizard, "exec", first_stage)
    qtbot.mouseClick(page.initiate_button, Qt.LeftButton)
    case_id = page.current_case_id()
    stages.append(_case(demo_ctx, case_id)[0])

    investigation = [(c, form_values(c, p)) for c in
                     ("inquiry_record", "evidence_preservation_notice", "rights_notice", "hearing_notice",
                      "hearing_record")]
    _work_stage(qtbot, monkeypatch, page, investigation, p, av_file=clip)   # preservation is filmed
    stages.append(_case(demo_ctx, case_id)[0])
    decision = [(c, form_values(c, p, **({"collective_discussion_done": True} if c == "decision_approval" else {})))
                for c in ("decision_approval", "legal_review", "collective_discussion", "penalty_decision")]
    _work_stage(qtbot, monkeypatch, page, decision, p)
    stages.append(_case(demo_ctx, case_id)[0])
    _work_stage(qtbot, monkeypatch, page, [("service_return_receipt", form_values(
        "service_return_receipt", p, **lodged_service()))], p, av_file=clip)   # lodged service: witness and AV
    stages.append(_case(demo_ctx, case_id)[0])
    _work_stage(qtbot, monkeypatch, page, [("performance_record", form_values("performance_record", p))], p)
    stages.append(_case(demo_ctx, case_id)[0])
    _work_stage(qtbot, monkeypatch, page, [("closing_approval", form_values("closing_approval", p))], p)
    assert stages == ["INVESTIGATION", "DECISION", "SERVICE", "EXECUTION", "ARCHIVING"]
    assert _case(demo_ctx, case_id) == ("ARCHIVING", "CLOSED")
    assert not [f for f in check_case(demo_ctx, case_id, closing=True) if f.blocking]
    assert verify(demo_ctx).ok
