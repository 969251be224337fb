"""No PDF the product makes references a font it does not embed (issue 14): pdffonts lists every
font of every kind of document — each printed record of the demo, the archive papers, the labels,
the spot-check ledger and the 四性检测 report — as embedded. ReportLab starts every canvas in an
unembedded Helvetica unless told otherwise; a reader without it substitutes a face of its own."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from jlclient.clock import today
from jlclient.printing import labels
from jlclient.services import archiving, package_check, printing, spot_checks
from jlclient.store.models import Case, TextRecord
from tests.support.pdf import assert_fonts_embedded, fonts

CLOSED = "灵行审许〔2026〕6号"      # the demo's closed and complete case


def _no_font_left_out(pdf: bytes, tmp_path) -> None:
    listed = fonts(pdf, tmp_path)
    assert listed and not [f for f in listed if f.split()[-5] != "yes"], listed
    assert_fonts_embedded(pdf, tmp_path)


def test_every_printed_record_of_the_demo_embeds_every_font(demo_ctx, tmp_path):
    with demo_ctx.db.read() as s:
        records = [(r.id, r.form) for r in s.scalars(select(TextRecord).order_by(TextRecord.id))
                   if any(v.final for v in r.revisions)]
    forms = set()
    for record_id, form in records:
        if form in forms:
            continue                   # one of each form: the layout, not the values, decides the fonts
        forms.add(form)
        _no_font_left_out(printing.render_record(demo_ctx, record_id).pdf, tmp_path)
    assert len(forms) >= 8


def test_archive_papers_labels_ledger_and_report_embed_every_font(demo_ctx, login_as, tmp_path):
    with demo_ctx.db.read() as s:
        case_id = s.scalar(select(Case.id).where(Case.number == CLOSED))
    archiving.build_volume(demo_ctx, login_as("archivist"), case_id)
    for kind in archiving.PAPERS:
        _no_font_left_out(archiving.render_paper(demo_ctx, case_id, kind, maker="赵敏").pdf, tmp_path)
    _no_font_left_out(labels.calibration_page(), tmp_path)
    _no_font_left_out(labels.sheet([["灵行审许〔2026〕6号", "第 1 盒"]]), tmp_path)
    _no_font_left_out(spot_checks.ledger_pdf(demo_ctx, today() - timedelta(days=365), today()), tmp_path)


def test_the_package_check_report_embeds_every_font(demo_ctx, login_as, tmp_path):
    from jlclient.services import export
    with demo_ctx.db.read() as s:
        case_id = s.scalar(select(Case.id).where(Case.number == CLOSED))
    archivist = login_as("archivist")
    result = export.export_bag(demo_ctx, archivist, case_id, tmp_path / "包")
    report = package_check.check_package(result.path, demo_ctx)
    _no_font_left_out(package_check.report_pdf(report), tmp_path)
    for pdf in sorted(result.path.rglob("*.pdf")):
        _no_font_left_out(pdf.read_bytes(), tmp_path)
