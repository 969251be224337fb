"""案件: the case list (filter, sort, lazy loading) beside a read-only case view."""
from __future__ import annotations

import html
from typing import Mapping

from PySide6.QtCore import Qt, QThreadPool, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QMessageBox, QPushButton, QScrollArea, QSplitter, QTableView,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from jlclient.domain.archiving import FILERS
from jlclient.domain.model import CaseStatus, Role
from jlclient.services import cases, citations, intake, printing
from jlclient.services.auth import CurrentUser
from jlclient.services.cases import CaseDetail
from jlclient.services.context import AppContext, ServiceError
from jlclient.clock import local
from jlclient.domain.compliance import Finding
from jlclient.services.compliance import OverrideView, check_case, overrides_of
from jlclient.services.deadlines import DeadlineView, case_deadlines
from jlclient.ui.archive_page import EXPORTERS
from jlclient.ui.deadline_dialog import DeadlineDialog
from jlclient.ui.deadline_table import DeadlineTable
from jlclient.ui.initiation_dialog import InitiationDialog
from jlclient.ui.intake_dialog import IntakeDialog
from jlclient.ui import changes
from jlclient.ui.stage_wizard import StageWizard

# roles that record a case's stages; archivists look on
CASE_WORKERS = (Role.CLERK, Role.OFFICER, Role.REVIEWER, Role.APPROVER)
from jlclient.ui.case_model import COL_OPENED, COL_TITLE, CaseTableModel, fetcher
from jlclient.ui.tables import table

def findings_html(findings, titles: Mapping[str, str] | None = None) -> str:
    """The findings, each citing its rule in words (titles: seed → regulation title)."""
    if not findings:
        return '<span style="color:#2e7d32">✔ 未发现问题</span>'
    rows = []
    for f in findings:
        colour, word = ("#c0392b", "阻断") if f.blocking else ("#b7791f", "提醒")
        rows.append(f'<span style="color:{colour}"><b>{word}</b></span> {html.escape(f.text(titles or {}))}')
    return "<br>".join(rows)


def overrides_html(overrides) -> str:
    """Each override in words: when (agency time), who, what was approved despite how many problems, why."""
    return "<br>".join(
        f"{local(o.at):%Y-%m-%d %H:%M}　{html.escape(o.by)} 批准{html.escape(o.what)}"
        f"（{o.open_problems} 项问题未解决）<br>　理由：{html.escape(o.reason)}" for o in overrides)


_STATE_STYLE = {"done": ("✔", "#2e7d32"), "current": ("▶", "#1565c0"), "pending": ("○", "#9e9e9e")}


class CaseView(QWidget):
    """One case: its stages with their dates, parties, officers and records. Read-only for now."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("CaseView")
        self.heading = QLabel(self.tr("请在左侧选择一个案件"), objectName="caseHeading")
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.facts = QFormLayout()
        self.stages = QLabel(objectName="caseStages")
        self.stages.setTextFormat(Qt.RichText)
        self.stages.setWordWrap(True)
        self.records = table([self.tr("形式"), self.tr("环节"), self.tr("名称"), self.tr("说明")], "caseRecords")
        self.records.setMinimumHeight(160)
        facts_box = QGroupBox(self.tr("基本情况"))
        facts_box.setLayout(self.facts)
        stage_box = QGroupBox(self.tr("执法环节"))
        QVBoxLayout(stage_box).addWidget(self.stages)
        record_box = QGroupBox(self.tr("记录（文字、音像、电子数据）"))
        self.print_button = QPushButton(self.tr("打印预览…"), objectName="printRecord")
        self.print_button.setEnabled(False)
        self.records.currentCellChanged.connect(lambda *_: self.print_button.setEnabled(self.printable() is not None))
        self.volume_button = QPushButton(self.tr("立卷归档…"), objectName="fileCase")
        self.volume_button.setEnabled(False)
        self.copy_button = QPushButton(self.tr("证据副本…"), objectName="evidenceCopy")
        self.copy_button.setEnabled(False)
        self.export_button = QPushButton(self.tr("导出档案包…"), objectName="exportCase")
        record_layout = QVBoxLayout(record_box)
        record_layout.addWidget(self.records)
        record_buttons = QHBoxLayout()
        record_buttons.addWidget(self.print_button)
        record_buttons.addWidget(self.volume_button)
        record_buttons.addWidget(self.copy_button)
        record_buttons.addWidget(self.export_button)
        record_buttons.addStretch(1)
        record_layout.addLayout(record_buttons)
        self.deadlines = DeadlineTable(objectName="caseDeadlines")
        self.adjust_button = QPushButton(self.tr("期限中止或延长…"), objectName="adjustDeadline")
        deadline_box = QGroupBox(self.tr("法定期限"))
        deadline_layout = QVBoxLayout(deadline_box)
        deadline_layout.addWidget(self.deadlines)
        deadline_layout.addWidget(self.adjust_button)
        self.findings = QLabel(objectName="caseFindings")
        self.findings.setTextFormat(Qt.RichText)
        self.findings.setWordWrap(True)
        findings_box = QGroupBox(self.tr("合规检查（按本机构规则配置）"))
        QVBoxLayout(findings_box).addWidget(self.findings)
        self.overrides = QLabel(objectName="caseOverrides")   # approvers' written reasons: who, when, why
        self.overrides.setTextFormat(Qt.RichText)
        self.overrides.setWordWrap(True)
        self.overrides_box = QGroupBox(self.tr("负责人书面批准的例外"))
        QVBoxLayout(self.overrides_box).addWidget(self.overrides)
        self.overrides_box.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(facts_box)
        layout.addWidget(stage_box)
        layout.addWidget(findings_box)
        layout.addWidget(self.overrides_box)
        layout.addWidget(deadline_box)
        layout.addWidget(record_box, 1)
        self.detail: CaseDetail | None = None

    def show_case(self, detail: CaseDetail, deadlines: list[DeadlineView] = (), findings: list[Finding] = (),
                  titles: Mapping[str, str] | None = None, overrides: list[OverrideView] = ()) -> None:
        self.detail = detail
        self.deadline_views = list(deadlines)
        self.findings.setText(findings_html(findings, titles))
        self.overrides.setText(overrides_html(overrides))
        self.overrides_box.setVisible(bool(overrides))
        self.deadlines.show_deadlines(deadlines, titles)
        row = detail.row
        self.heading.setText(f"{row.number}　{row.title}")
        while self.facts.rowCount():
            self.facts.removeRow(0)
        for label, value in (
            (self.tr("类别"), f"{row.procedure.label}（{detail.start_mode.label}）"),
            (self.tr("执法事项"), row.matter),
            (self.tr("状态"), row.status.label),
            (self.tr("承办单位"), row.handling_unit),
            (self.tr("立案日期"), local(row.opened_at).strftime("%Y-%m-%d %H:%M")),
            (self.tr("当事人"), "；".join(f"{name}（{role}）" for role, name in detail.parties)),
            (self.tr("执法人员"), "；".join(f"{name}（执法证号 {cert}）" for name, cert in detail.officers) or "—"),
        ):
            value_label = QLabel(value)
            value_label.setWordWrap(True)
            value_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
            self.facts.addRow(label + "：", value_label)
        self.stages.setText(self._stage_html(detail))
        self.records.setRowCount(len(detail.records))
        for i, r in enumerate(detail.records):
            for j, text in enumerate((r.kind, r.stage.label if r.stage else "—", r.title, r.detail)):
                self.records.setItem(i, j, QTableWidgetItem(text))
        self.print_button.setEnabled(self.printable() is not None)
        self.volume_button.setEnabled(row.status is not CaseStatus.OPEN)
        self.copy_button.setEnabled(any(r.kind == "音像记录" for r in detail.records))

    def printable(self) -> int | None:
        """The selected record's id when it is a finished text record (drafts are not printed)."""
        row = self.records.currentRow()
        if self.detail is None or not 0 <= row < len(self.detail.records):
            return None
        record = self.detail.records[row]
        return record.text_record_id if record.final else None

    @staticmethod
    def _stage_html(detail: CaseDetail) -> str:
        """The stages in order, done / current / to come."""
        parts = []
        for view in detail.stages:
            mark, colour = _STATE_STYLE[view.state]
            when = local(view.entered_at).strftime("%m-%d") if view.entered_at else ""
            parts.append(f'<span style="color:{colour}">{mark} {view.stage.label}'
                         f'{" " + when if when else ""}</span>')
        return "　→　".join(parts)


class CasesPage(QWidget):
    def __init__(self, ctx: AppContext, user: CurrentUser, parent=None):
        super().__init__(parent)
        self.ctx, self.user = ctx, user
        self.setObjectName("CasesPage")
        self.filter = QLineEdit(objectName="caseFilter")
        self.filter.setPlaceholderText(self.tr("按案号、案件名称、事项或当事人筛选（Ctrl+F）"))
        self.filter.setClearButtonEnabled(True)
        self.fetch = fetcher(ctx)
        self.model = CaseTableModel(self.fetch, self)
        self.table = QTableView(objectName="caseTable")
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(COL_OPENED, Qt.DescendingOrder)  # the model's own order
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(COL_TITLE, 260)
        self.table.setColumnWidth(0, 150)
        self.view = CaseView()
        self.filter.textChanged.connect(self.model.set_filter)
        self._detail_timer = QTimer(self, singleShot=True, interval=150)
        self._detail_timer.timeout.connect(self._show_row)
        self._defer_detail = False
        self.table.selectionModel().currentRowChanged.connect(self._show_current)
        self.model.modelReset.connect(self._after_reset)

        self.work_button = QPushButton(self.tr("办理本环节… (Enter)"), objectName="workStage")
        self.work_button.setEnabled(user.has(*CASE_WORKERS))
        self.work_button.clicked.connect(self.work_on_stage)
        self.table.activated.connect(lambda _index: self.work_on_stage())
        self.view.adjust_button.setEnabled(user.has(*CASE_WORKERS))
        self.view.adjust_button.clicked.connect(self.adjust_deadline)
        self.view.print_button.clicked.connect(self.print_record)
        self.view.volume_button.setVisible(user.has(*FILERS))
        self.view.volume_button.clicked.connect(self.file_case)
        self.view.copy_button.setVisible(user.has(Role.REVIEWER))   # the legal reviewer supplies copies
        self.view.copy_button.clicked.connect(self.copy_evidence)
        self.view.export_button.setVisible(user.has(*EXPORTERS))
        self.view.export_button.clicked.connect(self.export_case)
        self.intake_button = QPushButton(self.tr("窗口收件… (Ctrl+N)"), objectName="intake")
        self.intake_button.setVisible(user.has(Role.CLERK))
        self.intake_button.clicked.connect(self.take_in)
        self.supplement_button = QPushButton(self.tr("补正材料接收…"), objectName="supplement")
        self.supplement_button.setVisible(user.has(Role.CLERK))
        self.supplement_button.setEnabled(False)   # a case in 受理 with a correction notice
        self.supplement_button.clicked.connect(self.receive_supplement)
        self.initiate_button = QPushButton(self.tr("依职权立案…"), objectName="initiate")
        self.initiate_button.setVisible(user.has(Role.OFFICER))
        self.initiate_button.clicked.connect(self.initiate)
        if user.has(Role.CLERK):
            QShortcut(QKeySequence.New, self, self.take_in)
        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.work_button)
        top.addWidget(self.intake_button)
        top.addWidget(self.supplement_button)
        top.addWidget(self.initiate_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addWidget(self.table)
        detail = QScrollArea()            # the case view grows with its records; it scrolls
        detail.setWidgetResizable(True)
        detail.setWidget(self.view)
        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 1)   # half each: the case view's deadlines and records read whole at 1280×800
        splitter.setStretchFactor(1, 1)
        layout = QHBoxLayout(self)
        layout.addWidget(splitter)

    def current_case_id(self) -> int | None:
        return self.model.case_id(self.table.currentIndex().row())

    def take_in(self) -> None:
        dialog = IntakeDialog(self.ctx, self.user, self)
        dialog.exec()
        if dialog.outcome:   # registered: shown even when the last page is closed with Esc
            self._select_new(dialog.outcome.case_id)

    def receive_supplement(self) -> None:
        case_id = self.current_case_id()
        if case_id is None:
            return
        from jlclient.ui.supplement_dialog import SupplementDialog
        try:
            dialog = SupplementDialog(self.ctx, self.user, case_id, self)
        except ServiceError as exc:
            QMessageBox.information(self, self.tr("补正材料接收"), str(exc))
            return
        dialog.exec()
        if dialog.outcome:
            self._refresh(case_id)

    def initiate(self) -> None:
        dialog = InitiationDialog(self.ctx, self.user, self)
        if dialog.exec() == QDialog.Accepted and dialog.case:
            self._select_new(dialog.case.id)
            self.work_on_stage()

    def show_waiting(self, what: str, target: int | None) -> None:
        """From the workbench: the case waiting for this user, selected and shown."""
        if target is not None:
            self._select_new(target)
            self.table.setFocus()

    def _select_new(self, case_id: int) -> None:
        """Show the new case at the top of an unfiltered list, newest first."""
        changes.announce(changes.CASE)
        self.filter.clear()
        self.model.refresh()
        row = next((r for r in range(self.model.rowCount()) if self.model.case_id(r) == case_id), 0)
        self.table.selectRow(row)
        self._detail_timer.stop()
        self._show_row()

    def work_on_stage(self) -> None:
        case_id = self.current_case_id()
        if case_id is None or not self.user.has(*CASE_WORKERS):
            return
        if self.view.detail and self.view.detail.row.status is not CaseStatus.OPEN:
            QMessageBox.information(self, self.tr("已结案"), self.tr("该案件已结案，记录只能查看。"))
            return
        wizard = StageWizard(self.ctx, self.user, case_id, self)
        wizard.case_changed.connect(lambda: self._refresh(case_id))
        wizard.exec()

    def print_record(self) -> None:
        record_id = self.view.printable()
        if record_id is None:
            return
        try:
            rendered = printing.render_record(self.ctx, record_id)
        except ServiceError as exc:
            QMessageBox.warning(self, self.tr("不能打印"), str(exc))
            return
        from jlclient.ui.print_preview import PrintPreview   # QtPdf loads only when a preview opens
        PrintPreview(self.ctx, self.user, rendered, self).exec()
        self._refresh(self.current_case_id())

    def file_case(self) -> None:
        case_id = self.current_case_id()
        if case_id is None:
            return
        from jlclient.ui.volume_dialog import VolumeDialog
        try:
            dialog = VolumeDialog(self.ctx, self.user, case_id, self)
        except ServiceError as exc:
            QMessageBox.warning(self, self.tr("不能立卷"), str(exc))
            return
        dialog.exec()
        self._refresh(case_id)

    def copy_evidence(self) -> None:
        """Copies of the case's footage for reconsideration or court (seed 003 Art. 15, seed 004 Art. 22)."""
        case_id = self.current_case_id()
        if case_id is not None:
            from jlclient.ui.evidence_copy_dialog import EvidenceCopyDialog
            EvidenceCopyDialog(self.ctx, self.user, case_id, self).exec()
            self._refresh(case_id)

    def export_case(self) -> None:
        """A BagIt folder or an ISO image of the case, checked (四性检测) after it is written."""
        case_id = self.current_case_id()
        if case_id is not None:
            from jlclient.ui.export_dialog import ExportDialog
            ExportDialog(self.ctx, self.user, case_id, self).exec()

    def adjust_deadline(self) -> None:
        case_id = self.current_case_id()
        if case_id is None:
            return
        dialog = DeadlineDialog(self.ctx, self.user, case_id, self.view.deadline_views, self)
        if dialog.exec() == QDialog.Accepted:
            self._refresh(case_id)

    def _refresh(self, case_id: int) -> None:
        changes.announce(changes.CASE)   # after every change made here: the workbench, 统计
        row = self.table.currentIndex().row()
        self.model.refresh()
        self.table.selectRow(row)
        self._show_case(case_id)

    def _show_case(self, case_id: int) -> None:
        self.supplement_button.setEnabled(self.user.has(Role.CLERK) and intake.awaiting_correction(self.ctx, case_id))
        self.view.show_case(cases.case_detail(self.ctx, case_id), case_deadlines(self.ctx, case_id),
                            check_case(self.ctx, case_id), citations.read_titles(self.ctx),
                            overrides_of(self.ctx, case_id))

    def _show_current(self, current, _previous) -> None:
        if self._defer_detail:  # row 0 after a requery: wait until typing in the filter pauses
            self._detail_timer.start()
        else:
            self._detail_timer.stop()
            self._show_row()

    def _show_row(self) -> None:
        case_id = self.model.case_id(self.table.currentIndex().row())
        if case_id is not None:
            self._show_case(case_id)

    def _after_reset(self) -> None:
        self._select_first()

    def _select_first(self) -> None:
        """Row 0 is selected at once; its detail follows when typing pauses (or after the first paint)."""
        if self.model.rowCount():
            self._defer_detail = True
            try:
                self.table.selectRow(0)
            finally:
                self._defer_detail = False

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self.fetch.index.loaded:  # off the GUI thread: 100,000 rows take a moment
            QThreadPool.globalInstance().start(self.fetch.warm_up)
        if not self.table.currentIndex().isValid():
            self._select_first()
