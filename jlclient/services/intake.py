"""Window intake of an application (依申请): applicant, matter, materials checked at the desk,
then acceptance, one complete correction notice, or refusal (行政许可法 Art. 32)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from jlclient.clock import local, local_date
from jlclient.domain.deadlines import rule_by_code
from jlclient.domain.matters import Material, MaterialCheck, Matter, missing_materials
from jlclient.domain.model import CaseStatus, Procedure, Stage, StartMode
from jlclient.domain.workdays import WorkCalendar
from jlclient.services import cases
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.matters import find_matter
from jlclient.services.parties import PartyInput
from jlclient.services.records import next_doc_number, save_form_in
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.models import Case, CaseParty, ElectronicRecord

UNIT = "审批服务科"


@dataclass(frozen=True)
class Application:
    applicant: PartyInput
    matter_code: str
    checks: tuple[MaterialCheck, ...]
    contact: str
    phone: str
    received_at: datetime = field(default_factory=lambda: utcnow().replace(second=0, microsecond=0))


@dataclass(frozen=True)
class IntakeResult:
    case_id: int
    number: str
    missing: tuple[Material, ...]
    lookup_code: str


def _today(at: datetime | None = None) -> str:
    return local_date(at or utcnow()).isoformat()


def _seal() -> dict:
    return {"sealed": True, "date": _today()}


def _materials(checks: tuple[MaterialCheck, ...]) -> list[dict]:
    return [{"name": c.name, "copies": c.copies, "kind": "original" if c.original else "copy", "standard": ""}
            for c in checks if c.received]


def take_in(ctx: AppContext, user: CurrentUser, app: Application) -> IntakeResult:
    """Register the application and its materials receipt (材料接收凭证); scans become electronic records."""
    matter = find_matter(app.matter_code)
    if not any(c.received for c in app.checks):
        raise ServiceError("没有收到任何申请材料，不能登记")
    with ctx.db.write() as s:
        case = cases.add_case(s, user.actor, cases.NewCase(
            Procedure.PERMIT, StartMode.ON_APPLICATION, matter.name, app.applicant, UNIT, opened_at=app.received_at))
        cases.advance(s, user.actor, case, app.received_at)  # application received: acceptance review starts
        party_id = s.scalar(select(CaseParty.party_id).where(CaseParty.case_id == case.id))
        lookup = secrets.token_hex(3).upper()
        save_form_in(s, user.actor, case, "materials_receipt", {
            "receipt_number": next_doc_number(s, "materials_receipt", "收", app.received_at.year),
            "lookup_code": lookup, "applicant": str(party_id), "contact": app.contact, "phone": app.phone,
            "matter": matter.name, "materials": _materials(app.checks),
            "received_at": local(app.received_at).isoformat(timespec="minutes"),
            "promised_on": _promised(matter, local_date(app.received_at)),
            "clerk": {"name": user.display_name, "date": _today(app.received_at)}, "seal": _seal()}, final=True)
        _attach_scans(s, user, case, app.checks)
        return IntakeResult(case.id, case.number, tuple(missing_materials(matter, list(app.checks))), lookup)


def _promised(matter: Matter, received: date) -> str:
    return WorkCalendar().add_working_days(received, matter.promised_days).value.isoformat()


def _attach_scans(s: Session, user: CurrentUser, case: Case, checks: tuple[MaterialCheck, ...]) -> None:
    for c in checks:
        if c.received and c.file_hash:
            record = ElectronicRecord(case_id=case.id, stage=Stage.ACCEPTANCE.value, title=c.name, kind="material",
                                      file_hash=c.file_hash, file_name=f"{c.name}.png", size=c.size,
                                      created_at=utcnow(), created_by=user.actor)
            s.add(record)
            audit.append(s, user.actor, "record.attach", record)


def _open_case(s: Session, case_id: int) -> tuple[Case, str, str]:
    case = s.get(Case, case_id)
    if case is None or case.stage != Stage.ACCEPTANCE.value or case.status != CaseStatus.OPEN.value:
        raise ServiceError("该案件不在受理环节，不能作此处理")
    party_id = s.scalar(select(CaseParty.party_id).where(CaseParty.case_id == case_id))
    return case, str(party_id), local_date(case.opened_at).isoformat()


def request_correction(ctx: AppContext, user: CurrentUser, case_id: int, missing: list[Material],
                       phone: str, signed_by: str) -> str:
    """One complete correction notice listing every missing material with its standard, handed to
    the applicant at the desk, who signs for it (seed 000 Art. 7)."""
    if not missing:
        raise ServiceError("没有需要补正的材料")
    with ctx.db.write() as s:
        case, party, applied = _open_case(s, case_id)
        number = next_doc_number(s, "correction_notice", "补", utcnow().year)
        save_form_in(s, user.actor, case, "correction_notice", {
            "doc_number": number, "applicant": party, "matter": case.matter, "received_on": applied,
            "notified_on": _today(), "handler": user.display_name, "handler_phone": phone,
            "missing_materials": [{"name": m.name, "copies": m.copies, "kind": "original" if m.original else "copy",
                                   "standard": m.standard or "按申请材料目录要求提交"} for m in missing],
            "seal": _seal(), "applicant_signature": {"name": signed_by, "date": _today()}}, final=True)
        return number


def accept(ctx: AppContext, user: CurrentUser, case_id: int, at: datetime | None = None) -> str:
    """受理通知书, then examination (审查) starts; the decision deadline runs from acceptance."""
    at = at or utcnow()
    matter_basis = "《中华人民共和国行政许可法》第三十二条"
    with ctx.db.write() as s:
        case, party, applied = _open_case(s, case_id)
        rule = rule_by_code("permit_decision")
        due = WorkCalendar().add_working_days(local_date(at), rule.amount).value
        number = next_doc_number(s, "acceptance_notice", "受", at.year)
        save_form_in(s, user.actor, case, "acceptance_notice", {
            "doc_number": number, "applicant": party, "matter": case.matter, "applied_on": applied,
            "accepted_on": _today(at), "legal_basis": f"{matter_basis}；{find_matter(case.matter).basis}",
            "decision_due": due.isoformat(), "seal": {"sealed": True, "date": _today(at)}}, final=True)
        cases.advance(s, user.actor, case, at)
        return number


def refuse(ctx: AppContext, user: CurrentUser, case_id: int, reasons: str, legal_basis: str,
           reconsideration_body: str, court: str) -> str:
    """不予受理通知书 with reasons and remedies; the application's case is closed."""
    if not reasons.strip() or not legal_basis.strip():
        raise ServiceError("不予受理须写明理由和法律依据")
    with ctx.db.write() as s:
        case, party, applied = _open_case(s, case_id)
        number = next_doc_number(s, "refusal_notice", "不受", utcnow().year)
        save_form_in(s, user.actor, case, "refusal_notice", {
            "doc_number": number, "applicant": party, "matter": case.matter, "applied_on": applied,
            "decided_on": _today(), "reasons": reasons, "legal_basis": legal_basis,
            "reconsideration_body": reconsideration_body, "court": court, "seal": _seal()}, final=True)
        case.status, case.closed_at = CaseStatus.CLOSED.value, utcnow()
        audit.append(s, user.actor, "case.refuse", case)
        return number
