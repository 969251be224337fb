"""Printing a record of a case: the newest final revision of the record, checked before anything
prints, rendered on official A4 pages, and kept as an electronic record of its case (hash in the
evidence store, audit entry) — what was handed out can always be shown again."""
from __future__ import annotations

import hashlib
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
from jlclient.store.models import (Agency, AuditEntry, Case, ElectronicRecord, Party, TextRecord,
                                   TextRecordRevision)

PRINTED = "printed"   # ElectronicRecord.kind of a printed document


@dataclass(frozen=True)
class Printed:
    pdf: bytes
    title: str
    electronic_record_id: int
    sha256: str


def _final_revision(s, record: TextRecord) -> TextRecordRevision | None:
    return s.scalars(select(TextRecordRevision).where(TextRecordRevision.record_id == record.id,
                                                      TextRecordRevision.final.is_(True))
                     .order_by(TextRecordRevision.revision.desc()).limit(1)).first()


def _final(s, record: TextRecord) -> TextRecordRevision:
    revision = _final_revision(s, record)
    if revision is None:
        raise ServiceError(f"“{record.title}”还是草稿：完成后才能打印")
    return revision


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
    revision_id: int | None = None   # the final revision it shows (a record's)


def render_record(ctx: AppContext, record_id: int) -> Rendered:
    with ctx.db.read() as s:
        record = s.get(TextRecord, record_id)
        if record is None:
            raise ServiceError("记录不存在")
        case = s.get(Case, record.case_id)
        spec = load_form(record.form)
        revision = _final(s, record)
        raw = json.loads(revision.content)
        values = with_party_names(s, spec, raw)
        agency = s.scalar(select(Agency)).name
        _check(spec, raw, case)
        case_id, stage, revision_id = case.id, record.stage, revision.id
    pdf = _build(spec, values, agency)
    return Rendered(pdf, spec.title, case_id, stage, record_id, spec.code, revision_id)


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


HOW = {"print": "打印件", "pdf": "PDF", "file": "归档件"}
ACTIONS = {"print": "document.print", "pdf": "document.save_pdf", "file": "document.file"}


def register_print(ctx: AppContext, actor: str, rendered: Rendered, how: str = "print") -> Printed:
    """What was printed or saved is kept as an electronic record of its case, with an audit entry."""
    stored = ctx.evidence.put_bytes(rendered.pdf)
    with ctx.db.write() as s:
        row = ElectronicRecord(case_id=rendered.case_id, stage=rendered.stage, title=f"{rendered.title}（{HOW[how]}）",
                               kind=PRINTED, file_hash=stored.sha256, file_name=f"{rendered.title}.pdf",
                               size=stored.size, created_at=utcnow(), created_by=actor)
        s.add(row)
        detail = {"record": rendered.record_id, "form": rendered.form}
        if rendered.revision_id is not None:
            detail["revision"] = rendered.revision_id
        audit.append(s, actor, ACTIONS[how], row, detail=detail)
        return Printed(rendered.pdf, rendered.title, row.id, stored.sha256)


def _registered(s, record: TextRecord, revision: TextRecordRevision) -> ElectronicRecord | None:
    """The newest registered PDF of the record's final revision. A registration names the revision
    it printed; older ones name only the record, and then one registered after the revision was
    made printed that revision (printing always takes the newest final one)."""
    rows = {e.id: e for e in s.scalars(select(ElectronicRecord).where(ElectronicRecord.case_id == record.case_id,
                                                                       ElectronicRecord.kind == PRINTED))}
    if not rows:
        return None
    found = []
    for entity_id, detail in s.execute(select(AuditEntry.entity_id, AuditEntry.detail)
                                       .where(AuditEntry.entity_type == ElectronicRecord.__tablename__,
                                              AuditEntry.action.in_(ACTIONS.values()),
                                              AuditEntry.entity_id.in_([str(i) for i in rows]))):
        said = json.loads(detail or "{}")
        row = rows.get(int(entity_id))
        if row is None or said.get("record") != record.id:
            continue
        if said.get("revision", revision.id) == revision.id and row.created_at >= revision.created_at:
            found.append(row)
    return max(found, key=lambda e: (e.created_at, e.id), default=None)


def as_filed(ctx: AppContext, actor: str, record_id: int) -> Printed:
    """The record's registered PDF, byte for byte as it was printed (what was handed out is what an
    archive or a court receives); a record never printed is rendered once, registered and audited
    (``document.file``), so the next export hands on the same bytes."""
    with ctx.db.read() as s:
        record = s.get(TextRecord, record_id)
        if record is None:
            raise ServiceError("记录不存在")
        revision = _final(s, record)
        row = _registered(s, record, revision)
        if row is not None:
            kept = (row.id, row.file_hash, record.title)
    if row is None:
        return register_print(ctx, actor, render_record(ctx, record_id), "file")
    with ctx.evidence.open(kept[1]) as f:
        pdf = f.read()
    if hashlib.sha256(pdf).hexdigest() != kept[1]:
        raise ServiceError(f"证据存储中“{kept[2]}”的打印件与登记的 SHA-256 不符（可能已被改动）。"
                           "请立即报告系统管理员，并运行 jlclient verify 检查证据存储。")
    return Printed(pdf, kept[2], kept[0], kept[1])


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
