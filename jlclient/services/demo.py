"""Finished forms for a case's stages, and the demo cases a newcomer sees on first start.

``form_values(code)`` gives values that finish each form (the form check passes) for a case of a
procedure, about a :class:`Subject` (party, matter, case number, dates); ``PLAN`` lists the forms
each stage needs to pass the compliance check of every shipped profile. The tests build their
cases from the same values (tests/support/case_builder.py), so there is one way to fill a form.

:func:`seed_cases` tells the demo's cases through the real services, as the people of the demo
would have worked them: applications taken in at the window (``intake.receive``: receipt, notice
and the promise of the tracked deadline in one act), forms finished through the records service
(文号 from the numbering service), footage added to the investigation, cases closed by the
approver — one complete, one with its gaps overridden in writing. Every act lies in the past
(working days before today); only what the services date themselves (a correction notice, a
closing) is today.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Callable, Iterable, Mapping

from sqlalchemy import select
from stdnum.cn import ric, uscc

from jlclient.clock import local, to_utc, today as clock_today
from jlclient.domain.deadlines import Unit, due_after
from jlclient.domain.matters import MaterialCheck
from jlclient.domain.model import Procedure, Stage, StartMode
from jlclient.domain.workdays import WorkCalendar
from jlclient.printing.render import NUMBER_FIELDS
from jlclient.services import cases, compliance, intake, numbering, records
from jlclient.services.auth import current_user
from jlclient.services.context import AppContext
from jlclient.services.matters import find_matter
from jlclient.services.parties import ORGANISATION, PERSON, PartyInput
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.models import Case, CaseParty, ElectronicRecord, Officer, User

# ---------------------------------------------------------------------------- what the forms say

# the demo officers (setup.DEMO_USERS)
OFFICERS = ({"name": "李娜", "cert_no": "13012601001"}, {"name": "王强", "cert_no": "13012601002"})
CAMERA = "DSJ0001"   # 李娜's body camera in the demo register


@dataclass(frozen=True)
class Subject:
    """What the forms of one case say about it. The defaults are the sample case of the tests."""
    party: str = "灵寿县味美餐饮有限公司"        # a party field's value: the party's id, or a name
    party_name: str = "灵寿县味美餐饮有限公司"
    credit_code: str = "91110000600037341L"
    resident_id: str = ""                       # a person's 身份证号 instead of a credit code
    address: str = "灵寿县城关镇建设路 12 号"
    site: str = "灵寿县城关镇建设路 12 号（店堂及后厨）"   # where the on-site inspection was held
    contact: str = "王经理"                      # who signs for the party
    matter: str = "食品经营许可"
    basis: str = "《中华人民共和国食品安全法》第三十五条"
    case_number: str = "灵行审〔2026〕1号"
    applied_on: date | None = None              # None: the form's own date
    accepted_on: date | None = None


SAMPLE = Subject()
PENALTY_MATTER = "未按许可条件从事经营活动"


def _d(on: date, days: int = 0) -> str:
    return (on + timedelta(days=days)).isoformat()


def _at(on: date, clock: str) -> str:
    """``clock`` on ``on``, but never after the agency's present minute: a finished record of an act
    is refused when the act lies ahead (so a morning test run finishes this afternoon's inquiry)."""
    now = local(utcnow()).replace(second=0, microsecond=0)
    at = datetime.fromisoformat(f"{on.isoformat()}T{clock}")
    return now.isoformat() if at > now else f"{on.isoformat()}T{clock}"


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


def _cause(w: Subject, procedure: Procedure) -> str:
    return f"{w.party_name}{'申请' + w.matter if procedure is Procedure.PERMIT else PENALTY_MATTER + '案'}"


def _case_header(w: Subject, procedure: Procedure) -> dict:
    return {"case_number": w.case_number, "case_cause": _cause(w, procedure)}


def _applied(w: Subject, on: date) -> tuple[str, str]:
    return (w.applied_on or on).isoformat(), (w.accepted_on or w.applied_on or on).isoformat()


def _materials_receipt(on: date, procedure: Procedure, w: Subject) -> dict:
    materials = [{"name": m.name, "copies": m.copies, "kind": "original" if m.original else "copy"}
                 for m in find_matter(w.matter).materials if m.required]
    return {"receipt_number": "SL-2026-0001", "applicant": w.party, "contact": w.contact, "phone": "13912345678",
            "matter": w.matter, "materials": materials, "received_at": _at(on, "09:00:00"),
            "clerk": signed("张伟", on), "seal": sealed(on)}


def _acceptance_notice(on: date, procedure: Procedure, w: Subject) -> dict:
    return {"doc_number": "灵行审受字〔2026〕1号", "applicant": w.party, "matter": w.matter, "applied_on": _d(on),
            "accepted_on": _d(on), "legal_basis": "《中华人民共和国行政许可法》第三十二条",
            "decision_due": _d(on, 28), "seal": sealed(on)}


def _correction_notice(on: date, procedure: Procedure, w: Subject) -> dict:
    return {"doc_number": "灵行审补字〔2026〕1号", "applicant": w.party, "matter": w.matter, "received_on": _d(on),
            "notified_on": _d(on), "handler": "张伟", "handler_phone": "0311-82512345",
            "missing_materials": [{"name": "食品安全自查、从业人员健康管理等制度", "copies": 1, "kind": "original",
                                   "standard": "加盖公章"}],
            "seal": sealed(on), "applicant_signature": signed(w.contact, on)}


def _inspection_record(on: date, procedure: Procedure, w: Subject) -> dict:
    return {"started_at": _at(on, "10:00:00"), "ended_at": _at(on, "10:40:00"), "place": w.site,
            "party": w.party, "present_person": w.contact, "officers": list(OFFICERS), "credentials_shown": True,
            "av_notified": True, "findings": "经营场所与申请材料一致，设备设施布局符合要求。",
            "party_signature": signed(w.contact, on), "officers_signature": officers_signed(on)}


def _inquiry_record(on: date, procedure: Procedure, w: Subject) -> dict:
    return {"started_at": _at(on, "14:00:00"), "ended_at": _at(on, "14:45:00"), "place": "灵寿县行政审批局询问室",
            "officers": list(OFFICERS), "recorder": "王强", "interviewee_name": w.contact,
            "interviewee_role": "legal_representative", "credentials_shown": True, "av_notified": True,
            "recusal_requested": False, "content": "问：你单位是否超出许可范围经营？答：是，自三月起销售散装熟食。",
            "interviewee_signature": signed(w.contact, on), "officers_signature": officers_signed(on)}


def _rights_notice(on: date, procedure: Procedure, w: Subject) -> dict:
    return {"doc_number": "灵行审罚告字〔2026〕1号", "case_number": w.case_number, "party": w.party,
            "facts": "超出许可范围销售散装熟食。", "evidence": "询问笔录、现场照片。",
            "legal_basis": "《中华人民共和国食品安全法》第一百二十二条", "proposed_penalty": "警告，罚款二千元",
            "rights": ["statement", "defence", "hearing"], "reply_days": 5, "notified_on": _d(on),
            "seal": sealed(on), "party_signature": signed(w.contact, on)}


def _evidence_preservation_notice(on: date, procedure: Procedure, w: Subject) -> dict:
    return {"doc_number": "灵行审罚先保字〔2026〕1号", "case_number": w.case_number, "party": w.party,
            "reason": "销售记录可能灭失。", "approved_by": "周杰", "approved_at": _at(on, "09:30:00"),
            "items": [{"name": "销售台账", "copies": 1, "kind": "original"}], "storage": "on_site",
            "storage_place": w.address, "preserved_on": _d(on),
            "decision_due": due_after(on, 7, Unit.WORKING_DAYS).value.isoformat(),
            "officers": list(OFFICERS), "party_signature": signed(w.contact, on),
            "officers_signature": officers_signed(on), "seal": sealed(on)}


def _seizure_decision(on: date, procedure: Procedure, w: Subject) -> dict:
    return {"doc_number": "抚县人社强扣字〔2026〕1号", "case_number": "抚县人社罚〔2026〕1号", "party": w.party,
            "measure": "detain", "reasons": "涉嫌转移工资支付台账。", "legal_basis": "《中华人民共和国行政强制法》第二十二条",
            "items": [{"name": "工资支付台账", "copies": 3, "kind": "original"}], "place": w.address,
            "seized_at": _at(on, "10:00"), "period_days": 30,
            "remedies": "可在六十日内申请行政复议，或者在六个月内提起行政诉讼。", "officers": list(OFFICERS),
            "party_signature": signed(w.contact, on), "officers_signature": officers_signed(on), "seal": sealed(on)}


def _decision_approval(on: date, procedure: Procedure, w: Subject) -> dict:
    return {**_case_header(w, procedure), "party": w.party, "facts": "经审查，事实清楚。", "evidence": "见卷内证据。",
            "legal_basis": w.basis, "proposal": "拟作出决定。",
            "legal_review_done": procedure is Procedure.PENALTY, "collective_discussion_done": False,
            "officers": list(OFFICERS), **_approvals(on, "handler", "reviewer", "deputy_approver", "approver")}


def _legal_review(on: date, procedure: Procedure, w: Subject) -> dict:
    return {**_case_header(w, procedure), "party": w.party, "submitted_by": "综合执法科", "submitted_on": _d(on),
            "proposed_decision": "警告，罚款二千元。", "reviewed_items": ["authority", "facts", "law", "procedure"],
            "conclusion": "agree", "reviewer": opinion("赵敏", "同意", on)}


def _collective_discussion(on: date, procedure: Procedure, w: Subject) -> dict:
    return {**_case_header(w, procedure), "held_at": _at(on, "16:00:00"), "place": "局会议室", "presiding": "周杰",
            "recorder": "孙丽", "attendees": "周杰（局长）、赵敏（法制股长）、李娜", "case_summary": "承办机构建议处罚。",
            "discussion": "一致同意。", "decision": "同意承办机构意见。",
            "participants": {"signers": [{"name": "周杰"}, {"name": "赵敏"}], "date": _d(on)},
            "presiding_signature": signed("周杰", on), "recorder_signature": signed("孙丽", on)}


def _hearing_notice(on: date, procedure: Procedure, w: Subject) -> dict:
    """Notice served ten working days before the hearing (at least seven: 行政处罚法 Art. 64 with Art. 85)."""
    hearing = on - timedelta(days=1)
    notified = due_after(hearing, -10, Unit.WORKING_DAYS).value
    return {"doc_number": "灵行审听通字〔2026〕1号", "party": w.party, "matter": w.matter,
            "notified_on": notified.isoformat(), "hearing_at": _at(hearing, "09:00"), "place": "局听证室",
            "public": True, "presiding_officer": "赵敏", "seal": sealed(notified)}


def _hearing_record(on: date, procedure: Procedure, w: Subject) -> dict:
    held = on - timedelta(days=1)
    return {"matter": w.matter, "started_at": _at(held, "09:00"), "ended_at": _at(held, "10:30"), "place": "局听证室",
            "public": True, "presiding_officer": "赵敏", "recorder": "孙丽", "party": w.party, "recusal_requested": False,
            "proceedings": "调查人员提出违法事实、证据和处罚建议；当事人陈述申辩，并进行质证、辩论。",
            "participants": {"signers": [{"name": "赵敏"}, {"name": "孙丽"}, {"name": w.contact}], "date": _d(held)},
            "party_signature": signed(w.contact, held), "presiding_signature": signed("赵敏", held),
            "recorder_signature": signed("孙丽", held)}


def _permit_decision(on: date, procedure: Procedure, w: Subject) -> dict:
    applied, accepted = _applied(w, on)
    identifier = {"applicant_resident_id": w.resident_id} if w.resident_id else {"applicant_credit_code": w.credit_code}
    return {"doc_number": "灵行审许字〔2026〕1号", "applicant": w.party, **identifier,
            "matter": w.matter, "applied_on": applied, "accepted_on": accepted, "decided_on": _d(on),
            "content": f"准予{w.matter}。", "legal_basis": w.basis, "seal": sealed(on)}


def _penalty_decision(on: date, procedure: Procedure, w: Subject) -> dict:
    return {"doc_number": "灵行审罚决字〔2026〕1号", "case_number": w.case_number, "party": w.party,
            "party_credit_code": w.credit_code, "party_address": w.address, "facts": "超出许可范围销售散装熟食。",
            "evidence": "询问笔录、现场照片。", "legal_basis": "《中华人民共和国食品安全法》第一百二十二条",
            "penalty_kinds": ["warning", "fine"], "penalty_detail": "警告，罚款二千元。", "fine": "2000.00",
            "payment_days": 15, "reconsideration_body": "灵寿县人民政府", "court": "灵寿县人民法院",
            "decided_on": _d(on), "officers": list(OFFICERS), "seal": sealed(on)}


def _service_return_receipt(on: date, procedure: Procedure, w: Subject) -> dict:
    document = "准予行政许可决定书" if procedure is Procedure.PERMIT else "行政处罚决定书"
    return {**_case_header(w, procedure), "document_name": document, "copies": 1, "recipient": w.party,
            "address": w.address, "method": "DIRECT", "served_at": _at(on, "15:00:00"), "served_place": w.address,
            "servers": officers_signed(on), "recipient_signature": signed(w.contact, on)}


def lodged_service(on: date | None = None) -> dict:
    """Overrides of the service receipt for lodged service (留置送达) with a witness."""
    on = on or date.today()
    return {"method": "LODGED", "refusal_reason": "受送达人拒绝签收。", "lodging_circumstances": "留置于店堂收银台。",
            "witness": signed("刘村委", on, unit="城关镇建设路社区居委会")}


def _performance_record(on: date, procedure: Procedure, w: Subject) -> dict:
    return {"case_number": w.case_number, "decision_number": "灵行审罚决字〔2026〕1号", "party": w.party,
            "decision_content": "警告，罚款二千元。", "due_on": _d(on, 15), "status": "full", "performed_on": _d(on),
            "paid": "2000.00", "details": "当事人已缴清罚款。", "officers_signature": officers_signed(on)}


def _case_approval(on: date, procedure: Procedure, w: Subject) -> dict:
    return {**_case_header(w, procedure), "source": "inspection", "discovered_on": _d(on), "party": w.party,
            "facts": "巡查发现超出许可范围销售散装熟食。", "reason": "涉嫌违反《中华人民共和国食品安全法》第三十五条。",
            "officers": list(OFFICERS), **_approvals(on, "handler", "reviewer", "approver")}


def _closing_approval(on: date, procedure: Procedure, w: Subject) -> dict:
    reason = "granted" if procedure is Procedure.PERMIT else "performed"
    return {**_case_header(w, procedure), "party": w.party, "opened_on": _applied(w, on)[0],
            "decision_summary": "见决定书。", "closing_reason": reason, "closed_on": _d(on),
            **_approvals(on, "handler", "reviewer", "approver")}


def _interruption_statement(on: date, procedure: Procedure, w: Subject) -> dict:
    return {"case_number": w.case_number, "activity": "现场检查", "place": w.address, "device_number": CAMERA,
            "interrupted_at": _at(on, "10:10:00"), "reason": "battery", "details": "记录仪电量耗尽，更换电池后恢复记录。",
            "resumed": True, "resumed_at": _at(on, "10:15:00"), "stated_on": _d(on),
            "officers_signature": officers_signed(on)}


def _expert_opinion_record(on: date, procedure: Procedure, w: Subject) -> dict:
    return {"case_number": w.case_number, "activity": "testing", "subject": "散装熟食样品两份",
            "institution": "石家庄市食品检验检测中心", "entrusted_on": _d(on, -5), "report_number": "JC-2026-0117",
            "reported_on": _d(on), "conclusion": "菌落总数超出食品安全国家标准限量。", "report_file": "rec-1",
            "officers_signature": officers_signed(on)}


def _expert_review_record(on: date, procedure: Procedure, w: Subject) -> dict:
    return {"case_number": w.case_number, "held_at": _at(on, "09:30:00"), "place": "本机关三楼会议室",
            "host": "周杰", "question": "经营场所布局是否符合食品安全要求", "experts": "赵明（县食品安全专家库，食品工程）",
            "discussion": "赵明：后厨生熟分区符合要求。", "conclusion": "布局可行。",
            "experts_signature": {"signers": [{"name": "赵明"}], "date": _d(on)}, "recorder": signed("王强", on)}


def _refusal_record(on: date, procedure: Procedure, w: Subject) -> dict:
    return {"case_number": w.case_number, "occurred_at": _at(on, "10:00:00"), "place": w.site, "party": w.party,
            "refusing_person": f"{w.contact}（负责人）", "refused_act": "inspection", "officers": list(OFFICERS),
            "circumstances": "执法人员出示证件、说明来意后，当事人锁闭后厨，拒绝检查。",
            "officers_signature": officers_signed(on)}


def _investigation_report(on: date, procedure: Procedure, w: Subject) -> dict:
    return {"case_number": w.case_number, "case_cause": _cause(w, procedure), "party": w.party,
            "concluded_on": _d(on), "facts": "当事人超出许可范围销售散装熟食。", "evidence": "询问笔录、现场检查笔录。",
            "proposal": "拟依据《中华人民共和国食品安全法》第一百二十二条给予警告。",
            **_approvals(on, "handler", "approver")}


def _permit_rights_notice(on: date, procedure: Procedure, w: Subject) -> dict:
    return {"doc_number": "灵行审许告字〔2026〕1号", "case_number": w.case_number, "party": w.party,
            "party_role": "applicant", "matter": w.matter, "facts": "经营场所与相邻住户间距涉及相邻人重大利益。",
            "rights": ["statement", "defence", "hearing"], "hearing_request_days": 5, "notified_on": _d(on),
            "seal": sealed(on), "party_signature": signed(w.contact, on)}


BUILDERS: Mapping[str, Callable[[date, Procedure, Subject], dict]] = {
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
    "expert_opinion_record": _expert_opinion_record, "expert_review_record": _expert_review_record,
    "refusal_record": _refusal_record, "investigation_report": _investigation_report,
    "permit_rights_notice": _permit_rights_notice,
}


def form_values(code: str, procedure: Procedure = Procedure.PERMIT, on: date | None = None,
                who: Subject = SAMPLE, **overrides) -> dict:
    """Values that finish form ``code`` in a case of ``procedure`` about ``who``, dated ``on``
    (today), with ``overrides`` applied."""
    return {**BUILDERS[code](on or date.today(), procedure, who), **overrides}


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
        (Stage.INVESTIGATION, ("inquiry_record", "rights_notice", "investigation_report")),
        (Stage.DECISION, ("decision_approval", "legal_review", "penalty_decision")),
        (Stage.SERVICE, ("service_return_receipt",)),
        (Stage.EXECUTION, ("performance_record",)),
        (Stage.ARCHIVING, ("closing_approval",)),
    ),
}
FILMED = Stage.INVESTIGATION  # the stage whose on-site record is filmed


def finish(ctx: AppContext, actor: str, case_id: int, code: str, procedure: Procedure, *,
           on: date | None = None, who: Subject = SAMPLE, **overrides) -> int:
    """Finish one form through the records service; returns the record id. The agency's own
    numbers (文号) come from the numbering service unless ``overrides`` give one."""
    values = form_values(code, procedure, on, who, **overrides)
    if code in numbering.KINDS:
        values = {k: v for k, v in values.items() if k in overrides or k not in NUMBER_FIELDS}
    return records.save_form(ctx, actor, case_id, code, values, final=True).id


# ---------------------------------------------------------------------------- the demo's cases

@dataclass(frozen=True)
class _Application:
    matter: str
    party: PartyInput
    contact: str
    received: int               # working days before today
    clock: str                  # local time of the receipt
    site: str = ""              # inspected on site (with footage) the next working day, when given
    out: str = "09:00"          # when the officers go out to the site, and later to serve the decision


def resident_id(area: str, birth: str, seq: str) -> str:
    body = area + birth + seq
    return body + ric.calc_check_digit(body + "0")


def credit_code(body17: str) -> str:
    return body17 + uscc.calc_check_digit(body17)


_TASTY = PartyInput(ORGANISATION, "灵寿县味美餐饮有限公司", credit_code("91130126MA0F12345"), "0311-82512345",
                    "灵寿县城关镇建设路 12 号")
_LIU_FANG = PartyInput(PERSON, "刘芳", resident_id("130102", "19850312", "123"), "13912345678", "灵寿县青廉街 8 号")
_HENGTAI = PartyInput(ORGANISATION, "河北恒泰建筑工程有限公司", credit_code("91130100MA0C67890"), "0311-86001234",
                      "石家庄市长安区中山东路 66 号")
_SHUNFA = PartyInput(ORGANISATION, "灵寿县顺发超市", credit_code("92130126MA0D24680"), "0311-82235566", "灵寿县慈峪镇")
_CHEN_GANG = PartyInput(PERSON, "陈刚", resident_id("130104", "19890621", "457"), "13800001111", "灵寿县南关")
_TONGDA = PartyInput(ORGANISATION, "灵寿县通达运输有限公司", credit_code("91130126MA0E13579"), "0311-82618899",
                     "灵寿县北环路")
_FUYUAN = PartyInput(ORGANISATION, "灵寿县福源饭店有限公司", credit_code("91130126MA0G24681"), "0311-82527788",
                     "灵寿县燕川大街 36 号")

GAPS_REASON = ("现场检查时执法记录仪电量耗尽，未能录像；现场检查笔录经申请人签字确认，许可决定已送达，"
               "事实清楚。同意结案，责成承办人员出勤前检查设备电量。")


class _Demo:
    """The people and days of the demo: users by username, officers, working days back from today."""

    def __init__(self, ctx: AppContext):
        self.ctx = ctx
        self.calendar, self.today = WorkCalendar(), clock_today()
        with ctx.db.read() as s:
            self.users = {u.username: current_user(u) for u in s.scalars(select(User))}
            self.officers = tuple(s.scalars(select(Officer.id).order_by(Officer.id)))

    def day(self, back: int) -> date:
        return self.calendar.add_working_days(self.today, -back).value

    def at(self, back: int, clock: str) -> datetime:
        """UTC of ``clock`` (agency time) ``back`` working days ago, never after now."""
        return min(to_utc(datetime.combine(self.day(back), time.fromisoformat(clock))), utcnow())

    def actor(self, username: str) -> str:
        return self.users[username].actor


def seed_cases(ctx: AppContext, actor: str) -> None:
    """The demo's cases, in the order they came in (case numbers and 文号 follow it): 许1 awaits
    correction, 许2 is examined, 许3 awaits its decision, 罚1 is investigated, 许4 awaits service,
    许5 is closed with its gaps overridden by the approver, 许6 is closed complete. Applications
    came in four working days ago, so every notice kept the five working days of 行政许可法 Art. 32."""
    demo = _Demo(ctx)
    _waiting_for_correction(demo, _Application("食品经营许可", _TASTY, "王经理", 4, "09:10"))
    _accepted(demo, _Application("药品零售许可", _LIU_FANG, "刘芳", 4, "10:30"), until=Stage.INVESTIGATION)
    _accepted(demo, _Application("建筑工程施工许可", _HENGTAI, "赵工", 4, "11:20"), until=Stage.DECISION)
    _penalty(demo, opened=demo.at(11, "15:00"), investigated=demo.at(10, "09:00"))
    _accepted(demo, _Application("公共场所卫生许可", _CHEN_GANG, "陈刚", 4, "14:00", site="灵寿县南关（浴室及更衣区）",
                                 out="09:00"), until=Stage.SERVICE)
    _accepted(demo, _Application("道路运输经营许可", _TONGDA, "孙经理", 4, "15:00",
                                 site="灵寿县北环路（停车场及营运车辆）", out="10:30"), until=None, film=False)
    _accepted(demo, _Application("食品经营许可", _FUYUAN, "周经理", 4, "16:00",
                                 site="灵寿县燕川大街 36 号（店堂及后厨）", out="14:30"), until=None)
    _attach_scan(demo, actor, _TASTY.name)


def _receive(demo: _Demo, a: _Application, decision: intake.Decision, handed_in: Iterable[str]) -> intake.IntakeResult:
    matter = find_matter(a.matter)
    checks = tuple(MaterialCheck(m.name, True) for m in matter.materials if m.required and m.name in handed_in)
    app = intake.Application(a.party, matter.code, checks, a.contact, a.party.phone, demo.at(a.received, a.clock))
    return intake.receive(demo.ctx, demo.users["clerk"], app, decision)


def _waiting_for_correction(demo: _Demo, a: _Application) -> None:
    """Taken in with a material missing: one complete correction notice, within Art. 32's five
    working days (the intake service dates it today), signed for by the contact."""
    required = [m.name for m in find_matter(a.matter).materials if m.required]
    _receive(demo, a, intake.Correction("0311-82512345", a.contact), required[:-1])


# when each stage's work of the day is done and the case moves on (agency time)
_MOVES_ON = {Stage.INVESTIGATION: "17:00", Stage.DECISION: "16:30", Stage.SERVICE: "15:30"}
_ON_SITE = timedelta(minutes=40)   # an inspection's length


def _accepted(demo: _Demo, a: _Application, *, until: Stage | None, film: bool = True) -> None:
    """Accepted at the window, then a stage a working day with its forms finished by the officer
    (the on-site inspection filmed unless ``film`` is False; service and 结案 share the last day),
    up to stage ``until`` — None: closed by the approver."""
    required = {m.name for m in find_matter(a.matter).materials if m.required}
    case_id = _receive(demo, a, intake.Acceptance(), required).case_id
    who, back, officer = _subject(demo, case_id, a), a.received, demo.actor("officer")
    for stage, codes in PLAN[Procedure.PERMIT][2:]:
        if stage is until:
            return
        back = max(back - 1, 1)
        if stage is FILMED and not a.site:
            codes = ()         # examined on the papers alone
        out = datetime.combine(demo.day(back), time.fromisoformat(a.out))   # agency time
        when = {"inspection_record": {"started_at": out.isoformat(), "ended_at": (out + _ON_SITE).isoformat()},
                "service_return_receipt": {"served_at": out.isoformat()}}
        for code in codes:
            finish(demo.ctx, officer, case_id, code, Procedure.PERMIT, on=demo.day(back), who=who,
                   **when.get(code, {}))
        if stage is FILMED and a.site and film:
            _film(demo, case_id, to_utc(out))
        if stage is Stage.ARCHIVING:
            _close(demo, case_id, complete=film)
            return
        with demo.ctx.db.write() as s:
            cases.advance(s, officer, s.get(Case, case_id), demo.at(back, _MOVES_ON[stage]))


def _subject(demo: _Demo, case_id: int, a: _Application) -> Subject:
    with demo.ctx.db.read() as s:
        case = s.get(Case, case_id)
        party_id = s.scalar(select(CaseParty.party_id).where(CaseParty.case_id == case_id))
        number, opened = case.number, local(case.opened_at).date()
    person = a.party.kind == PERSON
    return Subject(party=str(party_id), party_name=a.party.name, credit_code="" if person else a.party.number,
                   resident_id=a.party.number if person else "", address=a.party.address,
                   site=a.site or a.party.address, contact=a.contact, matter=a.matter,
                   basis=find_matter(a.matter).basis.split("；")[0], case_number=number,
                   applied_on=opened, accepted_on=opened)


def _film(demo: _Demo, case_id: int, start: datetime) -> None:
    """The first seconds of the inspection as 李娜's camera recorded them, added to the stage by
    hand (a real H.264 file from the camera simulator; its overlay shows the agency's time)."""
    from jlclient.devices.simulator import simulate   # PyAV: loaded only when footage is made
    from jlclient.services.av import import_av_file
    with tempfile.TemporaryDirectory() as folder:
        clip = simulate(Path(folder), "dcim-imp", serial=CAMERA, segments=1, segment_seconds=3, fps=5,
                        start=local(start))[0]
        import_av_file(demo.ctx, demo.actor("officer"), case_id, FILMED, clip, started_at=start,
                       officer_id=demo.officers[0])


def _close(demo: _Demo, case_id: int, complete: bool) -> None:
    """结案 by the approver: a complete case passes the check; the other closes on a written reason."""
    version = cases.case_detail(demo.ctx, case_id).version
    compliance.close_case(demo.ctx, demo.users["approver"], case_id, version,
                          override_reason=None if complete else GAPS_REASON)


def _penalty(demo: _Demo, opened: datetime, investigated: datetime) -> None:
    """Opened ex officio by the two demo officers, investigated from the next day; its 立案审批表
    is a draft still to finish (a gap the check shows)."""
    actor = demo.actor("officer")
    with demo.ctx.db.write() as s:
        case = cases.add_case(s, actor, cases.NewCase(Procedure.PENALTY, StartMode.EX_OFFICIO, PENALTY_MATTER,
                                                      _SHUNFA, "综合执法科", demo.officers,
                                                      opened_at=opened))
        cases.add_text_record(s, actor, case, Stage.INITIATION, "case_approval", "立案审批表",
                              {"case_cause": case.title, "source": "inspection", "facts": "巡查发现超范围经营。"},
                              final=False)
        cases.advance(s, actor, case, investigated)


def _attach_scan(demo: _Demo, actor: str, party_name: str) -> None:
    with demo.ctx.db.write() as s:
        case = s.scalar(select(Case).where(Case.party_name == party_name).order_by(Case.id))
        stored = demo.ctx.evidence.put_bytes("营业执照复印件（演示数据）\n".encode("utf-8"))
        record = ElectronicRecord(case_id=case.id, stage=Stage.INITIATION.value, title="营业执照复印件", kind="scan",
                                  file_hash=stored.sha256, file_name="营业执照.txt", size=stored.size,
                                  created_at=utcnow(), created_by=actor)
        s.add(record)
        audit.append(s, actor, "record.attach", record)


__all__ = ["BUILDERS", "CAMERA", "FILMED", "OFFICERS", "PLAN", "SAMPLE", "Subject", "finish", "form_values",
           "lodged_service", "officers_signed", "opinion", "sealed", "seed_cases", "signed"]
