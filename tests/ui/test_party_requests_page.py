"""A clerk registers a party's request at the window; the agency head decides it once."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

import tests.support.case_builder as cb
from jlclient.domain.model import Procedure
from jlclient.services import cases, party_requests, setup
from jlclient.services.party_requests import Decision
from jlclient.ui.party_requests_page import DecideDialog, PartyRequestsPage, ReceiveDialog
from tests.support.dialogs import answer_dialog
from tests.support.keys import type_text


def _page(qtbot, ctx, user) -> PartyRequestsPage:
    page = PartyRequestsPage(ctx, user)
    qtbot.addWidget(page)
    page.show()
    return page


def test_clerk_registers_and_the_head_decides(qtbot, demo_ctx, login_as):
    setup.set_profile(demo_ctx, "cli:test", "lingchuan-approval")     # seed 004 Art. 21
    case_number = cases.case_detail(demo_ctx, cb.open_case(demo_ctx, Procedure.PENALTY)).row.number
    clerk_page = _page(qtbot, demo_ctx, login_as("clerk"))
    assert "经负责人同意" in clerk_page.route.text() and clerk_page.table.rowCount() == 0
    seen = {}

    def register(dialog):
        assert "《陵川县行政审批局行政许可全过程记录办法》第二十一条" in dialog.findChild(QLabel, "routeNote").text()
        assert "seed" not in dialog.findChild(QLabel, "routeNote").text()
        type_text(qtbot, dialog.case_ref, case_number)
        type_text(qtbot, dialog.requester, "王经理")
        type_text(qtbot, dialog.id_number, "110105194912310021")   # wrong check digit
        dialog.copy.setFocus()
        qtbot.keyClick(dialog.copy, Qt.Key_Space)
        type_text(qtbot, dialog.asked_for, "现场检查的执法记录仪视频")
        qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.LeftButton)
        seen["error"] = dialog.error.text()
        dialog.id_number.clear()
        type_text(qtbot, dialog.id_number, "11010519491231002X")
        qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.LeftButton)
    answer_dialog(ReceiveDialog, register)
    qtbot.mouseClick(clerk_page.receive_button, Qt.LeftButton)

    assert "校验位不对" in seen["error"]
    assert clerk_page.table.rowCount() == 1
    assert [clerk_page.table.item(0, j).text() for j in (1, 2, 3, 4, 5)] == [
        "王经理", case_number, "复制", "经负责人同意", "待审批"]
    assert clerk_page.current() is not None and not clerk_page.decide_button.isEnabled()
    assert "现场检查的执法记录仪视频" in clerk_page.detail.text()

    reviewer_page = _page(qtbot, demo_ctx, login_as("reviewer"))
    reviewer_page.table.selectRow(0)
    assert not reviewer_page.decide_button.isEnabled() and "负责人" in reviewer_page.decide_button.toolTip()

    page = _page(qtbot, demo_ctx, login_as("approver"))
    page.table.setFocus()
    page.table.selectRow(0)
    assert page.decide_button.isEnabled()

    def decide(dialog):
        dialog.decision.setCurrentIndex(dialog.decision.findData(Decision.PARTLY.value))
        type_text(qtbot, dialog.provided, "视频复制件一份")
        qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.LeftButton)
        seen["no_reason"] = dialog.error.text()
        type_text(qtbot, dialog.reason, "其中涉及他人隐私的部分不予提供")
        qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.LeftButton)
    answer_dialog(DecideDialog, decide)
    qtbot.keyClick(page.table, Qt.Key_Return)                  # Enter on the request opens the decision

    assert "须写明理由" in seen["no_reason"]
    assert page.table.item(0, 5).text() == "部分提供" and page.table.item(0, 6).text() == "周杰"
    assert not page.decide_button.isEnabled() and "涉及他人隐私" in page.detail.text()
    [request] = party_requests.list_requests(demo_ctx)
    assert request.decision is Decision.PARTLY and request.provided == "视频复制件一份"

    page.pending_only.setChecked(True)
    assert page.table.rowCount() == 0


def test_archivist_sees_but_does_not_register(qtbot, demo_ctx, login_as):
    page = _page(qtbot, demo_ctx, login_as("archivist"))
    assert not page.receive_button.isVisibleTo(page)
    assert "政府信息公开条例" in page.route.text() and "未作规定" in page.route.text()   # seed 000 is silent
