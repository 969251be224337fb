"""How long a recording is kept and whether it may be disposed of (seed 002 Art. 17, seed 003
Art. 12-13, seed 004 Art. 17). Nothing is ever deleted automatically: an expired recording only
becomes a candidate, and held or case-linked recordings never are, whatever anyone approves. Body-camera
footage follows the routine rule, hall CCTV its own (seed 004 Art. 18: at least one month), evidence
its case file."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from jlclient.domain.profile import HOLD_REASONS, Retention, RetentionRules


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day when it is shorter (31 Aug + 6 → 28 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


CAMERA, HALL_CCTV = "camera", "hall_cctv"
SOURCES = {CAMERA: "执法记录仪", HALL_CCTV: "大厅监控"}
KIND_TEXT = {CAMERA: "日常音像资料", HALL_CCTV: "政务服务大厅监控录像"}


@dataclass(frozen=True)
class CaseFileTerm:
    """The bound case file's retention (CaseVolume): counted from 1 January of the year after the
    volume's year, as archive retention periods are (domain.md §8)."""
    retention: str          # 永久 / 30年 / 10年
    archive_year: int

    @property
    def end(self) -> date | None:
        if not self.retention.endswith("年"):
            return None      # 永久
        return date(self.archive_year + 1 + int(self.retention[:-1]), 1, 1)

    def __str__(self) -> str:
        return self.retention + (f"，至 {self.end:%Y-%m-%d}" if self.end else "")


@dataclass(frozen=True)
class Kept:
    """A recording as the disposal rules see it."""
    recorded_on: date
    linked: bool                # to a case: evidence, kept with the case file
    holds: tuple[str, ...]      # codes of HOLD_REASONS placed on it
    source: str = CAMERA        # CAMERA or HALL_CCTV
    case_file: CaseFileTerm | None = None   # the linked case's volume, once it is bound


def rule_of(rules: RetentionRules, item: Kept) -> Retention | None:
    """The profile's rule for this kind of recording; None where the profile is silent."""
    if item.linked:
        return rules.evidence
    return rules.hall_cctv if item.source == HALL_CCTV else rules.routine


def retention_end(rules: RetentionRules, item: Kept) -> date | None:
    """The first day it may be disposed of; None: permanent, kept with a case file not yet bound,
    or the profile sets no period in months for its kind (then it is kept)."""
    if item.linked:
        return item.case_file.end if item.case_file else None
    rule = rule_of(rules, item)
    if rule is None or rule.months is None:
        return None
    return add_months(item.recorded_on, rule.months)


def end_text(rules: RetentionRules, item: Kept) -> str:
    """The retention end as a person reads it in a list."""
    if item.linked:
        return "随案卷：" + (str(item.case_file) if item.case_file else "尚未立卷")
    end, rule = retention_end(rules, item), rule_of(rules, item)
    if end is not None:
        return f"{end:%Y-%m-%d}"
    return "随所属案卷（尚未关联）" if rule is not None and rule.follows_case_file else "未规定"


def why_kept(rules: RetentionRules, item: Kept, today: date) -> str | None:
    """None when the recording may be disposed of today; else the reason it is kept."""
    if item.holds:
        return "已长期保存：" + "、".join(HOLD_REASONS.get(h, h) for h in item.holds)
    if item.linked:
        return "作为案件证据，与案卷保存期限相同" + (f"（{item.case_file}）" if item.case_file else "")
    rule, end = rule_of(rules, item), retention_end(rules, item)
    if rule is None:
        return f"本机构规则未规定{KIND_TEXT[item.source]}的保存期限，不予销毁"
    if end is None:
        return f"{KIND_TEXT[item.source]}与所属事项案卷保存期限相同（{rule.source}），尚未关联案件，不予销毁"
    if today < end:
        return f"保存期限至 {end:%Y-%m-%d}（{rule}，{rule.source}）"
    return None


def rule_text(rules: RetentionRules, item: Kept) -> str:
    """The rule a disposal was made under, for the register."""
    rule = rule_of(rules, item)
    return f"{KIND_TEXT[item.source]}{rule}（{rule.source}）" if rule else ""


def content_kept(uses: list[str] | tuple[str, ...]) -> str:
    """Why a disposed recording's file content stays in the store: other records still use the same
    bytes (content addressing keeps one copy), so destroying it would destroy their evidence too."""
    return f"内容同时为{'、'.join(uses)}所用，予以保留" if uses else ""
