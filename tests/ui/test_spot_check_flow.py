"""A whole spot check as the legal reviewer drives it (offscreen, real libvlc through vmem): draw a
plan, open the sampled recording, watch it, mark a moment, take a snapshot, judge the checklist with
an issue at its time, save, and export the ledger that shows it."""
from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import select

import tests.support.case_builder as cb
from jlclient.clock import today
from jlclient.domain.spot_check import CheckItem
from jlclient.services import av_access
from jlclient.store.audit import utcnow
from jlclient.store.models import AuditEntry, ElectronicRecord
from jlclient.ui.footage_player import SpotCheckDialog
from jlclient.ui.print_preview import PdfPreview
from jlclient.ui.review_page import ReviewPage
from jlclient.ui.spot_check_tab import PlanDialog
from tests.support.clips import write_clip
from tests.support.dialogs import answer_dialog
from tests.support.keys import Keys, type_text
from tests.support.pdf import pdftotext, squash


def test_plan_sample_play_mark_record_and_ledger(qtbot, demo_ctx, login_as, tmp_path):
    clip = write_clip(tmp_path / "clip.mp4", seconds=6)
    av_id = cb.add_av(demo_ctx, None, None, officer="王强", camera="DSJ0002", seconds=6, content=clip.read_bytes(),
                      start=utcnow().replace(microsecond=0) - timedelta(hours=1))
    reviewer = login_as("reviewer")
    page = ReviewPage(demo_ctx, reviewer)
    qtbot.addWidget(page)
    page.show()
    tab = page.spot_checks
    page.tabs.setCurrentWidget(tab)

    def draw(dialog):
        keys = Keys(qtbot)
        keys.replace(dialog.period_from, f"{today() - timedelta(days=2)}")
        keys.replace(dialog.period_to, f"{today() + timedelta(days=1):%Y/%m/%d}")
        qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok), Qt.LeftButton)
    answer_dialog(PlanDialog, draw)
    qtbot.mouseClick(tab.new_button, Qt.LeftButton)
    assert tab.sample_table.rowCount() == 1
    tab.sample_table.selectRow(0)
    assert tab.check_button.isEnabled()

    done = {}

    def check(dialog: SpotCheckDialog):
        player = dialog.player
        qtbot.waitUntil(lambda: player.last_frame is not None, timeout=10000)   # the first picture shows
        player.seek(3000)
        qtbot.waitUntil(lambda: player.player.position_ms() >= 2900, timeout=5000)
        # a marker at the current time, typed into the player's marker line
        dialog.activateWindow()
        player.setFocus()
        qtbot.waitUntil(player.hasFocus, timeout=3000)
        qtbot.keyClick(player, Qt.Key_M)
        type_text(qtbot, player.marker_note, "当事人情绪激动")
        qtbot.keyClick(player.marker_note, Qt.Key_Return)
        qtbot.waitUntil(lambda: player.marker_list.count() == 1, timeout=3000)
        player.setFocus()                       # the marker line had the focus; the shortcut is the player's
        qtbot.waitUntil(player.hasFocus, timeout=3000)
        qtbot.keyClick(player, Qt.Key_S)                                    # a snapshot of the frame
        qtbot.waitUntil(lambda: "截图已保存" in dialog.status.text(), timeout=5000)
        panel = dialog.checklist
        for item in dialog.plan.checklist:
            qtbot.mouseClick(panel.groups[item].button(1), Qt.LeftButton)
        panel.issue_item.setCurrentIndex(list(dialog.plan.checklist).index(CheckItem.ID_SHOWN))
        type_text(qtbot, panel.issue_note, "未出示执法证")
        qtbot.mouseClick(panel.add_issue_button, Qt.LeftButton)
        assert not panel.groups[CheckItem.ID_SHOWN].button(1).isChecked()   # the issue fails its item
        assert panel.verdict.text() == "结论：不合格"
        done["issue_at"] = panel.issues()[0].at_ms
        qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    answer_dialog(SpotCheckDialog, check)
    qtbot.mouseClick(tab.check_button, Qt.LeftButton)

    assert 2900 <= done["issue_at"] <= 3500
    assert tab.sample_table.item(0, 5).text() == "不合格"
    markers = av_access.markers(demo_ctx, [av_id])
    assert [(m[0], m[2]) for m in markers] == [(av_id, "当事人情绪激动")] and 2900 <= markers[0][1] <= 3500
    with demo_ctx.db.read() as s:
        snapshot = s.scalar(select(ElectronicRecord).where(ElectronicRecord.kind == av_access.SNAPSHOT))
        played = s.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == str(av_id),
                                                           AuditEntry.entity_type == "av_record")).all()
    with demo_ctx.evidence.open(snapshot.file_hash) as f:
        assert f.read(4) == b"\x89PNG"
    assert "av.play" in played

    text = []
    answer_dialog(PdfPreview, lambda preview: text.append(preview.pdf))
    qtbot.mouseClick(tab.ledger_button, Qt.LeftButton)
    ledger = squash(pdftotext(text[0]))
    assert "王强" in ledger and "不合格" in ledger and "赵敏" in ledger
    assert "00:00:03出示执法证件：未出示执法证" in ledger or "00:00:02出示执法证件：未出示执法证" in ledger
