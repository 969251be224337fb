"""Moving a case on with open problems, as people do it with mouse and keys (issue 14): a reviewer is
refused, an approver must write a reason (an empty one is named and the dialog stays), and the
reason then shows in the case view."""
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from sqlalchemy import select

from jlclient.services import compliance
from jlclient.store.models import AuditEntry
from jlclient.ui.cases_page import CasesPage
from jlclient.ui.reason_dialog import ReasonDialog
from jlclient.ui.stage_wizard import StageWizard
from tests.support import case_builder as cb
from tests.support.dialogs import answer_dialog
from tests.support.keys import Keys

REASON = "询问笔录原件由市局调阅，复印件另行补入"




def _yes(keys):
    answer_dialog(QMessageBox, lambda box: keys.click(box.button(QMessageBox.Yes)))


def test_a_reviewer_is_told_who_may_move_the_stage(qtbot, demo_ctx, login_as):
    case_id = cb.stuck_investigation(demo_ctx)
    keys = Keys(qtbot)
    wizard = StageWizard(demo_ctx, login_as("reviewer"), case_id)
    qtbot.addWidget(wizard)
    wizard.show()
    told = []

    def read_refusal(box):
        told.append(box.text())
        keys.click(box.button(QMessageBox.Ok))
    _yes(keys)
    answer_dialog(QMessageBox, read_refusal, delay_ms=600)
    keys.click(wizard.buttons["advance"])
    qtbot.waitUntil(lambda: bool(told), timeout=5000)
    assert "调查取证" in told[0] and ("只能由" in told[0] or "本案执法人员" in told[0])
    assert cb.stage_of(demo_ctx, case_id) == "INVESTIGATION"


def test_an_approver_writes_the_reason_and_the_case_view_shows_it(qtbot, demo_ctx, login_as):
    case_id = cb.stuck_investigation(demo_ctx)
    approver = login_as("approver")
    keys = Keys(qtbot)
    wizard = StageWizard(demo_ctx, approver, case_id)
    qtbot.addWidget(wizard)
    wizard.show()
    seen = {}

    def write_reason(dialog: ReasonDialog):
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok)
        assert "询问笔录" in dialog.findChild(type(dialog.error), "reasonPrompt").text()
        keys.click(ok)                                   # nothing written: named, and the dialog stays
        seen["empty"] = (dialog.error.text(), dialog.isVisible(), cb.stage_of(demo_ctx, case_id))
        keys.type(dialog.text, REASON)
        assert dialog.error.text() == ""                 # the message goes once the reason is typed
        keys.click(ok)
    _yes(keys)
    answer_dialog(ReasonDialog, write_reason, delay_ms=400)
    keys.click(wizard.buttons["advance"])
    assert seen["empty"] == ("请写明批准推进的理由；不写理由不能推进", True, "INVESTIGATION")
    assert cb.stage_of(demo_ctx, case_id) == "DECISION"
    with demo_ctx.db.read() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == compliance.STAGE_OVERRIDE))
        assert entry.actor == "user:approver" and REASON in entry.detail

    page = CasesPage(demo_ctx, approver)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.view.detail is not None, timeout=5000)
    keys.click(page.filter)
    keys.type_here(cb.PARTY)
    row = next(r for r in range(page.model.rowCount()) if page.model.case_id(r) == case_id)
    keys.click(page.table.viewport(), page.table.visualRect(page.model.index(row, 0)).center())
    qtbot.waitUntil(lambda: page.view.detail is not None and page.view.detail.row.id == case_id, timeout=5000)
    shown = page.view.overrides.text()
    assert page.view.overrides_box.isVisible()
    assert "周杰" in shown and REASON in shown and "调查取证" in shown and "user:" not in shown
