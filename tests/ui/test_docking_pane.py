"""A body camera appears, is pulled from the pane with progress, and disappears again."""
import shutil

from PySide6.QtCore import Qt, QThreadPool
from sqlalchemy import func, select

from jlclient.devices.simulator import simulate
from jlclient.store.models import AvRecord
from jlclient.ui.dock_watch import DockWatcher
from jlclient.ui.docking_pane import DockingPane


def test_dock_pull_and_undock(qtbot, demo_ctx, login_as, tmp_path):
    volume = tmp_path / "usb"
    watcher = DockWatcher([], interval_ms=50, volumes=lambda: [volume])
    pane = DockingPane(demo_ctx, login_as("officer"), watcher)
    qtbot.addWidget(pane)
    watcher.start()
    assert pane.cameras.count() == 0
    simulate(volume, "record-folder", segments=2, segment_seconds=2, skew_seconds=-20)
    qtbot.waitUntil(lambda: pane.cameras.count() == 1, timeout=3000)
    assert "DSJ0001" in pane.cameras.item(0).text() and "时钟偏差" in pane.cameras.item(0).text()
    qtbot.mouseClick(pane.pull_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: pane.task is None and "全部文件" in pane.status.text(), timeout=10000)
    assert pane.bar.value() == 100
    with demo_ctx.db.read() as s:
        assert s.scalar(select(func.count(AvRecord.id)).where(AvRecord.camera_id.is_not(None))) == 2
    shutil.rmtree(volume)                                   # unplugged
    qtbot.waitUntil(lambda: pane.cameras.count() == 0, timeout=3000)
    QThreadPool.globalInstance().waitForDone()
