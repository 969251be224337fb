"""Case import answers every hostile input with a message naming what is wrong (issue 15, finding 8):
a date outside the years that can be stored, deep nesting, a number longer than any column, a lone
surrogate or NUL, an oversized file. Each was a traceback before; now it is an ImportProblem and the
database is left exactly as it was."""
import json
import re

import pytest

from jlclient.services import exchange
from jlclient.services.exchange import ImportProblem
from tests.services.test_exchange import ACTOR, FREE, PENALTY, _refused, _set, _snapshot


@pytest.fixture
def penalty(demo_ctx):
    data = exchange.export_case(demo_ctx, PENALTY)
    data["case"]["number"] = FREE
    return data


def _extension(**changes):
    row = {"rule": "penalty_decision", "kind": "EXTENSION", "cause": None, "start": "2026-03-01", "end": None,
           "days": 10, "reason": "案情复杂", "approved_by": "user:approver", "created_at": "2026-03-01T00:00:00Z",
           "created_by": "user:officer"}
    return {**row, **changes}


@pytest.mark.parametrize("path, value", [
    ("case.opened_at", "0001-01-01T00:00:00+08:00"),     # OverflowError converting to UTC before
    ("case.opened_at", "9999-12-31T23:59:59-05:00"),
    ("case.opened_at", "1899-12-31T23:59:59Z"),
    ("stages[0].entered_at", "2101-01-01T00:00:00Z"),
    ("records[0].revisions[0].created_at", "0001-01-01T00:00:00+08:00"),
])
def test_a_time_outside_the_storable_years_is_refused_naming_field_and_value(demo_ctx, penalty, path, value):
    _set(penalty, path, value)
    _refused(demo_ctx, penalty, path, re.escape(f"“{value}”超出可接受的范围（1900 年至 2100 年）"))


def test_a_date_outside_the_storable_years_is_refused(demo_ctx, penalty):
    penalty["deadline_adjustments"] = [_extension(start="0001-01-01")]
    _refused(demo_ctx, penalty, "deadline_adjustments[0].start", "“0001-01-01”超出可接受的范围")


def test_an_extension_of_a_billion_days_is_refused_before_the_reckoning_counts_them(demo_ctx, penalty):
    penalty["deadline_adjustments"] = [_extension(days=10**9)]
    _refused(demo_ctx, penalty, "deadline_adjustments[0].days", "应在 1 到 365 之间")


@pytest.mark.parametrize("path", ["case.title", "parties[0].address", "records[0].revisions[0].fields.事项"])
def test_a_lone_surrogate_is_refused_naming_the_field(demo_ctx, penalty, path):
    _set(penalty, path, "灵寿\ud800县")
    problem = _refused(demo_ctx, penalty, path, "含有不能保存的字符.*U\\+D800")
    str(problem).encode("utf-8")      # the message itself can be printed


def test_a_lone_surrogate_in_a_field_name_is_refused_and_the_message_can_be_printed(demo_ctx, penalty):
    penalty["records"][0]["revisions"][0]["fields"]["事\udc80"] = "x"
    problem = _refused(demo_ctx, penalty, "records[0].revisions[0].fields.事\\udc80", "不成对的代理码")
    str(problem).encode("utf-8")


def test_a_nul_character_is_refused(demo_ctx, penalty):
    penalty["case"]["title"] = "无证\x00经营"
    _refused(demo_ctx, penalty, "case.title", "空字符 U\\+0000")


def test_a_huge_integer_handed_in_from_code_is_refused_without_a_traceback(demo_ctx, penalty):
    penalty["records"][0]["revisions"][0]["fields"]["金额"] = 10**5000
    _refused(demo_ctx, penalty, "records[0].revisions[0].fields", "不能写成 JSON")
    penalty["records"][0]["revisions"][0]["fields"]["金额"] = 1
    penalty["electronic_records"] = [{"stage": None, "title": "x", "kind": "照片", "file_name": "x.jpg",
                                      "size": 10**5000, "sha256": "0" * 64, "created_at": "2026-03-01T00:00:00Z",
                                      "created_by": "user:officer"}]
    _refused(demo_ctx, penalty, "electronic_records[0].size", "应在 0 到")


def test_deep_nesting_handed_in_from_code_is_refused_without_recursion(demo_ctx, penalty):
    deep = inner = {}
    for _ in range(100_000):
        inner["a"] = {}
        inner = inner["a"]
    penalty["records"][0]["revisions"][0]["fields"]["附注"] = deep
    before = _snapshot(demo_ctx)
    with pytest.raises(ImportProblem, match="嵌套超过 64 层"):
        exchange.import_case(demo_ctx, ACTOR, penalty)
    assert _snapshot(demo_ctx) == before


# --- files ---------------------------------------------------------------------------------------

def _load(tmp_path, content: bytes):
    path = tmp_path / "case.json"
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("content", [
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a": ' * 100_000 + b"1" + b"}" * 100_000,
    b'{"format": "jlclient.case/1", "x": ' + b"[" * 65 + b"]" * 65 + b"}",
])
def test_a_deeply_nested_file_is_refused_before_parsing(tmp_path, content):
    with pytest.raises(ImportProblem, match="嵌套超过 64 层，不是案件交换文件"):
        exchange.load_json(_load(tmp_path, content))


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path):
    text = json.dumps({"format": "jlclient.case/1", "note": "[{" * 200 + '\\"' + "]}" * 3})
    assert exchange.load_json(_load(tmp_path, text.encode()))["note"].startswith("[{[{")


def test_a_five_thousand_digit_integer_is_refused_with_its_length(tmp_path):
    with pytest.raises(ImportProblem, match="5000 位的整数（以 99999999… 开头），超出可保存的范围"):
        exchange.load_json(_load(tmp_path, b'{"size": ' + b"9" * 5000 + b"}"))
    assert exchange.load_json(_load(tmp_path, b'{"size": -9223372036854775807}'))["size"] == -(2**63 - 1)


def test_an_oversized_file_is_refused_before_it_is_read_whole(tmp_path):
    path = tmp_path / "case.json"
    with path.open("wb") as f:
        f.truncate(65 * 1024 * 1024)    # sparse: the test itself stays small
    with pytest.raises(ImportProblem, match="超过 64 MB，不是案件交换文件"):
        exchange.load_json(path)


def test_a_lone_surrogate_read_from_a_file_is_refused_at_import(demo_ctx, penalty, tmp_path):
    text = exchange.dumps(penalty).replace('"title": "', '"title": "\\ud800', 1)
    data = exchange.load_json(_load(tmp_path, text.encode()))
    problem = _refused(demo_ctx, data, "case.title", "含有不能保存的字符")
    str(problem).encode("utf-8")


def test_the_documented_limits_leave_a_real_document_alone(demo_ctx, penalty, tmp_path):
    data = exchange.load_json(_load(tmp_path, exchange.dumps(penalty).encode()))
    assert exchange.import_case(demo_ctx, ACTOR, data).number == FREE


def _unborn_id() -> str:
    """A 身份证号 with a valid check digit whose holder would be born in 2099."""
    from stdnum.cn import ric
    body = "11010520990101001"
    return body + ric.calc_check_digit(body + "0")


def test_an_id_number_whose_holder_is_not_yet_born_is_refused(demo_ctx, penalty):
    penalty["parties"].append({"role": "当事人", "kind": "PERSON", "name": "刘芳", "number": _unborn_id(),
                               "phone": "", "address": ""})
    _refused(demo_ctx, penalty, "parties[1].number", "出生日期 2099 年 1 月 1 日晚于今天")


def test_party_entry_refuses_the_same_number():
    from jlclient.services.context import ServiceError
    from jlclient.services.parties import PERSON, PartyInput, validated
    with pytest.raises(ServiceError, match="出生日期 2099 年 1 月 1 日晚于今天"):
        validated(PartyInput(PERSON, "刘芳", _unborn_id()))
