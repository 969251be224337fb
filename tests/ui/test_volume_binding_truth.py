"""Binding by hand (issue 14): the dialog shows what the closing check finds, an approver approves
binding in writing (an empty reason is said so, not a silent cancel), the archivist then binds, and
the remarks sheet read back names the findings and the override and never says 齐全."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

import tests.support.case_builder as cb
from jlclient.domain.model import Procedure
from jlclient.services import archiving, cases
from jlclient.store.models import Case, ComplianceOverride
from jlclient.ui.archive_page import ArchivePage
from jlclient.ui.volume_dialog import VolumeDialog
from tests.support.dialogs import answer_dialog
from tests.support.keys import type_text
from tests.support.pdf import pdftotext, squash


@pytest.fixture
def boxes(monkeypatch):
    """What the message boxes said; every question answered Yes."""
    said = {"warning": [], "question": []}
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: said["warning"].append(a[2]) or QMessageBox.Ok)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: said["question"].append(a[2]) or QMessageBox.Yes)
    return said


def _closed_with_a_gap(ctx) -> int:
    """Closed as an import closes a case: the missing 事先告知书 was never overridden."""
    case_id = cb.build_case(ctx, Procedure.PENALTY, skip=("rights_notice",))
    with ctx.db.write() as s:
        cases.advance(s, "cli:import", s.get(Case, case_id))
    return case_id


def _open_from_the_archive(qtbot, ctx, user, case_id, act) -> ArchivePage:
    page = ArchivePage(ctx, user)
    qtbot.addWidget(page)
    page.show()
    queue = page.queue
    row = next(i for i, r in enumerate(queue.rows) if r.case_id == case_id)
    qtbot.mouseClick(queue.table.viewport(), Qt.LeftButton, pos=queue.table.visualRect(
        queue.table.model().index(row, 0)).center())
    assert queue.bind_button.isVisible()
    answer_dialog(VolumeDialog, act)
    qtbot.mouseClick(queue.bind_button, Qt.LeftButton)
    return page


def _overrides(ctx, case_id) -> list[str]:
    with ctx.db.read() as s:
        return list(s.scalars(select(ComplianceOverride.reason).where(ComplianceOverride.case_id == case_id)))


def test_the_approver_approves_in_writing_and_the_archivist_binds_a_truthful_volume(qtbot, demo_ctx, login_as,
                                                                                   boxes):
    case_id = _closed_with_a_gap(demo_ctx)
    seen = {}

    def archivist_first(dialog):
        seen["before"] = dialog.findings.text()
        seen["can_bind"] = dialog.build_button.isEnabled()
        seen["asks"] = dialog.approve_button.isVisible()
    _open_from_the_archive(qtbot, demo_ctx, login_as("archivist"), case_id, archivist_first)
    assert "行政处罚事先告知书" in seen["before"] and "须由负责人" in seen["before"]
    assert "seed" not in seen["before"] and "《中华人民共和国行政处罚法》" in seen["before"]
    assert not seen["can_bind"] and not seen["asks"]

    def approver(dialog):
        assert not dialog.binding.isVisible()                       # the approver approves, does not bind
        qtbot.mouseClick(dialog.approve_button, Qt.LeftButton)      # no reason written yet
        seen["empty"] = list(boxes["warning"])
        dialog.override_reason.setFocus()
        type_text(qtbot, dialog.override_reason, "告知书已口头送达并有录像，补正说明附卷")
        qtbot.mouseClick(dialog.approve_button, Qt.LeftButton)
        seen["after"] = dialog.findings.text()
        dialog.accept()
    page = _open_from_the_archive(qtbot, demo_ctx, login_as("approver"), case_id, approver)
    assert page.queue.bind_button.text() == "立卷审查…"
    assert seen["empty"] and "书面理由" in seen["empty"][0] and "不能为空" in seen["empty"][0]
    assert _overrides(demo_ctx, case_id) == ["告知书已口头送达并有录像，补正说明附卷"]
    assert "周杰" in seen["after"] and "告知书已口头送达" in seen["after"]

    def archivist_binds(dialog):
        assert dialog.build_button.isEnabled()
        qtbot.mouseClick(dialog.build_button, Qt.LeftButton)
        seen["summary"] = dialog.summary.text()
        dialog.accept()
    _open_from_the_archive(qtbot, demo_ctx, login_as("archivist"), case_id, archivist_binds)
    assert "归档号" in seen["summary"]
    assert "1 项阻断性问题" in boxes["question"][-1]
    remarks = squash(pdftotext(archiving.render_paper(demo_ctx, case_id, "remarks").pdf))
    assert "齐全" not in remarks
    assert all(x in remarks for x in ("行政处罚事先告知书", "周杰", "告知书已口头送达并有录像", "立卷时"))


def test_a_clean_volume_is_bound_as_complete(qtbot, demo_ctx, login_as, boxes):
    with demo_ctx.db.read() as s:
        case_id = s.scalar(select(Case.id).where(Case.number == "灵行审许〔2026〕6号"))
    seen = {}

    def bind(dialog):
        seen["check"] = dialog.findings.text()
        dialog.checker.setFocus()
        type_text(qtbot, dialog.checker, "李明")
        qtbot.mouseClick(dialog.build_button, Qt.LeftButton)
        dialog.accept()
    _open_from_the_archive(qtbot, demo_ctx, login_as("archivist"), case_id, bind)
    assert "未发现阻断性问题" in seen["check"] and not boxes["warning"]
    remarks = squash(pdftotext(archiving.render_paper(demo_ctx, case_id, "remarks").pdf))
    assert "本卷文件齐全" in remarks and "李明" in remarks
