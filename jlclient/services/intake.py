"""Window intake of an application (依申请): applicant, matter, materials checked at the desk,
then acceptance, one complete correction notice, or refusal (行政许可法 Art. 32); later, the
materials supplemented against the correction notice (补正材料接收) and the decision on them.

Every step a clerk confirms is one unit of work: the case, its receipt and the decision are
written together or not at all (seed 000 Art. 7 (一)–(五) are recorded as one act each).
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from jlclient.clock import local, local_date
from jlclient.domain import deadlines as law
from jlclient.domain.identifiers import PhoneError, normalise_phone
from jlclient.domain.matters import Material, MaterialCheck, Matter, missing_materials, receipt_row
from jlclient.domain.model import CaseStatus, Procedure, Stage, StartMode
from jlclient.domain.workdays import WorkCalendar
from jlclient.services import cases
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.matters import find_matter, load_matters
from jlclient.services.parties import PartyInput, validated
from jlclient.services.prefill import own_phone
from jlclient.services.records import save_form_in
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.db import locked
from jlclient.store.models import Agency, Case, CaseParty, ElectronicRecord, Party, TextRecord, TextRecordRevision

UNIT = "审批服务科"
PERMIT_LAW = "《中华人民共和国行政许可法》"
ACCEPTANCE_BASIS = f"{PERMIT_LAW}第三十二条"
SUPPLEMENT_NOTE = "补正材料接收"


@dataclass(frozen=True)
class Application:
    applicant: PartyInput
    matter_code: str
    checks: tuple[MaterialCheck, ...]
    contact: str
    phone: str
    received_at: datetime = field(default_factory=lambda: utcnow().replace(second=0, microsecond=0))


# --- the decisions a clerk can take on an application --------------------------------------

@dataclass(frozen=True)
class Acceptance:
    """受理: the 受理通知书 is made from the case."""


@dataclass(frozen=True)
class Correction:
    """一次性告知补正: every missing material in one notice, signed for by the applicant."""
    handler_phone: str
    signed_by: str


@dataclass(frozen=True)
class Refusal:
    """不予受理, with reasons, legal basis and the applicant's remedies."""
    reasons: str
    legal_basis: str
    reconsideration_body: str
    court: str


Decision = Acceptance | Correction | Refusal


@dataclass(frozen=True)
class IntakeResult:
    case_id: int
    number: str
    missing: tuple[Material, ...]
    lookup_code: str
    document: str = ""      # 文号 of the decision's notice, when one was made
    receipt_number: str = ""


# --- checks before anything is written (each on the page it concerns) -----------------------

def _phone(text: str, what: str) -> str:
    try:
        phone = normalise_phone(text)
    except PhoneError as exc:
        raise ServiceError(f"{what}：{exc}") from exc
    if not phone:
        raise ServiceError(f"请填写{what}")
    return phone


def check_applicant(applicant: PartyInput, contact: str, phone: str) -> tuple[PartyInput, str, str]:
    """The first page: the applicant normalised (``warning`` set when the number could not be
    fully verified), the contact trimmed and the phone normalised; ServiceError says what to fix."""
    party = validated(applicant)
    contact = " ".join(contact.split())
    if not contact:
        raise ServiceError("请填写联系人（递交人）")
    return party, contact, _phone(phone, "联系电话")


def check_materials(checks: tuple[MaterialCheck, ...]) -> None:
    if not any(c.received for c in checks):
        raise ServiceError("没有收到任何申请材料，不能登记")


def check_decision(decision: Decision, missing: list[Material]) -> Decision:
    """The decision page: what the chosen notice needs, normalised."""
    if isinstance(decision, Acceptance):
        if missing:
            raise ServiceError("尚缺必交材料，不能受理：" + "、".join(m.name for m in missing)
                               + "。请一次性告知补正，或不予受理")
        return decision
    if isinstance(decision, Correction):
        if not missing:
            raise ServiceError("必交材料齐全，没有需要补正的材料")
        signed = " ".join(decision.signed_by.split())
        if not signed:
            raise ServiceError("请填写签收补正材料通知书的申请人（递交人）")
        return Correction(_phone(decision.handler_phone, "经办人电话"), signed)
    reasons, basis = decision.reasons.strip(), decision.legal_basis.strip()
    if not reasons or not basis:
        raise ServiceError("不予受理须写明理由和法律依据")
    body, court = decision.reconsideration_body.strip(), decision.court.strip()
    if not body or not court:
        raise ServiceError("请写明申请人可申请行政复议的机关和可提起行政诉讼的人民法院")
    return Refusal(reasons, basis, body, court)


# --- window intake ----------------------------------------------------------------------------

def receive(ctx: AppContext, user: CurrentUser, app: Application, decision: Decision) -> IntakeResult:
    """The whole window intake as one act: the case, its 材料接收凭证 and the decision's notice
    are written together; a refusal of any part writes nothing."""
    matter = find_matter(app.matter_code)
    party, contact, phone = check_applicant(app.applicant, app.contact, app.phone)
    check_materials(app.checks)
    missing = missing_materials(matter, list(app.checks))
    decision = check_decision(decision, missing)
    app = replace(app, applicant=party, contact=contact, phone=phone)
    with ctx.db.write() as s:
        result = _take_in(s, user, matter, app, accepted=isinstance(decision, Acceptance))
        case = s.get(Case, result.case_id)
        document = _decide(s, user, case, decision, missing, app.received_at)
        return replace(result, document=document)


def take_in(ctx: AppContext, user: CurrentUser, app: Application) -> IntakeResult:
    """Register the application and its materials receipt only (the decision comes later)."""
    matter = find_matter(app.matter_code)
    party, contact, phone = check_applicant(app.applicant, app.contact, app.phone)
    check_materials(app.checks)
    with ctx.db.write() as s:
        return _take_in(s, user, matter, replace(app, applicant=party, contact=contact, phone=phone), accepted=False)


def _take_in(s: Session, user: CurrentUser, matter: Matter, app: Application, *, accepted: bool) -> IntakeResult:
    case = cases.add_case(s, user.actor, cases.NewCase(
        Procedure.PERMIT, StartMode.ON_APPLICATION, matter.name, app.applicant, UNIT, opened_at=app.received_at))
    cases.advance(s, user.actor, case, app.received_at)  # application received: acceptance review starts
    party_id = s.scalar(select(CaseParty.party_id).where(CaseParty.case_id == case.id))
    lookup = secrets.token_hex(3).upper()
    received_on = local_date(app.received_at)
    values = {
        "receipt_number": "", "lookup_code": lookup, "applicant": str(party_id), "contact": app.contact,
        "phone": app.phone, "matter": matter.name,
        "materials": [receipt_row(matter, c) for c in app.checks if c.received],
        "received_at": local(app.received_at).isoformat(timespec="minutes"),
        "clerk": {"name": user.display_name, "date": received_on.isoformat()}, "seal": _seal(received_on)}
    if accepted:   # the promise is the deadline the system will track from acceptance today
        values.update(_promise(received_on))
    receipt = save_form_in(s, user.actor, case, "materials_receipt", values, final=True)
    _attach_scans(s, user, case, app.checks)
    return IntakeResult(case.id, case.number, tuple(missing_materials(matter, list(app.checks))), lookup,
                        receipt_number=_values(s, receipt.id)["receipt_number"])


def _decide(s: Session, user: CurrentUser, case: Case, decision: Decision, missing: list[Material],
            at: datetime) -> str:
    if isinstance(decision, Acceptance):
        return _accept_in(s, user, case, at)
    if isinstance(decision, Correction):
        return _correct_in(s, user, case, missing, decision)
    return _refuse_in(s, user, case, decision, at)


def _seal(on: date) -> dict:
    return {"sealed": True, "date": on.isoformat()}


def _attach_scans(s: Session, user: CurrentUser, case: Case, checks: tuple[MaterialCheck, ...]) -> None:
    for c in checks:
        if c.received and c.file_hash:
            record = ElectronicRecord(case_id=case.id, stage=Stage.ACCEPTANCE.value, title=c.name, kind="material",
                                      file_hash=c.file_hash, file_name=f"{c.name}.png", size=c.size,
                                      created_at=utcnow(), created_by=user.actor)
            s.add(record)
            audit.append(s, user.actor, "record.attach", record)


def decision_due(s: Session, case: Case, accepted_on: date) -> date:
    """The 作出行政许可决定 deadline as the system tracks it (services/deadlines.py) for a case
    accepted on ``accepted_on``: the same rule and calendar, so receipt and notice promise what
    the deadline list shows."""
    return _decision_deadline(accepted_on).due


def _decision_deadline(accepted_on: date) -> law.RunningDeadline:
    return law.running_deadline(law.rule_by_code("permit_decision"), accepted_on, WorkCalendar())


def _promise(accepted_on: date) -> dict:
    """承诺办结日期 and, while the year's 放假安排 is not known, the warning printed with it."""
    deadline = _decision_deadline(accepted_on)
    return {"promised_on": deadline.due.isoformat(), **_calendar_note(deadline)}


def _calendar_note(deadline: law.RunningDeadline) -> dict:
    return {"calendar_note": deadline.calendar_warning} if deadline.calendar_warning else {}


def remedies(s: Session) -> tuple[str, str]:
    """行政复议机关 and 人民法院 for a refusal: those of the agency's last refusal, else the
    people's government and court of the agency's county (the clerk may change them)."""
    last = s.scalar(select(TextRecordRevision.content).join(TextRecord, TextRecord.id == TextRecordRevision.record_id)
                    .where(TextRecord.form == "refusal_notice", TextRecordRevision.final.is_(True))
                    .order_by(TextRecordRevision.id.desc()).limit(1))
    if last:
        values = json.loads(last)
        if values.get("reconsideration_body") and values.get("court"):
            return values["reconsideration_body"], values["court"]
    name = s.scalar(select(Agency.name)) or ""
    cut = max(name.find(w) + 1 for w in "县区市")
    place = name[:cut] if cut > 0 else ""
    return (f"{place}人民政府", f"{place}人民法院") if place else ("", "")


def refusal_remedies(ctx: AppContext) -> tuple[str, str]:
    with ctx.db.read() as s:
        return remedies(s)


def clerk_phone(ctx: AppContext, user: CurrentUser) -> str:
    """The 经办人电话 the clerk gave last time (a correction notice), to start the next one with."""
    with ctx.db.read() as s:
        return own_phone(s, user.actor)


# --- the decisions, each inside the caller's unit of work --------------------------------------

def _open_case(s: Session, case_id: int) -> tuple[Case, str, str]:
    case = locked(s, Case, case_id)   # two clerks deciding one application: the second sees the first's decision
    if case is None or case.stage != Stage.ACCEPTANCE.value or case.status != CaseStatus.OPEN.value:
        raise ServiceError("该案件不在受理环节，不能作此处理")
    party_id = s.scalar(select(CaseParty.party_id).where(CaseParty.case_id == case_id))
    return case, str(party_id), local_date(case.opened_at).isoformat()


def _number(s: Session, record: TextRecord) -> str:
    return str(_values(s, record.id).get("doc_number", ""))


def _values(s: Session, record_id: int) -> dict:
    revision = s.scalars(select(TextRecordRevision).where(TextRecordRevision.record_id == record_id)
                         .order_by(TextRecordRevision.revision.desc()).limit(1)).first()
    return json.loads(revision.content) if revision else {}


def _correct_in(s: Session, user: CurrentUser, case: Case, missing: list[Material], c: Correction) -> str:
    case, party, applied = _open_case(s, case.id)
    today = local_date(utcnow())
    record = save_form_in(s, user.actor, case, "correction_notice", {
        "doc_number": "", "applicant": party, "matter": case.matter, "received_on": applied,
        "notified_on": today.isoformat(), "handler": user.display_name, "handler_phone": c.handler_phone,
        "missing_materials": [{"name": m.name, "copies": m.copies, "kind": "original" if m.original else "copy",
                               "standard": m.standard or "按申请材料目录要求提交"} for m in missing],
        "seal": _seal(today), "applicant_signature": {"name": c.signed_by, "date": today.isoformat()}}, final=True)
    return _number(s, record)


def acceptance_values(s: Session, case: Case, accepted_on: date) -> dict:
    """The 受理通知书 as the case tells it: applicant, matter, application date, acceptance date,
    the basis (行政许可法 and the matter's own law), the tracked decision deadline and the seal.
    The number is left to the numbering service."""
    party_id = s.scalar(select(CaseParty.party_id).where(CaseParty.case_id == case.id))
    matter = _matter_of(case)
    basis = f"{ACCEPTANCE_BASIS}；{matter.basis}" if matter else ACCEPTANCE_BASIS
    deadline = _decision_deadline(accepted_on)
    return {"doc_number": "", "applicant": str(party_id) if party_id else "", "matter": case.matter,
            "applied_on": local_date(case.opened_at).isoformat(), "accepted_on": accepted_on.isoformat(),
            "legal_basis": basis, "decision_due": deadline.due.isoformat(), **_calendar_note(deadline),
            "seal": _seal(accepted_on)}


def _matter_of(case: Case) -> Matter | None:
    return next((m for m in load_matters() if case.matter in (m.name, m.code)), None)


def _accept_in(s: Session, user: CurrentUser, case: Case, at: datetime) -> str:
    case, _, _ = _open_case(s, case.id)
    record = save_form_in(s, user.actor, case, "acceptance_notice", acceptance_values(s, case, local_date(at)),
                          final=True)
    cases.advance(s, user.actor, case, at)
    return _number(s, record)


def _refuse_in(s: Session, user: CurrentUser, case: Case, r: Refusal, at: datetime) -> str:
    case, party, applied = _open_case(s, case.id)
    on = local_date(at)
    record = save_form_in(s, user.actor, case, "refusal_notice", {
        "doc_number": "", "applicant": party, "matter": case.matter, "applied_on": applied,
        "decided_on": on.isoformat(), "reasons": r.reasons, "legal_basis": r.legal_basis,
        "reconsideration_body": r.reconsideration_body, "court": r.court, "seal": _seal(on)}, final=True)
    case.status, case.closed_at = CaseStatus.CLOSED.value, at
    audit.append(s, user.actor, "case.refuse", case)
    return _number(s, record)


def request_correction(ctx: AppContext, user: CurrentUser, case_id: int, missing: list[Material],
                       phone: str, signed_by: str) -> str:
    """One complete correction notice listing every missing material with its standard, handed to
    the applicant at the desk, who signs for it (seed 000 Art. 7)."""
    if not missing:
        raise ServiceError("没有需要补正的材料")
    correction = check_decision(Correction(phone, signed_by), missing)
    with ctx.db.write() as s:
        return _correct_in(s, user, s.get(Case, case_id) or _no_case(), missing, correction)


def accept(ctx: AppContext, user: CurrentUser, case_id: int, at: datetime | None = None) -> str:
    """受理通知书, then examination (审查) starts; the decision deadline runs from acceptance."""
    with ctx.db.write() as s:
        return _accept_in(s, user, s.get(Case, case_id) or _no_case(), at or utcnow())


def refuse(ctx: AppContext, user: CurrentUser, case_id: int, reasons: str, legal_basis: str,
           reconsideration_body: str, court: str) -> str:
    """不予受理通知书 with reasons and remedies; the application's case is closed."""
    refusal = check_decision(Refusal(reasons, legal_basis, reconsideration_body, court), [])
    with ctx.db.write() as s:
        return _refuse_in(s, user, s.get(Case, case_id) or _no_case(), refusal, utcnow())


def _no_case() -> Case:
    raise ServiceError("案件不存在")


# --- 补正材料接收 ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Requested:
    """A material the correction notice asked for, and whether it has come in since."""
    name: str
    copies: int
    original: bool
    standard: str
    received: bool


@dataclass(frozen=True)
class CorrectionCase:
    """What the clerk sees when the applicant comes back with the materials asked for."""
    case_id: int
    case_number: str
    applicant: str
    matter: str
    applied_on: date
    notice_number: str
    notified_on: date
    requested: tuple[Requested, ...]

    @property
    def outstanding(self) -> tuple[Requested, ...]:
        return tuple(r for r in self.requested if not r.received)


def _latest(s: Session, case_id: int, form: str) -> TextRecord | None:
    return s.scalar(select(TextRecord).where(TextRecord.case_id == case_id, TextRecord.form == form)
                    .order_by(TextRecord.id.desc()).limit(1))


def _correction_case(s: Session, case_id: int) -> tuple[Case, TextRecord, TextRecord, CorrectionCase]:
    case, _, _ = _open_case(s, case_id)
    notice = _latest(s, case_id, "correction_notice")
    receipt = _latest(s, case_id, "materials_receipt")
    if notice is None or receipt is None:
        raise ServiceError(f"案件 {case.number} 没有出具补正材料通知书，无需接收补正材料")
    asked, held = _values(s, notice.id), _values(s, receipt.id)
    have = {m.get("name") for key in ("materials", "supplemented_materials") for m in held.get(key) or ()}
    requested = tuple(Requested(str(m.get("name", "")), int(m.get("copies") or 1), m.get("kind") != "copy",
                                str(m.get("standard") or ""), m.get("name") in have)
                      for m in asked.get("missing_materials") or ())
    party = s.get(Party, s.scalar(select(CaseParty.party_id).where(CaseParty.case_id == case_id)))
    view = CorrectionCase(case.id, case.number, party.name if party else "", case.matter,
                          local_date(case.opened_at), str(asked.get("doc_number", "")),
                          date.fromisoformat(asked["notified_on"]), requested)
    return case, notice, receipt, view


def correction_case(ctx: AppContext, case_id: int) -> CorrectionCase:
    with ctx.db.read() as s:
        return _correction_case(s, case_id)[3]


def awaiting_correction(ctx: AppContext, case_id: int) -> bool:
    """Whether the case is in 受理 with a correction notice issued (补正材料接收 applies)."""
    try:
        correction_case(ctx, case_id)
    except ServiceError:
        return False
    return True


def refusal_after_correction(view: CorrectionCase) -> Refusal:
    """The refusal the case suggests when materials are still missing after the notice; the
    clerk may change every word."""
    missing = "、".join(r.name for r in view.outstanding)
    reasons = (f"申请人未按照《补正材料通知书》（{view.notice_number}）的要求补正全部申请材料"
               + (f"，尚缺：{missing}" if missing else "") + "。")
    return Refusal(reasons, ACCEPTANCE_BASIS, "", "")


@dataclass(frozen=True)
class SupplementResult:
    receipt_number: str
    received: tuple[str, ...]
    document: str = ""       # 文号 of the 受理通知书 or 不予受理通知书, when decided
    outstanding: tuple[str, ...] = ()


def receive_supplement(ctx: AppContext, user: CurrentUser, case_id: int, checks: tuple[MaterialCheck, ...],
                       received_at: datetime | None = None, decision: Decision | None = None) -> SupplementResult:
    """补正材料接收 (seed 000 Art. 7 (四)): the materials brought against the correction notice
    become a new revision of the 材料接收凭证, and with one confirmation the 受理通知书 or the
    不予受理通知书 follows (Art. 7 (五)). ``decision`` None: receive only, the rest is awaited."""
    received_at = (received_at or utcnow()).replace(second=0, microsecond=0)
    with ctx.db.read() as s:
        view = _correction_case(s, case_id)[3]
    came = [c for c in checks if c.received]
    outstanding = [r for r in view.outstanding if r.name not in {c.name for c in came}]
    if not came and decision is None:
        raise ServiceError("没有勾选收到的补正材料")
    if isinstance(decision, Acceptance) and outstanding:
        raise ServiceError("尚缺补正材料，不能受理：" + "、".join(r.name for r in outstanding)
                           + "。可先接收已交的材料，继续等待补正，或不予受理")
    if decision is not None:
        decision = check_decision(decision, []) if not isinstance(decision, Correction) else decision
        if isinstance(decision, Correction):
            raise ServiceError("补正材料通知书只能出具一次，应一次性告知全部需要补正的材料")
    with ctx.db.write() as s:
        case, notice, receipt, view = _correction_case(s, case_id)
        number = _supplement_receipt(s, user, case, receipt, view, came, received_at,
                                     accepted=isinstance(decision, Acceptance))
        document = _decide(s, user, case, decision, [], utcnow()) if decision is not None else ""
        return SupplementResult(number, tuple(c.name for c in came), document, tuple(r.name for r in outstanding))


def _supplement_receipt(s: Session, user: CurrentUser, case: Case, receipt: TextRecord, view: CorrectionCase,
                        came: list[MaterialCheck], received_at: datetime, *, accepted: bool) -> str:
    values = _values(s, receipt.id)
    if not came and not accepted:
        return str(values.get("receipt_number", ""))
    matter = _matter_of(case)
    asked = {r.name: r for r in view.requested}
    rows = list(values.get("supplemented_materials") or [])
    for c in came:
        r = asked.get(c.name)
        if r is None:   # not on the notice: as the catalogue lists it
            row = receipt_row(matter, c) if matter else receipt_row(Matter("", "", Procedure.PERMIT, "", 0, ()), c)
        else:           # as the notice asked for it, unless the clerk marked otherwise
            original = c.original if c.original is not None else r.original
            row = {"name": c.name, "copies": c.copies or r.copies, "kind": "original" if original else "copy",
                   "standard": r.standard}
        rows = [x for x in rows if x.get("name") != c.name] + [row]
    today = local_date(utcnow())
    values.update({"receipt_number": values.get("receipt_number", ""), "supplemented_materials": rows,
                   "correction_notice_number": view.notice_number,
                   "supplement_received_at": local(received_at).isoformat(timespec="minutes"),
                   "clerk": {"name": user.display_name, "date": today.isoformat()}, "seal": _seal(today)})
    values.pop("applicant_signature", None)   # the applicant signs the new revision anew, if at all
    if accepted:
        values.update(_promise(today))
    note = f"{SUPPLEMENT_NOTE}（依补正材料通知书 {view.notice_number}）"
    save_form_in(s, user.actor, case, "materials_receipt", values, final=True, record_id=receipt.id, note=note)
    return str(values.get("receipt_number", ""))


# --- forms opened in the stage wizard ---------------------------------------------------------

def window_form_defaults(s: Session, case: Case) -> dict[str, dict]:
    """Per form, what the acceptance-stage notices start with when the clerk opens them in the
    stage wizard: the 受理通知书 as ``acceptance_values`` makes it (today's acceptance), the
    不予受理通知书 with the application date, today and the remedies' law, the 补正材料通知书
    with the application date, today and the clerk's unit's materials from the catalogue."""
    if case.start_mode != StartMode.ON_APPLICATION.value or case.stage != Stage.ACCEPTANCE.value:
        return {}
    today = local_date(utcnow())
    applied = local_date(case.opened_at).isoformat()
    acceptance = acceptance_values(s, case, today)
    acceptance.pop("doc_number")
    return {
        "acceptance_notice": acceptance,
        "refusal_notice": {"applied_on": applied, "decided_on": today.isoformat(), "legal_basis": ACCEPTANCE_BASIS,
                           "seal": _seal(today)},
        "correction_notice": {"received_on": applied, "notified_on": today.isoformat(), "seal": _seal(today)},
    }
