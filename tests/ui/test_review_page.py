"""The review page as reviewers and approvers drive it: recordings with what each may do, an access
request approved and then played, classification, a spot-check plan drawn and its ledger exported."""
from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QTableWidget
from sqlalchemy import select

import tests.support.case_builder as cb
from jlclient.domain.av_access import AvClass, RestrictedReason
from jlclient.clock import today
from jlclient.domain.spot_check import CheckItem
from jlclient.services import av_access, spot_checks
from jlclient.store.audit import utcnow
from jlclient.store.models import SpotCheckPlan
from jlclient.ui.print_preview import PdfPreview
from jlclient.ui.reason_dialog import ReasonDialog
from jlclient.ui.review_page import ClassifyDialog, RequestDialog, ReviewPage
from jlclient.ui.spot_check_tab import PlanDialog
from tests.support.dialogs import answer_dialog
from tests.support.keys import Keys, type_text


def _page(qtbot, ctx, user) -> ReviewPage:
    page = ReviewPage(ctx, user)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    return page


def _select(tab, av_id: int) -> None:
    row = next(i for i, r in enumerate(tab.rows) if r.av_id == av_id)
    tab.table.selectRow(row)


def test_a_restricted_recording_is_requested_approved_and_then_playable(qtbot, demo_ctx, login_as, monkeypatch):
    footage = cb.add_av(demo_ctx, None, None, officer="李娜")
    av_access.classify(demo_ctx, login_as("reviewer"), footage, AvClass.RESTRICTED, RestrictedReason.PRIVACY)
    page = _page(qtbot, demo_ctx, login_as("reviewer"))
    tab = page.recordings
    _select(tab, footage)
    row = tab.rows[tab.table.currentRow()]
    assert "受限（个人隐私）" == tab.table.item(tab.table.currentRow(), 5).text()
    assert not tab.play_button.isEnabled() and tab.request_button.isEnabled()
    assert tab.table.item(tab.table.currentRow(), 6).text().startswith("不可查看")

    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.Ok)

    def ask(dialog):
        dialog.reason.setFocus()
        type_text(qtbot, dialog.reason, "行政复议答复需要")
        dialog.hours.setValue(4)
        dialog.accept()
    answer_dialog(RequestDialog, ask)
    qtbot.mouseClick(tab.request_button, Qt.LeftButton)
    mine = av_access.requests(demo_ctx, login_as("reviewer"))
    assert [(r.reason, r.hours, r.status_label) for r in mine] == [("行政复议答复需要", 4, "待审批")]
    assert row.verdict.approver.label == "负责人"

    boss = _page(qtbot, demo_ctx, login_as("approver"))
    boss.tabs.setCurrentWidget(boss.requests)
    boss.requests.table.selectRow(0)
    keys = Keys(qtbot)

    def comment(dialog):     # an approval carries the approver's opinion (issue 14)
        keys.type(dialog.text, "同意，限复议答复使用")
        keys.click(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok))
    answer_dialog(ReasonDialog, comment)
    qtbot.mouseClick(boss.requests.approve_button, Qt.LeftButton)
    assert boss.requests.table.item(0, 5).text() == "已批准"
    assert boss.requests.table.item(0, 6).text() == "周杰"
    assert boss.requests.table.item(0, 8).text() == "同意，限复议答复使用"
    assert av_access.requests(demo_ctx, login_as("approver"))[0].decision_note == "同意，限复议答复使用"

    tab.refresh()
    _select(tab, footage)
    assert tab.play_button.isEnabled() and "周杰" in tab.table.item(tab.table.currentRow(), 6).text()


def test_a_reviewer_classifies_a_recording(qtbot, demo_ctx, login_as):
    footage = cb.add_av(demo_ctx, None, None, officer="李娜")
    page = _page(qtbot, demo_ctx, login_as("reviewer"))
    _select(page.recordings, footage)

    def restrict(dialog):
        dialog.access_class.setCurrentIndex(list(AvClass).index(AvClass.RESTRICTED))
        assert dialog.reason.isEnabled()
        dialog.reason.setCurrentIndex(list(RestrictedReason).index(RestrictedReason.COMMERCIAL_SECRET))
        dialog.accept()
    answer_dialog(ClassifyDialog, restrict)
    qtbot.mouseClick(page.recordings.classify_button, Qt.LeftButton)
    _select(page.recordings, footage)
    assert page.recordings.table.item(page.recordings.table.currentRow(), 5).text() == "受限（商业秘密）"


def test_officers_and_clerks_do_not_get_the_classify_button(qtbot, demo_ctx, login_as):
    page = ReviewPage(demo_ctx, login_as("approver"))
    qtbot.addWidget(page)
    assert not page.recordings.classify_button.isHidden()
    assert not page.requests.approve_button.isHidden()
    reviewer = ReviewPage(demo_ctx, login_as("reviewer"))
    qtbot.addWidget(reviewer)
    assert reviewer.requests.approve_button.isHidden()


def test_a_plan_is_drawn_from_the_dialog_and_the_ledger_exported(qtbot, demo_ctx, login_as):
    now = utcnow()
    ids = [cb.add_av(demo_ctx, None, None, officer="王强", camera="DSJ0002", start=now - timedelta(hours=3 + i))
           for i in range(4)]
    page = _page(qtbot, demo_ctx, login_as("reviewer"))
    tab = page.spot_checks
    page.tabs.setCurrentWidget(tab)

    def draw(dialog):
        keys = Keys(qtbot)
        keys.replace(dialog.period_from, f"{today() - timedelta(days=3)}")
        keys.replace(dialog.period_to, f"{today() + timedelta(days=1):%Y%m%d}")
        dialog.scope_kind.setCurrentIndex(1)                   # 按执法人员
        names = [dialog.scope_value.itemText(i) for i in range(dialog.scope_value.count())]
        assert "王强" in names and set(names) <= {"李娜", "王强"}  # 李娜: the demo's inspections, when in the period
        dialog.scope_value.setCurrentIndex(names.index("王强"))
        dialog.size.setValue(2)
        dialog.items[CheckItem.DISCIPLINE].setChecked(False)
        dialog.seed.setText("777")
        from PySide6.QtWidgets import QDialogButtonBox
        qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok), Qt.LeftButton)
    answer_dialog(PlanDialog, draw)
    qtbot.mouseClick(tab.new_button, Qt.LeftButton)
    with demo_ctx.db.read() as s:
        plan = s.scalar(select(SpotCheckPlan))
    assert plan.seed == 777 and plan.scope_value == "王强"
    assert tab.plan_table.rowCount() == 1 and tab.plan_table.item(0, 4).text() == "2/4"
    assert tab.sample_table.rowCount() == 2 and tab.sample_table.item(0, 5).text() == "待检查"
    assert {r.av_id for r in spot_checks.plan_view(demo_ctx, plan.id).recordings} <= set(ids)
    assert "DISCIPLINE" not in plan.checklist

    seen = []
    answer_dialog(PdfPreview, lambda preview: seen.append(preview.document.pageCount()))
    qtbot.mouseClick(tab.ledger_button, Qt.LeftButton)
    assert seen == [1]


def test_spot_check_results_roll_into_the_statistics_page(qtbot, demo_ctx, login_as):
    from datetime import date

    from jlclient.domain.spot_check import Issue, ScopeKind, SizeKind
    from jlclient.ui.pages import StatsPage
    reviewer = login_as("reviewer")
    footage = cb.add_av(demo_ctx, None, None, officer="王强", camera="DSJ0002", seconds=120)
    today = date.today()
    plan = spot_checks.create_plan(demo_ctx, reviewer, today - timedelta(days=1), today + timedelta(days=1),
                                   ScopeKind.ALL, "", SizeKind.COUNT, 1, [CheckItem.ID_SHOWN, CheckItem.USABLE])
    spot_checks.record_check(demo_ctx, reviewer, plan, footage, {CheckItem.ID_SHOWN: False, CheckItem.USABLE: True},
                             [Issue(CheckItem.ID_SHOWN, 5_000, "未出示执法证")])
    page = StatsPage(demo_ctx)
    qtbot.addWidget(page)
    figures = page.findChild(QTableWidget, "spotCheckFigures")
    row = [figures.item(0, j).text() for j in range(5)]
    assert row == ["王强", "1", "1", "0%", "出示执法证件（1）"]
