"""注销 and 切换用户 lead back to the log-in, where another user logs in by typing; the lock screen covers
the whole window, docks included; the window opens as it was left, the first time maximised."""
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu, QWidget
from shiboken6 import isValid

from jlclient.services.setup import DEMO_PASSWORD
from jlclient.ui.app import Session
from jlclient.ui.login import LoginDialog


def _login_dialog() -> LoginDialog:
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, LoginDialog) and w.isVisible())


def _when_login_shown(fn) -> None:
    """Run ``fn`` once a log-in (or lock) dialog is on screen: it is shown modally, inside exec()."""
    timer = QTimer(QApplication.instance(), interval=50)

    def check():
        if any(isinstance(w, LoginDialog) and w.isVisible() for w in QApplication.topLevelWidgets()):
            timer.stop()
            timer.deleteLater()
            fn()
    timer.timeout.connect(check)
    timer.start()


def _when_new_login_shown(old, fn) -> None:
    timer = QTimer(QApplication.instance(), interval=50)

    def check():
        if any(isinstance(w, LoginDialog) and w.isVisible() and w is not old for w in QApplication.topLevelWidgets()):
            timer.stop()
            timer.deleteLater()
            fn()
    timer.timeout.connect(check)
    timer.start()


def _type_login(qtbot, username: str | None, password: str = DEMO_PASSWORD) -> None:
    """As at the keyboard: the user name, Tab, the password, Enter."""
    dialog = _login_dialog()
    if username is not None:
        qtbot.keyClicks(dialog.username, username)
        qtbot.keyClick(dialog.username, Qt.Key_Tab)
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key_Return)


def _session(qtbot, ctx, user) -> Session:
    session = Session(QApplication.instance(), ctx)
    session.open_main(user)
    qtbot.addWidget(session.window)
    return session


def _choose_from_system_menu(qtbot, window, action_name: str) -> None:
    """Alt+S opens 系统, the action's mnemonic letter runs it."""
    action = window.findChild(QAction, action_name)
    letter = action.text()[action.text().index("&") + 1]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key_S, Qt.AltModifier)
    menu = next(m for m in window.menuBar().findChildren(QMenu) if action in m.actions())
    qtbot.waitUntil(menu.isVisible)
    qtbot.keyClick(menu, letter)


def test_logout_and_another_user_logs_in_by_typing(qtbot, demo_ctx, login_as):
    session = _session(qtbot, demo_ctx, login_as("clerk"))
    first = session.window
    assert first.place_keys() == ["workbench", "cases", "party_requests"]
    seen = {}

    def answer():
        seen["window_hidden"] = not isValid(first) or not first.isVisible()   # closed, perhaps deleted already
        seen["username_empty"] = _login_dialog().username.text() == ""
        _type_login(qtbot, "officer")
    _when_login_shown(answer)
    _choose_from_system_menu(qtbot, first, "logoutAction")
    qtbot.waitUntil(lambda: session.window is not None and session.window is not first, timeout=5000)
    qtbot.addWidget(session.window)
    assert seen == {"window_hidden": True, "username_empty": True}
    assert session.window.user.username == "officer"
    assert session.window.place_keys() == ["workbench", "cases", "cameras"]
    assert session.window.isVisible() and not (isValid(first) and first.isVisible())
    session.watcher.pause()


def test_switch_user_from_the_menu(qtbot, demo_ctx, login_as):
    session = _session(qtbot, demo_ctx, login_as("officer"))
    first = session.window
    _when_login_shown(lambda: _type_login(qtbot, "reviewer"))
    _choose_from_system_menu(qtbot, first, "switchUserAction")
    qtbot.waitUntil(lambda: session.window is not None and session.window is not first, timeout=5000)
    qtbot.addWidget(session.window)
    assert session.window.user.username == "reviewer"
    assert "review" in session.window.place_keys()
    session.watcher.pause()


def test_cancelling_the_log_in_after_logout_quits(qtbot, demo_ctx, login_as, monkeypatch):
    quits = []
    monkeypatch.setattr(QApplication.instance(), "quit", lambda: quits.append(True))
    session = _session(qtbot, demo_ctx, login_as("clerk"))
    _when_login_shown(lambda: qtbot.keyClick(_login_dialog().username, Qt.Key_Escape))
    assert session.logout() is True
    assert quits == [True] and session.window is None


def test_lock_covers_the_docking_pane_and_unlock_by_typing_the_password(qtbot, demo_ctx, login_as):
    session = _session(qtbot, demo_ctx, login_as("officer"))
    window = session.window
    pane = window.dock_pane
    qtbot.waitUntil(pane.isVisible)
    seen = {}

    def answer():
        seen["pane"] = pane.isVisible()
        seen["pages"] = window.centralWidget().isVisible()
        seen["menus"] = window.menuBar().isVisible()
        cover = window.findChild(QWidget, "lockCover")
        seen["cover"] = cover is not None and cover.isVisible() and cover.geometry() == window.rect()
        dialog = _login_dialog()
        seen["user"] = dialog.username.text()
        _type_login(qtbot, None, "wrong-pass")
        seen["error"] = dialog.error.text()
        _type_login(qtbot, None)
    _when_login_shown(answer)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key_L, Qt.ControlModifier)
    qtbot.waitUntil(lambda: "user" in seen, timeout=5000)
    assert seen["pane"] is False and seen["pages"] is False and seen["menus"] is False and seen["cover"] is True
    assert seen["user"] == "officer" and "用户名或密码错误" in seen["error"]
    qtbot.waitUntil(lambda: not window.locked)
    assert pane.isVisible() and window.centralWidget().isVisible() and window.menuBar().isVisible()
    assert window.findChild(QWidget, "lockCover") is None or not window.findChild(QWidget, "lockCover").isVisible()
    session.watcher.pause()


def test_idle_lock_hides_the_docking_pane_too(qtbot, demo_ctx, login_as):
    session = _session(qtbot, demo_ctx, login_as("admin"))
    pane = session.window.dock_pane
    seen = {}

    def answer():
        seen["pane"] = pane.isVisible()
        _type_login(qtbot, None)
    _when_login_shown(answer)
    session.watcher.set_minutes(0.002)   # about 120 ms
    qtbot.waitUntil(lambda: "pane" in seen, timeout=5000)
    assert seen["pane"] is False
    qtbot.waitUntil(lambda: pane.isVisible() and not session.window.locked)
    session.watcher.pause()


def test_switch_user_from_the_lock_screen(qtbot, demo_ctx, login_as):
    session = _session(qtbot, demo_ctx, login_as("clerk"))
    first = session.window

    def answer():
        dialog = _login_dialog()
        _when_new_login_shown(dialog, lambda: _type_login(qtbot, "archivist"))
        qtbot.mouseClick(dialog.findChild(QWidget, "switchUser"), Qt.LeftButton)
    _when_login_shown(answer)
    first.activateWindow()
    qtbot.waitUntil(first.isActiveWindow)
    qtbot.keyClick(first, Qt.Key_L, Qt.ControlModifier)
    qtbot.waitUntil(lambda: session.window is not None and session.window is not first, timeout=5000)
    qtbot.addWidget(session.window)
    assert session.window.user.username == "archivist" and not (isValid(first) and first.isVisible())
    session.watcher.pause()


def test_first_start_maximised_then_as_left(qtbot, demo_ctx, login_as):
    session = _session(qtbot, demo_ctx, login_as("clerk"))
    window = session.window
    assert window.isMaximized()
    window.showNormal()
    window.setGeometry(30, 40, 760, 540)      # the offscreen screen is 800 wide
    qtbot.waitUntil(lambda: window.size().width() == 760)
    window.close()
    session.watcher.pause()
    again = _session(qtbot, demo_ctx, login_as("clerk"))
    assert not again.window.isMaximized()
    assert (again.window.size().width(), again.window.size().height()) == (760, 540)
    assert (again.window.geometry().x(), again.window.geometry().y()) == (30, 40)
    again.watcher.pause()


def test_splitter_remembered(qtbot, demo_ctx, login_as):
    from PySide6.QtWidgets import QSplitter
    session = _session(qtbot, demo_ctx, login_as("clerk"))
    window = session.window
    window.showNormal()
    window.setGeometry(30, 40, 760, 540)
    splitter = window.pages["cases"].findChild(QSplitter)
    window.go("cases")
    qtbot.waitUntil(lambda: sum(splitter.sizes()) > 0)
    total = sum(splitter.sizes())
    # drag the handle as a user would
    handle = splitter.handle(1)
    qtbot.mousePress(handle, Qt.LeftButton)
    from PySide6.QtCore import QPoint
    qtbot.mouseMove(handle, QPoint(-200, handle.height() // 2) if splitter.orientation() == Qt.Horizontal
                    else QPoint(handle.width() // 2, -100))
    qtbot.mouseRelease(handle, Qt.LeftButton)
    moved = splitter.sizes()
    window.close()
    session.watcher.pause()
    again = _session(qtbot, demo_ctx, login_as("clerk"))
    again.window.go("cases")
    restored = again.window.pages["cases"].findChild(QSplitter)
    qtbot.waitUntil(lambda: sum(restored.sizes()) > 0)
    assert sum(moved) == total
    assert restored.sizes() == moved
    again.watcher.pause()
