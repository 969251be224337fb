"""The application's own start path: log-in dialog typed into, then the main window of that role."""
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from jlclient.domain.places import places_for
from jlclient.services.setup import DEMO_PASSWORD, DEMO_USERS
from jlclient.ui.app import Session
from jlclient.ui.login import LoginDialog


def _answer_login(qtbot, username, password, seen):
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, LoginDialog) and w.isVisible())
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClick(dialog.username, Qt.Key_Tab)
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key_Return)
    seen["error"] = dialog.error.text()
    if dialog.isVisible():
        dialog.reject()


@pytest.mark.parametrize("username,roles", [(u, roles) for u, _, roles, _ in DEMO_USERS], ids=[u[0] for u in DEMO_USERS])
def test_each_demo_user_logs_in_and_sees_their_places(qtbot, demo_ctx, username, roles):
    session = Session(QApplication.instance(), demo_ctx)
    seen = {}
    QTimer.singleShot(0, lambda: _answer_login(qtbot, username, DEMO_PASSWORD, seen))
    assert session.login() is True
    qtbot.addWidget(session.window)
    expected = [p.label for p in places_for(frozenset(roles))]
    assert [session.window.nav.item(i).text() for i in range(session.window.nav.count())] == expected
    assert session.window.isVisible()
    session.watcher.pause()


def test_wrong_password_then_cancel_leaves_no_window(qtbot, demo_ctx):
    session = Session(QApplication.instance(), demo_ctx)
    seen = {}
    QTimer.singleShot(0, lambda: _answer_login(qtbot, "clerk", "wrong-password", seen))
    assert session.login() is False
    assert "用户名或密码错误" in seen["error"]
    assert session.window is None


def test_login_window_shows_before_the_database_opens(qtbot, tmp_path, monkeypatch):
    """Start-up as `make run` does it: the window first, the database behind it, then log-in."""
    from PySide6.QtWidgets import QDialogButtonBox
    monkeypatch.setenv("JL_HOME", str(tmp_path / "home"))
    session = Session(QApplication.instance(), None)
    seen = {}

    def answer():
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, LoginDialog) and w.isVisible())
        ok = dialog.buttons.button(QDialogButtonBox.Ok)
        seen["enabled_at_first"] = seen.get("enabled_at_first", ok.isEnabled())
        if not ok.isEnabled():          # still opening the database: look again shortly
            QTimer.singleShot(50, answer)
            return
        seen["agency"] = dialog.agency.text()
        _answer_login(qtbot, "clerk", DEMO_PASSWORD, seen)
    QTimer.singleShot(0, answer)
    assert session.login() is True
    qtbot.addWidget(session.window)
    assert seen["enabled_at_first"] is False and seen["agency"] == "灵寿县行政审批局"
    session.watcher.pause()
    session.ctx.close()
