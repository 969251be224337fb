"""A clerk previews a record, prints it and saves it as PDF; both are kept as electronic records."""
import re
import subprocess

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog
from sqlalchemy import func, select

from jlclient.services import printing
from jlclient.store.models import ElectronicRecord, TextRecord
from jlclient.ui.cases_page import CasesPage
from jlclient.ui.print_preview import PrintPreview
from tests.support.dialogs import answer_dialog


def _receipt_id(ctx):
    with ctx.db.read() as s:
        return s.scalar(select(TextRecord.id).where(TextRecord.form == "materials_receipt").order_by(TextRecord.id))


def _printed(ctx) -> int:
    with ctx.db.read() as s:
        return s.scalar(select(func.count(ElectronicRecord.id)).where(ElectronicRecord.kind == "printed"))


def test_preview_print_and_save(qtbot, demo_ctx, login_as, tmp_path, monkeypatch):
    clerk = login_as("clerk")
    preview = PrintPreview(demo_ctx, clerk, printing.render_record(demo_ctx, _receipt_id(demo_ctx)))
    qtbot.addWidget(preview)
    preview.show()
    assert preview.document.pageCount() == 1 and preview.pages.text() == "共 1 页"

    out = tmp_path / "printer.pdf"

    def to_file(dialog):
        dialog.printer().setOutputFormat(QPrinter.PdfFormat)
        dialog.printer().setOutputFileName(str(out))
        return QDialog.Accepted
    monkeypatch.setattr(QPrintDialog, "exec", to_file)
    qtbot.mouseClick(preview.print_button, Qt.LeftButton)
    assert out.stat().st_size > 0 and "已登记" in preview.status.text()
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M) and "(A4)" in info   # the printer got one A4 sheet

    saved = tmp_path / "收据.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(saved), ""))
    qtbot.mouseClick(preview.save_button, Qt.LeftButton)
    assert saved.read_bytes() == preview.rendered.pdf
    assert _printed(demo_ctx) == 2


def test_cancelled_print_registers_nothing(qtbot, demo_ctx, login_as, monkeypatch):
    preview = PrintPreview(demo_ctx, login_as("clerk"), printing.render_record(demo_ctx, _receipt_id(demo_ctx)))
    qtbot.addWidget(preview)
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QDialog.Rejected)
    qtbot.mouseClick(preview.print_button, Qt.LeftButton)
    assert _printed(demo_ctx) == 0


def test_print_button_in_the_case_view_opens_the_preview(qtbot, demo_ctx, login_as):
    page = CasesPage(demo_ctx, login_as("clerk"))
    qtbot.addWidget(page)
    page.show()
    records = page.view.records
    qtbot.waitUntil(lambda: page.view.detail is not None, timeout=5000)
    with demo_ctx.db.read() as s:
        case_id = s.scalar(select(TextRecord.case_id).where(TextRecord.id == _receipt_id(demo_ctx)))
    page._show_case(case_id)
    row = next(i for i, r in enumerate(page.view.detail.records) if r.title == "材料接收凭证")
    records.setCurrentCell(row, 0)
    assert page.view.print_button.isEnabled()
    seen = []

    def look(dialog):
        seen.append(dialog.document.pageCount())
        dialog.reject()
    answer_dialog(PrintPreview, look)
    qtbot.mouseClick(page.view.print_button, Qt.LeftButton)
    assert seen == [1]
