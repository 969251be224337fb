"""Labels read back with poppler: every value on spine labels, the evidence-disc label and its written
note; the CJK font embedded; pages not blank; label sheets paginate by their cell count, keep a long
company name inside its cell and move by the printer's calibration offset, which is stored as an
audited setting."""
import re
import subprocess
from datetime import datetime

import pytest
from reportlab.lib.units import mm
from sqlalchemy import select

from jlclient.printing.labels import (A4_2x4, A4_3x8, DiscData, DiscFile, SpineData, calibration_page, disc_label,
                                      duration_text, fit_lines, sheet, size_text, spine_label, spine_labels,
                                      written_note)
from jlclient.services import label_calibration
from jlclient.services.context import ServiceError
from jlclient.store.models import AuditEntry
from tests.support.pdf import assert_fonts_embedded, assert_not_blank, page_count, pdftotext, squash, words

NAME_40 = "灵寿县城关镇建设路北段东侧第十二号院内新时代现代化综合食品经营有限责任公司分公司"[:40]

def text_of(pdf: bytes) -> str:
    return squash(pdftotext(pdf))


SHA_A = "8574e775569ca08e1663e4c95e41bbbd2f9bdd0b473fcf2c99b5f5adbe41c289"
SHA_B = "0123456789abcdef" * 4


def disc_data(**changes) -> DiscData:
    values = dict(case_number="灵综执罚〔2026〕7号", recorded_from=datetime(2026, 3, 2, 9, 30),
                  recorded_to=datetime(2026, 3, 2, 10, 15), place="灵寿县城关镇建设路18号灵寿县好味道食品店",
                  device="DSJ-A8-000123", officers=(("王立新", "13010001"), ("李明", "13010002")),
                  files=(DiscFile("20260302_093000_DSJ000123.MP4", 734003200, 1800, SHA_A),
                         DiscFile("20260302_100000_DSJ000123.MP4", 536870912, 905, SHA_B)),
                  maker="张晓燕", made_at=datetime(2026, 3, 5, 14, 20), extractor="赵强",
                  extracted_at=datetime(2026, 3, 5, 14, 0), matter="未取得食品经营许可从事食品销售",
                  agency="灵寿县综合行政执法局")
    return DiscData(**{**values, **changes})


SPINE = SpineData("J012", 2026, "永久", 1, 25, 3, unit="市场监管执法大队")


@pytest.mark.parametrize("width", [20, 30, 40, 50])
def test_a_spine_label_shows_every_field_on_a_page_of_its_size(width, tmp_path):
    pdf = spine_label(SPINE, width)
    text = text_of(pdf)
    for expected in ("全宗号", "J012", "年度", "2026", "保管期限", "永久", "起止件号", "0001", "至", "0025", "盒号",
                     "3", "单位", "市场监管执法大队"):
        assert expected in text, expected
    size = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    w, h = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", size).groups())
    assert abs(w - width * mm) < 0.5 and abs(h - 220 * mm) < 0.5
    assert_fonts_embedded(pdf, tmp_path)
    assert_not_blank(pdf, tmp_path, 1)
    assert all(0 <= x0 and x1 <= w for _, x0, _, x1, _ in words(pdf, tmp_path))


def test_a_long_unit_stays_on_a_narrow_spine(tmp_path):
    pdf = spine_label(SpineData("J012", 2026, "30年", 1, 125, 12, unit=NAME_40), 20)
    assert NAME_40 in text_of(pdf) or squash(NAME_40) in text_of(pdf)
    for _, x0, y0, x1, y1 in words(pdf, tmp_path):
        assert 0 <= x0 and x1 <= 20 * mm and 0 <= y0 and y1 <= 220 * mm


def test_a_years_spines_go_side_by_side_on_a4():
    boxes = [SpineData("J012", 2026, "30年", 25 * i + 1, 25 * i + 25, i + 1) for i in range(12)]
    pdf = spine_labels(boxes, 20)
    assert page_count(pdf) == 2                       # eight 20 mm spines per A4 page
    assert "0276" in text_of(pdf) and "0300" in text_of(pdf)
    with pytest.raises(ValueError):
        spine_labels(boxes, 25)


def test_the_disc_label_carries_every_value_inside_the_ring(tmp_path):
    data = disc_data()
    pdf = disc_label(data)
    text = text_of(pdf)
    checksum = data.checksum
    for expected in ("灵综执罚〔2026〕7号", "2026年3月2日09:30—10:15", data.place, "DSJ-A8-000123", "王立新",
                     "13010001", "李明", "13010002", "2个", duration_text(data.duration_s), size_text(data.size),
                     "张晓燕", "赵强", "2026年3月5日14:20", "2026年3月5日14:00", checksum, "灵寿县综合行政执法局"):
        assert squash(expected) in text, expected
    assert_fonts_embedded(pdf, tmp_path)
    assert_not_blank(pdf, tmp_path, 1)
    cx, cy = 595.28 / 2, 20 * mm + 58 * mm        # the disc centre, from the top
    for word, x0, y0, x1, y1 in words(pdf, tmp_path):
        far = max(((x - cx) ** 2 + (y - cy) ** 2) ** 0.5 for x in (x0, x1) for y in (y0, y1))
        assert far <= 58 * mm, word                              # inside the disc
        near_x = min(max(cx, x0), x1) - cx
        near_y = min(max(cy, y0), y1) - cy
        assert (near_x ** 2 + near_y ** 2) ** 0.5 >= 20.5 * mm, word    # clear of the hole


def test_the_written_note_lists_every_file_with_its_checksum(tmp_path):
    data = disc_data()
    pdf = written_note(data)
    text = text_of(pdf)
    for expected in ("视听资料制作说明", "制作人", "张晓燕", "提取人", "赵强", "提取时间", "2026年3月5日14:00",
                     "制作时间", "2026年3月5日14:20", "DSJ-A8-000123", "执法人员", "王立新（13010001）",
                     "录制时间", "录制地点", data.place, "文件数", "2个", "总时长", duration_text(data.duration_s),
                     "总大小", size_text(data.size), "20260302_093000_DSJ000123.MP4",
                     "20260302_100000_DSJ000123.MP4", SHA_A, SHA_B, data.checksum, "第1页共1页"):
        assert squash(expected) in text, expected
    assert_fonts_embedded(pdf, tmp_path)
    assert_not_blank(pdf, tmp_path, 1)


def labels(n: int, name: str = "灵寿县好味道食品店") -> list[list[str]]:
    return [[f"灵综执罚〔2026〕{i + 1}号", f"当事人：{name}", "归档号：2026-0007"] for i in range(n)]


def test_a_3x8_sheet_holds_24_labels_and_the_25th_starts_a_page(tmp_path):
    assert page_count(sheet(labels(24), A4_3x8)) == 1
    pdf = sheet(labels(25), A4_3x8)
    assert page_count(pdf) == 2
    assert "灵综执罚〔2026〕25号" in text_of(pdf)
    assert_fonts_embedded(pdf, tmp_path)
    assert_not_blank(pdf, tmp_path, 2)
    assert page_count(sheet(labels(9), A4_2x4)) == 2


@pytest.mark.parametrize("spec", [A4_2x4, A4_3x8], ids=["2x4", "3x8"])
def test_a_forty_character_company_name_stays_inside_its_cell(spec, tmp_path):
    pdf = sheet(labels(1, NAME_40) * spec.per_page, spec)
    assert squash(NAME_40) in text_of(pdf)
    for index in range(spec.per_page):
        x, top, w, h = spec.cell(index)
        box = (x * mm, top * mm, (x + w) * mm, (top + h) * mm)
        inside = [wd for wd in words(pdf, tmp_path)
                  if box[0] - 2 <= wd[1] < box[2] and box[1] - 2 <= wd[2] < box[3]]
        assert inside
        for word, x0, y0, x1, y1 in inside:
            assert box[0] <= x0 and x1 <= box[2] and box[1] <= y0 and y1 <= box[3], word


def test_fit_lines_shrinks_and_wraps_but_never_cuts():
    fitted = fit_lines([NAME_40], 60 * mm, 10 * mm, max_size=14)
    assert "".join(fitted.lines) == NAME_40
    assert fitted.size < 14 and len(fitted.lines) * fitted.leading <= 10 * mm


def test_the_calibration_offset_moves_every_label(tmp_path):
    plain = words(sheet(labels(3), A4_3x8), tmp_path)
    moved = words(sheet(labels(3), A4_3x8, offset_mm=(3, -2)), tmp_path)
    assert len(plain) == len(moved)
    for a, b in zip(plain, moved):
        assert a[0] == b[0]
        assert b[1] - a[1] == pytest.approx(3 * mm, abs=0.3)        # 3 mm to the right
        assert b[2] - a[2] == pytest.approx(-2 * mm, abs=0.3)       # 2 mm up
    trial = calibration_page(A4_3x8, (1, 1))
    assert page_count(trial) == 1 and "第24格" in text_of(trial)


def test_calibration_offsets_persist_with_an_audit_entry_and_are_bounded(ctx):
    assert label_calibration.offsets(ctx, "HP LaserJet P1108") == (0.0, 0.0)
    assert label_calibration.set_offsets(ctx, "user:clerk", "HP LaserJet P1108", 3, -2.04) == (3.0, -2.0)
    assert label_calibration.offsets(ctx, "HP LaserJet P1108") == (3.0, -2.0)
    assert label_calibration.offsets(ctx, "Canon LBP2900") == (0.0, 0.0)
    with ctx.db.read() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action == "setting.set")).all()
        assert [(e.actor, e.entity_id) for e in entries] == [("user:clerk", "label_offset:HP LaserJet P1108")]
    for dx, dy in ((10.5, 0), (0, -11), (float("nan"), 0), ("左", 0)):
        with pytest.raises(ServiceError, match="毫米|数字"):
            label_calibration.set_offsets(ctx, "user:clerk", "HP LaserJet P1108", dx, dy)
    assert label_calibration.offsets(ctx, "HP LaserJet P1108") == (3.0, -2.0)
    long_name = "打印机" * 40
    label_calibration.set_offsets(ctx, "user:clerk", long_name, -10, 10)
    assert label_calibration.offsets(ctx, long_name) == (-10.0, 10.0)
    with pytest.raises(ServiceError):
        label_calibration.set_offsets(ctx, "user:clerk", "  ", 0, 0)
