"""窗口收件: the window clerk's intake, fully by keyboard — applicant, matter and materials
(captured with the document camera or imported from a file), then accept, one complete
correction notice, or refuse."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDialog, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QListWidget, QListWidgetItem, QMessageBox, QPlainTextEdit, QPushButton,
                               QRadioButton, QStackedWidget, QVBoxLayout, QWidget)

from jlclient.domain.matters import MaterialCheck, missing_materials
from jlclient.services import intake
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.matters import load_matters
from jlclient.services.parties import ORGANISATION, PERSON, PartyInput, validated

ScanRole = Qt.UserRole + 1


class IntakeDialog(QDialog):
    def __init__(self, ctx: AppContext, user: CurrentUser, parent=None, camera_source=0):
        super().__init__(parent)
        self.ctx, self.user, self.camera_source = ctx, user, camera_source
        self.result_: intake.IntakeResult | None = None  # set once taken in: a retry never registers twice
        self.setObjectName("IntakeDialog")
        self.setWindowTitle(self.tr("窗口收件"))
        self.matters = load_matters()
        self.pages = QStackedWidget()
        self.pages.addWidget(self._applicant_page())
        self.pages.addWidget(self._materials_page())
        self.pages.addWidget(self._decision_page())
        self.error = QLabel(objectName="intakeError")
        self.error.setStyleSheet("color: #c0392b;")
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
        self._show(0)
        self.resize(760, 560)

    # --- pages ------------------------------------------------------------
    def _applicant_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.kind = QComboBox(objectName="applicantKind")
        self.kind.addItem(self.tr("单位（统一社会信用代码）"), ORGANISATION)
        self.kind.addItem(self.tr("个人（居民身份证号码）"), PERSON)
        self.name = QLineEdit(objectName="applicantName")
        self.number = QLineEdit(objectName="applicantNumber")
        self.number_check = QLabel(objectName="numberCheck")
        self.contact = QLineEdit(objectName="contact")
        self.phone = QLineEdit(objectName="phone")
        self.address = QLineEdit(objectName="address")
        self.number.textChanged.connect(self._check_number)
        form.addRow(QLabel(self.tr("第一步：申请人")))
        form.addRow(self.tr("类型："), self.kind)
        form.addRow(self.tr("名称/姓名："), self.name)
        form.addRow(self.tr("证件号码："), self.number)
        form.addRow("", self.number_check)
        form.addRow(self.tr("联系人（递交人）："), self.contact)
        form.addRow(self.tr("联系电话："), self.phone)
        form.addRow(self.tr("地址："), self.address)
        return page

    def _materials_page(self) -> QWidget:
        page = QWidget()
        self.matter = QComboBox(objectName="matter")
        for m in self.matters:
            self.matter.addItem(m.name, m.code)
        self.matter.currentIndexChanged.connect(self._fill_materials)
        self.materials = QListWidget(objectName="materials")
        capture = QPushButton(self.tr("高拍仪拍摄所选材料 (F5)"), objectName="capture")
        import_ = QPushButton(self.tr("从文件导入 (F6)"), objectName="importFile")
        capture.clicked.connect(self.capture_selected)
        import_.clicked.connect(self.import_selected)
        QShortcut(QKeySequence("F5"), self, self.capture_selected)
        QShortcut(QKeySequence("F6"), self, self.import_selected)
        row = QHBoxLayout()
        row.addWidget(capture)
        row.addWidget(import_)
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
        self.handler_phone = QLineEdit(objectName="handlerPhone")
        self.refuse_reasons = QPlainTextEdit(objectName="refuseReasons")
        self.refuse_reasons.setTabChangesFocus(True)
        self.refuse_basis = QLineEdit(objectName="refuseBasis")
        self.reconsideration = QLineEdit(self.tr("灵寿县人民政府"), objectName="reconsideration")
        self.court = QLineEdit(self.tr("灵寿县人民法院"), objectName="court")
        form = QFormLayout()
        form.addRow(self.tr("经办人电话（补正通知）："), self.handler_phone)
        form.addRow(self.tr("不予受理理由："), self.refuse_reasons)
        form.addRow(self.tr("法律依据："), self.refuse_basis)
        form.addRow(self.tr("行政复议机关："), self.reconsideration)
        form.addRow(self.tr("管辖法院："), self.court)
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(self.tr("第三步：处理结果")))
        layout.addWidget(self.summary)
        for b in (self.accept_option, self.correct_option, self.refuse_option):
            layout.addWidget(b)
        layout.addLayout(form)
        layout.addStretch(1)
        return page

    # --- behaviour --------------------------------------------------------
    def _check_number(self) -> None:
        try:
            validated(self._party())
            self.number_check.setText(self.tr("✔ 号码有效"))
            self.number_check.setStyleSheet("color: #2e7d32;")
        except ServiceError as exc:
            self.number_check.setText(str(exc))
            self.number_check.setStyleSheet("color: #c0392b;")

    def _party(self) -> PartyInput:
        return PartyInput(self.kind.currentData(), self.name.text(), self.number.text().strip(), self.phone.text(),
                          self.address.text())

    def current_matter(self):
        return next(m for m in self.matters if m.code == self.matter.currentData())

    def _fill_materials(self) -> None:
        self.materials.clear()
        for m in self.current_matter().materials:
            item = QListWidgetItem(f"{'＊' if m.required else '　'}{m.name}（{m.copies} 份，{'原件' if m.original else '复印件'}）")
            item.setData(Qt.UserRole, m.name)
            item.setCheckState(Qt.Unchecked)
            self.materials.addItem(item)
        self.materials.setCurrentRow(0)

    def checks(self) -> tuple[MaterialCheck, ...]:
        out = []
        for i in range(self.materials.count()):
            item = self.materials.item(i)
            scan = item.data(ScanRole) or ("", 0)
            out.append(MaterialCheck(item.data(Qt.UserRole), item.checkState() == Qt.Checked,
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
        item.setText(item.text().split("　[")[0] + self.tr("　[已留存电子件]"))

    def capture_selected(self) -> None:
        from jlclient.media.capture import CaptureError, capture
        try:
            self._store_scan(capture(self.camera_source).png)
        except CaptureError as exc:
            self.error.setText(str(exc))

    def import_selected(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择材料的电子件"), "",
                                              self.tr("图像或 PDF (*.png *.jpg *.jpeg *.pdf);;所有文件 (*)"))
        if path:
            with open(path, "rb") as f:
                self._store_scan(f.read())

    def _show(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self.back.setEnabled(index > 0)
        self.next.setText(self.tr("完成 (Enter)") if index == 2 else self.tr("下一步 (Enter)"))
        if index == 0:
            self.name.setFocus()
        elif index == 1:
            self.materials.setFocus()
        else:
            self._prepare_decision()

    def _prepare_decision(self) -> None:
        missing = missing_materials(self.current_matter(), list(self.checks()))
        if missing:
            self.summary.setText(self.tr("缺少以下必交材料，应一次性告知补正：\n") + "\n".join(f"• {m.name}" for m in missing))
            self.correct_option.setChecked(True)
        else:
            self.summary.setText(self.tr("必交材料齐全。"))
            self.accept_option.setChecked(True)
        self.accept_option.setEnabled(not missing)
        self.choice.checkedButton().setFocus()

    def _go(self, step: int) -> None:
        index = self.pages.currentIndex()
        self.error.clear()
        if step < 0:
            if index > 0:
                self._show(index - 1)
            return
        if index == 0:
            try:
                validated(self._party())
            except ServiceError as exc:
                self.error.setText(str(exc))
                return
            if not self.contact.text().strip() or not self.phone.text().strip():
                self.error.setText(self.tr("请填写联系人和联系电话"))
                return
        if index < 2:
            self._show(index + 1)
            return
        self.finish()

    def finish(self) -> None:
        app = intake.Application(self._party(), self.current_matter().code, self.checks(), self.contact.text().strip(),
                                 self.phone.text().strip())
        try:
            if self.result_ is None:
                self.result_ = intake.take_in(self.ctx, self.user, app)
            what = self._decide(self.result_)
        except ServiceError as exc:
            self.error.setText(str(exc))
            return
        result = self.result_
        QMessageBox.information(self, self.tr("收件完成"), self.tr("案号：{n}\n查询码：{c}\n{w}").format(
            n=result.number, c=result.lookup_code, w=what))
        self.accept()

    def _decide(self, result: intake.IntakeResult) -> str:
        if self.accept_option.isChecked():
            return self.tr("已受理，受理通知书文号 {d}").format(d=intake.accept(self.ctx, self.user, result.case_id))
        if self.correct_option.isChecked():
            number = intake.request_correction(self.ctx, self.user, result.case_id, list(result.missing),
                                               self.handler_phone.text().strip(), self.contact.text().strip())
            return self.tr("已出具补正材料通知书 {d}").format(d=number)
        number = intake.refuse(self.ctx, self.user, result.case_id, self.refuse_reasons.toPlainText(),
                               self.refuse_basis.text(), self.reconsideration.text(), self.court.text())
        return self.tr("已出具不予受理通知书 {d}").format(d=number)
