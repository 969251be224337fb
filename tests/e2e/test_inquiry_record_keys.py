"""An inquiry record with a refusal to sign, typed by an officer with the keyboard only (issue 13):
the 询问笔录 page reached by keys in the stage wizard, every field typed, 拒绝签名 ticked, two
officers sign in the interviewee's place, Ctrl+Enter finishes it. What is stored is checked, then
the record is printed and read back with poppler: the interviewee's line on every page, and
笔录页数 the pages the PDF has."""
from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtWidgets import QApplication

from jlclient.clock import local
from jlclient.domain.model import Procedure, Stage
from jlclient.services import printing, records
from jlclient.store.audit import utcnow
from jlclient.ui.stage_wizard import StageWizard
from tests.support import case_builder as cb
from tests.support.keys import Keys
from tests.support.pdf import page_count, pdftotext, squash

STATEMENT = "以上笔录我已看过（或已向我宣读过），与我所说的一致。"
QA = [(f"问：第{i}次进货是从哪里进的散装熟食？", f"答：从灵寿县城关镇一家熟食加工点进的，第{i}次进了二十斤。")
      for i in range(1, 31)]


@pytest.fixture
def wizard(qtbot, demo_ctx, login_as):
    case_id = cb.build_case(demo_ctx, Procedure.PENALTY, until=Stage.INITIATION)
    cb.advance(demo_ctx, case_id)
    wizard = StageWizard(demo_ctx, login_as("officer"), case_id)
    wizard.show()
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)
    yield wizard
    wizard.autosave.stop()   # not given to qtbot: closing a changed wizard would ask, modally
    wizard.hide()
    wizard.deleteLater()


def test_an_inquiry_record_with_a_refusal_to_sign_by_keys_then_printed(qtbot, demo_ctx, wizard):
    keys = Keys(qtbot)
    keys.focus(wizard.nav)                                        # 询问笔录 in the list of the stage's forms
    while wizard.page().spec.code != "inquiry_record":
        keys.press("Down")
    page = wizard.page()
    e = page.editors
    now = local(utcnow()).replace(second=0, microsecond=0)
    start, end = now - timedelta(minutes=70), now - timedelta(minutes=15)
    today = now.date().isoformat()

    keys.type(e["started_at"].widget, f"{start:%Y-%m-%d %H:%M}")
    keys.type(e["ended_at"].widget, f"{end:%Y-%m-%d %H:%M}")
    keys.type(e["place"].widget, "灵寿县行政审批局询问室")
    keys.type(e["recorder"].widget, "王强")                       # the case's two officers come ticked
    keys.type(e["interviewee_name"].widget, "王经理")
    keys.focus(e["interviewee_sex"].widget)
    keys.press("Down")                                            # 男
    keys.type(e["interviewee_id"].widget, "130126198503171237")
    keys.type(e["interviewee_phone"].widget, "139 1234 5678")
    keys.type(e["interviewee_unit"].widget, "灵寿县味美餐饮有限公司经理")
    keys.type(e["interviewee_address"].widget, "灵寿县城关镇建设路12号")
    keys.focus(e["interviewee_role"].widget)
    keys.press("Down", times=2)                                   # 当事人的法定代表人或负责人
    for flag in ("credentials_shown", "av_notified"):
        keys.focus(e[flag].widget)
        keys.press("Space")
    content = e["content"].widget
    keys.focus(content)
    for question, answer in QA:
        keys.type_here(question)
        keys.press("Enter")
        keys.type_here(answer)
        keys.press("Enter")
    assert not e["pages"].widget.isEnabled() or e["pages"].value() is None   # counted when printed, not typed

    party = e["interviewee_signature"].parts
    keys.focus(party["refused"].widget)
    keys.press("Space")                                           # 拒绝签名
    keys.type(party["note"].widget, "被询问人看过笔录后拒绝签名")
    keys.type(party["date"].widget, today)
    signers = e["officers_signature"].parts
    keys.focus(signers["signers"].widget)
    keys.press("Down")
    keys.press("Space")
    keys.press("Down")
    keys.press("Space")
    keys.type(signers["date"].widget, today)
    keys.press("Ctrl+Return")
    assert "已完成" in wizard.nav.currentItem().text(), page.problem_label.text()

    [record] = [r for r in records.records_of(demo_ctx, wizard.case_id) if r.form == "inquiry_record"]
    stored = records.latest_values(demo_ctx, record.id)
    assert record.final and "pages" not in stored
    assert stored["started_at"] == f"{start:%Y-%m-%dT%H:%M}" and stored["ended_at"] == f"{end:%Y-%m-%dT%H:%M}"
    assert stored["interviewee_role"] == "legal_representative" and stored["interviewee_sex"] == "男"
    assert stored["credentials_shown"] is True and stored["recusal_requested"] is False
    assert stored["interviewee_phone"].replace(" ", "") == "13912345678"
    assert stored["interviewee_signature"] == {"refused": True, "note": "被询问人看过笔录后拒绝签名", "date": today}
    assert [s["name"] for s in stored["officers_signature"]["signers"]] == ["李娜", "王强"]
    assert stored["content"].count("问：") == len(QA)

    keys.report("inquiry record")             # typed, refused signature, finished (printing not counted)
    pdf = printing.print_record(demo_ctx, wizard.user.actor, record.id).pdf
    pages = page_count(pdf)
    assert pages >= 2
    for n in range(1, pages + 1):
        text = squash(pdftotext(pdf, first=n))
        assert squash(STATEMENT) in text and "被询问人签名：（拒绝签名）" in text, n
    assert f"笔录页数{pages}" in squash(pdftotext(pdf))
    assert QApplication.activeModalWidget() is None
    assert keys.strokes < 3 * len(QA) + 20    # the keys beyond the content: Enter per line, a few per field
