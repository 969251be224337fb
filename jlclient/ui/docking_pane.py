"""The docking pane: docked body cameras, and their pull with progress and cancel, off the GUI thread."""
from __future__ import annotations

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import (QDockWidget, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QProgressBar,
                               QPushButton, QVBoxLayout, QWidget)

from jlclient.clock import local
from jlclient.devices.layouts import Recognised
from jlclient.devices.pull import PullReport
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext
from jlclient.store.audit import utcnow
from jlclient.ui.dock_watch import DockWatcher
from jlclient.ui.pull_task import PullTask

RootRole = Qt.UserRole + 1


class DockingPane(QDockWidget):
    def __init__(self, ctx: AppContext, user: CurrentUser, watcher: DockWatcher, parent=None):
        super().__init__(self.tr("执法记录仪接入"), parent)
        self.setObjectName("DockingPane")
        self.ctx, self.user, self.watcher = ctx, user, watcher
        self.cameras = QListWidget(objectName="dockedCameras")
        self.pull_button = QPushButton(self.tr("拷贝、校验并登记"), objectName="pullButton")
        self.cancel_button = QPushButton(self.tr("取消"), objectName="cancelPull")
        self.cancel_button.setEnabled(False)
        self.bar = QProgressBar(objectName="pullProgress")
        self.status = QLabel(self.tr("等待接入执法记录仪…"), objectName="dockStatus")
        self.status.setWordWrap(True)
        self.pull_button.clicked.connect(self.pull_selected)
        self.cancel_button.clicked.connect(self.cancel)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pull_button)
        buttons.addWidget(self.cancel_button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.cameras)
        layout.addLayout(buttons)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        self.setWidget(body)
        self.task: PullTask | None = None
        watcher.docked.connect(self.add_camera)
        watcher.undocked.connect(self.remove_camera)
        for found in watcher.cameras.values():
            self.add_camera(found)

    def add_camera(self, found: Recognised) -> None:
        device = found.device
        offset = found.clock_offset(local(utcnow()))
        text = self.tr("{s}（{l}）{n} 个文件").format(s=device.serial if device else "?", l=found.layout.name,
                                                  n=len(found.files))
        if offset is not None:
            text += self.tr("，时钟偏差 {o:+.0f} 秒").format(o=offset.total_seconds())
        item = QListWidgetItem(text)
        item.setData(RootRole, str(found.root))
        self.cameras.addItem(item)
        if self.cameras.currentRow() < 0:
            self.cameras.setCurrentRow(0)
        self.status.setText(self.tr("已接入 {s}").format(s=text))

    def remove_camera(self, root: str) -> None:
        for i in range(self.cameras.count()):
            if self.cameras.item(i).data(RootRole) == root:
                self.cameras.takeItem(i)
                break
        if self.task is not None and str(self.task.found.root) == root:
            self.status.setText(self.tr("记录仪在拷贝中被拔出：已完成的文件已登记，重新接入后继续"))

    def pull_selected(self) -> None:
        item = self.cameras.currentItem()
        if item is None or self.task is not None:
            return
        found = self.watcher.cameras.get(item.data(RootRole))
        if found is None:
            return
        self.task = PullTask(self.ctx, self.user.actor, found)
        self.task.signals.progress.connect(self._progress)
        self.task.signals.finished.connect(self._finished)
        self.pull_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.bar.setValue(0)
        self.status.setText(self.tr("正在拷贝…"))
        QThreadPool.globalInstance().start(self.task)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel.set()

    def _progress(self, done: int, total: int) -> None:
        self.bar.setValue(int(done * 100 / total))

    def _finished(self, report: PullReport) -> None:
        self.task = None
        self.pull_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        if getattr(report, "error", ""):
            self.status.setText(self.tr("拷贝失败：{e}").format(e=report.error))
            return
        failed = [r for r in report.results if r.status == "failed"]
        summary = self.tr("新存入 {a} 个，已存在 {b} 个，此前已登记 {c} 个").format(
            a=report.count("stored"), b=report.count("linked"), c=report.count("skipped"))
        if report.complete:
            self.bar.setValue(100)
            self.status.setText(self.tr("全部文件已拷贝、校验并登记：") + summary)
        else:
            reason = failed[0].message if failed else self.tr("已取消")
            self.status.setText(self.tr("未全部完成（{r}）：").format(r=reason) + summary)
