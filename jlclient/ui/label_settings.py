"""标签打印: per-printer calibration offsets for label sheets (saved as audited settings), a
calibration page to hold against a label sheet, and a batch of test labels to try the printer."""
from __future__ import annotations

from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel, QPushButton,
                               QVBoxLayout, QWidget)

from jlclient.printing.labels import SHEETS, calibration_page, sheet
from jlclient.services import label_calibration
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext, ServiceError

DEFAULT_PRINTER = "默认打印机"


def _offset_box(name: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox(objectName=name)
    box.setRange(-10.0, 10.0)
    box.setDecimals(1)
    box.setSingleStep(0.5)
    box.setSuffix(" 毫米")
    return box


class LabelSettingsTab(QWidget):
    def __init__(self, ctx: AppContext, user: CurrentUser, parent=None):
        super().__init__(parent)
        self.ctx, self.user = ctx, user
        self.printer = QComboBox(objectName="labelPrinter")
        self.printer.setEditable(True)
        self.printer.addItems(QPrinterInfo.availablePrinterNames() or [DEFAULT_PRINTER])
        self.spec = QComboBox(objectName="labelSheet")
        self.spec.addItems(list(SHEETS))
        self.dx, self.dy = _offset_box("offsetX"), _offset_box("offsetY")
        self.status = QLabel(objectName="labelStatus")
        save = QPushButton(self.tr("保存偏移"), objectName="saveOffsets")
        trial = QPushButton(self.tr("打印校准页…"), objectName="calibrationPage")
        batch = QPushButton(self.tr("批量打印测试标签…"), objectName="batchLabels")
        save.clicked.connect(self.save)
        trial.clicked.connect(self.calibration)
        batch.clicked.connect(self.test_batch)
        self.printer.currentTextChanged.connect(self.load)
        form = QFormLayout()
        form.addRow(self.tr("打印机："), self.printer)
        form.addRow(self.tr("标签纸："), self.spec)
        form.addRow(self.tr("向右偏移："), self.dx)
        form.addRow(self.tr("向下偏移："), self.dy)
        buttons = QHBoxLayout()
        for b in (save, trial, batch):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("先在普通纸上打印校准页，叠在标签纸上对光查看，量出偏差后填入并保存。")))
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.load()

    def load(self) -> None:
        dx, dy = label_calibration.offsets(self.ctx, self.printer.currentText())
        self.dx.setValue(dx)
        self.dy.setValue(dy)

    def save(self) -> None:
        try:
            dx, dy = label_calibration.set_offsets(self.ctx, self.user.actor, self.printer.currentText(),
                                                   self.dx.value(), self.dy.value())
        except ServiceError as exc:
            self.status.setText(str(exc))
            return
        self.status.setText(self.tr("已保存 {p} 的偏移：向右 {x} 毫米，向下 {y} 毫米").format(
            p=self.printer.currentText(), x=dx, y=dy))

    def calibration(self) -> None:
        from jlclient.ui.print_preview import PdfPreview
        spec = SHEETS[self.spec.currentText()]
        PdfPreview(calibration_page(spec, (self.dx.value(), self.dy.value())), f"标签校准 {spec.name}", self).exec()

    def test_batch(self, count: int = 1000) -> None:
        """A thousand numbered labels through the batch printer: the printer and the offsets at scale."""
        from jlclient.ui.batch_print import BatchPrintDialog
        spec, offset = SHEETS[self.spec.currentText()], (self.dx.value(), self.dy.value())
        texts = [[f"测试标签 {i + 1:04d}", spec.name] for i in range(count)]
        BatchPrintDialog(self.tr("测试标签"), lambda progress: sheet(texts, spec, offset, progress=progress),
                         self).exec()
