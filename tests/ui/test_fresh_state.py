"""Lists, figures and the status bar show what is true now: 统计 and the workbench after a case
changes, the status bar after a profile change, the camera page's list after a pull in the pane,
progress bars that start again for each pull, the link dialog's name after the stage."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget
from sqlalchemy import select

from jlclient.devices.simulator import simulate
from jlclient.domain.model import Procedure, StartMode
from jlclient.services import cases, footage
from jlclient.services.parties import ORGANISATION, PartyInput
from jlclient.services.demo import credit_code
from jlclient.store.models import Officer
from jlclient.ui.footage_dialogs import LinkDialog
from tests.support.keys import type_text


def _new_penalty_case(ctx) -> None:
    with ctx.db.write() as s:
        officers = tuple(o.id for o in s.scalars(select(Officer).order_by(Officer.id)))
        cases.add_case(s, "user:officer", cases.NewCase(
            Procedure.PENALTY, StartMode.EX_OFFICIO, "未按许可条件从事经营活动",
            PartyInput(ORGANISATION, "灵寿县新开超市", credit_code("92130126MA0D13579"), "", "灵寿县"), "综合执法科", officers))


def _penalties(page) -> str:
    table = page.findChild(QWidget, "statsTable")
    return next(table.item(r, 1).text() for r in range(table.rowCount()) if table.item(r, 0).text() == "行政处罚")


def test_stats_and_workbench_follow_a_new_case(qtbot, window_for, demo_ctx):
    window = window_for("approver")
    stats = window.go("stats")
    before = int(_penalties(stats))
    open_before = int(window.pages["workbench"].findChild(QLabel, "openCases").text())
    _new_penalty_case(demo_ctx)                     # registered at another workstation
    window.go("workbench")
    assert window.pages["workbench"].findChild(QLabel, "openCases").text() == str(open_before + 1)
    window.go("stats")                              # shown again: counted again
    assert _penalties(stats) == str(before + 1)


def test_stats_refresh_while_shown_when_a_case_changes_here(qtbot, window_for, demo_ctx):
    from jlclient.ui import changes
    window = window_for("approver")
    stats = window.go("stats")
    before = int(_penalties(stats))
    _new_penalty_case(demo_ctx)
    changes.announce(changes.CASE)                  # what the case page says after every change
    assert _penalties(stats) == str(before + 1)


def test_status_bar_follows_a_profile_change(qtbot, window_for, demo_ctx):
    window = window_for("admin")
    status = window.findChild(QLabel, "statusProfile")
    assert "灵寿县行政审批局" in status.text()
    tab = window.go("settings").agency
    combo = tab.profile
    combo.setFocus()
    target = combo.findData("lingchuan-approval")
    key = Qt.Key_Down if target > combo.currentIndex() else Qt.Key_Up
    while combo.currentIndex() != target:
        qtbot.keyClick(combo, key)
    qtbot.mouseClick(tab.findChild(QWidget, "saveSettings"), Qt.LeftButton)
    assert "陵川县行政审批局" in status.text() and "灵寿县" not in status.text()
    from jlclient.services import auth
    assert auth.agency_summary(demo_ctx)[0] == "陵川县行政审批局"      # the log-in dialog says so too



def test_camera_page_list_follows_a_pull_in_the_pane(qtbot, window_for, dock, login_as):
    window = window_for("admin")
    page = window.go("cameras")
    assert "无" in page.unlinked.counts.text() and page.unlinked.sessions.topLevelItemCount() == 0
    pane, volume = dock(login_as("admin"))
    simulate(volume, "record-folder", segments=2, segment_seconds=2)
    qtbot.waitUntil(lambda: pane.cameras.topLevelItemCount() == 1, timeout=5000)
    qtbot.mouseClick(pane.pull_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not pane.busy() and "全部文件" in pane.status.text(), timeout=15000)
    assert "李娜 2 段" in page.unlinked.counts.text()          # the page, still on screen, says what the pane says
    assert page.unlinked.sessions.topLevelItemCount() == pane.unlinked.sessions.topLevelItemCount() == 1
    row = next(r for r in range(page.table.rowCount()) if page.table.item(r, 0).text() == "DSJ0001")
    assert page.table.item(row, 6).text() != "—"                # last dock, just now


def test_progress_starts_again_and_an_unfinished_pull_is_not_full(qtbot, dock, login_as):
    pane, volume = dock(login_as("officer"))
    written = simulate(volume, "record-folder", segments=3, segment_seconds=2)
    qtbot.waitUntil(lambda: pane.cameras.topLevelItemCount() == 1, timeout=5000)
    written[-1].unlink()        # gone between docking and the pull: that file fails
    qtbot.mouseClick(pane.pull_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not pane.busy() and "未全部完成" in pane.status.text(), timeout=15000)
    assert pane.bar.value() < 100 and pane.file_bar.value() < 100
    assert pane.cameras.topLevelItem(0).text(3) == "3 个 · 未完成"
    values = []
    pane.bar.valueChanged.connect(values.append)
    qtbot.mouseClick(pane.pull_button, Qt.LeftButton)     # again: the two copied files are skipped
    qtbot.waitUntil(lambda: not pane.busy() and "未全部完成" in pane.status.text(), timeout=15000)
    assert values and values[0] == 0                      # the new pull starts from nothing
    assert pane.bar.value() < 100


def test_link_dialog_name_follows_the_stage(qtbot, demo_ctx, dock, login_as):
    officer = login_as("officer")
    pane, volume = dock(officer)
    simulate(volume, "record-folder", segments=1, segment_seconds=2)
    qtbot.waitUntil(lambda: pane.cameras.topLevelItemCount() == 1, timeout=5000)
    qtbot.mouseClick(pane.pull_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not pane.busy() and "全部文件" in pane.status.text(), timeout=15000)
    session = footage.unlinked_sessions(demo_ctx)[0]
    dialog = LinkDialog(demo_ctx, officer, session)
    qtbot.addWidget(dialog)
    dialog.show()
    stage = dialog.stage
    first = dialog.title.text()
    assert first.endswith("现场录像") or first == "执法录像"
    stage.setFocus()
    qtbot.keyClick(stage, Qt.Key_Down)
    label = stage.currentText()
    assert dialog.title.text() == f"{label}现场录像"
    dialog.title.selectAll()
    type_text(qtbot, dialog.title, "门店检查录像")          # the officer's own name stays
    qtbot.keyClick(stage, Qt.Key_Down)
    assert dialog.title.text() == "门店检查录像"
