"""窗口收件: the window clerk's intake, fully by keyboard — applicant, matter and materials
(captured with the document camera or imported from a file), then accept, one complete
correction notice, or refuse.

Nothing is written until the decision page is confirmed: each page checks its own fields when
the clerk leaves it (Enter), and the service writes case, receipt and notice in one unit of
work. The last page shows what was issued; Enter closes it.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QDialog, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton,
                               QRadioButton, QStackedWidget, QVBoxLayout, QWidget)

from jlclient.clock import today
from jlclient.domain.identifiers import check_credit_code, check_resident_id
from jlclient.domain.matters import MaterialCheck, missing_materials
from jlclient.services import intake, printing, records
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.matters import load_matters
from jlclient.services.parties import ORGANISATION, PERSON, PartyInput
from jlclient.ui.error_label import clear_when_edited
from jlclient.ui.wheel_guard import guard_wheel_within
from jlclient.ui import file_dialogs

ScanRole = Qt.UserRole + 1
KindRole = Qt.UserRole + 2      # True: 原件, False: 复印件 (as the clerk sees it; the catalogue's by default)
APPLICANT, MATERIALS, DECISION, DONE = range(4)
RED, GREEN, AMBER = "color: #c0392b;", "color: #2e7d32;", "color: #b26a00;"


def _resident_id(number: str):
    """As the service will check it when the applicant is saved: a birth date after today is refused."""
    return check_resident_id(number, today())


class IntakeDialog(QDialog):
    def __init__(self, ctx: AppContext, user: CurrentUser, parent=None, camera_source=0):
        super().__init__(parent)
        self.ctx, self.user, self.camera_source = ctx, user, camera_source
        self.outcome: intake.IntakeResult | None = None   # what was issued, once confirmed
        self.setObjectName("IntakeDialog")
        self.setWindowTitle(self.tr("窗口收件"))
        self.matters = load_matters()
        self.pages = QStackedWidget()
        for build in (self._applicant_page, self._materials_page, self._decision_page, self._done_page):
            self.pages.addWidget(build())
        self.error = QLabel(objectName="intakeError")
        self.error.setStyleSheet(RED)
        self.error.setWordWrap(True)
        self.back = QPushButton(self.tr("上一步 (Alt+←)"), objectName="back")
        self.next = QPushButton(self.tr("下一步 (Enter)"), objectName="next")
        self.back.clicked.connect(lambda: self._go(-1))
        self.next.clicked.connect(lambda: self._go(+1))
        self.next.setDefault(True)
        QShortcut(QKeySequence("Alt+Left"), self, lambda: self._go(-1))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.back)
        buttons.addWidget(self.next)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self._show(APPLICANT)
        self.resize(760, 580)
        guard_wheel_within(self)  # the wheel scrolls, never picks a matter or a kind
        clear_when_edited(self, self.error)

    # --- pages ------------------------------------------------------------
    def _applicant_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.kind = QComboBox(objectName="applicantKind")
        self.kind.addItem(self.tr("单位（统一社会信用代码）"), ORGANISATION)
        self.kind.addItem(self.tr("个人（居民身份证号码）"), PERSON)
        self.name = QLineEdit(objectName="applicantName")
        self.number = QLineEdit(objectName="applicantNumber")
        self.number.setPlaceholderText(self.tr("18 位统一社会信用代码或身份证号码；类型按号码自动识别"))
        self.number_check = QLabel(objectName="numberCheck")
        self.number_check.setWordWrap(True)
        self.contact = QLineEdit(objectName="contact")
        self.phone = QLineEdit(objectName="phone")
        self.phone.setPlaceholderText(self.tr("手机或带区号的座机，如 0311-82512345"))
        self.address = QLineEdit(objectName="address")
        self.no_id = QCheckBox(self.tr("无证照（须写明原因）"), objectName="noId")
        self.no_id_reason = QLineEdit(objectName="noIdReason")
        self.no_id_reason.setPlaceholderText(self.tr("如：个体经营者尚未办理营业执照"))
        self.no_id_reason.setEnabled(False)
        self.no_id.toggled.connect(self._no_id_toggled)
        self.number.textChanged.connect(self._check_number)
        self.kind.currentIndexChanged.connect(self._check_number)
        form.addRow(QLabel(self.tr("第一步：申请人")))
        form.addRow(self.tr("名称/姓名："), self.name)
        form.addRow(self.tr("证件号码："), self.number)
        form.addRow("", self.number_check)
        form.addRow(self.tr("联系人（递交人）："), self.contact)
        form.addRow(self.tr("联系电话："), self.phone)
        form.addRow(self.tr("地址："), self.address)
        form.addRow(self.tr("类型："), self.kind)
        form.addRow(self.no_id, self.no_id_reason)
        self.setTabOrder(self.name, self.number)
        self.setTabOrder(self.number, self.contact)
        return page

    def _materials_page(self) -> QWidget:
        page = QWidget()
        self.matter = QComboBox(objectName="matter")
        for m in self.matters:
            self.matter.addItem(m.name, m.code)
        self.matter.currentIndexChanged.connect(self._fill_materials)
        self.materials = QListWidget(objectName="materials")
        all_required = QPushButton(self.tr("必交材料全部收到 (Ctrl+A)"), objectName="allRequired")
        kind = QPushButton(self.tr("原件/复印件切换 (Ctrl+K)"), objectName="toggleKind")
        capture = QPushButton(self.tr("高拍仪拍摄所选材料 (F5)"), objectName="capture")
        import_ = QPushButton(self.tr("从文件导入 (F6)"), objectName="importFile")
        all_required.clicked.connect(self.tick_required)
        kind.clicked.connect(self.toggle_kind)
        capture.clicked.connect(self.capture_selected)
        import_.clicked.connect(self.import_selected)
        for key, slot in (("Ctrl+A", self.tick_required), ("Ctrl+K", self.toggle_kind),
                          ("F5", self.capture_selected), ("F6", self.import_selected)):
            QShortcut(QKeySequence(key), page, slot)
        row = QHBoxLayout()
        for b in (all_required, kind, capture, import_):
            b.setFocusPolicy(Qt.NoFocus)   # by their keys; Tab stays between matter and list
            row.addWidget(b)
        row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(self.tr("第二步：申请事项和材料（空格键勾选已收到的材料；＊为必交材料）")))
        layout.addWidget(self.matter)
        layout.addWidget(self.materials, 1)
        layout.addLayout(row)
        self._fill_materials()
        return page

    def _decision_page(self) -> QWidget:
        page = QWidget()
        self.summary = QLabel(objectName="intakeSummary")
        self.summary.setWordWrap(True)
        self.choice = QButtonGroup(self)
        self.accept_option = QRadioButton(self.tr("受理，出具受理通知书"), objectName="optAccept")
        self.correct_option = QRadioButton(self.tr("一次性告知补正，出具补正材料通知书"), objectName="optCorrect")
        self.refuse_option = QRadioButton(self.tr("不予受理，出具不予受理通知书"), objectName="optRefuse")
        for i, b in enumerate((self.accept_option, self.correct_option, self.refuse_option)):
            self.choice.addButton(b, i)
        self.choice.idToggled.connect(lambda *_: self._enable_decision_fields())
        self.handler_phone = QLineEdit(objectName="handlerPhone")
        self.refuse_reasons = QPlainTextEdit(objectName="refuseReasons")
        self.refuse_reasons.setTabChangesFocus(True)
        self.refuse_basis = QLineEdit(intake.ACCEPTANCE_BASIS, objectName="refuseBasis")
        self.reconsideration = QLineEdit(objectName="reconsideration")
        self.court = QLineEdit(objectName="court")
        body, court = intake.refusal_remedies(self.ctx)
        self.reconsideration.setText(body)
        self.court.setText(court)
        self.handler_phone.setText(intake.clerk_phone(self.ctx, self.user))
        form = QFormLayout()
        form.addRow(self.tr("经办人电话（补正通知）："), self.handler_phone)
        form.addRow(self.tr("不予受理理由："), self.refuse_reasons)
        form.addRow(self.tr("法律依据："), self.refuse_basis)
        form.addRow(self.tr("行政复议机关："), self.reconsideration)
        form.addRow(self.tr("管辖法院："), self.court)
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(self.tr("第三步：处理结果（↑↓ 选择，Enter 确认；确认前不登记任何内容）")))
        layout.addWidget(self.summary)
        for b in (self.accept_option, self.correct_option, self.refuse_option):
            layout.addWidget(b)
        layout.addLayout(form)
        layout.addStretch(1)
        return page

    def _done_page(self) -> QWidget:
        page = QWidget()
        self.done_text = QLabel(objectName="intakeDone")
        self.done_text.setWordWrap(True)
        self.done_text.setTextInteractionFlags(Qt.TextSelectableByMouse)
        print_receipt = QPushButton(self.tr("打印材料接收凭证… (Ctrl+P)"), objectName="printReceipt")
        print_receipt.clicked.connect(self.print_receipt)
        QShortcut(QKeySequence.Print, page, self.print_receipt)
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(self.tr("收件完成")))
        layout.addWidget(self.done_text)
        layout.addWidget(print_receipt)
        layout.addStretch(1)
        return page

    # --- page 1 -----------------------------------------------------------
    def _no_id_toggled(self, on: bool) -> None:
        self.no_id_reason.setEnabled(on)
        self.number.setEnabled(not on)
        if on:
            self.no_id_reason.setFocus()
        self._check_number()

    def _check_number(self) -> None:
        self._guess_kind()
        if self.no_id.isChecked():
            self.number_check.clear()
            return
        check = (_resident_id if self.kind.currentData() == PERSON else check_credit_code)(self.number.text())
        if not check.ok:
            self._mark(self.number_check, check.message if self.number.text().strip() else "", RED)
        else:
            self._mark(self.number_check, check.warning or self.tr("✔ 号码有效"), AMBER if check.warning else GREEN)

    def _guess_kind(self) -> None:
        """An 18-character number tells what it is: switch the type when it fits the other one."""
        text = self.number.text()
        # the number's form tells the kind; a birth date after today is _check_number's to refuse
        for kind, check in ((ORGANISATION, check_credit_code), (PERSON, check_resident_id)):
            if kind != self.kind.currentData() and check(text).ok:
                self.kind.blockSignals(True)
                self.kind.setCurrentIndex(self.kind.findData(kind))
                self.kind.blockSignals(False)
                return

    @staticmethod
    def _mark(label: QLabel, text: str, style: str) -> None:
        label.setText(text)
        label.setStyleSheet(style)

    def _party(self) -> PartyInput:
        reason = self.no_id_reason.text() if self.no_id.isChecked() else ""
        return PartyInput(self.kind.currentData(), self.name.text(), "" if reason.strip() else self.number.text(),
                          self.phone.text(), self.address.text(), no_id_reason=reason)

    def _check_applicant_page(self) -> bool:
        if self.no_id.isChecked() and not self.no_id_reason.text().strip():
            return self._refuse(self.tr("选择“无证照”的，请写明原因"), self.no_id_reason)
        try:
            party, contact, phone = intake.check_applicant(self._party(), self.contact.text(), self.phone.text())
        except ServiceError as exc:
            text = str(exc)
            where = (self.phone if "电话" in text else self.contact if "联系人" in text
                     else self.name if "名称" in text else self.number)
            return self._refuse(text, where)
        for edit, value in ((self.name, party.name), (self.contact, contact), (self.phone, phone),
                            (self.address, party.address)):
            if edit.text() != value:
                edit.setText(value)   # what will be stored: trimmed, the phone normalised
        return True

    def _refuse(self, text: str, where: QWidget) -> bool:
        self.error.setText(text)
        where.setFocus()
        return False

    # --- page 2 -----------------------------------------------------------
    def current_matter(self):
        return next(m for m in self.matters if m.code == self.matter.currentData())

    def _fill_materials(self) -> None:
        self.materials.clear()
        for m in self.current_matter().materials:
            item = QListWidgetItem()
            item.setData(Qt.UserRole, m.name)
            item.setData(KindRole, m.original)
            item.setCheckState(Qt.Unchecked)
            self.materials.addItem(item)
            self._label(item)
        self.materials.setCurrentRow(0)

    def _label(self, item: QListWidgetItem) -> None:
        m = next(x for x in self.current_matter().materials if x.name == item.data(Qt.UserRole))
        kind = self.tr("原件") if item.data(KindRole) else self.tr("复印件")
        scan = self.tr("　[已留存电子件]") if item.data(ScanRole) else ""
        standard = f"；{m.standard}" if m.standard else ""
        item.setText(f"{'＊' if m.required else '　'}{m.name}（{m.copies} 份，{kind}{standard}）{scan}")

    def tick_required(self) -> None:
        required = {m.name for m in self.current_matter().materials if m.required}
        for i in range(self.materials.count()):
            item = self.materials.item(i)
            if item.data(Qt.UserRole) in required:
                item.setCheckState(Qt.Checked)

    def toggle_kind(self) -> None:
        item = self.materials.currentItem()
        if item is not None:
            item.setData(KindRole, not item.data(KindRole))
            self._label(item)

    def checks(self) -> tuple[MaterialCheck, ...]:
        catalogue = {m.name: m for m in self.current_matter().materials}
        out = []
        for i in range(self.materials.count()):
            item = self.materials.item(i)
            scan = item.data(ScanRole) or ("", 0)
            name = item.data(Qt.UserRole)
            marked = bool(item.data(KindRole))
            out.append(MaterialCheck(name, item.checkState() == Qt.Checked,
                                     original=None if marked == catalogue[name].original else marked,
                                     file_hash=scan[0], size=scan[1]))
        return tuple(out)

    def _store_scan(self, data: bytes) -> None:
        item = self.materials.currentItem()
        if item is None:
            return
        try:
            stored = self.ctx.evidence.put_bytes(data)
        except Exception as exc:  # EvidenceError: disk full, no permission — shown, nothing lost
            self.error.setText(str(exc))
            return
        item.setData(ScanRole, (stored.sha256, stored.size))
        item.setCheckState(Qt.Checked)
        self._label(item)

    def capture_selected(self) -> None:
        from jlclient.media.capture import CaptureError, capture
        try:
            self._store_scan(capture(self.camera_source).png)
        except CaptureError as exc:
            self.error.setText(str(exc))

    def import_selected(self) -> None:
        path = file_dialogs.open_file(self, self.tr("选择材料的电子件"), "scan",
                                      self.tr("图像或 PDF (*.png *.jpg *.jpeg *.pdf);;所有文件 (*)"))
        if path:
            try:
                with open(path, "rb") as f:
                    self._store_scan(f.read())
            except OSError as exc:
                self.error.setText(self.tr("无法读取文件：{e}").format(e=exc.strerror or exc))

    # --- page 3 -----------------------------------------------------------
    def _prepare_decision(self) -> None:
        missing = missing_materials(self.current_matter(), list(self.checks()))
        if missing:
            self.summary.setText(self.tr("缺少以下必交材料，应一次性告知补正：\n") + "\n".join(f"• {m.name}" for m in missing))
            self.correct_option.setChecked(True)
        else:
            self.summary.setText(self.tr("必交材料齐全。"))
            self.accept_option.setChecked(True)
        self.accept_option.setEnabled(not missing)
        self._enable_decision_fields()
        self.choice.checkedButton().setFocus()

    def _enable_decision_fields(self) -> None:
        refusing = self.refuse_option.isChecked()
        self.handler_phone.setEnabled(self.correct_option.isChecked())
        for w in (self.refuse_reasons, self.refuse_basis, self.reconsideration, self.court):
            w.setEnabled(refusing)

    def decision(self) -> intake.Decision:
        if self.accept_option.isChecked():
            return intake.Acceptance()
        if self.correct_option.isChecked():
            return intake.Correction(self.handler_phone.text(), self.contact.text())
        return intake.Refusal(self.refuse_reasons.toPlainText(), self.refuse_basis.text(), self.reconsideration.text(),
                              self.court.text())

    # --- navigation -------------------------------------------------------
    def _show(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self.back.setEnabled(APPLICANT < index < DONE)
        self.next.setText({DECISION: self.tr("确认并登记 (Enter)"), DONE: self.tr("关闭 (Enter)")}.get(
            index, self.tr("下一步 (Enter)")))
        if index == APPLICANT:
            self.name.setFocus()
        elif index == MATERIALS:
            self.materials.setFocus()
        elif index == DECISION:
            self._prepare_decision()
        else:
            self.next.setFocus()

    def _go(self, step: int) -> None:
        index = self.pages.currentIndex()
        if index == DONE:
            if step > 0:
                self.accept()
            return
        self.error.clear()
        if step < 0:
            if index > APPLICANT:
                self._show(index - 1)
            return
        if index == APPLICANT and not self._check_applicant_page():
            return
        if index == MATERIALS:
            try:
                intake.check_materials(self.checks())
            except ServiceError as exc:
                self._refuse(str(exc), self.materials)
                return
        if index < DECISION:
            self._show(index + 1)
            return
        self.finish()

    def finish(self) -> None:
        """The one write: case, receipt and the chosen notice, or nothing and the error shown here."""
        app = intake.Application(self._party(), self.current_matter().code, self.checks(), self.contact.text(),
                                 self.phone.text())
        try:
            self.outcome = intake.receive(self.ctx, self.user, app, self.decision())
        except ServiceError as exc:
            self._refuse(str(exc), self._field_for(str(exc)))
            return
        self.done_text.setText(self._done_words(self.outcome))
        self._show(DONE)

    def _field_for(self, message: str) -> QWidget:
        if "电话" in message and self.correct_option.isChecked():
            return self.handler_phone
        if self.refuse_option.isChecked():
            return self.refuse_reasons if "理由" in message else self.reconsideration
        return self.choice.checkedButton() or self.accept_option

    def _done_words(self, r: intake.IntakeResult) -> str:
        what = (self.tr("已受理，受理通知书文号：{d}") if self.accept_option.isChecked() else
                self.tr("已出具补正材料通知书：{d}") if self.correct_option.isChecked() else
                self.tr("已出具不予受理通知书：{d}")).format(d=r.document)
        return self.tr("案号：{n}\n材料接收凭证编号：{r}\n查询码：{c}\n{w}").format(
            n=r.number, r=r.receipt_number, c=r.lookup_code, w=what)

    def print_receipt(self) -> None:
        if self.outcome is None:
            return
        receipt = next(r for r in records.records_of(self.ctx, self.outcome.case_id) if r.form == "materials_receipt")
        try:
            rendered = printing.render_record(self.ctx, receipt.id)
        except ServiceError as exc:
            self.error.setText(str(exc))
            return
        from jlclient.ui.print_preview import PrintPreview   # QtPdf loads only when a preview opens
        PrintPreview(self.ctx, self.user, rendered, self).exec()

