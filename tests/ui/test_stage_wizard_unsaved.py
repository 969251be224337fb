"""The stage wizard keeps what was typed (issue 13): closing a changed page asks 保存草稿/放弃/取消,
changed pages are buffered and restored after a crash, a finished record is corrected with a
reason the history shows in words, and a field fixed loses its red mark. Driven by keys."""
from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox
from sqlalchemy import select

from jlclient.domain.model import Procedure, Stage
from jlclient.services import records
from jlclient.store.models import FormDraft
from jlclient.ui import stage_wizard
from jlclient.ui.stage_wizard import HistoryDialog, StageWizard
from tests.support import case_builder as cb
from tests.support.dialogs import answer_dialog
from tests.support.keys import Keys
from tests.support.wizards import open_wizard


@pytest.fixture
def keys(qtbot):
    return Keys(qtbot)


@pytest.fixture
def investigation(demo_ctx):
    """A penalty case just entered its investigation: no inquiry record yet."""
    case_id = cb.build_case(demo_ctx, Procedure.PENALTY, until=Stage.INITIATION)
    cb.advance(demo_ctx, case_id)
    return case_id


def _back(qtbot, wizard) -> None:
    """A question closed: the window manager gives the wizard the focus back (offscreen does not)."""
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)


def _to_inquiry(keys, wizard) -> None:
    keys.focus(wizard.nav)
    for _ in range(wizard.nav.count()):
        if wizard.page().spec.code == "inquiry_record":
            return
        keys.press("Down")
    raise AssertionError("no 询问笔录 page")


def _inquiry_record(ctx, case_id):
    return next((r for r in records.records_of(ctx, case_id) if r.form == "inquiry_record"), None)


def _buffers(ctx) -> list[tuple[str, str, str]]:
    """(username, form, content) of each unsaved-page buffer."""
    with ctx.db.read() as s:
        return [(d.username, d.form, d.content) for d in s.scalars(select(FormDraft))]


def _answer_unsaved(*key_names):
    """Answer the 未保存的修改 question with keys (Enter: its default; Escape: 取消; Tab moves)."""
    def act(box):
        assert [b.text() for b in box.buttons()][:3] and box.defaultButton().text() == "保存草稿"
        assert box.escapeButton().text() == "取消"
        keys = Keys(None)
        for name in key_names:
            keys.press(name, widget=QApplication.focusWidget() or box)
    answer_dialog(QMessageBox, act)


def test_escape_on_a_changed_page_asks_and_enter_saves_a_draft(qtbot, demo_ctx, login_as, investigation, keys):
    wizard = open_wizard(qtbot, demo_ctx, login_as("officer"), investigation)
    _to_inquiry(keys, wizard)
    keys.type(wizard.page().editors["place"].widget, "灵寿县行政审批局询问室")
    _answer_unsaved("Enter")                       # the default: 保存草稿
    keys.press("Escape", widget=wizard)
    assert not wizard.isVisible()
    record = _inquiry_record(demo_ctx, investigation)
    assert record is not None and not record.final
    assert records.latest_values(demo_ctx, record.id)["place"] == "灵寿县行政审批局询问室"
    assert _buffers(demo_ctx) == []


def test_close_then_discard_keeps_nothing(qtbot, demo_ctx, login_as, investigation, keys):
    wizard = open_wizard(qtbot, demo_ctx, login_as("officer"), investigation, autosave_ms=20)
    _to_inquiry(keys, wizard)
    keys.type(wizard.page().editors["place"].widget, "询问室")
    qtbot.waitUntil(lambda: len(_buffers(demo_ctx)) == 1)     # buffered meanwhile

    def discard(box):
        [button] = [b for b in box.buttons() if b.text() == "放弃"]
        Keys(None).click(button)
    answer_dialog(QMessageBox, discard)
    keys.click(wizard.buttons["close"])
    assert not wizard.isVisible()
    assert _inquiry_record(demo_ctx, investigation) is None and _buffers(demo_ctx) == []


def test_cancel_and_the_window_close_button_keep_the_wizardopen_wizard(qtbot, demo_ctx, login_as, investigation, keys):
    wizard = open_wizard(qtbot, demo_ctx, login_as("officer"), investigation)
    _to_inquiry(keys, wizard)
    place = wizard.page().editors["place"].widget
    keys.type(place, "询问室")
    _answer_unsaved("Escape")                      # 取消
    keys.click(wizard.buttons["close"])
    assert wizard.isVisible() and place.text() == "询问室"
    _answer_unsaved("Escape")
    wizard.close()                                 # the title bar's close button
    assert wizard.isVisible() and _inquiry_record(demo_ctx, investigation) is None
    _back(qtbot, wizard)
    keys.press("Ctrl+S", widget=wizard)            # saved: closing no longer asks
    assert "已保存第 1 版（草稿）" in wizard.status.text(), wizard.status.text()
    keys.press("Escape", widget=wizard)
    assert not wizard.isVisible()


def test_an_unchanged_wizard_closes_without_asking(qtbot, demo_ctx, login_as, investigation, keys, monkeypatch):
    monkeypatch.setattr(QMessageBox, "exec", lambda *a: pytest.fail("asked although nothing changed"))
    wizard = open_wizard(qtbot, demo_ctx, login_as("officer"), investigation)
    _to_inquiry(keys, wizard)
    keys.press("Escape", widget=wizard)
    assert not wizard.isVisible()


def test_after_a_crash_the_next_wizard_restores_the_buffered_page(qtbot, demo_ctx, login_as, investigation, keys):
    officer = login_as("officer")
    crashed = open_wizard(qtbot, demo_ctx, officer, investigation, autosave_ms=20)
    _to_inquiry(keys, crashed)
    keys.type(crashed.page().editors["place"].widget, "灵寿县慈峪镇顺发超市")
    keys.type(crashed.page().editors["content"].widget, "问：你单位何时开始销售散装熟食？")
    qtbot.waitUntil(lambda: bool(_buffers(demo_ctx)) and "散装熟食" in _buffers(demo_ctx)[0][2])
    crashed.autosave.stop()
    crashed.hide()                                 # the program died here: nothing was saved
    assert _inquiry_record(demo_ctx, investigation) is None

    wizard = open_wizard(qtbot, demo_ctx, officer, investigation)
    assert wizard.page().spec.code == "inquiry_record"          # opens on the restored page
    assert wizard.page().editors["place"].widget.text() == "灵寿县慈峪镇顺发超市"
    assert re.search(r"已恢复上次未保存的内容（保存于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}）：询问笔录", wizard.status.text())
    other = open_wizard(qtbot, demo_ctx, login_as("officer2"), investigation)   # another user's wizard: not theirs
    assert other.page().spec.code != "inquiry_record" or not other.page().editors["place"].widget.text()
    other.hide()
    _back(qtbot, wizard)
    keys.press("Ctrl+S", widget=wizard)
    assert _buffers(demo_ctx) == []                # saved as a revision: the buffer goes
    record = _inquiry_record(demo_ctx, investigation)
    assert records.latest_values(demo_ctx, record.id)["content"] == "问：你单位何时开始销售散装熟食？"


def test_autosave_on_lock_buffers_every_open_wizards_changed_pages(qtbot, demo_ctx, login_as, investigation, keys):
    wizard = open_wizard(qtbot, demo_ctx, login_as("officer"), investigation)    # the 30 s timer does not tick here
    _to_inquiry(keys, wizard)
    assert stage_wizard.autosave_open_wizards() == 0
    keys.type(wizard.page().editors["place"].widget, "询问室")
    assert stage_wizard.autosave_open_wizards() == 1
    assert stage_wizard.autosave_open_wizards() == 0            # unchanged since: not written again
    [(username, form, content)] = _buffers(demo_ctx)
    assert (username, form) == ("officer", "inquiry_record") and "询问室" in content
    keys.press("Ctrl+S", widget=wizard)


def test_correcting_a_finished_record_asks_the_reason_and_the_history_shows_it_in_words(
        qtbot, demo_ctx, login_as, keys):
    case_id = cb.build_case(demo_ctx, Procedure.PENALTY, until=Stage.INVESTIGATION)
    wizard = open_wizard(qtbot, demo_ctx, login_as("officer2"), case_id)
    _to_inquiry(keys, wizard)
    keys.replace(wizard.page().editors["place"].widget, "灵寿县行政审批局二楼询问室")

    def no_reason(dialog):
        Keys(None).press("Escape", widget=dialog)
    answer_dialog(QInputDialog, no_reason)
    keys.press("Ctrl+Return", widget=wizard)
    assert "更正原因" in wizard.status.text()
    assert len(records.history(demo_ctx, _inquiry_record(demo_ctx, case_id).id)) == 1
    _back(qtbot, wizard)

    def reason(dialog):
        k = Keys(None)
        k.type_here("询问地点记录有误")
        k.press("Enter")
    answer_dialog(QInputDialog, reason)
    keys.press("Ctrl+Return", widget=wizard)
    record = _inquiry_record(demo_ctx, case_id)
    [_, second] = records.history(demo_ctx, record.id)
    assert second.note == "询问地点记录有误" and second.final

    seen = {}

    def read(dialog):
        table = dialog.table
        rows = {table.verticalHeaderItem(r).text(): r for r in range(table.rowCount())}
        seen["reason"] = [table.item(rows["更正原因"], c).text() for c in range(table.columnCount())]
        seen["text"] = [table.item(r, c).text() for r in range(table.rowCount()) for c in range(table.columnCount())]
        seen["headers"] = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
        seen["role"] = table.item(rows["与案件关系"], 0).text()
    answer_dialog(HistoryDialog, read)
    keys.click(wizard.buttons["history"])
    assert seen["reason"] == ["", "询问地点记录有误"]
    assert seen["role"] == "当事人的法定代表人或负责人"
    assert "李娜" in seen["headers"][0] and "王强" in seen["headers"][1]
    shown = "\n".join(seen["text"] + seen["headers"])
    for raw in ("user:", "legal_representative", "True", "False", "T14:", "cli:"):
        assert raw not in shown
    assert "否" in seen["text"]                    # recusal_requested False, in words


def test_a_fixed_field_loses_its_red_mark_at_once(qtbot, demo_ctx, login_as, investigation, keys):
    wizard = open_wizard(qtbot, demo_ctx, login_as("officer"), investigation)
    _to_inquiry(keys, wizard)
    page = wizard.page()
    keys.press("Ctrl+Return", widget=wizard)
    place = page.editors["place"].widget
    assert "询问地点" in page.problem_label.text() and place.styleSheet()
    keys.type(place, "询问室")
    assert "询问地点" not in page.problem_label.text() and not place.styleSheet()
    assert "询问内容" in page.problem_label.text() and page.editors["content"].widget.styleSheet()
    keys.press("Ctrl+S", widget=wizard)


def test_a_close_nobody_answers_saves_a_draft_by_itself(qtbot, demo_ctx, login_as, investigation, keys,
                                                        monkeypatch):
    """Log-out, quitting or a test's teardown close the wizard with nobody at the keyboard: the
    question counts down and saves the changed page as a draft; nothing waits for ever."""
    monkeypatch.setattr(StageWizard, "UNATTENDED_ANSWER_S", 1)
    wizard = StageWizard(demo_ctx, login_as("officer"), investigation)
    qtbot.addWidget(wizard)                      # qtbot closes it at teardown, as the program would
    wizard.show()
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)
    _to_inquiry(keys, wizard)
    keys.type(wizard.page().editors["place"].widget, "灵寿县城关镇")
    asked = []

    def look():                                  # read the question, answer nothing
        box = next((w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()), None)
        if box is None:
            QTimer.singleShot(50, look)
        else:
            asked.append(box.text())
    QTimer.singleShot(50, look)
    wizard.close()
    assert not wizard.isVisible()
    assert asked and "秒后自动保存为草稿" in asked[0]
    record = _inquiry_record(demo_ctx, investigation)
    assert record is not None and not record.final
    assert records.latest_values(demo_ctx, record.id)["place"] == "灵寿县城关镇"
