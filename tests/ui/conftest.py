"""Fixtures the UI tests share: a user's main window, and a docking pane watching a volume."""
import pytest
from PySide6.QtCore import QThreadPool

from jlclient.ui.dock_watch import DockWatcher
from jlclient.ui.docking_pane import DockingPane
from jlclient.ui.main_window import MainWindow
from tests.support.wizards import hide_opened


@pytest.fixture(autouse=True)
def _wizards_hidden_at_teardown(qtbot):
    """Stage wizards opened with tests.support.wizards.open_wizard ask nobody at teardown."""
    yield
    hide_opened()


@pytest.fixture
def window_for(qtbot, demo_ctx, login_as):
    def _open(username):
        window = MainWindow(demo_ctx, login_as(username))
        qtbot.addWidget(window)
        window.show()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        return window
    yield _open
    QThreadPool.globalInstance().waitForDone()     # the window's background work ends with the test


@pytest.fixture
def dock(qtbot, demo_ctx, tmp_path):
    """``dock(user)`` gives a docking pane for ``user`` and the folder it watches as a camera volume."""
    def _dock(user):
        volume = tmp_path / "usb"
        watcher = DockWatcher([], interval_ms=50, volumes=lambda: [volume])
        pane = DockingPane(demo_ctx, user, watcher)
        qtbot.addWidget(pane)
        watcher.start()
        return pane, volume
    yield _dock
    QThreadPool.globalInstance().waitForDone()
