"""The shipped legal forms (forms/*.toml): every one parses and carries the rules it cites."""
from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest

from jlclient.domain.forms import FieldType, FormError, SignatureKind, av_required, validate_values
from jlclient.domain.model import STAGE_ORDER, Procedure, ServiceMethod, Stage
from jlclient.domain.profile import Source
from jlclient.services.forms import FORMS_DIR, available_codes, forms_for, list_forms, load_form
from jlclient.services.profiles import load_profile

# Forms the issue asks for, with the stage each belongs to.
REQUIRED = {
    "case_approval": Stage.INITIATION,
    "materials_receipt": Stage.ACCEPTANCE,
    "acceptance_notice": Stage.ACCEPTANCE,
    "correction_notice": Stage.ACCEPTANCE,
    "refusal_notice": Stage.ACCEPTANCE,
    "inquiry_record": Stage.INVESTIGATION,
    "inspection_record": Stage.INVESTIGATION,
    "evidence_list": Stage.INVESTIGATION,
    "evidence_preservation_notice": Stage.INVESTIGATION,
    "rights_notice": Stage.INVESTIGATION,
    "hearing_notice": Stage.INVESTIGATION,
    "hearing_record": Stage.INVESTIGATION,
    "legal_review": Stage.DECISION,
    "collective_discussion": Stage.DECISION,
    "penalty_decision": Stage.DECISION,
    "permit_decision": Stage.DECISION,
    "permit_refusal": Stage.DECISION,
    "service_return_receipt": Stage.SERVICE,
    "performance_record": Stage.EXECUTION,
    "enforcement_application": Stage.EXECUTION,
    "closing_approval": Stage.ARCHIVING,
    "interruption_statement": Stage.INVESTIGATION,
}
SEED_DIR = Path("/work/shared/seeds")
OFFICERS = [{"name": "张三", "cert_no": "13010000001"}, {"name": "李四", "cert_no": "13010000002"}]
SIGNED = {"name": "王五", "date": date(2024, 3, 1)}


def test_forms_dir_is_the_repository_forms():
    assert FORMS_DIR == Path(__file__).resolve().parents[2] / "forms"


def test_every_shipped_form_parses_sorted_by_code():
    forms = list_forms()
    assert [f.code for f in forms] == available_codes() == sorted(p.stem for p in FORMS_DIR.glob("*.toml"))


@pytest.mark.parametrize("code,stage", sorted(REQUIRED.items()))
def test_every_listed_form_exists_in_its_stage(code, stage):
    spec = load_form(code)
    assert spec.code == code and spec.stage is stage
    assert re.search(r"[\u4e00-\u9fff]", spec.title)
    for procedure in spec.procedures:
        assert set(spec.stages) & set(STAGE_ORDER[procedure]), (code, procedure)


@pytest.mark.parametrize("code", available_codes())
def test_every_form_cites_its_rules(code):
    spec = load_form(code)
    assert spec.basis, code
    assert all(f.label.strip() for f in spec.fields)
    assert any(f.required for f in spec.fields) and spec.signatures, code


def _chinese_number(text: str) -> int:
    digits = dict(zip("零一二三四五六七八九", range(10)))
    total, current = 0, 0
    for ch in text:
        if ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = digits[ch]
    return total + current


def _articles(seed: str) -> set[int]:
    [path] = SEED_DIR.glob(f"{seed}_*.txt")
    return {_chinese_number(m) for m in re.findall(r"第([零一二三四五六七八九十]+)条", path.read_text(encoding="utf-8"))}


def _cited(article: str) -> set[int]:
    numbers: set[int] = set()
    for part in article.split(", "):
        first, _, last = part.partition("-")
        numbers.update(range(int(first), int(last or first) + 1))
    return numbers


def _sources(spec):
    items = [spec, *spec.groups, *spec.fields, *spec.signatures, *spec.any_of]
    yield from (s for item in items for s in item.basis)
    yield from (s for slot in spec.signatures if slot.refusal for s in slot.refusal.basis)


@pytest.mark.skipif(not SEED_DIR.is_dir(), reason="seed regulations not available on this machine")
@pytest.mark.parametrize("code", available_codes())
def test_every_cited_seed_article_exists(code):
    for source in _sources(load_form(code)):
        if not (source.is_national_law or source.is_practice):
            assert _cited(source.article) <= _articles(source.seed), (code, str(source))


def test_unknown_form_names_the_available_ones():
    with pytest.raises(FormError) as info:
        load_form("parking_ticket")
    assert "parking_ticket" in str(info.value) and "service_return_receipt" in str(info.value)


def test_a_path_is_not_a_form_code():
    with pytest.raises(FormError):
        load_form("../forms/inquiry_record")


def test_forms_for_a_stage_in_working_order():
    codes = [f.code for f in forms_for(Procedure.PERMIT, Stage.ACCEPTANCE)]
    assert codes[:4] == ["materials_receipt", "correction_notice", "acceptance_notice", "refusal_notice"]
    penalty = [f.code for f in forms_for(Procedure.PENALTY, Stage.INVESTIGATION)]
    assert {"inquiry_record", "evidence_preservation_notice", "rights_notice", "interruption_statement"} <= set(penalty)
    assert "permit_decision" not in [f.code for f in forms_for(Procedure.PENALTY, Stage.DECISION)]
    assert forms_for(Procedure.PENALTY, Stage.ACCEPTANCE) == []  # penalties have no acceptance stage


# ---------------------------------------------------------------- validation names the key


@pytest.mark.parametrize("code", available_codes())
def test_each_problem_of_an_empty_final_page_names_a_key_of_the_form(code):
    spec = load_form(code)
    assert validate_values(spec, {}, final=False) == []
    problems = validate_values(spec, {}, final=True)
    keys = {f.key for f in spec.fields} | {s.key for s in spec.signatures}
    assert problems and all(p.key in keys and p.label and p.message for p in problems), problems
    named = {p.key for p in problems}
    assert {f.key for f in spec.fields if f.required and f.group is None} <= named
    assert {s.key for s in spec.signatures if s.required and s.group is None} <= named


def test_draft_keeps_format_problems_and_final_adds_missing_ones():
    spec = load_form("inquiry_record")
    values = {"started_at": "2024-03-01 09:00", "ended_at": "早上", "interviewee_phone": "12"}
    draft = {p.key for p in validate_values(spec, values, final=False)}
    assert draft == {"ended_at", "interviewee_phone"}
    final = {p.key for p in validate_values(spec, values, final=True)}
    assert draft < final and {"place", "content", "interviewee_signature"} <= final


def test_a_wrong_resident_id_gives_the_check_digit_message():
    spec = load_form("inquiry_record")
    [problem] = validate_values(spec, {"interviewee_id": "110105194912310021"}, final=False)
    assert problem.key == "interviewee_id" and "校验位" in problem.message


def _inquiry(**changes):
    values = {
        "started_at": datetime(2024, 3, 1, 9, 0), "ended_at": datetime(2024, 3, 1, 10, 0), "place": "询问室",
        "officers": OFFICERS, "recorder": "李四", "interviewee_name": "王五", "interviewee_role": "party",
        "credentials_shown": True, "av_notified": True, "recusal_requested": False, "content": "问：……答：……",
        "interviewee_signature": SIGNED, "officers_signature": {"signers": OFFICERS, "date": date(2024, 3, 1)},
    }
    return {k: v for k, v in {**values, **changes}.items() if v is not None}


def test_refusal_to_sign_on_an_inquiry_record():
    spec = load_form("inquiry_record")
    assert validate_values(spec, _inquiry(), final=True, procedure=Procedure.PENALTY) == []
    refused = {"refused": True, "date": date(2024, 3, 1)}
    one = {"signers": OFFICERS[:1], "date": date(2024, 3, 1)}
    problems = validate_values(spec, _inquiry(interviewee_signature=refused, officers_signature=one, officers=OFFICERS[:1]),
                               final=True, procedure=Procedure.INSPECTION)
    assert {p.key for p in problems} == {"interviewee_signature.note", "officers_signature"}
    assert all(p.basis == (Source("000", "14"),) for p in problems)
    noted = {**refused, "note": "被询问人拒绝签字"}
    two = {"signers": OFFICERS, "date": date(2024, 3, 1)}
    assert validate_values(spec, _inquiry(interviewee_signature=noted, officers_signature=two),
                           final=True, procedure=Procedure.INSPECTION) == []


def test_the_penalty_two_officer_rule():
    inquiry = load_form("inquiry_record")
    one = _inquiry(officers=OFFICERS[:1], officers_signature={"signers": OFFICERS[:1], "date": date(2024, 3, 1)})
    assert validate_values(inquiry, one, final=True, procedure=Procedure.INSPECTION) == []
    problems = validate_values(inquiry, one, final=True, procedure=Procedure.PENALTY)
    assert {p.key for p in problems} == {"officers", "officers_signature"}
    assert all("行政处罚法 Art. 42" in p.message for p in problems)
    decision = load_form("penalty_decision")
    [problem] = [p for p in validate_values(decision, {"officers": OFFICERS[:1]}, final=True) if p.key == "officers"]
    assert problem.message == "执法人员不得少于 2 人（行政处罚法 Art. 42）"


def test_penalty_only_forms_declare_two_officers():
    for spec in list_forms():
        if spec.procedures == (Procedure.PENALTY,):
            assert all(f.min >= 2 for f in spec.fields if f.type is FieldType.OFFICERS), spec.code
            assert all(s.min >= 2 for s in spec.signatures if s.kind is SignatureKind.OFFICERS), spec.code


def test_internal_approval_opinions_are_each_dated():
    spec = load_form("closing_approval")
    opinion = {"name": "赵六", "opinion": "同意结案"}
    values = {"handler": opinion, "reviewer": {**opinion, "date": "2024-04-01"}, "approver": {"name": "钱七"}}
    keys = {p.key for p in validate_values(spec, values, final=True)}
    assert {"handler.date", "approver.opinion", "approver.date"} <= keys and "reviewer.date" not in keys


def test_interruption_statement_is_signed_by_two_officers():
    spec = load_form("interruption_statement")
    values = {"case_number": "A1", "activity": "现场检查", "place": "某厂", "interrupted_at": "2024-03-01 10:00",
              "reason": "battery", "details": "电量耗尽，无法继续录像", "stated_on": "2024-03-01",
              "officers_signature": {"signers": OFFICERS[:1], "date": "2024-03-01"}}
    [problem] = validate_values(spec, values, final=True, procedure=Procedure.PERMIT)
    assert problem.key == "officers_signature" and "seed 000 Art. 22" in problem.message


# ---------------------------------------------------------------- service: one group per method

COMMON = {
    "case_cause": "未取得许可擅自经营案", "case_number": "灵行审罚〔2024〕3号", "document_name": "行政处罚决定书",
    "copies": 1, "recipient": 7, "servers": {"signers": OFFICERS, "date": date(2024, 3, 5)},
}
IN_PERSON = {"served_at": datetime(2024, 3, 5, 10, 0), "served_place": "当事人住所"}
BY_METHOD = {
    ServiceMethod.DIRECT: {**IN_PERSON, "recipient_signature": SIGNED},
    ServiceMethod.ENTRUSTED: {**IN_PERSON, "entrusted_to": "某镇人民政府", "entrust_reason": "受送达人在外地",
                              "substitute_signature": {"name": "王小五", "relation": "同住成年子女",
                                                       "reason": "本人外出", "date": date(2024, 3, 5)}},
    ServiceMethod.POSTAL: {"posted_on": date(2024, 3, 1), "postal_receipt_no": "1170000000001",
                           "delivered_on": date(2024, 3, 4), "delivery_proof": "rec-9"},
    ServiceMethod.PUBLIC_NOTICE: {"notice_reason": "下落不明", "notice_medium": "县政府门户网站",
                                  "notice_date": date(2024, 3, 1), "deemed_served_on": date(2024, 3, 31),
                                  "notice_file": "rec-10"},
    ServiceMethod.LODGED: {**IN_PERSON, "refusal_reason": "拒绝签收", "lodging_circumstances": "留置于住所门内",
                           "witness": {"name": "刘七", "unit": "某村委会", "date": date(2024, 3, 5)}},
    ServiceMethod.ELECTRONIC: {"consent_on_file": True, "consent_file": "rec-11", "electronic_address": "a@b.cn",
                               "sent_at": datetime(2024, 3, 5, 9, 0), "arrived_at": datetime(2024, 3, 5, 9, 1)},
    ServiceMethod.TRANSFERRED: {"transfer_reason": "detained", "transferred_via": "某县看守所",
                                "transfer_received_on": date(2024, 3, 4), "transfer_signed_on": date(2024, 3, 5),
                                "transfer_recipient_signature": SIGNED,
                                "transfer_officer_signature": {"name": "赵六", "unit": "某县看守所",
                                                               "date": date(2024, 3, 5)}},
}
# The fields domain.md §5 asks for, by method; removing any one of them is a problem.
METHOD_KEYS = {
    ServiceMethod.DIRECT: ["served_at", "served_place", "recipient_signature"],
    ServiceMethod.ENTRUSTED: ["entrust_reason", "entrusted_to", "substitute_signature"],
    ServiceMethod.POSTAL: ["postal_receipt_no", "delivered_on", "delivery_proof"],
    ServiceMethod.PUBLIC_NOTICE: ["notice_reason", "notice_date", "deemed_served_on", "notice_file"],
    ServiceMethod.LODGED: ["refusal_reason", "lodging_circumstances", "witness"],
    ServiceMethod.ELECTRONIC: ["consent_on_file", "consent_file", "arrived_at"],
    ServiceMethod.TRANSFERRED: ["transfer_reason", "transferred_via", "transfer_signed_on",
                                "transfer_recipient_signature", "transfer_officer_signature"],
}


ANY_OF_KEY = {"substitute_signature": "recipient_signature"}


def _served(method, **changes):
    values = {**COMMON, "method": method.value, **BY_METHOD[method], **changes}
    return {k: v for k, v in values.items() if v is not None}


@pytest.fixture(scope="module")
def receipt():
    return load_form("service_return_receipt")


def test_every_method_has_its_own_group(receipt):
    covered = {m for g in receipt.groups for m in g.methods}
    assert covered == set(ServiceMethod)
    assert receipt.method_field.key == "method"


@pytest.mark.parametrize("method", list(ServiceMethod), ids=lambda m: m.value)
def test_a_complete_receipt_passes_for_each_method(receipt, method):
    assert validate_values(receipt, _served(method), final=True, procedure=Procedure.PENALTY) == []


@pytest.mark.parametrize("method,key", [(m, k) for m, keys in METHOD_KEYS.items() for k in keys],
                         ids=lambda x: x.value if isinstance(x, ServiceMethod) else x)
def test_each_method_needs_its_fields(receipt, method, key):
    problems = validate_values(receipt, _served(method, **{key: None}), final=True)
    # "recipient or substitute" is one rule, reported at the recipient's signature
    assert [p.key for p in problems] == [ANY_OF_KEY.get(key, key)], problems
    assert validate_values(receipt, _served(method, **{key: None}), final=False) == []


@pytest.mark.parametrize("method", list(ServiceMethod), ids=lambda m: m.value)
def test_other_methods_fields_are_not_asked_for(receipt, method):
    elsewhere = {item.key for item in (*receipt.fields, *receipt.signatures)
                 if not receipt.is_active(item.group, method)}
    assert {k for keys in METHOD_KEYS.values() for k in keys} - set(METHOD_KEYS[method]) - {
        "recipient_signature", "substitute_signature", "served_at", "served_place"} <= elsewhere
    named = {p.key for p in validate_values(receipt, {"method": method.value}, final=True)}
    assert named and not named & elsewhere


def test_lodged_service_may_be_filmed_instead_of_witnessed(receipt):
    values = _served(ServiceMethod.LODGED, witness=None, lodging_av="rec-12")
    assert validate_values(receipt, values, final=True) == []


def test_public_notice_is_deemed_served_thirty_days_later(receipt):
    [problem] = validate_values(receipt, _served(ServiceMethod.PUBLIC_NOTICE, deemed_served_on=date(2024, 5, 1)),
                                final=True)
    assert problem.key == "deemed_served_on"
    assert problem.message == "应为“公告发布日期”之后第 30 日，即 2024-03-31（民事诉讼法 Art. 95）"


def test_transferred_service_is_a_seventh_method_citing_seed_002_art_12(receipt):
    assert ServiceMethod("TRANSFERRED").label == "转交送达"
    [group] = [g for g in receipt.groups if ServiceMethod.TRANSFERRED in g.methods]
    assert "seed 002 Art. 12" in [str(s) for s in group.basis]
    [problem] = validate_values(receipt, _served(ServiceMethod.TRANSFERRED, transfer_signed_on=date(2024, 3, 1)),
                                final=True)
    assert problem.key == "transfer_signed_on"     # signed for before the unit received it


def test_electronic_service_needs_the_consent(receipt):
    [problem] = validate_values(receipt, _served(ServiceMethod.ELECTRONIC, consent_on_file=False), final=True)
    assert problem.key == "consent_on_file" and "行政处罚法 Art. 61" in problem.message


def test_returned_mail_is_recorded_instead_of_a_delivery_date(receipt):
    values = _served(ServiceMethod.POSTAL, delivered_on=None, delivery_proof=None, returned=True)
    assert [p.key for p in validate_values(receipt, values, final=True)] == ["return_note"]
    assert validate_values(receipt, {**values, "return_note": "查无此人，邮件退回"}, final=True) == []


def test_a_penalty_receipt_needs_two_servers(receipt):
    values = _served(ServiceMethod.DIRECT, servers={"signers": OFFICERS[:1], "date": date(2024, 3, 5)})
    assert validate_values(receipt, values, final=True, procedure=Procedure.PERMIT) == []
    [problem] = validate_values(receipt, values, final=True, procedure=Procedure.PENALTY)
    assert problem.key == "servers" and "行政处罚法 Art. 42" in problem.message


# ---------------------------------------------------------------- AV by the agency's profile


def test_evidence_preservation_needs_av_under_seed_002():
    required, source = av_required(load_form("evidence_preservation_notice"), load_profile("bureau-002"))
    assert required and source == Source("002", "5")


def test_on_site_inspection_needs_av_under_seed_000():
    required, source = av_required(load_form("inspection_record"), load_profile("lingshou-approval"))
    assert required and str(source) == "seed 000 Art. 19"


def test_recommended_av_is_not_required():
    assert av_required(load_form("inquiry_record"), load_profile("lingshou-approval")) == (False, None)
    assert av_required(load_form("evidence_preservation_notice"), load_profile("lingshou-approval")) == (False, None)


def test_lodged_service_needs_av_under_seed_004_only(receipt):
    lingchuan, lingshou = load_profile("lingchuan-approval"), load_profile("lingshou-approval")
    assert av_required(receipt, lingchuan, method=ServiceMethod.LODGED) == (True, Source("004", "10, 15"))
    assert av_required(receipt, lingchuan, method=ServiceMethod.DIRECT) == (False, None)
    assert av_required(receipt, lingshou, method=ServiceMethod.LODGED) == (False, None)  # recommended


def test_hearing_record_needs_av_under_seed_004():
    assert av_required(load_form("hearing_record"), load_profile("lingchuan-approval"))[0]


def test_an_interview_cannot_end_before_it_starts():
    spec = load_form("inquiry_record")
    values = _inquiry(ended_at=datetime(2024, 3, 1, 8, 0))
    assert validate_values(spec, values, final=False) == []
    [problem] = validate_values(spec, values, final=True)
    assert (problem.key, problem.message) == ("ended_at", "不应早于“询问开始时间”")


def test_a_promise_date_is_compared_with_a_receipt_time_by_day():
    spec = load_form("materials_receipt")
    same_day = {"received_at": datetime(2024, 3, 1, 16, 0), "promised_on": date(2024, 3, 1)}
    assert not [p for p in validate_values(spec, same_day, final=True) if p.key == "promised_on"]
    earlier = {**same_day, "promised_on": date(2024, 2, 29)}
    assert [p.key for p in validate_values(spec, earlier, final=True) if p.key == "promised_on"] == ["promised_on"]


def test_a_refusal_where_the_form_allows_none():
    spec = load_form("materials_receipt")
    values = {"applicant_signature": {"refused": True, "note": "不愿签字", "date": "2024-03-01"}}
    problems = [p for p in validate_values(spec, values, final=True) if p.key == "applicant_signature"]
    assert [p.message for p in problems] == ["本文书不能以拒签代替签名"]
