"""补正材料接收: the applicant comes back with the materials the correction notice asked for.

The clerk ticks what came in (Space, or Ctrl+A for all), marks a copy where an original was
asked for (Ctrl+K), and confirms with Enter: the materials become a new revision of the
材料接收凭证 and, in the same act, the 受理通知书 is made from the case — or the 不予受理通知书
with its reasons, or nothing more while further materials are awaited. The last page shows
what was issued; Enter closes it.
"""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QButtonGroup, QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPlainTextEdit, QPushButton, QRadioButton, QStackedWidget, QVBoxLayout,
                               QWidget)

from jlclient.clock import local, to_utc
from jlclient.domain.matters import MaterialCheck
from jlclient.services import intake, printing, records
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext, ServiceError
from jlclient.store.audit import utcnow
from jlclient.ui.date_edit import DateEdit
from jlclient.ui.error_label import clear_when_edited
from jlclient.ui.wheel_guard import guard_wheel_within

KindRole = Qt.UserRole + 1    # True: 原件, False: 复印件
RED = "color: #c0392b;"


class SupplementDialog(QDialog):
    def __init__(self, ctx: AppContext, user: CurrentUser, case_id: int, parent=None):
        super().__init__(parent)
        self.ctx, self.user, self.case_id = ctx, user, case_id
        self.view = intake.correction_case(ctx, case_id)   # ServiceError when no notice: the caller says so
        self.outcome: intake.SupplementResult | None = None
        self.setObjectName("SupplementDialog")
        self.setWindowTitle(self.tr("补正材料接收 — {n}").format(n=self.view.case_number))
        self.pages = QStackedWidget()
        self.pages.addWidget(self._receive_page())
        self.pages.addWidget(self._done_page())
        self.error = QLabel(objectName="supplementError")
        self.error.setStyleSheet(RED)
        self.error.setWordWrap(True)
        self.confirm = QPushButton(self.tr("确认 (Enter)"), objectName="confirm")
        self.confirm.setDefault(True)
        self.confirm.clicked.connect(self._confirm)
        cancel = QPushButton(self.tr("取消 (Esc)"), objectName="cancel")
        cancel.clicked.connect(self.reject)
        self.cancel = cancel
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.confirm)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.materials.setFocus()
        self.resize(760, 600)
        guard_wheel_within(self)  # the wheel scrolls, never picks a matter or a kind
        clear_when_edited(self, self.error)

    # --- pages ------------------------------------------------------------
    def _receive_page(self) -> QWidget:
        v = self.view
        page = QWidget()
        head = QLabel(self.tr("案号：{n}　申请人：{a}\n申请事项：{m}　申请日期：{d}\n补正材料通知书：{t}（{o} 告知）").format(
            n=v.case_number, a=v.applicant, m=v.matter, d=v.applied_on.isoformat(), t=v.notice_number,
            o=v.notified_on.isoformat()), objectName="supplementHead")
        self.materials = QListWidget(objectName="requested")
        for r in v.requested:
            item = QListWidgetItem()
            item.setData(Qt.UserRole, r.name)
            item.setData(KindRole, r.original)
            if r.received:   # came in on an earlier visit: listed, not received again
                item.setFlags(item.flags() & ~Qt.ItemIsUserCheckable & ~Qt.ItemIsEnabled)
            else:
                item.setCheckState(Qt.Unchecked)
            self.materials.addItem(item)
            self._label(item)
        self.materials.setCurrentRow(next((i for i, r in enumerate(v.requested) if not r.received), 0))
        self.materials.itemChanged.connect(lambda _item: self._suggest())
        all_button = QPushButton(self.tr("全部收到 (Ctrl+A)"), objectName="allReceived")
        kind_button = QPushButton(self.tr("原件/复印件切换 (Ctrl+K)"), objectName="toggleKind")
        all_button.clicked.connect(self.tick_all)
        kind_button.clicked.connect(self.toggle_kind)
        for key, slot in (("Ctrl+A", self.tick_all), ("Ctrl+K", self.toggle_kind)):
            QShortcut(QKeySequence(key), page, slot)
        row = QHBoxLayout()
        for b in (all_button, kind_button):
            b.setFocusPolicy(Qt.NoFocus)
            row.addWidget(b)
        row.addStretch(1)
        self.received_at = DateEdit(with_time=True, objectName="receivedAt")
        self.received_at.set_value(local(utcnow()).replace(second=0, microsecond=0))
        self.choice = QButtonGroup(self)
        self.accept_option = QRadioButton(self.tr("受理，出具受理通知书"), objectName="optAccept")
        self.wait_option = QRadioButton(self.tr("仅接收，继续等待补正"), objectName="optWait")
        self.refuse_option = QRadioButton(self.tr("不予受理，出具不予受理通知书"), objectName="optRefuse")
        for i, b in enumerate((self.accept_option, self.wait_option, self.refuse_option)):
            self.choice.addButton(b, i)
        self.wait_option.setChecked(True)
        self.choice.idToggled.connect(lambda *_: self._enable_refusal())
        self.reasons = QPlainTextEdit(objectName="refuseReasons")
        self.reasons.setTabChangesFocus(True)
        self.basis = QLineEdit(intake.ACCEPTANCE_BASIS, objectName="refuseBasis")
        body, court = intake.refusal_remedies(self.ctx)
        self.reconsideration = QLineEdit(body, objectName="reconsideration")
        self.court = QLineEdit(court, objectName="court")
        form = QFormLayout()
        form.addRow(self.tr("接收时间："), self.received_at)
        form.addRow(self.tr("不予受理理由："), self.reasons)
        form.addRow(self.tr("法律依据："), self.basis)
        form.addRow(self.tr("行政复议机关："), self.reconsideration)
        form.addRow(self.tr("管辖法院："), self.court)
        layout = QVBoxLayout(page)
        layout.addWidget(head)
        layout.addWidget(QLabel(self.tr("通知补正的材料（空格键勾选本次收到的材料；收到后即出具新版材料接收凭证）")))
        layout.addWidget(self.materials, 1)
        layout.addLayout(row)
        for b in (self.accept_option, self.wait_option, self.refuse_option):
            layout.addWidget(b)
        layout.addLayout(form)
        self._enable_refusal()
        return page

    def _done_page(self) -> QWidget:
        page = QWidget()
        self.done_text = QLabel(objectName="supplementDone")
        self.done_text.setWordWrap(True)
        print_notice = QPushButton(self.tr("打印通知书… (Ctrl+P)"), objectName="printNotice")
        print_receipt = QPushButton(self.tr("打印材料接收凭证… (Ctrl+R)"), objectName="printReceipt")
        print_notice.clicked.connect(lambda: self._print(("acceptance_notice", "refusal_notice")))
        print_receipt.clicked.connect(lambda: self._print(("materials_receipt",)))
        QShortcut(QKeySequence.Print, page, lambda: self._print(("acceptance_notice", "refusal_notice")))
        QShortcut(QKeySequence("Ctrl+R"), page, lambda: self._print(("materials_receipt",)))
        layout = QVBoxLayout(page)
        layout.addWidget(self.done_text)
        layout.addWidget(print_notice)
        layout.addWidget(print_receipt)
        layout.addStretch(1)
        return page

    # --- materials ----------------------------------------------------------
    def _label(self, item: QListWidgetItem) -> None:
        r = next(x for x in self.view.requested if x.name == item.data(Qt.UserRole))
        kind = self.tr("原件") if item.data(KindRole) else self.tr("复印件")
        done = self.tr("　[已于此前收到]") if r.received else ""
        standard = f"；{r.standard}" if r.standard else ""
        item.setText(f"{r.name}（{r.copies} 份，{kind}{standard}）{done}")

    def tick_all(self) -> None:
        for i in range(self.materials.count()):
            item = self.materials.item(i)
            if item.flags() & Qt.ItemIsUserCheckable:
                item.setCheckState(Qt.Checked)

    def toggle_kind(self) -> None:
        item = self.materials.currentItem()
        if item is not None and item.flags() & Qt.ItemIsEnabled:
            item.setData(KindRole, not item.data(KindRole))
            self._label(item)

    def checks(self) -> tuple[MaterialCheck, ...]:
        asked = {r.name: r for r in self.view.requested}
        out = []
        for i in range(self.materials.count()):
            item = self.materials.item(i)
            name, marked = item.data(Qt.UserRole), bool(item.data(KindRole))
            if item.flags() & Qt.ItemIsUserCheckable and item.checkState() == Qt.Checked:
                out.append(MaterialCheck(name, True, original=None if marked == asked[name].original else marked))
        return tuple(out)

    def _suggest(self) -> None:
        """With everything asked for in hand, acceptance is what usually follows; the clerk's own
        choice of refusal is kept."""
        if self.refuse_option.isChecked():
            return
        came = {c.name for c in self.checks()}
        complete = all(r.name in came for r in self.view.outstanding)
        (self.accept_option if complete else self.wait_option).setChecked(True)

    def _enable_refusal(self) -> None:
        refusing = self.refuse_option.isChecked()
        for w in (self.reasons, self.basis, self.reconsideration, self.court):
            w.setEnabled(refusing)
        if refusing and not self.reasons.toPlainText().strip():
            came = {c.name for c in self.checks()}
            still = [r for r in self.view.outstanding if r.name not in came]
            self.reasons.setPlainText(intake.refusal_after_correction(replace(self.view, requested=tuple(still))).reasons)

    def decision(self) -> intake.Decision | None:
        if self.accept_option.isChecked():
            return intake.Acceptance()
        if self.refuse_option.isChecked():
            return intake.Refusal(self.reasons.toPlainText(), self.basis.text(), self.reconsideration.text(),
                                  self.court.text())
        return None

    # --- confirm --------------------------------------------------------------
    def _confirm(self) -> None:
        if self.pages.currentIndex() == 1:
            self.accept()
            return
        self.error.clear()
        if self.received_at.error() or self.received_at.value() is None:
            self.error.setText(self.received_at.error() or self.tr("请填写补正材料的接收时间"))
            self.received_at.setFocus()
            return
        try:
            self.outcome = intake.receive_supplement(self.ctx, self.user, self.case_id, self.checks(),
                                                     to_utc(self.received_at.value()), self.decision())
        except ServiceError as exc:
            self.error.setText(str(exc))
            self.materials.setFocus()
            return
        self.done_text.setText(self._done_words(self.outcome))
        self.pages.setCurrentIndex(1)
        self.cancel.setEnabled(False)
        self.confirm.setText(self.tr("关闭 (Enter)"))
        self.confirm.setFocus()

    def _done_words(self, r: intake.SupplementResult) -> str:
        lines = [self.tr("已接收补正材料：{m}").format(m="、".join(r.received) or self.tr("无")),
                 self.tr("材料接收凭证 {n} 已出具新版").format(n=r.receipt_number)]
        if self.accept_option.isChecked():
            lines.append(self.tr("已受理，受理通知书文号：{d}").format(d=r.document))
        elif self.refuse_option.isChecked():
            lines.append(self.tr("已出具不予受理通知书：{d}").format(d=r.document))
        elif r.outstanding:
            lines.append(self.tr("尚待补正：{m}").format(m="、".join(r.outstanding)))
        return "\n".join(lines)

    def _print(self, forms: tuple[str, ...]) -> None:
        if self.outcome is None:
            return
        record = next((r for r in reversed(records.records_of(self.ctx, self.case_id)) if r.form in forms), None)
        if record is None:
            return
        try:
            rendered = printing.render_record(self.ctx, record.id)
        except ServiceError as exc:
            self.error.setText(str(exc))
            return
        from jlclient.ui.print_preview import PrintPreview   # QtPdf loads only when a preview opens
        PrintPreview(self.ctx, self.user, rendered, self).exec()
