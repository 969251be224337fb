"""The spot-check ledger read back: every row's facts, the header on every page, pages numbered."""
from datetime import date

from jlclient.printing.ledger import COLUMNS, LedgerRow, spot_check_ledger
from tests.support.pdf import assert_fonts_embedded, assert_not_blank, page_count, pdftotext, squash


def _rows(n: int) -> list[LedgerRow]:
    return [LedgerRow(date(2026, 3, 1 + i % 28), "李娜" if i % 2 else "王强", f"DSJ0001_20260302{i:06d}.MP4",
                      f"灵行审罚〔2026〕{i + 1}号", "不合格" if i % 3 == 0 else "合格",
                      "00:03:12 未出示执法证件" if i % 3 == 0 else "", "赵敏") for i in range(n)]


def test_every_row_is_printed_with_its_issues(tmp_path):
    rows = _rows(5)
    pdf = spot_check_ledger(rows, "灵寿县行政审批局", "2026年3月")
    text = squash(pdftotext(pdf))
    assert "音像记录回放检查台账" in text and "检查期间：2026年3月" in text and "共5条" in text
    for r in rows:
        for value in (r.officer, r.recording, r.case_number, r.result, r.checker):
            assert squash(value) in text
    assert "00:03:12未出示执法证件" in text and "无" in text
    assert_fonts_embedded(pdf, tmp_path)
    assert_not_blank(pdf, tmp_path, pages=1)


def test_a_long_ledger_repeats_its_header_and_numbers_its_pages():
    pdf = spot_check_ledger(_rows(80), "灵寿县行政审批局", "2026年第一季度")
    pages = page_count(pdf)
    assert pages >= 3
    for n in range(1, pages + 1):
        text = squash(pdftotext(pdf, first=n))
        assert squash(COLUMNS[6][0]) in text and f"第{n}页共{pages}页" in text
