"""Log-in and idle-lock dialogs."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout)

if TYPE_CHECKING:  # the dialog is shown before SQLAlchemy is even imported (start-up time)
    from jlclient.services.auth import CurrentUser
    from jlclient.services.context import AppContext


class LoginDialog(QDialog):
    """Asks for a user name and password; ``user`` is set when it is accepted. Locked, it also
    offers 切换用户 (the dialog then ends with SWITCH)."""
    SWITCH = 2
    switch_user = Signal()

    def __init__(self, ctx: AppContext | None, agency: str = "", parent=None, *,
                 locked_user: CurrentUser | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.user: CurrentUser | None = None
        self.after_first_paint = None  # called once the dialog has been painted (start-up: open the database)
        self._locked_user = locked_user
        self.setObjectName("LoginDialog")
        self.setWindowTitle(self.tr("屏幕已锁定") if locked_user else self.tr("登录 — 行政执法全过程记录"))
        self.title = QLabel(self.tr("行政执法全过程记录系统"))
        self.title.setObjectName("loginTitle")
        self.title.setStyleSheet("font-size: 18pt; font-weight: bold;")
        self.agency = QLabel(agency)
        self.username = QLineEdit(objectName="username")
        self.username.setPlaceholderText(self.tr("用户名"))
        self.password = QLineEdit(objectName="password")
        self.password.setEchoMode(QLineEdit.Password)
        self.password.setPlaceholderText(self.tr("密码"))
        self.error = QLabel(objectName="loginError")
        self.error.setStyleSheet("color: #c0392b;")
        self.error.setWordWrap(True)
        # room for two lines from the start: the longest message (locked after the fifth wrong
        # password) must show whole, and the dialog must not jump when it appears
        self.error.setMinimumHeight(2 * self.error.fontMetrics().lineSpacing() + 4)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText(self.tr("解锁") if locked_user else self.tr("登录"))
        self.buttons.button(QDialogButtonBox.Cancel).setText(self.tr("退出") if not locked_user else self.tr("退出程序"))
        self.buttons.accepted.connect(self._try_login)
        self.buttons.rejected.connect(self.reject)
        if locked_user:
            switch = QPushButton(self.tr("切换用户"), objectName="switchUser")
            self.buttons.addButton(switch, QDialogButtonBox.ResetRole)
            switch.clicked.connect(self.switch_user)

        form = QFormLayout()
        form.addRow(self.tr("用户名："), self.username)
        form.addRow(self.tr("密码："), self.password)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title, alignment=Qt.AlignHCenter)
        layout.addWidget(self.agency, alignment=Qt.AlignHCenter)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        if locked_user:
            self.username.setText(locked_user.username)
            self.username.setReadOnly(True)
            self.password.setFocus()
        if ctx is None:  # the database is still being opened: see attach()
            self.buttons.button(QDialogButtonBox.Ok).setEnabled(False)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().paintEvent(event)
        if self.after_first_paint is not None:
            callback, self.after_first_paint = self.after_first_paint, None
            QTimer.singleShot(0, callback)  # after this paint has been flushed to the screen

    def attach(self, ctx: AppContext, agency: str) -> None:
        """The database is open: logging in becomes possible."""
        self.ctx = ctx
        self.agency.setText(agency)
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(True)

    def _try_login(self) -> None:
        from jlclient.services import auth
        from jlclient.services.context import ServiceError
        if self.ctx is None:
            return
        if not self.username.text().strip() or not self.password.text():
            self.error.setText(self.tr("请输入用户名和密码"))
            return
        try:
            user = auth.login(self.ctx, self.username.text(), self.password.text())
        except ServiceError as exc:
            self.error.setText(str(exc))
            self.adjustSize()            # a longer message than the room kept: the dialog grows
            self.password.clear()
            self.password.setFocus()
            return
        self.user = user
        self.accept()
