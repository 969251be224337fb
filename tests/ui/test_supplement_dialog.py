"""补正材料接收 by keys: the materials asked for come in, the receipt gets a new revision and the
受理通知书 is made from the case in one confirmation; what is stored and printed is checked."""
import pytest
from PySide6.QtWidgets import QDialog

from jlclient.clock import today
from jlclient.domain.matters import MaterialCheck
from jlclient.services import auth, intake, printing, records
from jlclient.services.deadlines import case_deadlines
from jlclient.services.matters import find_matter
from jlclient.services.parties import ORGANISATION, PartyInput
from jlclient.services.setup import DEMO_PASSWORD
from jlclient.ui.cases_page import CasesPage
from jlclient.ui.supplement_dialog import SupplementDialog
from tests.support.dialogs import answer_dialog
from tests.support.keys import Keys
from tests.support.pdf import pdftotext, squash

SUPPLEMENT_KEY_GOAL = 10
FOOD = find_matter("food_business")
REQUIRED = [m for m in FOOD.materials if m.required]


@pytest.fixture
def waiting(demo_ctx):
    """An application taken in with two of five materials; the correction notice was handed out."""
    clerk = auth.login(demo_ctx, "clerk", DEMO_PASSWORD)
    app = intake.Application(PartyInput(ORGANISATION, "灵寿县好味道餐饮有限公司", "91110000600037341L"), "food_business",
                             tuple(MaterialCheck(m.name, True) for m in REQUIRED[:2]), "王经理", "13900001111")
    return intake.receive(demo_ctx, clerk, app, intake.Correction("0311-82512345", "王经理"))


def _open(qtbot, ctx, user, case_id):
    d = SupplementDialog(ctx, user, case_id)
    qtbot.addWidget(d)
    d.show()
    d.activateWindow()
    qtbot.waitUntil(d.isActiveWindow)
    return d


def _latest(ctx, case_id, form):
    record = next(r for r in reversed(records.records_of(ctx, case_id)) if r.form == form)
    return record, records.latest_values(ctx, record.id)


def test_correction_to_acceptance_by_keys(qtbot, demo_ctx, login_as, waiting):
    keys = Keys(qtbot)
    d = _open(qtbot, demo_ctx, login_as("clerk"), waiting.case_id)
    assert d.focusWidget() is d.materials and d.wait_option.isChecked()
    keys.press("Space")                   # the first material asked for …
    assert d.wait_option.isChecked()      # … is not all of them
    keys.press("Down", "Ctrl+K")          # the second came as a copy where an original was asked for
    keys.press("Ctrl+A")                  # and everything else
    assert d.accept_option.isChecked()    # all in hand: acceptance suggested
    keys.press("Enter")
    assert d.outcome is not None and "已受理" in d.done_text.text()
    keys.press("Enter")
    assert d.result() == QDialog.Accepted
    keys.report("correction → acceptance")
    assert keys.strokes <= SUPPLEMENT_KEY_GOAL and keys.clicks == 0

    record, receipt = _latest(demo_ctx, waiting.case_id, "materials_receipt")
    assert len(records.history(demo_ctx, record.id)) == 2
    supplied = receipt["supplemented_materials"]
    assert [m["name"] for m in supplied] == [m.name for m in REQUIRED[2:]]
    # 身份证明 a copy as the catalogue asks; the layout plans marked a copy by the clerk
    assert [m["kind"] for m in supplied] == ["copy", "copy", "original"]
    _, notice = _latest(demo_ctx, waiting.case_id, "acceptance_notice")
    due = next(v.due for v in case_deadlines(demo_ctx, waiting.case_id) if v.rule_code == "permit_decision")
    assert notice["decision_due"] == receipt["promised_on"] == due.isoformat()
    assert notice["accepted_on"] == today().isoformat() and notice["doc_number"] == d.outcome.document
    text = squash(pdftotext(printing.render_record(demo_ctx, _latest(demo_ctx, waiting.case_id,
                                                                      "acceptance_notice")[0].id).pdf))
    t = today()
    assert d.outcome.document in text and "灵寿县好味道餐饮有限公司" in text and "食品经营许可" in text
    assert f"{t.year}年{t.month}月{t.day}日" in text and f"{due.year}年{due.month}月{due.day}日" in text
    assert "第三十二条" in text and "食品安全法" in text
    receipt_text = squash(pdftotext(printing.render_record(demo_ctx, record.id).pdf))
    assert "补正收到的材料" in receipt_text and waiting.document in receipt_text


def test_a_refusal_after_correction_is_prefilled_with_what_is_missing(qtbot, demo_ctx, login_as, waiting):
    keys = Keys(qtbot)
    d = _open(qtbot, demo_ctx, login_as("clerk"), waiting.case_id)
    keys.press("Space")                   # one of three came
    keys.press("Tab")                     # to the choices (受理 first)
    keys.press("Down", "Down")            # past 仅接收 to 不予受理
    assert d.refuse_option.isChecked() and REQUIRED[3].name in d.reasons.toPlainText()
    keys.press("Enter")
    assert "不予受理" in d.done_text.text()
    _, notice = _latest(demo_ctx, waiting.case_id, "refusal_notice")
    assert waiting.document in notice["reasons"] and notice["court"] == "灵寿县人民法院"


def test_the_case_view_offers_supplement_for_a_case_awaiting_correction(qtbot, demo_ctx, login_as, waiting):
    page = CasesPage(demo_ctx, login_as("clerk"))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.current_case_id() is not None)
    page._select_new(waiting.case_id)
    assert page.supplement_button.isEnabled()
    seen = []
    answer_dialog(SupplementDialog, lambda dlg: seen.append(dlg.view.case_number))
    Keys(qtbot).click(page.supplement_button)
    assert seen == [waiting.number]
