"""The spot-check ledger (检查台账, seed 002 Art. 19, seed 003 Art. 22): who checked which recording,
when, with what result and the issues found at their times in the footage; page-numbered, with the
header row repeated on every page."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from jlclient.printing import page
from jlclient.printing.render import chinese_date, grid, para, styles

# on landscape A4 (a 243 mm wide text area): a ledger has many columns
COLUMNS = (("序号", 12), ("检查日期", 30), ("执法人员", 22), ("音像记录", 55), ("案号", 40), ("结论", 16),
           ("发现的问题（录像时间）", 48), ("检查人", 20))


@dataclass(frozen=True)
class LedgerRow:
    checked_on: date | str
    officer: str
    recording: str          # the recording's name or file
    case_number: str
    result: str             # 合格 / 不合格
    issues: str             # each issue with its time in the footage, e.g. "00:03:12 未出示执法证"
    checker: str


def ledger_story(rows: list[LedgerRow], agency: str, period: str) -> list[Flowable]:
    st = styles()
    data = [[para(h, st["cell"]) for h, _ in COLUMNS]]
    for i, r in enumerate(rows, 1):
        data.append([para(str(i), st["cell"]), para(chinese_date(r.checked_on), st["cell"]),
                     para(r.officer, st["cell"]), para(r.recording, st["cell"]), para(r.case_number, st["cell"]),
                     para(r.result, st["cell"]), para(r.issues or "无", st["cell"]), para(r.checker, st["cell"])])
    table = grid(data, [w * mm for _, w in COLUMNS], header=True)
    return [para(agency, st["agency"]), para("音像记录回放检查台账", st["title"]),
            para(f"检查期间：{period}　共 {len(rows)} 条", st["number"]), Spacer(1, 2 * mm), table]


def spot_check_ledger(rows: list[LedgerRow], agency: str, period: str) -> bytes:
    return page.build(ledger_story(rows, agency, period), "音像记录回放检查台账", agency, wide=True)
