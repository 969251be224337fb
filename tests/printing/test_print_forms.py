"""Printed records read back with poppler: labels and values present, the CJK font embedded, pages
not blank, the receipt's QR code decodes to its look-up code, and each print is kept as evidence."""
import subprocess
from datetime import date

import cv2
import pytest
from sqlalchemy import select

from jlclient.domain.model import Procedure, Stage
from jlclient.printing import page
from jlclient.printing.render import chinese_date, field_text, form_story, printed_fields
from jlclient.services import records
from jlclient.services.context import ServiceError
from jlclient.services.forms import list_forms, load_form
from jlclient.services.printing import print_form, print_record
from jlclient.services.verify import verify
from jlclient.store.models import AuditEntry, ElectronicRecord
from tests.support.case_builder import ACTOR, build_case, form_values
from tests.support.pdf import assert_fonts_embedded, pages_png, pdftotext, squash

ON = date(2026, 3, 2)


def test_chinese_dates_follow_the_official_style():
    assert chinese_date("2026-03-02") == "2026年3月2日"
    assert chinese_date("2026-11-23T09:05:00") == "2026年11月23日 09:05"


def test_materials_receipt_prints_every_field_with_the_font_embedded_and_a_readable_qr(tmp_path):
    spec = load_form("materials_receipt")
    values = form_values("materials_receipt", Procedure.PERMIT, on=ON, lookup_code="Q7K2-99AB")
    pdf = page.build(form_story(spec, values, "灵寿县行政审批局"), spec.title)
    text = squash(pdftotext(pdf))
    for expected in ("灵寿县行政审批局", "材料接收凭证", "SL-2026-0001", "申请人", values["applicant"], "联系电话",
                     values["phone"], "申请事项", values["matter"], values["materials"][0]["name"], "2026年3月2日",
                     "第1页共1页", "Q7K2-99AB"):
        assert squash(expected) in text, expected
    assert_fonts_embedded(pdf, tmp_path)
    [picture] = pages_png(pdf, tmp_path, dpi=150)
    assert (picture < 128).mean() > 0.01                                 # not blank
    decoded, _, _ = cv2.QRCodeDetector().detectAndDecode(picture)
    assert decoded == "Q7K2-99AB"


def test_a_long_record_gets_page_numbers_and_seam_marks_on_every_page(tmp_path):
    spec = load_form("inquiry_record")
    values = form_values("inquiry_record", Procedure.PENALTY, on=ON)
    long_key = next(f.key for f in spec.fields if f.print_hints.lines > 1)
    values[long_key] = "问：请说明经营情况。\n答：" + "本店自二〇二五年起经营食品销售，未办理许可。" * 120
    pdf = page.build(form_story(spec, values, "灵寿县行政审批局"), spec.title)
    text = squash(pdftotext(pdf))
    pages = pages_png(pdf, tmp_path)
    assert len(pages) >= 2
    for n in range(1, len(pages) + 1):
        assert f"第{n}页共{len(pages)}页" in text
    for n in range(1, len(pages) + 1):                       # the seam mark on every page
        page_text = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-", "-"], input=pdf,
                                   capture_output=True, check=True).stdout.decode()
        assert all(ch in page_text for ch in "骑缝章"), n


@pytest.mark.parametrize("spec", list_forms(), ids=lambda s: s.code)
def test_every_form_prints_with_its_labels_and_values(spec, tmp_path):
    procedure = Procedure.PENALTY if Procedure.PENALTY in spec.procedures else spec.procedures[0]
    try:
        values = form_values(spec.code, procedure, on=ON)
    except KeyError:
        values = {}     # no filled-in example for this form: its blank layout is printed
    pdf = page.build(form_story(spec, values, "灵寿县行政审批局"), spec.title)
    text = squash(pdftotext(pdf))
    assert squash(spec.title) in text
    for f in printed_fields(spec, values):
        if f.key not in ("doc_number", "receipt_number", "lookup_code") and f.type.value != "file":
            assert squash(f.label) in text, f.label
            printed = field_text(f, values.get(f.key))
            if printed and f.type.value not in ("materials",):
                assert squash(printed)[:30] in text, f.key


def test_a_forty_character_company_name_stays_inside_its_box(tmp_path):
    spec = load_form("materials_receipt")
    name = "灵寿县城关镇建设路北段东侧第十二号院内新时代现代化综合食品经营有限责任公司分公司"[:40]
    values = form_values("materials_receipt", Procedure.PERMIT, on=ON, applicant=name)
    pdf = page.build(form_story(spec, values, "灵寿县行政审批局"), spec.title)
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    bbox = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    import re
    right_edges = [float(m) for m in re.findall(r'xMax="([\d.]+)"', bbox)]
    assert max(right_edges) <= 595.3 - 26 * 72 / 25.4 + 1        # never past the right margin
    assert squash(name) in squash(pdftotext(pdf))


def test_printing_a_case_record_keeps_it_as_evidence_and_names_missing_fields(ctx, tmp_path):
    from jlclient.services import setup
    setup.initialise(ctx, "cli:test")
    case_id = build_case(ctx, Procedure.PERMIT, until=Stage.ACCEPTANCE)
    printed = print_form(ctx, ACTOR, "materials_receipt", str(case_id))
    assert "材料接收凭证" in pdftotext(printed.pdf)
    with ctx.db.read() as s:
        row = s.get(ElectronicRecord, printed.electronic_record_id)
        assert (row.case_id, row.kind, row.file_hash) == (case_id, "printed", printed.sha256)
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "document.print")) is not None
    with ctx.evidence.open(printed.sha256) as stored:
        assert stored.read() == printed.pdf
    draft = records.save_form(ctx, ACTOR, case_id, "acceptance_notice", {"matter": "食品经营许可"}, final=False)
    with pytest.raises(ServiceError, match="草稿"):
        print_record(ctx, ACTOR, draft.id)
    with pytest.raises(ServiceError, match="还没有"):
        print_form(ctx, ACTOR, "hearing_notice", str(case_id))
    assert verify(ctx).ok


def test_a_service_return_receipt_prints_only_the_chosen_methods_fields():
    spec = load_form("service_return_receipt")
    values = form_values("service_return_receipt", Procedure.PENALTY, on=ON)
    text = squash(pdftotext(page.build(form_story(spec, values, "灵寿县行政审批局"), spec.title)))
    assert "直接送达" in text and "DIRECT" not in text
    groups = {g.key: g for g in spec.groups}
    other = [f for f in spec.fields if f.group and groups[f.group].methods
             and all(m.value != values["method"] for m in groups[f.group].methods)]
    assert other and not any(squash(f.label) in text for f in other)
