"""Seed 001 Art. 12(四) in the docking pane: a recording with a segment missing from the camera is listed
with the sign, in words, beside its session; the officer sees it before linking."""
import shutil

from PySide6.QtCore import Qt

from jlclient.devices.simulator import simulate


def test_a_session_missing_a_segment_says_so_in_the_list(qtbot, dock, login_as, tmp_path):
    pane, volume = dock(login_as("officer"))
    written = simulate(tmp_path / "staged", "dcim-imp", segments=3, segment_seconds=2)
    written[1].unlink()                               # 0002 left out before the camera is docked
    shutil.copytree(tmp_path / "staged", volume)
    qtbot.waitUntil(lambda: pane.cameras.topLevelItemCount() == 1, timeout=3000)
    qtbot.mouseClick(pane.pull_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not pane.busy() and "全部文件" in pane.status.text(), timeout=15000)
    assert pane.unlinked.sessions.topLevelItemCount() == 1
    shown = pane.unlinked.sessions.topLevelItem(0).text(2)
    assert "2 段" in shown and "疑似取舍、补录或插入：段号不连续：第 0001 段之后是第 0003 段，缺少 1 段" in shown
