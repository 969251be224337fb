"""档案: the archivist's queue of closed cases with their archiving deadline (seed 000 Art. 28: 三十日内;
seed 002 Art. 16: by the year's end), binding, export packages and the 四性检测 of any package; and
the recordings' retention: long-term holds and disposal by approval (seed 002 Art. 17, 003 Art. 12-13)."""
from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QMessageBox, QPushButton, QTabWidget, QVBoxLayout, QWidget)

from jlclient.clock import today
from jlclient.domain.archiving import FILERS
from jlclient.domain.model import Role
from jlclient.domain.profile import HOLD_REASONS
from jlclient.printing.labels import size_text
from jlclient.services import archiving, hall_cctv, retention
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext, ServiceError
from jlclient.ui.cctv_import_dialog import CctvImportDialog
from jlclient.ui.reason_dialog import ask_reason
from jlclient.ui.tables import fill, table, warn, when

EXPORTERS = (Role.ARCHIVIST, Role.REVIEWER, Role.ADMIN)     # as services.export, without loading it
COLOURS = {"已超期": QColor("#ffcdd2"), "即将到期": QColor("#fff59d")}
REGISTER_COLUMNS = ("销毁时间", "文件", "执法人员或监控位置", "SHA-256", "大小", "依据", "批准人", "文件内容")


class ArchiveQueue(QWidget):
    COLUMNS = ["案号", "案件名称", "结案日期", "归档期限", "状态", "归档号"]

    def __init__(self, ctx: AppContext, user: CurrentUser, parent=None):
        super().__init__(parent)
        self.ctx, self.user, self.rows = ctx, user, []
        self.show_bound = QCheckBox(self.tr("显示已立卷的案件"), objectName="showBound")
        self.show_bound.toggled.connect(self.refresh)
        self.table = table([self.tr(c) for c in self.COLUMNS], "archiveQueue")
        self.table.itemSelectionChanged.connect(self._enable)
        self.bind_button = QPushButton(self.tr("立卷归档…"), objectName="bindVolume")
        self.export_button = QPushButton(self.tr("导出档案包…"), objectName="exportPackage")
        self.check_button = QPushButton(self.tr("四性检测…"), objectName="checkPackage")
        # an approver opens the same dialog to approve, in writing, binding a volume with findings
        self.bind_button.setVisible(user.has(*FILERS, Role.APPROVER))
        if not user.has(*FILERS):
            self.bind_button.setText(self.tr("立卷审查…"))
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


class HoldDialog(QDialog):
    """长期保存: one of the seeds' reasons; 'other' with its reason written."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("长期保存"))
        self.reason = QComboBox(objectName="holdReason")
        for code, label in HOLD_REASONS.items():
            self.reason.addItem(label, code)
        self.note = QLineEdit(objectName="holdNote", placeholderText=self.tr("说明（“其他”必填）"))
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("原因："), self.reason)
        form.addRow(self.tr("说明："), self.note)
        form.addRow(buttons)


class RetentionTab(QWidget):
    """Recordings with their retention end; the expired ones an approver may dispose of."""
    COLUMNS = ["文件", "类别", "执法人员或监控位置", "录制日期", "大小", "保存期限至", "状态"]

    def __init__(self, ctx: AppContext, user: CurrentUser, parent=None):
        super().__init__(parent)
        self.ctx, self.user, self.rows = ctx, user, []
        self.due_only = QCheckBox(self.tr("只看可销毁的（已过保存期限、未长期保存、非案件证据）"), objectName="dueOnly",
                                  checked=True)
        self.due_only.toggled.connect(self.refresh)
        self.table = table([self.tr(c) for c in self.COLUMNS], "retentionList")
        self.hold_button = QPushButton(self.tr("长期保存…"), objectName="placeHold")
        self.dispose_button = QPushButton(self.tr("批准销毁所选…"), objectName="dispose")
        self.hold_button.setVisible(user.has(*retention.HOLDERS))
        self.dispose_button.setVisible(user.has(*retention.DISPOSERS))
        self.import_button = QPushButton(self.tr("导入大厅监控录像(&I)…"), objectName="importCctv")
        self.import_button.setVisible(user.has(*hall_cctv.IMPORTERS))
        self.hold_button.clicked.connect(self.hold)
        self.dispose_button.clicked.connect(self.dispose)
        self.import_button.clicked.connect(self.import_cctv)
        self.register = table([self.tr(c) for c in REGISTER_COLUMNS], "disposalRegister")
        self.print_register_button = QPushButton(self.tr("打印销毁清册(&P)…"), objectName="printDisposalRegister")
        self.print_register_button.clicked.connect(self.print_register)
        buttons = QHBoxLayout()
        for w in (self.hold_button, self.dispose_button, self.import_button):
            buttons.addWidget(w)
        buttons.addStretch(1)
        buttons.addWidget(self.due_only)
        self.empty = QLabel(objectName="retentionEmpty")
        self.empty.setStyleSheet("color: #666666;")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("不会自动删除任何记录：到期的音像资料经负责人批准后才销毁文件内容，登记保留。")))
        layout.addWidget(self.table, 2)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        register_head = QHBoxLayout()
        register_head.addWidget(QLabel(self.tr("销毁登记")))
        register_head.addStretch(1)
        register_head.addWidget(self.print_register_button)
        layout.addLayout(register_head)
        layout.addWidget(self.register, 1)

    def refresh(self) -> None:
        self.rows = retention.overview(self.ctx, due_only=self.due_only.isChecked())
        fill(self.table, [(r.file_name, r.kind, r.officer, str(r.recorded_on), size_text(r.size), r.end_text,
                           r.kept_because or self.tr("可销毁")) for r in self.rows])
        self.empty.setText("" if self.rows else self.tr(
            "目前没有已过保存期限的音像记录。取消勾选“只看可销毁的”可查看全部记录及其保存期限。")
            if self.due_only.isChecked() else self.tr("还没有音像记录。"))
        self.empty.setVisible(not self.rows)
        entries = retention.register(self.ctx)
        fill(self.register, [(when(e.approved_at), e.file_name, e.recorded_by, e.file_hash[:16] + "…",
                              size_text(e.size), e.rule, e.approved_by, e.content) for e in entries])
        for i, entry in enumerate(entries):          # the whole hash on hover, and selectable to copy
            self.register.item(i, 3).setToolTip(entry.file_hash)
        self.print_register_button.setEnabled(bool(entries))

    def print_register(self) -> None:
        """销毁清册 of every disposal so far, in the print preview (print, or save as PDF)."""
        from jlclient.ui.print_preview import PdfPreview
        PdfPreview(retention.register_pdf(self.ctx), self.tr("音像记录销毁清册"), self).exec()

    def import_cctv(self) -> None:
        dialog = CctvImportDialog(self.ctx, self.user, self)
        dialog.imported.connect(self.refresh)
        dialog.exec()

    def selected(self) -> list[int]:
        return [self.rows[i.row()].av_id for i in self.table.selectionModel().selectedRows()]

    def hold(self) -> None:
        chosen = self.selected()
        if not chosen:
            return
        dialog = HoldDialog(self)
        if dialog.exec() != QDialog.Accepted:
            return
        try:
            for av_id in chosen:
                retention.place_hold(self.ctx, self.user, av_id, dialog.reason.currentData(), dialog.note.text())
        except ServiceError as exc:
            warn(self, self.tr("不能长期保存"), exc)
        self.refresh()

    def dispose(self) -> None:
        chosen = self.selected()
        if not chosen:
            return
        opinion = ask_reason(self, self.tr("批准销毁"), self.tr(
            "将销毁所选 {n} 个音像记录的文件内容（不可恢复），登记保留。长期保存或作为证据的不会销毁；"
            "其他记录仍在使用的文件内容予以保留，并在销毁登记中写明原因。\n\n审批意见（选填）：").format(n=len(chosen)),
            required=False, ok_text=self.tr("批准销毁"))
        if opinion is None:
            return
        try:
            result = retention.dispose(self.ctx, self.user, chosen, opinion)
        except ServiceError as exc:
            warn(self, self.tr("不能销毁"), exc)
            return
        QMessageBox.information(self, self.tr("销毁结果"), self._result_text(result))
        self.refresh()


    def _result_text(self, result: retention.DisposalResult) -> str:
        """What became of each chosen recording: disposed (content gone or kept for another record) or kept."""
        names = {r.av_id: r.file_name for r in self.rows}
        shared = dict(result.content_kept)
        gone = len(result.disposed) - len(shared)
        text = self.tr("已销毁 {d} 个，文件内容已删除 {g} 个。").format(d=len(result.disposed), g=gone)
        if shared:
            text += self.tr("\n以下 {k} 个已登记销毁、不再提供查看，但文件内容保留：").format(k=len(shared)) + "".join(
                f"\n{names.get(av, '')}：{why}" for av, why in shared.items())
        if result.refused:
            text += self.tr("\n未销毁 {k} 个：").format(k=len(result.refused)) + "".join(
                f"\n{names.get(av, '')}：{why}" for av, why in result.refused)
        return text


class ArchivePage(QWidget):
    def __init__(self, ctx: AppContext, user: CurrentUser, parent=None):
        super().__init__(parent)
        self.setObjectName("ArchivePage")
        self.tabs = QTabWidget(objectName="archiveTabs")
        self.queue = ArchiveQueue(ctx, user)
        self.retention = RetentionTab(ctx, user)
        self.tabs.addTab(self.queue, self.tr("立卷归档"))
        self.tabs.addTab(self.retention, self.tr("保存期限与销毁"))
        self.tabs.currentChanged.connect(lambda i: self.tabs.widget(i).refresh())
        QVBoxLayout(self).addWidget(self.tabs)

    def show_waiting(self, what: str, target: int | None) -> None:
        """From the workbench: the disposal list, or a volume whose binding awaits the approver."""
        tab = self.queue if what == "binding" else self.retention
        self.tabs.setCurrentWidget(tab)
        tab.refresh()
        row = next((i for i, r in enumerate(self.queue.rows) if r.case_id == target), None) if tab is self.queue else None
        if row is not None:
            self.queue.table.selectRow(row)
            self.queue.table.setFocus()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        """Lists are read when the page shows, not when the main window is built at start-up."""
        super().showEvent(event)
        self.tabs.currentWidget().refresh()
