"""Agency rule profiles (``RuleProfile``): one agency's recording regulation as data.

Each shipped profile (``resources/profiles/<key>.toml``) encodes one seed regulation
(domain.md §2, §6, §7) and every rule in it cites its source article. Where a seed is
silent the rule is absent (``None`` or an empty tuple) — nothing is invented.

This module only parses and validates text; reading the files is
``jlclient.services.profiles``. Every problem is a :class:`ProfileError` whose Chinese
message names the file and the dotted key that is wrong.
"""
from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, fields, is_dataclass
from enum import Enum
from typing import Any, Iterator, Mapping

from jlclient.domain.model import DataFileError, Procedure, Role
from jlclient.domain.spot_check import GENERAL_ITEMS, CheckItem

SEEDS = ("000", "001", "002", "003", "004")

# National laws and regulations a rule may cite instead of a seed (short names).
NATIONAL_LAWS = frozenset({
    "行政许可法", "行政处罚法", "行政强制法", "民事诉讼法", "档案法", "政府信息公开条例",
    "劳动保障监察条例",  # the special law 人社 agencies' penalty periods follow (seed 001)
})

CASE_FILE = "case_file"  # retention period: as long as the case file is kept

# A rule kept because agencies work that way, not because a law or the seed says so: cited as
# "practice" in data, and named to people as such rather than under an article that does not say it.
PRACTICE = "practice"
PRACTICE_WORDS = "工作惯例"

# Codes a profile may use, with the Chinese label shown to users.
AV_ACTS: Mapping[str, str] = {
    "acceptance": "申请受理",
    "on_site_inspection": "现场检查（勘验）",
    "on_site_enforcement": "现场执法",
    "evidence_collection": "调查取证",
    "evidence_preservation": "证据先行登记保存",
    "seizure_detention": "查封扣押财产",
    "case_handling_premises": "执法办案场所",
    "violation_investigation": "查处违法行为、处理违法案件",
    "office_interview": "办公场所约谈",
    "hearing": "听证",
    "service": "送达",
    "lodged_service": "留置送达",
    "public_notice_service": "公告送达",
    "obstruction": "逃避、拒绝、阻挠或暴力抗法",
    "mass_or_sudden_incident": "群体性事件、突发事件",
    "hall_service": "政务服务大厅业务办理",
}
AV_EXCLUSIONS: Mapping[str, str] = {
    "explosive_area_without_proof_device": "爆炸危险区域未配备防爆音像记录设备",
    "secrets_or_privacy": "涉及国家秘密、商业秘密和个人隐私",
}
HOLD_REASONS: Mapping[str, str] = {
    "objection_or_complaint": "当事人有异议或者投诉、上访",
    "obstruction_or_assault": "逃避、拒绝、阻碍执行公务或谩骂、侮辱、殴打执法人员",
    "mass_or_sudden_incident": "参与处置群体性事件、突发事件",
    "other_important": "其他需要长期保存的情况",
}
HOLD_MEDIA: Mapping[str, str] = {
    "disc": "刻录光盘",
    "removable_media": "移动存储介质",
}
STORAGE_KEYS: Mapping[str, str] = {
    "name": "名称",
    "device_number": "记录设备编号",
    "officer": "执法人员信息",
    "time_of_use": "使用时间",
    "party": "案件当事人",
    "case_cause": "案由名称",
}
# what a regulation may say must be filmed: the spot-check items beyond the general ones
FILMING_ITEMS: Mapping[str, str] = {i.value: i.label for i in CheckItem if i not in GENERAL_ITEMS}


class ProfileError(DataFileError):
    """A profile that cannot be used."""
    kind = "配置文件"


class TimeUnit(str, Enum):
    HOURS = "hours"
    WORKING_DAYS = "working_days"


class Level(str, Enum):
    REQUIRED = "required"        # 应当 / 应同时进行音像记录
    RECOMMENDED = "recommended"  # 根据实际（情况）进行音像记录


class UploadDestination(str, Enum):
    SYSTEM_OR_STORAGE = "system_or_storage"  # 信息系统或者指定的存储设备
    DESIGNATED_STAFF = "designated_staff"    # 交由专职人员存储


class AccessScope(str, Enum):
    ALL = "all"                         # 未经批准，不得查阅任何执法记录
    SECRET_PRIVATE = "secret_private"   # 涉及国家秘密、商业秘密、个人隐私的记录


class PartyRoute(str, Enum):
    APPROVAL = "approval"                # 经负责人同意
    OPEN_GOVERNMENT = "open_government"  # 按《政府信息公开条例》办理


@dataclass(frozen=True)
class Source:
    """Where a rule comes from: a seed number ("000"–"004"), a national law's short name, or
    :data:`PRACTICE` for a rule no text lays down (shown to people as 工作惯例)."""
    seed: str
    article: str  # "23", "24-26" or "9, 14"
    detail: str = ""  # the paragraph and items when the article alone would be too broad: " ¶2", "(一)(二)"

    @property
    def is_national_law(self) -> bool:
        return self.seed in NATIONAL_LAWS

    @property
    def is_practice(self) -> bool:
        return self.seed == PRACTICE

    def __str__(self) -> str:
        if self.is_practice:
            return PRACTICE_WORDS
        prefix = self.seed if self.is_national_law else f"seed {self.seed}"
        return f"{prefix} Art. {self.article}{self.detail}"


@dataclass(frozen=True)
class Agency:
    name: str
    short_name: str  # used in document numbers, e.g. 灵行审字〔2019〕3号


@dataclass(frozen=True)
class Regulation:
    """The agency's recording regulation, as citations name it to people (domain.citation)."""
    title: str
    placeholder: bool = False  # the seed names no agency: a neutral title the administrator replaces


@dataclass(frozen=True)
class ProcedureScope:
    procedures: tuple[Procedure, ...]
    source: Source


@dataclass(frozen=True)
class Deadline:
    amount: int
    unit: TimeUnit
    source: Source


@dataclass(frozen=True)
class AvUpload:
    """Store AV records within ``deadline`` of the action; ``remote``: counted from return."""
    deadline: Deadline
    destination: UploadDestination
    remote: Deadline | None


@dataclass(frozen=True)
class Retention:
    period: int | str  # minimum months, or CASE_FILE
    source: Source
    procedures: tuple[Procedure, ...] = ()  # the kinds of case the rule speaks of; empty: every kind

    @property
    def months(self) -> int | None:
        return None if self.period == CASE_FILE else int(self.period)

    @property
    def follows_case_file(self) -> bool:
        return self.period == CASE_FILE

    def __str__(self) -> str:
        return "与案卷保存期限相同" if self.follows_case_file else f"不少于 {self.period} 个月"


@dataclass(frozen=True)
class RetentionRules:
    routine: Retention | None = None    # 日常执法/检查的音像资料
    hall_cctv: Retention | None = None  # 政务服务大厅视频监控
    evidence: Retention | None = None   # 作为证据使用的音像资料


@dataclass(frozen=True)
class LongTermHold:
    reasons: tuple[str, ...]  # codes of HOLD_REASONS
    media: tuple[str, ...]    # codes of HOLD_MEDIA
    source: Source


@dataclass(frozen=True)
class AvAct:
    act: str  # code of AV_ACTS
    level: Level
    whole_process: bool
    source: Source
    off_premises_only: bool = False  # only outside the agency's office premises (seed 004 Art. 10)

    @property
    def label(self) -> str:
        return AV_ACTS[self.act]


@dataclass(frozen=True)
class AvExclusion:
    situation: str  # code of AV_EXCLUSIONS
    source: Source


@dataclass(frozen=True)
class RestrictedAccess:
    scope: AccessScope
    approver: Role | None  # None: the seed names no approving role
    source: Source


@dataclass(frozen=True)
class PartyAccess:
    route: PartyRoute
    approver: Role | None  # set exactly when route is APPROVAL
    source: Source


@dataclass(frozen=True)
class Archiving:
    days_after_closing: int | None
    year_end: bool  # filed together at the end of each year
    source: Source


@dataclass(frozen=True)
class SpotCheck:
    """Periodic sampling and playback checks of the records."""
    by: Role
    ledger: bool  # the seed requires a check ledger (检查台账)
    source: Source


@dataclass(frozen=True)
class Filming:
    """What the regulation says a recording must show (seed 000 Art. 21, 004 Art. 16, 001 Art. 12(三)):
    offered as spot-check checklist items (codes of :class:`jlclient.domain.spot_check.CheckItem`)."""
    items: tuple[str, ...]
    source: Source


@dataclass(frozen=True)
class StorageKeys:
    keys: tuple[str, ...]  # codes of STORAGE_KEYS
    source: Source


@dataclass(frozen=True)
class PeriodOverride:
    """A special law's own period for one of the statutory deadlines ("另有规定的，从其规定",
    e.g. 行政处罚法 Art. 60): the rule's code in :mod:`jlclient.domain.deadlines`, and how long."""
    rule: str
    amount: int
    unit: str                       # a code of PERIOD_UNITS
    extension: int | None           # at most this much more, approved by ``extension_approver``
    extension_approver: str
    source: Source


@dataclass(frozen=True)
class RecordRule:
    """A written record the regulation asks for, made with one of the shipped forms (forms/<form>.toml).
    ``required``: every case of ``procedures`` holds one (e.g. seed 002 Art. 6 调查终结报告); otherwise it is
    made when what it records happens (a refusal, an appraisal). Empty ``procedures``: all of the profile's."""
    form: str
    required: bool
    procedures: tuple[Procedure, ...]
    source: Source


# Units a period override may count in (values of jlclient.domain.deadlines.Unit).
PERIOD_UNITS: Mapping[str, str] = {"working_days": "工作日", "calendar_days": "日"}


@dataclass(frozen=True)
class RuleProfile:
    key: str
    agency: Agency
    seed_file: str
    regulation: Regulation
    procedures: ProcedureScope
    av_upload: AvUpload | None = None
    retention: RetentionRules = RetentionRules()
    long_term_hold: LongTermHold | None = None
    av_acts: tuple[AvAct, ...] = ()
    av_exclusions: tuple[AvExclusion, ...] = ()
    restricted_access: RestrictedAccess | None = None
    party_access: PartyAccess | None = None
    archiving: Archiving | None = None
    spot_check: SpotCheck | None = None
    storage_keys: StorageKeys | None = None
    filming: Filming | None = None
    period_overrides: tuple[PeriodOverride, ...] = ()
    records: tuple[RecordRule, ...] = ()

    @property
    def seed(self) -> str:
        return self.seed_file[:3]

    def av_act(self, act: str) -> AvAct | None:
        return next((a for a in self.av_acts if a.act == act), None)

    def sources(self) -> Iterator[tuple[str, Source]]:
        """(dotted key, source) of every rule in the profile."""
        yield from _sources(self, "")


def _sources(obj: Any, path: str) -> Iterator[tuple[str, Source]]:
    if isinstance(obj, Source):
        yield path, obj
    elif isinstance(obj, tuple):
        for i, item in enumerate(obj):
            yield from _sources(item, f"{path}[{i}]")
    elif is_dataclass(obj):
        for f in fields(obj):
            yield from _sources(getattr(obj, f.name), f"{path}.{f.name}" if path else f.name)


# ---------------------------------------------------------------------------- parsing

_KEY_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SEED_FILE_RE = re.compile(r"(?P<seed>\d{3})_[0-9a-f]{16}\.txt")
_ARTICLE = r"\d+(?:-\d+)?"
_SOURCE_RE = re.compile(
    rf"(?:seed (?P<seed>\d{{3}})|(?P<law>[^\s\d]\S*)) Art\. (?P<article>{_ARTICLE}(?:, {_ARTICLE})*)"
    r"(?P<detail>(?: ¶\d+)?(?:[(（][一二三四五六七八九十]+[)）])*)"
)
SOURCE_HINT = '"seed 000 Art. 23"、"行政许可法 Art. 32 ¶2(一)" 或 "practice"（工作惯例）这样的出处'


def parse_source(text: Any) -> Source:
    """A citation of a seed article or a national law; ValueError (Chinese) when it is not one."""
    if text == PRACTICE:
        return Source(PRACTICE, "")
    match = _SOURCE_RE.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"应为 {SOURCE_HINT}")
    seed, law = match["seed"], match["law"]
    if law is not None and law not in NATIONAL_LAWS:
        raise ValueError(f"引用的“{law}”不是已知的国家法律（已知：{'、'.join(sorted(NATIONAL_LAWS))}）")
    if seed is not None and seed not in SEEDS:
        raise ValueError(f"引用的 seed {seed} 不存在（只有 seed 000–004）")
    return Source(seed or law, match["article"], match["detail"])
_MISSING = object()


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "一个表"
    return json.dumps(value, ensure_ascii=False, default=str)


def _member(cls: type[Enum], text: Any) -> Enum | None:
    for member in cls:
        if text == member.value or text == getattr(member, "label", None):
            return member
    return None


class _Table:
    """One TOML table being read; every key it hands out is named by its dotted path."""

    def __init__(self, filename: str, data: dict, path: str, allowed: tuple[str, ...], seed: str | None):
        self.filename, self.data, self.path, self.seed = filename, data, path, seed
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            raise self.error(unknown[0], f"是未知的键（此处允许的键：{'、'.join(allowed)}）")

    def dotted(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def error(self, name: str, problem: str) -> ProfileError:
        return ProfileError(self.filename, problem, key=self.dotted(name))

    def wrong(self, name: str, expected: str, value: Any) -> ProfileError:
        return self.error(name, f"应为{expected}，实际为 {_show(value)}")

    def raw(self, name: str, required: bool = True) -> Any:
        value = self.data.get(name, _MISSING)
        if value is _MISSING and required:
            raise self.error(name, "缺失，这是必填键")
        return value

    def text(self, name: str) -> str:
        value = self.raw(name)
        if not isinstance(value, str) or not value.strip():
            raise self.wrong(name, "非空字符串", value)
        return value

    def count(self, name: str, required: bool = True) -> int | None:
        value = self.raw(name, required)
        if value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise self.wrong(name, "正整数", value)
        return value

    def flag(self, name: str, default: bool | None = None) -> bool:
        value = self.raw(name, required=default is None)
        if value is _MISSING:
            return bool(default)
        if not isinstance(value, bool):
            raise self.wrong(name, "布尔值 true 或 false", value)
        return value

    def choice(self, name: str, cls: type[Enum], required: bool = True) -> Any:
        value = self.raw(name, required)
        if value is _MISSING:
            return None
        member = _member(cls, value)
        if member is None:
            raise self.wrong(name, f"{'、'.join(m.value for m in cls)} 之一", value)
        return member

    def code(self, name: str, allowed: Mapping[str, str]) -> str:
        value = self.raw(name)
        if value not in allowed:
            raise self.wrong(name, f"{'、'.join(allowed)} 之一", value)
        return value

    def items(self, name: str, parse_one) -> tuple:
        """A non-empty array without repeats, each element parsed by ``parse_one``."""
        values = self.raw(name)
        if not isinstance(values, list) or not values:
            raise self.wrong(name, "非空数组", values)
        if len(set(map(_show, values))) != len(values):
            raise self.error(name, f"含有重复的值：{_show(values)}")
        return tuple(parse_one(value) for value in values)

    def codes(self, name: str, allowed: Mapping[str, str]) -> tuple[str, ...]:
        def one(value: Any) -> str:
            if value not in allowed:
                raise self.wrong(name, f"由 {'、'.join(allowed)} 组成的数组", value)
            return value
        return self.items(name, one)

    def members(self, name: str, cls: type[Enum]) -> tuple:
        def one(value: Any) -> Enum:
            member = _member(cls, value)
            if member is None:
                raise self.wrong(name, f"由 {'、'.join(m.value for m in cls)} 组成的数组", value)
            return member
        return self.items(name, one)

    def table(self, name: str, allowed: tuple[str, ...], required: bool = False) -> _Table | None:
        value = self.raw(name, required)
        if value is _MISSING:
            return None
        if not isinstance(value, dict):
            raise self.wrong(name, "表", value)
        return _Table(self.filename, value, self.dotted(name), allowed, self.seed)

    def tables(self, name: str, allowed: tuple[str, ...]) -> list[_Table]:
        values = self.raw(name, required=False)
        if values is _MISSING:
            return []
        if not isinstance(values, list) or not all(isinstance(v, dict) for v in values):
            raise self.wrong(name, "表数组（[[...]]）", values)
        path = self.dotted(name)
        return [_Table(self.filename, v, f"{path}[{i}]", allowed, self.seed) for i, v in enumerate(values)]

    def source(self) -> Source:
        value = self.raw("source")
        try:
            source = parse_source(value)
        except ValueError as exc:
            raise self.error("source", f"{exc}，实际为 {_show(value)}") from None
        if not (source.is_national_law or source.is_practice) and source.seed != self.seed:
            raise self.error("source", f"引用了 seed {source.seed}，但本配置对应 seed {self.seed}；"
                                       "规则只能引用本机关的规定或国家法律")
        return source


# -- one small reader per section ---------------------------------------------

_TOP_KEYS = ("key", "seed_file", "agency", "regulation", "procedures", "av_upload", "retention", "long_term_hold",
             "av_acts", "av_exclusions", "restricted_access", "party_access", "archiving",
             "spot_check", "storage_keys", "period_overrides", "filming", "records")


def _read_key(root: _Table, filename: str) -> str:
    key = root.text("key")
    if not _KEY_RE.fullmatch(key):
        raise root.wrong("key", "小写字母、数字和连字符组成的标识（如 lingshou-approval）", key)
    if filename.endswith(".toml") and key != filename[: -len(".toml")]:
        raise root.error("key", f"与文件名不一致：应为 {_show(filename[: -len('.toml')])}，实际为 {_show(key)}")
    return key


def _read_seed_file(root: _Table) -> str:
    seed_file = root.text("seed_file")
    match = _SEED_FILE_RE.fullmatch(seed_file)
    if match is None or match["seed"] not in SEEDS:
        raise root.wrong("seed_file", " seed 000–004 之一的文件名（如 000_eb98a094524767c4.txt）", seed_file)
    return seed_file


def _read_agency(root: _Table) -> Agency:
    t = root.table("agency", ("name", "short_name"), required=True)
    return Agency(t.text("name"), t.text("short_name"))


def _read_regulation(root: _Table) -> Regulation:
    t = root.table("regulation", ("title", "placeholder"), required=True)
    title = t.text("title").strip()
    if title.startswith("《") or title.endswith("》"):
        raise t.wrong("title", "不带书名号的规定名称（如 灵寿县行政审批局行政执法全过程记录办法）", title)
    return Regulation(title, t.flag("placeholder", default=False))


def _read_procedures(root: _Table) -> ProcedureScope:
    t = root.table("procedures", ("values", "source"), required=True)
    return ProcedureScope(t.members("values", Procedure), t.source())


def _read_deadline(t: _Table) -> Deadline:
    return Deadline(t.count("deadline"), t.choice("unit", TimeUnit), t.source())


def _read_av_upload(root: _Table) -> AvUpload | None:
    t = root.table("av_upload", ("deadline", "unit", "destination", "source", "remote"))
    if t is None:
        return None
    remote = t.table("remote", ("deadline", "unit", "source"))
    return AvUpload(_read_deadline(t), t.choice("destination", UploadDestination),
                    _read_deadline(remote) if remote else None)


def _read_retention_one(t: _Table | None) -> Retention | None:
    if t is None:
        return None
    period = t.raw("period")
    if period != CASE_FILE and (isinstance(period, bool) or not isinstance(period, int) or period <= 0):
        raise t.wrong("period", f'正整数（最少保存的月数）或 "{CASE_FILE}"（与案卷保存期限相同）', period)
    scoped = t.raw("procedures", required=False) is not _MISSING
    return Retention(period, t.source(), t.members("procedures", Procedure) if scoped else ())


def _read_retention(root: _Table) -> RetentionRules:
    t = root.table("retention", ("routine", "hall_cctv", "evidence"))
    if t is None:
        return RetentionRules()
    # evidence may be limited to some kinds of case (seed 002 Art. 16: 行政处罚一般程序案件)
    kinds = {kind: _read_retention_one(t.table(kind, ("period", "source") + (("procedures",) if kind == "evidence"
                                                                             else ())))
             for kind in ("routine", "hall_cctv", "evidence")}
    return RetentionRules(**kinds)


def _read_long_term_hold(root: _Table) -> LongTermHold | None:
    t = root.table("long_term_hold", ("reasons", "media", "source"))
    if t is None:
        return None
    return LongTermHold(t.codes("reasons", HOLD_REASONS), t.codes("media", HOLD_MEDIA), t.source())


def _read_av_acts(root: _Table) -> tuple[AvAct, ...]:
    acts: list[AvAct] = []
    for t in root.tables("av_acts", ("act", "level", "whole_process", "source", "off_premises_only")):
        act = AvAct(t.code("act", AV_ACTS), t.choice("level", Level), t.flag("whole_process"), t.source(),
                    t.flag("off_premises_only", False))
        if any(a.act == act.act for a in acts):
            raise t.error("act", f"重复：{_show(act.act)} 已在前面出现")
        acts.append(act)
    return tuple(acts)


def _read_av_exclusions(root: _Table) -> tuple[AvExclusion, ...]:
    return tuple(AvExclusion(t.code("situation", AV_EXCLUSIONS), t.source())
                 for t in root.tables("av_exclusions", ("situation", "source")))


def _read_restricted_access(root: _Table) -> RestrictedAccess | None:
    t = root.table("restricted_access", ("scope", "approver", "source"))
    if t is None:
        return None
    return RestrictedAccess(t.choice("scope", AccessScope), t.choice("approver", Role, required=False), t.source())


def _read_party_access(root: _Table) -> PartyAccess | None:
    t = root.table("party_access", ("route", "approver", "source"))
    if t is None:
        return None
    route = t.choice("route", PartyRoute)
    approver = t.choice("approver", Role, required=route is PartyRoute.APPROVAL)
    if route is PartyRoute.OPEN_GOVERNMENT and approver is not None:
        raise t.error("approver", "不应填写：按《政府信息公开条例》办理时不由本机关某一角色审批")
    return PartyAccess(route, approver, t.source())


def _read_archiving(root: _Table) -> Archiving | None:
    t = root.table("archiving", ("days_after_closing", "year_end", "source"))
    if t is None:
        return None
    days, year_end = t.count("days_after_closing", required=False), t.flag("year_end", default=False)
    if days is None and not year_end:
        raise t.error("days_after_closing", "缺失：应填写结案后归档的天数，或 year_end = true")
    return Archiving(days, year_end, t.source())


def _read_spot_check(root: _Table) -> SpotCheck | None:
    t = root.table("spot_check", ("by", "ledger", "source"))
    if t is None:
        return None
    return SpotCheck(t.choice("by", Role), t.flag("ledger"), t.source())


def _read_filming(root: _Table) -> Filming | None:
    t = root.table("filming", ("items", "source"))
    if t is None:
        return None
    return Filming(t.codes("items", FILMING_ITEMS), t.source())


def _read_storage_keys(root: _Table) -> StorageKeys | None:
    t = root.table("storage_keys", ("keys", "source"))
    if t is None:
        return None
    return StorageKeys(t.codes("keys", STORAGE_KEYS), t.source())


def _read_period_overrides(root: _Table) -> tuple[PeriodOverride, ...]:
    found: list[PeriodOverride] = []
    for t in root.tables("period_overrides", ("rule", "amount", "unit", "extension", "extension_approver",
                                              "source")):
        extension = t.count("extension", required=False)
        approver = t.text("extension_approver") if extension is not None else ""
        one = PeriodOverride(t.text("rule"), t.count("amount"), t.code("unit", PERIOD_UNITS), extension,
                             approver, t.source())
        if any(o.rule == one.rule for o in found):
            raise t.error("rule", f"重复：{_show(one.rule)} 已在前面出现")
        found.append(one)
    return tuple(found)


def _read_records(root: _Table) -> tuple[RecordRule, ...]:
    found: list[RecordRule] = []
    for t in root.tables("records", ("form", "required", "procedures", "source")):
        one = RecordRule(t.text("form"), t.flag("required"),
                         t.members("procedures", Procedure) if "procedures" in t.data else (), t.source())
        if any(r.form == one.form for r in found):
            raise t.error("form", f"重复：{_show(one.form)} 已在前面出现")
        found.append(one)
    return tuple(found)


def _load_toml(text: str, filename: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(filename, f"不是有效的 TOML：{exc}") from None


def parse_profile(text: str, filename: str) -> RuleProfile:
    """Parse and validate one profile; ``filename`` (e.g. ``fushun-hrss.toml``) is for messages."""
    root = _Table(filename, _load_toml(text, filename), "", _TOP_KEYS, seed=None)
    key = _read_key(root, filename)
    seed_file = _read_seed_file(root)
    root.seed = seed_file[:3]
    return RuleProfile(
        key=key,
        agency=_read_agency(root),
        seed_file=seed_file,
        regulation=_read_regulation(root),
        procedures=_read_procedures(root),
        av_upload=_read_av_upload(root),
        retention=_read_retention(root),
        long_term_hold=_read_long_term_hold(root),
        av_acts=_read_av_acts(root),
        av_exclusions=_read_av_exclusions(root),
        restricted_access=_read_restricted_access(root),
        party_access=_read_party_access(root),
        archiving=_read_archiving(root),
        spot_check=_read_spot_check(root),
        storage_keys=_read_storage_keys(root),
        filming=_read_filming(root),
        period_overrides=_read_period_overrides(root),
        records=_read_records(root),
    )
