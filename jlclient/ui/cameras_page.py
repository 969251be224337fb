"""执法记录仪: the device register (administrators keep it; an officer reports a fault of their own
camera) and the recordings still to link, per officer."""
from __future__ import annotations

from PySide6.QtWidgets import (QHBoxLayout, QLabel, QPushButton, QTableWidgetItem, QVBoxLayout, QWidget)

from jlclient.clock import local
from jlclient.domain.model import CameraStatus, Role
from jlclient.services import cameras
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext
from jlclient.ui import changes
from jlclient.ui.docking_pane import RED, UnlinkedFootage
from jlclient.ui.footage_dialogs import CameraDialog, FaultDialog
from jlclient.ui.tables import table

COLUMNS = ("编号", "状态", "配发执法人员", "保管人", "型号", "故障次数", "最近接入", "时钟偏差")


class CamerasPage(QWidget):
    def __init__(self, ctx: AppContext, user: CurrentUser, parent=None):
        super().__init__(parent)
        self.setObjectName("CamerasPage")
        self.ctx, self.user = ctx, user
        self.rows: list[cameras.CameraRow] = []
        self.table = table([self.tr(c) for c in COLUMNS], "cameraRegister")
        self.add_button = QPushButton(self.tr("登记新记录仪…"), objectName="addCamera")
        self.edit_button = QPushButton(self.tr("编辑登记…"), objectName="editCamera")
        self.fault_button = QPushButton(self.tr("报告故障…"), objectName="cameraFault")
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.fault_button.clicked.connect(self.fault)
        self.table.itemSelectionChanged.connect(self._selected)
        self.table.itemActivated.connect(lambda *_: self.edit())
        admin = user.has(Role.ADMIN)
        self.add_button.setVisible(admin)
        self.edit_button.setVisible(admin)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.fault_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.unlinked = UnlinkedFootage(ctx, user)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("记录仪登记（每名执法人员配发一台，明确保管人；故障报告后停用送修）")))
        layout.addWidget(self.table, 2)
        layout.addLayout(buttons)
        layout.addWidget(QLabel(self.tr("待关联的音像记录")))
        layout.addWidget(self.unlinked, 1)
        self.refresh()
        changes.follow(self, (changes.FOOTAGE,), self.refresh)   # a docking: last docked, clock offset

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name): dockings happen while the page is hidden
        self.refresh()
        self.unlinked.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        self.rows = cameras.list_cameras(self.ctx)
        self.table.setRowCount(len(self.rows))
        for i, r in enumerate(self.rows):
            docked = f"{local(r.last_docked_at):%Y-%m-%d %H:%M}" if r.last_docked_at else "—"
            offset = "—" if r.last_offset_s is None else f"{r.last_offset_s:+.0f} 秒"
            for j, text in enumerate((r.serial, r.status.label, r.officer_name or "—", r.custodian or "—",
                                      r.model or "—", str(r.faults), docked, offset)):
                self.table.setItem(i, j, QTableWidgetItem(text))
            if r.status is not CameraStatus.IN_SERVICE:
                self.table.item(i, 1).setForeground(RED)
            if r.drift_flagged:
                self.table.item(i, 7).setForeground(RED)
        self._selected()

    def current(self) -> cameras.CameraRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows else None

    def _selected(self) -> None:
        r = self.current()
        self.edit_button.setEnabled(r is not None)
        self.fault_button.setEnabled(r is not None and r.status is CameraStatus.IN_SERVICE and (
            self.user.has(Role.ADMIN) or r.officer_id == self.user.officer_id))

    def add(self) -> None:
        if CameraDialog(self.ctx, self.user, parent=self).exec():
            self.refresh()

    def edit(self) -> None:
        r = self.current()
        if r is not None and self.user.has(Role.ADMIN) and CameraDialog(self.ctx, self.user, row=r, parent=self).exec():
            self.refresh()
            changes.announce(changes.FOOTAGE)   # the pane's camera list names the officer too

    def fault(self) -> None:
        r = self.current()
        if r is not None and FaultDialog(self.ctx, self.user, r, self).exec():
            self.refresh()
