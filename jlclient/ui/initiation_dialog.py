"""依职权立案: an officer opens an ex-officio case; its 立案审批表 (source, reason, approval)
is then filled in the stage wizard."""
from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QVBoxLayout)

from jlclient.domain.model import START_MODES, Procedure, StartMode
from jlclient.services import cases
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.parties import ORGANISATION, PERSON, PartyInput
from jlclient.services.records import FormContext
from jlclient.ui.form_editors import OfficerPicker
from jlclient.ui.error_label import clear_when_edited
from jlclient.ui.wheel_guard import guard_wheel_within


class InitiationDialog(QDialog):
    def __init__(self, ctx: AppContext, user: CurrentUser, parent=None):
        super().__init__(parent)
        self.ctx, self.user = ctx, user
        self.case: cases.CaseRow | None = None
        self.setObjectName("InitiationDialog")
        self.setWindowTitle(self.tr("依职权立案"))
        self.procedure = QComboBox(objectName="procedure")
        for p in Procedure:
            if StartMode.EX_OFFICIO in START_MODES[p]:
                self.procedure.addItem(p.label, p.value)
        self.matter = QLineEdit(objectName="matter")
        self.matter.setPlaceholderText(self.tr("案由，如：未取得食品经营许可从事食品经营活动"))
        self.kind = QComboBox(objectName="partyKind")
        self.kind.addItem(self.tr("单位"), ORGANISATION)
        self.kind.addItem(self.tr("个人"), PERSON)
        self.party = QLineEdit(objectName="partyName")
        self.number = QLineEdit(objectName="partyNumber")
        self.number.setPlaceholderText(self.tr("统一社会信用代码或居民身份证号码"))
        self.no_id = QCheckBox(self.tr("无证照（须写明原因）"), objectName="noId")
        self.no_id_reason = QLineEdit(objectName="noIdReason")
        self.no_id_reason.setPlaceholderText(self.tr("如：无照经营，当事人未办理营业执照"))
        self.no_id_reason.setEnabled(False)
        self.no_id.toggled.connect(self.no_id_reason.setEnabled)
        self.no_id.toggled.connect(self.number.setDisabled)
        self.agency_officers = cases.agency_officers(ctx)
        self.officers = OfficerPicker(FormContext(
            officers=tuple((o.name, o.cert_no) for o in self.agency_officers),
            assigned=frozenset(o.cert_no for o in self.agency_officers if o.id == user.officer_id)))
        self.error = QLabel(objectName="initiationError")
        self.error.setStyleSheet("color: #c0392b;")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText(self.tr("立案并填写立案审批表"))
        buttons.accepted.connect(self.open_case)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("执法类别："), self.procedure)
        form.addRow(self.tr("案由："), self.matter)
        form.addRow(self.tr("当事人类型："), self.kind)
        form.addRow(self.tr("当事人名称/姓名："), self.party)
        form.addRow(self.tr("证件号码："), self.number)
        form.addRow(self.no_id, self.no_id_reason)
        form.addRow(self.tr("承办执法人员（行政处罚不少于两人）："), self.officers.widget)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(620, 420)
        guard_wheel_within(self)
        clear_when_edited(self, self.error)

    def open_case(self) -> None:
        chosen = {o["cert_no"] for o in self.officers.value() or ()}
        ids = tuple(o.id for o in self.agency_officers if o.cert_no in chosen)
        unit = next((o.unit for o in self.agency_officers if o.id == self.user.officer_id), "") or "综合执法科"
        reason = self.no_id_reason.text().strip() if self.no_id.isChecked() else ""
        if self.no_id.isChecked() and not reason:
            self.error.setText(self.tr("选择“无证照”的，请写明原因"))
            return
        party = PartyInput(self.kind.currentData(), self.party.text().strip(),
                           "" if reason else self.number.text().strip(), no_id_reason=reason)
        new = cases.NewCase(Procedure(self.procedure.currentData()), StartMode.EX_OFFICIO, self.matter.text().strip(),
                            party, unit, ids)
        try:
            self.case = cases.open_case(self.ctx, self.user.actor, new)
        except ServiceError as exc:
            self.error.setText(str(exc))
            return
        self.accept()
