"""Forms as data: parsing a form file strictly and checking filled-in values (pure: no Qt,
no SQL, no files)."""
from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from jlclient.domain.forms import (
    DocumentKind,
    FieldType,
    FormError,
    SignatureKind,
    active_method,
    av_required,
    parse_form,
    validate_values,
)
from jlclient.domain.model import Procedure, ServiceMethod, Stage
from jlclient.domain.profile import Agency, AvAct, Level, ProcedureScope, Regulation, RuleProfile, Source

FILENAME = "sample.toml"

# A form using every field type, group, signature kind and rule once; the tests below break
# one line of it at a time.
SAMPLE = """\
code = "sample"
title = "示例文书"
kind = "investigation"
stages = ["INVESTIGATION", "SERVICE"]
procedures = ["PENALTY", "行政许可"]
av_act = "on_site_inspection"
order = 5
basis = ["seed 000 Art. 14", "行政处罚法 Art. 42"]

[[groups]]
key = "lodged"
label = "留置送达"
methods = ["LODGED"]
av_act = "lodged_service"
basis = "seed 002 Art. 11"

[[groups]]
key = "postal"
label = "邮寄送达"
methods = ["POSTAL"]

[[fields]]
key = "title_text"
label = "标题"
type = "text"
required = true
validators = { max_length = 10, pattern = '\\S+〔\\d{4}〕\\d+号', pattern_hint = "某字〔2024〕1号" }
print = { width = 0.5 }

[[fields]]
key = "notes"
label = "记录"
type = "multiline"
print = { lines = 5 }

[[fields]]
key = "opened_on"
label = "开始日期"
type = "date"
required = true

[[fields]]
key = "closed_at"
label = "结束时间"
type = "datetime"
validators = { not_before = { key = "opened_on", days = 2 } }

[[fields]]
key = "deemed_on"
label = "视为送达日期"
type = "date"
basis = "民事诉讼法 Art. 95"
validators = { days_after = { key = "opened_on", days = 30 } }

[[fields]]
key = "pages"
label = "页数"
type = "integer"
min = 1
max = 99

[[fields]]
key = "fine"
label = "罚款"
type = "money"
max = 10000

[[fields]]
key = "sex"
label = "性别"
type = "choice"
choices = ["男", "女"]

[[fields]]
key = "rights"
label = "权利"
type = "multichoice"
min = 2
choices = [{ value = "statement", label = "陈述" }, { value = "defence", label = "申辩" }, { value = "hearing", label = "听证" }]

[[fields]]
key = "credentials_shown"
label = "已出示证件"
type = "bool"
required = true
basis = "行政处罚法 Art. 55"
validators = { must_be_true = true }

[[fields]]
key = "resident_id"
label = "身份证号码"
type = "resident_id"

[[fields]]
key = "credit_code"
label = "统一社会信用代码"
type = "credit_code"

[[fields]]
key = "phone"
label = "电话"
type = "phone"

[[fields]]
key = "party"
label = "当事人"
type = "party"
required = true

[[fields]]
key = "officers"
label = "执法人员"
type = "officers"
required = true
basis = "seed 000 Art. 8"

[[fields]]
key = "materials"
label = "材料"
type = "materials"
min = 1
validators = { required_columns = ["standard"] }

[[fields]]
key = "photo"
label = "照片"
type = "file"

[[fields]]
key = "method"
label = "送达方式"
type = "service_method"

[[fields]]
key = "refusal_reason"
label = "拒收事由"
type = "text"
required = true
group = "lodged"

[[fields]]
key = "lodging_av"
label = "留置录像"
type = "file"
group = "lodged"

[[fields]]
key = "returned"
label = "邮件被退回"
type = "bool"
group = "postal"

[[fields]]
key = "delivered_on"
label = "签收日期"
type = "date"
required_unless = "returned"
group = "postal"

[[fields]]
key = "return_note"
label = "退回情况"
type = "text"
required_if = "returned"
group = "postal"

[[any_of]]
keys = ["witness", "lodging_av"]
group = "lodged"
message = "应由见证人签名或录像"
basis = "seed 002 Art. 11"

[[signatures]]
key = "party_signature"
kind = "party"
label = "当事人签名"
[signatures.refusal]
countersign = "officers_signature"
min_signers = 2
basis = "seed 000 Art. 14"

[[signatures]]
key = "officers_signature"
kind = "officers"
label = "执法人员签名"

[[signatures]]
key = "witness"
kind = "witness"
label = "见证人"
required = false
group = "lodged"

[[signatures]]
key = "reviewer"
kind = "reviewer"
label = "审核意见"
required = false

[[signatures]]
key = "substitute"
kind = "substitute_recipient"
label = "代收人"
required = false
"""

OFFICERS = [{"name": "张三", "cert_no": "13010000001"}, {"name": "李四", "cert_no": "13010000002"}]
VALID_ID = "11010519491231002X"
WRONG_ID = "110105194912310021"  # last character is not the check digit
COMPLETE = {
    "title_text": "某字〔2024〕1号",
    "opened_on": date(2024, 3, 1),
    "credentials_shown": True,
    "party": 7,
    "officers": OFFICERS,
    "party_signature": {"name": "王五", "date": date(2024, 3, 1)},
    "officers_signature": {"signers": OFFICERS, "date": "2024-03-01"},
}


def _replace(old: str, new: str, text: str = SAMPLE) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _error(text: str, filename: str = FILENAME) -> FormError:
    with pytest.raises(FormError) as info:
        parse_form(text, filename)
    return info.value


@pytest.fixture(scope="module")
def spec():
    return parse_form(SAMPLE, FILENAME)


def _problems(spec, *, final=True, procedure=None, **changes):
    values = {**COMPLETE, **changes}
    values = {k: v for k, v in values.items() if v is not None}
    return validate_values(spec, values, final=final, procedure=procedure)


def _by_key(problems):
    return {p.key: p for p in problems}


# ---------------------------------------------------------------- what a valid file gives


def test_sample_parses_every_part(spec):
    assert spec.code == "sample" and spec.title == "示例文书" and spec.kind is DocumentKind.INVESTIGATION
    assert spec.stages == (Stage.INVESTIGATION, Stage.SERVICE) and spec.stage is Stage.INVESTIGATION
    assert spec.procedures == (Procedure.PENALTY, Procedure.PERMIT)  # code or label
    assert spec.av_act == "on_site_inspection" and spec.order == 5
    assert spec.basis == (Source("000", "14"), Source("行政处罚法", "42"))
    assert {f.type for f in spec.fields} == set(FieldType)
    assert spec.method_field.key == "method"
    assert spec.group("lodged").methods == (ServiceMethod.LODGED,)
    assert spec.applies_to(Procedure.PERMIT, Stage.SERVICE) and not spec.applies_to(Procedure.INSPECTION, Stage.SERVICE)


def test_field_details(spec):
    title = spec.field("title_text")
    assert title.required and title.validators.max_length == 10 and title.print_hints.width == 0.5
    assert spec.field("notes").print_hints.lines == 5 and not spec.field("notes").required
    assert spec.field("sex").choices[0].value == spec.field("sex").choices[0].label == "男"
    assert spec.field("rights").choice_label("defence") == "申辩"
    assert spec.field("officers").min == 1  # default: at least one officer
    assert spec.field("fine").max == Decimal("10000")
    assert spec.field("materials").validators.required_columns == ("name", "copies", "kind", "standard")
    assert spec.field("closed_at").validators.not_before.days == 2
    assert spec.field("deemed_on").basis == (Source("民事诉讼法", "95"),)


def test_signature_slots(spec):
    party = spec.slot("party_signature")
    assert party.kind is SignatureKind.PARTY and party.required and party.dated
    assert party.refusal.countersign == "officers_signature" and party.refusal.min_signers == 2
    assert party.refusal.basis == (Source("000", "14"),)
    assert spec.slot("reviewer").kind.has_opinion and spec.slot("officers_signature").kind.is_list
    assert spec.slot("witness").group == "lodged" and not spec.slot("witness").required


def test_the_domain_module_imports_no_qt_and_no_sql():
    code = ("import sys, jlclient.domain.forms; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'sqlalchemy', 'shiboken6')]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])


# ---------------------------------------------------------------- every file error names its key


def test_error_message_is_chinese_and_names_file_and_key():
    e = _error(_replace('type = "integer"', 'type = "number"'))
    assert e.filename == FILENAME and e.key == "fields[5].type"
    assert str(e).startswith("表单文件 sample.toml：键 fields[5].type 应为")
    assert '"number"' in str(e)


BROKEN = [
    ("unknown top-level key", 'order = 5', 'order = 5\ncolour = "red"', "colour"),
    ("unknown field key", 'print = { lines = 5 }', 'print = { lines = 5 }\nwidth = 3', "fields[1].width"),
    ("unknown field type", 'type = "phone"', 'type = "telephone"', "fields[12].type"),
    ("bad stage", '"INVESTIGATION", "SERVICE"]', '"INVESTIGATION", "REVIEW"]', "stages"),
    ("bad procedure", '"PENALTY", "行政许可"]', '"PENALTY", "LICENCE"]', "procedures"),
    ("procedure without the stage", '"PENALTY", "行政许可"]', '"PERMIT", "BENEFIT"]\nstages_x = 1', "stages_x"),
    ("bad service method", 'methods = ["LODGED"]', 'methods = ["PIGEON"]', "groups[0].methods"),
    ("duplicate field key", 'key = "notes"', 'key = "title_text"', "fields[1].key"),
    ("choice without choices", 'choices = ["男", "女"]\n', '', "fields[7].choices"),
    ("choices on a text field", 'print = { lines = 5 }', 'print = { lines = 5 }\nchoices = ["a"]', "fields[1].choices"),
    ("min on a text field", 'print = { lines = 5 }', 'print = { lines = 5 }\nmin = 1', "fields[1].min"),
    ("unknown AV act", 'av_act = "on_site_inspection"', 'av_act = "filming"', "av_act"),
    ("unknown AV act in a group", 'av_act = "lodged_service"', 'av_act = "lodging"', "groups[0].av_act"),
    ("malformed basis", 'basis = "民事诉讼法 Art. 95"', 'basis = "CPL 95"', "fields[4].basis"),
    ("unknown law", 'basis = "民事诉讼法 Art. 95"', 'basis = "刑法 Art. 1"', "fields[4].basis"),
    ("unknown seed", 'basis = "seed 002 Art. 11"\n\n[[groups]]', 'basis = "seed 009 Art. 11"\n\n[[groups]]',
     "groups[0].basis"),
    ("missing group", 'group = "postal"\n\n[[fields]]\nkey = "delivered_on"',
     'group = "mail"\n\n[[fields]]\nkey = "delivered_on"', "fields[20].group"),
    ("required_if on a non-bool", 'required_if = "returned"', 'required_if = "notes"', "fields[22].required_if"),
    ("date link to a missing field", 'key = "opened_on", days = 2', 'key = "started_on", days = 2',
     "fields[3].validators.not_before.key"),
    ("unknown validator", 'validators = { required_columns = ["standard"] }',
     'validators = { required_columns = ["standard"], unique = true }', "fields[15].validators.unique"),
    ("invalid pattern", "pattern = '\\S+〔\\d{4}〕\\d+号'", "pattern = '(['", "fields[0].validators.pattern"),
    ("print width above 1", 'print = { width = 0.5 }', 'print = { width = 2 }', "fields[0].print.width"),
    ("refusal on a witness", 'group = "lodged"\n\n[[signatures]]\nkey = "reviewer"',
     'group = "lodged"\nrefusal = { countersign = "officers_signature" }\n\n[[signatures]]\nkey = "reviewer"',
     "signatures[2].refusal"),
    ("countersign by an unknown slot", 'countersign = "officers_signature"', 'countersign = "boss"',
     "signatures[0].refusal.countersign"),
    ("slot key taken by a field", 'key = "witness"', 'key = "notes"', "signatures[2].key"),
    ("unknown signature kind", 'kind = "reviewer"', 'kind = "inspector"', "signatures[3].kind"),
    ("min on a one-person slot", 'kind = "reviewer"', 'kind = "reviewer"\nmin = 2', "signatures[3].min"),
    ("any_of naming an unknown key", 'keys = ["witness", "lodging_av"]', 'keys = ["witness", "video"]', "any_of[0].keys"),
    ("code differs from file name", 'code = "sample"', 'code = "other"', "code"),
    ("code not snake_case", 'code = "sample"', 'code = "Sample-Form"', "code"),
    ("investigation party slot without refusal rule",
     '[signatures.refusal]\ncountersign = "officers_signature"\nmin_signers = 2\nbasis = "seed 000 Art. 14"\n', '',
     "signatures[0].refusal"),
    ("penalty-only form with one officer", '"PENALTY", "行政许可"]', '"PENALTY"]', "fields[14].min"),
    ("method groups without a method field", 'type = "service_method"', 'type = "text"', "groups[0].methods"),
]


@pytest.mark.parametrize("what,old,new,key", BROKEN, ids=[b[0] for b in BROKEN])
def test_every_error_names_its_dotted_key(what, old, new, key):
    e = _error(_replace(old, new))
    assert e.key == key, str(e)
    assert str(e).startswith(f"表单文件 {FILENAME}：键 {key} "), str(e)


def test_procedure_without_any_of_the_stages():
    e = _error(_replace('stages = ["INVESTIGATION", "SERVICE"]', 'stages = ["ACCEPTANCE"]'))
    assert e.key == "procedures" and "行政处罚没有本表单所属的环节" in str(e)


def test_issued_document_needs_a_seal():
    e = _error(_replace('kind = "investigation"', 'kind = "issued"'))
    assert e.key == "signatures" and "seed 000 Art. 13" in str(e)


def test_not_toml_is_reported_without_a_key():
    e = _error("code = ")
    assert e.key is None and str(e).startswith("表单文件 sample.toml：不是有效的 TOML")


def test_missing_fields_table():
    text = SAMPLE[: SAMPLE.index("[[groups]]")]
    assert _error(text).key == "fields"


# ---------------------------------------------------------------- values: draft and final


def test_a_complete_page_has_no_problems(spec):
    assert _problems(spec) == []


def test_an_empty_draft_has_no_problems(spec):
    assert validate_values(spec, {}, final=False) == []


def test_final_names_every_missing_required_key(spec):
    problems = validate_values(spec, {}, final=True, procedure=Procedure.PERMIT)
    assert [p.key for p in problems] == ["title_text", "opened_on", "credentials_shown", "party", "officers",
                                        "party_signature", "officers_signature"]
    assert problems[0].label == "标题" and problems[0].message == "此项必填"
    assert problems[2].message == "此项必填（行政处罚法 Art. 55）"
    assert problems[2].basis == (Source("行政处罚法", "55"),)


def test_a_draft_keeps_format_problems_but_not_missing_or_unticked_ones(spec):
    values = {"credentials_shown": False, "pages": 0, "opened_on": "2024-02-30"}
    assert {p.key for p in validate_values(spec, values, final=False)} == {"pages", "opened_on"}
    final = _by_key(validate_values(spec, values, final=True))
    assert final["credentials_shown"].message == "须确认此项（行政处罚法 Art. 55）"
    assert "title_text" in final and "pages" in final


FORMAT = [
    ("title_text", "某字2024号", "格式不正确，应如 某字〔2024〕1号"),
    ("title_text", "某某某某某字〔2024〕1号", "不能超过 10 个字（现有 14 个）"),
    ("notes", 42, "应为文字"),
    ("opened_on", "2024-13-01", "应为日期，如 2024-03-15"),
    ("opened_on", datetime(2024, 3, 1, 9, 0), "应为日期，如 2024-03-15"),
    ("closed_at", "yesterday", "应为日期和时间，如 2024-03-15 14:30"),
    ("pages", "three", "应为整数"),
    ("pages", True, "应为整数"),
    ("pages", 100, "不能大于 99"),
    ("fine", "12.345", "应为金额（元），最多两位小数，如 2000.00"),
    ("fine", "-5", "金额不能为负数"),
    ("fine", Decimal("10000.01"), "不能大于 10000 元"),
    ("sex", "未知", "应为以下选项之一：男、女"),
    ("rights", ["statement", "appeal"], "“appeal”不是可选项（可选：陈述、申辩、听证）"),
    ("rights", ["statement", "statement"], "有重复的选项"),
    ("credentials_shown", "yes", "应为“是”或“否”"),
    ("credit_code", "91110000600037341X", "统一社会信用代码校验位不对，请核对是否抄错（应为 18 位数字或大写字母）"),
    ("phone", "12345678901234", "电话号码“12345678901234”位数或格式不对；请填写手机号码（11 位）或带区号的座机号码（如 0311-82512345）"),
    ("party", 0, "应为对当事人的引用（编号）"),
    ("photo", ["a"], "应为对电子记录的引用（编号）"),
    ("method", "PIGEON", "应为以下送达方式之一：直接送达、委托送达、邮寄送达、公告送达、留置送达、电子送达、转交送达"),
    ("officers", "张三", "应为执法人员列表"),
    ("materials", [1, 2], "应为材料列表"),
]


@pytest.mark.parametrize("key,value,message", FORMAT, ids=[f"{f[0]}-{i}" for i, f in enumerate(FORMAT)])
def test_format_problems_name_the_key_in_draft_and_final(spec, key, value, message):
    for final in (False, True):
        problems = [p for p in _problems(spec, final=final, **{key: value}) if p.key == key]
        assert [p.message for p in problems] == [message], (final, problems)
        assert problems[0].label == spec.field(key).label


def test_a_wrong_resident_id_gives_the_check_digit_message(spec):
    assert _problems(spec, resident_id=VALID_ID) == []
    [problem] = _problems(spec, final=False, resident_id=WRONG_ID)
    assert problem.key == "resident_id" and problem.label == "身份证号码"
    assert "校验位" in problem.message and problem.message.startswith("身份证号码")


def test_good_values_of_every_type_pass(spec):
    assert _problems(spec, notes="多行\n文字", closed_at="2024-03-04T09:30", pages="12", fine="2000.5",
                     sex="女", rights=["statement", "defence"], resident_id=VALID_ID.lower(),
                     credit_code="91110000600037341L", phone="0311-81234567", photo="sha256:abc",
                     method=ServiceMethod.DIRECT,
                     materials=[{"name": "营业执照", "copies": 1, "kind": "copy", "standard": "加盖公章"}]) == []
    assert _problems(spec, phone="13912345678", fine=Decimal("10000"), method="直接送达") == []


def test_row_problems_name_the_row_and_column(spec):
    officers = [{"name": "张三", "cert_no": "X1"}, {"name": "李四", "cert_no": "X1", "rank": 3}]
    keys = {p.key: p.message for p in _problems(spec, final=False, officers=officers)}
    assert keys == {"officers[1].rank": "“rank”不是可填写的项", "officers[1].cert_no": "执法证号 X1 重复"}
    materials = [{"name": "身份证", "copies": 0, "kind": "scan"}]
    keys = {p.key for p in _problems(spec, final=False, materials=materials)}
    assert keys == {"materials[0].copies", "materials[0].kind"}


def test_final_rows_need_every_required_column(spec):
    problems = _by_key(_problems(spec, officers=[{"name": "张三"}, {"name": "李四", "cert_no": "A2"}],
                                 materials=[{"name": "身份证", "copies": 1, "kind": "original"}]))
    assert problems["officers[0].cert_no"].message == "应填写执法证号"
    assert problems["materials[0].standard"].label == "材料（第 1 行标准）"
    assert problems["materials[0].standard"].message == "应填写标准"


def test_cross_field_dates_are_checked_when_finishing(spec):
    early = {"closed_at": datetime(2024, 3, 2, 8, 0), "deemed_on": date(2024, 3, 30)}
    assert _problems(spec, final=False, **early) == []
    problems = _by_key(_problems(spec, **early))
    assert problems["closed_at"].message == "应不早于“开始日期”后第 2 日（2024-03-03）"
    assert problems["deemed_on"].message == "应为“开始日期”之后第 30 日，即 2024-03-31（民事诉讼法 Art. 95）"
    assert _problems(spec, closed_at=datetime(2024, 3, 3, 8, 0), deemed_on=date(2024, 3, 31)) == []


def test_selection_minimum_is_a_final_check(spec):
    assert _problems(spec, final=False, rights=["statement"]) == []
    [problem] = _problems(spec, rights=["statement"])
    assert (problem.key, problem.message) == ("rights", "至少选 2 项")


# ---------------------------------------------------------------- signatures


def test_refusal_to_sign_needs_the_note_and_two_officers(spec):
    one = [OFFICERS[0]]
    refused = {"refused": True, "date": "2024-03-01"}
    signed_by_one = {"signers": one, "date": "2024-03-01"}
    assert _problems(spec, final=False, party_signature=refused, officers_signature=signed_by_one) == []
    problems = _by_key(_problems(spec, procedure=Procedure.PERMIT, party_signature=refused,
                                 officers_signature=signed_by_one))
    assert problems["party_signature.note"].message == "当事人拒绝签字的，应在文书中注明（seed 000 Art. 14）"
    assert problems["officers_signature"].message == \
        "当事人拒绝签字的，应由 2 名以上人员在“执法人员签名”处签字（seed 000 Art. 14）"
    noted = {**refused, "note": "当事人拒绝签字"}
    assert _problems(spec, party_signature=noted) == []


def test_refusal_is_not_allowed_without_a_rule(spec):
    problems = _by_key(_problems(spec, substitute={"refused": True}))
    assert problems["substitute.refused"].message == "“refused”不是代收人签名可填写的项"


def test_each_opinion_needs_its_own_text_and_date(spec):
    problems = _by_key(_problems(spec, reviewer={"name": "赵六"}))
    assert problems["reviewer.opinion"].message == "应填写审核意见（seed 000 Art. 15）"
    assert problems["reviewer.date"].message == "各审批意见应分别载明签字日期（seed 000 Art. 15）"
    assert _problems(spec, reviewer={"name": "赵六", "opinion": "同意", "date": date(2024, 3, 2)}) == []


def test_signatures_need_a_date_and_a_valid_shape(spec):
    problems = _by_key(_problems(spec, party_signature={"name": "王五"}))
    assert problems["party_signature.date"].message == "应载明签字日期"
    draft = _by_key(_problems(spec, final=False, party_signature={"name": "王五", "date": "3月1日", "seal": 1}))
    assert set(draft) == {"party_signature.date", "party_signature.seal"}
    assert _problems(spec, final=False, party_signature="王五")[0].message == "签名数据格式不正确"


def test_substitute_recipient_states_relation_and_reason(spec):
    problems = _by_key(_problems(spec, substitute={"name": "王小五", "date": "2024-03-01"}))
    assert set(problems) == {"substitute.relation", "substitute.reason"}


def test_officer_signers_need_certificate_numbers(spec):
    signers = {"signers": [{"name": "张三"}], "date": "2024-03-01"}
    problems = _by_key(_problems(spec, procedure=Procedure.PERMIT, officers_signature=signers))
    assert problems["officers_signature.signers[0].cert_no"].message == "应填写执法证号"


# ---------------------------------------------------------------- the penalty two-officer rule


def test_a_penalty_needs_two_officers(spec):
    one = [OFFICERS[0]]
    signed = {"signers": one, "date": "2024-03-01"}
    assert _problems(spec, procedure=Procedure.PERMIT, officers=one, officers_signature=signed) == []
    problems = _by_key(_problems(spec, procedure=Procedure.PENALTY, officers=one, officers_signature=signed))
    assert problems["officers"].message == "执法人员不得少于 2 人（行政处罚法 Art. 42）"
    assert problems["officers_signature"].message == "签名人不得少于 2 人（行政处罚法 Art. 42）"
    assert problems["officers"].basis == (Source("行政处罚法", "42"),)
    assert _problems(spec, procedure=Procedure.PENALTY) == []


def test_a_penalty_only_form_applies_the_rule_without_being_told():
    text = _replace('"PENALTY", "行政许可"]', '"PENALTY"]')
    text = _replace('basis = "seed 000 Art. 8"', 'min = 2', text)
    text = _replace('label = "执法人员签名"', 'label = "执法人员签名"\nmin = 2', text)
    penalty = parse_form(text, FILENAME)
    assert _problems(penalty, officers=[OFFICERS[0]])[0].key == "officers"


# ---------------------------------------------------------------- service-method groups


def test_method_groups_apply_only_to_their_method(spec):
    assert active_method(spec, {"method": "LODGED"}) is ServiceMethod.LODGED
    assert active_method(spec, {"method": "nonsense"}) is None
    assert _problems(spec, method="DIRECT") == []
    lodged = _by_key(_problems(spec, method="LODGED"))
    assert set(lodged) == {"refusal_reason", "witness"}
    assert lodged["witness"].label == "见证人 或 留置录像"
    assert lodged["witness"].message == "应由见证人签名或录像（seed 002 Art. 11）"
    assert _problems(spec, method="LODGED", refusal_reason="拒收", lodging_av="rec-1") == []
    witness = {"name": "村委会 刘七", "unit": "某村委会", "date": "2024-03-01"}
    assert _problems(spec, method="LODGED", refusal_reason="拒收", witness=witness) == []


def test_fields_of_another_method_are_ignored(spec):
    assert _problems(spec, method="DIRECT", delivered_on="not a date") == []
    assert _by_key(_problems(spec, final=False, method="POSTAL", delivered_on="not a date"))


def test_required_if_and_unless(spec):
    assert set(_by_key(_problems(spec, method="POSTAL"))) == {"delivered_on"}
    assert set(_by_key(_problems(spec, method="POSTAL", returned=True))) == {"return_note"}
    assert _problems(spec, method="POSTAL", returned=True, return_note="查无此人") == []


# ---------------------------------------------------------------- AV by the agency's profile


def _profile(*acts: AvAct) -> RuleProfile:
    return RuleProfile(key="sample", agency=Agency("某局", "某"), seed_file="000_eb98a094524767c4.txt",
                       regulation=Regulation("某局行政执法全过程记录办法"),
                       procedures=ProcedureScope((Procedure.PENALTY,), Source("000", "2")), av_acts=acts)


def test_av_required_follows_the_profile(spec):
    required = AvAct("on_site_inspection", Level.REQUIRED, True, Source("000", "19"))
    recommended = AvAct("on_site_inspection", Level.RECOMMENDED, False, Source("001", "11"))
    assert av_required(spec, _profile(required)) == (True, Source("000", "19"))
    assert av_required(spec, _profile(recommended)) == (False, None)
    assert av_required(spec, _profile()) == (False, None)


def test_av_required_by_a_method_group(spec):
    lodged = AvAct("lodged_service", Level.REQUIRED, True, Source("004", "10, 15"))
    assert av_required(spec, _profile(lodged)) == (False, None)
    assert av_required(spec, _profile(lodged), method=ServiceMethod.DIRECT) == (False, None)
    assert av_required(spec, _profile(lodged), method=ServiceMethod.LODGED) == (True, Source("004", "10, 15"))


def test_a_form_without_an_av_act_never_requires_av():
    no_av = parse_form(_replace('av_act = "on_site_inspection"\n', ''), FILENAME)
    act = AvAct("on_site_inspection", Level.REQUIRED, True, Source("000", "19"))
    assert no_av.av_act is None and av_required(no_av, _profile(act)) == (False, None)
