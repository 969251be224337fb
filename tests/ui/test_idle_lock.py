"""The screen locks after the idle time and opens again only with the same user's password."""
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from jlclient.services.setup import DEMO_PASSWORD
from jlclient.ui.app import Session
from jlclient.ui.login import LoginDialog


def test_idle_lock_and_unlock(qtbot, demo_ctx, login_as):
    session = Session(QApplication.instance(), demo_ctx)
    session.open_main(login_as("clerk"))
    qtbot.addWidget(session.window)
    seen = {}

    def answer_lock_dialog():
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, LoginDialog) and w.isVisible())
        seen["user"] = dialog.username.text()
        seen["hidden"] = not session.window.centralWidget().isVisible()
        dialog.password.setText("wrong-pass")
        dialog.buttons.accepted.emit()
        seen["error"] = dialog.error.text()
        dialog.password.setText(DEMO_PASSWORD)
        dialog.buttons.accepted.emit()

    session.watcher.set_minutes(0.002)  # about 120 ms
    QTimer.singleShot(400, answer_lock_dialog)
    qtbot.waitUntil(lambda: "user" in seen, timeout=3000)
    assert seen["user"] == "clerk" and seen["hidden"]
    assert "用户名或密码错误" in seen["error"]
    qtbot.waitUntil(lambda: session.window.centralWidget().isVisible())
    session.watcher.pause()
