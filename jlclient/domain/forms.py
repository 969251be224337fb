"""Legal forms as data (``forms/<code>.toml``): one declarative file per document.

A form names its stage(s) and procedures, the AV act that goes with it (the agency's rule
profile decides whether AV is required), its fields and its signature slots. The wizard page
and the printed PDF are both driven by the :class:`FormSpec` parsed here.

This module only parses text and checks values; reading the files is
``jlclient.services.forms``. A broken file raises :class:`FormError`, whose Chinese message
names the file and the dotted key. Filled-in values are checked by :func:`validate_values`,
which returns :class:`FieldProblem` s (never raises for bad user input).

Shape of the values handed to :func:`validate_values` (``values[key]``):

* field types — ``text``/``multiline``: str; ``date``: ``date`` or ``"YYYY-MM-DD"``;
  ``datetime``: ``datetime`` or ISO text; ``integer``: int; ``money``: ``Decimal``, int or
  text with at most two decimals (yuan); ``choice``: the choice value; ``multichoice``: a
  list of values; ``bool``: bool; ``resident_id``/``credit_code``/``phone``: str;
  ``party``/``file``: a reference (record id, int or str); ``service_method``: a
  :class:`ServiceMethod` or its code; ``officers``: ``[{"name", "cert_no"}]``;
  ``materials``: ``[{"name", "copies", "kind": "original"|"copy", "standard"}]``.
* signature slots — a dict: ``{"name", "date"}`` for one signer (``party`` may instead be
  ``{"refused": True, "note", "date"}``; ``witness`` may add ``"unit"``;
  ``substitute_recipient`` adds ``"relation"`` and ``"reason"``; ``handler``/``reviewer``/
  ``approver`` add ``"opinion"``); ``{"signers": [{"name", "cert_no"}], "date"}`` for
  ``officers`` and ``participants``; ``{"sealed": True, "date"}`` for ``seal``.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, Callable, Mapping

from jlclient.domain.deadlines import Unit, due_after
from jlclient.domain.identifiers import PhoneError, check_credit_code, check_resident_id, normalise_phone
from jlclient.domain.model import STAGE_ORDER, DataFileError, LabelledEnum, Procedure, ServiceMethod, Stage
from jlclient.domain.profile import AV_ACTS, Level, RuleProfile, Source, parse_source
from jlclient.domain.workdays import Reckoned, WorkCalendar


class FormError(DataFileError):
    """A form file that cannot be used."""
    kind = "表单文件"




class DocumentKind(LabelledEnum):
    """Kinds of written record (seed 000 Art. 11); each kind has its own signing rules."""
    ISSUED = ("issued", "向当事人出具的执法文书")          # sealed and dated, seed 000 Art. 13
    INVESTIGATION = ("investigation", "调查取证文书")     # party signs, refusal rule, Art. 14
    INTERNAL_APPROVAL = ("internal_approval", "内部审批文书")  # dated opinions, Art. 15
    HEARING = ("hearing", "听证文书")                     # participants sign, Art. 16
    SERVICE = ("service", "送达文书")                     # Art. 17
    RECORD = ("record", "其他书面记录")


class FieldType(LabelledEnum):
    TEXT = ("text", "文本")
    MULTILINE = ("multiline", "多行文本")
    DATE = ("date", "日期")
    DATETIME = ("datetime", "日期时间")
    INTEGER = ("integer", "整数")
    MONEY = ("money", "金额（元）")
    CHOICE = ("choice", "单选")
    MULTICHOICE = ("multichoice", "多选")
    BOOL = ("bool", "是/否")
    RESIDENT_ID = ("resident_id", "居民身份证号码")
    CREDIT_CODE = ("credit_code", "统一社会信用代码")
    PHONE = ("phone", "电话号码")
    PARTY = ("party", "当事人")
    OFFICERS = ("officers", "执法人员及执法证号")
    MATERIALS = ("materials", "材料清单")
    FILE = ("file", "电子记录")
    SERVICE_METHOD = ("service_method", "送达方式")


class SignatureKind(LabelledEnum):
    PARTY = ("party", "当事人")
    OFFICERS = ("officers", "执法人员")
    WITNESS = ("witness", "见证人")
    RECIPIENT = ("recipient", "受送达人")
    SUBSTITUTE_RECIPIENT = ("substitute_recipient", "代收人")
    HANDLER = ("handler", "承办人")
    REVIEWER = ("reviewer", "审核人")
    APPROVER = ("approver", "批准人")
    STAFF = ("staff", "工作人员")
    PARTICIPANTS = ("participants", "参加人")
    SEAL = ("seal", "印章")

    @property
    def has_opinion(self) -> bool:
        """Internal approval opinions: each with its own text and date (seed 000 Art. 15)."""
        return self in _OPINION_KINDS

    @property
    def is_list(self) -> bool:
        return self in (SignatureKind.OFFICERS, SignatureKind.PARTICIPANTS)


_OPINION_KINDS = frozenset({SignatureKind.HANDLER, SignatureKind.REVIEWER, SignatureKind.APPROVER})

MATERIAL_KINDS: Mapping[str, str] = {"original": "原件", "copy": "复印件"}
MATERIAL_COLUMNS: Mapping[str, str] = {"name": "名称", "copies": "份数", "kind": "原件/复印件", "standard": "标准"}
_MATERIAL_DEFAULT_REQUIRED = ("name", "copies", "kind")

# Art. 42: 行政处罚应当由具有行政执法资格的执法人员实施。执法人员不得少于两人.
PENALTY_OFFICERS = 2
PENALTY_OFFICERS_BASIS = (Source("行政处罚法", "42"),)


# ---------------------------------------------------------------------------- the spec


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class DateLink:
    """This date is at least (``not_before``) or exactly (``days_after``) ``days`` after ``key``.

    With a ``unit`` the days are a legal period counted like the deadline it belongs to
    (:func:`jlclient.domain.deadlines.due_after`: start day not counted, working days from the
    holiday calendar, a calendar-day period ending on a rest day moves to the next working day).
    Without one they are plain days on the calendar.
    """
    key: str
    days: int = 0
    unit: Unit | None = None


@dataclass(frozen=True)
class Validators:
    max_length: int | None = None
    pattern: str | None = None      # the whole text must match (re.fullmatch)
    pattern_hint: str = ""          # what a matching text looks like, for the message
    not_before: DateLink | None = None
    days_after: DateLink | None = None
    must_be_true: bool = False      # a bool that must be ticked before the page is finished
    required_columns: tuple[str, ...] = _MATERIAL_DEFAULT_REQUIRED  # materials rows


@dataclass(frozen=True)
class PrintHints:
    width: float = 1.0  # share of the printed line, 0 < width <= 1
    lines: int = 1      # lines reserved on paper (multiline text)


@dataclass(frozen=True)
class FieldGroup:
    """A section of the form; with ``methods`` it applies only to those service methods."""
    key: str
    label: str
    methods: tuple[ServiceMethod, ...] = ()
    av_act: str | None = None
    help: str = ""
    basis: tuple[Source, ...] = ()


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    type: FieldType
    required: bool = False
    required_if: str | None = None      # required when this bool field is true
    required_unless: str | None = None  # required unless this bool field is true
    group: str | None = None
    choices: tuple[Choice, ...] = ()
    min: int | Decimal | None = None    # value bound (integer, money) or row/selection count
    max: int | Decimal | None = None
    validators: Validators = Validators()
    help: str = ""
    basis: tuple[Source, ...] = ()
    print_hints: PrintHints = PrintHints()
    future: bool = False                # a date that may lie ahead (a deadline, a hearing), not an act done
    computed: str | None = None         # filled by the system, never typed: "page_count" (pages as printed)

    def choice_label(self, value: str) -> str | None:
        return next((c.label for c in self.choices if c.value == value), None)


@dataclass(frozen=True)
class RefusalRule:
    """The party may refuse to sign: the record says so and ``countersign`` signs instead."""
    countersign: str       # key of the slot that signs in the party's place
    min_signers: int
    basis: tuple[Source, ...] = ()


@dataclass(frozen=True)
class SignatureSlot:
    key: str
    kind: SignatureKind
    label: str
    required: bool = True
    dated: bool = True
    min: int = 1                        # signers, for officers / participants
    group: str | None = None
    refusal: RefusalRule | None = None
    help: str = ""
    basis: tuple[Source, ...] = ()


@dataclass(frozen=True)
class AnyOf:
    """At least one of ``keys`` (fields or signature slots) is filled."""
    keys: tuple[str, ...]
    message: str
    group: str | None = None
    basis: tuple[Source, ...] = ()


@dataclass(frozen=True)
class EveryPage:
    """What each printed page carries at its foot: the statement the signer confirms and the
    signature slot signed on every page (an inquiry record, seed 000 Art. 14)."""
    statement: str
    signature: str


@dataclass(frozen=True)
class FormSpec:
    code: str
    title: str
    kind: DocumentKind
    stages: tuple[Stage, ...]
    procedures: tuple[Procedure, ...]
    fields: tuple[FieldSpec, ...]
    signatures: tuple[SignatureSlot, ...] = ()
    groups: tuple[FieldGroup, ...] = ()
    any_of: tuple[AnyOf, ...] = ()
    av_act: str | None = None
    order: int = 0
    help: str = ""
    basis: tuple[Source, ...] = ()
    signed_after: str | None = None     # the act's date field: no signature is dated before it
    every_page: EveryPage | None = None

    @property
    def stage(self) -> Stage:
        """The stage the form is normally made in (the first listed)."""
        return self.stages[0]

    @property
    def method_field(self) -> FieldSpec | None:
        return next((f for f in self.fields if f.type is FieldType.SERVICE_METHOD), None)

    def field(self, key: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.key == key), None)

    def slot(self, key: str) -> SignatureSlot | None:
        return next((s for s in self.signatures if s.key == key), None)

    def group(self, key: str) -> FieldGroup | None:
        return next((g for g in self.groups if g.key == key), None)

    def applies_to(self, procedure: Procedure, stage: Stage) -> bool:
        return procedure in self.procedures and stage in self.stages

    def is_active(self, group_key: str | None, method: ServiceMethod | None) -> bool:
        """Whether a group's fields apply under the chosen service method."""
        group = self.group(group_key) if group_key else None
        return group is None or not group.methods or method in group.methods


@dataclass(frozen=True)
class FieldProblem:
    key: str       # field or slot key, with a row or part suffix: "officers[1].cert_no"
    label: str
    message: str   # Chinese, with the rule's citation when there is one
    basis: tuple[Source, ...] = ()


# ---------------------------------------------------------------------------- parsing

_CODE_RE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_MISSING = object()


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "一个表"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _enum_member(cls: type[Enum], text: Any) -> Enum | None:
    return next((m for m in cls if text == m.value or text == getattr(m, "label", None)), None)


class _Table:
    """One TOML table being read; every key it hands out is named by its dotted path."""

    def __init__(self, filename: str, data: dict, path: str, allowed: tuple[str, ...]):
        self.filename, self.data, self.path = filename, data, path
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            raise self.error(unknown[0], f"是未知的键（此处允许的键：{'、'.join(allowed)}）")

    def dotted(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def error(self, name: str, problem: str) -> FormError:
        return FormError(self.filename, problem, key=self.dotted(name))

    def wrong(self, name: str, expected: str, value: Any) -> FormError:
        return self.error(name, f"应为{expected}，实际为 {_show(value)}")

    def has(self, name: str) -> bool:
        return name in self.data

    def raw(self, name: str, required: bool = True) -> Any:
        value = self.data.get(name, _MISSING)
        if value is _MISSING and required:
            raise self.error(name, "缺失，这是必填键")
        return value

    def text(self, name: str, required: bool = True) -> str:
        value = self.raw(name, required)
        if value is _MISSING:
            return ""
        if not isinstance(value, str) or not value.strip():
            raise self.wrong(name, "非空字符串", value)
        return value

    def flag(self, name: str, default: bool) -> bool:
        value = self.raw(name, required=False)
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            raise self.wrong(name, "布尔值 true 或 false", value)
        return value

    def integer(self, name: str, minimum: int, default: int | None = None) -> int | None:
        value = self.raw(name, required=False)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.wrong(name, f"不小于 {minimum} 的整数", value)
        return value

    def code(self, name: str, required: bool = True) -> str | None:
        value = self.raw(name, required)
        if value is _MISSING:
            return None
        if not isinstance(value, str) or not _CODE_RE.fullmatch(value):
            raise self.wrong(name, "小写英文字母、数字和下划线组成的标识（如 served_at）", value)
        return value

    def av_act(self, name: str) -> str | None:
        value = self.raw(name, required=False)
        if value is _MISSING:
            return None
        if not isinstance(value, str) or value not in AV_ACTS:
            raise self.wrong(name, f"{'、'.join(AV_ACTS)} 之一（见 profile.AV_ACTS）", value)
        return value

    def member(self, name: str, cls: type[Enum]) -> Any:
        member = _enum_member(cls, self.raw(name))
        if member is None:
            raise self.wrong(name, f"{'、'.join(m.value for m in cls)} 之一", self.raw(name))
        return member

    def members(self, name: str, cls: type[Enum], required: bool = True) -> tuple:
        values = self.raw(name, required)
        if values is _MISSING:
            return ()
        if not isinstance(values, list) or not values:
            raise self.wrong(name, "非空数组", values)
        found = [_enum_member(cls, v) for v in values]
        if None in found:
            bad = values[found.index(None)]
            raise self.wrong(name, f"由 {'、'.join(m.value for m in cls)} 组成的数组", bad)
        if len(set(found)) != len(found):
            raise self.error(name, "含有重复的值")
        return tuple(found)

    def sources(self, name: str = "basis") -> tuple[Source, ...]:
        value = self.raw(name, required=False)
        if value is _MISSING:
            return ()
        texts = value if isinstance(value, list) else [value]
        return tuple(self._source(name, text) for text in texts)

    def _source(self, name: str, text: Any) -> Source:
        try:
            return parse_source(text)
        except ValueError as exc:
            raise self.error(name, f"{exc}，实际为 {_show(text)}") from None

    def table(self, name: str, allowed: tuple[str, ...]) -> _Table | None:
        value = self.raw(name, required=False)
        if value is _MISSING:
            return None
        if not isinstance(value, dict):
            raise self.wrong(name, "表", value)
        return _Table(self.filename, value, self.dotted(name), allowed)

    def tables(self, name: str, allowed: tuple[str, ...], required: bool = False) -> list[_Table]:
        values = self.raw(name, required)
        if values is _MISSING:
            return []
        if not isinstance(values, list) or not all(isinstance(v, dict) for v in values) or not values:
            raise self.wrong(name, "非空的表数组（[[...]]）", values)
        path = self.dotted(name)
        return [_Table(self.filename, v, f"{path}[{i}]", allowed) for i, v in enumerate(values)]


# -- top level ------------------------------------------------------------------------

_TOP_KEYS = ("code", "title", "kind", "stages", "procedures", "av_act", "order", "help", "basis",
             "groups", "fields", "signatures", "any_of", "signed_after", "every_page")
COMPUTED = {"page_count": "打印时按实际页数填写"}   # computed field kinds, as the page says it


def _read_code(root: _Table, filename: str) -> str:
    code = root.code("code")
    stem = filename[: -len(".toml")] if filename.endswith(".toml") else None
    if stem is not None and code != stem:
        raise root.error("code", f"与文件名不一致：应为 {_show(stem)}，实际为 {_show(code)}")
    return code


def _check_stages_fit(root: _Table, stages: tuple[Stage, ...], procedures: tuple[Procedure, ...]) -> None:
    for procedure in procedures:
        if not set(stages) & set(STAGE_ORDER[procedure]):
            listed = "、".join(s.label for s in stages)
            raise root.error("procedures", f"{procedure.label}没有本表单所属的环节（{listed}）")


# -- groups ---------------------------------------------------------------------------

def _read_groups(root: _Table) -> tuple[FieldGroup, ...]:
    groups: list[FieldGroup] = []
    for t in root.tables("groups", ("key", "label", "methods", "av_act", "help", "basis")):
        group = FieldGroup(t.code("key"), t.text("label"), t.members("methods", ServiceMethod, required=False),
                           t.av_act("av_act"), t.text("help", required=False), t.sources())
        if any(g.key == group.key for g in groups):
            raise t.error("key", f"重复：分组 {_show(group.key)} 已在前面出现")
        groups.append(group)
    return tuple(groups)


def _group_ref(t: _Table, groups: tuple[FieldGroup, ...]) -> str | None:
    key = t.code("group", required=False)
    if key is not None and all(g.key != key for g in groups):
        raise t.error("group", f"引用了不存在的分组 {_show(key)}")
    return key


# -- fields ---------------------------------------------------------------------------

_FIELD_KEYS = ("key", "label", "type", "required", "required_if", "required_unless", "group", "choices",
               "min", "max", "validators", "help", "basis", "print", "future", "computed")
_VALIDATOR_KEYS = ("max_length", "pattern", "pattern_hint", "not_before", "days_after", "must_be_true",
                   "required_columns")
_T = FieldType
_COUNTED = frozenset({_T.MULTICHOICE, _T.OFFICERS, _T.MATERIALS})
_ONLY_FOR: Mapping[str, frozenset[FieldType]] = {
    "choices": frozenset({_T.CHOICE, _T.MULTICHOICE}),
    "min": frozenset({_T.INTEGER, _T.MONEY}) | _COUNTED,
    "max": frozenset({_T.INTEGER, _T.MONEY}) | _COUNTED,
    "max_length": frozenset({_T.TEXT, _T.MULTILINE}),
    "pattern": frozenset({_T.TEXT}),
    "pattern_hint": frozenset({_T.TEXT}),
    "not_before": frozenset({_T.DATE, _T.DATETIME}),
    "days_after": frozenset({_T.DATE, _T.DATETIME}),
    "must_be_true": frozenset({_T.BOOL}),
    "required_columns": frozenset({_T.MATERIALS}),
    "future": frozenset({_T.DATE, _T.DATETIME}),
    "computed": frozenset({_T.INTEGER}),
}


def _check_applicable(t: _Table, ftype: FieldType) -> None:
    for name in t.data:
        allowed = _ONLY_FOR.get(name)
        if allowed is not None and ftype not in allowed:
            kinds = "、".join(sorted(k.value for k in allowed))
            raise t.error(name, f"只适用于 {kinds} 类型的字段，本字段类型为 {ftype.value}")


def _read_choices(t: _Table, ftype: FieldType) -> tuple[Choice, ...]:
    if ftype not in _ONLY_FOR["choices"]:
        return ()
    values = t.raw("choices")
    if not isinstance(values, list) or not values:
        raise t.wrong("choices", "非空数组（选项文字，或 {value, label} 表）", values)
    choices = tuple(_read_choice(t, v) for v in values)
    if len({c.value for c in choices}) != len(choices):
        raise t.error("choices", "含有重复的选项")
    return choices


def _read_choice(t: _Table, value: Any) -> Choice:
    if isinstance(value, str) and value.strip():
        return Choice(value, value)
    if isinstance(value, dict) and set(value) == {"value", "label"} \
            and all(isinstance(v, str) and v.strip() for v in value.values()):
        return Choice(value["value"], value["label"])
    raise t.wrong("choices", "选项文字，或只含 value 和 label 的表", value)


def _bound(t: _Table, name: str, ftype: FieldType) -> int | Decimal | None:
    value = t.raw(name, required=False)
    if value is _MISSING:
        return None
    if ftype is FieldType.MONEY:
        amount = _decimal(value) if not isinstance(value, bool) else None
        if amount is None or amount < 0:
            raise t.wrong(name, "不为负、最多两位小数的金额", value)
        return amount
    minimum = 0 if ftype is FieldType.INTEGER else 1
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise t.wrong(name, f"不小于 {minimum} 的整数", value)
    return value


def _read_bounds(t: _Table, ftype: FieldType) -> tuple[Any, Any]:
    low, high = _bound(t, "min", ftype), _bound(t, "max", ftype)
    if low is None and ftype is FieldType.OFFICERS:
        low = 1
    if low is not None and high is not None and low > high:
        raise t.error("max", f"不应小于 min（{low}）")
    return low, high


def _read_link(v: _Table, name: str) -> DateLink | None:
    t = v.table(name, ("key", "days", "unit"))
    if t is None:
        return None
    unit = t.member("unit", Unit) if t.has("unit") else None
    if unit not in (None, Unit.WORKING_DAYS, Unit.CALENDAR_DAYS):
        raise t.wrong("unit", f"{Unit.WORKING_DAYS.value}、{Unit.CALENDAR_DAYS.value} 之一", unit.value)
    return DateLink(t.code("key"), t.integer("days", 0, default=0), unit)


def _read_pattern(v: _Table) -> str | None:
    pattern = v.text("pattern", required=False) or None
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise v.error("pattern", f"不是有效的正则表达式：{exc}") from None
    return pattern


def _read_columns(v: _Table) -> tuple[str, ...]:
    extra = v.raw("required_columns", required=False)
    if extra is _MISSING:
        return _MATERIAL_DEFAULT_REQUIRED
    if not isinstance(extra, list) or not all(isinstance(c, str) and c in MATERIAL_COLUMNS for c in extra):
        raise v.wrong("required_columns", f"由 {'、'.join(MATERIAL_COLUMNS)} 组成的数组", extra)
    return tuple(dict.fromkeys((*_MATERIAL_DEFAULT_REQUIRED, *extra)))


def _read_validators(t: _Table, ftype: FieldType) -> Validators:
    v = t.table("validators", _VALIDATOR_KEYS)
    if v is None:
        return Validators()
    _check_applicable(v, ftype)
    return Validators(
        max_length=v.integer("max_length", 1),
        pattern=_read_pattern(v),
        pattern_hint=v.text("pattern_hint", required=False),
        not_before=_read_link(v, "not_before"),
        days_after=_read_link(v, "days_after"),
        must_be_true=v.flag("must_be_true", False),
        required_columns=_read_columns(v),
    )


def _read_print(t: _Table) -> PrintHints:
    p = t.table("print", ("width", "lines"))
    if p is None:
        return PrintHints()
    width = p.raw("width", required=False)
    if width is _MISSING:
        width = 1.0
    elif isinstance(width, bool) or not isinstance(width, (int, float)) or not 0 < width <= 1:
        raise p.wrong("width", "大于 0 且不大于 1 的数（占一行的比例）", width)
    return PrintHints(float(width), p.integer("lines", 1, default=1))


def _read_computed(t: _Table) -> str | None:
    kind = t.code("computed", required=False)
    if kind is not None and kind not in COMPUTED:
        raise t.wrong("computed", f"{'、'.join(COMPUTED)} 之一", kind)
    if kind is not None and t.flag("required", False):
        raise t.error("required", "由系统填写的字段（computed）不能设为必填")
    return kind


def _read_field(t: _Table, groups: tuple[FieldGroup, ...]) -> FieldSpec:
    ftype = t.member("type", FieldType)
    _check_applicable(t, ftype)
    low, high = _read_bounds(t, ftype)
    return FieldSpec(
        key=t.code("key"), label=t.text("label"), type=ftype,
        required=t.flag("required", False),
        required_if=t.code("required_if", required=False),
        required_unless=t.code("required_unless", required=False),
        group=_group_ref(t, groups), choices=_read_choices(t, ftype), min=low, max=high,
        validators=_read_validators(t, ftype), help=t.text("help", required=False),
        basis=t.sources(), print_hints=_read_print(t), future=t.flag("future", False),
        computed=_read_computed(t),
    )


def _check_field_links(t: _Table, f: FieldSpec, by_key: Mapping[str, FieldSpec]) -> None:
    for name in ("required_if", "required_unless"):
        ref = getattr(f, name)
        if ref is not None and (ref not in by_key or by_key[ref].type is not FieldType.BOOL):
            raise t.error(name, f"应引用本表单中 bool 类型的字段，{_show(ref)} 不是")
    for name in ("not_before", "days_after"):
        link = getattr(f.validators, name)
        target = by_key.get(link.key) if link else None
        if link is not None and (target is None or target is f or target.type not in (_T.DATE, _T.DATETIME)):
            raise t.error(f"validators.{name}.key", f"应引用本表单中另一个日期字段，{_show(link.key)} 不是")


def _read_fields(root: _Table, groups: tuple[FieldGroup, ...]) -> tuple[FieldSpec, ...]:
    tables = root.tables("fields", _FIELD_KEYS, required=True)
    fields: list[FieldSpec] = []
    for t in tables:
        f = _read_field(t, groups)
        if any(other.key == f.key for other in fields):
            raise t.error("key", f"重复：字段 {_show(f.key)} 已在前面出现")
        fields.append(f)
    by_key = {f.key: f for f in fields}
    for t, f in zip(tables, fields):
        _check_field_links(t, f, by_key)
    return tuple(fields)


def _check_methods(root: _Table, fields: tuple[FieldSpec, ...], groups: tuple[FieldGroup, ...]) -> None:
    methods = [i for i, f in enumerate(fields) if f.type is FieldType.SERVICE_METHOD]
    if len(methods) > 1:
        raise root.error(f"fields[{methods[1]}].type", "一个表单只能有一个 service_method 字段")
    grouped = [i for i, g in enumerate(groups) if g.methods]
    if grouped and not methods:
        raise root.error(f"groups[{grouped[0]}].methods", "按送达方式分组时，表单需要一个 service_method 字段")
    if methods and fields[methods[0]].group is not None:
        raise root.error(f"fields[{methods[0]}].group", "送达方式字段不能放在分组中")


# -- signature slots ------------------------------------------------------------------

_SLOT_KEYS = ("key", "kind", "label", "required", "dated", "min", "group", "refusal", "help", "basis")


def _read_refusal(t: _Table, kind: SignatureKind) -> RefusalRule | None:
    r = t.table("refusal", ("countersign", "min_signers", "basis"))
    if r is None:
        return None
    if kind is not SignatureKind.PARTY:
        raise t.error("refusal", "只有 party（当事人）签名可以设置拒签规则")
    return RefusalRule(r.code("countersign"), r.integer("min_signers", 1, default=1), r.sources())


def _read_slot(t: _Table, groups: tuple[FieldGroup, ...]) -> SignatureSlot:
    kind = t.member("kind", SignatureKind)
    if t.has("min") and not kind.is_list:
        raise t.error("min", "只适用于 officers、participants 签名")
    return SignatureSlot(
        key=t.code("key"), kind=kind, label=t.text("label"), required=t.flag("required", True),
        dated=t.flag("dated", True), min=t.integer("min", 1, default=1), group=_group_ref(t, groups),
        refusal=_read_refusal(t, kind), help=t.text("help", required=False), basis=t.sources(),
    )


def _check_countersign(t: _Table, slot: SignatureSlot, slots: list[SignatureSlot]) -> None:
    if slot.refusal is None:
        return
    target = next((s for s in slots if s.key == slot.refusal.countersign), None)
    if target is None or target is slot or target.kind not in (
            SignatureKind.OFFICERS, SignatureKind.STAFF, SignatureKind.PARTICIPANTS):
        raise t.error("refusal.countersign",
                      f"应引用本表单中 officers、staff 或 participants 签名，{_show(slot.refusal.countersign)} 不是")


def _read_slots(root: _Table, groups: tuple[FieldGroup, ...], fields: tuple[FieldSpec, ...]) -> tuple[SignatureSlot, ...]:
    tables = root.tables("signatures", _SLOT_KEYS)
    slots: list[SignatureSlot] = []
    taken = {f.key for f in fields}
    for t in tables:
        slot = _read_slot(t, groups)
        if slot.key in taken:
            raise t.error("key", f"重复：{_show(slot.key)} 已是字段或签名的键")
        taken.add(slot.key)
        slots.append(slot)
    for t, slot in zip(tables, slots):
        _check_countersign(t, slot, slots)
    return tuple(slots)


# -- any_of and whole-form rules --------------------------------------------------------

def _read_any_of(root: _Table, groups: tuple[FieldGroup, ...], known: set[str]) -> tuple[AnyOf, ...]:
    rules = []
    for t in root.tables("any_of", ("keys", "message", "group", "basis")):
        keys = t.raw("keys")
        if not isinstance(keys, list) or len(keys) < 2 or not all(isinstance(k, str) for k in keys) \
                or len(set(keys)) != len(keys):
            raise t.wrong("keys", "至少两个不重复的字段或签名键", keys)
        unknown = [k for k in keys if k not in known]
        if unknown:
            raise t.error("keys", f"引用了不存在的字段或签名 {_show(unknown[0])}")
        rules.append(AnyOf(tuple(keys), t.text("message"), _group_ref(t, groups), t.sources()))
    return tuple(rules)


def _read_signed_after(root: _Table, fields: tuple[FieldSpec, ...]) -> str | None:
    key = root.code("signed_after", required=False)
    target = next((f for f in fields if f.key == key), None)
    if key is not None and (target is None or target.type not in (_T.DATE, _T.DATETIME)):
        raise root.error("signed_after", f"应引用本表单中的日期字段，{_show(key)} 不是")
    return key


def _read_every_page(root: _Table, slots: tuple[SignatureSlot, ...]) -> EveryPage | None:
    t = root.table("every_page", ("statement", "signature"))
    if t is None:
        return None
    key = t.code("signature")
    if all(s.key != key for s in slots):
        raise t.error("signature", f"引用了不存在的签名 {_show(key)}")
    return EveryPage(t.text("statement"), key)


def _slot_index(spec: FormSpec, predicate: Callable[[SignatureSlot], bool]) -> int | None:
    return next((i for i, s in enumerate(spec.signatures) if predicate(s)), None)


def _check_kind_rules(root: _Table, spec: FormSpec) -> None:
    """Rules of seed 000 Art. 13-14 that every shipped form of a kind must follow."""
    if spec.kind is DocumentKind.ISSUED and _slot_index(spec, lambda s: s.kind is SignatureKind.SEAL) is None:
        raise root.error("signatures", "向当事人出具的文书应加盖印章并载明日期（seed 000 Art. 13），缺少 seal 签名")
    if spec.kind is DocumentKind.INVESTIGATION:
        i = _slot_index(spec, lambda s: s.kind is SignatureKind.PARTY and s.refusal is None)
        if i is not None:
            raise root.error(f"signatures[{i}].refusal",
                             "调查取证文书的当事人签名须设置拒签规则（seed 000 Art. 14）")


def _check_penalty_officers(root: _Table, spec: FormSpec) -> None:
    if spec.procedures != (Procedure.PENALTY,):
        return
    for i, f in enumerate(spec.fields):
        if f.type is FieldType.OFFICERS and f.min < PENALTY_OFFICERS:
            raise root.error(f"fields[{i}].min", "行政处罚的执法人员不得少于两人（行政处罚法 Art. 42）")
    i = _slot_index(spec, lambda s: s.kind is SignatureKind.OFFICERS and s.min < PENALTY_OFFICERS)
    if i is not None:
        raise root.error(f"signatures[{i}].min", "行政处罚的执法人员不得少于两人（行政处罚法 Art. 42）")


def _load_toml(text: str, filename: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FormError(filename, f"不是有效的 TOML：{exc}") from None


def parse_form(text: str, filename: str) -> FormSpec:
    """Parse and validate one form; ``filename`` (e.g. ``inquiry_record.toml``) is for messages."""
    root = _Table(filename, _load_toml(text, filename), "", _TOP_KEYS)
    code = _read_code(root, filename)
    stages, procedures = root.members("stages", Stage), root.members("procedures", Procedure)
    _check_stages_fit(root, stages, procedures)
    groups = _read_groups(root)
    fields = _read_fields(root, groups)
    _check_methods(root, fields, groups)
    slots = _read_slots(root, groups, fields)
    spec = FormSpec(
        code=code, title=root.text("title"), kind=root.member("kind", DocumentKind), stages=stages,
        procedures=procedures, fields=fields, signatures=slots, groups=groups,
        any_of=_read_any_of(root, groups, {f.key for f in fields} | {s.key for s in slots}),
        av_act=root.av_act("av_act"), order=root.integer("order", 0, default=0),
        help=root.text("help", required=False), basis=root.sources(),
        signed_after=_read_signed_after(root, fields), every_page=_read_every_page(root, slots),
    )
    _check_kind_rules(root, spec)
    _check_penalty_officers(root, spec)
    return spec


# ---------------------------------------------------------------------------- AV


# A bool field: the act took place inside the agency's own office premises, where an act the
# profile requires on film only outside them (seed 004 Art. 10) needs none.
ON_PREMISES_FIELD = "on_agency_premises"


def av_required(spec: FormSpec, profile: RuleProfile, *, method: ServiceMethod | None = None,
                values: Mapping[str, Any] | None = None) -> tuple[bool, Source | None]:
    """Whether the agency's profile requires AV for this form, and the rule that says so.

    The form's own AV act counts, and with ``method`` also the act of each group that
    applies to that service method (e.g. lodged service). Recommended acts give False, and so
    does an act required only off the premises when ``values`` say it took place on them.
    """
    on_premises = bool(values and values.get(ON_PREMISES_FIELD) is True)
    codes = [spec.av_act] + [g.av_act for g in spec.groups if g.methods and method in g.methods]
    for code in filter(None, codes):
        act = profile.av_act(code)
        if act is not None and act.level is Level.REQUIRED and not (act.off_premises_only and on_premises):
            return True, act.source
    return False, None


# ---------------------------------------------------------------------------- values

class _Invalid(Exception):
    """Format problems of one value: (key suffix, label suffix, message) each."""

    def __init__(self, *issues: tuple[str, str, str]):
        super().__init__(issues)
        self.issues = issues


def _bad(message: str) -> _Invalid:
    return _Invalid(("", "", message))


def _cite(basis: tuple[Source, ...]) -> str:
    return f"（{'；'.join(map(str, basis))}）" if basis else ""


def _is_empty(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, (list, tuple, dict)) and not value)


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(value) if isinstance(value, (int, str, Decimal)) else None
    except InvalidOperation:
        return None
    if amount is None or not amount.is_finite() or amount.as_tuple().exponent < -2:
        return None
    return amount


def _to_date(value: Any) -> date:
    if type(value) is date:
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _bad("应为日期，如 2024-03-15")


def _to_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _bad("应为日期和时间，如 2024-03-15 14:30")


def _to_text(f: FieldSpec, value: Any) -> str:
    if not isinstance(value, str):
        raise _bad("应为文字")
    v = f.validators
    if v.max_length is not None and len(value) > v.max_length:
        raise _bad(f"不能超过 {v.max_length} 个字（现有 {len(value)} 个）")
    if v.pattern is not None and not re.fullmatch(v.pattern, value.strip()):
        raise _bad(f"格式不正确{('，应如 ' + v.pattern_hint) if v.pattern_hint else ''}")
    return value


def _check_bounds(f: FieldSpec, number: int | Decimal, unit: str) -> None:
    if f.min is not None and number < f.min:
        raise _bad(f"不能小于 {f.min}{unit}")
    if f.max is not None and number > f.max:
        raise _bad(f"不能大于 {f.max}{unit}")


def _to_integer(f: FieldSpec, value: Any) -> int:
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad("应为整数")
    _check_bounds(f, value, "")
    return value


def _to_money(f: FieldSpec, value: Any) -> Decimal:
    amount = None if isinstance(value, bool) else _decimal(value.strip() if isinstance(value, str) else value)
    if amount is None:
        raise _bad("应为金额（元），最多两位小数，如 2000.00")
    if amount < 0:
        raise _bad("金额不能为负数")
    _check_bounds(f, amount, " 元")
    return amount


def _to_choice(f: FieldSpec, value: Any) -> str:
    if f.choice_label(value) is None:
        raise _bad(f"应为以下选项之一：{'、'.join(c.label for c in f.choices)}")
    return value


def _to_multichoice(f: FieldSpec, value: Any) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise _bad("应为选项列表")
    unknown = [v for v in value if f.choice_label(v) is None]
    if unknown:
        raise _bad(f"“{unknown[0]}”不是可选项（可选：{'、'.join(c.label for c in f.choices)}）")
    if len(set(value)) != len(value):
        raise _bad("有重复的选项")
    if f.max is not None and len(value) > f.max:
        raise _bad(f"最多选 {f.max} 项")
    return tuple(value)


def _to_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _bad("应为“是”或“否”")
    return value


def _to_id(check: Callable[[str], Any], value: Any) -> str:
    if not isinstance(value, str):
        raise _bad("应为文字")
    result = check(value.strip())
    if not result.ok:
        raise _bad(result.message)
    return result.value


def _to_phone(value: Any) -> str:
    """A number as people write it (spaces, hyphens, +86) is taken in its one form."""
    if not isinstance(value, str):
        raise _bad("应为文字")
    try:
        return normalise_phone(value)
    except PhoneError as exc:
        raise _bad(str(exc)) from None


def _to_reference(value: Any, what: str) -> Any:
    ok = (isinstance(value, int) and not isinstance(value, bool) and value > 0) or \
        (isinstance(value, str) and bool(value.strip()))
    if not ok:
        raise _bad(f"应为对{what}的引用（编号）")
    return value


def _to_method(value: Any) -> ServiceMethod:
    member = _enum_member(ServiceMethod, value)
    if member is None:
        raise _bad(f"应为以下送达方式之一：{'、'.join(m.label for m in ServiceMethod)}")
    return member


def _rows(value: Any, what: str) -> list[Mapping]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(r, Mapping) for r in value):
        raise _bad(f"应为{what}列表")
    return list(value)


def _row_issues(i: int, row: Mapping, allowed: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """Unknown keys and non-text cells of one row (``copies`` is checked by its caller)."""
    issues = [(f"[{i}].{k}", f"第 {i + 1} 行", f"“{k}”不是可填写的项") for k in row if k not in allowed]
    for k, text in allowed.items():
        cell = row.get(k)
        if k not in ("copies", "id") and cell is not None and not isinstance(cell, str):
            issues.append((f"[{i}].{k}", f"第 {i + 1} 行{text}", "应为文字"))
    return issues


_OFFICER_COLUMNS = {"name": "姓名", "cert_no": "执法证号", "id": "编号"}
_PARTICIPANT_COLUMNS = {"name": "姓名", "role": "身份", "id": "编号"}


def _to_officers(f: FieldSpec, value: Any) -> list[Mapping]:
    rows = _rows(value, "执法人员")
    issues = [issue for i, row in enumerate(rows) for issue in _row_issues(i, row, _OFFICER_COLUMNS)]
    issues += _duplicate_certs(rows)
    if f.max is not None and len(rows) > f.max:
        issues.append(("", "", f"最多 {f.max} 名执法人员"))
    if issues:
        raise _Invalid(*issues)
    return rows


def _duplicate_certs(rows: list[Mapping]) -> list[tuple[str, str, str]]:
    seen: set[str] = set()
    issues = []
    for i, row in enumerate(rows):
        cert = row.get("cert_no")
        if isinstance(cert, str) and cert.strip():
            if cert.strip() in seen:
                issues.append((f"[{i}].cert_no", f"第 {i + 1} 行执法证号", f"执法证号 {cert} 重复"))
            seen.add(cert.strip())
    return issues


def _material_issues(i: int, row: Mapping) -> list[tuple[str, str, str]]:
    issues = _row_issues(i, row, MATERIAL_COLUMNS)
    copies, kind = row.get("copies"), row.get("kind")
    if copies is not None and (isinstance(copies, bool) or not isinstance(copies, int) or copies < 1):
        issues.append((f"[{i}].copies", f"第 {i + 1} 行份数", "份数应为正整数"))
    if kind is not None and kind not in MATERIAL_KINDS:
        issues.append((f"[{i}].kind", f"第 {i + 1} 行原件/复印件", "应为“原件”（original）或“复印件”（copy）"))
    return issues


def _to_materials(f: FieldSpec, value: Any) -> list[Mapping]:
    rows = _rows(value, "材料")
    issues = [issue for i, row in enumerate(rows) for issue in _material_issues(i, row)]
    if f.max is not None and len(rows) > f.max:
        issues.append(("", "", f"最多 {f.max} 项"))
    if issues:
        raise _Invalid(*issues)
    return rows


_CONVERT: Mapping[FieldType, Callable[[FieldSpec, Any], Any]] = {
    _T.TEXT: _to_text,
    _T.MULTILINE: _to_text,
    _T.DATE: lambda f, v: _to_date(v),
    _T.DATETIME: lambda f, v: _to_datetime(v),
    _T.INTEGER: _to_integer,
    _T.MONEY: _to_money,
    _T.CHOICE: _to_choice,
    _T.MULTICHOICE: _to_multichoice,
    _T.BOOL: lambda f, v: _to_bool(v),
    _T.RESIDENT_ID: lambda f, v: _to_id(check_resident_id, v),
    _T.CREDIT_CODE: lambda f, v: _to_id(check_credit_code, v),
    _T.PHONE: lambda f, v: _to_phone(v),
    _T.PARTY: lambda f, v: _to_reference(v, "当事人"),
    _T.FILE: lambda f, v: _to_reference(v, "电子记录"),
    _T.OFFICERS: _to_officers,
    _T.MATERIALS: _to_materials,
    _T.SERVICE_METHOD: lambda f, v: _to_method(v),
}


# -- the checking context -----------------------------------------------------------

@dataclass(frozen=True)
class _Check:
    spec: FormSpec
    values: Mapping[str, Any]
    final: bool
    penalty: bool
    method: ServiceMethod | None
    now: datetime | None = None   # the agency's wall-clock time; None: dates are not checked against it
    calendar: WorkCalendar | None = None  # working days for periods (None: the official holiday data)

    def day_after(self, start: date, link: DateLink) -> Reckoned[date]:
        """The day ``link.days`` after ``start``, counted as the link's unit says (with the
        calendar's warning when a year's holiday arrangement is not known)."""
        if link.unit is None:
            return Reckoned(start + timedelta(days=link.days))
        return due_after(start, link.days, link.unit, self.calendar)

    def parsed(self, key: str) -> Any:
        """The converted value of another field, or None when empty or malformed."""
        f = self.spec.field(key)
        value = self.values.get(key)
        if f is None or _is_empty(value):
            return None
        try:
            return _CONVERT[f.type](f, value)
        except _Invalid:
            return None

    def active(self, group: str | None) -> bool:
        return self.spec.is_active(group, self.method)

    def min_officers(self, declared: int) -> tuple[int, tuple[Source, ...]]:
        if self.penalty and declared < PENALTY_OFFICERS:
            return PENALTY_OFFICERS, PENALTY_OFFICERS_BASIS
        return declared, ()


def active_method(spec: FormSpec, values: Mapping[str, Any]) -> ServiceMethod | None:
    """The service method chosen in ``values``, if the form has one and it is valid."""
    f = spec.method_field
    try:
        return _to_method(values.get(f.key)) if f is not None else None
    except _Invalid:
        return None


def _problem(key: str, label: str, message: str, basis: tuple[Source, ...] = ()) -> FieldProblem:
    return FieldProblem(key, label, message + _cite(basis), basis)


def _issues(key: str, label: str, exc: _Invalid) -> list[FieldProblem]:
    return [FieldProblem(key + suffix, label + (f"（{sub}）" if sub else ""), message)
            for suffix, sub, message in exc.issues]


# -- fields ---------------------------------------------------------------------------

def _is_required(f: FieldSpec, c: _Check) -> bool:
    if f.required_if is not None and c.parsed(f.required_if) is True:
        return True
    if f.required_unless is not None:
        return c.parsed(f.required_unless) is not True
    return f.required


def _check_field(f: FieldSpec, c: _Check) -> list[FieldProblem]:
    if f.computed is not None:   # filled by the system (e.g. when printed): nothing typed to check
        return []
    value = c.values.get(f.key)
    if _is_empty(value):
        required = c.final and _is_required(f, c)
        return [_problem(f.key, f.label, "此项必填", f.basis)] if required else []
    try:
        parsed = _CONVERT[f.type](f, value)
    except _Invalid as exc:
        return _issues(f.key, f.label, exc)
    return _final_field(f, parsed, c) if c.final else []


def _final_field(f: FieldSpec, parsed: Any, c: _Check) -> list[FieldProblem]:
    check = _FINAL.get(f.type)
    return check(f, parsed, c) if check else []


def _final_officers(f: FieldSpec, rows: list[Mapping], c: _Check) -> list[FieldProblem]:
    need, basis = c.min_officers(f.min or 1)
    problems = [_problem(f.key, f.label, f"执法人员不得少于 {need} 人", basis or f.basis)] if len(rows) < need else []
    return problems + _missing_cells(f.key, f.label, rows, _OFFICER_COLUMNS, ("name", "cert_no"))


def _final_materials(f: FieldSpec, rows: list[Mapping], c: _Check) -> list[FieldProblem]:
    problems = [_problem(f.key, f.label, f"至少应列 {f.min} 项", f.basis)] if f.min and len(rows) < f.min else []
    return problems + _missing_cells(f.key, f.label, rows, MATERIAL_COLUMNS, f.validators.required_columns)


def _missing_cells(key: str, label: str, rows: list[Mapping], columns: Mapping[str, str],
                   required: tuple[str, ...]) -> list[FieldProblem]:
    return [FieldProblem(f"{key}[{i}].{col}", f"{label}（第 {i + 1} 行{columns[col]}）", f"应填写{columns[col]}")
            for i, row in enumerate(rows) for col in required if _is_empty(row.get(col))]


def _final_count(f: FieldSpec, chosen: tuple[str, ...], c: _Check) -> list[FieldProblem]:
    return [_problem(f.key, f.label, f"至少选 {f.min} 项", f.basis)] if f.min and len(chosen) < f.min else []


def _final_bool(f: FieldSpec, value: bool, c: _Check) -> list[FieldProblem]:
    return [_problem(f.key, f.label, "须确认此项", f.basis)] if f.validators.must_be_true and not value else []


def _as_date(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _final_dates(f: FieldSpec, value: date, c: _Check) -> list[FieldProblem]:
    return _not_before(f, value, c) + _days_after(f, value, c) + _not_ahead(f, value, c)


# An act's time may be a few minutes ahead of this workstation's clock (a watch, a camera).
FUTURE_TOLERANCE = timedelta(minutes=10)


def _naive(value: datetime) -> datetime:
    return value.replace(tzinfo=None)


def _not_ahead(f: FieldSpec, value: date, c: _Check) -> list[FieldProblem]:
    """An act recorded has happened: its date is not after today, its time not after now."""
    if c.now is None or f.future:
        return []
    if isinstance(value, datetime):
        if _naive(value) <= c.now + FUTURE_TOLERANCE:
            return []
        return [_problem(f.key, f.label, f"不能晚于现在（{c.now:%Y-%m-%d %H:%M}）：记录的是已经发生的事")]
    if value <= c.now.date():
        return []
    return [_problem(f.key, f.label, f"不能晚于今天（{c.now.date().isoformat()}）：记录的是已经发生的事")]


def _not_before(f: FieldSpec, value: date, c: _Check) -> list[FieldProblem]:
    link = f.validators.not_before
    start = c.parsed(link.key) if link else None
    if start is None:
        return []
    label = c.spec.field(link.key).label
    if link.days:
        earliest = c.day_after(_as_date(start), link)
        if _as_date(value) >= earliest.value:
            return []
        message = f"应不早于“{label}”后第 {link.days} {_unit_words(link)}（{_reckoned_day(earliest)}）"
    else:
        same_kind = type(start) is type(value)
        if (value >= start) if same_kind else (_as_date(value) >= _as_date(start)):
            return []
        message = f"不应早于“{label}”"
    return [_problem(f.key, f.label, message, f.basis)]


def _days_after(f: FieldSpec, value: date, c: _Check) -> list[FieldProblem]:
    link = f.validators.days_after
    start = c.parsed(link.key) if link else None
    if start is None:
        return []
    expected = c.day_after(_as_date(start), link)
    if _as_date(value) == expected.value:
        return []
    label = c.spec.field(link.key).label
    return [_problem(f.key, f.label, f"应为“{label}”之后第 {link.days} {_unit_words(link)}，即 {_reckoned_day(expected)}",
                     f.basis)]


def _reckoned_day(day: Reckoned[date]) -> str:
    """The day, and the calendar's warning when it was counted without the year's arrangement."""
    return day.value.isoformat() + (f"（{day.message}）" if day.message else "")


def _unit_words(link: DateLink) -> str:
    return "个工作日" if link.unit is Unit.WORKING_DAYS else "日"


def _final_resident_id(f: FieldSpec, value: str, c: _Check) -> list[FieldProblem]:
    """A card's holder was born by today (the number's own check ran when it was converted)."""
    result = check_resident_id(value, c.now.date()) if c.now is not None else None
    return [_problem(f.key, f.label, result.message)] if result is not None and not result.ok else []


_FINAL: Mapping[FieldType, Callable[[FieldSpec, Any, _Check], list[FieldProblem]]] = {
    _T.OFFICERS: _final_officers, _T.MATERIALS: _final_materials, _T.MULTICHOICE: _final_count,
    _T.BOOL: _final_bool, _T.DATE: _final_dates, _T.DATETIME: _final_dates, _T.RESIDENT_ID: _final_resident_id,
}


# -- signature slots ------------------------------------------------------------------

_SLOT_VALUE_KEYS: Mapping[SignatureKind, tuple[str, ...]] = {
    SignatureKind.PARTY: ("name", "date", "refused", "note"),
    SignatureKind.OFFICERS: ("signers", "date"),
    SignatureKind.PARTICIPANTS: ("signers", "date"),
    SignatureKind.WITNESS: ("name", "unit", "date"),
    SignatureKind.RECIPIENT: ("name", "date"),
    SignatureKind.SUBSTITUTE_RECIPIENT: ("name", "relation", "reason", "date"),
    SignatureKind.HANDLER: ("name", "opinion", "date"),
    SignatureKind.REVIEWER: ("name", "opinion", "date"),
    SignatureKind.APPROVER: ("name", "opinion", "date"),
    SignatureKind.STAFF: ("name", "date"),
    SignatureKind.SEAL: ("sealed", "date"),
}
_PART_LABELS = {"name": "姓名", "date": "日期", "note": "拒签说明", "opinion": "意见", "unit": "单位",
                "relation": "与受送达人关系", "reason": "代收事由", "refused": "拒签", "sealed": "盖章",
                "signers": "签名人"}


def _signers(value: Mapping) -> list[Mapping]:
    signers = value.get("signers")
    return list(signers) if isinstance(signers, (list, tuple)) else []


def _is_signed(slot: SignatureSlot, value: Any) -> bool:
    if not isinstance(value, Mapping):
        return False
    if slot.kind.is_list:
        return bool(_signers(value))
    if slot.kind is SignatureKind.SEAL:
        return value.get("sealed") is True
    return value.get("refused") is True or not _is_empty(value.get("name"))


def _signer_count(slot: SignatureSlot, value: Any) -> int:
    if not _is_signed(slot, value):
        return 0
    return len(_signers(value)) if slot.kind.is_list else 1


def _slot_format(slot: SignatureSlot, value: Mapping) -> list[tuple[str, str, str]]:
    allowed = _SLOT_VALUE_KEYS[slot.kind]
    issues = [(f".{k}", str(k), f"“{k}”不是{slot.kind.label}签名可填写的项") for k in value if k not in allowed]
    for k in ("refused", "sealed"):
        if k in value and not isinstance(value[k], bool):
            issues.append((f".{k}", _PART_LABELS[k], "应为“是”或“否”"))
    for k in ("name", "note", "opinion", "unit", "relation", "reason"):
        if value.get(k) is not None and not isinstance(value[k], str):
            issues.append((f".{k}", _PART_LABELS[k], "应为文字"))
    if not _is_empty(value.get("date")):
        try:
            _to_date(value["date"])
        except _Invalid:
            issues.append((".date", "日期", "应为日期，如 2024-03-15"))
    return issues + _signers_format(slot, value)


def _signers_format(slot: SignatureSlot, value: Mapping) -> list[tuple[str, str, str]]:
    if not slot.kind.is_list or "signers" not in value:
        return []
    columns = _OFFICER_COLUMNS if slot.kind is SignatureKind.OFFICERS else _PARTICIPANT_COLUMNS
    try:
        rows = _rows(value["signers"], "签名人")
    except _Invalid:
        return [(".signers", "签名人", "应为签名人列表")]
    issues = [i for n, row in enumerate(rows) for i in _row_issues(n, row, columns)]
    return [(f".signers{k}", f"签名人{sub}", m) for k, sub, m in issues + _duplicate_certs(rows)]


def _check_slot(slot: SignatureSlot, c: _Check) -> list[FieldProblem]:
    value = c.values.get(slot.key)
    if _is_empty(value):
        return [_problem(slot.key, slot.label, "尚未签名", slot.basis)] if c.final and slot.required else []
    if not isinstance(value, Mapping):
        return [_problem(slot.key, slot.label, "签名数据格式不正确")]
    issues = _slot_format(slot, value)
    if issues:
        return _issues(slot.key, slot.label, _Invalid(*issues))
    return _final_slot(slot, value, c) if c.final else []


def _final_slot(slot: SignatureSlot, value: Mapping, c: _Check) -> list[FieldProblem]:
    if value.get("refused") is True:
        return _refusal(slot, value, c) + _signed_when(slot, value, c)
    if not _is_signed(slot, value):
        return [_problem(slot.key, slot.label, "尚未签名", slot.basis)] if slot.required else []
    return _dated(slot, value) + _opinion(slot, value) + _slot_signers(slot, value, c) + _substitute(slot, value) \
        + _signed_when(slot, value, c)


def _signed_when(slot: SignatureSlot, value: Mapping, c: _Check) -> list[FieldProblem]:
    """A signature is dated on or after the act it signs for, and not after today."""
    if _is_empty(value.get("date")):
        return []
    signed_on = _to_date(value["date"])
    act_key = c.spec.signed_after
    act = c.parsed(act_key) if act_key else None
    if act is not None and signed_on < _as_date(act):
        act_label = c.spec.field(act_key).label
        return [_part(slot, "date", f"不能早于“{act_label}”（{_as_date(act).isoformat()}）：签名在事后")]
    if c.now is not None and signed_on > c.now.date():
        return [_part(slot, "date", f"不能晚于今天（{c.now.date().isoformat()}）")]
    return []


def _part(slot: SignatureSlot, part: str, message: str, basis: tuple[Source, ...] = ()) -> FieldProblem:
    return _problem(f"{slot.key}.{part}", f"{slot.label}（{_PART_LABELS[part]}）", message, basis)


def _dated(slot: SignatureSlot, value: Mapping) -> list[FieldProblem]:
    if not slot.dated or not _is_empty(value.get("date")):
        return []
    if slot.kind.has_opinion:
        return [_part(slot, "date", "各审批意见应分别载明签字日期", slot.basis or (Source("000", "15"),))]
    return [_part(slot, "date", "应载明签字日期", slot.basis)]


def _opinion(slot: SignatureSlot, value: Mapping) -> list[FieldProblem]:
    if not slot.kind.has_opinion or not _is_empty(value.get("opinion")):
        return []
    return [_part(slot, "opinion", f"应填写{slot.label}", slot.basis or (Source("000", "15"),))]


def _slot_signers(slot: SignatureSlot, value: Mapping, c: _Check) -> list[FieldProblem]:
    if not slot.kind.is_list:
        return []
    rows = _signers(value)
    need, basis = c.min_officers(slot.min) if slot.kind is SignatureKind.OFFICERS else (slot.min, ())
    problems = [_problem(slot.key, slot.label, f"签名人不得少于 {need} 人", basis or slot.basis)] if len(rows) < need else []
    if slot.kind is SignatureKind.OFFICERS:
        return problems + _missing_cells(f"{slot.key}.signers", slot.label, rows, _OFFICER_COLUMNS, ("name", "cert_no"))
    return problems + _missing_cells(f"{slot.key}.signers", slot.label, rows, _PARTICIPANT_COLUMNS, ("name",))


def _substitute(slot: SignatureSlot, value: Mapping) -> list[FieldProblem]:
    if slot.kind is not SignatureKind.SUBSTITUTE_RECIPIENT:
        return []
    return [_part(slot, part, f"应写明{_PART_LABELS[part]}", slot.basis)
            for part in ("relation", "reason") if _is_empty(value.get(part))]


def _refusal(slot: SignatureSlot, value: Mapping, c: _Check) -> list[FieldProblem]:
    rule = slot.refusal
    if rule is None:
        return [_problem(slot.key, slot.label, "本文书不能以拒签代替签名", slot.basis)]
    problems = []
    if _is_empty(value.get("note")):
        problems.append(_part(slot, "note", "当事人拒绝签字的，应在文书中注明", rule.basis))
    other = c.spec.slot(rule.countersign)
    if _signer_count(other, c.values.get(other.key)) < rule.min_signers:
        who = f" {rule.min_signers} 名以上人员在“{other.label}”处" if rule.min_signers > 1 else f"“{other.label}”"
        message = f"当事人拒绝签字的，应由{who}签字"
        problems.append(_problem(other.key, other.label, message, rule.basis))
    return problems


# -- any_of and the entry point --------------------------------------------------------

def _is_filled(spec: FormSpec, key: str, values: Mapping[str, Any]) -> bool:
    slot = spec.slot(key)
    return _is_signed(slot, values.get(key)) if slot is not None else not _is_empty(values.get(key))


def _label_of(spec: FormSpec, key: str) -> str:
    item = spec.field(key) or spec.slot(key)
    return item.label


def _check_any_of(rule: AnyOf, c: _Check) -> list[FieldProblem]:
    if not c.active(rule.group) or any(_is_filled(c.spec, k, c.values) for k in rule.keys):
        return []
    label = " 或 ".join(_label_of(c.spec, k) for k in rule.keys)
    return [_problem(rule.keys[0], label, rule.message, rule.basis)]


def validate_values(spec: FormSpec, values: Mapping[str, Any], *, final: bool,
                    procedure: Procedure | None = None, now: datetime | None = None,
                    calendar: WorkCalendar | None = None) -> list[FieldProblem]:
    """Problems of the filled-in ``values`` (field and slot keys), in form order.

    ``final=False`` (saving a draft): only type and format problems. ``final=True`` (finishing
    the page): also required fields and signatures, dates, opinions, the refusal-to-sign rule,
    officer counts and the fields of the chosen service method. ``procedure`` is the case's
    procedure; under a penalty (or on a penalty-only form) every officers list needs at least
    two officers (行政处罚法 Art. 42). Fields of a service-method group count only when that
    method is chosen; keys the form does not know are ignored.

    ``now`` (the agency's wall-clock time, naive) makes finishing also refuse acts in the future:
    a date after today, a time more than :data:`FUTURE_TOLERANCE` after ``now``, a signature dated
    after today — except fields marked ``future`` (deadlines, hearing dates). Signatures are never
    dated before the form's ``signed_after`` field. Computed fields (``computed``) are not checked.
    ``calendar`` counts the working days of period links (the same one the deadline service uses).
    """
    penalty = procedure is Procedure.PENALTY or (procedure is None and spec.procedures == (Procedure.PENALTY,))
    c = _Check(spec, values, final, penalty, active_method(spec, values), now, calendar)
    problems = [p for f in spec.fields if c.active(f.group) for p in _check_field(f, c)]
    problems += [p for s in spec.signatures if c.active(s.group) for p in _check_slot(s, c)]
    if final:
        problems += [p for rule in spec.any_of for p in _check_any_of(rule, c)]
    return problems
