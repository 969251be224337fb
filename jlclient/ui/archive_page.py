"""档案: the archivist's queue of closed cases with their archiving deadline (seed 000 Art. 28: 三十日内;
seed 002 Art. 16: by the year's end), binding, export packages and the 四性检测 of any package."""
from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from jlclient.clock import today
from jlclient.domain.archiving import FILERS
from jlclient.domain.model import Role
from jlclient.services import archiving
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext
from jlclient.ui.review_page import fill, table

EXPORTERS = (Role.ARCHIVIST, Role.REVIEWER, Role.ADMIN)     # as services.export, without loading it
COLOURS = {"已超期": QColor("#ffcdd2"), "即将到期": QColor("#fff59d")}


class ArchivePage(QWidget):
    COLUMNS = ["案号", "案件名称", "结案日期", "归档期限", "状态", "归档号"]

    def __init__(self, ctx: AppContext, user: CurrentUser, parent=None):
        super().__init__(parent)
        self.ctx, self.user, self.rows = ctx, user, []
        self.setObjectName("ArchivePage")
        self.show_bound = QCheckBox(self.tr("显示已立卷的案件"), objectName="showBound")
        self.show_bound.toggled.connect(self.refresh)
        self.table = table([self.tr(c) for c in self.COLUMNS], "archiveQueue")
        self.table.itemSelectionChanged.connect(self._enable)
        self.bind_button = QPushButton(self.tr("立卷归档…"), objectName="bindVolume")
        self.export_button = QPushButton(self.tr("导出档案包…"), objectName="exportPackage")
        self.check_button = QPushButton(self.tr("四性检测…"), objectName="checkPackage")
        self.bind_button.setVisible(user.has(*FILERS))
        self.export_button.setVisible(user.has(*EXPORTERS))
        self.bind_button.clicked.connect(self.bind)
        self.export_button.clicked.connect(self.export)
        self.check_button.clicked.connect(self.check)
        self.summary = QLabel(objectName="archiveSummary")
        buttons = QHBoxLayout()
        for b in (self.bind_button, self.export_button, self.check_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.show_bound)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        self.rows = archiving.queue(self.ctx, include_bound=self.show_bound.isChecked())
        now = today()
        states = [r.state(now) for r in self.rows]
        fill(self.table, [(r.case_number, r.title, str(r.closed_on), str(r.due or self.tr("（规则未规定）")), state,
                           r.archive_number) for r, state in zip(self.rows, states)])
        for i, state in enumerate(states):
            if state in COLOURS:
                for j in range(len(self.COLUMNS)):
                    self.table.item(i, j).setBackground(COLOURS[state])
        late, soon = states.count("已超期"), states.count("即将到期")
        waiting = sum(s != "已立卷" for s in states)
        self.summary.setText(self.tr("待立卷 {n} 件，其中已超期 {l} 件、7 日内到期 {s} 件").format(n=waiting, l=late, s=soon))
        if self.rows:
            self.table.selectRow(0)          # the oldest closing first: the next one to bind
        self._enable()

    def current(self) -> archiving.QueueRow | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) and self.table.selectionModel().hasSelection() else None

    def _enable(self) -> None:
        chosen = self.current()
        self.bind_button.setEnabled(chosen is not None)
        self.export_button.setEnabled(chosen is not None)

    def bind(self) -> None:
        from jlclient.ui.volume_dialog import VolumeDialog
        VolumeDialog(self.ctx, self.user, self.current().case_id, self).exec()
        self.refresh()

    def export(self) -> None:
        from jlclient.ui.export_dialog import ExportDialog
        ExportDialog(self.ctx, self.user, self.current().case_id, self).exec()

    def check(self) -> None:
        from jlclient.ui.export_dialog import PackageCheckDialog
        PackageCheckDialog(self.ctx, self).exec()
