"""An archivist binds a closed case from the case view and prints its cover sheet and disc note."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from sqlalchemy import select

import tests.support.case_builder as cb
from jlclient.domain.model import Procedure, Stage
from jlclient.services import compliance
from jlclient.store.models import ElectronicRecord
from jlclient.ui.cases_page import CasesPage
from jlclient.ui.print_preview import PdfPreview, PrintPreview
from jlclient.ui.volume_dialog import VolumeDialog
from tests.support.dialogs import answer_dialog
from tests.support.keys import type_text
from tests.support.pdf import pdftotext, squash


def _closed(ctx, login_as) -> int:
    case_id = cb.build_case(ctx, Procedure.PENALTY)
    compliance.close_case(ctx, login_as("officer"), case_id, cb.version(ctx, case_id))
    return case_id


def _page(qtbot, ctx, user, case_id) -> CasesPage:
    page = CasesPage(ctx, user)
    qtbot.addWidget(page)
    page.show()
    page._select_new(case_id)
    return page


def test_archivist_binds_the_case_and_prints_its_cover_and_disc_note(qtbot, demo_ctx, login_as, tmp_path,
                                                                   monkeypatch):
    case_id = _closed(demo_ctx, login_as)
    page = _page(qtbot, demo_ctx, login_as("archivist"), case_id)
    assert page.view.volume_button.isVisible() and page.view.volume_button.isEnabled()
    asked, saved, seen = [], tmp_path / "cover.pdf", {}
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.Yes)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(saved), ""))

    def save(preview):
        qtbot.mouseClick(preview.save_button, Qt.LeftButton)
        seen[preview.rendered.form] = preview.status.text()

    def bind_and_print(dialog):
        assert not dialog.paper_buttons["cover"].isEnabled()      # nothing to print before numbering
        assert dialog.table.rowCount() == len(dialog.plan.documents)
        assert dialog.table.item(0, 2).text() == "行政处罚决定书"
        assert dialog.retention.currentText() == "永久"
        dialog.fonds_no.setFocus()
        type_text(qtbot, dialog.fonds_no, "J012")
        qtbot.mouseClick(dialog.build_button, Qt.LeftButton)
        assert "归档号 " in dialog.summary.text() and not dialog.binding.isVisible()
        seen["summary"] = dialog.summary.text()
        answer_dialog(PrintPreview, save)
        qtbot.mouseClick(dialog.paper_buttons["cover"], Qt.LeftButton)
        answer_dialog(PrintPreview, save)
        qtbot.mouseClick(dialog.paper_buttons["av_note"], Qt.LeftButton)
        answer_dialog(PdfPreview, lambda preview: seen.setdefault("spines", preview.document.pageCount()))
        qtbot.mouseClick(dialog.year_spines, Qt.LeftButton)       # batch: progress, then the preview
        dialog.accept()
    answer_dialog(VolumeDialog, bind_and_print)
    qtbot.mouseClick(page.view.volume_button, Qt.LeftButton)

    assert asked and "不能更改" in asked[0]
    assert "全宗号 J012" in seen["summary"] and "保管期限 永久" in seen["summary"]
    assert "已登记" in seen["cover"] and "已登记" in seen["av_note"]
    assert seen["spines"] == 1
    assert "视听资料制作说明" in squash(pdftotext(saved.read_bytes()))   # the last one saved
    with demo_ctx.db.read() as s:
        titles = s.scalars(select(ElectronicRecord.title).where(ElectronicRecord.case_id == case_id)).all()
    assert "案卷封面（PDF）" in titles and "视听资料制作说明（PDF）" in titles


def test_the_button_is_for_archivists_and_closed_cases(qtbot, demo_ctx, login_as):
    case_id = _closed(demo_ctx, login_as)
    officer_page = _page(qtbot, demo_ctx, login_as("officer"), case_id)
    assert not officer_page.view.volume_button.isVisibleTo(officer_page)
    open_case = cb.build_case(demo_ctx, Procedure.PENALTY, until=Stage.DECISION)
    page = _page(qtbot, demo_ctx, login_as("archivist"), open_case)
    assert page.view.detail.row.id == open_case
    assert not page.view.volume_button.isEnabled()
