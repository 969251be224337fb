"""设置 → 节假日安排 (issue 16): the administrator types a year's 放假安排 from the State Council's
notice; from then on every deadline in that year counts with it, and the change is audited."""
from datetime import date as D

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from jlclient.domain.deadlines import rule_by_code, running_deadline
from jlclient.domain.workdays import WorkCalendar, use_arrangements
from jlclient.store.models import AuditEntry, Setting
from jlclient.ui.settings_page import SettingsPage
from tests.support.keys import type_text

TITLE = "国务院办公厅关于2027年部分节假日安排的通知"
NUMBER = "国办发明电〔2026〕9号"


@pytest.fixture(autouse=True)
def _forget_entered_arrangements():
    yield
    use_arrangements(())   # the calendar is process-wide: leave no arrangement to the next test


def _tab(qtbot, ctx, user):
    page = SettingsPage(ctx, user)
    qtbot.addWidget(page)
    page.show()
    page.setCurrentWidget(page.holidays)
    return page


def _due(accepted_on):
    return running_deadline(rule_by_code("permit_decision"), accepted_on, WorkCalendar())


def _fill(qtbot, tab, year, rest, work):
    for widget, text in ((tab.year, year), (tab.title, TITLE), (tab.number, NUMBER), (tab.rest, rest),
                         (tab.work, work)):
        type_text(qtbot, widget, text)


def test_an_arrangement_typed_by_the_administrator_moves_the_deadline_and_is_audited(qtbot, demo_ctx, login_as):
    page = _tab(qtbot, demo_ctx, login_as("admin"))
    tab = page.holidays
    assert tab.years.findItems("2027年", Qt.MatchExactly)
    # Accepted Mon 2027-01-25, no notice yet (only 除夕 Fri Feb 5 and 初三 Mon Feb 8 rest on weekdays):
    # Jan 26-29 (4), Feb 1-4 (8), Feb 9-12 (12), Feb 15-19 (17), Feb 22, 23, 24 (20).
    before = _due(D(2027, 1, 25))
    assert before.due == D(2027, 2, 24) and not before.certain

    _fill(qtbot, tab, "2027", "2027-02-05至2027-02-11", "2027-02-14、2027-02-20")
    qtbot.mouseClick(tab.save_button, Qt.LeftButton)
    assert "已保存 2027 年放假安排" in tab.status.text()

    # With the notice: Jan 26-29 (4), Feb 1-4 (8), [Feb 5-11 off], Feb 12 (9), Sun Feb 14 (10),
    # Feb 15-19 (15), Sat Feb 20 (16), Feb 22-25 (20).
    after = _due(D(2027, 1, 25))
    assert after.due == D(2027, 2, 25) and after.certain and after.calendar_warning is None
    with demo_ctx.db.read() as s:
        row = s.get(Setting, "holiday_arrangement.2027")
        assert TITLE in row.value and NUMBER in row.value
        entry = s.scalars(select(AuditEntry).where(AuditEntry.entity_id == "holiday_arrangement.2027")).one()
        assert entry.action == "setting.set" and entry.actor == "user:admin"
    shown = [tab.years.item(r, 2).text() for r in range(tab.years.rowCount())]
    assert f"{TITLE}（{NUMBER}）" in shown

    # Chosen again in the list, the entry fills the form as it was typed, to be checked or corrected.
    again = _tab(qtbot, demo_ctx, login_as("admin"))
    fresh = again.holidays
    row = shown.index(f"{TITLE}（{NUMBER}）")
    rect = fresh.years.visualItemRect(fresh.years.item(row, 0))
    qtbot.mouseClick(fresh.years.viewport(), Qt.LeftButton, pos=rect.center())
    assert (fresh.year.text(), fresh.title.text(), fresh.number.text()) == ("2027", TITLE, NUMBER)
    assert fresh.rest.toPlainText() == "2027-02-05至2027-02-11" and fresh.work.text() == "2027-02-14、2027-02-20"


def test_a_mistyped_arrangement_is_refused_in_chinese_and_changes_nothing(qtbot, demo_ctx, login_as):
    page = _tab(qtbot, demo_ctx, login_as("admin"))
    tab = page.holidays
    _fill(qtbot, tab, "2027", "2027-02-05至2027-02-11", "2027-02-15")   # Mon Feb 15 is a working day anyway
    qtbot.mouseClick(tab.save_button, Qt.LeftButton)
    assert tab.status.text() == "调休上班日应是星期六或星期日，2027年2月15日是工作日"
    assert tab.work.text() == "2027-02-15"          # nothing typed is lost
    type_text(qtbot, tab.rest, "、2027-13-01")
    assert tab.status.text() == ""                  # a fixed error never stays red
    qtbot.mouseClick(tab.save_button, Qt.LeftButton)
    assert tab.status.text() == "放假日期中“2027-13-01”不是有效日期"
    with demo_ctx.db.read() as s:
        assert s.get(Setting, "holiday_arrangement.2027") is None
    assert not _due(D(2027, 1, 25)).certain


def test_only_the_administrator_may_enter_an_arrangement(qtbot, demo_ctx, login_as):
    page = _tab(qtbot, demo_ctx, login_as("clerk"))
    tab = page.holidays
    assert not tab.save_button.isEnabled()
