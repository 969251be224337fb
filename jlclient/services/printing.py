"""Printing a record of a case: the newest final revision of the record, checked before anything
prints, rendered on official A4 pages, and kept as an electronic record of its case (hash in the
evidence store, audit entry) — what was handed out can always be shown again."""
from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select

from jlclient.domain.forms import FieldType, validate_values
from jlclient.domain.model import Procedure
from jlclient.printing import page
from jlclient.printing.render import form_story, page_footer
from jlclient.services.cases import find_case
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.forms import load_form
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.models import Agency, Case, ElectronicRecord, Party, TextRecord, TextRecordRevision

PRINTED = "printed"   # ElectronicRecord.kind of a printed document


@dataclass(frozen=True)
class Printed:
    pdf: bytes
    title: str
    electronic_record_id: int
    sha256: str


def _final_values(s, record: TextRecord) -> dict:
    revision = s.scalars(select(TextRecordRevision).where(TextRecordRevision.record_id == record.id,
                                                          TextRecordRevision.final.is_(True))
                         .order_by(TextRecordRevision.revision.desc()).limit(1)).first()
    if revision is None:
        raise ServiceError(f"“{record.title}”还是草稿：完成后才能打印")
    return json.loads(revision.content)


def with_party_names(s, spec, values: dict) -> dict:
    """Party fields hold the party's id when it was taken in at the window: print the name."""
    resolved = dict(values)
    for f in spec.fields:
        value = values.get(f.key)
        if f.type is FieldType.PARTY and (isinstance(value, int) or (isinstance(value, str) and value.isdigit())):
            party = s.get(Party, int(value))
            if party is not None:
                resolved[f.key] = party.name
    return resolved


def _check(spec, values: dict, case: Case) -> None:
    """A missing required field is named before anything prints."""
    problems = validate_values(spec, values, final=True, procedure=Procedure(case.procedure))
    if problems:
        listed = "；".join(f"{p.label}：{p.message}" for p in problems)
        raise ServiceError(f"“{spec.title}”不能打印，请先补全：{listed}")


@dataclass(frozen=True)
class Rendered:
    """A record rendered for preview; nothing is registered until it is printed or saved."""
    pdf: bytes
    title: str
    case_id: int
    stage: str
    record_id: int | None     # None: an archive paper, not one record
    form: str


def render_record(ctx: AppContext, record_id: int) -> Rendered:
    with ctx.db.read() as s:
        record = s.get(TextRecord, record_id)
        if record is None:
            raise ServiceError("记录不存在")
        case = s.get(Case, record.case_id)
        spec = load_form(record.form)
        raw = _final_values(s, record)
        values = with_party_names(s, spec, raw)
        agency = s.scalar(select(Agency)).name
        _check(spec, raw, case)
        case_id, stage = case.id, record.stage
    pdf = _build(spec, values, agency)
    return Rendered(pdf, spec.title, case_id, stage, record_id, spec.code)


def _build(spec, values: dict, agency: str) -> bytes:
    """The record on paper. A page-count field (``computed = "page_count"``) prints the pages the PDF
    really has: laid out again with the count until the count it prints is the count it has."""
    counted = [f.key for f in spec.fields if f.computed == "page_count"]
    pdf = page.build(form_story(spec, values, agency), spec.title, agency, footer=page_footer(spec, values))
    for _ in range(3):   # a longer number could push a line over a page once; it settles at once
        pages = page.page_count(pdf)
        if not counted or all(values.get(k) == pages for k in counted):
            break
        values = {**values, **{k: pages for k in counted}}
        pdf = page.build(form_story(spec, values, agency), spec.title, agency, footer=page_footer(spec, values))
    return pdf


HOW = {"print": "打印件", "pdf": "PDF"}


def register_print(ctx: AppContext, actor: str, rendered: Rendered, how: str = "print") -> Printed:
    """What was printed or saved is kept as an electronic record of its case, with an audit entry."""
    stored = ctx.evidence.put_bytes(rendered.pdf)
    with ctx.db.write() as s:
        row = ElectronicRecord(case_id=rendered.case_id, stage=rendered.stage, title=f"{rendered.title}（{HOW[how]}）",
                               kind=PRINTED, file_hash=stored.sha256, file_name=f"{rendered.title}.pdf",
                               size=stored.size, created_at=utcnow(), created_by=actor)
        s.add(row)
        audit.append(s, actor, "document.print" if how == "print" else "document.save_pdf", row,
                     detail={"record": rendered.record_id, "form": rendered.form})
        return Printed(rendered.pdf, rendered.title, row.id, stored.sha256)


def print_record(ctx: AppContext, actor: str, record_id: int) -> Printed:
    return register_print(ctx, actor, render_record(ctx, record_id))


def print_form(ctx: AppContext, actor: str, form_code: str, case_ref: str) -> Printed:
    """The case's newest record of the form, printed (the CLI's `jlclient print`)."""
    spec = load_form(form_code)   # an unknown form is named before the case is looked up
    with ctx.db.read() as s:
        case = find_case(s, case_ref)
        record_id = s.scalar(select(TextRecord.id).where(TextRecord.case_id == case.id, TextRecord.form == form_code)
                             .order_by(TextRecord.id.desc()).limit(1))
        if record_id is None:
            raise ServiceError(f"案件 {case.number} 还没有“{spec.title}”")
    return print_record(ctx, actor, record_id)
