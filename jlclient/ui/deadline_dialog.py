"""Recording time not counted (中止计算) or an approved extension (延长) of one running deadline."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox

from jlclient.clock import today
from jlclient.domain.deadlines import DeadlineStatus, SuspensionReason
from jlclient.services import deadlines
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext
from jlclient.ui.form_editors import DateEditor
from jlclient.ui.service_dialog import ServiceDialog


class DeadlineDialog(ServiceDialog):
    def __init__(self, ctx: AppContext, user: CurrentUser, case_id: int, views: list[deadlines.DeadlineView],
                 parent=None):
        super().__init__("期限中止或延长", parent)
        self.ctx, self.user, self.case_id = ctx, user, case_id
        self.rule = QComboBox(objectName="deadlineRule")
        for v in views:
            if v.status not in (DeadlineStatus.DONE, DeadlineStatus.SKIPPED):
                self.rule.addItem(f"{v.label}（届满 {v.due}）", v.rule_code)
        self.kind = QComboBox(objectName="adjustKind")
        self.kind.addItem(self.tr("中止计算（听证、检验、检测、鉴定、专家评审等时间不计入）"), "SUSPENSION")
        self.kind.addItem(self.tr("经负责人批准延长"), "EXTENSION")
        self.cause = QComboBox(objectName="cause")
        for r in SuspensionReason:
            self.cause.addItem(r.label, r.value)
        self.first, self.last, self.approved_on = DateEditor(), DateEditor(), DateEditor()
        self.approved_on.set_value(today())
        self.days = QSpinBox(objectName="days")
        self.days.setRange(1, 60)
        self.days.setValue(10)
        self.reason = QLineEdit(objectName="reason")
        self.approver = QLineEdit(objectName="approver")
        form = self.form
        form.addRow(self.tr("期限："), self.rule)
        form.addRow(self.tr("类型："), self.kind)
        form.addRow(self.tr("中止事由："), self.cause)
        form.addRow(self.tr("中止起："), self.first.widget)
        form.addRow(self.tr("中止止："), self.last.widget)
        form.addRow(self.tr("延长天数："), self.days)
        form.addRow(self.tr("批准日期："), self.approved_on.widget)
        form.addRow(self.tr("批准人："), self.approver)
        form.addRow(self.tr("理由："), self.reason)

    def submit(self) -> None:
        if self.kind.currentData() == "SUSPENSION":
            first, last = self.first.widget.required("中止起"), self.last.widget.required("中止止")
            deadlines.add_suspension(self.ctx, self.user.actor, self.case_id, self.rule.currentData(),
                                     SuspensionReason(self.cause.currentData()), first, last, self.reason.text())
        else:
            deadlines.add_extension(self.ctx, self.user.actor, self.case_id, self.rule.currentData(),
                                    self.days.value(), self.approved_on.widget.required("批准日期"),
                                    self.reason.text(), self.approver.text())
