"""回放检查: browse recordings with what this user may do with each, play them, ask for access,
classify them; approve access requests; spot checks with their ledger (issue 6)."""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QMessageBox, QPlainTextEdit, QPushButton, QSpinBox, QTabWidget, QVBoxLayout, QWidget)

from jlclient.domain.av_access import AvClass, RestrictedReason
from jlclient.domain.model import Role
from jlclient.printing.labels import duration_text
from jlclient.services import av_access
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext, ServiceError
from jlclient.ui.reason_dialog import ask_reason
from jlclient.ui.tables import fill, table, warn, when


# --- dialogs --------------------------------------------------------------------------------------

class RequestDialog(QDialog):
    """申请查阅: the reason and the time limit; the approver the profile names decides."""

    def __init__(self, files: list[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("申请查阅音像记录"))
        self.reason = QPlainTextEdit(objectName="requestReason")
        self.reason.setPlaceholderText(self.tr("查阅事由，如：行政复议答复、投诉核查"))
        self.hours = QSpinBox(objectName="requestHours", minimum=1, maximum=av_access.MAX_HOURS, value=24,
                              suffix=self.tr(" 小时"))
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("音像记录："), QLabel("\n".join(files)))
        form.addRow(self.tr("查阅事由："), self.reason)
        form.addRow(self.tr("查阅期限："), self.hours)
        form.addRow(buttons)


class ClassifyDialog(QDialog):
    """设定密级: restricted needs its reason."""

    def __init__(self, current: AvClass, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("设定音像记录密级"))
        self.access_class = QComboBox(objectName="accessClass")
        for c in AvClass:
            self.access_class.addItem(c.label, c)
        self.access_class.setCurrentIndex(list(AvClass).index(current))
        self.reason = QComboBox(objectName="restrictedReason")
        for r in RestrictedReason:
            self.reason.addItem(r.label, r)
        self.access_class.currentIndexChanged.connect(self._restricted)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("密级："), self.access_class)
        form.addRow(self.tr("受限原因："), self.reason)
        form.addRow(buttons)
        self._restricted()

    def _restricted(self) -> None:
        self.reason.setEnabled(self.choice()[0] is AvClass.RESTRICTED)

    def choice(self) -> tuple[AvClass, RestrictedReason | None]:
        chosen = AvClass(self.access_class.currentData())    # Qt hands a str enum back as str
        return chosen, RestrictedReason(self.reason.currentData()) if chosen is AvClass.RESTRICTED else None


# --- recordings -----------------------------------------------------------------------------------

class RecordingsTab(QWidget):
    play_requested = Signal(list)       # av ids

    COLUMNS = ["文件", "执法人员", "案号", "开始时间", "时长", "密级", "查看权限"]

    def __init__(self, ctx: AppContext, user: CurrentUser, parent=None):
        super().__init__(parent)
        self.ctx, self.user, self.rows = ctx, user, []
        self.filter = QLineEdit(objectName="recordingFilter", clearButtonEnabled=True)
        self.filter.setPlaceholderText(self.tr("按文件名、执法人员或案号筛选"))
        self.filter.textChanged.connect(self.refresh)
        self.table = table([self.tr(c) for c in self.COLUMNS], "recordings")
        self.table.itemSelectionChanged.connect(self._enable)
        self.table.doubleClicked.connect(lambda _i: self.play_button.isEnabled() and self.play())
        self.play_button = QPushButton(self.tr("播放… (Enter)"), objectName="playRecording")
        self.request_button = QPushButton(self.tr("申请查阅…"), objectName="requestAccess")
        self.classify_button = QPushButton(self.tr("设定密级…"), objectName="classify")
        self.classify_button.setVisible(user.has(*av_access.CLASSIFIERS))
        self.play_button.clicked.connect(self.play)
        self.request_button.clicked.connect(self.request)
        self.classify_button.clicked.connect(self.classify)
        buttons = QHBoxLayout()
        for b in (self.play_button, self.request_button, self.classify_button):
            buttons.addWidget(b)
        self.extra_buttons = buttons          # the page adds 证据副本… here
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def refresh(self) -> None:
        self.rows = av_access.browse(self.ctx, self.user, self.filter.text())
        fill(self.table, [(r.file_name, r.officer, r.case_number or "（日常执法）", when(r.started_at),
                           duration_text(r.duration_s), r.access_class.label + (f"（{r.restricted_reason}）"
                                                                          if r.restricted_reason else ""),
                           self._may_view(r)) for r in self.rows])
        self._enable()

    def _may_view(self, r: av_access.RecordingRow) -> str:
        """A disposed recording says so with its register entry (never 可查看: its file is gone)."""
        if r.disposed:
            return r.disposed
        return ("可查看：" if r.verdict else "不可查看：") + r.verdict.reason

    def selected(self) -> list[av_access.RecordingRow]:
        return [self.rows[i.row()] for i in self.table.selectionModel().selectedRows()]

    def _enable(self) -> None:
        chosen = self.selected()
        self.play_button.setEnabled(bool(chosen) and all(r.verdict for r in chosen))
        self.play_button.setToolTip(self.tr("所选音像记录已按保存期限销毁，不能播放，见销毁清册")
                                    if any(r.disposed for r in chosen) else "")
        self.request_button.setEnabled(bool(chosen) and any(r.verdict.approval_needed for r in chosen))
        self.classify_button.setEnabled(len(chosen) == 1)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key_Return, Qt.Key_Enter) and self.play_button.isEnabled():
            self.play()
        else:
            super().keyPressEvent(event)

    def play(self) -> None:
        """The chosen recordings in recording order: several segments play as one timeline."""
        chosen = sorted(self.selected(), key=lambda r: (r.started_at or datetime.min, r.av_id))
        if chosen:
            self.play_requested.emit([r.av_id for r in chosen])

    def request(self) -> None:
        chosen = [r for r in self.selected() if r.verdict.approval_needed]
        dialog = RequestDialog([r.file_name for r in chosen], self)
        if dialog.exec() != QDialog.Accepted:
            return
        try:
            av_access.request_access(self.ctx, self.user, [r.av_id for r in chosen], dialog.reason.toPlainText(),
                                     dialog.hours.value())
        except ServiceError as exc:
            warn(self, self.tr("不能申请"), exc)
            return
        QMessageBox.information(self, self.tr("已提交"), self.tr("查阅申请已提交，等待{a}审批。").format(
            a=(chosen[0].verdict.approver or Role.APPROVER).label))

    def classify(self) -> None:
        row = self.selected()[0]
        dialog = ClassifyDialog(row.access_class, self)
        if dialog.exec() != QDialog.Accepted:
            return
        try:
            av_access.classify(self.ctx, self.user, row.av_id, *dialog.choice())
        except ServiceError as exc:
            warn(self, self.tr("不能设定密级"), exc)
            return
        self.refresh()


# --- access requests ------------------------------------------------------------------------------

class RequestsTab(QWidget):
    COLUMNS = ["申请时间", "申请人", "音像记录", "事由", "期限", "状态", "审批人", "有效期至", "审批意见"]

    def __init__(self, ctx: AppContext, user: CurrentUser, parent=None):
        super().__init__(parent)
        self.ctx, self.user, self.rows = ctx, user, []
        self.table = table([self.tr(c) for c in self.COLUMNS], "accessRequests")
        self.table.itemSelectionChanged.connect(self._enable)
        self.approve_button = QPushButton(self.tr("批准"), objectName="approveRequest")
        self.refuse_button = QPushButton(self.tr("不予批准…"), objectName="refuseRequest")
        for b in (self.approve_button, self.refuse_button):
            b.setVisible(user.has(Role.APPROVER))
        self.approve_button.clicked.connect(lambda: self.decide(True))
        self.refuse_button.clicked.connect(lambda: self.decide(False))
        buttons = QHBoxLayout()
        buttons.addWidget(self.approve_button)
        buttons.addWidget(self.refuse_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("负责人看到全部申请；其他人看到自己的申请。批准后在期限内可查看，过期须重新申请。")))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def refresh(self) -> None:
        self.rows = av_access.requests(self.ctx, self.user)
        fill(self.table, [(when(r.requested_at), r.requester_name, "、".join(r.files), r.reason,
                           self.tr("{h} 小时").format(h=r.hours), r.status_label, r.decided_by, when(r.expires_at),
                           r.decision_note) for r in self.rows])
        self._enable()

    def current(self) -> av_access.RequestView | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) and self.table.selectionModel().hasSelection() else None

    def _enable(self) -> None:
        pending = (r := self.current()) is not None and r.status == "PENDING"
        self.approve_button.setEnabled(pending)
        self.refuse_button.setEnabled(pending)

    def decide(self, approve: bool) -> None:
        request = self.current()
        note = ask_reason(   # an approval may carry an opinion; a refusal must say why
            self, self.tr("批准查阅") if approve else self.tr("不予批准"),
            self.tr("{who}申请查阅：{files}\n事由：{why}\n\n{ask}").format(
                who=request.requester_name, files="、".join(request.files), why=request.reason,
                ask=self.tr("审批意见（选填）：") if approve else self.tr("不予批准的理由（必填）：")),
            required=not approve, missing=self.tr("不予批准的，请写明理由"),
            ok_text=self.tr("批准") if approve else self.tr("不予批准"))
        if note is None:
            return
        try:
            av_access.decide_access(self.ctx, self.user, request.id, approve, note)
        except ServiceError as exc:
            warn(self, self.tr("不能审批"), exc)
            return
        self.refresh()


# --- the page -------------------------------------------------------------------------------------

class ReviewPage(QWidget):
    def __init__(self, ctx: AppContext, user: CurrentUser, parent=None):
        super().__init__(parent)
        self.ctx, self.user = ctx, user
        self.setObjectName("ReviewPage")
        self.tabs = QTabWidget(objectName="reviewTabs")
        self.recordings = RecordingsTab(ctx, user)
        self.recordings.play_requested.connect(self.play)
        self.requests = RequestsTab(ctx, user)
        from jlclient.ui.spot_check_tab import SpotCheckTab
        self.spot_checks = SpotCheckTab(ctx, user)
        self.tabs.addTab(self.recordings, self.tr("音像记录"))
        self.tabs.addTab(self.spot_checks, self.tr("回放抽检"))
        self.tabs.addTab(self.requests, self.tr("查阅申请"))
        self.tabs.currentChanged.connect(self._refresh_tab)
        QVBoxLayout(self).addWidget(self.tabs)

    def _refresh_tab(self, index: int) -> None:
        self.tabs.widget(index).refresh()

    def show_waiting(self, what: str, target: int | None) -> None:
        """From the workbench: an access request to decide, selected in 查阅申请."""
        self.tabs.setCurrentWidget(self.requests)
        self.requests.refresh()
        row = next((i for i, r in enumerate(self.requests.rows) if r.id == target), None)
        if row is not None:
            self.requests.table.selectRow(row)
            self.requests.table.setFocus()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        """Lists are read when the page shows, not when the main window is built at start-up."""
        super().showEvent(event)
        self._refresh_tab(self.tabs.currentIndex())

    def play(self, av_ids: list[int]) -> None:
        from jlclient.ui.footage_player import FootagePlayerDialog
        try:
            dialog = FootagePlayerDialog(self.ctx, self.user, av_ids, self)
        except ServiceError as exc:
            warn(self, self.tr("不能播放"), exc)
            return
        dialog.exec()
