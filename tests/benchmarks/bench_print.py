"""Printing speed: one case-file cover sheet (goal <= 50 ms) and 1,000 labels (goal <= 5 s).

The font is registered first and timed on its own (fonts.song(), once per process); every other figure
is the median of repeated runs after a warm-up. The cover sheet is
jlclient.printing.archive_docs.cover_sheet; when that module does not import, a materials receipt
(render.form_story + page.build) is timed instead and the line says so.

Figures:
  * print.font_register_ms: registering the embedded CJK face (once per process);
  * print.cover_sheet_ms: one case-file cover (or materials receipt) as PDF bytes;
  * print.labels_1000_sheet_s: 1,000 case-file labels on A4 3×8 sheets (42 pages);
  * print.labels_1000_spine_s: 1,000 box spine labels, 30 mm, six per A4 page.
"""
from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _benchlib import goal_text, line, median  # noqa: E402

RUNS = 15
LABEL_RUNS = 3
N_LABELS = 1000
GOAL_COVER_MS = 50
GOAL_LABELS_S = 5


def cover_job():
    """(what is timed, a callable producing the PDF)."""
    try:
        from jlclient.printing.archive_docs import CoverData, cover_sheet
    except Exception as exc:  # noqa: BLE001 (another module may be half-written)
        from jlclient.domain.model import Procedure
        from jlclient.printing import page
        from jlclient.printing.render import form_story
        from jlclient.services.forms import load_form
        from tests.support.case_builder import form_values
        spec = load_form("materials_receipt")
        values = form_values("materials_receipt", Procedure.PERMIT, on=date(2026, 3, 2), lookup_code="Q7K2-99AB")
        return (f"materials receipt (archive_docs.cover_sheet does not import: {type(exc).__name__})",
                lambda: page.build(form_story(spec, values, "灵寿县行政审批局"), spec.title))
    data = CoverData(fonds_name="灵寿县综合行政执法局", category="行政处罚", party="灵寿县好味道食品店",
                     act="未取得食品经营许可从事食品销售", decision_number="灵综执罚决〔2026〕7号",
                     handling_unit="灵寿县综合行政执法局市场监管执法大队", opened=date(2026, 1, 5),
                     closed=date(2026, 3, 2), retention="永久", items=12, pages=45, archive_year=2026,
                     archive_seq=7, fonds_no="J012", catalogue_no="1", file_no="7", filer="王立新",
                     filed_on=date(2026, 3, 10))
    return "archive_docs.cover_sheet", lambda: cover_sheet(data)


def timed(fn, runs: int) -> tuple[float, bytes]:
    out = fn()                                  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return median(times), out


def main() -> int:
    t0 = time.perf_counter()
    from jlclient.printing import fonts
    fonts.song()
    register_ms = (time.perf_counter() - t0) * 1000
    line("print.font_register_ms", register_ms, "import of jlclient.printing.fonts and registering AR PL UMing, "
         "once per process; not in the figures below")

    what, job = cover_job()
    seconds, pdf = timed(job, RUNS)
    ms = seconds * 1000
    line("print.cover_sheet_ms", ms, f"{what}, median of {RUNS} after a warm-up, {len(pdf) / 1024:.0f} KB PDF, "
         f"{goal_text(ms, GOAL_COVER_MS, at_most=True, unit='ms')}")

    from jlclient.printing.labels import A4_3x8, SpineData, sheet, spine_labels
    texts = [[f"灵综执罚〔2026〕{i + 1}号", f"当事人：灵寿县第{i % 97 + 1}号食品经营有限责任公司",
              "案由：未取得食品经营许可从事食品销售", f"归档号：2026-{i + 1:04d}"] for i in range(N_LABELS)]
    seconds, pdf = timed(lambda: sheet(texts, A4_3x8), LABEL_RUNS)
    line("print.labels_1000_sheet_s", seconds, f"{N_LABELS:,} case-file labels on A4 3×8 sheets "
         f"({-(-N_LABELS // 24)} pages, {len(pdf) / 1e6:.1f} MB), median of {LABEL_RUNS}, "
         f"{goal_text(seconds, GOAL_LABELS_S, at_most=True, unit='s')}", digits=2)

    boxes = [SpineData("J012", 2026, "30年", 25 * i + 1, 25 * i + 25, i + 1, unit="市场监管执法大队")
             for i in range(N_LABELS)]
    seconds, pdf = timed(lambda: spine_labels(boxes, 30), LABEL_RUNS)
    line("print.labels_1000_spine_s", seconds, f"{N_LABELS:,} box spine labels 30 mm on A4 "
         f"({len(pdf) / 1e6:.1f} MB), median of {LABEL_RUNS}, "
         f"{goal_text(seconds, GOAL_LABELS_S, at_most=True, unit='s')}", digits=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
