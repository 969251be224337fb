"""The docking pane as an officer and an administrator drive it: a camera appears, is pulled with
progress, its sessions are linked and their interruptions explained, it is cleared, it disappears."""
import shutil

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QLabel, QMessageBox
from sqlalchemy import func, select

from jlclient.devices.simulator import simulate
from jlclient.domain.model import CameraStatus
from jlclient.store.models import AuditEntry, AvRecord, InterruptionNote
from jlclient.ui.dock_watch import DockWatcher
from jlclient.ui.docking_pane import DockingPane
from jlclient.ui.footage_dialogs import CameraDialog, LinkDialog, SpokenReasonDialog
from tests.support.dialogs import answer_dialog
from tests.support.keys import type_text



def _pull(qtbot, pane):
    qtbot.mouseClick(pane.pull_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not pane.busy() and "全部文件" in pane.status.text(), timeout=15000)


def test_dock_pull_and_undock(qtbot, dock, demo_ctx, login_as):
    pane, volume = dock(login_as("officer"))
    assert pane.cameras.topLevelItemCount() == 0
    simulate(volume, "record-folder", segments=2, segment_seconds=2, skew_seconds=-20)
    qtbot.waitUntil(lambda: pane.cameras.topLevelItemCount() == 1, timeout=3000)
    item = pane.cameras.topLevelItem(0)
    assert "DSJ0001" in item.text(0) and "李娜" in item.text(1) and "秒" in item.text(2)
    assert not pane.clear_button.isEnabled() and not pane.register_button.isEnabled()
    _pull(qtbot, pane)
    assert pane.bar.value() == 100 and item.text(3) == "2 个 · 已完成" and pane.clear_button.isEnabled()
    with demo_ctx.db.read() as s:
        assert s.scalar(select(func.count(AvRecord.id)).where(AvRecord.camera_id.is_not(None))) == 2
    assert pane.unlinked.sessions.topLevelItemCount() == 1 and "李娜 2 段" in pane.unlinked.counts.text()
    shutil.rmtree(volume)                                   # unplugged
    qtbot.waitUntil(lambda: pane.cameras.topLevelItemCount() == 0, timeout=3000)


def test_officer_links_explains_and_clears(qtbot, dock, demo_ctx, login_as, monkeypatch):
    pane, volume = dock(login_as("officer"))
    simulate(volume, "dcim-imp", segments=3, segment_seconds=2, gap_minutes=2)
    qtbot.waitUntil(lambda: pane.cameras.topLevelItemCount() == 1, timeout=3000)
    _pull(qtbot, pane)
    pane.tabs.setCurrentIndex(1)
    unlinked = pane.unlinked
    assert "中断 1 处待说明" in unlinked.sessions.topLevelItem(0).text(2)

    def explain(dialog):
        assert dialog.gap.count() == 1
        dialog.reason.setCurrentIndex(dialog.reason.findData("battery"))
        type_text(qtbot, dialog.details, "电池耗尽，换电池后恢复录制")
        dialog.accept()
    answer_dialog(SpokenReasonDialog, explain)
    qtbot.mouseClick(unlinked.explain_button, Qt.LeftButton)
    with demo_ctx.db.read() as s:
        assert s.scalar(select(func.count(InterruptionNote.id))) == 1
    assert not unlinked.explain_button.isEnabled()

    qtbot.waitUntil(lambda: not pane.busy(), timeout=15000)   # the analysis after the pull
    assert "画面分析完成" in pane.rate.text()

    def link(dialog):
        assert dialog.suggestions.count() >= 1           # the demo penalty cases of 李娜
        assert not dialog.findChild(QLabel, "thumbnailStrip").pixmap().isNull()
        dialog.accept()                                  # the party-told answer is missing
        assert "告知当事人" in dialog.error.text() and dialog.isVisible()
        qtbot.mouseClick(dialog.told_yes, Qt.LeftButton)
        dialog.accept()
    answer_dialog(LinkDialog, link)
    qtbot.mouseClick(unlinked.link_button, Qt.LeftButton)
    assert unlinked.sessions.topLevelItemCount() == 0 and "无" in unlinked.counts.text()
    with demo_ctx.db.read() as s:
        linked = s.scalars(select(AvRecord).where(AvRecord.camera_id.is_not(None))).all()
        assert all(a.case_id and a.party_informed and a.party_name and a.cause for a in linked)

    pane.tabs.setCurrentIndex(0)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    qtbot.mouseClick(pane.clear_button, Qt.LeftButton)
    assert "已清空记录仪 DSJ0001" in pane.status.text()
    assert not list((volume / "DCIM" / "100MEDIA").iterdir())
    with demo_ctx.db.read() as s:
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "camera.clear")) is not None


def test_clearing_asks_first_and_no_keeps_the_files(qtbot, dock, login_as, monkeypatch):
    pane, volume = dock(login_as("officer"))
    simulate(volume, "dcim-imp", segments=1, segment_seconds=2)
    qtbot.waitUntil(lambda: pane.cameras.topLevelItemCount() == 1, timeout=3000)
    _pull(qtbot, pane)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.No)
    qtbot.mouseClick(pane.clear_button, Qt.LeftButton)
    assert len(list((volume / "DCIM" / "100MEDIA").iterdir())) == 1


def test_an_unregistered_camera_is_offered_for_registration_to_the_administrator(qtbot, dock, demo_ctx, login_as):
    pane, volume = dock(login_as("admin"))
    simulate(volume, "video-dated", serial="DSJ0077", officer="130177", segments=1, segment_seconds=2,
             skew_seconds=400)
    qtbot.waitUntil(lambda: pane.cameras.topLevelItemCount() == 1, timeout=3000)
    assert "尚未登记" in pane.status.text() and "校准" in pane.status.text()
    assert pane.cameras.topLevelItem(0).text(1) == CameraStatus.PENDING.label
    assert pane.register_button.isEnabled()

    def register(dialog):
        assert dialog.serial.text() == "DSJ0077" and dialog.serial.isReadOnly()
        type_text(qtbot, dialog.custodian, "装备科")
        dialog.accept()
    answer_dialog(CameraDialog, register)
    qtbot.mouseClick(pane.register_button, Qt.LeftButton)
    assert pane.cameras.topLevelItem(0).text(1) == CameraStatus.IN_SERVICE.label
    assert not pane.register_button.isEnabled()


def test_two_cameras_pull_at_once(qtbot, demo_ctx, login_as, tmp_path):
    volumes = [tmp_path / "usb1", tmp_path / "usb2"]
    watcher = DockWatcher([], interval_ms=50, volumes=lambda: volumes)
    pane = DockingPane(demo_ctx, login_as("admin"), watcher)
    qtbot.addWidget(pane)
    watcher.start()
    simulate(volumes[0], "dcim-imp", serial="DSJ0001", segments=2, segment_seconds=3)
    simulate(volumes[1], "record-folder", serial="DSJ0002", officer="130102", segments=2, segment_seconds=3)
    qtbot.waitUntil(lambda: pane.cameras.topLevelItemCount() == 2, timeout=3000)
    for i in range(2):
        pane.cameras.setCurrentItem(pane.cameras.topLevelItem(i))
        qtbot.mouseClick(pane.pull_button, Qt.LeftButton)
    assert sum(d.task is not None for d in pane.docks.values()) >= 1
    qtbot.waitUntil(lambda: not pane.busy(), timeout=20000)
    assert all(d.verified for d in pane.docks.values())
    assert {pane.cameras.topLevelItem(i).text(3) for i in range(2)} == {"2 个 · 已完成"}
    with demo_ctx.db.read() as s:
        assert s.scalar(select(func.count(AvRecord.id)).where(AvRecord.camera_id.is_not(None))) == 4
    assert "李娜 2 段" in pane.unlinked.counts.text() and "王强 2 段" in pane.unlinked.counts.text()
    QThreadPool.globalInstance().waitForDone()


def test_an_interrupted_pull_resumes_by_itself_at_the_next_docking(qtbot, dock, demo_ctx, login_as, tmp_path):
    from jlclient.devices.dock import for_pull
    from jlclient.devices.layouts import recognise
    from jlclient.devices.pull import pull
    simulate(tmp_path / "staging", "dcim-imp", segments=3, segment_seconds=2)
    docked, files = for_pull(recognise(tmp_path / "staging"))
    pull(demo_ctx, "user:officer", docked, files[:1])      # the first pull stopped after one file
    pane, volume = dock(login_as("officer"))
    shutil.copytree(tmp_path / "staging", volume)          # the same camera docks again
    qtbot.waitUntil(lambda: pane.cameras.topLevelItemCount() == 1, timeout=3000)
    assert "已自动继续" in pane.status.text()
    qtbot.waitUntil(lambda: not pane.busy(), timeout=15000)
    report = next(iter(pane.docks.values())).report
    assert report.complete and report.count("skipped") == 1 and report.count("stored") == 2


def test_a_folder_marked_as_a_camera_is_docked(qtbot, dock, login_as, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog
    pane, _ = dock(login_as("officer"))
    export = tmp_path / "厂商工具导出"
    simulate(export, "generic-dcim", segments=1, segment_seconds=2)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(export))
    qtbot.mouseClick(pane.mark_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: pane.cameras.topLevelItemCount() == 1, timeout=3000)
    assert str(export) in pane.docks


def test_a_case_outside_the_suggestions_is_picked_by_its_number(qtbot, dock, demo_ctx, login_as):
    from jlclient.services import footage
    from jlclient.store.models import Case
    wang = login_as("officer2")
    pane, volume = dock(wang)
    simulate(volume, "video-dated", serial="DSJ0002", officer="130102", segments=1, segment_seconds=2)
    qtbot.waitUntil(lambda: pane.cameras.topLevelItemCount() == 1, timeout=3000)
    _pull(qtbot, pane)
    session = footage.unlinked_sessions(demo_ctx)[0]
    dialog = LinkDialog(demo_ctx, wang, session)
    qtbot.addWidget(dialog)
    dialog.show()
    with demo_ctx.db.read() as s:                          # a window application: no officer of his on it
        permit = s.scalars(select(Case).where(Case.procedure == "PERMIT").order_by(Case.id)).first()
    suggested = {dialog.suggestions.item(i).data(Qt.UserRole + 1).case_id for i in range(dialog.suggestions.count())}
    assert permit.id not in suggested
    dialog.case_ref.setFocus()
    type_text(qtbot, dialog.case_ref, "没有这个案号")
    qtbot.keyClick(dialog.case_ref, Qt.Key_Return)
    assert "没有案件" in dialog.error.text() and dialog.isVisible()
    dialog.case_ref.clear()
    type_text(qtbot, dialog.case_ref, permit.number)
    qtbot.keyClick(dialog.case_ref, Qt.Key_Return)
    assert dialog.isVisible() and dialog.suggestions.currentItem().text().startswith(permit.number)
    assert dialog.party.text() == permit.party_name and dialog.cause.text() == permit.title
    qtbot.mouseClick(dialog.told_yes, Qt.LeftButton)
    dialog.accept()
    assert not dialog.isVisible()
    with demo_ctx.db.read() as s:
        assert s.scalar(select(AvRecord.case_id).where(AvRecord.id == session.av_ids[0])) == permit.id


def test_a_docking_is_recorded_off_the_gui_thread_and_an_unplug_meanwhile_lists_nothing(qtbot, demo_ctx, login_as,
                                                                                         tmp_path, monkeypatch):
    import threading

    from jlclient.devices.layouts import recognise
    from jlclient.services import cameras
    release, threads = threading.Event(), []
    real = cameras.dock_found

    def slow_dock_found(*args):
        threads.append(threading.current_thread())
        release.wait(10)
        return real(*args)
    monkeypatch.setattr(cameras, "dock_found", slow_dock_found)
    simulate(tmp_path / "a", "record-folder", segments=1, segment_seconds=1)
    simulate(tmp_path / "b", "record-folder", segments=1, segment_seconds=1, serial="DSJ0002")
    pane = DockingPane(demo_ctx, login_as("officer"), DockWatcher([], volumes=lambda: []))
    qtbot.addWidget(pane)
    pane.add_camera(recognise(tmp_path / "a"))              # returns while the docking is being recorded
    pane.add_camera(recognise(tmp_path / "b"))
    assert pane.busy() and "正在读取记录仪" in pane.status.text() and pane.cameras.topLevelItemCount() == 0
    pane.remove_camera(str(tmp_path / "b"))                 # unplugged before its docking was recorded
    release.set()
    qtbot.waitUntil(lambda: not pane.busy(), timeout=5000)
    assert [pane.cameras.topLevelItem(i).text(0) for i in range(pane.cameras.topLevelItemCount())] == ["DSJ0001"]
    assert threading.main_thread() not in threads and len(threads) == 2
    assert "已接入 DSJ0001" in pane.status.text()


def test_a_docking_that_cannot_be_recorded_says_so(qtbot, demo_ctx, login_as, tmp_path, monkeypatch):
    from jlclient.devices.layouts import recognise
    from jlclient.services import cameras
    from jlclient.services.context import ServiceError

    def refuse(*args):
        raise ServiceError("数据库暂时不可用")
    monkeypatch.setattr(cameras, "dock_found", refuse)
    simulate(tmp_path / "a", "record-folder", segments=1, segment_seconds=1)
    pane = DockingPane(demo_ctx, login_as("officer"), DockWatcher([], volumes=lambda: []))
    qtbot.addWidget(pane)
    pane.add_camera(recognise(tmp_path / "a"))
    qtbot.waitUntil(lambda: not pane.busy(), timeout=5000)
    assert pane.status.text() == "记录接入失败：数据库暂时不可用" and pane.cameras.topLevelItemCount() == 0


def test_a_wild_clock_and_a_pipe_on_the_camera_are_told_not_hidden(qtbot, dock, demo_ctx, login_as):
    """issue 15: a camera whose clock reads 2106 is docked with 时钟无效 (no offset shown as +0 秒), and a
    named pipe beside the footage is passed over and named in the result, while the footage is pulled."""
    import os
    pane, volume = dock(login_as("officer"))
    staged = volume.parent / "staged"              # written whole first, then "plugged in"
    written = simulate(staged, "record-folder", segments=2, segment_seconds=2, skew_seconds=80 * 365 * 86400)
    os.mkfifo(written[0].parent / "PIPE.MP4")
    staged.rename(volume)
    qtbot.waitUntil(lambda: pane.cameras.topLevelItemCount() == 1, timeout=3000)
    item = pane.cameras.topLevelItem(0)
    assert item.text(2) == "时钟无效" and "时钟无效" in item.toolTip(2)
    assert "时钟无效" in pane.status.text() and "1 项不是普通文件" in pane.status.text()
    _pull(qtbot, pane)
    assert "跳过 1 项" in pane.status.text() and item.text(3) == "2 个 · 已完成"
    with demo_ctx.db.read() as s:
        starts = list(s.scalars(select(AvRecord.started_at).where(AvRecord.camera_id.is_not(None))))
    assert len(starts) == 2 and all(t is None or t.year <= 2100 for t in starts)
