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

from jlclient.clock import local
from jlclient.domain.citation import in_words
from jlclient.domain.forms import FieldProblem, FieldType, FormSpec, validate_values
from jlclient.domain.model import Procedure, Stage
from jlclient.printing.render import field_text, signature_words
from jlclient.services import cases, citations, numbering
from jlclient.services.printing import with_party_names
from jlclient.services.archiving import person
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.forms import forms_for, load_form
from jlclient.services.prefill import prefill
from jlclient.store.audit import utcnow
from jlclient.store.models import (AvRecord, Case, CaseOfficer, CaseParty, ElectronicRecord, FormDraft, Officer,
                                   TextRecord, TextRecordRevision)


class ReasonRequired(ServiceError):
    """A finished record is changed only with a written 更正原因 (seed 000 Art. 29)."""


class FormIncomplete(ServiceError):
    """A page that cannot be finished yet; ``problems`` name each field."""

    def __init__(self, problems: list[FieldProblem], titles: dict | None = None):
        self.problems = problems
        super().__init__("；".join(f"{p.label}：{in_words(p.message, titles or {})}" for p in problems[:5])
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
    titles: dict | None = None                         # seed -> regulation title: form texts cite in words


# Field keys every form understands the same way, filled from the case.
_CASE_DEFAULTS = {"case_number": "number", "case_cause": "title", "matter": "matter"}
_PARTY_KEYS = ("applicant", "party", "recipient", "respondent")


def form_context(ctx: AppContext, case_id: int, user: CurrentUser | None = None) -> FormContext:
    """The choices and starting values of the case's forms; ``user``, the person filling them,
    is the 经办人 and gives the phone they gave last time (services/prefill.py)."""
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
        by_form = prefill(s, case, tuple(f.code for f in forms_for(Procedure(case.procedure), Stage(case.stage))),
                          user_name=user.display_name if user else "", user_actor=user.actor if user else None)
        for form, values in _window_defaults(s, case).items():   # the acceptance notices as intake makes them
            by_form[form] = {**by_form.get(form, {}), **values}
        return FormContext(parties, officers, assigned, files, defaults, by_form, citations.titles(s))


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
    """The same inside a caller's unit of work (intake writes several records at once).

    Finishing checks the form against the agency's clock (no act in the future); a new revision
    of a finished record needs ``note``, the 更正原因. The saver's unsaved-page buffer goes."""
    spec = load_form(form_code)
    record = _record_of(s, case.id, record_id) if record_id is not None else None
    if record is not None and is_final(s, record.id) and not note.strip():
        raise ReasonRequired(f"“{record.title}”已完成，更正须写明更正原因")
    cases.refuse_own_legal_review(s, actor, case, spec.code, values)
    numbered = numbering.prepare(s, spec, values, record_id) if final else None  # 文号 checked or proposed
    values = numbered.values if numbered else values
    problems = validate_values(spec, values, final=final, procedure=Procedure(case.procedure),
                               now=local(utcnow()))
    problems = [*problems, *(numbered.problems if numbered else ())]
    if final and problems:
        raise FormIncomplete(problems, citations.titles(s))
    data = to_json_value(values)
    _drop_draft_in(s, case.id, spec.code, _username(actor))
    if record is None:
        record = cases.new_text_record(s, actor, case, _stage_for(spec, case), spec.code, spec.title)
    if numbered:   # registered once the record exists; a number lost to another workstation moves on
        data = to_json_value(numbering.assign(s, actor, spec, numbered, record))
    cases.add_revision(s, actor, record, data, note.strip(), final=final)
    return record


def is_final(s: Session, record_id: int) -> bool:
    """Whether the record's newest revision is finished."""
    return bool(s.scalar(select(TextRecordRevision.final).where(TextRecordRevision.record_id == record_id)
                         .order_by(TextRecordRevision.revision.desc()).limit(1)))


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


# --- history in words ---------------------------------------------------------

@dataclass(frozen=True)
class RevisionWords:
    """One revision as people read it: names, labels, 是/否, local times."""
    revision: int
    final: bool
    author: str           # the person's name
    at: str               # local time, 2026-12-03 14:05
    reason: str           # 更正原因 (empty for the first version)
    cells: dict           # field or signature key -> the value in words


def history_in_words(ctx: AppContext, record_id: int) -> list[RevisionWords]:
    """Every revision of a record in words, oldest first: field values as they are printed
    (choice labels, 是/否, Chinese dates), party and file references by name, authors by name."""
    with ctx.db.read() as s:
        record = s.get(TextRecord, record_id)
        if record is None:
            raise ServiceError("记录不存在")
        spec = load_form(record.form)
        out = []
        for r in s.scalars(select(TextRecordRevision).where(TextRecordRevision.record_id == record_id)
                           .order_by(TextRecordRevision.revision)):
            values = _with_file_titles(s, spec, with_party_names(s, spec, json.loads(r.content)))
            cells = {f.key: field_text(f, values.get(f.key)) for f in spec.fields}
            cells |= {slot.key: signature_words(slot, values.get(slot.key)) for slot in spec.signatures}
            out.append(RevisionWords(r.revision, r.final, _author(s, r.author), f"{local(r.created_at):%Y-%m-%d %H:%M}",
                                     r.note, cells))
        return out


def _author(s: Session, actor: str) -> str:
    name = person(s, actor)
    if name.startswith("cli:"):   # the command line acts under the workstation's account
        return f"命令行（{name[4:]}）"
    return name


def _with_file_titles(s: Session, spec: FormSpec, values: dict) -> dict:
    """File fields hold a reference (av:3, electronic:5): show the file's name."""
    resolved = dict(values)
    for f in spec.fields:
        kind, _, number = str(values.get(f.key) or "").partition(":")
        if f.type is FieldType.FILE and number.isdigit():
            row = s.get(AvRecord if kind == "av" else ElectronicRecord, int(number))
            if row is not None:
                resolved[f.key] = row.file_name if kind == "av" else row.title
    return resolved


# --- unsaved work ----------------------------------------------------------------

@dataclass(frozen=True)
class PendingDraft:
    values: dict
    saved_at: datetime    # UTC, as stored


def _username(actor: str) -> str:
    return actor.removeprefix("user:")


def _draft_row(s: Session, case_id: int, form: str, username: str) -> FormDraft | None:
    return s.scalar(select(FormDraft).where(FormDraft.case_id == case_id, FormDraft.form == form,
                                            FormDraft.username == username))


def keep_draft(ctx: AppContext, username: str, case_id: int, form: str, values: dict) -> None:
    """Keep a page's unsaved content against a crash: one buffer per case, form and user, replaced
    each time. Not a record and not audited: the record is what is saved."""
    content = json.dumps(to_json_value(values), ensure_ascii=False, sort_keys=True)
    with ctx.db.write() as s:
        row = _draft_row(s, case_id, form, username)
        if row is None:
            s.add(FormDraft(case_id=case_id, form=form, username=username, content=content, saved_at=utcnow()))
        else:
            row.content, row.saved_at = content, utcnow()


def pending_draft(ctx: AppContext, username: str, case_id: int, form: str) -> PendingDraft | None:
    """The user's unsaved content of a page, when it is newer than the page's last saved revision."""
    with ctx.db.read() as s:
        row = _draft_row(s, case_id, form, username)
        if row is None:
            return None
        saved = s.scalar(select(func.max(TextRecordRevision.created_at)).join(
            TextRecord, TextRecord.id == TextRecordRevision.record_id).where(
            TextRecord.case_id == case_id, TextRecord.form == form))
        if saved is not None and saved >= row.saved_at:
            return None
        return PendingDraft(json.loads(row.content), row.saved_at)


def drop_draft(ctx: AppContext, username: str, case_id: int, form: str) -> None:
    with ctx.db.write() as s:
        _drop_draft_in(s, case_id, form, username)


def _drop_draft_in(s: Session, case_id: int, form: str, username: str) -> None:
    row = _draft_row(s, case_id, form, username)
    if row is not None:
        s.delete(row)
