"""How long a recording is kept and whether it may be disposed of (seed 002 Art. 17, seed 003
Art. 12-13, seed 004 Art. 17). Nothing is ever deleted automatically: an expired recording only
becomes a candidate, and held or case-linked recordings never are, whatever anyone approves."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from jlclient.domain.profile import HOLD_REASONS, RetentionRules


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


@dataclass(frozen=True)
class Kept:
    """A recording as the disposal rules see it."""
    recorded_on: date
    linked: bool                # to a case: evidence, kept with the case file
    holds: tuple[str, ...]      # codes of HOLD_REASONS placed on it


def retention_end(rules: RetentionRules, item: Kept) -> date | None:
    """The first day it may be disposed of; None: kept with its case file, or the profile sets no
    period for routine footage (then it is kept)."""
    if item.linked or rules.routine is None or rules.routine.months is None:
        return None
    return add_months(item.recorded_on, rules.routine.months)


def why_kept(rules: RetentionRules, item: Kept, today: date) -> str | None:
    """None when the recording may be disposed of today; else the reason it is kept."""
    if item.holds:
        return "已长期保存：" + "、".join(HOLD_REASONS.get(h, h) for h in item.holds)
    if item.linked:
        return "作为案件证据，与案卷保存期限相同"
    end = retention_end(rules, item)
    if end is None:
        return "本机构规则未规定日常音像资料的保存期限，不予销毁"
    if today < end:
        return f"保存期限至 {end:%Y-%m-%d}（{rules.routine}，{rules.routine.source}）"
    return None
