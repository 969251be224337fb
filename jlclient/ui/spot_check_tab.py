"""回放抽检: plans drawn at random with a recorded seed, the sampled recordings checked one by one in
the player, the ledger (检查台账) exported as PDF, per-officer figures (seed 002 Art. 19, 003 Art. 22)."""
from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QSplitter, QVBoxLayout, QWidget)
from PySide6.QtCore import Qt

from jlclient.clock import today
from jlclient.domain.spot_check import ScopeKind, SizeKind
from jlclient.services import spot_checks
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext, ServiceError
from jlclient.printing.labels import duration_text
from jlclient.ui import changes
from jlclient.ui.date_edit import DateEdit
from jlclient.ui.tables import fill, table, warn, when


class PlanDialog(QDialog):
    """新建抽检计划: period, scope, size, checklist; the seed is drawn unless one is given to repeat a draw."""

    def __init__(self, ctx: AppContext, user: CurrentUser, parent=None):
        super().__init__(parent)
        self.ctx, self.user, self.plan_id = ctx, user, None
        self.setWindowTitle(self.tr("新建抽检计划"))
        now = today()                       # the agency's date, not this machine's
        self.period_from = DateEdit(objectName="periodFrom")
        self.period_from.set_value(now.replace(day=1))
        self.period_to = DateEdit(objectName="periodTo")
        self.period_to.set_value(now)
        self.scope_kind = QComboBox(objectName="scopeKind")
        for k in ScopeKind:
            self.scope_kind.addItem(k.label, k)
        self.scope_value = QComboBox(objectName="scopeValue", editable=True)
        self.scope_kind.currentIndexChanged.connect(self._scope_values)
        self.size_kind = QComboBox(objectName="sizeKind")
        for k in SizeKind:
            self.size_kind.addItem(k.label, k)
        self.size = QSpinBox(objectName="sampleSize", minimum=1, maximum=10000, value=5)
        self.items = {i: QCheckBox(i.label, objectName=f"item_{i.value}", checked=True)
                      for i in spot_checks.offered_checklist(ctx)}
        self.seed = QLineEdit(objectName="seed", placeholderText=self.tr("留空则随机生成；填写原种子可重现抽样"))
        checklist = QGroupBox(self.tr("检查项目"))
        box = QVBoxLayout(checklist)
        for c in self.items.values():
            box.addWidget(c)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText(self.tr("抽取样本"))
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("检查期间自："), self.period_from)
        form.addRow(self.tr("至："), self.period_to)
        form.addRow(self.tr("抽检范围："), self.scope_kind)
        form.addRow(self.tr("范围取值："), self.scope_value)
        size = QHBoxLayout()
        size.addWidget(self.size_kind)
        size.addWidget(self.size)
        form.addRow(self.tr("抽取："), size)
        form.addRow(checklist)
        form.addRow(self.tr("随机种子："), self.seed)
        form.addRow(buttons)
        self._scope_values()

    def _scope_values(self) -> None:
        kind = ScopeKind(self.scope_kind.currentData())   # Qt hands a str enum back as str
        self.scope_value.clear()
        for value, shown in spot_checks.scope_choices(self.ctx, kind):
            self.scope_value.addItem(shown, value)
        self.scope_value.setEnabled(kind is not ScopeKind.ALL)

    def _value(self) -> str:
        index = self.scope_value.findText(self.scope_value.currentText())
        return self.scope_value.itemData(index) if index >= 0 else self.scope_value.currentText()

    def create(self) -> None:
        seed_text = self.seed.text().strip()
        if seed_text and not seed_text.isdigit():
            warn(self, self.tr("不能抽样"), ServiceError("随机种子应为非负整数"))
            return
        try:
            self.plan_id = spot_checks.create_plan(
                self.ctx, self.user, self.period_from.required(self.tr("检查期间起")),
                self.period_to.required(self.tr("检查期间止")),
                ScopeKind(self.scope_kind.currentData()), self._value() or "", SizeKind(self.size_kind.currentData()),
                self.size.value(),
                [i for i, c in self.items.items() if c.isChecked()], int(seed_text) if seed_text else None)
        except ServiceError as exc:
            warn(self, self.tr("不能抽样"), exc)
            return
        self.accept()


class SpotCheckTab(QWidget):
    PLAN_COLUMNS = ["编号", "检查期间", "范围", "抽取", "样本/总数", "已检查", "随机种子", "创建人"]
    SAMPLE_COLUMNS = ["文件", "执法人员", "案号", "开始时间", "时长", "检查结果"]

    def __init__(self, ctx: AppContext, user: CurrentUser, parent=None):
        super().__init__(parent)
        self.ctx, self.user, self.plans, self.plan = ctx, user, [], None
        self.plan_table = table([self.tr(c) for c in self.PLAN_COLUMNS], "plans")
        self.plan_table.itemSelectionChanged.connect(self._show_plan)
        self.sample_table = table([self.tr(c) for c in self.SAMPLE_COLUMNS], "sample")
        self.sample_table.itemSelectionChanged.connect(self._enable)
        self.sample_table.doubleClicked.connect(lambda _i: self.check())
        self.new_button = QPushButton(self.tr("新建抽检计划…"), objectName="newPlan")
        self.check_button = QPushButton(self.tr("回放检查…"), objectName="checkRecording")
        self.ledger_button = QPushButton(self.tr("导出检查台账…"), objectName="exportLedger")
        self.figures = QLabel(objectName="officerFigures", wordWrap=True)
        self.plan_facts = QLabel(objectName="planFacts", wordWrap=True)
        self.new_button.clicked.connect(self.new_plan)
        self.check_button.clicked.connect(self.check)
        self.ledger_button.clicked.connect(self.export_ledger)
        top = QHBoxLayout()
        for b in (self.new_button, self.ledger_button):
            top.addWidget(b)
        top.addStretch(1)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.plan_facts)
        lower_layout.addWidget(QLabel(self.tr("样本（双击或“回放检查…”逐条检查）")))
        lower_layout.addWidget(self.sample_table, 1)
        row = QHBoxLayout()
        row.addWidget(self.check_button)
        row.addStretch(1)
        lower_layout.addLayout(row)
        lower_layout.addWidget(self.figures)
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.plan_table)
        split.addWidget(lower)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)

    def refresh(self) -> None:
        keep = self.plan.id if self.plan else None
        self.plans = spot_checks.plans(self.ctx)
        fill(self.plan_table, [(str(p.id), f"{p.period_from}～{p.period_to}", p.scope, p.size,
                                f"{len(p.recordings)}/{p.population}", f"{p.done}/{len(p.recordings)}", str(p.seed),
                                f"{p.created_by} {when(p.created_at)}") for p in self.plans])
        row = next((i for i, p in enumerate(self.plans) if p.id == keep), 0 if self.plans else -1)
        if row >= 0:
            self.plan_table.selectRow(row)
        self._show_plan()

    def _show_plan(self) -> None:
        row = self.plan_table.currentRow()
        self.plan = self.plans[row] if 0 <= row < len(self.plans) else None
        recordings = self.plan.recordings if self.plan else ()
        fill(self.sample_table, [(r.file_name, r.officer, r.case_number, when(r.started_at), duration_text(r.duration_s),
                                  r.result or self.tr("待检查")) for r in recordings])
        self.plan_facts.setText(self._facts(self.plan) if self.plan else "")
        pending = next((i for i, r in enumerate(recordings) if not r.checked), None)
        if pending is not None:              # the next one to check is ready for Enter / 回放检查…
            self.sample_table.selectRow(pending)
        self._figures()
        self._enable()

    def _facts(self, plan: spot_checks.PlanView) -> str:
        """How the sample was drawn, as the ledger states it: what was left out and on what ground it is viewed."""
        text = self.tr("范围内音像记录 {n} 件，纳入抽样 {p} 件").format(n=plan.in_scope, p=plan.population)
        if plan.left_out:
            text += self.tr("（未纳入：{w}）").format(w=plan.left_out)
        return text + (self.tr("；查阅依据：{a}").format(a=plan.access) if plan.access else "")

    def _figures(self) -> None:
        if not self.plan:
            self.figures.setText("")
            return
        figures = spot_checks.officer_figures(self.ctx, self.plan.period_from, today())
        lines = [self.tr("{o}：抽检 {n} 件，不合格 {f} 件，合格率 {r:.0%}").format(o=f.officer, n=f.checked, f=f.failed,
                                                                         r=f.pass_rate) for f in figures]
        self.figures.setText(self.tr("按执法人员：") + ("；".join(lines) or self.tr("尚无检查结果")))

    def _enable(self) -> None:
        row = self.sample_table.currentRow()
        pending = self.plan is not None and 0 <= row < len(self.plan.recordings) and \
            not self.plan.recordings[row].checked and self.sample_table.selectionModel().hasSelection()
        self.check_button.setEnabled(pending)
        self.ledger_button.setEnabled(self.plan is not None)

    def new_plan(self) -> None:
        dialog = PlanDialog(self.ctx, self.user, self)
        if dialog.exec() == QDialog.Accepted:
            self.plan = spot_checks.plan_view(self.ctx, dialog.plan_id)
            self.refresh()

    def check(self) -> None:
        if not self.check_button.isEnabled():
            return
        from jlclient.ui.footage_player import SpotCheckDialog
        recording = self.plan.recordings[self.sample_table.currentRow()]
        try:
            dialog = SpotCheckDialog(self.ctx, self.user, self.plan, recording.av_id, self)
        except ServiceError as exc:
            warn(self, self.tr("不能回放"), exc)
            return
        if dialog.exec() == QDialog.Accepted:     # saved: 统计 and the figures show it at once
            changes.announce(changes.FOOTAGE)
        self.refresh()

    def export_ledger(self) -> None:
        """The checks made from the plan's first day to today, as the ledger PDF."""
        from jlclient.ui.print_preview import PdfPreview
        pdf = spot_checks.ledger_pdf(self.ctx, self.plan.period_from, today())
        PdfPreview(pdf, self.tr("音像记录回放检查台账"), self).exec()
