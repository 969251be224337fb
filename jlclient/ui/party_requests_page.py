"""当事人查阅、复制申请: a party's requests to view or copy the enforcement records, registered at
the window and decided once by whom the agency's profile says (seed 001 Art. 18, seed 002 Art. 18,
seed 004 Art. 21)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QCheckBox, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QPlainTextEdit, QPushButton, QRadioButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from jlclient.services import citations, party_requests
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext
from jlclient.services.party_requests import RESTRICTED_GROUNDS, Decision, RequestView, Wants
from jlclient.ui.docking_pane import RED
from jlclient.ui.service_dialog import ServiceDialog
from jlclient.ui.tables import when

COLUMNS = ("登记时间", "申请人", "案件", "申请事项", "办理方式", "办理结果", "审批人", "审批时间", "答复期限",
           "申请内容")
REPLY_COLUMN = COLUMNS.index("答复期限")
WARNING_STYLE = "color: #c0392b;"


class ReceiveDialog(ServiceDialog):
    """登记申请: who asks, for which case, to view or to copy what."""

    def __init__(self, ctx: AppContext, user: CurrentUser, case_ref: str = "", parent=None):
        super().__init__("登记查阅、复制申请", parent)
        self.ctx, self.user, self.request_id = ctx, user, None
        route = party_requests.current_route(ctx)
        note = QLabel(citations.words(ctx, f"本机关办理方式：{route.label}（{route.basis}），由{route.deciders_text}审批。"),
                      objectName="routeNote")
        note.setWordWrap(True)
        self.case_ref = QLineEdit(case_ref, objectName="requestCase")
        self.case_ref.setPlaceholderText(self.tr("案件编号，如 灵行审许〔2026〕1号；不清楚可不填"))
        self.requester = QLineEdit(objectName="requesterName")
        self.id_number = QLineEdit(objectName="requesterId")
        self.id_number.setPlaceholderText(self.tr("居民身份证号码或统一社会信用代码（可不填）"))
        self.contact = QLineEdit(objectName="requesterContact")
        self.view = QRadioButton(self.tr("查阅(&V)"), objectName="wantsView")
        self.copy = QRadioButton(self.tr("复制(&O)"), objectName="wantsCopy")
        self.view.setChecked(True)
        self.wants = QButtonGroup(self)
        for button in (self.view, self.copy):
            self.wants.addButton(button)
        wants_row = QHBoxLayout()
        wants_row.addWidget(self.view)
        wants_row.addWidget(self.copy)
        wants_row.addStretch(1)
        self.asked_for = QPlainTextEdit(objectName="askedFor")
        self.asked_for.setPlaceholderText(self.tr("申请查阅或复制的内容，如 2026年3月1日现场检查的执法记录仪视频"))
        self.asked_for.setTabChangesFocus(True)
        self.asked_for.setFixedHeight(72)
        self.form.addRow(note)
        self.form.addRow(self.tr("案件编号(&C)："), self.case_ref)
        self.form.addRow(self.tr("申请人(&N)："), self.requester)
        self.form.addRow(self.tr("证件号码(&I)："), self.id_number)
        self.form.addRow(self.tr("联系方式(&T)："), self.contact)
        self.form.addRow(self.tr("申请事项："), wants_row)
        self.form.addRow(self.tr("申请内容(&D)："), self.asked_for)
        self.resize(560, self.sizeHint().height())

    def submit(self) -> None:
        self.request_id = party_requests.receive(
            self.ctx, self.user, self.case_ref.text(), self.requester.text(), self.id_number.text(),
            self.contact.text(), Wants.COPY if self.copy.isChecked() else Wants.VIEW, self.asked_for.toPlainText())


class DecideDialog(ServiceDialog):
    """审批: the one decision on a request, with the reason and what was provided."""

    def __init__(self, ctx: AppContext, user: CurrentUser, request: RequestView, parent=None):
        super().__init__(f"审批查阅、复制申请：{request.requester_name}", parent)
        self.ctx, self.user, self.request = ctx, user, request
        summary = QLabel(objectName="requestSummary")
        summary.setWordWrap(True)
        summary.setTextInteractionFlags(Qt.TextSelectableByMouse)
        summary.setText("\n".join((
            f"申请人：{request.requester_name}" + (f"（{request.id_number}）" if request.id_number else "")
            + (f"　联系方式：{request.contact}" if request.contact else ""),
            f"案件：{request.case_number or '未指明'}　申请{request.wants.label}　{request.route_label}",
            f"申请内容：{request.asked_for}",
            f"登记：{request.received_by}，{when(request.received_at, '—')}")))
        self.form.addRow(summary)
        if request.restricted:
            warning = QLabel(f"本案有受限音像记录（涉及{RESTRICTED_GROUNDS}，依法应当保密，不能提供）："
                             f"{'、'.join(request.restricted)}", objectName="restrictedWarning")
            warning.setWordWrap(True)
            warning.setStyleSheet(WARNING_STYLE)
            self.form.addRow(warning)
        self.decision = QComboBox(objectName="decision")
        for d in (Decision.PROVIDED, Decision.PARTLY, Decision.REFUSED):
            self.decision.addItem(d.label, d.value)
        if request.restricted:
            self.decision.setCurrentIndex(self.decision.findData(Decision.PARTLY.value))
        self.reason = QPlainTextEdit(objectName="decisionReason")
        self.reason.setPlaceholderText(self.tr("部分提供或不予提供的，写明不予提供的部分及理由、依据"))
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(64)
        self.provided = QPlainTextEdit(objectName="providedItems")
        self.provided.setPlaceholderText(self.tr("提供的内容，如 现场检查笔录复印件一份、执法记录仪视频复制件（光盘一张）"))
        self.provided.setTabChangesFocus(True)
        self.provided.setFixedHeight(64)
        self.decision.currentIndexChanged.connect(self._decision_changed)
        self.form.addRow(self.tr("办理结果(&R)："), self.decision)
        self.form.addRow(self.tr("理由(&E)："), self.reason)
        self.form.addRow(self.tr("提供内容(&P)："), self.provided)
        self.form.addRow(QLabel(self.tr("决定作出后不能更改。")))
        self._decision_changed()
        self.resize(600, self.sizeHint().height())

    def _decision_changed(self) -> None:
        self.provided.setEnabled(self.decision.currentData() != Decision.REFUSED.value)

    def submit(self) -> None:
        refused = self.decision.currentData() == Decision.REFUSED.value
        party_requests.decide(self.ctx, self.user, self.request.id, Decision(self.decision.currentData()),
                              self.reason.toPlainText(), "" if refused else self.provided.toPlainText())


class PartyRequestsPage(QWidget):
    def __init__(self, ctx: AppContext, user: CurrentUser, parent=None):
        super().__init__(parent)
        self.setObjectName("PartyRequestsPage")
        self.ctx, self.user = ctx, user
        self.rows: list[RequestView] = []
        self.route = QLabel(objectName="routeSummary")
        self.route.setWordWrap(True)
        self.pending_only = QCheckBox(self.tr("只看待审批(&W)"), objectName="pendingOnly")
        self.pending_only.toggled.connect(self.refresh)
        self.table = QTableWidget(0, len(COLUMNS), objectName="partyRequests")
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName(self.tr("当事人查阅、复制申请"))
        self.table.itemSelectionChanged.connect(self._selected)
        self.table.itemActivated.connect(lambda *_: self.decide())
        self.detail = QLabel(objectName="requestDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
        self.detail.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.detail.setMinimumHeight(72)
        self.receive_button = QPushButton(self.tr("登记申请(&N)…"), objectName="receiveRequest")
        self.decide_button = QPushButton(self.tr("审批(&D)…"), objectName="decideRequest")
        self.receive_button.clicked.connect(self.receive)
        self.decide_button.clicked.connect(self.decide)
        self.receive_button.setVisible(user.has(*party_requests.RECEIVERS))
        buttons = QHBoxLayout()
        buttons.addWidget(self.receive_button)
        buttons.addWidget(self.decide_button)
        buttons.addStretch(1)
        buttons.addWidget(self.pending_only)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("<b>当事人查阅、复制执法记录的申请</b>")))
        layout.addWidget(self.route)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name): requests come in from other workstations
        self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        route = party_requests.current_route(self.ctx)
        self.route.setText(self.tr("本机关办理方式：{r}（{b}）；由{d}审批，依法应当保密的记录不予提供。").format(
            r=route.label, b=citations.words(self.ctx, route.basis), d=route.deciders_text))
        selected = self.current()
        self.rows = party_requests.list_requests(self.ctx, pending_only=self.pending_only.isChecked())
        self.table.setRowCount(len(self.rows))
        for i, r in enumerate(self.rows):
            due = f"{r.reply_due:%Y-%m-%d}" if r.reply_due else "—"
            for j, text in enumerate((when(r.received_at, '—'), r.requester_name, r.case_number or "—", r.wants.label,
                                      r.route_label, r.decision.label, r.decided_by or "—", when(r.decided_at, '—'),
                                      due, " ".join(r.asked_for.split()))):
                self.table.setItem(i, j, QTableWidgetItem(text))
            if r.pending:
                self.table.item(i, 5).setForeground(RED)
            if r.reply_overdue:
                self.table.item(i, REPLY_COLUMN).setForeground(RED)
            self.table.item(i, REPLY_COLUMN).setToolTip(citations.words(self.ctx, r.reply_text))
        again = next((i for i, r in enumerate(self.rows) if selected and r.id == selected.id), None)
        if again is not None:
            self.table.selectRow(again)
        self._selected()

    def current(self) -> RequestView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows else None

    def show_waiting(self, what: str, target: int | None) -> None:
        """From the workbench: a party's request to decide."""
        self.refresh()
        if target is not None:
            self.select(target)

    def select(self, request_id: int) -> None:
        row = next((i for i, r in enumerate(self.rows) if r.id == request_id), None)
        if row is not None:
            self.table.selectRow(row)
            self.table.setFocus()

    def _may_decide(self, r: RequestView) -> bool:
        return r.pending and self.user.has(*party_requests.deciders_of(self.ctx, r.route))

    def _selected(self) -> None:
        r = self.current()
        self.decide_button.setEnabled(r is not None and self._may_decide(r))
        if r is not None and r.pending and not self._may_decide(r):
            who = "或".join(role.label for role in party_requests.deciders_of(self.ctx, r.route))
            self.decide_button.setToolTip(self.tr("此申请由{w}审批").format(w=who))
        else:
            self.decide_button.setToolTip("")
        if r is None:
            self.detail.setText(self.tr("选择一条申请查看详情。"))
            return
        lines = [self.tr("申请内容：{a}").format(a=r.asked_for),
                 self.tr("申请人：{n}{i}{c}　登记：{b}").format(
                     n=r.requester_name, i=f"（{r.id_number}）" if r.id_number else "",
                     c=f"　联系方式：{r.contact}" if r.contact else "", b=r.received_by),
                 self.tr("答复期限：{t}").format(t=citations.words(self.ctx, r.reply_text))]
        if not r.pending:
            lines.append(self.tr("办理结果：{d}　提供内容：{p}　理由：{e}").format(
                d=r.decision.label, p=r.provided or "—", e=r.decision_reason or "—"))
        self.detail.setText("\n".join(lines))

    def receive(self) -> None:
        dialog = ReceiveDialog(self.ctx, self.user, parent=self)
        if dialog.exec():
            self.refresh()
            self.select(dialog.request_id)

    def decide(self) -> None:
        r = self.current()
        if r is None or not self._may_decide(r):
            return
        if DecideDialog(self.ctx, self.user, r, self).exec():
            self.refresh()
            self.select(r.id)
