"""The archive volume's cover, file index and remarks sheet read back with poppler: every label and
value present, the CJK font embedded, pages not blank, no page numbers, long names kept inside the
page, and a long index repeating its header on every page."""
import subprocess
from datetime import date

import cv2
import pytest
from reportlab.lib.units import mm

from jlclient.domain.archiving import start_pages
from jlclient.printing import page
from jlclient.printing.archive_docs import (CoverData, IndexRow, RemarksData, _style, cover_sheet, file_index,
                                            fit_paragraph, remarks_sheet)
from tests.support.pdf import assert_fonts_embedded, page_count, pdftotext, right_edges, squash

NAME_40 = "灵寿县城关镇建设路北段东侧第十二号院内新时代现代化综合食品经营有限责任公司分公司"[:40]
PAGE_W = 595.3
RIGHT_EDGE = PAGE_W - page.MARGINS["rightMargin"] + 1      # points


def cover_data(**changes) -> CoverData:
    values = dict(fonds_name="灵寿县综合行政执法局", category="行政处罚", party="灵寿县好味道食品店",
                  act="未取得食品经营许可从事食品销售", decision_number="灵综执罚决〔2026〕7号",
                  handling_unit="灵寿县综合行政执法局市场监管执法大队", opened=date(2026, 1, 5), closed="2026-03-02",
                  retention="永久", items=12, pages=45, archive_year=2026, archive_seq=7, fonds_no="J012",
                  catalogue_no="1", file_no="7", filer="王立新", filed_on=date(2026, 3, 10))
    return CoverData(**{**values, **changes})


def index_rows(n: int = 6) -> list[IndexRow]:
    base = [("灵综执立〔2026〕7号", "灵寿县综合行政执法局", "立案审批表", date(2026, 1, 5), 2),
            ("", "执法人员", "现场检查笔录", "2026-01-06", 3),
            ("", "执法人员", "询问笔录（当事人法定代表人张某某）", date(2026, 1, 8), 5),
            ("灵综执罚决〔2026〕7号", "灵寿县综合行政执法局", f"关于{NAME_40}未取得食品经营许可从事食品销售一案的行政处罚决定书",
             date(2026, 2, 20), 4),
            ("", "灵寿县综合行政执法局", "送达回证", "20260221", 1)]
    docs = [base[i % len(base)] for i in range(n)]
    starts = start_pages([d[4] for d in docs])
    return [IndexRow(d[0], d[1], d[2], d[3], p, "复印件" if i == 2 else "") for i, (d, p) in enumerate(zip(docs, starts))]


def remarks_data(**changes) -> RemarksData:
    values = dict(notes="本卷共12件45页。\n第3件询问笔录第4页原件破损，以复印件替代，已注明。\n2026年3月9日补入送达回证1件。",
                  filer="王立新", filed_on=date(2026, 3, 10), checker="李明", checked_on=date(2026, 3, 12),
                  archive_number="2026-0007")
    return RemarksData(**{**values, **changes})


def _three():
    return {"cover": cover_sheet(cover_data()), "index": file_index(index_rows(), "灵寿县好味道食品店未取得食品经营许可从事食品销售案"),
            "remarks": remarks_sheet(remarks_data())}


def test_the_case_title_and_archive_number_are_derived():
    data = cover_data()
    assert data.case_title == "灵寿县好味道食品店未取得食品经营许可从事食品销售案"
    assert cover_data(act="无证经营案").case_title == "灵寿县好味道食品店无证经营案"
    assert data.archive_number == "2026-0007"


def test_the_cover_prints_every_label_and_value():
    text = squash(pdftotext(cover_sheet(cover_data())))
    for expected in ("行政执法案卷", "全宗号", "J012", "目录号", "案卷号", "归档号", "2026-0007", "全宗名称",
                     "灵寿县综合行政执法局", "类别", "行政处罚", "案卷题名", "灵寿县好味道食品店未取得食品经营许可从事食品销售案",
                     "决定书文号", "灵综执罚决〔2026〕7号", "承办单位", "灵寿县综合行政执法局市场监管执法大队",
                     "立案日期", "2026年1月5日", "结案日期", "2026年3月2日", "保管期限", "永久", "卷内数量", "共12件45页",
                     "立卷人", "王立新", "立卷日期", "2026年3月10日"):
        assert squash(expected) in text, expected


def test_the_file_index_prints_every_column_and_row():
    rows = index_rows()
    text = squash(pdftotext(file_index(rows, "灵寿县好味道食品店未取得食品经营许可从事食品销售案", "2026-0007")))
    for expected in ("卷内文件目录", "序号文号责任者题名日期页号备注", "案卷题名", "灵寿县好味道食品店未取得食品经营许可从事食品销售案",
                     "归档号", "2026-0007", "20260105", "20260106", "20260221", "复印件", "灵综执罚决〔2026〕7号"):
        assert squash(expected) in text, expected
    for r in rows:
        assert squash(r.title) in text and squash(r.author) in text
    assert [r.page for r in rows] == ["1", "3", "6", "11", "15", "16-17"]   # the last with its end page


def test_the_remarks_sheet_prints_every_label_and_value():
    text = squash(pdftotext(remarks_sheet(remarks_data())))
    for expected in ("卷内备考表", "归档号", "2026-0007", "本卷情况说明", "本卷共12件45页。",
                     "第3件询问笔录第4页原件破损，以复印件替代，已注明。", "2026年3月9日补入送达回证1件。",
                     "立卷人", "王立新", "2026年3月10日", "检查人", "李明", "2026年3月12日", "立卷时间"):
        assert squash(expected) in text, expected


def test_a_blank_remarks_sheet_leaves_dates_to_fill_in():
    text = squash(pdftotext(remarks_sheet(RemarksData())))
    assert "本卷情况说明" in text and text.count("年月日") == 3


@pytest.mark.parametrize("kind", ["cover", "index", "remarks"])
def test_archive_papers_embed_the_font_render_and_carry_no_page_numbers(kind, tmp_path):
    pdf = _three()[kind]
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    assert_fonts_embedded(pdf, tmp_path)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(tmp_path / "p")], check=True)
    pictures = [cv2.imread(str(p), cv2.IMREAD_GRAYSCALE) for p in sorted(tmp_path.glob("p*.png"))]
    assert len(pictures) == 1 and (pictures[0] < 128).mean() > 0.01      # one page, not blank
    text = squash(pdftotext(pdf))
    assert "第1页" not in text and "共1页" not in text and "骑缝" not in text


def test_a_forty_character_party_stays_inside_the_cover_and_index(tmp_path):
    data = cover_data(party=NAME_40)
    pdf = cover_sheet(data)
    assert max(right_edges(pdf, tmp_path)) <= RIGHT_EDGE
    assert squash(data.case_title) in squash(pdftotext(pdf))
    assert page_count(pdf) == 1
    pdf = file_index(index_rows(), data.case_title)
    assert max(right_edges(pdf, tmp_path)) <= RIGHT_EDGE
    assert squash(data.case_title) in squash(pdftotext(pdf))


def test_long_numbers_and_names_shrink_into_the_cover_boxes(tmp_path):
    data = cover_data(fonds_no="J0123-4567-89", handling_unit="灵寿县综合行政执法局" * 6, decision_number="灵综执罚决〔2026〕12345号")
    pdf = cover_sheet(data)
    assert page_count(pdf) == 1
    assert max(right_edges(pdf, tmp_path)) <= RIGHT_EDGE
    text = squash(pdftotext(pdf))
    assert "J0123-4567-89" in text and squash(data.handling_unit) in text


def test_sixty_index_rows_run_over_pages_with_the_header_on_each():
    pdf = file_index(index_rows(60), "灵寿县好味道食品店未取得食品经营许可从事食品销售案")
    pages = page_count(pdf)
    assert pages > 1
    for n in range(1, pages + 1):
        assert "序号文号责任者题名日期页号备注" in squash(pdftotext(pdf, first=n)), n
    text = squash(pdftotext(pdf))
    assert all(f"{squash(r.title)}" in text for r in index_rows(60))
    assert "第1页" not in text


def test_long_remarks_run_on_without_being_cut():
    notes = "\n".join(f"第{i}件：原件遗失，以复印件替代，经承办人核对与原件一致并签名。" for i in range(1, 61))
    pdf = remarks_sheet(remarks_data(notes=notes))
    text = squash(pdftotext(pdf))
    assert page_count(pdf) >= 2
    assert all(f"第{i}件：原件遗失" in text for i in range(1, 61)) and "检查人" in text


def test_fit_paragraph_shrinks_only_as_far_as_needed():
    style = _style("t", 14, 20)
    short = fit_paragraph("永久", style, 100 * mm, 10 * mm)
    assert short.style.fontSize == 14
    text = NAME_40 * 3
    fitted = fit_paragraph(text, style, 80 * mm, 20 * mm)
    _, height = fitted.wrap(80 * mm, 20 * mm)
    assert 7 <= fitted.style.fontSize < 14 and height <= 20 * mm
    floor = fit_paragraph(text * 10, style, 30 * mm, 5 * mm)       # cannot fit: smallest size, text kept
    assert floor.style.fontSize == 7 and squash(text * 10) in squash(floor.getPlainText())


def test_page_build_still_numbers_by_default():
    from reportlab.platypus import Paragraph
    pdf = page.build([Paragraph("正文", _style("x", 12))], "t")
    assert "第1页共1页" in squash(pdftotext(pdf))
