"""The spot-check ledger (检查台账): for every plan, how its sample
was drawn (scope, period, seed, population and sample size, on what ground the checker views it) and
every sampled recording, checked or not, with its result, the issues at their times in the footage
and the checker's written opinion; the pass rate of what was checked; signature lines for the
checker and the responsible person. Page-numbered, the header row repeated on every page."""
# 检查台账: seed 002 Art. 19, seed 003 Art. 22
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from jlclient.domain.spot_check import Tally, tally
from jlclient.printing import page
from jlclient.printing.render import chinese_date, grid, para, styles

# on landscape A4 (a 243 mm wide text area): a ledger has many columns
COLUMNS = (("序号", 10), ("音像记录", 52), ("执法人员", 18), ("案号", 32), ("检查日期", 22), ("检查人", 16),
           ("结论", 16), ("发现的问题（录像时间）", 43), ("检查意见", 34))
BLANK_SIGNATURE = "＿＿＿＿＿＿＿＿＿＿　　日期：　　　　年　　月　　日"


@dataclass(frozen=True)
class LedgerItem:
    """One sampled recording, checked or not."""
    recording: str          # the recording's name or file
    officer: str
    case_number: str
    result: str             # 合格 / 不合格 / 未检查 (with why, when it can no longer be checked)
    checked_on: date | None = None
    checker: str = ""
    issues: str = ""        # each issue with its time in the footage, e.g. "00:03:12 未出示执法证"
    opinion: str = ""       # the checker's written 检查意见


@dataclass(frozen=True)
class LedgerPlan:
    """One spot-check plan as the ledger states it."""
    number: int
    scope: str              # 按执法人员：王强
    period: str             # the recordings' period, in words
    checklist: str
    seed: int
    in_scope: int           # recordings of the period and scope
    population: int         # of them, those drawn from
    left_out: str           # the others and why, in words ("" when none)
    size_rule: str          # 抽取 3 件 / 抽取 10%
    access: str             # on what ground the checker views the sample, in words
    drawn_by: str
    drawn_at: datetime      # the agency's local time
    items: tuple[LedgerItem, ...]

    @property
    def tally(self) -> Tally:
        return tally(i.result for i in self.items)


def _facts(p: LedgerPlan, st: dict) -> list[Flowable]:
    left_out = f"；未纳入抽样：{p.left_out}" if p.left_out else ""
    lines = [f"抽检计划 {p.number}　抽检范围：{p.scope}　录制期间：{p.period}　检查项目：{p.checklist}",
             f"抽样总体：范围内音像记录 {p.in_scope} 件，纳入抽样 {p.population} 件{left_out}",
             f"样本量：{p.size_rule}，实际抽取 {len(p.items)} 件　随机种子：{p.seed}（以同一总体和种子可重现抽样）"
             f"　抽样人：{p.drawn_by}　抽样时间：{chinese_date(p.drawn_at)}",
             f"查阅依据：{p.access}" if p.access else ""]
    return [para(line, st["cell"]) for line in lines if line]


def _items(p: LedgerPlan, st: dict):
    cell = ParagraphStyle("ledger_cell", parent=st["cell"], fontSize=9.5, leading=13)   # nine columns on one page
    data = [[para(h, cell) for h, _ in COLUMNS]]
    for i, r in enumerate(p.items, 1):
        data.append([para(str(i), cell), para(r.recording, cell), para(r.officer, cell),
                     para(r.case_number, cell), para(chinese_date(r.checked_on) if r.checked_on else "—", cell),
                     para(r.checker or "—", cell), para(r.result, cell),
                     para(r.issues or ("无" if r.checked_on else "—"), cell),
                     para(r.opinion or ("无" if r.checked_on else "—"), cell)])
    return grid(data, [w * mm for _, w in COLUMNS], header=True)


def _plan_story(p: LedgerPlan, st: dict) -> list[Flowable]:
    unchecked = [f"{i}. {r.recording}" for i, r in enumerate(p.items, 1) if not r.checked_on]
    summary = f"本计划：{p.tally.words()}" + (f"。未检查的：{'；'.join(unchecked)}" if unchecked else "")
    return [KeepTogether(_facts(p, st)), Spacer(1, 1 * mm), _items(p, st), Spacer(1, 1 * mm),
            para(summary, st["cell"]), Spacer(1, 3 * mm)]


def ledger_story(plans: list[LedgerPlan], agency: str, period: str, printed_at: datetime) -> list[Flowable]:
    st = styles()
    total = tally(i.result for p in plans for i in p.items)
    story = [para(agency, st["agency"]), para("音像记录回放检查台账", st["title"]),
             para(f"台账期间：{period}　抽检计划 {len(plans)} 个　制表时间：{chinese_date(printed_at)}", st["number"])]
    for p in plans:
        story += _plan_story(p, st)
    if not plans:
        story.append(para("本期间没有抽检计划。", st["cell"]))
    closing = [para(f"合计：{total.words()}", st["cell"])] if len(plans) > 1 else []   # one plan's is its own
    story.append(KeepTogether(closing + [
        Spacer(1, 3 * mm), para(f"检查人（签名）：{BLANK_SIGNATURE}　　　负责人（签名）：{BLANK_SIGNATURE}",
                                st["cell"])]))
    return story


def spot_check_ledger(plans: list[LedgerPlan], agency: str, period: str, printed_at: datetime) -> bytes:
    return page.build(ledger_story(plans, agency, period, printed_at), "音像记录回放检查台账", agency, wide=True)
