"""设置 → 防删改检查点: the administrator sees this workstation's signing key and its checkpoints,
signs the chain head now, copies the checkpoints to a USB stick or another disk, and replaces a lost
key. A lost key is shown in red: from then on no checkpoint is written until a new key is made."""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from jlclient.domain.model import Role
from jlclient.services import anchors
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext, ServiceError
from jlclient.ui.file_dialogs import choose_folder
from jlclient.ui.tables import warn

RED = "color: #c0392b;"


class AnchorsTab(QWidget):
    def __init__(self, ctx: AppContext, user: CurrentUser, parent=None):
        super().__init__(parent)
        self.setObjectName("AnchorsTab")
        self.ctx, self.user = ctx, user
        intro = QLabel(self.tr(
            "审计链的最新位置定期签名，写入证据文件夹（检查点）。有人在数据库中删除或改写检查点之前的记录，"
            "校验时即可发现。建议定期把检查点复制到U盘或另一台电脑保存。"), wordWrap=True)
        self.key = QLabel(objectName="anchorKey", wordWrap=True)
        self.count = QLabel(objectName="anchorCount", wordWrap=True)
        self.now_button = QPushButton(self.tr("立即写入检查点(&W)"), objectName="checkpointNow")
        self.copy_button = QPushButton(self.tr("复制检查点到…(&C)"), objectName="copyAnchors")
        self.new_key_button = QPushButton(self.tr("生成新签名密钥…(&K)"), objectName="newKey")
        admin = user.has(Role.ADMIN)
        for button in (self.now_button, self.copy_button, self.new_key_button):
            button.setEnabled(admin)
        self.now_button.clicked.connect(self.checkpoint_now)
        self.copy_button.clicked.connect(self.copy)
        self.new_key_button.clicked.connect(self.new_key)
        buttons = QHBoxLayout()
        for button in (self.now_button, self.copy_button, self.new_key_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        for w in (intro, self.key, self.count):
            layout.addWidget(w)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        seen = anchors.overview(self.ctx)
        self.key.setText(seen.key.text())
        self.key.setStyleSheet(RED if seen.key.lost else "")
        text = self.tr("证据文件夹中有 {n} 个检查点").format(n=seen.count)
        if seen.newest:
            text += self.tr("，最新的签于{w}").format(w=seen.newest)
        if seen.unreadable:
            text += self.tr("；{n} 个检查点文件无法读取（被改动或损坏），请运行校验").format(n=seen.unreadable)
        self.count.setText(text)
        self.count.setStyleSheet(RED if seen.unreadable else "")

    def checkpoint_now(self) -> None:
        try:
            anchors.checkpoint_now(self.ctx)
        except ServiceError as exc:
            warn(self, self.tr("不能写入检查点"), exc)
        self.refresh()

    def copy(self) -> None:
        where = choose_folder(self, self.tr("复制检查点到"), "anchors")
        if not where:
            return
        try:
            n = anchors.copy_to(self.ctx, where)
        except OSError as exc:
            warn(self, self.tr("不能复制检查点"), ServiceError(f"无法写入“{where}”：{exc.strerror or exc}"))
            return
        QMessageBox.information(self, self.tr("复制检查点"),
                                self.tr("已复制 {n} 个新检查点到“{w}”（已有的不重复复制）。").format(n=n, w=where))

    def new_key(self) -> None:
        sure = QMessageBox.question(self, self.tr("生成新签名密钥"), self.tr(
            "将为本工作站生成新的检查点签名密钥并登记（记入审计日志）。旧密钥签过的检查点仍可核对。确定？"))
        if sure != QMessageBox.Yes:
            return
        try:
            anchors.new_key(self.ctx, self.user)
        except ServiceError as exc:
            warn(self, self.tr("不能生成密钥"), exc)
        self.refresh()
