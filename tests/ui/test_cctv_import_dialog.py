"""The archivist takes the hall's CCTV export in from the archive page: the folder's content shown
before anything is copied, the import on a worker with progress, the list refreshed after."""
from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel

from jlclient.clock import today
from jlclient.services import setup
from jlclient.ui.archive_page import ArchivePage
from jlclient.ui.cctv_import_dialog import CctvImportDialog
from tests.support.clips import write_clip
from tests.support.dialogs import answer_dialog
from tests.support.keys import type_text


def _page(qtbot, ctx, user) -> ArchivePage:
    page = ArchivePage(ctx, user)
    qtbot.addWidget(page)
    page.show()
    page.tabs.setCurrentWidget(page.retention)
    return page


def test_the_archivist_imports_an_export_and_sees_it_on_the_retention_list(qtbot, demo_ctx, login_as, tmp_path,
                                                                           monkeypatch):
    setup.set_profile(demo_ctx, "cli:test", "lingchuan-approval")
    day = datetime.combine(today() - timedelta(days=40), datetime.min.time()).replace(hour=9)
    for ch, first in ((1, 0), (2, 300)):
        write_clip(tmp_path / "nvr" / f"ch0{ch}_{day:%Y%m%d%H%M%S}_{day + timedelta(seconds=2):%Y%m%d%H%M%S}.mp4",
                   seconds=2, size=(160, 120), first=first)
    (tmp_path / "empty").mkdir()
    folders = [str(tmp_path / "empty"), str(tmp_path / "nvr")]
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: folders.pop(0))
    page = _page(qtbot, demo_ctx, login_as("archivist"))
    tab = page.retention
    assert not tab.import_button.isHidden() and tab.rows == [] and "没有已过保存期限" in tab.empty.text()
    seen = {}

    def run(dialog):
        seen["rule"] = dialog.findChild(QLabel, "cctvIntro").text()
        qtbot.mouseClick(dialog.choose_button, Qt.LeftButton)          # a folder with no footage first
        seen["empty"] = (dialog.status.text(), dialog.start_button.isEnabled())
        qtbot.mouseClick(dialog.choose_button, Qt.LeftButton)
        seen["found"] = dialog.found.text()
        dialog.location.clear()
        type_text(qtbot, dialog.location, "城关政务服务大厅")
        qtbot.keyClick(dialog.start_button, Qt.Key_Space)
        qtbot.waitUntil(lambda: dialog.report is not None, timeout=15000)
        seen["done"] = (dialog.status.text(), dialog.bar.format())
        qtbot.mouseClick(dialog.close_button, Qt.LeftButton)
        seen["closed"] = not dialog.isVisible()
    answer_dialog(CctvImportDialog, run)
    qtbot.mouseClick(tab.import_button, Qt.LeftButton)

    assert "没有监控录像文件" in seen["empty"][0] and seen["empty"][1] is False
    assert seen["found"].startswith("2 个录像文件") and "通道01、通道02" in seen["found"]
    assert f"{day:%Y-%m-%d %H:%M}" in seen["found"]
    assert seen["done"][0].startswith("新登记 2 个，此前已导入 0 个") and seen["done"][1] == "完成" and seen["closed"]
    assert "保存期限不少于 1 个月（《陵川县行政审批局行政许可全过程记录办法》第十八条）" in seen["rule"]
    # refreshed: one month passed, both are on the disposal list, named by hall and channel
    assert len(tab.rows) == 2
    assert [tab.table.item(i, 1).text() for i in range(2)] == ["大厅监控", "大厅监控"]
    assert sorted(tab.table.item(i, 2).text() for i in range(2)) == ["城关政务服务大厅 通道01", "城关政务服务大厅 通道02"]
    assert tab.table.item(0, 6).text() == "可销毁" and tab.empty.isHidden()


def test_a_profile_silent_on_hall_cctv_says_it_is_kept(qtbot, demo_ctx, login_as):
    dialog = CctvImportDialog(demo_ctx, login_as("archivist"))      # the demo's profile (seed 000) is silent
    qtbot.addWidget(dialog)
    assert "未规定政务服务大厅监控录像的保存期限" in dialog.findChild(QLabel, "cctvIntro").text()
    assert not dialog.start_button.isEnabled()


def test_the_import_button_is_for_archivists(qtbot, demo_ctx, login_as):
    assert _page(qtbot, demo_ctx, login_as("approver")).retention.import_button.isHidden()
