"""Text records made through legal forms: drafts, finished pages, revisions and their history.

Saving a draft is always possible; finishing a page checks it against its form (forms/).
Changing a finished record writes a new revision; earlier ones stay (seed 000 Art. 29).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jlclient.domain.forms import FieldProblem, FormSpec, validate_values
from jlclient.domain.model import Procedure, Stage
from jlclient.services import cases, numbering
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.forms import load_form
from jlclient.store.models import (AvRecord, Case, CaseOfficer, CaseParty, ElectronicRecord, Officer, TextRecord,
                                   TextRecordRevision)


class FormIncomplete(ServiceError):
    """A page that cannot be finished yet; ``problems`` name each field."""

    def __init__(self, problems: list[FieldProblem]):
        self.problems = problems
        super().__init__("；".join(f"{p.label}：{p.message}" for p in problems[:5])
                         + (f"；等共 {len(problems)} 处" if len(problems) > 5 else ""))


def to_json_value(value: Any) -> Any:
    """Form values as JSON: dates ISO, money as text, enums by value."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "value") and isinstance(getattr(value, "value"), str):
        return value.value
    if isinstance(value, dict):
        return {k: to_json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_value(v) for v in value]
    return value


@dataclass(frozen=True)
class FormContext:
    """What a form page may offer for choice: the case's parties, officers and files, and
    values to start a new record with."""
    parties: tuple[tuple[int, str], ...] = ()          # (party id, name)
    officers: tuple[tuple[str, str], ...] = ()         # (name, 执法证号) of the agency
    assigned: frozenset[str] = frozenset()             # 执法证号 of the case's officers
    files: tuple[tuple[str, str], ...] = ()            # (reference, title)
    defaults: dict | None = None                       # field key -> value
    by_form: dict | None = None                        # form code -> {field key -> value}, over defaults


# Field keys every form understands the same way, filled from the case.
_CASE_DEFAULTS = {"case_number": "number", "case_cause": "title", "matter": "matter"}
_PARTY_KEYS = ("applicant", "party", "recipient")


def form_context(ctx: AppContext, case_id: int) -> FormContext:
    with ctx.db.read() as s:
        case = s.get(Case, case_id)
        if case is None:
            raise ServiceError("案件不存在")
        parties = tuple((cp.party_id, cp.party.name) for cp in
                        s.scalars(select(CaseParty).where(CaseParty.case_id == case_id).order_by(CaseParty.id)))
        officers = tuple((o.name, o.cert_no) for o in s.scalars(select(Officer).order_by(Officer.id)))
        assigned = frozenset(s.scalars(select(Officer.cert_no).join(CaseOfficer, CaseOfficer.officer_id == Officer.id)
                                       .where(CaseOfficer.case_id == case_id)))
        files = tuple((f"electronic:{e.id}", e.title) for e in
                      s.scalars(select(ElectronicRecord).where(ElectronicRecord.case_id == case_id)))
        files += tuple((f"av:{a.id}", a.file_name) for a in s.scalars(select(AvRecord).where(AvRecord.case_id == case_id)))
        defaults = {key: getattr(case, attr) for key, attr in _CASE_DEFAULTS.items()}
        if parties:
            defaults.update({key: str(parties[0][0]) for key in _PARTY_KEYS})
        defaults["officers"] = [{"name": n, "cert_no": c} for n, c in officers if c in assigned]
        return FormContext(parties, officers, assigned, files, defaults, _window_defaults(s, case))


def _window_defaults(s: Session, case: Case) -> dict:
    """Per form: the acceptance-stage notices as the case tells them (services/intake.py)."""
    from jlclient.services.intake import window_form_defaults   # intake builds on this module
    return window_form_defaults(s, case)


@dataclass(frozen=True)
class RevisionView:
    revision: int
    final: bool
    author: str
    created_at: datetime
    note: str
    values: dict


@dataclass(frozen=True)
class RecordSummary:
    id: int
    form: str
    title: str
    stage: Stage
    final: bool
    revisions: int


def save_form(ctx: AppContext, actor: str, case_id: int, form_code: str, values: dict, *, final: bool,
              record_id: int | None = None, note: str = "") -> RecordSummary:
    """Save one form of a case as a new revision (draft or final) of its record."""
    with ctx.db.write() as s:
        case = s.get(Case, case_id)
        if case is None:
            raise ServiceError("案件不存在")
        return _summary(s, save_form_in(s, actor, case, form_code, values, final=final, record_id=record_id,
                                        note=note))


def save_form_in(s: Session, actor: str, case: Case, form_code: str, values: dict, *, final: bool,
                 record_id: int | None = None, note: str = "") -> TextRecord:
    """The same inside a caller's unit of work (intake writes several records at once)."""
    spec = load_form(form_code)
    numbered = numbering.prepare(s, spec, values, record_id) if final else None  # 文号 checked or proposed
    values = numbered.values if numbered else values
    problems = validate_values(spec, values, final=final, procedure=Procedure(case.procedure))
    problems = [*problems, *(numbered.problems if numbered else ())]
    if final and problems:
        raise FormIncomplete(problems)
    data = to_json_value(values)
    if record_id is None:
        record = cases.new_text_record(s, actor, case, _stage_for(spec, case), spec.code, spec.title)
    else:
        record = _record_of(s, case.id, record_id)
    if numbered:   # registered once the record exists; a number lost to another workstation moves on
        data = to_json_value(numbering.assign(s, actor, spec, numbered, record))
    cases.add_revision(s, actor, record, data, note, final=final)
    return record


def _stage_for(spec: FormSpec, case: Case) -> Stage:
    """The case's current stage when the form belongs there, else the form's own stage."""
    current = Stage(case.stage)
    return current if current in spec.stages else spec.stage


def _record_of(s: Session, case_id: int, record_id: int) -> TextRecord:
    record = s.get(TextRecord, record_id)
    if record is None or record.case_id != case_id:
        raise ServiceError("记录不存在")
    return record


def _summary(s: Session, record: TextRecord) -> RecordSummary:
    revisions = list(s.scalars(select(TextRecordRevision).where(TextRecordRevision.record_id == record.id)
                               .order_by(TextRecordRevision.revision)))
    return RecordSummary(record.id, record.form, record.title, Stage(record.stage), revisions[-1].final,
                         len(revisions))


def records_of(ctx: AppContext, case_id: int) -> list[RecordSummary]:
    with ctx.db.read() as s:
        return [_summary(s, r) for r in s.scalars(select(TextRecord).where(TextRecord.case_id == case_id)
                                                  .order_by(TextRecord.id))]


def history(ctx: AppContext, record_id: int) -> list[RevisionView]:
    """Every revision of a record with who and when, oldest first."""
    with ctx.db.read() as s:
        return [RevisionView(r.revision, r.final, r.author, r.created_at, r.note, json.loads(r.content))
                for r in s.scalars(select(TextRecordRevision).where(TextRecordRevision.record_id == record_id)
                                   .order_by(TextRecordRevision.revision))]


def latest_values(ctx: AppContext, record_id: int) -> dict:
    revisions = history(ctx, record_id)
    return revisions[-1].values if revisions else {}
