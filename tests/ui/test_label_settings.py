"""An administrator calibrates a label printer, prints the calibration page and a batch of 1,000
labels in the background with a progress bar; cancelling a batch leaves nothing half-made."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from sqlalchemy import select

from jlclient.printing.labels import A4_3x8, sheet
from jlclient.services import label_calibration
from jlclient.store.models import AuditEntry
from jlclient.ui.batch_print import BatchPrintDialog
from jlclient.ui.print_preview import PdfPreview
from jlclient.ui.settings_page import SettingsPage
from tests.support.dialogs import answer_dialog


def test_offsets_saved_per_printer_and_the_calibration_page_previewed(qtbot, demo_ctx, login_as):
    page = SettingsPage(demo_ctx, login_as("admin"))
    qtbot.addWidget(page)
    tab = page.labels
    tab.printer.setEditText("档案室标签机")
    tab.dx.setValue(2.5)
    tab.dy.setValue(-1.0)
    qtbot.mouseClick(tab.findChild(QPushButton, "saveOffsets"), Qt.LeftButton)
    assert label_calibration.offsets(demo_ctx, "档案室标签机") == (2.5, -1.0)
    assert "已保存" in tab.status.text()
    with demo_ctx.db.read() as s:
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "setting.set")) is not None
    tab.dx.setValue(0)
    tab.printer.setEditText("别的打印机")
    tab.printer.setEditText("档案室标签机")
    assert tab.dx.value() == 2.5                                   # loaded again for that printer
    pages = []
    answer_dialog(PdfPreview, lambda d: (pages.append(d.document.pageCount()), d.reject()))
    tab.calibration()
    assert pages == [1]


def test_a_thousand_labels_in_the_background_then_the_preview(qtbot, demo_ctx, login_as):
    page = SettingsPage(demo_ctx, login_as("admin"))
    qtbot.addWidget(page)
    tab = page.labels
    tab.spec.setCurrentText(A4_3x8.name)
    seen = []
    answer_dialog(PdfPreview, lambda d: (seen.append(d.document.pageCount()), d.reject()), delay_ms=3000)
    tab.test_batch()
    assert seen == [42]                                            # 1,000 labels, 24 a sheet


def test_a_cancelled_batch_says_so(qtbot):
    def slow(progress):
        return sheet([["x"]] * 5000, A4_3x8, progress=progress)
    dialog = BatchPrintDialog("测试", slow)
    qtbot.addWidget(dialog)
    dialog.task.cancel.set()
    qtbot.waitUntil(lambda: dialog.label.text() in ("已取消",) or dialog.pdf is not None, timeout=20000)
    assert dialog.label.text() == "已取消" and dialog.pdf is None
