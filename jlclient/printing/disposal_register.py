"""The disposal register (销毁清册): every recording disposed of
in the period with who recorded it, its size and hash, the rule it was kept under, who approved
its disposal and when, and what became of its content — destroyed, or kept because another record
still uses the same bytes. Totals, then the lines the approver (负责人) and the person carrying the
disposal out sign. Landscape, page-numbered, the header row repeated on every page."""
# 销毁清册: seed 002 Art. 17, seed 003 Art. 12-13
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from jlclient.printing import page
from jlclient.printing.labels import size_text
from jlclient.printing.render import BLANK_DATE, chinese_date, grid, para, styles

TITLE = "音像记录销毁清册"
# on landscape A4 (a 243 mm wide text area)
COLUMNS = (("序号", 11), ("文件", 42), ("执法人员或监控位置", 22), ("录制日期", 22), ("大小", 17),
           ("SHA-256（前16位）", 29), ("保存期限依据", 42), ("批准人及批准时间", 28), ("处理结果", 30))
HASH_SHOWN = 16


@dataclass(frozen=True)
class RegisterItem:
    file_name: str
    recorded_by: str           # the officer, or the hall and its channel
    recorded_on: date | None
    size: int
    sha256: str
    rule: str                  # the retention rule in words, with the regulation's article
    approved_by: str
    approved_at: datetime      # local time
    content: str               # 文件内容已销毁 / 文件内容保留：… (why)
    destroyed: bool


def period_text(first: date, last: date) -> str:
    return f"{chinese_date(first)}至{chinese_date(last)}"


def totals_text(items: list[RegisterItem]) -> str:
    kept = sum(not i.destroyed for i in items)
    text = f"合计：{len(items)} 个音像记录，共 {size_text(sum(i.size for i in items))}；文件内容已销毁 {len(items) - kept} 个"
    return text + (f"，因其他记录仍在使用而保留文件内容 {kept} 个（见处理结果）。" if kept else "。")


def register_story(items: list[RegisterItem], agency: str, first: date, last: date) -> list[Flowable]:
    st = styles()
    cell = st["cell"]
    data = [[para(h, cell) for h, _ in COLUMNS]]
    for n, i in enumerate(items, 1):
        data.append([para(str(n), cell), para(i.file_name, cell), para(i.recorded_by or "（未登记）", cell),
                     para(chinese_date(i.recorded_on) if i.recorded_on else "", cell), para(size_text(i.size), cell),
                     para(i.sha256[:HASH_SHOWN] + "…", cell), para(i.rule, cell),
                     para(f"{i.approved_by}\n{chinese_date(i.approved_at)}", cell), para(i.content, cell)])
    if not items:
        data.append([para("本期间没有销毁音像记录。", cell)] + [""] * (len(COLUMNS) - 1))
    table = grid(data, [w * mm for _, w in COLUMNS], header=True)
    if not items:
        table.setStyle([("SPAN", (0, 1), (-1, 1))])
    blank = "＿" * 10
    signatures = KeepTogether([
        Spacer(1, 6 * mm),
        para(totals_text(items), st["cell"]),
        Spacer(1, 8 * mm),
        para(f"批准人（负责人）签名：{blank}　　{BLANK_DATE}", st["cell"]),
        Spacer(1, 6 * mm),
        para(f"销毁执行人签名：{blank}　　{BLANK_DATE}", st["cell"]),
    ])
    return [para(agency, st["agency"]), para(TITLE, st["title"]),
            para(f"销毁期间：{period_text(first, last)}　共 {len(items)} 条", st["number"]), Spacer(1, 2 * mm),
            table, signatures]


def disposal_register(items: list[RegisterItem], agency: str, first: date, last: date) -> bytes:
    return page.build(register_story(items, agency, first, last), TITLE, agency, wide=True)
