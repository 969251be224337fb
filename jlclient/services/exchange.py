"""Exchange of one case with provincial platforms as JSON: format ``jlclient.case/1`` (docs/case-json.md).

Export reads one case with its parties, officers, stages, text records (every revision),
electronic records (metadata and SHA-256 only) and deadline adjustments. Import checks the
whole document first — shape, types, codes, stage order, identity numbers, the two-officer
rule, the case number — and only then writes everything in one unit of work, one audit entry
per row. A refusal is an :class:`ImportProblem` naming the field by its JSON path
(``parties[0].number``); the database is left as it was.
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timezone
from os import PathLike
from pathlib import Path
from typing import Any, Callable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from jlclient.domain.model import CaseStatus, Procedure, Stage, StartMode, stages_for
from jlclient.domain.deadlines import RULES, SuspensionReason
from jlclient.domain.storable import is_storable
from jlclient.services import cases, users
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.parties import ORGANISATION, PERSON, PartyInput, find_or_add, validated
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.models import (Agency, Case, CaseOfficer, CaseParty, DeadlineAdjustment, ElectronicRecord,
                                   Officer, Party, StageEvent, TextRecord)

FORMAT = "jlclient.case/1"
PARTY_ROLES = ("申请人", "当事人")
ADJUSTMENT_KINDS = ("SUSPENSION", "EXTENSION")
_MAX_INT = 2**31 - 1          # INTEGER columns on PostgreSQL
_MAX_BIG = 2**63 - 1          # BIGINT: file sizes
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_YEARS = (1900, 2100)         # a time outside these years is a typing or export error, and 0001 cannot go to UTC
_MAX_EXTENSION_DAYS = 365     # deadline reckoning counts day by day: a billion days would never finish
_MAX_FILE_BYTES = 64 * 1024 * 1024   # one case without its files; a larger file is not a case document
_MAX_DEPTH = 64               # the format nests four levels; deeper is not a case document
_MAX_DIGITS = 20              # longer integers fit no column, and Python refuses to read >4300 digits


class ImportProblem(ServiceError):
    """A document that cannot be imported; ``path`` is the JSON path of the field (``""`` for the file)."""

    def __init__(self, path: str, what: str):
        self.path, self.what = path, what
        super().__init__(f"字段 {path}：{what}" if path else what)


# --- field checks: each takes (value, path) and returns the value converted -------------

Check = Callable[[Any, str], Any]


def _kind(value: Any) -> str:
    if value is None:
        return "空值 null"
    if isinstance(value, bool):
        return "布尔值"
    names = ((str, "字符串"), ((int, float), "数字"), (list, "数组"), (dict, "对象"))
    return next((name for types, name in names if isinstance(value, types)), type(value).__name__)


def _wrong(path: str, expected: str, value: Any) -> ImportProblem:
    return ImportProblem(path, f"应为{expected}，文件中是{_kind(value)}")


def _at(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


def _text(limit: int, *, blank: bool = False) -> Check:
    def check(value: Any, path: str) -> str:
        if not isinstance(value, str):
            raise _wrong(path, "字符串", value)
        if not blank and not value.strip():
            raise ImportProblem(path, "不能为空")
        if len(value.strip()) > limit:
            raise ImportProblem(path, f"不能超过 {limit} 个字符")
        return value.strip()
    return check


def _integer(minimum: int, maximum: int = _MAX_INT) -> Check:
    def check(value: Any, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _wrong(path, "整数", value)
        if not minimum <= value <= maximum:
            raise ImportProblem(path, f"应在 {minimum} 到 {maximum} 之间")
        return value
    return check


def _boolean(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise _wrong(path, "布尔值 true 或 false", value)
    return value


def _datetime(value: Any, path: str) -> datetime:
    """ISO 8601 with a time zone (``Z`` or ``+08:00``); stored as naive UTC like every other time."""
    example = "带时区的日期时间字符串（ISO 8601，如 2026-03-02T09:30:00+08:00）"
    if not isinstance(value, str):
        raise _wrong(path, example, value)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ImportProblem(path, f"“{value}”不是有效的日期时间，应为{example}") from None
    if parsed.tzinfo is None:
        raise ImportProblem(path, f"“{value}”没有时区，请加上 Z（UTC）或 +08:00（北京时间）")
    _in_years(parsed, value, path)
    return parsed.astimezone(timezone.utc).replace(tzinfo=None)


def _in_years(parsed: date, value: str, path: str) -> None:
    first, last = _YEARS
    if not first <= parsed.year <= last:
        raise ImportProblem(path, f"“{value}”超出可接受的范围（{first} 年至 {last} 年）")


def _date(value: Any, path: str) -> date:
    if not isinstance(value, str):
        raise _wrong(path, "日期字符串（如 2026-03-02）", value)
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise ImportProblem(path, f"“{value}”不是有效的日期，应为 YYYY-MM-DD") from None
    _in_years(parsed, value, path)
    return parsed


def _choice(values: tuple[str, ...]) -> Check:
    def check(value: Any, path: str) -> str:
        if not isinstance(value, str):
            raise _wrong(path, "字符串", value)
        if value not in values:
            raise ImportProblem(path, f"未知的值“{value}”；可用值：{'、'.join(values)}")
        return value
    return check


def _enum(cls) -> Check:
    def check(value: Any, path: str):
        if not isinstance(value, str):
            raise _wrong(path, "字符串", value)
        try:
            return cls(value)
        except ValueError:
            codes = "、".join(f"{m.value}（{m.label}）" for m in cls)
            raise ImportProblem(path, f"未知的{cls.__doc__}“{value}”；可用值：{codes}") from None
    return check


def _nullable(inner: Check) -> Check:
    return lambda value, path: None if value is None else inner(value, path)


def _sha256(value: Any, path: str) -> str:
    if not isinstance(value, str) or not _SHA256.match(value):
        raise ImportProblem(path, "应为 64 位小写十六进制的 SHA-256 值")
    return value


def _fields(value: Any, path: str) -> dict:
    if not isinstance(value, dict):
        raise _wrong(path, "对象（表单各栏的值）", value)
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        raise ImportProblem(path, "含有不能写成 JSON 的值") from None
    return value


def _object(spec: Mapping[str, Check]) -> Check:
    def check(value: Any, path: str) -> dict:
        if not isinstance(value, dict):
            raise _wrong(path, "对象", value)
        for key in value:
            if key not in spec:
                raise ImportProblem(_at(path, key), "未知字段（本格式没有此字段，请删除或核对拼写）")
        for key in spec:
            if key not in value:
                raise ImportProblem(_at(path, key), "缺少此字段")
        return {key: inner(value[key], _at(path, key)) for key, inner in spec.items()}
    return check


def _array(item: Check, minimum: int = 0) -> Check:
    def check(value: Any, path: str) -> list:
        if not isinstance(value, list):
            raise _wrong(path, "数组", value)
        if len(value) < minimum:
            raise ImportProblem(path, f"至少要有 {minimum} 项")
        return [item(v, f"{path}[{i}]") for i, v in enumerate(value)]
    return check


def _format(value: Any, path: str) -> str:
    if value != FORMAT:
        raise ImportProblem(path, f"不支持的格式“{value}”，本程序读取 {FORMAT}")
    return value


# --- the format: one spec per object; export writes keys in this order -----------------

CASE = {"number": _text(60), "title": _text(300), "procedure": _enum(Procedure), "start_mode": _enum(StartMode),
        "matter": _text(200), "status": _enum(CaseStatus), "handling_unit": _text(200), "opened_at": _datetime,
        "closed_at": _nullable(_datetime), "created_by": _text(80)}
PARTY = {"role": _choice(PARTY_ROLES), "kind": _choice((PERSON, ORGANISATION)), "name": _text(200),
         "number": _text(40), "phone": _text(40, blank=True), "address": _text(300, blank=True)}
OFFICER = {"name": _text(80), "cert_no": _text(40)}
STAGE = {"stage": _enum(Stage), "entered_at": _datetime}
REVISION = {"fields": _fields, "author": _text(80), "created_at": _datetime, "final": _boolean,
            "note": _text(300, blank=True)}
RECORD = {"form": _text(60), "stage": _enum(Stage), "title": _text(200), "created_at": _datetime,
          "revisions": _array(_object(REVISION), 1)}
ELECTRONIC = {"stage": _nullable(_enum(Stage)), "title": _text(200), "kind": _text(40), "file_name": _text(300),
              "size": _integer(0, _MAX_BIG), "sha256": _sha256, "created_at": _datetime, "created_by": _text(80)}
ADJUSTMENT = {"rule": _text(60), "kind": _choice(ADJUSTMENT_KINDS),
              "cause": _nullable(_choice(tuple(r.value for r in SuspensionReason))), "start": _nullable(_date),
              "end": _nullable(_date), "days": _nullable(_integer(1, _MAX_EXTENSION_DAYS)), "reason": _text(2000),
              "approved_by": _text(80, blank=True), "created_at": _datetime, "created_by": _text(80)}
DOCUMENT = {"format": _format, "exported_at": _datetime, "agency": _text(200, blank=True), "case": _object(CASE),
            "parties": _array(_object(PARTY), 1), "officers": _array(_object(OFFICER)),
            "stages": _array(_object(STAGE), 1), "records": _array(_object(RECORD)),
            "electronic_records": _array(_object(ELECTRONIC)), "deadline_adjustments": _array(_object(ADJUSTMENT))}


def _ordered(spec: Mapping[str, Check], values: dict) -> dict:
    return {key: values[key] for key in spec}


# --- export -------------------------------------------------------------------------------

def _iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    return value.isoformat() + "Z" if isinstance(value, datetime) else value.isoformat()


def export_case(ctx: AppContext, case_ref: str) -> dict:
    """The case as a ``jlclient.case/1`` document (keys in the documented order, times ISO 8601 UTC)."""
    with ctx.db.read() as s:
        case = cases.find_case(s, case_ref)
        agency = s.scalar(select(Agency))
        return _ordered(DOCUMENT, {
            "format": FORMAT, "exported_at": _iso(utcnow()), "agency": agency.name if agency else "",
            "case": _export_case_row(case), "parties": _export_parties(s, case.id),
            "officers": _export_officers(s, case.id), "stages": _export_stages(s, case.id),
            "records": _export_records(s, case.id), "electronic_records": _export_electronic(s, case.id),
            "deadline_adjustments": _export_adjustments(s, case.id)})


def _export_case_row(c: Case) -> dict:
    return _ordered(CASE, {"number": c.number, "title": c.title, "procedure": c.procedure,
                           "start_mode": c.start_mode, "matter": c.matter, "status": c.status,
                           "handling_unit": c.handling_unit, "opened_at": _iso(c.opened_at),
                           "closed_at": _iso(c.closed_at), "created_by": c.created_by})


def _rows(s: Session, model, case_id: int) -> list:
    return list(s.scalars(select(model).where(model.case_id == case_id).order_by(model.id)))


def _export_parties(s: Session, case_id: int) -> list[dict]:
    return [_ordered(PARTY, {"role": cp.role, "kind": cp.party.kind, "name": cp.party.name,
                             "number": cp.party.id_number or cp.party.credit_code or "",
                             "phone": cp.party.phone, "address": cp.party.address})
            for cp in _rows(s, CaseParty, case_id)]


def _export_officers(s: Session, case_id: int) -> list[dict]:
    return [_ordered(OFFICER, {"name": co.officer.name, "cert_no": co.officer.cert_no})
            for co in _rows(s, CaseOfficer, case_id)]


def _export_stages(s: Session, case_id: int) -> list[dict]:
    return [_ordered(STAGE, {"stage": e.stage, "entered_at": _iso(e.at)}) for e in _rows(s, StageEvent, case_id)]


def _export_records(s: Session, case_id: int) -> list[dict]:
    return [_ordered(RECORD, {"form": r.form, "stage": r.stage, "title": r.title, "created_at": _iso(r.created_at),
                              "revisions": [_ordered(REVISION, {
                                  "fields": json.loads(v.content), "author": v.author,
                                  "created_at": _iso(v.created_at), "final": v.final, "note": v.note})
                                  for v in r.revisions]})
            for r in _rows(s, TextRecord, case_id)]


def _export_electronic(s: Session, case_id: int) -> list[dict]:
    return [_ordered(ELECTRONIC, {"stage": e.stage, "title": e.title, "kind": e.kind, "file_name": e.file_name,
                                  "size": e.size, "sha256": e.file_hash, "created_at": _iso(e.created_at),
                                  "created_by": e.created_by})
            for e in _rows(s, ElectronicRecord, case_id)]


def _export_adjustments(s: Session, case_id: int) -> list[dict]:
    return [_ordered(ADJUSTMENT, {"rule": a.rule, "kind": a.kind, "cause": a.cause or None,
                                  "start": _iso(a.start), "end": _iso(a.end),
                                  "days": a.days, "reason": a.reason, "approved_by": a.approved_by,
                                  "created_at": _iso(a.created_at), "created_by": a.created_by})
            for a in _rows(s, DeadlineAdjustment, case_id)]


def dumps(document: dict) -> str:
    """The document as UTF-8 JSON text, indented, keys in document order."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# --- reading a file -----------------------------------------------------------------------

_JSON_REASONS = (
    ("Expecting value", "此处缺少值（或有多余的逗号）"),
    ("Expecting ',' delimiter", "缺少逗号"),
    ("Expecting ':' delimiter", "缺少冒号"),
    ("Expecting property name enclosed in double quotes", "字段名应使用英文双引号（或对象末尾有多余的逗号）"),
    ("Unterminated string", "字符串缺少结束的双引号"),
    ("Invalid control character", "字符串中有换行或控制字符"),
    ("Invalid \\escape", "无效的转义字符"),
    ("Extra data", "JSON 已结束，后面还有多余内容"),
)


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    seen: dict = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen[key] = value
    return seen


def load_json(path: str | PathLike) -> dict:
    """The JSON object in a file; a malformed file is an ImportProblem saying line and column."""
    raw = _read(Path(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ImportProblem("", f"文件 {path} 第 {line} 行不是 UTF-8 编码，请另存为 UTF-8 后重试") from None
    _check_depth(text, path)
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_int=_bounded_int)
    except json.JSONDecodeError as exc:
        reason = next((zh for en, zh in _JSON_REASONS if exc.msg.startswith(en)), exc.msg)
        raise ImportProblem("", f"文件 {path} 不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列，{reason}") from None
    except _DuplicateKey as exc:
        raise ImportProblem("", f"文件 {path} 中同一对象里字段“{exc}”出现了两次，请只保留一个") from None
    except _LongNumber as exc:
        raise ImportProblem("", f"文件 {path} 中有一个 {exc} 位的整数（以 {exc.head}… 开头），"
                                f"超出可保存的范围（最多 {_MAX_DIGITS} 位）") from None
    if not isinstance(data, dict):
        raise ImportProblem("", f"文件 {path} 的最外层应为 JSON 对象 {{…}}，文件中是{_kind(data)}")
    return data


class _LongNumber(ValueError):
    def __init__(self, digits: str):
        super().__init__(len(digits.lstrip("-")))
        self.head = digits[:8]


def _bounded_int(digits: str) -> int:
    """The json module's int(); a number too long for any column is refused before Python's
    4300-digit limit turns it into a bare ValueError."""
    if len(digits.lstrip("-")) > _MAX_DIGITS:
        raise _LongNumber(digits)
    return int(digits)


_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def _check_depth(text: str, path: str | PathLike) -> None:
    """Refuse deep nesting before json.loads recurses into it (RecursionError is no answer):
    count brackets outside strings."""
    depth = deepest = 0
    for bracket in _BRACKET.findall(_STRING.sub('""', text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
        if deepest > _MAX_DEPTH:
            raise ImportProblem("", f"文件 {path} 的数组或对象嵌套超过 {_MAX_DEPTH} 层，不是案件交换文件")


def _read(path: Path) -> bytes:
    """The file's bytes; a file larger than any case document is refused before it is read."""
    try:
        with path.open("rb") as f:
            raw = f.read(_MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ImportProblem("", f"找不到文件 {path}") from None
    except OSError as exc:
        raise ImportProblem("", f"无法读取文件 {path}：{exc.strerror}") from None
    if len(raw) > _MAX_FILE_BYTES:
        raise ImportProblem("", f"文件 {path} 超过 {_MAX_FILE_BYTES // (1024 * 1024)} MB，不是案件交换文件"
                                f"（案件交换文件不含证据文件本身）")
    return raw


# --- checking a document (no database) ------------------------------------------------------

def check_document(data: Any) -> dict:
    """The document with its values converted, or ImportProblem naming the first wrong field."""
    if not isinstance(data, dict):
        raise ImportProblem("", f"导入内容的最外层应为 JSON 对象 {{…}}，实际是{_kind(data)}")
    if "format" not in data:
        raise ImportProblem("format", f"缺少此字段（应为 \"{FORMAT}\"）")
    _check_storable(data)
    _format(data["format"], "format")
    doc = _object(DOCUMENT)(data, "")
    order = _check_stages(doc)
    _check_status(doc, order)
    _check_parties(doc["parties"])
    _check_officers(doc)
    _check_records(doc)
    _check_adjustments(doc["deadline_adjustments"])
    return doc


def _check_storable(data: dict) -> None:
    """Every key and text can be stored: no lone surrogate (UTF-8 cannot hold it) and no NUL
    (PostgreSQL refuses it); nesting stays within the depth a case document needs. Walked without
    recursion, so that a deep structure handed in from code cannot exhaust the stack either."""
    pending: list[tuple[str, Any, int]] = [("", data, 1)]
    while pending:
        path, value, depth = pending.pop()
        if isinstance(value, (dict, list)):
            if depth > _MAX_DEPTH:
                raise ImportProblem("", f"数组或对象嵌套超过 {_MAX_DEPTH} 层，不是案件交换文件")
            items = list(value.items() if isinstance(value, dict) else enumerate(value))
            for key, inner in reversed(items):      # popped in document order: the first bad field is named
                if isinstance(key, str):
                    shown = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in key)
                    _storable(key, _at(path, shown))
                pending.append((_at(path, key) if isinstance(key, str) else f"{path}[{key}]", inner, depth + 1))
        elif isinstance(value, str):
            _storable(value, path)


def _storable(text: str, path: str) -> None:
    """What the store refuses (domain.storable), refused here already, naming the field and the character."""
    if is_storable(text):
        return
    at = next(i for i, c in enumerate(text) if not is_storable(c))
    code = ord(text[at])
    what = "空字符" if code == 0 else "不成对的代理码" if 0xD800 <= code <= 0xDFFF else "字符"
    raise ImportProblem(path, f"含有不能保存的字符（第 {at + 1} 个字符是{what} U+{code:04X}），请删除后重试"
                              f"或核对导出该文件的系统")


def _check_stages(doc: dict) -> tuple[Stage, ...]:
    case = doc["case"]
    try:
        order = stages_for(case["procedure"], case["start_mode"])
    except ValueError as exc:
        raise ImportProblem("case.start_mode", str(exc)) from None
    for i, entry in enumerate(doc["stages"]):
        expected = order[i] if i < len(order) else None
        if entry["stage"] is not expected:
            raise ImportProblem(f"stages[{i}].stage", _order_message(case, order, i, entry["stage"]))
    _check_stage_times(doc)
    return order


def _order_message(case: dict, order: tuple[Stage, ...], i: int, got: Stage) -> str:
    steps = " → ".join(s.label for s in order)
    head = f"环节顺序不对：{case['procedure'].label}（{case['start_mode'].label}）依次为 {steps}；"
    if i >= len(order):
        return head + f"只有 {len(order)} 个环节，文件中多出“{got.label}”"
    return head + f"第 {i + 1} 个环节应为“{order[i].label}”，文件中是“{got.label}”"


def _check_stage_times(doc: dict) -> None:
    previous, where = doc["case"]["opened_at"], "立案时间 case.opened_at"
    for i, entry in enumerate(doc["stages"]):
        if entry["entered_at"] < previous:
            raise ImportProblem(f"stages[{i}].entered_at", f"早于{where}")
        previous, where = entry["entered_at"], f"上一环节的进入时间 stages[{i}].entered_at"


def _check_status(doc: dict, order: tuple[Stage, ...]) -> None:
    case, stages = doc["case"], doc["stages"]
    if case["status"] is CaseStatus.OPEN:
        if case["closed_at"] is not None:
            raise ImportProblem("case.closed_at", "办理中（OPEN）的案件不能有结案时间，应为 null")
        return
    if len(stages) < len(order):
        raise ImportProblem("case.status", f"案件状态为“{case['status'].label}”，但只经过了 {len(stages)} / "
                                           f"{len(order)} 个环节")
    if case["closed_at"] is None:
        raise ImportProblem("case.closed_at", f"案件状态为“{case['status'].label}”，应填写结案时间")
    if case["closed_at"] < stages[-1]["entered_at"]:
        raise ImportProblem("case.closed_at", f"早于最后一个环节的进入时间 stages[{len(stages) - 1}].entered_at")


def _check_parties(parties: list[dict]) -> None:
    seen: dict[str, int] = {}
    for i, p in enumerate(parties):
        try:
            checked = validated(PartyInput(p["kind"], p["name"], p["number"], p["phone"], p["address"]))
        except ServiceError as exc:
            raise ImportProblem(f"parties[{i}].number", str(exc)) from None
        if checked.number in seen:
            raise ImportProblem(f"parties[{i}].number", f"与 parties[{seen[checked.number]}] 的证件号码重复")
        seen[checked.number] = i
        p["number"] = checked.number


def _check_officers(doc: dict) -> None:
    officers = doc["officers"]
    seen: dict[str, int] = {}
    for i, o in enumerate(officers):
        if o["cert_no"] in seen:
            raise ImportProblem(f"officers[{i}].cert_no", f"与 officers[{seen[o['cert_no']]}] 的执法证号重复")
        seen[o["cert_no"]] = i
    if doc["case"]["procedure"] is Procedure.PENALTY and len(officers) < 2:
        raise ImportProblem("officers", f"行政处罚应当由两名以上执法人员办理（《行政处罚法》第四十二条），"
                                        f"文件中只有 {len(officers)} 名")


def _check_records(doc: dict) -> None:
    entered = {e["stage"] for e in doc["stages"]}
    for i, r in enumerate(doc["records"]):
        _check_reached(entered, r["stage"], f"records[{i}].stage")
        for j, revision in enumerate(r["revisions"]):
            if len(_import_note(revision)) > 300:
                raise ImportProblem(f"records[{i}].revisions[{j}].note", "加上导入说明后超过 300 个字符，请缩短")
    for i, e in enumerate(doc["electronic_records"]):
        if e["stage"] is not None:
            _check_reached(entered, e["stage"], f"electronic_records[{i}].stage")


def _check_reached(entered: set[Stage], stage: Stage, path: str) -> None:
    if stage not in entered:
        raise ImportProblem(path, f"案件没有进入过“{stage.label}”环节（见 stages），记录不能属于该环节")


def _check_adjustments(adjustments: list[dict]) -> None:
    known = {r.code for r in RULES} | {"archiving"}
    for i, a in enumerate(adjustments):
        path = f"deadline_adjustments[{i}]"
        if a["rule"] not in known:
            raise ImportProblem(f"{path}.rule", f"未知的期限代码“{a['rule']}”")
        if a["kind"] == "SUSPENSION":
            for key in ("cause", "start", "end"):
                if a[key] is None:
                    raise ImportProblem(f"{path}.{key}", "中止计算期限（SUSPENSION）须填写中止事由和起止日期")
            if a["end"] < a["start"]:
                raise ImportProblem(f"{path}.end", "早于开始日期 start")
        else:
            for key, what in (("days", "延长的天数"), ("start", "批准日期（start）")):
                if a[key] is None:
                    raise ImportProblem(f"{path}.{key}", f"延长期限（EXTENSION）须填写{what}")


def _import_note(revision: dict) -> str:
    note = f"导入：原作者 {revision['author']}，原时间 {_iso(revision['created_at'])}"
    return f"{note}；原说明：{revision['note']}" if revision["note"] else note


# --- checking against this database and evidence store ---------------------------------------

def _check_files(ctx: AppContext, doc: dict) -> None:
    """Files are not embedded: each electronic record's file must already be in the evidence store."""
    for i, e in enumerate(doc["electronic_records"]):
        path = f"electronic_records[{i}]"
        if not ctx.evidence.contains(e["sha256"]):
            raise ImportProblem(f"{path}.sha256", f"证据库中没有此文件（{e['file_name']}），请先把文件存入证据库再导入")
        with ctx.evidence.open(e["sha256"]) as f:
            size = f.seek(0, 2)
        if size != e["size"]:
            raise ImportProblem(f"{path}.size", f"证据库中的文件为 {size} 字节，与文件中的 {e['size']} 不符")


def _check_database(s: Session, doc: dict) -> None:
    """The number is free; parties and officers already registered here carry the same names."""
    number = doc["case"]["number"]
    if s.scalar(select(Case.id).where(Case.number == number)) is not None:
        raise ImportProblem("case.number", f"本系统已有案件“{number}”，不能重复导入")
    _check_known_parties(s, doc["parties"])
    _check_known_officers(s, doc["officers"])


def _check_known_parties(s: Session, parties: list[dict]) -> None:
    for i, p in enumerate(parties):
        column = Party.id_number if p["kind"] == PERSON else Party.credit_code
        known = s.scalar(select(Party.name).where(column == p["number"]))
        if known is not None and known != p["name"]:
            raise ImportProblem(f"parties[{i}].name", f"本系统中此证件号码登记的名称为“{known}”，"
                                                      f"与文件中的“{p['name']}”不一致")


def _check_known_officers(s: Session, officers: list[dict]) -> None:
    for i, o in enumerate(officers):
        known = s.scalar(select(Officer.name).where(Officer.cert_no == o["cert_no"]))
        if known is not None and known != o["name"]:
            raise ImportProblem(f"officers[{i}].name", f"本系统中执法证号 {o['cert_no']} 登记的是“{known}”，"
                                                       f"与文件中的“{o['name']}”不一致")


# --- import ----------------------------------------------------------------------------------

def import_case(ctx: AppContext, actor: str, data: dict) -> cases.CaseRow:
    """Check the whole document, then write the case and everything of it in one unit of work."""
    doc = check_document(data)
    _check_files(ctx, doc)
    with ctx.db.write() as s:
        audit.locked_head(s)     # two imports of one number queue here; the second then finds the first's case
        _check_database(s, doc)
        case = _add_case(s, actor, doc)
        _add_parties(s, actor, case, doc["parties"])
        _add_officers(s, actor, case, doc["officers"])
        _add_stages(s, actor, case, doc)
        for record in doc["records"]:
            _add_record(s, actor, case, record)
        for electronic in doc["electronic_records"]:
            _add_electronic(s, actor, case, electronic)
        for adjustment in doc["deadline_adjustments"]:
            _add_adjustment(s, actor, case, adjustment)
        return cases.case_row(case)


def _add_case(s: Session, actor: str, doc: dict) -> Case:
    c, party_name = doc["case"], doc["parties"][0]["name"]
    case = Case(number=c["number"], title=c["title"], procedure=c["procedure"].value,
                start_mode=c["start_mode"].value, matter=c["matter"], stage=Stage.INITIATION.value,
                status=CaseStatus.OPEN.value, handling_unit=c["handling_unit"], party_name=party_name,
                opened_at=c["opened_at"], created_by=actor,
                search_text=cases.search_text(c["number"], c["title"], c["matter"], party_name))
    s.add(case)
    audit.append(s, actor, "case.import", case, detail={
        "format": FORMAT, "agency": doc["agency"], "exported_at": doc["exported_at"],
        "original_created_by": c["created_by"]})
    return case


def _add_parties(s: Session, actor: str, case: Case, parties: list[dict]) -> None:
    for p in parties:
        party = find_or_add(s, actor, PartyInput(p["kind"], p["name"], p["number"], p["phone"], p["address"]))
        link = CaseParty(case_id=case.id, party_id=party.id, role=p["role"])
        s.add(link)
        audit.append(s, actor, "case.party", link)


def _add_officers(s: Session, actor: str, case: Case, officers: list[dict]) -> None:
    for o in officers:
        officer = users.officer_for(s, actor, o["name"], o["cert_no"], "")
        assigned = CaseOfficer(case_id=case.id, officer_id=officer.id)
        s.add(assigned)
        audit.append(s, actor, "case.officer", assigned)


def _add_stages(s: Session, actor: str, case: Case, doc: dict) -> None:
    """The first stage as a case opening records it, then one advance per stage (and one to close)."""
    first, *later = doc["stages"]
    cases.enter_stage(s, actor, case, first["stage"], first["entered_at"])
    for entry in later:
        cases.advance(s, actor, case, entry["entered_at"])
    status = doc["case"]["status"]
    if status is not CaseStatus.OPEN:
        cases.advance(s, actor, case, doc["case"]["closed_at"])
    if status is CaseStatus.ARCHIVED:
        case.status = CaseStatus.ARCHIVED.value
        audit.append(s, actor, "case.archive", case)


def _add_record(s: Session, actor: str, case: Case, r: dict) -> None:
    """Every revision, the first too, carries its import note."""
    record = cases.new_text_record(s, actor, case, r["stage"], r["form"], r["title"], r["created_at"])
    for revision in r["revisions"]:
        cases.add_revision(s, actor, record, revision["fields"], _import_note(revision), final=revision["final"])


def _add_electronic(s: Session, actor: str, case: Case, e: dict) -> None:
    record = ElectronicRecord(case_id=case.id, stage=e["stage"].value if e["stage"] else None, title=e["title"],
                              kind=e["kind"], file_hash=e["sha256"], file_name=e["file_name"], size=e["size"],
                              created_at=e["created_at"], created_by=actor)
    s.add(record)
    audit.append(s, actor, "record.attach", record, detail={"original_created_by": e["created_by"]})


def _add_adjustment(s: Session, actor: str, case: Case, a: dict) -> None:
    adjustment = DeadlineAdjustment(case_id=case.id, rule=a["rule"], kind=a["kind"], cause=a["cause"] or "",
                                    start=a["start"], end=a["end"],
                                    days=a["days"], reason=a["reason"], approved_by=a["approved_by"],
                                    created_at=a["created_at"], created_by=actor)
    s.add(adjustment)
    audit.append(s, actor, "deadline.adjust", adjustment, detail={"original_created_by": a["created_by"]})
