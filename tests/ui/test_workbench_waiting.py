"""The approver's workbench lists the access request waiting for them; Enter on it opens 回放检查 at
the request, ready to approve (issue 14)."""
from PySide6.QtWidgets import QWidget

from jlclient.domain.av_access import AvClass, RestrictedReason
from jlclient.services import av_access
from tests.support import case_builder as cb
from tests.support.keys import Keys


def test_a_pending_access_request_waits_on_the_workbench_and_enter_opens_it(qtbot, demo_ctx, login_as, window_for):
    footage = cb.add_av(demo_ctx, None, None, officer="李娜")
    reviewer = login_as("reviewer")
    av_access.classify(demo_ctx, reviewer, footage, AvClass.RESTRICTED, RestrictedReason.PRIVACY)
    request_id = av_access.request_access(demo_ctx, reviewer, [footage], "行政复议答复需要", 4)

    window = window_for("approver")
    page = window.pages["workbench"]
    table = page.findChild(QWidget, "waitingTable")
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "查阅申请待审批")
    assert "赵敏" in table.item(row, 1).text() and "行政复议答复需要" in table.item(row, 2).text()
    keys = Keys(qtbot)
    keys.click(table.viewport(), table.visualItemRect(table.item(row, 1)).center())
    keys.press("Enter")
    review = window.pages["review"]
    assert window.stack.currentWidget() is review and review.tabs.currentWidget() is review.requests
    chosen = review.requests.current()
    assert chosen is not None and chosen.id == request_id and review.requests.approve_button.isEnabled()
