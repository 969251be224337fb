"""查阅复制申请 shows when a request must be answered (政府信息公开条例 Art. 33: 20 working days), in red
once the date has passed, and cites the regulation in words."""
from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import Qt

from jlclient.services import party_requests, setup
from jlclient.services.party_requests import Wants
from jlclient.ui.docking_pane import RED
from jlclient.ui.party_requests_page import COLUMNS, PartyRequestsPage


def test_the_reply_date_is_shown_and_turns_red_when_passed(qtbot, demo_ctx, login_as, monkeypatch):
    setup.set_profile(demo_ctx, "cli:test", "fushun-hrss")      # seed 001 Art. 18: 按政府信息公开条例办理
    monkeypatch.setattr(party_requests, "utcnow", lambda: datetime(2025, 9, 30, 2, 0))
    monkeypatch.setattr(party_requests, "today", lambda: date(2025, 11, 5))
    party_requests.receive(demo_ctx, login_as("clerk"), None, "王经理", "", "", Wants.VIEW, "现场检查的执法记录仪视频")

    page = PartyRequestsPage(demo_ctx, login_as("approver"))
    qtbot.addWidget(page)
    page.show()
    column = COLUMNS.index("答复期限")
    cell = page.table.item(0, column)
    assert cell.text() == "2025-11-04"                        # 20 working days after 09-30, across 国庆
    assert cell.foreground().color() == RED.color()           # undecided on 11-05
    assert "《中华人民共和国政府信息公开条例》第三十三条" in cell.toolTip() and "Art." not in cell.toolTip()

    rect = page.table.visualItemRect(cell)
    qtbot.mouseClick(page.table.viewport(), Qt.LeftButton, pos=rect.center())
    detail = page.detail.text()
    assert "答复期限：应于 2025-11-04 前答复" in detail and "已超过答复期限" in detail
    assert "《中华人民共和国政府信息公开条例》第三十三条" in detail and "Art." not in detail
