"""The inquiry record as printed (issue 13): the interviewee's statement and signature line on every
page, and 笔录页数 the pages the PDF really has — read back with poppler."""
from __future__ import annotations

import re

from jlclient.domain.model import Procedure, Stage
from jlclient.services import printing, records
from tests.support import case_builder as cb
from tests.support.pdf import page_count, pdftotext, squash

STATEMENT = "以上笔录我已看过（或已向我宣读过），与我所说的一致。"
LONG = "\n".join(f"问：第{i}个问题，你单位从何时开始销售散装熟食？\n答：自三月起，每日销售约二十份，进货单据在店内。"
                 for i in range(1, 41))


def _printed(ctx, **overrides) -> bytes:
    case_id = cb.build_case(ctx, Procedure.PENALTY, until=Stage.INITIATION)
    cb.advance(ctx, case_id)
    record_id = cb.save(ctx, case_id, "inquiry_record", Procedure.PENALTY, **overrides)
    return printing.print_record(ctx, cb.ACTOR, record_id).pdf


def _pages_field(text: str) -> int:
    return int(re.search(r"笔录页数(\d+)", squash(text)).group(1))


def test_every_page_of_a_long_inquiry_carries_the_signature_line_and_the_count_is_the_pdfs(demo_ctx):
    pdf = _printed(demo_ctx, content=LONG, pages=1)   # a count typed (or left over) is not what prints
    pages = page_count(pdf)
    assert pages >= 3
    for n in range(1, pages + 1):
        text = squash(pdftotext(pdf, first=n))
        assert squash(STATEMENT) in text, n
        assert "被询问人签名：王经理" in text, n
        assert f"第{n}页共{pages}页" in text
    assert _pages_field(pdftotext(pdf)) == pages


def test_a_refusal_to_sign_is_printed_on_every_page(demo_ctx):
    on = cb.date.today()
    refused = {"refused": True, "note": "被询问人拒绝签名，由两名执法人员在场见证", "date": on.isoformat()}
    pdf = _printed(demo_ctx, content=LONG, interviewee_signature=refused)
    pages = page_count(pdf)
    for n in range(1, pages + 1):
        assert "被询问人签名：（拒绝签名）" in squash(pdftotext(pdf, first=n)), n
    assert _pages_field(pdftotext(pdf)) == pages


def test_a_one_page_inquiry_says_one_page(demo_ctx):
    pdf = _printed(demo_ctx)
    assert page_count(pdf) == 1 and _pages_field(pdftotext(pdf)) == 1
    assert squash(STATEMENT) in squash(pdftotext(pdf))


def test_a_form_without_every_page_prints_no_signature_foot(demo_ctx):
    case_id = cb.build_case(demo_ctx, Procedure.PENALTY, until=Stage.INVESTIGATION)
    [rights] = [r for r in records.records_of(demo_ctx, case_id) if r.form == "rights_notice"]
    pdf = printing.print_record(demo_ctx, cb.ACTOR, rights.id).pdf
    assert squash(STATEMENT) not in squash(pdftotext(pdf))
