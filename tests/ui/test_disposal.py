"""Disposal as people see it (issue 14): a disposed recording shows as 已销毁 with its register entry
in 回放检查 and is never offered for playback; one whose bytes case evidence still uses says the
content is kept and why; the approver disposes from the archive page, is told what became of each,
and prints the 销毁清册 from there."""
import json
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QMessageBox
from sqlalchemy import func, select

import tests.support.case_builder as cb
from jlclient.domain.model import Procedure, Stage
from jlclient.services import retention, setup
from jlclient.store.audit import utcnow
from jlclient.store.models import AuditEntry, AvRecord, Case
from jlclient.ui.archive_page import ArchivePage
from jlclient.ui.footage_player import FootagePlayerDialog
from jlclient.ui.print_preview import PdfPreview
from jlclient.ui.reason_dialog import ReasonDialog
from jlclient.ui.review_page import ReviewPage
from tests.support.dialogs import answer_dialog
from tests.support.keys import Keys
from tests.support.pdf import fonts, pdftotext

RULE = "《昌黎县大蒲河镇行政执法全过程记录实施办法》第十二条"


@pytest.fixture
def expired(demo_ctx):
    """seed 003's profile (routine footage 6 months): two expired recordings of 李娜's, the second
    with the same bytes as evidence of a case."""
    setup.set_profile(demo_ctx, "cli:test", "changli-dapuhe")
    old = utcnow() - timedelta(days=250)
    alone = cb.add_av(demo_ctx, None, None, officer="李娜", camera="DSJ0007", start=old)
    shared = cb.add_av(demo_ctx, None, None, officer="李娜", camera="DSJ0007", start=old + timedelta(hours=1))
    with demo_ctx.db.read() as s:
        digest = s.get(AvRecord, shared).file_hash
    with demo_ctx.evidence.open(digest) as f:
        content = f.read()
    case_id = cb.open_case(demo_ctx, Procedure.PENALTY)
    evidence = cb.add_av(demo_ctx, case_id, Stage.INVESTIGATION, content=content)
    with demo_ctx.db.read() as s:
        names = {i: s.get(AvRecord, i).file_name for i in (alone, shared, evidence)}
        number = s.get(Case, case_id).number
    return {"alone": alone, "shared": shared, "evidence": evidence, "names": names, "number": number}


def _click_row(qtbot, table, row: int, modifier=Qt.NoModifier) -> None:
    item = table.item(row, 0)
    table.scrollToItem(item)
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, modifier, table.visualItemRect(item).center())


def _plays(ctx, av_id: int) -> int:
    with ctx.db.read() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry)
                        .where(AuditEntry.action == "av.play", AuditEntry.entity_id == str(av_id)))


def test_a_disposed_recording_shows_as_disposed_and_is_never_offered_for_playback(qtbot, demo_ctx, login_as,
                                                                                  expired, monkeypatch):
    result = retention.dispose(demo_ctx, login_as("approver"), [expired["alone"], expired["shared"]])
    assert set(result.disposed) == {expired["alone"], expired["shared"]}
    page = ReviewPage(demo_ctx, login_as("reviewer"))
    qtbot.addWidget(page)
    page.resize(1400, 700)
    page.show()
    tab = page.recordings
    keys = Keys(qtbot)
    keys.type(tab.filter, "DSJ0007")                          # the camera's two recordings
    assert {r.av_id for r in tab.rows} == {expired["alone"], expired["shared"]}

    opened = []          # a player, or the refusal a player would meet: neither may come
    monkeypatch.setattr(FootagePlayerDialog, "exec", lambda self: opened.append(self))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: opened.append(a[2]))
    for row, r in enumerate(tab.rows):
        _click_row(qtbot, tab.table, row)
        shown = tab.table.item(row, 6).text()
        assert shown.startswith("已销毁：") and "周杰批准" in shown and RULE in shown, shown
        assert "可查看" not in shown and "seed" not in shown
        assert not tab.play_button.isEnabled() and "已按保存期限销毁" in tab.play_button.toolTip()
        assert not tab.request_button.isEnabled()               # no request can bring it back
        keys.press("Return", widget=tab.table)
        qtbot.mouseDClick(tab.table.viewport(), Qt.LeftButton, Qt.NoModifier,
                          tab.table.visualItemRect(tab.table.item(row, 0)).center())
        if r.av_id == expired["shared"]:                        # its bytes stay, for the case's evidence
            assert f"文件内容保留：内容同时为案件{expired['number']}的音像证据“{expired['names'][expired['evidence']]}”所用" \
                in shown
        else:
            assert "文件内容保留" not in shown
    QApplication.processEvents()
    assert opened == [] and _plays(demo_ctx, expired["alone"]) == _plays(demo_ctx, expired["shared"]) == 0


def test_the_approver_disposes_is_told_what_became_of_each_and_prints_the_register(qtbot, demo_ctx, login_as,
                                                                                   expired, monkeypatch, tmp_path):
    archive = ArchivePage(demo_ctx, login_as("approver"))
    qtbot.addWidget(archive)
    archive.resize(1400, 800)
    archive.show()
    qtbot.mouseClick(archive.tabs.tabBar(), Qt.LeftButton, Qt.NoModifier,
                     archive.tabs.tabBar().tabRect(archive.tabs.indexOf(archive.retention)).center())
    tab = archive.retention
    assert archive.tabs.currentWidget() is tab
    assert not tab.print_register_button.isEnabled()         # nothing disposed of yet
    rows = {r.av_id: i for i, r in enumerate(tab.rows)}
    assert {expired["alone"], expired["shared"]} <= set(rows)
    _click_row(qtbot, tab.table, rows[expired["alone"]])
    _click_row(qtbot, tab.table, rows[expired["shared"]], Qt.ControlModifier)
    told = []
    keys = Keys(qtbot)

    def approve(dialog):     # the approval carries the approver's opinion (issue 14)
        told.append(dialog.findChild(QLabel, "reasonPrompt").text())
        keys.type(dialog.text, "同意按期销毁")
        keys.click(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok))
    answer_dialog(ReasonDialog, approve)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: told.append(a[2]) or QMessageBox.Ok)
    qtbot.mouseClick(tab.dispose_button, Qt.LeftButton)
    assert "不可恢复" in told[0]
    with demo_ctx.db.read() as s:
        opinions = [json.loads(e.detail)["opinion"] for e in
                    s.scalars(select(AuditEntry).where(AuditEntry.action == "retention.dispose"))]
    assert opinions == ["同意按期销毁"] * 2
    assert "已销毁 2 个，文件内容已删除 1 个" in told[1]
    evidence = expired["names"][expired["evidence"]]
    assert f"{expired['names'][expired['shared']].rsplit('/', 1)[-1]}：内容同时为案件{expired['number']}的音像证据“{evidence}”所用，予以保留" \
        in told[1]

    contents = {tab.register.item(i, 1).text(): tab.register.item(i, 7).text() for i in range(tab.register.rowCount())}
    assert contents[expired["names"][expired["alone"]]] == "文件内容已销毁"
    assert contents[expired["names"][expired["shared"]]].startswith("文件内容保留：内容同时为案件")
    assert tab.print_register_button.isEnabled()

    printed = []
    answer_dialog(PdfPreview, lambda preview: printed.append(preview.pdf))
    qtbot.mouseClick(tab.print_register_button, Qt.LeftButton)
    [pdf] = printed
    flat = "".join(pdftotext(pdf).split())
    for words in ("音像记录销毁清册", expired["names"][expired["alone"]], "李娜", "周杰", RULE, "文件内容已销毁",
                  "文件内容保留", "合计：2个音像记录", "因其他记录仍在使用而保留文件内容1个", "批准人（负责人）签名",
                  "销毁执行人签名"):
        assert "".join(words.split()) in flat, words
    assert all(row.split()[-5] == "yes" for row in fonts(pdf, tmp_path))
