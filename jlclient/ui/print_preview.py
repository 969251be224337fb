"""Print preview (QtPdf) of a rendered record: print through the system printer or save as PDF.
Whatever leaves the application is registered as an electronic record of its case."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
from PySide6.QtGui import QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from jlclient.services import printing
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext, ServiceError
from jlclient.ui import file_dialogs


class PdfPreview(QDialog):
    """Any PDF: preview, print, save. ``after_output(how)`` ("print" | "pdf") says what became of it."""

    def __init__(self, pdf: bytes, title: str, parent=None):
        super().__init__(parent)
        self.pdf, self.title_ = pdf, title
        self.setWindowTitle(self.tr("打印预览：{t}").format(t=title))
        self.resize(820, 960)
        self._bytes = QByteArray(pdf)                    # the document reads from this buffer: keep both
        self._buffer = QBuffer(self._bytes, self)
        self._buffer.open(QIODevice.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        self.view = QPdfView(self, objectName="pdfView")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.pages = QLabel(self.tr("共 {n} 页").format(n=self.document.pageCount()), objectName="pageCount")
        self.status = QLabel(objectName="printStatus")
        self.print_button = QPushButton(self.tr("打印… (Ctrl+P)"), objectName="printButton", shortcut="Ctrl+P")
        self.save_button = QPushButton(self.tr("另存为 PDF…"), objectName="savePdf")
        close = QPushButton(self.tr("关闭"))
        self.print_button.clicked.connect(self.print_)
        self.save_button.clicked.connect(self.save_pdf)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        for w in (self.pages, self.status):
            buttons.addWidget(w)
        buttons.addStretch(1)
        for b in (self.print_button, self.save_button, close):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

    def print_(self) -> None:
        printer = QPrinter(QPrinter.HighResolution)
        printer.setPageSize(QPageSize(QPageSize.A4))
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Each page rendered at the printer's resolution and painted on its own sheet."""
        printer.setFullPage(True)
        painter = QPainter()
        if not painter.begin(printer):
            self.status.setText(self.tr("无法启动打印机"))
            return
        try:
            for i in range(self.document.pageCount()):
                if i:
                    printer.newPage()
                target = printer.pageLayout().fullRectPixels(printer.resolution())
                image = self.document.render(i, QSize(target.width(), target.height()))
                painter.drawImage(target, image)
        finally:
            painter.end()
        self.after_output("print")

    def save_pdf(self) -> None:
        name = file_dialogs.save_file(self, self.tr("另存为 PDF"), "pdf", f"{self.title_}.pdf",
                                      self.tr("PDF 文件 (*.pdf)"))
        if not name:
            return
        try:
            Path(name).write_bytes(self.pdf)
        except OSError as exc:
            self.status.setText(self.tr("保存失败：{e}").format(e=exc.strerror))
            return
        self.after_output("pdf")

    def after_output(self, how: str) -> None:
        self.status.setText(self.tr("已打印") if how == "print" else self.tr("已保存"))


class PrintPreview(PdfPreview):
    """A record of a case: whatever is printed or saved is registered as its electronic record."""

    def __init__(self, ctx: AppContext, user: CurrentUser, rendered: printing.Rendered, parent=None):
        super().__init__(rendered.pdf, rendered.title, parent)
        self.ctx, self.user, self.rendered = ctx, user, rendered

    def after_output(self, how: str) -> None:
        try:
            printed = printing.register_print(self.ctx, self.user.actor, self.rendered, how)
        except ServiceError as exc:
            self.status.setText(str(exc))
            return
        self.status.setText(self.tr("已登记为案件电子记录（SHA-256 {h}…）").format(h=printed.sha256[:12]))
