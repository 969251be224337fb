"""Spot checks of recordings (seed 002 Art. 19, seed 003 Art. 22): a sample drawn at random with a
recorded seed, so anyone can draw the same sample again; a checklist per check; every issue tied to
its time in the footage; per-officer figures for the statistics."""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from jlclient.domain.model import LabelledEnum


class CheckItem(LabelledEnum):
    """检查项目"""
    PARTY_TOLD = ("PARTY_TOLD", "告知当事人正在录音录像")          # seed 000 Art. 25
    ID_SHOWN = ("ID_SHOWN", "出示执法证件")
    CIVIL_LANGUAGE = ("CIVIL_LANGUAGE", "文明规范用语")
    CONTINUOUS = ("CONTINUOUS", "连续完整，无不明中断")           # seed 001 Art. 12, seed 000 Art. 22
    USABLE = ("USABLE", "画面和声音清晰可用")
    DISCIPLINE = ("DISCIPLINE", "队容风纪")
    # what the agency's regulation says must be filmed (profile [filming]); offered only where it says so
    SCENE = ("SCENE", "拍摄了现场环境和执法情况")                  # 000 Art. 21(一), 004 Art. 16(一)
    PEOPLE = ("PEOPLE", "拍摄了现场有关人员及其言行、面貌特征")     # 000 Art. 21(二), 004 Art. 16(二)
    KEY_ITEMS = ("KEY_ITEMS", "拍摄了重要物品、重要证据的主要特征")   # 000 Art. 21(三), 004 Art. 16(五)
    DOCUMENTS = ("DOCUMENTS", "拍摄了现场制作、送达文书")           # 000 Art. 21(四), 004 Art. 16(三)
    LAW_EXPLAINED = ("LAW_EXPLAINED", "拍摄了向当事人释法")          # 000 Art. 21(五)
    PERISHABLE = ("PERISHABLE", "拍摄了现场易灭失或事后难以取得的证据")  # 004 Art. 16(四)
    MEASURES = ("MEASURES", "拍摄了对商品、货物等财产采取措施")       # 004 Art. 16(六)
    LANDMARK = ("LANDMARK", "拍摄了受检场所的明显标志（或周围标志性建筑并口述场所名称）")  # 001 Art. 12(三)


# the items every check offers (practice and the seeds' common duties); the filming items are added
# from the profile, so an agency is not checked against another agency's regulation
GENERAL_ITEMS = (CheckItem.PARTY_TOLD, CheckItem.ID_SHOWN, CheckItem.CIVIL_LANGUAGE, CheckItem.CONTINUOUS,
                 CheckItem.USABLE, CheckItem.DISCIPLINE)


def offered_items(filming: Sequence[CheckItem] = ()) -> tuple[CheckItem, ...]:
    """The checklist a new plan offers: the general items, then what the regulation says must be filmed."""
    return GENERAL_ITEMS + tuple(i for i in dict.fromkeys(filming) if i not in GENERAL_ITEMS)


class ScopeKind(LabelledEnum):
    """抽检范围"""
    ALL = ("ALL", "全部")
    OFFICER = ("OFFICER", "按执法人员")
    UNIT = ("UNIT", "按承办单位")
    PROCEDURE = ("PROCEDURE", "按执法类别")


class SizeKind(LabelledEnum):
    """抽取方式"""
    COUNT = ("COUNT", "抽取件数")
    PERCENT = ("PERCENT", "抽取比例（%）")


class SampleError(ValueError):
    pass


def sample_size(population: int, kind: SizeKind, size: int) -> int:
    """How many to draw: N (at most all), or a percentage rounded up so a small period is still checked."""
    if size < 1 or (kind is SizeKind.PERCENT and size > 100):
        raise SampleError("抽取件数应至少为 1，比例应在 1% 到 100% 之间")
    wanted = size if kind is SizeKind.COUNT else math.ceil(population * size / 100)
    return min(wanted, population)


def draw(population: Iterable[int], kind: SizeKind, size: int, seed: int) -> list[int]:
    """The sample: the same population, size and seed always give the same recordings."""
    ordered = sorted(set(population))
    if not ordered:
        raise SampleError("所选期间和范围内没有音像记录")
    return sorted(random.Random(seed).sample(ordered, sample_size(len(ordered), kind, size)))


@dataclass(frozen=True)
class Issue:
    item: CheckItem
    at_ms: int          # the time in the footage where it shows
    note: str


def clock(ms: int) -> str:
    """A time in the footage as the ledger prints it: 00:03:12."""
    s = max(0, ms) // 1000
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"


def check_problems(checklist: Sequence[CheckItem], results: Mapping[CheckItem, bool], issues: Sequence[Issue],
                   duration_ms: int | None) -> list[str]:
    """What stops a check from being recorded: an item left unanswered, an item failed without an
    issue at a time in the footage, an issue outside the recording."""
    problems = [f"“{i.label}”尚未判定" for i in checklist if i not in results]
    for item, ok in results.items():
        if not ok and not any(x.item is item for x in issues):
            problems.append(f"“{item.label}”不合格：请在录像中标出问题出现的时间")
    for x in issues:
        if x.at_ms < 0 or (duration_ms is not None and x.at_ms > duration_ms):
            problems.append(f"问题“{x.note or x.item.label}”的时间 {clock(x.at_ms)} 不在录像时长内")
        if not x.note.strip():
            problems.append(f"请写明 {clock(x.at_ms)} 处“{x.item.label}”的问题")
    return problems


PASSED, FAILED, UNCHECKED = "合格", "不合格", "未检查"


def conclusion(results: Mapping[CheckItem, bool]) -> str:
    return PASSED if all(results.values()) else FAILED


@dataclass(frozen=True)
class Tally:
    """A sample's outcome as the ledger states it: what was drawn, checked and passed."""
    sampled: int
    checked: int
    passed: int

    @property
    def unchecked(self) -> int:
        return self.sampled - self.checked

    @property
    def failed(self) -> int:
        return self.checked - self.passed

    @property
    def pass_rate(self) -> float | None:
        """Passed of those checked; None before any check (an unchecked sample has no rate, not 100%)."""
        return self.passed / self.checked if self.checked else None

    def words(self) -> str:
        rate = "—（尚无检查结果）" if self.pass_rate is None else f"{self.pass_rate:.0%}"
        return (f"样本 {self.sampled} 件，已检查 {self.checked} 件，未检查 {self.unchecked} 件；"
                f"合格 {self.passed} 件，不合格 {self.failed} 件，合格率 {rate}")


def tally(conclusions: Iterable[str]) -> Tally:
    """``conclusions``: one per sampled recording, 合格 / 不合格, or 未检查 (anything else) when not yet checked."""
    values = list(conclusions)
    return Tally(len(values), sum(c in (PASSED, FAILED) for c in values), sum(c == PASSED for c in values))


def issues_text(issues: Sequence[Issue]) -> str:
    return "；".join(f"{clock(x.at_ms)} {x.item.label}：{x.note}" for x in sorted(issues, key=lambda x: x.at_ms))


@dataclass
class OfficerFigures:
    """One officer's spot-check figures for a period (the statistics view reads these)."""
    officer: str
    checked: int = 0
    failed: int = 0
    by_item: dict[CheckItem, int] = field(default_factory=dict)   # failed checks per item

    @property
    def pass_rate(self) -> float:
        return 1.0 if not self.checked else (self.checked - self.failed) / self.checked


def per_officer(checks: Iterable[tuple[str, Mapping[CheckItem, bool]]]) -> list[OfficerFigures]:
    figures: dict[str, OfficerFigures] = {}
    for officer, results in checks:
        f = figures.setdefault(officer, OfficerFigures(officer))
        f.checked += 1
        failed = [i for i, ok in results.items() if not ok]
        f.failed += bool(failed)
        for item in failed:
            f.by_item[item] = f.by_item.get(item, 0) + 1
    return sorted(figures.values(), key=lambda f: (f.pass_rate, f.officer))
