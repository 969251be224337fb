"""The spot-check tab says what is true: the plan's period is typed with keys and shown as 2025-06-01 (never "1 6 2025"),
the tab states what the sample was drawn from and what was left out, and a check saved in the player
shows on 统计 at once, without the page being shown again."""
from datetime import date, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QTableWidget
from sqlalchemy import select

import tests.support.case_builder as cb
from jlclient.clock import today
from jlclient.domain.av_access import AvClass, RestrictedReason
from jlclient.domain.spot_check import CheckItem, ScopeKind, SizeKind
from jlclient.services import av_access, spot_checks
from jlclient.store.audit import utcnow
from jlclient.store.models import SpotCheck, SpotCheckPlan
from jlclient.ui.footage_player import SpotCheckDialog
from jlclient.ui.pages import StatsPage
from jlclient.ui.review_page import ReviewPage
from jlclient.ui.spot_check_tab import PlanDialog
from tests.support.clips import write_clip
from tests.support.dialogs import answer_dialog
from tests.support.keys import Keys


def _spot_tab(qtbot, ctx, user):
    page = ReviewPage(ctx, user)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    page.tabs.setCurrentWidget(page.spot_checks)
    return page


def test_the_period_is_typed_and_shown_as_iso_dates_and_the_tab_says_what_was_left_out(qtbot, demo_ctx, login_as):
    reviewer = login_as("reviewer")
    open_one = cb.add_av(demo_ctx, None, None, officer="王强", camera="DSJ0002", start=datetime(2025, 6, 1, 2, 0))
    closed = cb.add_av(demo_ctx, None, None, officer="王强", camera="DSJ0002", start=datetime(2025, 6, 2, 2, 0))
    av_access.classify(demo_ctx, reviewer, closed, AvClass.RESTRICTED, RestrictedReason.WORK_SECRET)
    page = _spot_tab(qtbot, demo_ctx, reviewer)
    tab = page.spot_checks
    shown = {}

    def draw(dialog: PlanDialog):
        keys = Keys(qtbot)
        keys.replace(dialog.period_from, "2025/6/1")
        keys.press("Tab")
        keys.replace(dialog.period_to, "2025年6月3日")
        keys.press("Tab")
        shown["from"], shown["to"] = dialog.period_from.text(), dialog.period_to.text()
        keys.click(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok))
    answer_dialog(PlanDialog, draw)
    qtbot.mouseClick(tab.new_button, Qt.LeftButton)

    assert shown == {"from": "2025-06-01", "to": "2025-06-03"}
    with demo_ctx.db.read() as s:
        plan = s.scalar(select(SpotCheckPlan))
    assert (plan.period_from, plan.period_to) == (date(2025, 6, 1), date(2025, 6, 3))
    assert tab.plan_table.item(0, 1).text() == "2025-06-01～2025-06-03"
    assert [r.av_id for r in spot_checks.plan_view(demo_ctx, plan.id).recordings] == [open_one]
    facts = tab.plan_facts.text()
    assert "范围内音像记录 2 件，纳入抽样 1 件" in facts and "受限" in facts
    assert "样本均在检查人职责范围内" in facts


def test_a_saved_check_shows_on_the_statistics_page_at_once(qtbot, demo_ctx, login_as, tmp_path):
    clip = write_clip(tmp_path / "clip.mp4", seconds=3)
    reviewer = login_as("reviewer")
    cb.add_av(demo_ctx, None, None, officer="王强", camera="DSJ0002", seconds=3, content=clip.read_bytes(),
              start=utcnow().replace(microsecond=0) - timedelta(hours=1))
    stats = StatsPage(demo_ctx)
    qtbot.addWidget(stats)
    stats.show()                                    # open beside the review page; never shown again
    figures = stats.findChild(QTableWidget, "spotCheckFigures")
    assert figures.rowCount() == 0
    spot_checks.create_plan(demo_ctx, reviewer, today() - timedelta(days=1), today(), ScopeKind.ALL, "",
                            SizeKind.COUNT, 1, [CheckItem.ID_SHOWN, CheckItem.USABLE])
    page = _spot_tab(qtbot, demo_ctx, reviewer)
    tab = page.spot_checks
    tab.refresh()
    assert tab.check_button.isEnabled()             # the one pending recording is selected

    def check(dialog: SpotCheckDialog):
        for item in dialog.plan.checklist:
            qtbot.mouseClick(dialog.checklist.groups[item].button(1), Qt.LeftButton)   # 合格
        qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    answer_dialog(SpotCheckDialog, check)
    qtbot.mouseClick(tab.check_button, Qt.LeftButton)

    with demo_ctx.db.read() as s:
        assert s.scalar(select(SpotCheck.conclusion).limit(1)) is not None
    assert [figures.item(0, j).text() for j in range(4)] == ["王强", "1", "0", "100%"]
