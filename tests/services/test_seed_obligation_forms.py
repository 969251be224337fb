"""Seed obligations written down as forms (issue 16): 检验检测鉴定评审结果 (seed 000 Art. 8 (三), seed 002
Art. 4 (五)), the permit rights and hearing notice (seed 000 Art. 8 (四); 行政许可法 Art. 36, 47), 论证
(seed 000 Art. 8 (五)), refusal to be investigated (seed 002 Art. 4 (六)), 调查终结报告 (seed 002 Art. 6)
and service by 转交 (seed 002 Art. 12). Each validates, prints (read back with poppler), is offered in
its stage, and cites an article that binds the agencies whose regulation has it."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from jlclient.domain.compliance import applicable
from jlclient.domain.forms import validate_values
from jlclient.domain.model import Procedure, ServiceMethod, Stage
from jlclient.printing import page
from jlclient.printing.render import form_story
from jlclient.services.forms import forms_for, load_form
from jlclient.services.profiles import load_profile
from tests.support.pdf import pdftotext, squash

ON = date(2026, 3, 2)
AT = datetime(2026, 3, 2, 9, 30)
OFFICERS = [{"name": "张三", "cert_no": "13010000001"}, {"name": "李四", "cert_no": "13010000002"}]
SIGNED_BY_OFFICERS = {"signers": OFFICERS, "date": ON}

COMPLETE = {
    "expert_opinion_record": {
        "case_number": "灵行审罚〔2026〕3号", "activity": "testing", "subject": "散装熟食样品两份",
        "institution": "石家庄市食品检验检测中心", "entrusted_on": date(2026, 2, 20), "report_number": "JC-2026-0117",
        "reported_on": ON, "conclusion": "菌落总数超出食品安全国家标准限量。", "report_file": 11,
        "officers_signature": SIGNED_BY_OFFICERS},
    "expert_review_record": {
        "case_number": "灵行审〔2026〕8号", "held_at": AT, "place": "灵寿县行政审批局三楼会议室", "host": "周杰",
        "question": "新建加油站选址是否符合安全间距要求", "experts": "赵明（河北省安全生产科学研究院，消防）",
        "discussion": "赵明：与居民楼间距满足规范要求。", "conclusion": "选址可行。",
        "experts_signature": {"signers": [{"name": "赵明"}], "date": ON},
        "recorder": {"name": "王强", "date": ON}},
    "refusal_record": {
        "case_number": "某罚〔2026〕4号", "occurred_at": AT, "place": "灵寿县城关镇建设路 12 号",
        "party": "灵寿县味美餐饮有限公司", "refusing_person": "王某（店长）", "refused_act": "inspection",
        "officers": OFFICERS, "circumstances": "执法人员出示证件、说明来意后，王某锁闭后厨，拒绝检查。",
        "officers_signature": SIGNED_BY_OFFICERS},
    "investigation_report": {
        "case_number": "某罚〔2026〕4号", "case_cause": "超范围经营案", "party": "灵寿县味美餐饮有限公司",
        "concluded_on": ON, "facts": "当事人超出许可范围销售散装熟食。", "evidence": "询问笔录、现场检查笔录、检测报告。",
        "proposal": "拟依据《中华人民共和国食品安全法》第一百二十二条给予警告。",
        "handler": {"name": "张三", "opinion": "调查终结，建议处罚", "date": ON},
        "approver": {"name": "周杰", "opinion": "同意", "date": ON}},
    "permit_rights_notice": {
        "doc_number": "灵行审告字〔2026〕5号", "case_number": "灵行审〔2026〕8号", "party": "灵寿县城关加油站",
        "party_role": "applicant", "matter": "危险化学品经营许可", "facts": "拟建加油站与相邻居民楼间距涉及相邻人重大利益。",
        "rights": ["statement", "defence", "hearing"], "hearing_request_days": 5, "notified_on": ON,
        "seal": {"sealed": True, "date": ON}, "party_signature": {"name": "刘经理", "date": ON},
        "reply": "hearing", "hearing_requested_on": date(2026, 3, 4)},
}
PRINTED = {   # what the printed page must say (labels and values)
    "expert_opinion_record": ["检测", "石家庄市食品检验检测中心", "菌落总数超出食品安全国家标准限量", "JC-2026-0117"],
    "expert_review_record": ["论证事项", "选址可行", "赵明"],
    "refusal_record": ["拒绝接受的执法活动", "行政检查", "锁闭后厨"],
    "investigation_report": ["调查认定的事实", "超出许可范围销售散装熟食", "调查终结日期", "2026年3月2日"],
    "permit_rights_notice": ["申请听证", "危险化学品经营许可", "申请人", "2026年3月4日"],
}
PROCEDURE = {"expert_opinion_record": Procedure.PENALTY, "expert_review_record": Procedure.PERMIT,
             "refusal_record": Procedure.PENALTY, "investigation_report": Procedure.PENALTY,
             "permit_rights_notice": Procedure.PERMIT}


@pytest.mark.parametrize("code", sorted(COMPLETE))
def test_a_complete_record_passes_and_each_required_field_is_asked_for(code):
    spec = load_form(code)
    values = COMPLETE[code]
    assert validate_values(spec, values, final=True, procedure=PROCEDURE[code]) == []
    for f in spec.fields:
        if f.required and f.group is None:
            rest = {k: v for k, v in values.items() if k != f.key}
            assert f.key in {p.key for p in validate_values(spec, rest, final=True, procedure=PROCEDURE[code])}, f.key


@pytest.mark.parametrize("code", sorted(COMPLETE))
def test_each_form_prints_its_title_labels_and_values(code):
    spec = load_form(code)
    pdf = page.build(form_story(spec, COMPLETE[code], "灵寿县行政审批局"), spec.title)
    text = squash(pdftotext(pdf))
    for expected in (spec.title, *PRINTED[code]):
        assert squash(expected) in text, expected
    assert "testing" not in text and "inspection" not in text and "applicant" not in text   # words for people


@pytest.mark.parametrize("code,stage", [(c, Stage.INVESTIGATION) for c in sorted(COMPLETE)])
def test_each_form_is_offered_in_its_stage(code, stage):
    assert code in [f.code for f in forms_for(PROCEDURE[code], stage)]


def test_the_permit_notice_is_a_permit_form_and_the_penalty_notice_is_not():
    assert "permit_rights_notice" in [f.code for f in forms_for(Procedure.PERMIT, Stage.INVESTIGATION)]
    assert "rights_notice" not in [f.code for f in forms_for(Procedure.PERMIT, Stage.INVESTIGATION)]
    assert "permit_rights_notice" not in [f.code for f in forms_for(Procedure.PENALTY, Stage.INVESTIGATION)]


def test_a_hearing_request_cannot_precede_the_notice():
    spec = load_form("permit_rights_notice")
    values = {**COMPLETE["permit_rights_notice"], "hearing_requested_on": date(2026, 2, 27)}
    assert [p.key for p in validate_values(spec, values, final=True)] == ["hearing_requested_on"]


def test_the_hearing_request_period_is_five_days_at_most():
    spec = load_form("permit_rights_notice")
    values = {**COMPLETE["permit_rights_notice"], "hearing_request_days": 10}
    [problem] = validate_values(spec, values, final=True)
    assert problem.key == "hearing_request_days"


def test_refusal_to_be_investigated_needs_two_officers():
    spec = load_form("refusal_record")
    values = {**COMPLETE["refusal_record"], "officers_signature": {"signers": OFFICERS[:1], "date": ON}}
    assert "officers_signature" in {p.key for p in validate_values(spec, values, final=True)}


# Per profile: the forms (or service method) that encode its own seed's articles, offered in the
# procedures it handles, citing an article of its own regulation (compliance.applicable).
BY_PROFILE = {
    "lingshou-approval": {   # seed 000
        "expert_opinion_record": "seed 000 Art. 8", "permit_rights_notice": "seed 000 Art. 8",
        "expert_review_record": "seed 000 Art. 8"},
    "bureau-002": {          # seed 002
        "expert_opinion_record": "seed 002 Art. 4", "refusal_record": "seed 002 Art. 4",
        "investigation_report": "seed 002 Art. 6"},
}


@pytest.mark.parametrize("profile_key,code", [(p, c) for p, codes in BY_PROFILE.items() for c in codes])
def test_the_profile_with_the_article_is_offered_the_form_and_bound_by_its_citation(profile_key, code):
    profile = load_profile(profile_key)
    spec = load_form(code)
    procedures = [p for p in profile.procedures.procedures if p in spec.procedures]
    assert procedures, (profile_key, code)
    for procedure in procedures:
        assert code in [f.code for f in forms_for(procedure, spec.stage)]
        assert BY_PROFILE[profile_key][code] in [str(s) for s in applicable(spec.basis, profile, procedure)]


def test_bureau_002_can_record_service_by_transfer_citing_its_article_12():
    profile = load_profile("bureau-002")
    receipt = load_form("service_return_receipt")
    [group] = [g for g in receipt.groups if ServiceMethod.TRANSFERRED in g.methods]
    assert "seed 002 Art. 12" in [str(s) for s in applicable(group.basis, profile, Procedure.PENALTY)]


def test_a_transferred_receipt_prints_the_method_and_the_transferring_unit():
    receipt = load_form("service_return_receipt")
    values = {"case_cause": "超范围经营案", "case_number": "某罚〔2026〕4号", "document_name": "行政处罚决定书",
              "copies": 1, "recipient": "王某", "method": "TRANSFERRED", "transfer_reason": "detained",
              "transferred_via": "灵寿县看守所", "transfer_received_on": date(2026, 3, 3),
              "transfer_signed_on": ON.replace(day=4), "servers": SIGNED_BY_OFFICERS,
              "transfer_recipient_signature": {"name": "王某", "date": date(2026, 3, 4)},
              "transfer_officer_signature": {"name": "赵六", "unit": "灵寿县看守所", "date": date(2026, 3, 4)}}
    assert validate_values(receipt, values, final=True, procedure=Procedure.PENALTY) == []
    text = squash(pdftotext(page.build(form_story(receipt, values, "本局"), receipt.title)))
    for expected in ("转交送达", "灵寿县看守所", "受送达人被监禁", "2026年3月4日"):
        assert squash(expected) in text, expected
    assert "TRANSFERRED" not in text and "detained" not in text


def test_the_permit_notice_gets_the_agencys_own_number_when_finished(demo_ctx):
    """Like the penalty notice (罚告), the permit notice is numbered by the agency's sequence (许告)."""
    from jlclient.services import records
    from tests.support import case_builder as cb
    case_id = cb.build_case(demo_ctx, Procedure.PERMIT, until=Stage.INVESTIGATION)
    values = {**COMPLETE["permit_rights_notice"], "party": cb.PARTY, "doc_number": "",
              "notified_on": date.today(), "hearing_requested_on": None, "reply": None,
              "seal": {"sealed": True, "date": date.today()},
              "party_signature": {"name": "刘经理", "date": date.today()}}
    record = records.save_form(demo_ctx, cb.ACTOR, case_id, "permit_rights_notice",
                               {k: v for k, v in values.items() if v is not None}, final=True)
    number = records.latest_values(demo_ctx, record.id)["doc_number"]
    assert "许告〔" in number and number.endswith("号")


def test_the_new_pages_start_from_what_the_case_knows(demo_ctx, login_as):
    """The refusal record starts with the case's officers; the permit notice with the phone the
    officer gave on their last penalty or permit notice (services/prefill.py)."""
    from jlclient.services import records
    from tests.support import case_builder as cb
    penalty = cb.build_case(demo_ctx, Procedure.PENALTY, until=Stage.INVESTIGATION,
                            values={"rights_notice": {"contact_phone": "0311-8251 9999"}})
    officers = records.form_context(demo_ctx, penalty, login_as("officer")).by_form["refusal_record"]["officers"]
    assert [o["name"] for o in officers] and all(o["cert_no"] for o in officers)
    permit = cb.build_case(demo_ctx, Procedure.PERMIT, until=Stage.INVESTIGATION)
    start = records.form_context(demo_ctx, permit, login_as("officer")).by_form["permit_rights_notice"]
    assert start["contact_phone"] == "0311-82519999"


@pytest.mark.parametrize("code", sorted(COMPLETE))
def test_the_shared_example_values_finish_each_new_form(code):
    """demo.form_values (the one way tests and the demo fill a form) knows the new forms."""
    from tests.support.case_builder import form_values
    spec = load_form(code)
    values = form_values(code, PROCEDURE[code], on=ON)
    assert validate_values(spec, values, final=True, procedure=PROCEDURE[code]) == []


# The profiles name the records their regulation asks for, with the article (resources/profiles/*.toml).
PROFILE_RECORDS = {
    "bureau-002": {"expert_opinion_record": ("seed 002 Art. 4(五)", False), "refusal_record": ("seed 002 Art. 4(六)", False),
                   "investigation_report": ("seed 002 Art. 6", True)},
    "lingshou-approval": {"expert_opinion_record": ("seed 000 Art. 8(三)", False),
                          "permit_rights_notice": ("seed 000 Art. 8(四)", False),
                          "expert_review_record": ("seed 000 Art. 8(五)", False)},
}


@pytest.mark.parametrize("profile_key", sorted(PROFILE_RECORDS))
def test_the_profile_names_the_records_its_regulation_asks_for(profile_key):
    profile = load_profile(profile_key)
    assert {r.form: (str(r.source), r.required) for r in profile.records} == PROFILE_RECORDS[profile_key]


@pytest.mark.parametrize("profile_key", ["bureau-002", "changli-dapuhe", "fushun-hrss", "lingchuan-approval",
                                         "lingshou-approval"])
def test_every_record_a_profile_names_is_a_form_of_its_procedures(profile_key):
    profile = load_profile(profile_key)
    for rule in profile.records:
        spec = load_form(rule.form)
        for procedure in rule.procedures or profile.procedures.procedures:
            if procedure in spec.procedures:
                break
        else:
            raise AssertionError(f"{profile_key}: {rule.form} fits none of its procedures")
        assert set(rule.procedures) <= set(spec.procedures), rule.form


def test_a_profile_record_must_name_a_procedure_and_cite_its_own_seed():
    from jlclient.domain.profile import ProfileError, parse_profile
    from jlclient.services.profiles import PROFILE_DIR
    text = (PROFILE_DIR / "bureau-002.toml").read_text(encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        parse_profile(text.replace('source = "seed 002 Art. 6"', 'source = "seed 000 Art. 6"'), "bureau-002.toml")
    assert "records[2].source" in str(info.value)
    with pytest.raises(ProfileError) as info:
        parse_profile(text.replace('procedures = ["PENALTY"]\nsource = "seed 002 Art. 6"',
                                   'procedures = ["PARKING"]\nsource = "seed 002 Art. 6"'), "bureau-002.toml")
    assert "records[2].procedures" in str(info.value)
