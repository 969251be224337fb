"""Case exchange, format jlclient.case/1 (docs/case-json.md): export, import, and refusals that
name the field and leave the database exactly as it was."""
import copy
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jlclient.config import Paths
from jlclient.services import exchange, setup
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.exchange import ImportProblem
from jlclient.services.verify import verify
from jlclient.store.models import AUDITED_MODELS, AuditEntry, Case, TextRecordRevision

DOC = Path(__file__).resolve().parents[2] / "docs" / "case-json.md"
ACTOR = "user:importer"
PERMIT = "灵行审许〔2026〕1号"    # demo case with an attached scan
PENALTY = "灵行审罚〔2026〕1号"   # demo penalty with two officers
FREE = "灵行审罚〔2026〕99号"


@pytest.fixture
def ctx(tmp_path):
    """The export source (demo_ctx builds on it) in its own directory: any_ctx, the import target,
    uses tmp_path/home and would otherwise open the same SQLite file."""
    home = tmp_path / "source"
    home.mkdir()
    context = AppContext.open(Paths(home, f"sqlite:///{home / 'jlclient.db'}", home / "evidence"))
    yield context
    context.close()


@pytest.fixture
def penalty(demo_ctx):
    """The demo penalty as a document, renumbered so that it can go back into the demo database."""
    data = exchange.export_case(demo_ctx, PENALTY)
    data["case"]["number"] = FREE
    return data


def _snapshot(ctx):
    with ctx.db.read() as s:
        counts = {m.__tablename__: s.scalar(select(func.count()).select_from(m)) for m in AUDITED_MODELS}
    report = verify(ctx)
    assert report.ok, report.problem
    return report.entries, counts


def _refused(ctx, data, path, match=""):
    before = _snapshot(ctx)
    with pytest.raises(ImportProblem) as info:
        exchange.import_case(ctx, ACTOR, data)
    assert info.value.path == path
    assert f"字段 {path}：" in str(info.value)
    assert re.search(match, str(info.value)), str(info.value)
    assert _snapshot(ctx) == before
    return info.value


def _comparable(data):
    """A document without what an import rightly changes: who wrote it here and when, and who exported it."""
    data = copy.deepcopy(data)
    del data["exported_at"], data["agency"], data["case"]["created_by"]
    for record in data["records"]:
        for revision in record["revisions"]:
            del revision["author"], revision["created_at"], revision["note"]
    for row in data["electronic_records"] + data["deadline_adjustments"]:
        del row["created_by"]
    return data


def _copy_files(source, target, data):
    for e in data["electronic_records"]:
        with source.evidence.open(e["sha256"]) as f:
            target.evidence.put_bytes(f.read())


def _documented_example():
    block = re.search(r"## Complete example.*?```json\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    return json.loads(block.group(1))


# --- round trips ------------------------------------------------------------------------------

def test_round_trip_of_every_demo_case(demo_ctx, any_ctx, tmp_path):
    setup.initialise(any_ctx, "cli:test")
    with demo_ctx.db.read() as s:
        numbers = list(s.scalars(select(Case.number).order_by(Case.id)))
    for number in numbers:
        original = exchange.export_case(demo_ctx, number)
        _copy_files(demo_ctx, any_ctx, original)
        path = tmp_path / "case.json"
        path.write_text(exchange.dumps(original), encoding="utf-8")
        row = exchange.import_case(any_ctx, ACTOR, exchange.load_json(path))
        assert row.number == number
        assert _comparable(exchange.export_case(any_ctx, number)) == _comparable(original)
    report = verify(any_ctx)
    assert report.ok, report.problem
    assert report.files == 1
    with any_ctx.db.read() as s:
        assert set(s.scalars(select(Case.created_by))) == {ACTOR}
        notes = set(s.scalars(select(TextRecordRevision.note)))
        assert notes and all(re.match(r"导入：原作者 (cli:test|user:(clerk|officer|approver))，原时间 ", n) for n in notes)
        assert s.scalar(select(func.count()).where(AuditEntry.action == "case.import")) == len(numbers)


def test_documented_example_imports_and_exports_unchanged(ctx):
    example = _documented_example()
    ctx.evidence.put_bytes("营业执照复印件（演示数据）\n".encode("utf-8"))
    row = exchange.import_case(ctx, ACTOR, example)
    assert row.status.value == "CLOSED" and row.stage.value == "ARCHIVING"
    again = exchange.export_case(ctx, str(row.id))
    assert _comparable(again) == _comparable(example)
    notes = [r["note"] for r in again["records"][0]["revisions"]]
    assert notes[1] == "导入：原作者 user:clerk，原时间 2026-03-02T02:05:00.250000Z；原说明：营业执照复印件份数更正为 2 份"
    assert verify(ctx).ok


def test_export_is_stable_and_finds_cases_by_number_or_id(demo_ctx):
    by_number = exchange.export_case(demo_ctx, PERMIT)
    by_id = exchange.export_case(demo_ctx, "1")
    assert list(by_number) == list(exchange.DOCUMENT)
    assert list(by_number["case"]) == list(exchange.CASE)
    assert list(by_number["parties"][0]) == list(exchange.PARTY)
    del by_number["exported_at"], by_id["exported_at"]
    assert exchange.dumps(by_number) == exchange.dumps(by_id)
    assert by_number["case"]["opened_at"].endswith("Z")
    with pytest.raises(ServiceError, match="没有案件"):
        exchange.export_case(demo_ctx, "灵行审许〔2026〕404号")


# --- refusals ---------------------------------------------------------------------------------

def test_malformed_json_names_line_and_column(demo_ctx, tmp_path):
    path = tmp_path / "case.json"
    path.write_text('{\n  "format": "jlclient.case/1"\n  "case": {}\n}\n', encoding="utf-8")
    before = _snapshot(demo_ctx)
    with pytest.raises(ImportProblem, match="第 3 行第 3 列，缺少逗号") as info:
        exchange.import_case(demo_ctx, ACTOR, exchange.load_json(path))
    assert info.value.path == ""
    assert _snapshot(demo_ctx) == before


@pytest.mark.parametrize("content, message", [
    (b'{"format": "jlclient.case/1", "format": "x"}', "“format”出现了两次"),
    (b'[1, 2]', "最外层应为 JSON 对象"),
    (b'{"a": "\xff\xfe"}', "第 1 行不是 UTF-8"),
    (b'{"a": 1,}', "第 1 行第 9 列"),
])
def test_unreadable_files(tmp_path, content, message):
    path = tmp_path / "case.json"
    path.write_bytes(content)
    with pytest.raises(ImportProblem, match=message):
        exchange.load_json(path)


def test_missing_file(tmp_path):
    with pytest.raises(ImportProblem, match="找不到文件"):
        exchange.load_json(tmp_path / "missing.json")


def _set(data, path, value):
    """Set the value at a JSON path such as ``records[0].revisions[0].final``."""
    keys = [int(k) if k.isdigit() else k for k in re.findall(r"[^.\[\]]+", path)]
    target = data
    for key in keys[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[keys[-1]]
    else:
        target[keys[-1]] = value


_DELETE = object()


@pytest.mark.parametrize("path, value, message", [
    ("case.opened_at", 20260301, "应为带时区的日期时间字符串（ISO 8601.*文件中是数字"),
    ("case.opened_at", "2026-03-01 09:30:00", "没有时区"),
    ("officers[0].cert_no", 13012601001, "应为字符串，文件中是数字"),
    ("records[0].revisions[0].final", "true", "应为布尔值.*文件中是字符串"),
    ("records[0].revisions[0].fields", ["事项"], "应为对象"),
    ("parties", {"name": "x"}, "应为数组，文件中是对象"),
    ("parties[0].mobile", "13800000000", "未知字段"),
    ("case.matter", _DELETE, "缺少此字段"),
    ("case.procedure", "FINE", "未知的执法类别“FINE”"),
    ("case.start_mode", "ON_APPLICATION", "行政处罚不能以“依申请”方式启动"),
    ("case.status", "CLOSED", "只经过了 2 / 6 个环节"),
    ("stages[1].entered_at", "2000-01-01T00:00:00Z", "早于上一环节"),
])
def test_wrong_types_and_values_are_refused(demo_ctx, penalty, path, value, message):
    _set(penalty, path, value)
    _refused(demo_ctx, penalty, path, message)


def test_extension_without_days(demo_ctx, penalty):
    penalty["deadline_adjustments"].append({
        "rule": "penalty_decision", "kind": "EXTENSION", "cause": None, "start": None, "end": None, "days": None,
        "reason": "案情复杂", "approved_by": "user:approver", "created_at": "2026-03-01T00:00:00Z",
        "created_by": "user:officer"})
    _refused(demo_ctx, penalty, "deadline_adjustments[0].days", "须填写延长的天数")


def test_unsupported_format_is_refused_first(demo_ctx, penalty):
    penalty["format"] = "jlclient.case/2"
    penalty["extra"] = 1
    _refused(demo_ctx, penalty, "format", "不支持的格式")


def test_unknown_stage(demo_ctx, penalty):
    penalty["records"][0]["stage"] = "REVIEW"
    _refused(demo_ctx, penalty, "records[0].stage", "未知的执法环节“REVIEW”.*INVESTIGATION（调查取证/审查）")


def test_record_in_a_stage_the_case_never_entered(demo_ctx, penalty):
    penalty["records"][0]["stage"] = "DECISION"
    _refused(demo_ctx, penalty, "records[0].stage", "没有进入过“决定”环节")


def test_invalid_id_number(demo_ctx, penalty):
    penalty["parties"].append({"role": "当事人", "kind": "PERSON", "name": "刘芳", "number": "110105194912310021",
                               "phone": "", "address": ""})
    _refused(demo_ctx, penalty, "parties[1].number", "校验位")


def test_invalid_credit_code(demo_ctx, penalty):
    penalty["parties"][0]["number"] = "92130126MA0D2468"
    _refused(demo_ctx, penalty, "parties[0].number", "统一社会信用代码位数不对")


@pytest.mark.parametrize("stages, path, message", [
    (["INITIATION", "DECISION"], "stages[1].stage", "第 2 个环节应为“调查取证/审查”，文件中是“决定”"),
    (["INITIATION", "ACCEPTANCE"], "stages[1].stage", "文件中是“受理”"),
    (["INVESTIGATION"], "stages[0].stage", "第 1 个环节应为“程序启动”"),
    (["INITIATION", "INVESTIGATION", "DECISION", "SERVICE", "EXECUTION", "ARCHIVING", "ARCHIVING"],
     "stages[6].stage", "只有 6 个环节"),
])
def test_stage_order_violation(demo_ctx, penalty, stages, path, message):
    at = penalty["stages"][-1]["entered_at"]
    penalty["stages"] = [{"stage": stage, "entered_at": at} for stage in stages]
    _refused(demo_ctx, penalty, path, message)


def test_penalty_with_one_officer(demo_ctx, penalty):
    del penalty["officers"][1]
    _refused(demo_ctx, penalty, "officers", "第四十二条.*只有 1 名")


def test_duplicate_number(demo_ctx):
    data = exchange.export_case(demo_ctx, PENALTY)
    _refused(demo_ctx, data, "case.number", f"已有案件“{re.escape(PENALTY)}”")


def test_officer_registered_under_another_name(demo_ctx, penalty):
    penalty["officers"][0]["name"] = "李四"
    _refused(demo_ctx, penalty, "officers[0].name", "登记的是“李娜”")


def test_party_registered_under_another_name(demo_ctx, penalty):
    penalty["parties"][0]["name"] = "灵寿县顺发商贸有限公司"
    _refused(demo_ctx, penalty, "parties[0].name", "登记的名称为“灵寿县顺发超市”")


def test_electronic_record_without_its_file(demo_ctx, any_ctx):
    setup.initialise(any_ctx, "cli:test")
    data = exchange.export_case(demo_ctx, PERMIT)
    _refused(any_ctx, data, "electronic_records[0].sha256", "证据库中没有此文件")


def test_a_failure_half_way_leaves_the_database_unchanged(demo_ctx, any_ctx, penalty, monkeypatch):
    setup.initialise(any_ctx, "cli:test")
    before = _snapshot(any_ctx)

    def broken(*_args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exchange, "_add_record", broken)
    with pytest.raises(RuntimeError):
        exchange.import_case(any_ctx, ACTOR, penalty)
    assert _snapshot(any_ctx) == before
    monkeypatch.undo()
    assert exchange.import_case(any_ctx, ACTOR, penalty).number == FREE
    assert verify(any_ctx).ok
