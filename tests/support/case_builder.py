"""Build realistic cases through the real services, for service and UI tests.

``form_values(code)`` gives values that finish each form (``validate_values(final=True)``
passes) under a permit or a penalty; ``build_case`` opens a case and walks it through its
stages, finishing the forms each stage needs (``PLAN``) and filming the investigation, so a
built case passes the compliance check of every shipped profile. Gaps are made with
``skip``/``extra``/``values`` or by the helpers below (``import_record`` bypasses the form
check the way an import or an old form definition would; ``add_av`` registers footage).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Callable, Iterable, Mapping

from sqlalchemy import select

from jlclient.domain.model import Procedure, Stage, StartMode
from jlclient.printing.render import NUMBER_FIELDS
from jlclient.services import cases, numbering, records
from jlclient.services.matters import find_matter
from jlclient.services.parties import ORGANISATION, PartyInput
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.models import AvRecord, BodyCamera, Case, Officer

ACTOR = "user:officer"
MATTER = "食品经营许可"
PARTY = "灵寿县味美餐饮有限公司"
CREDIT_CODE = "91110000600037341L"
COMPANY = PartyInput(ORGANISATION, PARTY, CREDIT_CODE, "0311-82512345", "灵寿县城关镇建设路 12 号")
ADDRESS = "灵寿县城关镇建设路 12 号"
# the demo officers (jlclient.services.setup.DEMO_USERS)
OFFICERS = ({"name": "李娜", "cert_no": "13012601001"}, {"name": "王强", "cert_no": "13012601002"})
CAMERA = "DSJ0001"


# ---------------------------------------------------------------------------- values of each form

def _d(on: date, days: int = 0) -> str:
    return (on + timedelta(days=days)).isoformat()


def _at(on: date, clock: str) -> str:
    return f"{on.isoformat()}T{clock}"


def signed(name: str, on: date, **extra) -> dict:
    return {"name": name, "date": on.isoformat(), **extra}


def opinion(name: str, text: str, on: date) -> dict:
    return signed(name, on, opinion=text)


def officers_signed(on: date, officers: Iterable[Mapping] = OFFICERS) -> dict:
    return {"signers": [dict(o) for o in officers], "date": on.isoformat()}


def sealed(on: date) -> dict:
    return {"sealed": True, "date": on.isoformat()}


def _approvals(on: date, *slots: str) -> dict:
    people = {"handler": ("李娜", "拟同意"), "reviewer": ("王强", "同意"), "deputy_approver": ("周杰", "同意"),
              "approver": ("周杰", "同意")}
    return {slot: opinion(*people[slot], on) for slot in slots}


def _case_header(procedure: Procedure) -> dict:
    cause = f"{PARTY}{'申请' + MATTER if procedure is Procedure.PERMIT else '未按许可条件从事经营活动案'}"
    return {"case_number": "灵行审〔2026〕1号", "case_cause": cause}


def _materials_receipt(on: date, procedure: Procedure) -> dict:
    materials = [{"name": m.name, "copies": m.copies, "kind": "original" if m.original else "copy"}
                 for m in find_matter(MATTER).materials if m.required]
    return {"receipt_number": "SL-2026-0001", "applicant": PARTY, "contact": "王经理", "phone": "13912345678",
            "matter": MATTER, "materials": materials, "received_at": _at(on, "09:00:00"),
            "clerk": signed("张伟", on), "seal": sealed(on)}


def _acceptance_notice(on: date, procedure: Procedure) -> dict:
    return {"doc_number": "灵行审受字〔2026〕1号", "applicant": PARTY, "matter": MATTER, "applied_on": _d(on),
            "accepted_on": _d(on), "legal_basis": "《中华人民共和国行政许可法》第三十二条",
            "decision_due": _d(on, 28), "seal": sealed(on)}


def _correction_notice(on: date, procedure: Procedure) -> dict:
    return {"doc_number": "灵行审补字〔2026〕1号", "applicant": PARTY, "matter": MATTER, "received_on": _d(on),
            "notified_on": _d(on), "handler": "张伟", "handler_phone": "0311-82512345",
            "missing_materials": [{"name": "食品安全自查、从业人员健康管理等制度", "copies": 1, "kind": "original",
                                   "standard": "加盖公章"}],
            "seal": sealed(on), "applicant_signature": signed("王经理", on)}


def _inspection_record(on: date, procedure: Procedure) -> dict:
    return {"started_at": _at(on, "10:00:00"), "ended_at": _at(on, "10:40:00"), "place": f"{ADDRESS}（店堂及后厨）",
            "party": PARTY, "present_person": "王经理", "officers": list(OFFICERS), "credentials_shown": True,
            "av_notified": True, "findings": "经营场所与申请材料一致，设备设施布局符合要求。",
            "party_signature": signed("王经理", on), "officers_signature": officers_signed(on)}


def _inquiry_record(on: date, procedure: Procedure) -> dict:
    return {"started_at": _at(on, "14:00:00"), "ended_at": _at(on, "14:45:00"), "place": "灵寿县行政审批局询问室",
            "officers": list(OFFICERS), "recorder": "王强", "interviewee_name": "王经理",
            "interviewee_role": "legal_representative", "credentials_shown": True, "av_notified": True,
            "recusal_requested": False, "content": "问：你单位是否超出许可范围经营？答：是，自三月起销售散装熟食。",
            "interviewee_signature": signed("王经理", on), "officers_signature": officers_signed(on)}


def _rights_notice(on: date, procedure: Procedure) -> dict:
    return {"doc_number": "灵行审罚告字〔2026〕1号", "case_number": "灵行审〔2026〕1号", "party": PARTY,
            "facts": "超出许可范围销售散装熟食。", "evidence": "询问笔录、现场照片。",
            "legal_basis": "《中华人民共和国食品安全法》第一百二十二条", "proposed_penalty": "警告，罚款二千元",
            "rights": ["statement", "defence", "hearing"], "reply_days": 5, "notified_on": _d(on),
            "seal": sealed(on), "party_signature": signed("王经理", on)}


def _evidence_preservation_notice(on: date, procedure: Procedure) -> dict:
    return {"doc_number": "灵行审罚先保字〔2026〕1号", "case_number": "灵行审〔2026〕1号", "party": PARTY,
            "reason": "销售记录可能灭失。", "approved_by": "周杰", "approved_at": _at(on, "09:30:00"),
            "items": [{"name": "销售台账", "copies": 1, "kind": "original"}], "storage": "on_site",
            "storage_place": ADDRESS, "preserved_on": _d(on), "decision_due": _d(on, 7),
            "officers": list(OFFICERS), "party_signature": signed("王经理", on),
            "officers_signature": officers_signed(on), "seal": sealed(on)}


def _seizure_decision(on: date, procedure: Procedure) -> dict:
    return {"doc_number": "抚县人社强扣字〔2026〕1号", "case_number": "抚县人社罚〔2026〕1号", "party": PARTY,
            "measure": "detain", "reasons": "涉嫌转移工资支付台账。", "legal_basis": "《中华人民共和国行政强制法》第二十二条",
            "items": [{"name": "工资支付台账", "copies": 3, "kind": "original"}], "place": ADDRESS,
            "seized_at": _at(on, "10:00"), "period_days": 30,
            "remedies": "可在六十日内申请行政复议，或者在六个月内提起行政诉讼。", "officers": list(OFFICERS),
            "party_signature": signed("王经理", on), "officers_signature": officers_signed(on), "seal": sealed(on)}


def _decision_approval(on: date, procedure: Procedure) -> dict:
    return {**_case_header(procedure), "party": PARTY, "facts": "经审查，事实清楚。", "evidence": "见卷内证据。",
            "legal_basis": "有关法律、法规", "proposal": "拟作出决定。",
            "legal_review_done": procedure is Procedure.PENALTY, "collective_discussion_done": False,
            "officers": list(OFFICERS), **_approvals(on, "handler", "reviewer", "deputy_approver", "approver")}


def _legal_review(on: date, procedure: Procedure) -> dict:
    return {**_case_header(procedure), "party": PARTY, "submitted_by": "综合执法科", "submitted_on": _d(on),
            "proposed_decision": "警告，罚款二千元。", "reviewed_items": ["authority", "facts", "law", "procedure"],
            "conclusion": "agree", "reviewer": opinion("赵敏", "同意", on)}


def _collective_discussion(on: date, procedure: Procedure) -> dict:
    return {**_case_header(procedure), "held_at": _at(on, "16:00:00"), "place": "局会议室", "presiding": "周杰",
            "recorder": "孙丽", "attendees": "周杰（局长）、赵敏（法制股长）、李娜", "case_summary": "承办机构建议处罚。",
            "discussion": "一致同意。", "decision": "同意承办机构意见。",
            "participants": {"signers": [{"name": "周杰"}, {"name": "赵敏"}], "date": _d(on)},
            "presiding_signature": signed("周杰", on), "recorder_signature": signed("孙丽", on)}


def _hearing_notice(on: date, procedure: Procedure) -> dict:
    """Notice served ten days before the hearing (at least seven: 行政处罚法 Art. 64)."""
    return {"doc_number": "灵行审听通字〔2026〕1号", "party": PARTY, "matter": MATTER, "notified_on": _d(on, -10),
            "hearing_at": _at(on - timedelta(days=1), "09:00"), "place": "局听证室", "public": True,
            "presiding_officer": "赵敏", "seal": sealed(on - timedelta(days=10))}


def _hearing_record(on: date, procedure: Procedure) -> dict:
    held = on - timedelta(days=1)
    return {"matter": MATTER, "started_at": _at(held, "09:00"), "ended_at": _at(held, "10:30"), "place": "局听证室",
            "public": True, "presiding_officer": "赵敏", "recorder": "孙丽", "party": PARTY, "recusal_requested": False,
            "proceedings": "调查人员提出违法事实、证据和处罚建议；当事人陈述申辩，并进行质证、辩论。",
            "participants": {"signers": [{"name": "赵敏"}, {"name": "孙丽"}, {"name": "王经理"}], "date": _d(held)},
            "party_signature": signed("王经理", held), "presiding_signature": signed("赵敏", held),
            "recorder_signature": signed("孙丽", held)}


def _permit_decision(on: date, procedure: Procedure) -> dict:
    return {"doc_number": "灵行审许字〔2026〕1号", "applicant": PARTY, "applicant_credit_code": CREDIT_CODE,
            "matter": MATTER, "applied_on": _d(on), "accepted_on": _d(on), "decided_on": _d(on),
            "content": "准予食品经营许可。", "legal_basis": "《中华人民共和国食品安全法》第三十五条", "seal": sealed(on)}


def _penalty_decision(on: date, procedure: Procedure) -> dict:
    return {"doc_number": "灵行审罚决字〔2026〕1号", "case_number": "灵行审〔2026〕1号", "party": PARTY,
            "party_credit_code": CREDIT_CODE, "party_address": ADDRESS, "facts": "超出许可范围销售散装熟食。",
            "evidence": "询问笔录、现场照片。", "legal_basis": "《中华人民共和国食品安全法》第一百二十二条",
            "penalty_kinds": ["warning", "fine"], "penalty_detail": "警告，罚款二千元。", "fine": "2000.00",
            "payment_days": 15, "reconsideration_body": "灵寿县人民政府", "court": "灵寿县人民法院",
            "decided_on": _d(on), "officers": list(OFFICERS), "seal": sealed(on)}


def _service_return_receipt(on: date, procedure: Procedure) -> dict:
    document = "准予行政许可决定书" if procedure is Procedure.PERMIT else "行政处罚决定书"
    return {**_case_header(procedure), "document_name": document, "copies": 1, "recipient": PARTY,
            "address": ADDRESS, "method": "DIRECT", "served_at": _at(on, "15:00:00"), "served_place": ADDRESS,
            "servers": officers_signed(on), "recipient_signature": signed("王经理", on)}


def lodged_service(on: date | None = None) -> dict:
    """Overrides of the service receipt for lodged service (留置送达) with a witness."""
    on = on or date.today()
    return {"method": "LODGED", "refusal_reason": "受送达人拒绝签收。", "lodging_circumstances": "留置于店堂收银台。",
            "witness": signed("刘村委", on, unit="城关镇建设路社区居委会")}


def _performance_record(on: date, procedure: Procedure) -> dict:
    return {"case_number": "灵行审〔2026〕1号", "decision_number": "灵行审罚决字〔2026〕1号", "party": PARTY,
            "decision_content": "警告，罚款二千元。", "due_on": _d(on, 15), "status": "full", "performed_on": _d(on),
            "paid": "2000.00", "details": "当事人已缴清罚款。", "officers_signature": officers_signed(on)}


def _case_approval(on: date, procedure: Procedure) -> dict:
    return {**_case_header(procedure), "source": "inspection", "discovered_on": _d(on), "party": PARTY,
            "facts": "巡查发现超出许可范围销售散装熟食。", "reason": "涉嫌违反《中华人民共和国食品安全法》第三十五条。",
            "officers": list(OFFICERS), **_approvals(on, "handler", "reviewer", "approver")}


def _closing_approval(on: date, procedure: Procedure) -> dict:
    reason = "granted" if procedure is Procedure.PERMIT else "performed"
    return {**_case_header(procedure), "party": PARTY, "opened_on": _d(on), "decision_summary": "见决定书。",
            "closing_reason": reason, "closed_on": _d(on), **_approvals(on, "handler", "reviewer", "approver")}


def _interruption_statement(on: date, procedure: Procedure) -> dict:
    return {"case_number": "灵行审〔2026〕1号", "activity": "现场检查", "place": ADDRESS, "device_number": CAMERA,
            "interrupted_at": _at(on, "10:10:00"), "reason": "battery", "details": "记录仪电量耗尽，更换电池后恢复记录。",
            "resumed": True, "resumed_at": _at(on, "10:15:00"), "stated_on": _d(on),
            "officers_signature": officers_signed(on)}


BUILDERS: Mapping[str, Callable[[date, Procedure], dict]] = {
    "materials_receipt": _materials_receipt, "acceptance_notice": _acceptance_notice,
    "correction_notice": _correction_notice, "inspection_record": _inspection_record,
    "inquiry_record": _inquiry_record, "rights_notice": _rights_notice,
    "evidence_preservation_notice": _evidence_preservation_notice, "decision_approval": _decision_approval,
    "legal_review": _legal_review, "collective_discussion": _collective_discussion,
    "permit_decision": _permit_decision, "penalty_decision": _penalty_decision,
    "service_return_receipt": _service_return_receipt, "performance_record": _performance_record,
    "case_approval": _case_approval, "closing_approval": _closing_approval,
    "interruption_statement": _interruption_statement, "hearing_notice": _hearing_notice,
    "hearing_record": _hearing_record, "seizure_decision": _seizure_decision,
}


def form_values(code: str, procedure: Procedure = Procedure.PERMIT, on: date | None = None, **overrides) -> dict:
    """Values that finish form ``code`` in a case of ``procedure``, with ``overrides`` applied."""
    return {**BUILDERS[code](on or date.today(), procedure), **overrides}


# ---------------------------------------------------------------------------- cases

# The forms each stage needs to pass the compliance check of every shipped profile.
PLAN: Mapping[Procedure, tuple[tuple[Stage, tuple[str, ...]], ...]] = {
    Procedure.PERMIT: (
        (Stage.INITIATION, ()),
        (Stage.ACCEPTANCE, ("materials_receipt", "acceptance_notice")),
        (Stage.INVESTIGATION, ("inspection_record",)),
        (Stage.DECISION, ("decision_approval", "permit_decision")),
        (Stage.SERVICE, ("service_return_receipt",)),
        (Stage.ARCHIVING, ("closing_approval",)),
    ),
    Procedure.PENALTY: (
        (Stage.INITIATION, ("case_approval",)),
        (Stage.INVESTIGATION, ("inquiry_record", "rights_notice")),
        (Stage.DECISION, ("decision_approval", "legal_review", "penalty_decision")),
        (Stage.SERVICE, ("service_return_receipt",)),
        (Stage.EXECUTION, ("performance_record",)),
        (Stage.ARCHIVING, ("closing_approval",)),
    ),
}
FILMED = Stage.INVESTIGATION  # where build_case registers footage


def officer_ids(ctx, count: int) -> tuple[int, ...]:
    with ctx.db.read() as s:
        return tuple(s.scalars(select(Officer.id).order_by(Officer.id).limit(count)))


def open_case(ctx, procedure: Procedure, *, officers: int = 2, opened_at: datetime | None = None,
              actor: str = ACTOR) -> int:
    """A new case; fewer than two officers on a penalty is written directly, as an import would."""
    mode = StartMode.ON_APPLICATION if procedure is Procedure.PERMIT else StartMode.EX_OFFICIO
    new = cases.NewCase(procedure, mode, MATTER if procedure is Procedure.PERMIT else "未按许可条件从事经营活动",
                        COMPANY, "综合执法科", officer_ids(ctx, officers), opened_at=opened_at)
    if procedure is Procedure.PENALTY and officers < 2:
        with ctx.db.write() as s:
            return cases.add_case(s, actor, new).id
    return cases.open_case(ctx, actor, new).id


def version(ctx, case_id: int) -> int:
    return cases.case_detail(ctx, case_id).version


def advance(ctx, case_id: int, actor: str = ACTOR) -> Stage | None:
    return cases.advance_case(ctx, actor, case_id, version(ctx, case_id))


def save(ctx, case_id: int, code: str, procedure: Procedure, actor: str = ACTOR, **overrides) -> int:
    """Finish one form through the records service; returns the record id. The agency's own
    numbers (文号) come from the numbering service unless a test types one."""
    values = form_values(code, procedure, **overrides)
    if code in numbering.KINDS:
        values = {k: v for k, v in values.items() if k in overrides or k not in NUMBER_FIELDS}
    return records.save_form(ctx, actor, case_id, code, values, final=True).id


def import_record(ctx, case_id: int, stage: Stage, code: str, values: dict, actor: str = ACTOR) -> int:
    """A final record written without the form check (an import, or a form since made stricter)."""
    with ctx.db.write() as s:
        case = s.get(Case, case_id)
        return cases.add_text_record(s, actor, case, stage, code, code, records.to_json_value(values)).id


def add_av(ctx, case_id: int | None, stage: Stage | None, *, camera: str = CAMERA, start: datetime | None = None,
           seconds: int = 600, actor: str = ACTOR, officer: str | None = None, content: bytes | None = None) -> int:
    """Register one file of footage of ``camera`` (stored in the evidence store) for the case's stage
    (none: routine footage), recorded by the officer named ``officer`` when given; ``content``: a
    real video file's bytes (else a few bytes standing in for one)."""
    start = start or utcnow().replace(microsecond=0) - timedelta(hours=2)
    stored = ctx.evidence.put_bytes(content or f"{camera} {start.isoformat()} {seconds}".encode())
    with ctx.db.write() as s:
        device = s.scalar(select(BodyCamera).where(BodyCamera.serial == camera))
        if device is None:
            device = BodyCamera(serial=camera, custodian="李娜", registered_at=utcnow())
            s.add(device)
            audit.append(s, actor, "camera.register", device)
        officer_id = s.scalar(select(Officer.id).where(Officer.name == officer)) if officer else None
        av = AvRecord(case_id=case_id, stage=stage.value if stage else None, camera_id=device.id,
                      officer_id=officer_id, file_hash=stored.sha256,
                      file_name=f"{camera}_{start:%Y%m%d%H%M%S}_0001.MP4", size=stored.size, started_at=start,
                      ended_at=start + timedelta(seconds=seconds), duration_s=float(seconds), created_at=utcnow())
        s.add(av)
        audit.append(s, actor, "av.add", av)
        return av.id


def build_case(ctx, procedure: Procedure, *, until: Stage = Stage.ARCHIVING, skip: Iterable[str] = (),
               extra: Mapping[Stage, tuple[str, ...]] | None = None, values: Mapping[str, dict] | None = None,
               av: bool = True, officers: int = 2, opened_at: datetime | None = None) -> int:
    """A case walked through ``PLAN`` up to (and with the forms of) stage ``until``.

    ``skip``: forms left out; ``extra``: more forms per stage; ``values``: overrides per form;
    ``av=False``: no footage of the investigation.
    """
    case_id = open_case(ctx, procedure, officers=officers, opened_at=opened_at)
    skip, extra, values = set(skip), extra or {}, values or {}
    for stage, codes in PLAN[procedure]:
        for code in (*codes, *extra.get(stage, ())):
            if code not in skip:
                save(ctx, case_id, code, procedure, **values.get(code, {}))
        if av and stage is FILMED:
            add_av(ctx, case_id, stage)
        if stage is until:
            return case_id
        advance(ctx, case_id)
    return case_id
