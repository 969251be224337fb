"""The stage wizard as an officer drives it: problems named, drafts saved, history side by side."""
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select

from jlclient.services import records
from jlclient.store.models import Case
from jlclient.ui.stage_wizard import HistoryDialog, StageWizard
from tests.support.keys import type_text


def _penalty_id(ctx):
    with ctx.db.read() as s:
        return s.scalar(select(Case.id).where(Case.procedure == "PENALTY"))


def test_finishing_an_empty_page_names_each_gap_and_writes_nothing(qtbot, demo_ctx, login_as):
    wizard = StageWizard(demo_ctx, login_as("officer"), _penalty_id(demo_ctx))
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.page().spec.code == "inspection_record"
    qtbot.mouseClick(wizard.buttons["finishPage"], Qt.LeftButton)
    problems = wizard.page().problem_label.text()
    assert "检查（勘验）地点" in problems and "《灵寿县行政审批局行政执法全过程记录办法》第十四条" in problems and "seed" not in problems
    assert records.records_of(demo_ctx, _penalty_id(demo_ctx))[-1].form != "inspection_record"


def test_draft_then_revision_shows_in_history(qtbot, demo_ctx, login_as):
    case_id = _penalty_id(demo_ctx)
    wizard = StageWizard(demo_ctx, login_as("officer"), case_id)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)
    place = wizard.page().editors["place"].widget
    type_text(qtbot, place, "灵寿县慈峪镇顺发超市")
    qtbot.keyClick(wizard, Qt.Key_S, Qt.ControlModifier)
    assert "草稿" in wizard.nav.item(0).text()
    place.clear()
    type_text(qtbot, place, "灵寿县慈峪镇顺发超市仓库")
    qtbot.mouseClick(wizard.buttons["saveDraft"], Qt.LeftButton)
    assert "第 2 版" in wizard.status.text()
    seen = {}

    def read_history():
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, HistoryDialog) and w.isVisible())
        row = next(r for r in range(dialog.table.rowCount()) if "地点" in dialog.table.verticalHeaderItem(r).text())
        seen["cells"] = [dialog.table.item(row, c).text() for c in range(dialog.table.columnCount())]
        seen["headers"] = [dialog.table.horizontalHeaderItem(c).text() for c in range(dialog.table.columnCount())]
        dialog.accept()
    QTimer.singleShot(0, read_history)
    qtbot.mouseClick(wizard.buttons["history"], Qt.LeftButton)
    assert seen["cells"] == ["灵寿县慈峪镇顺发超市", "灵寿县慈峪镇顺发超市仓库"]
    assert all("李娜" in h and "user:" not in h and "T" not in h for h in seen["headers"])   # the person, local time


def test_advancing_asks_first_and_moves_the_case(qtbot, demo_ctx, login_as, monkeypatch):
    case_id = _penalty_id(demo_ctx)
    wizard = StageWizard(demo_ctx, login_as("officer"), case_id)
    qtbot.addWidget(wizard)
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.No)
    qtbot.mouseClick(wizard.buttons["advance"], Qt.LeftButton)
    with demo_ctx.db.read() as s:
        assert s.get(Case, case_id).stage == "INVESTIGATION"
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.Yes)
    qtbot.mouseClick(wizard.buttons["advance"], Qt.LeftButton)
    with demo_ctx.db.read() as s:
        assert s.get(Case, case_id).stage == "DECISION"


def test_closing_with_gaps_is_refused_unless_an_approver_writes_a_reason(qtbot, demo_ctx, login_as, monkeypatch):
    from PySide6.QtWidgets import QDialogButtonBox

    from jlclient.domain.model import Procedure, Stage
    from jlclient.services.verify import verify
    from jlclient.ui.reason_dialog import ReasonDialog
    from tests.support.dialogs import answer_dialog
    from tests.support.keys import Keys
    from jlclient.store.models import ComplianceOverride
    from tests.support.case_builder import build_case
    case_id = build_case(demo_ctx, Procedure.PERMIT, until=Stage.ARCHIVING, skip=("service_return_receipt",))
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.Yes)
    told = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: told.append(a[2]))
    monkeypatch.setattr(QMessageBox, "information", lambda *a: told.append(a[2]))

    officer = StageWizard(demo_ctx, login_as("officer"), case_id)
    qtbot.addWidget(officer)
    qtbot.mouseClick(officer.buttons["advance"], Qt.LeftButton)
    assert "送达回证" in told[-1] and "负责人" in told[-1]
    with demo_ctx.db.read() as s:
        assert s.get(Case, case_id).status == "OPEN"

    keys = Keys(qtbot)

    def write_reason(dialog):
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok)
        keys.click(ok)                                   # an empty reason is named; the dialog stays
        assert "理由" in dialog.error.text() and dialog.isVisible()
        keys.type(dialog.text, "送达回证原件已在诉讼中提交法院，复印件附卷")
        keys.click(ok)
    answer_dialog(ReasonDialog, write_reason)
    approver = StageWizard(demo_ctx, login_as("approver"), case_id)
    qtbot.addWidget(approver)
    qtbot.mouseClick(approver.buttons["advance"], Qt.LeftButton)
    assert "已结案" in told[-1]
    with demo_ctx.db.read() as s:
        assert s.get(Case, case_id).status == "CLOSED"
        override = s.scalar(select(ComplianceOverride).where(ComplianceOverride.case_id == case_id))
        assert override.approver == "user:approver" and "法院" in override.reason
    assert verify(demo_ctx).ok


def test_a_finished_page_shows_the_number_it_was_given(qtbot, demo_ctx, login_as):
    """A 文号 left empty is given by the numbering service when the page is finished; the page and
    the status line show it at once, so the officer can write it on the paper."""
    from tests.support import case_builder as cb
    from jlclient.domain.model import Procedure, Stage
    from tests.support.keys import Keys
    case_id = cb.build_case(demo_ctx, Procedure.PENALTY, until=Stage.INVESTIGATION)
    cb.advance(demo_ctx, case_id)            # now in 决定
    wizard = StageWizard(demo_ctx, login_as("officer"), case_id)
    wizard.show()
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)
    try:
        pages = [wizard.pages.widget(i) for i in range(wizard.pages.count())]
        page = next(p for p in pages if any(k in p.editors for k in ("doc_number",)) and p.spec.code != "case_approval")
        wizard.nav.setCurrentRow(pages.index(page))
        prepared = cb.form_values(page.spec.code, Procedure.PENALTY) | {"doc_number": None}
        page.set_values({k: v for k, v in prepared.items() if k not in ("party", "applicant", "recipient")})
        Keys(qtbot).press("Ctrl+Return", widget=wizard)
        shown = page.editors["doc_number"].value()
        assert shown and "〔" in shown and shown in wizard.status.text(), (page.spec.code, wizard.status.text(), page.problem_label.text())
        record = next(r for r in records.records_of(demo_ctx, case_id) if r.form == page.spec.code)
        assert records.latest_values(demo_ctx, record.id)["doc_number"] == shown
    finally:
        wizard.hide()
