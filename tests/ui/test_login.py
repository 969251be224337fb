"""The log-in dialog driven by keys, as a clerk would."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from jlclient.services.setup import DEMO_PASSWORD
from jlclient.ui.login import LoginDialog


def _type_and_enter(qtbot, dialog, username, password):
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClick(dialog.username, Qt.Key_Tab)
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key_Return)


def test_right_password_accepts(qtbot, demo_ctx):
    dialog = LoginDialog(demo_ctx, "灵寿县行政审批局")
    qtbot.addWidget(dialog)
    dialog.show()
    _type_and_enter(qtbot, dialog, "clerk", DEMO_PASSWORD)
    assert dialog.result() == QDialog.Accepted
    assert dialog.user.username == "clerk"


def test_wrong_password_shows_a_message_and_stays_open(qtbot, demo_ctx):
    dialog = LoginDialog(demo_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    _type_and_enter(qtbot, dialog, "clerk", "not-the-password")
    assert dialog.isVisible() and dialog.user is None
    assert "用户名或密码错误" in dialog.error.text()
    assert dialog.password.text() == ""


def test_empty_fields_are_named(qtbot, demo_ctx):
    dialog = LoginDialog(demo_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog.password, Qt.Key_Return)
    assert dialog.error.text() == "请输入用户名和密码"
