"""Dialogs of the dock: registering a camera, a fault report, remote duty, linking a recording
session to its case with the six keys, and the reason spoken at an interruption."""
from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QPlainTextEdit, QRadioButton, QWidget)

from jlclient.clock import local, to_utc, true_and_device_text
from jlclient.domain.model import CameraStatus, Stage
from jlclient.domain.profile import STORAGE_KEYS
from jlclient.services import analysis, cameras, footage
from jlclient.services.auth import CurrentUser
from jlclient.services.cases import agency_officers
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.footage import Classification, SessionView
from jlclient.store.audit import utcnow
from jlclient.ui.date_edit import DateEdit
from jlclient.ui.service_dialog import ServiceDialog

CaseRole = Qt.UserRole + 1


def _officer_box(ctx: AppContext, selected: int | None) -> QComboBox:
    box = QComboBox(objectName="officer")
    box.addItem("（暂不配发）", None)
    for o in agency_officers(ctx):
        box.addItem(f"{o.name}（{o.cert_no}）", o.id)
        if o.id == selected:
            box.setCurrentIndex(box.count() - 1)
    return box


class CameraDialog(ServiceDialog):
    """Register a camera (new, or one that docked unregistered) or edit a registered one."""

    def __init__(self, ctx: AppContext, user: CurrentUser, serial: str = "", row: cameras.CameraRow | None = None,
                 parent=None):
        super().__init__("编辑记录仪登记" if row and row.status is not CameraStatus.PENDING else "登记执法记录仪",
                         parent)
        self.ctx, self.user, self.row = ctx, user, row
        self.serial = QLineEdit(serial or (row.serial if row else ""), objectName="serial")
        self.serial.setReadOnly(row is not None)
        self.officer = _officer_box(ctx, row.officer_id if row else None)
        self.custodian = QLineEdit(row.custodian if row else "", objectName="custodian")
        self.model = QLineEdit(row.model if row else "", objectName="model")
        self.status = QComboBox(objectName="status")
        for s in CameraStatus:
            if s is not CameraStatus.PENDING:
                self.status.addItem(s.label, s.value)
        if row and row.status is not CameraStatus.PENDING:
            self.status.setCurrentIndex(self.status.findData(row.status.value))
        self.note = QLineEdit(row.note if row else "", objectName="note")
        self.form.addRow("记录仪编号：", self.serial)
        if row and row.device_officer_no:
            self.form.addRow("设备中的警号：", QLabel(row.device_officer_no))
        self.form.addRow("配发执法人员：", self.officer)
        self.form.addRow("保管人：", self.custodian)
        self.form.addRow("型号：", self.model)
        if self.editing:
            self.form.addRow("状态：", self.status)
        self.form.addRow("备注：", self.note)

    @property
    def editing(self) -> bool:
        return self.row is not None and self.row.status is not CameraStatus.PENDING

    def submit(self) -> None:
        if self.editing:
            cameras.update_camera(self.ctx, self.user, self.row.id, officer_id=self.officer.currentData(),
                                  custodian=self.custodian.text(), status=CameraStatus(self.status.currentData()),
                                  note=self.note.text())
        else:
            cameras.register_camera(self.ctx, self.user, self.serial.text(), officer_id=self.officer.currentData(),
                                    custodian=self.custodian.text(), model=self.model.text(), note=self.note.text())


class FaultDialog(ServiceDialog):
    def __init__(self, ctx: AppContext, user: CurrentUser, row: cameras.CameraRow, parent=None):
        super().__init__(f"报告记录仪 {row.serial} 故障", parent)
        self.ctx, self.user, self.row = ctx, user, row
        self.description = QPlainTextEdit(objectName="faultDescription")
        self.form.addRow("故障情况：", self.description)
        self.form.addRow(QLabel("报告后记录仪停用，由装备管理人员送修，不得自行拆修。"))

    def submit(self) -> None:
        cameras.report_fault(self.ctx, self.user, self.row.id, self.description.toPlainText())


class RemoteDutyDialog(ServiceDialog):
    """Remote or continuous duty: the upload deadline runs from the return (seed 000 Art. 23)."""

    def __init__(self, ctx: AppContext, user: CurrentUser, docking_id: int, parent=None):
        super().__init__("异地、连续执法的上传期限", parent)
        self.ctx, self.user, self.docking_id = ctx, user, docking_id
        self.returned = DateEdit(with_time=True, objectName="returnedAt")
        self.returned.set_value(local(utcnow()).replace(second=0, microsecond=0))
        self.reason = QLineEdit(objectName="remoteReason")
        self.reason.setPlaceholderText("如：在边远山区连续执法三天，今日返回")
        self.form.addRow("返回单位的时间：", self.returned)
        self.form.addRow("情况说明：", self.reason)

    def submit(self) -> None:
        cameras.declare_remote_duty(self.ctx, self.user.actor, self.docking_id, to_utc(self.returned.required("返回单位的时间")),
                                    self.reason.text())


def warnings(session: SessionView) -> str:
    """What needs attention in a session, shortest first."""
    parts = [f"{len(session.av_ids)} 段"]
    if session.important:
        parts.append("★重要")
    if session.unexplained:
        parts.append(f"中断 {len(session.unexplained)} 处待说明")
    if session.late_source:
        parts.append("逾期上传")
    if session.dark_seconds >= 1:
        parts.append(f"黑屏或遮挡 {session.dark_seconds:.0f} 秒")
    if session.selective:                  # seed 001 Art. 12(四)
        parts.append("疑似取舍、补录或插入：" + "；".join(session.selective))
    return "  ".join(parts)


def use_time(session: SessionView) -> str:
    """使用时间 in true time, with the camera's own stamp beside it when its clock was off, so the
    officer can match it with the time burned into the picture."""
    return true_and_device_text(session.device_start or session.start, session.start)


def describe(session: SessionView) -> str:
    return (f"{session.start:%m-%d %H:%M:%S}–{session.end:%H:%M:%S}  {session.camera}"
            f"（{session.officer_name or '未配发'}）{warnings(session)}")


class LinkDialog(ServiceDialog):
    """Link one recording session to a case stage (or classify it as routine footage)."""

    def __init__(self, ctx: AppContext, user: CurrentUser, session: SessionView, parent=None):
        super().__init__("关联音像记录", parent)
        self.setMinimumWidth(760)
        self.ctx, self.user, self.session = ctx, user, session
        self.suggestions = QListWidget(objectName="suggestions")
        self._found = footage.suggest(ctx, session)
        for s in self._found:
            self._add_choice(s)
        self.case_ref = QLineEdit(objectName="caseRef")
        self.case_ref.setPlaceholderText("不在建议中的案件：输入案号后按回车")
        self.case_ref.installEventFilter(self)
        self.routine = QCheckBox("不属于任何案件（日常巡查、窗口服务等）", objectName="routine")
        self.stage = QComboBox(objectName="linkStage")
        for st in Stage:
            self.stage.addItem(st.label, st.value)
        self.title = QLineEdit(objectName="avTitle")
        self.party = QLineEdit(objectName="avParty")
        self.cause = QLineEdit(objectName="avCause")
        self.told_yes = QRadioButton("已告知当事人正在进行音像记录(&Y)", objectName="toldYes")
        self.told_no = QRadioButton("未告知(&N)", objectName="toldNo")
        self.told = QButtonGroup(self)
        for b in (self.told_yes, self.told_no):
            self.told.addButton(b)
        told = QHBoxLayout()
        told.addWidget(self.told_yes)
        told.addWidget(self.told_no)
        told_box = QWidget()
        told_box.setLayout(told)
        self.form.addRow(QLabel(describe(session)))
        strip = analysis.strip_of(ctx, session.av_ids[0])
        if strip is not None:
            picture = QLabel(objectName="thumbnailStrip")
            picture.setPixmap(QPixmap(str(strip)).scaledToWidth(560, Qt.SmoothTransformation))
            self.form.addRow(picture)
        self.form.addRow("建议的案件：", self.suggestions)
        self.form.addRow("其他案件：", self.case_ref)
        self.form.addRow("", self.routine)
        self.form.addRow("执法环节：", self.stage)
        required = footage.required_keys(ctx)
        for key, edit in (("name", self.title), ("party", self.party), ("case_cause", self.cause)):
            star = "*" if key in required else ""
            self.form.addRow(f"{STORAGE_KEYS[key]}{star}：", edit)
        self.form.addRow("记录设备编号、执法人员、使用时间：",
                         QLabel(f"{session.camera}，{session.officer_name or '未配发'}，{use_time(session)}",
                                objectName="useTime"))
        self.form.addRow("录制开始时：", told_box)
        self._proposed = ""      # the name this dialog proposed; one the officer typed is left alone
        self.suggestions.currentItemChanged.connect(self._picked)
        self.routine.toggled.connect(self._routine)
        self.stage.currentIndexChanged.connect(self._stage_chosen)
        if self._found:
            self.suggestions.setCurrentRow(0)
        else:
            self._propose("执法录像")

    def _add_choice(self, s: footage.SuggestionView) -> QListWidgetItem:
        item = QListWidgetItem(f"{s.number}  {s.title}  →{s.stage.label}（{s.why}）")
        item.setData(CaseRole, s)
        self.suggestions.addItem(item)
        return item

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        """Enter in the case-number field looks the case up; it must not accept the dialog."""
        if watched is self.case_ref and event.type() == QEvent.KeyPress and \
                event.key() in (Qt.Key_Return, Qt.Key_Enter):
            self._find_case()
            return True
        return super().eventFilter(watched, event)

    def _find_case(self) -> None:
        try:
            choice = footage.pick_case(self.ctx, self.case_ref.text())
        except ServiceError as exc:
            self.error.setText(str(exc))
            return
        self.error.clear()
        self.suggestions.setCurrentItem(self._add_choice(choice))

    def _picked(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        s = item.data(CaseRole)
        self.stage.setCurrentIndex(self.stage.findData(s.stage.value))
        self._propose(f"{s.stage.label}现场录像")
        self.party.setText(s.party_name)
        self.cause.setText(s.title)

    def _stage_chosen(self, _index: int) -> None:
        """The name follows the stage (受理现场录像 → 调查取证/审查现场录像) unless the officer wrote one."""
        self._propose(f"{Stage(self.stage.currentData()).label}现场录像")

    def _propose(self, name: str) -> None:
        if self.title.text().strip() in ("", self._proposed):
            self.title.setText(name)
            self._proposed = name

    def _routine(self, on: bool) -> None:
        self.suggestions.setEnabled(not on)
        self.stage.setEnabled(not on)

    def submit(self) -> None:
        item = self.suggestions.currentItem()
        case_id = None if self.routine.isChecked() or item is None else item.data(CaseRole).case_id
        if case_id is None and not self.routine.isChecked():
            raise ServiceError("请选择案件，或勾选“不属于任何案件”")
        told = True if self.told_yes.isChecked() else False if self.told_no.isChecked() else None
        footage.link_session(self.ctx, self.user, self.session.av_ids, case_id=case_id,
                             stage=None if case_id is None else Stage(self.stage.currentData()),
                             classification=Classification(self.title.text(), self.party.text(), self.cause.text()),
                             party_informed=told)


class SpokenReasonDialog(ServiceDialog):
    """Where in the footage the officer stated the reason for an interruption on resuming."""

    def __init__(self, ctx: AppContext, user: CurrentUser, session: SessionView, parent=None):
        super().__init__("说明录像中断", parent)
        self.ctx, self.user = ctx, user
        self.gap = QComboBox(objectName="gap")
        for g in session.unexplained:
            self.gap.addItem(f"{g.start:%H:%M:%S}–{g.end:%H:%M:%S}（中断 {g.seconds} 秒）", g)
        self.reason = QComboBox(objectName="interruptionReason")
        for code, label in footage.INTERRUPTION_REASONS.items():
            self.reason.addItem(label, code)
        self.spoken = DateEdit(with_time=True, seconds=True, objectName="spokenAt")
        self.details = QLineEdit(objectName="interruptionDetails")
        self.form.addRow("中断：", self.gap)
        self.form.addRow("中断原因：", self.reason)
        self.form.addRow("录像中语音说明的时间：", self.spoken)
        self.form.addRow("补充说明：", self.details)
        self.form.addRow(QLabel("无法恢复录制的，请在案件的该环节填写“音像记录中断情况说明”，由两名以上执法人员签名。"))
        self.gap.currentIndexChanged.connect(self._gap)
        self._gap()

    def _gap(self) -> None:
        g = self.gap.currentData()
        if g is not None:
            self.spoken.set_value(g.end.replace(microsecond=0) + timedelta(seconds=1))

    def submit(self) -> None:
        g = self.gap.currentData()
        if g is None:
            raise ServiceError("没有待说明的中断")
        footage.note_spoken_reason(self.ctx, self.user, g.after_id, self.reason.currentData(),
                                   self.spoken.required("录像中语音说明的时间"), self.details.text())
