"""An archivist binds a closed case from the case view and prints its cover sheet and disc note."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel, QMessageBox
from sqlalchemy import select

import tests.support.case_builder as cb
from jlclient.domain.model import Procedure, Stage
from jlclient.services import compliance
from jlclient.store.models import ElectronicRecord
from jlclient.ui.cases_page import CasesPage
from jlclient.ui.print_preview import PdfPreview, PrintPreview
from jlclient.ui.reason_dialog import ReasonDialog
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


def test_the_reviewer_opens_evidence_copies_from_the_case_view(qtbot, demo_ctx, login_as):
    from jlclient.ui.evidence_copy_dialog import EvidenceCopyDialog
    case_id = cb.build_case(demo_ctx, Procedure.PENALTY, until=Stage.INVESTIGATION)    # filmed
    page = _page(qtbot, demo_ctx, login_as("reviewer"), case_id)
    assert page.view.copy_button.isVisibleTo(page) and page.view.copy_button.isEnabled()
    seen = []
    answer_dialog(EvidenceCopyDialog, lambda dialog: seen.append(dialog.case_id))
    qtbot.mouseClick(page.view.copy_button, Qt.LeftButton)
    assert seen == [case_id]
    clerk = _page(qtbot, demo_ctx, login_as("clerk"), case_id)
    assert not clerk.view.copy_button.isVisibleTo(clerk)


def test_the_archive_page_queues_closed_cases_and_binds_them(qtbot, demo_ctx, login_as, monkeypatch):
    from jlclient.ui.archive_page import ArchivePage
    from jlclient.ui.export_dialog import ExportDialog, PackageCheckDialog
    case_id = _closed(demo_ctx, login_as)
    archive = ArchivePage(demo_ctx, login_as("archivist"))
    qtbot.addWidget(archive)
    archive.show()
    page = archive.queue
    waiting = page.table.rowCount()                          # the demo's closed cases wait too
    row = next(i for i, r in enumerate(page.rows) if r.case_id == case_id)
    assert page.table.item(row, 4).text() == "待立卷"
    assert f"待立卷 {waiting} 件" in page.summary.text()
    page.table.selectRow(row)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    answer_dialog(VolumeDialog, lambda d: qtbot.mouseClick(d.build_button, Qt.LeftButton))
    qtbot.mouseClick(page.bind_button, Qt.LeftButton)
    assert page.table.rowCount() == waiting - 1 and case_id not in [r.case_id for r in page.rows]
    page.show_bound.setChecked(True)
    row = next(i for i, r in enumerate(page.rows) if r.case_id == case_id)
    assert page.table.item(row, 4).text() == "已立卷" and page.table.item(row, 5).text().endswith("-0001")
    page.table.selectRow(row)
    seen = []
    answer_dialog(ExportDialog, lambda d: seen.append(d.case_id))
    qtbot.mouseClick(page.export_button, Qt.LeftButton)
    answer_dialog(PackageCheckDialog, lambda d: seen.append("check"))
    qtbot.mouseClick(page.check_button, Qt.LeftButton)
    assert seen == [case_id, "check"]


def test_the_approver_disposes_of_expired_routine_footage_from_the_archive_page(qtbot, demo_ctx, login_as,
                                                                               monkeypatch):
    from datetime import timedelta

    from jlclient.services import setup
    from jlclient.store.audit import utcnow
    from jlclient.ui.archive_page import ArchivePage
    setup.set_profile(demo_ctx, "cli:test", "bureau-002")           # routine footage: 1 year (seed 002)
    expired = cb.add_av(demo_ctx, None, None, officer="李娜", start=utcnow() - timedelta(days=400))
    recent = cb.add_av(demo_ctx, None, None, officer="李娜", start=utcnow() - timedelta(days=20))
    archive = ArchivePage(demo_ctx, login_as("approver"))
    qtbot.addWidget(archive)
    archive.show()
    archive.tabs.setCurrentWidget(archive.retention)
    tab = archive.retention
    assert [r.av_id for r in tab.rows] == [expired] and tab.table.item(0, 6).text() == "可销毁"
    tab.due_only.setChecked(False)
    assert {expired, recent} <= {r.av_id for r in tab.rows}   # beside the demo cases' footage, kept with them
    tab.table.selectAll()                                   # the whole list approved: only the expired goes
    told = []

    def approve(dialog):     # no opinion written: the approval goes through without one
        told.append(dialog.findChild(QLabel, "reasonPrompt").text())
        qtbot.keyClick(dialog.text, Qt.Key_Tab)
        qtbot.keyClick(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok), Qt.Key_Space)
    answer_dialog(ReasonDialog, approve)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: told.append(a[2]) or QMessageBox.Ok)
    qtbot.mouseClick(tab.dispose_button, Qt.LeftButton)
    assert "不可恢复" in told[0] and "已销毁 1 个" in told[1] and "保存期限至" in told[1]
    assert tab.register.rowCount() == 1 and tab.register.item(0, 6).text() == "周杰"
    assert tab.register.item(0, 7).text() == "文件内容已销毁"
    assert [r.av_id for r in tab.rows if r.av_id in (expired, recent)] == [recent]


def test_a_recording_is_held_for_long_term_from_the_archive_page(qtbot, demo_ctx, login_as):
    from datetime import timedelta

    from jlclient.services import retention, setup
    from jlclient.store.audit import utcnow
    from jlclient.ui.archive_page import ArchivePage, HoldDialog
    setup.set_profile(demo_ctx, "cli:test", "changli-dapuhe")
    footage = cb.add_av(demo_ctx, None, None, officer="李娜", start=utcnow() - timedelta(days=300))
    archive = ArchivePage(demo_ctx, login_as("archivist"))
    qtbot.addWidget(archive)
    archive.show()
    archive.tabs.setCurrentWidget(archive.retention)
    tab = archive.retention
    assert tab.dispose_button.isHidden() and not tab.hold_button.isHidden()   # archivists hold, approvers dispose
    tab.table.selectRow(0)

    def hold(dialog):
        dialog.reason.setCurrentIndex(1)                    # obstruction or assault
        dialog.accept()
    answer_dialog(HoldDialog, hold)
    qtbot.mouseClick(tab.hold_button, Qt.LeftButton)
    assert tab.rows == []                                   # off the disposal list
    [row] = [r for r in retention.overview(demo_ctx, due_only=False) if r.av_id == footage]
    assert row.kept_because.startswith("已长期保存")
