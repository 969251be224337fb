"""Window intake: one act writes case, receipt and notice (or nothing); the receipt lists what
the catalogue says of each material; correction → acceptance by 补正材料接收."""
import pytest
from sqlalchemy import func, select

from jlclient.clock import local_date, today
from jlclient.domain.matters import MaterialCheck
from jlclient.services import auth, intake, printing, records
from jlclient.services.context import ServiceError
from jlclient.services.deadlines import case_deadlines
from jlclient.services.matters import find_matter
from jlclient.services.parties import ORGANISATION, PERSON, PartyInput
from jlclient.services.setup import DEMO_PASSWORD
from jlclient.services.verify import verify
from jlclient.store.audit import utcnow
from jlclient.store.models import AuditEntry, Case, ElectronicRecord, Party
from tests.support.pdf import pdftotext, squash

COMPANY = PartyInput(ORGANISATION, "灵寿县好味道餐饮有限公司", "91110000600037341L", "0311-1234567", "灵寿县")
FOOD = find_matter("food_business")
REQUIRED = [m for m in FOOD.materials if m.required]


def _application(ctx, received=None, applicant=COMPANY, phone="13900001111"):
    names = [m.name for m in REQUIRED if received is None or m.name in received]
    scan = ctx.evidence.put_bytes(b"\x89PNG fake scan")
    checks = tuple(MaterialCheck(n, True, file_hash=scan.sha256 if i == 0 else "", size=scan.size)
                   for i, n in enumerate(names))
    return intake.Application(applicant, "food_business", checks, "王经理", phone)


@pytest.fixture
def clerk(demo_ctx):
    return auth.login(demo_ctx, "clerk", DEMO_PASSWORD)


def _cases(ctx) -> int:
    with ctx.db.read() as s:
        return s.scalar(select(func.count(Case.id)))


def _latest(ctx, case_id, form):
    record = next(r for r in reversed(records.records_of(ctx, case_id)) if r.form == form)
    return record, records.latest_values(ctx, record.id)


def _tracked_due(ctx, case_id):
    return next(d.due for d in case_deadlines(ctx, case_id) if d.rule_code == "permit_decision")


def test_complete_application_is_received_and_accepted_in_one_act(demo_ctx, clerk):
    result = intake.receive(demo_ctx, clerk, _application(demo_ctx), intake.Acceptance())
    assert result.missing == () and len(result.lookup_code) == 6 and "受〔" in result.document
    with demo_ctx.db.read() as s:
        case = s.get(Case, result.case_id)
        assert case.stage == "INVESTIGATION"
        assert s.scalar(select(ElectronicRecord).where(ElectronicRecord.case_id == case.id)).kind == "material"
    forms = [r.form for r in records.records_of(demo_ctx, result.case_id) if r.final]
    assert forms == ["materials_receipt", "acceptance_notice"]
    _, notice = _latest(demo_ctx, result.case_id, "acceptance_notice")
    _, receipt = _latest(demo_ctx, result.case_id, "materials_receipt")
    due = _tracked_due(demo_ctx, result.case_id)
    assert notice["decision_due"] == receipt["promised_on"] == due.isoformat()
    assert notice["accepted_on"] == notice["applied_on"] == today().isoformat()
    assert notice["legal_basis"].startswith("《中华人民共和国行政许可法》第三十二条") and FOOD.basis in notice["legal_basis"]
    assert notice["seal"]["sealed"] and notice["doc_number"] == result.document
    assert receipt["receipt_number"] == result.receipt_number and "收〔" in result.receipt_number
    assert verify(demo_ctx).ok


def test_the_receipt_lists_originals_copies_and_standards_from_the_catalogue(demo_ctx, clerk):
    app = _application(demo_ctx)
    # the clerk saw the application form only as a copy: the mark overrides the catalogue
    checks = (MaterialCheck(app.checks[0].name, True, original=False),) + app.checks[1:]
    result = intake.receive(demo_ctx, clerk, intake.Application(app.applicant, app.matter_code, checks, app.contact,
                                                                 app.phone), intake.Acceptance())
    record, receipt = _latest(demo_ctx, result.case_id, "materials_receipt")
    rows = {m["name"]: m for m in receipt["materials"]}
    assert rows["营业执照或其他主体资格证明文件"]["kind"] == "copy"
    assert rows["法定代表人（负责人）身份证明"]["kind"] == "copy"
    assert rows["食品经营许可申请书"]["kind"] == "copy"          # as marked
    assert rows["食品安全自查、从业人员健康管理等制度"]["kind"] == "original"
    assert all(m["standard"] == next(x.standard for x in REQUIRED if x.name == m["name"]) for m in rows.values())
    text = squash(pdftotext(printing.render_record(demo_ctx, record.id).pdf))
    assert "复印件加盖公章，验原件" in text and "身份证正反面复印件，验原件" in text
    assert text.count("复印件") >= 3 and "原件" in text


def test_an_error_on_the_decision_page_leaves_no_case(demo_ctx, clerk, monkeypatch):
    before = _cases(demo_ctx)
    app = _application(demo_ctx, received=[REQUIRED[0].name])
    with pytest.raises(ServiceError, match="理由"):
        intake.receive(demo_ctx, clerk, app, intake.Refusal("", "", "灵寿县人民政府", "灵寿县人民法院"))
    with pytest.raises(ServiceError, match="经办人电话"):
        intake.receive(demo_ctx, clerk, app, intake.Correction("", "王经理"))
    with pytest.raises(ServiceError, match="不能受理"):
        intake.receive(demo_ctx, clerk, app, intake.Acceptance())
    assert _cases(demo_ctx) == before
    # and a failure inside the write, after the case and receipt were added, takes them back too

    def notice_refused(*_args):
        raise ServiceError("补正材料通知书未能保存")
    monkeypatch.setattr(intake, "_correct_in", notice_refused)
    with pytest.raises(ServiceError, match="未能保存"):
        intake.receive(demo_ctx, clerk, app, intake.Correction("0311-82512345", "王经理"))
    assert _cases(demo_ctx) == before


def test_missing_materials_go_into_one_correction_notice(demo_ctx, clerk):
    app = _application(demo_ctx, received=[m.name for m in REQUIRED[:2]])
    result = intake.receive(demo_ctx, clerk, app, intake.Correction("0311 8251 2345", "王经理"))
    assert len(result.missing) == 3
    _, notice = _latest(demo_ctx, result.case_id, "correction_notice")
    assert [m["name"] for m in notice["missing_materials"]] == [m.name for m in result.missing]
    assert notice["handler_phone"] == "0311-82512345" and notice["doc_number"] == result.document
    _, receipt = _latest(demo_ctx, result.case_id, "materials_receipt")
    assert "promised_on" not in receipt   # nothing is promised before acceptance
    assert intake.clerk_phone(demo_ctx, clerk) == "0311-82512345"


def test_refusal_closes_the_application(demo_ctx, clerk):
    result = intake.receive(demo_ctx, clerk, _application(demo_ctx), intake.Refusal(
        "申请事项不属于本机关职权范围", "《中华人民共和国行政许可法》第三十二条", "灵寿县人民政府", "灵寿县人民法院"))
    with demo_ctx.db.read() as s:
        assert s.get(Case, result.case_id).status == "CLOSED"
    with pytest.raises(ServiceError, match="不在受理环节"):
        intake.accept(demo_ctx, clerk, result.case_id)


def test_nothing_received_is_refused(demo_ctx, clerk):
    app = intake.Application(COMPANY, "food_business", (), "王经理", "13900001111")
    with pytest.raises(ServiceError, match="没有收到"):
        intake.receive(demo_ctx, clerk, app, intake.Acceptance())


def test_whitespace_is_trimmed_and_the_phone_normalised(demo_ctx, clerk):
    app = _application(demo_ctx, applicant=PartyInput(ORGANISATION, "  灵寿县好味道餐饮有限公司 ", " 91110000600037341l ",
                                                      "+86 139 0000 1111", " 灵寿县 "), phone=" 139-0000-1111 ")
    app = intake.Application(app.applicant, app.matter_code, app.checks, "  王经理 ", app.phone)
    result = intake.receive(demo_ctx, clerk, app, intake.Acceptance())
    _, receipt = _latest(demo_ctx, result.case_id, "materials_receipt")
    assert (receipt["contact"], receipt["phone"]) == ("王经理", "13900001111")
    with demo_ctx.db.read() as s:
        party = s.get(Party, int(receipt["applicant"]))
        assert (party.name, party.credit_code, party.phone, party.address) == (
            "灵寿县好味道餐饮有限公司", "91110000600037341L", "13900001111", "灵寿县")


def test_an_unverifiable_area_code_is_accepted_with_a_warning_in_the_audit(demo_ctx, clerk):
    person = PartyInput(PERSON, "赵敏", "130126198503171237", "13900001111")
    result = intake.receive(demo_ctx, clerk, _application(demo_ctx, applicant=person), intake.Acceptance())
    with demo_ctx.db.read() as s:
        party = s.scalar(select(Party).where(Party.id_number == "130126198503171237"))
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "party.add",
                                                  AuditEntry.entity_id == str(party.id)))
        assert "校验位正确" in entry.detail
    assert result.case_id


def test_a_party_without_licence_is_taken_with_its_reason(demo_ctx, clerk):
    with pytest.raises(ServiceError, match="无证照"):
        intake.check_applicant(PartyInput(ORGANISATION, "老王烧饼铺", ""), "王经理", "13900001111")
    party, _, _ = intake.check_applicant(PartyInput(ORGANISATION, "老王烧饼铺", "", no_id_reason=" 尚未办理营业执照 "),
                                         "王经理", "13900001111")
    assert (party.number, party.no_id_reason) == ("", "尚未办理营业执照")
    result = intake.receive(demo_ctx, clerk, _application(demo_ctx, applicant=party), intake.Acceptance())
    with demo_ctx.db.read() as s:
        stored = s.scalar(select(Party).where(Party.name == "老王烧饼铺"))
        assert (stored.credit_code, stored.no_id_reason) == (None, "尚未办理营业执照")
    assert result.case_id


# --- correction → acceptance -----------------------------------------------------------------

def _awaiting(ctx, clerk, received=2):
    app = _application(ctx, received=[m.name for m in REQUIRED[:received]])
    return intake.receive(ctx, clerk, app, intake.Correction("0311-82512345", "王经理"))


def test_supplemented_materials_make_a_new_receipt_revision_and_the_acceptance_notice(demo_ctx, clerk):
    waiting = _awaiting(demo_ctx, clerk)
    view = intake.correction_case(demo_ctx, waiting.case_id)
    assert [r.name for r in view.outstanding] == [m.name for m in REQUIRED[2:]]
    assert view.notice_number == waiting.document
    came = tuple(MaterialCheck(r.name, True) for r in view.outstanding)
    came = (MaterialCheck(came[0].name, True, original=False),) + came[1:]
    at = utcnow().replace(second=0, microsecond=0)
    done = intake.receive_supplement(demo_ctx, clerk, waiting.case_id, came, at, intake.Acceptance())

    record, receipt = _latest(demo_ctx, waiting.case_id, "materials_receipt")
    history = records.history(demo_ctx, record.id)
    assert len(history) == 2 and "补正材料接收" in history[-1].note
    assert [m["name"] for m in receipt["supplemented_materials"]] == [r.name for r in view.outstanding]
    assert receipt["supplemented_materials"][0]["kind"] == "copy"
    assert all(m["standard"] for m in receipt["supplemented_materials"])
    assert receipt["correction_notice_number"] == waiting.document
    assert receipt["receipt_number"] == waiting.receipt_number == done.receipt_number
    assert receipt["supplement_received_at"].startswith(local_date(at).isoformat())

    _, notice = _latest(demo_ctx, waiting.case_id, "acceptance_notice")
    assert notice["doc_number"] == done.document and "受〔" in done.document
    assert notice["applicant"] == receipt["applicant"] and notice["matter"] == FOOD.name
    assert notice["applied_on"] == today().isoformat() and notice["accepted_on"] == today().isoformat()
    assert FOOD.basis in notice["legal_basis"] and "第三十二条" in notice["legal_basis"]
    assert notice["seal"] == {"sealed": True, "date": today().isoformat()}
    due = _tracked_due(demo_ctx, waiting.case_id)
    assert notice["decision_due"] == receipt["promised_on"] == due.isoformat()
    with demo_ctx.db.read() as s:
        assert s.get(Case, waiting.case_id).stage == "INVESTIGATION"
    text = squash(pdftotext(printing.render_record(demo_ctx, record.id).pdf))
    assert "补正收到的材料" in text and view.outstanding[-1].name[:8] in text and waiting.document in text


def test_acceptance_waits_for_every_material_asked_for(demo_ctx, clerk):
    waiting = _awaiting(demo_ctx, clerk)
    view = intake.correction_case(demo_ctx, waiting.case_id)
    first = (MaterialCheck(view.outstanding[0].name, True),)
    with pytest.raises(ServiceError, match="尚缺补正材料"):
        intake.receive_supplement(demo_ctx, clerk, waiting.case_id, first, decision=intake.Acceptance())
    partly = intake.receive_supplement(demo_ctx, clerk, waiting.case_id, first)
    assert partly.outstanding == tuple(r.name for r in view.outstanding[1:])
    later = intake.correction_case(demo_ctx, waiting.case_id)
    assert [r.name for r in later.outstanding] == list(partly.outstanding)
    rest = tuple(MaterialCheck(r.name, True) for r in later.outstanding)
    intake.receive_supplement(demo_ctx, clerk, waiting.case_id, rest, decision=intake.Acceptance())
    record, receipt = _latest(demo_ctx, waiting.case_id, "materials_receipt")
    assert len(records.history(demo_ctx, record.id)) == 3
    assert [m["name"] for m in receipt["supplemented_materials"]] == [r.name for r in view.outstanding]


def test_refusal_after_correction_names_what_is_still_missing(demo_ctx, clerk):
    waiting = _awaiting(demo_ctx, clerk)
    view = intake.correction_case(demo_ctx, waiting.case_id)
    refusal = intake.refusal_after_correction(view)
    assert view.notice_number in refusal.reasons and view.outstanding[0].name in refusal.reasons
    body, court = intake.refusal_remedies(demo_ctx)
    assert (body, court) == ("灵寿县人民政府", "灵寿县人民法院")
    done = intake.receive_supplement(demo_ctx, clerk, waiting.case_id, (), decision=intake.Refusal(
        refusal.reasons, refusal.legal_basis, body, court))
    _, notice = _latest(demo_ctx, waiting.case_id, "refusal_notice")
    assert notice["doc_number"] == done.document and "不受〔" in done.document
    with demo_ctx.db.read() as s:
        assert s.get(Case, waiting.case_id).status == "CLOSED"


def test_no_supplement_without_a_correction_notice(demo_ctx, clerk):
    result = intake.take_in(demo_ctx, clerk, _application(demo_ctx))
    assert not intake.awaiting_correction(demo_ctx, result.case_id)
    with pytest.raises(ServiceError, match="没有出具补正材料通知书"):
        intake.correction_case(demo_ctx, result.case_id)


def test_the_acceptance_notice_opened_in_the_wizard_is_prefilled(demo_ctx, clerk):
    waiting = _awaiting(demo_ctx, clerk)
    context = records.form_context(demo_ctx, waiting.case_id)
    notice = context.by_form["acceptance_notice"]
    assert notice["accepted_on"] == today().isoformat() and notice["applied_on"] == today().isoformat()
    assert notice["decision_due"] == intake_due(demo_ctx, waiting.case_id)
    assert FOOD.basis in notice["legal_basis"] and notice["seal"]["sealed"]
    assert "doc_number" not in notice        # the numbering service gives it when the page is finished
    assert context.by_form["refusal_notice"]["legal_basis"] == intake.ACCEPTANCE_BASIS


def intake_due(ctx, case_id) -> str:
    with ctx.db.read() as s:
        return intake.decision_due(s, s.get(Case, case_id), today()).isoformat()
