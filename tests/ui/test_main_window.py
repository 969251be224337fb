"""Each role sees its places; the case list opens a case; settings and users work for administrators."""
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox, QWidget

from jlclient.services import auth, settings, users
from tests.support.keys import type_text

EXPECTED = {
    "clerk": ["workbench", "cases", "party_requests"],
    "officer": ["workbench", "cases", "cameras"],
    "reviewer": ["workbench", "cases", "review", "party_requests", "stats"],
    "archivist": ["workbench", "cases", "archive"],
    "approver": ["workbench", "cases", "review", "party_requests", "archive", "stats"],
    "admin": ["workbench", "cameras", "stats", "settings"],
}



@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_role_sees_its_places(window_for, username):
    window = window_for(username)
    assert window.place_keys() == EXPECTED[username]
    labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert labels[0] == "工作台"
    assert "SQLite" in window.findChild(QLabel, "statusDatabase").text()
    assert window.user.display_name in window.findChild(QLabel, "statusUser").text()
    profile = window.findChild(QLabel, "statusProfile").text()
    assert "灵寿县行政审批局" in profile and "lingshou-approval" not in profile   # words, not the file key


def test_user_with_two_roles_sees_both_sets(window_for, demo_ctx):
    from jlclient.domain.model import Role
    users.set_roles(demo_ctx, "cli:t", "clerk", frozenset({Role.CLERK, Role.ARCHIVIST}))
    assert window_for("clerk").place_keys() == ["workbench", "cases", "party_requests", "archive"]


def test_open_the_case_list_and_a_case(qtbot, window_for):
    window = window_for("clerk")
    qtbot.keyClick(window, Qt.Key_2, Qt.AltModifier)
    page = window.pages["cases"]
    assert window.stack.currentWidget() is page
    assert page.model.rowCount() == 7   # the demo cases
    type_text(qtbot, page.filter, "运输")
    assert page.model.rowCount() == 1
    qtbot.waitUntil(lambda: "通达运输" in page.view.heading.text())
    states = page.view.stages.text()
    assert "归档" in states and "✔" in states
    page.filter.clear()
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key_Down)
    assert page.table.currentIndex().row() == 1
    assert page.view.detail.row.id == page.model.case_id(1)
    assert page.view.records.rowCount() >= 1


def test_sorting_by_header_click(qtbot, window_for):
    page = window_for("clerk").go("cases")
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(0) + 5
    qtbot.mouseClick(header.viewport(), Qt.LeftButton, pos=QPoint(x, 5))
    numbers = [page.model.index(r, 0).data() for r in range(page.model.rowCount())]
    assert numbers == sorted(numbers) or numbers == sorted(numbers, reverse=True)
    assert page.model.query.sort == "number"


def test_workbench_shows_figures(window_for):
    page = window_for("approver").pages["workbench"]
    assert page.findChild(QWidget, "openCases").text() == "5"
    assert page.findChild(QWidget, "closedCases").text() == "2"   # one complete, one closed on a reason


def test_admin_adds_a_user_in_the_ui(qtbot, window_for, demo_ctx, monkeypatch):
    window = window_for("admin")
    tab = window.go("settings").users

    def fill(dialog):
        dialog.username.setText("newclerk")
        dialog.name.setText("钱七")
        dialog.password.setText("password-9")
        dialog.role_boxes[next(r for r in dialog.role_boxes if r.value == "CLERK")].setChecked(True)
        return QDialog.Accepted
    monkeypatch.setattr("jlclient.ui.settings_page.UserDialog.exec", fill)
    qtbot.mouseClick(tab.findChild(QWidget, "addUser"), Qt.LeftButton)
    assert "newclerk" in [tab.table.item(r, 0).text() for r in range(tab.table.rowCount())]
    assert auth.login(demo_ctx, "newclerk", "password-9").display_name == "钱七"


def test_admin_bad_user_input_shows_the_reason(qtbot, window_for, monkeypatch):
    tab = window_for("admin").go("settings").users
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warnings.append(a[2]))

    def fill(dialog):
        dialog.username.setText("x y")
        return QDialog.Accepted
    monkeypatch.setattr("jlclient.ui.settings_page.UserDialog.exec", fill)
    qtbot.mouseClick(tab.findChild(QWidget, "addUser"), Qt.LeftButton)
    assert warnings and "用户名" in warnings[0]


def test_admin_changes_profile_and_idle_time(qtbot, window_for, demo_ctx):
    agency_tab = window_for("admin").go("settings").agency
    agency_tab.profile.setCurrentIndex(agency_tab.profile.findData("lingchuan-approval"))
    rules = {agency_tab.rules.item(r, 0).text(): (agency_tab.rules.item(r, 1).text(), agency_tab.rules.item(r, 2).text())
             for r in range(agency_tab.rules.rowCount())}
    assert rules["音像记录存储时限"] == ("1 个工作日内", "《陵川县行政审批局行政许可全过程记录办法》第十八条")
    assert rules["大厅视频监控保存"][0] == "不少于 1 个月"
    agency_tab.spins["idle_lock_minutes"].setValue(3)
    with qtbot.waitSignal(agency_tab.idle_minutes_changed) as signal:
        qtbot.mouseClick(agency_tab.findChild(QWidget, "saveSettings"), Qt.LeftButton)
    assert signal.args == [3]
    assert auth.agency_summary(demo_ctx)[1] == "lingchuan-approval"
    assert settings.read_int(demo_ctx, "idle_lock_minutes") == 3


def test_deadlines_show_on_the_case_and_the_workbench(window_for):
    window = window_for("officer")
    table = window.pages["workbench"].deadlines
    rows = {table.item(r, 1).text(): table.item(r, 4).text() for r in range(table.rowCount())}
    # the demo penalty case was opened 11 days before the demo's first start: its 90-day decision deadline runs
    assert rows.get("作出行政处罚决定") == "计时中"
    page = window.go("cases")
    row = next(r for r in range(page.model.rowCount()) if "罚" in page.model.index(r, 0).data())
    page.table.selectRow(row)
    labels = [page.view.deadlines.item(r, 0).text() for r in range(page.view.deadlines.rowCount())]
    assert "作出行政处罚决定" in labels


def test_deadline_extension_from_the_case_view(qtbot, window_for, monkeypatch):
    from PySide6.QtWidgets import QDialogButtonBox

    from jlclient.ui.deadline_dialog import DeadlineDialog
    page = window_for("clerk").go("cases")
    row = next(r for r in range(page.model.rowCount()) if page.model.index(r, 3).data() == "调查取证/审查"
               and "许" in page.model.index(r, 0).data())
    page.table.selectRow(row)

    def due(label):
        table = page.view.deadlines
        return next(table.item(r, 2).text() for r in range(table.rowCount()) if table.item(r, 0).text() == label)
    before = due("作出行政许可决定")
    errors = []

    def fill(dialog):
        dialog.rule.setCurrentIndex(dialog.rule.findData("permit_decision"))
        dialog.kind.setCurrentIndex(dialog.kind.findData("EXTENSION"))
        dialog.reason.setText("需组织专家评审")
        ok = dialog.buttons.button(QDialogButtonBox.Ok)
        qtbot.mouseClick(ok, Qt.LeftButton)   # no approver yet: refused, the reason shown, nothing written
        errors.append(dialog.error.text())
        dialog.approver.setText("周杰")
        qtbot.mouseClick(ok, Qt.LeftButton)
        return dialog.result()
    monkeypatch.setattr(DeadlineDialog, "exec", fill)
    qtbot.mouseClick(page.view.adjust_button, Qt.LeftButton)
    assert "批准人" in errors[0]
    assert due("作出行政许可决定") > before
