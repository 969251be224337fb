"""The spot-check ledger read back: how each sample was drawn, every sampled recording checked or
not, the opinions, the pass rate, both signature lines; the header on every page, pages numbered."""
from datetime import date, datetime

from jlclient.printing.ledger import COLUMNS, LedgerItem, LedgerPlan, spot_check_ledger
from tests.support.pdf import assert_fonts_embedded, assert_not_blank, page_count, pdftotext, squash


def _items(n: int, checked: int) -> tuple[LedgerItem, ...]:
    out = []
    for i in range(n):
        name = f"DSJ0001_20260302{i:06d}.MP4"
        if i >= checked:
            out.append(LedgerItem(name, "李娜", f"灵行审罚〔2026〕{i + 1}号", "未检查"))
            continue
        failed = i % 3 == 0
        out.append(LedgerItem(name, "李娜" if i % 2 else "王强", f"灵行审罚〔2026〕{i + 1}号",
                              "不合格" if failed else "合格", date(2026, 3, 1 + i % 28), "赵敏",
                              "00:03:12 未出示执法证件" if failed else "", "责令整改" if failed else "规范"))
    return tuple(out)


def _plan(items: tuple[LedgerItem, ...], left_out: str = "") -> LedgerPlan:
    return LedgerPlan(7, "按执法人员：王强", "2026年3月1日至2026年3月31日", "出示执法证件、文明规范用语", 20260301,
                      40, 38, left_out, "抽取 10%", "样本均在检查人职责范围内，可直接查阅", "赵敏",
                      datetime(2026, 3, 31, 9, 5), items)


def test_a_plan_is_stated_with_its_draw_every_item_the_opinions_and_the_pass_rate(tmp_path):
    items = _items(5, checked=4)
    pdf = spot_check_ledger([_plan(items, "受限（须经批准方可查阅） 2 件")], "灵寿县行政审批局", "2026年3月",
                            datetime(2026, 4, 1, 8, 30))
    text = squash(pdftotext(pdf))
    assert "音像记录回放检查台账" in text and "台账期间：2026年3月" in text and "制表时间：2026年4月1日08:30" in text
    assert "抽检计划7抽检范围：按执法人员：王强录制期间：2026年3月1日至2026年3月31日" in text
    assert "范围内音像记录40件，纳入抽样38件；未纳入抽样：受限（须经批准方可查阅）2件" in text
    assert "样本量：抽取10%，实际抽取5件随机种子：20260301" in text and "抽样人：赵敏" in text
    for r in items:
        for value in (r.recording, r.case_number, r.result, r.opinion):
            assert squash(value) in text
    assert "00:03:12未出示执法证件" in text and squash(f"未检查的：5. {items[4].recording}") in text
    assert "样本5件，已检查4件，未检查1件；合格2件，不合格2件，合格率50%" in text
    assert "检查人（签名）" in text and "负责人（签名）" in text
    assert_fonts_embedded(pdf, tmp_path)
    assert_not_blank(pdf, tmp_path)


def test_nothing_checked_has_no_pass_rate_and_no_plan_is_said():
    text = squash(pdftotext(spot_check_ledger([_plan(_items(2, checked=0))], "灵寿县行政审批局", "2026年3月",
                                              datetime(2026, 4, 1))))
    assert "合格率—（尚无检查结果）" in text and "100%" not in text
    empty = squash(pdftotext(spot_check_ledger([], "灵寿县行政审批局", "2026年3月", datetime(2026, 4, 1))))
    assert "本期间没有抽检计划" in empty and "负责人（签名）" in empty


def test_a_long_ledger_repeats_its_header_and_numbers_its_pages():
    pdf = spot_check_ledger([_plan(_items(80, checked=60))], "灵寿县行政审批局", "2026年第一季度",
                            datetime(2026, 4, 1))
    pages = page_count(pdf)
    assert pages >= 3
    for n in range(1, pages + 1):
        text = squash(pdftotext(pdf, first=n))
        assert f"第{n}页共{pages}页" in text
        assert squash(COLUMNS[7][0]) in text or (n == pages and "负责人（签名）" in text)   # the table runs on
    assert squash(f"80. {_items(80, 60)[-1].recording}") in squash(pdftotext(pdf))     # its last row printed
