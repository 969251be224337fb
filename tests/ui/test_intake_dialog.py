"""A window clerk takes in an application with the keyboard only; what is stored and what the
receipt prints are checked, and the keys beyond the typed content are counted."""
import pytest
from PySide6.QtWidgets import QDialog
from sqlalchemy import func, select

from jlclient.clock import today
from jlclient.services import printing, records
from jlclient.services.deadlines import case_deadlines
from jlclient.services.matters import find_matter
from jlclient.store.models import Case, ElectronicRecord, Party
from jlclient.ui.intake_dialog import DECISION, DONE, MATERIALS, IntakeDialog
from tests.support.keys import Keys
from tests.support.pdf import pdftotext, squash

COMPANY = "灵寿县好味道餐饮有限公司"
CREDIT_CODE = "91110000600037341L"
INTAKE_KEY_GOAL = 20


@pytest.fixture
def dialog(qtbot, demo_ctx, login_as):
    d = IntakeDialog(demo_ctx, login_as("clerk"))
    qtbot.addWidget(d)
    d.show()
    d.activateWindow()
    qtbot.waitUntil(d.isActiveWindow)
    return d


@pytest.fixture
def keys(qtbot):
    return Keys(qtbot)


def _cases(ctx) -> int:
    with ctx.db.read() as s:
        return s.scalar(select(func.count(Case.id)))


def _applicant(keys, number=CREDIT_CODE, name=COMPANY, phone="139 0000 1111"):
    keys.type_here(name)                 # the focus starts in 名称/姓名
    keys.press("Tab")
    keys.type_here(number)
    keys.press("Tab")
    keys.type_here("王经理")
    keys.press("Tab")
    keys.type_here(phone)
    keys.press("Enter")


def _receipt(ctx, case_id):
    record = next(r for r in records.records_of(ctx, case_id) if r.form == "materials_receipt")
    return record, records.latest_values(ctx, record.id)


def test_the_complete_intake_by_keys_is_stored_and_printed(dialog, keys, demo_ctx):
    before = _cases(demo_ctx)
    _applicant(keys)
    assert dialog.pages.currentIndex() == MATERIALS and dialog.focusWidget() is dialog.materials
    keys.press("Ctrl+A")                 # every required material received
    keys.press("Enter")
    assert dialog.pages.currentIndex() == DECISION and dialog.accept_option.isChecked()
    assert _cases(demo_ctx) == before    # nothing is registered before the last confirmation
    keys.press("Enter")
    assert dialog.pages.currentIndex() == DONE
    keys.press("Enter")                  # closes the last page
    assert dialog.result() == QDialog.Accepted
    keys.report("window intake")
    assert keys.strokes <= INTAKE_KEY_GOAL and keys.clicks == 0

    outcome = dialog.outcome
    assert _cases(demo_ctx) == before + 1
    with demo_ctx.db.read() as s:
        case = s.get(Case, outcome.case_id)
        assert (case.stage, case.party_name) == ("INVESTIGATION", COMPANY)
    record, receipt = _receipt(demo_ctx, outcome.case_id)
    assert (receipt["contact"], receipt["phone"]) == ("王经理", "13900001111")
    matter = find_matter("food_business")
    kinds = {m["name"]: m["kind"] for m in receipt["materials"]}
    assert kinds == {m.name: "original" if m.original else "copy" for m in matter.materials if m.required}
    due = next(d.due for d in case_deadlines(demo_ctx, outcome.case_id) if d.rule_code == "permit_decision")
    assert receipt["promised_on"] == due.isoformat()
    text = squash(pdftotext(printing.render_record(demo_ctx, record.id).pdf))
    assert outcome.receipt_number in text and "13900001111" in text and COMPANY in text
    assert "复印件加盖公章，验原件" in text and "身份证正反面复印件，验原件" in text
    assert f"{due.year}年{due.month}月{due.day}日" in text
    assert outcome.document in dialog.done_text.text() and outcome.number in dialog.done_text.text()


def test_a_wrong_number_stops_on_the_first_page(dialog, keys, demo_ctx):
    _applicant(keys, number="91110000600037341X")
    assert dialog.pages.currentIndex() == 0
    assert "校验位" in dialog.error.text() and "校验位" in dialog.number_check.text()
    assert dialog.focusWidget() is dialog.number


def test_an_empty_number_says_what_to_do(dialog, keys):
    _applicant(keys, number="")
    assert dialog.pages.currentIndex() == 0
    assert "请填写统一社会信用代码" in dialog.error.text() and "无证照" in dialog.error.text()
    assert "位数" not in dialog.error.text()


def test_a_phone_that_is_no_phone_is_refused_on_its_page(dialog, keys):
    _applicant(keys, phone="139")
    assert dialog.pages.currentIndex() == 0 and "电话" in dialog.error.text()
    assert dialog.focusWidget() is dialog.phone


def test_an_id_card_the_library_cannot_place_is_taken_with_a_warning(dialog, keys, demo_ctx):
    _applicant(keys, number="130126198503171237", name="赵敏")
    assert "校验位正确" in dialog.number_check.text()
    assert dialog.kind.currentData() == "PERSON"       # told by the number itself
    assert dialog.pages.currentIndex() == MATERIALS
    keys.press("Ctrl+A", "Enter", "Enter")
    with demo_ctx.db.read() as s:
        assert s.scalar(select(Party.name).where(Party.id_number == "130126198503171237")) == "赵敏"


def test_an_unlicensed_applicant_gives_the_reason(dialog, keys, demo_ctx):
    keys.type_here("老王烧饼铺")
    keys.press("Tab", "Tab")
    keys.type_here("王老五")
    keys.press("Tab")
    keys.type_here("13900001111")
    keys.press("Tab", "Tab", "Tab")      # 地址, 类型, 无证照
    assert dialog.focusWidget() is dialog.no_id
    keys.press("Space")
    assert dialog.focusWidget() is dialog.no_id_reason
    keys.press("Enter")
    assert dialog.pages.currentIndex() == 0 and "原因" in dialog.error.text()
    keys.type_here("个体经营者尚未办理营业执照")
    keys.press("Enter")
    assert dialog.pages.currentIndex() == MATERIALS
    keys.press("Ctrl+A", "Enter", "Enter")
    with demo_ctx.db.read() as s:
        party = s.scalar(select(Party).where(Party.name == "老王烧饼铺"))
        assert (party.credit_code, party.no_id_reason) == (None, "个体经营者尚未办理营业执照")


def test_back_and_next_never_leave_a_half_registered_case(dialog, keys, demo_ctx):
    before = _cases(demo_ctx)
    _applicant(keys)
    keys.press("Space", "Enter")         # only the application form: materials are missing
    assert dialog.correct_option.isChecked() and not dialog.accept_option.isEnabled()
    keys.press("Down")                   # 不予受理, without a reason
    assert dialog.refuse_option.isChecked()
    keys.press("Enter")
    assert dialog.pages.currentIndex() == DECISION and "理由" in dialog.error.text()
    assert _cases(demo_ctx) == before    # the refusal was refused before anything was written
    keys.press("Alt+Left")               # back to the materials: the applicant hands in the rest
    assert dialog.pages.currentIndex() == MATERIALS
    keys.press("Ctrl+A", "Enter")
    assert dialog.accept_option.isChecked()
    keys.press("Enter", "Enter")
    assert _cases(demo_ctx) == before + 1
    forms = [r.form for r in records.records_of(demo_ctx, dialog.outcome.case_id)]
    assert forms == ["materials_receipt", "acceptance_notice"]
    _, receipt = _receipt(demo_ctx, dialog.outcome.case_id)
    assert len(receipt["materials"]) == 5   # the receipt made at the confirmation, not an earlier one


def test_missing_materials_lead_to_one_correction_notice_and_a_scan_is_kept(dialog, keys, demo_ctx, tmp_path,
                                                                          monkeypatch):
    _applicant(keys)
    scan = tmp_path / "licence.png"
    scan.write_bytes(b"\x89PNG licence scan")
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getOpenFileName", lambda *a, **k: (str(scan), ""))
    keys.press("Space", "Down")          # the application form; then the business licence …
    keys.press("F6")                     # … imported as a file (ticks it)
    keys.press("Ctrl+K")                 # the clerk saw the licence's original: 原件
    keys.press("Enter")
    assert dialog.correct_option.isChecked() and not dialog.accept_option.isEnabled()
    assert dialog.handler_phone.text() == "0311-82512345"   # the clerk's phone from the last notice
    keys.press("Enter", "Enter")
    case_id = dialog.outcome.case_id
    notice = next(r for r in records.records_of(demo_ctx, case_id) if r.form == "correction_notice")
    listed = records.latest_values(demo_ctx, notice.id)["missing_materials"]
    assert len(listed) == 3 and "营业执照" not in "".join(m["name"] for m in listed)
    _, receipt = _receipt(demo_ctx, case_id)
    assert {m["name"]: m["kind"] for m in receipt["materials"]}["营业执照或其他主体资格证明文件"] == "original"
    with demo_ctx.db.read() as s:
        kept = s.scalar(select(ElectronicRecord).where(ElectronicRecord.case_id == case_id))
    assert demo_ctx.evidence.path(kept.file_hash).read_bytes() == b"\x89PNG licence scan"
    assert today().isoformat() == records.latest_values(demo_ctx, notice.id)["notified_on"]


def test_an_id_card_whose_holder_is_not_yet_born_stops_on_the_first_page(dialog, keys, demo_ctx):
    unborn = "110105209901010012"        # check digit right, born 2099-01-01
    before = _cases(demo_ctx)
    _applicant(keys, number=unborn, name="刘芳")
    assert dialog.kind.currentData() == "PERSON"       # the number's form still tells the kind
    assert "出生日期 2099 年 1 月 1 日晚于今天" in dialog.number_check.text()
    assert "出生日期 2099 年 1 月 1 日晚于今天" in dialog.error.text()
    assert dialog.pages.currentIndex() == 0 and dialog.focusWidget() is dialog.number
    assert _cases(demo_ctx) == before
    with demo_ctx.db.read() as s:
        assert s.scalar(select(Party.id).where(Party.id_number == unborn)) is None
