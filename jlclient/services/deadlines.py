"""Running deadlines of cases: started and ended by what the case's records and stages show,
moved by recorded suspensions and approved extensions (domain/deadlines.py has the law).

Periods run from the dates written on the records (the day of the act), never from when a
record was typed in: a record entered late does not move a deadline."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jlclient.clock import local_date, today as clock_today
from jlclient.domain import deadlines as law
from jlclient.domain.deadlines import (DeadlineStatus, Extension, RunningDeadline, StartEvent, Suspension,
                                       SuspensionReason, Unit, due_after)
from jlclient.domain.model import CaseStatus, Procedure, Stage, StartMode
from jlclient.domain.workdays import WorkCalendar
from jlclient.services import holidays
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.profiles import load_profile
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.models import (Agency, Case, CaseOfficer, CaseVolume, DeadlineAdjustment, StageEvent, TextRecord,
                                   TextRecordRevision, User)


# The day each record's act happened, as written on it. A field key, or a signature slot's
# "slot.date"; a form not listed (or a record without the date) falls back to the day it was
# finished. 立案 is the head's approval on the 立案审批表 (行政处罚法 Art. 54, 60).
_ACT_DATE = {
    "case_approval": "approver.date",
    "materials_receipt": "received_at",
    "correction_notice": "notified_on",
    "acceptance_notice": "accepted_on",
    "refusal_notice": "decided_on",
    "penalty_decision": "decided_on",
    "permit_decision": "decided_on",
    "permit_refusal": "decided_on",
    "rights_notice": "notified_on",
    "permit_rights_notice": "notified_on",
    "hearing_notice": "notified_on",
    "hearing_record": "started_at",
    "evidence_preservation_notice": "preserved_on",
    "evidence_list": "collected_at",
    "seizure_decision": "seized_at",
    "performance_record": "performed_on",
}

# 送达回证: the day the party received the document (收到决定书之日), by service method.
_SERVED_ON = {
    "DIRECT": "served_at", "ENTRUSTED": "served_at", "LODGED": "served_at",
    "POSTAL": "delivered_on",
    "PUBLIC_NOTICE": "deemed_served_on",   # the notice's date + 30 days (民事诉讼法 Art. 95; the form checks it)
    "ELECTRONIC": "arrived_at",            # the day it reaches the party's system (民事诉讼法 Art. 90 ¶2)
    "TRANSFERRED": "transfer_signed_on",
}


def _day(value) -> date | None:
    """A date or datetime as stored in a record's JSON ("2025-09-30", "2025-09-30T10:00")."""
    if isinstance(value, dict):
        value = value.get("date")
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _field(content: dict, key: str):
    slot, _, part = key.partition(".")
    value = content.get(slot)
    return value.get(part) if part and isinstance(value, dict) else value


def act_date(form: str, content: dict) -> date | None:
    """The day of the act a record of ``form`` shows, from its fields; None when it shows none."""
    if form == "service_return_receipt":
        return _day(_field(content, _SERVED_ON.get(str(content.get("method")), "")))
    key = _ACT_DATE.get(form)
    return _day(_field(content, key)) if key else None


@dataclass(frozen=True)
class CaseFacts:
    """The dates a case's records and stages show, for starting and ending deadlines."""
    procedure: Procedure
    start_mode: StartMode
    opened: date
    closed: date | None
    bound: date | None         # the day the volume was bound (立卷): archiving is done then
    entered: dict[Stage, date]
    forms: dict[str, date]     # form code -> the earliest day of its act written on a finished record
    contents: dict[str, list[dict]] = field(default_factory=dict)  # form code -> each record's latest final fields
    calendar: WorkCalendar = field(default_factory=WorkCalendar)

    def first(self, *forms: str) -> date | None:
        dates = [self.forms[f] for f in forms if f in self.forms]
        return min(dates) if dates else None

    def on(self, form: str, key: str) -> date | None:
        """The earliest date in field ``key`` of the case's finished ``form`` records."""
        dates = [d for c in self.contents.get(form, ()) if (d := _day(_field(c, key))) is not None]
        return min(dates) if dates else None


def _d(value: datetime | None) -> date | None:
    return local_date(value) if value else None


def _latest_final(s: Session, case: Case) -> list[tuple[str, dict, date]]:
    """Each finished record's form, latest final fields (a correction replaces what it corrects) and
    the day it was first finished."""
    rows = s.execute(select(TextRecord.id, TextRecord.form, TextRecordRevision.revision, TextRecordRevision.content,
                            TextRecordRevision.created_at)
                     .join(TextRecordRevision, TextRecordRevision.record_id == TextRecord.id)
                     .where(TextRecord.case_id == case.id, TextRecordRevision.final.is_(True))
                     .order_by(TextRecord.id, TextRecordRevision.revision)).all()
    latest: dict[int, tuple[str, dict, date]] = {}
    for record_id, form, _, content, at in rows:
        first = latest[record_id][2] if record_id in latest else local_date(at)
        latest[record_id] = (form, json.loads(content), first)
    return list(latest.values())


def case_facts(s: Session, case: Case, cal: WorkCalendar | None = None) -> CaseFacts:
    entered = {Stage(e.stage): local_date(e.at) for e in s.scalars(select(StageEvent).where(StageEvent.case_id == case.id))}
    forms: dict[str, date] = {}
    contents: dict[str, list[dict]] = {}
    for form, content, finished in _latest_final(s, case):
        day = act_date(form, content) or finished
        forms[form] = min(forms.get(form, day), day)
        contents.setdefault(form, []).append(content)
    bound = s.scalar(select(CaseVolume.filed_at).where(CaseVolume.case_id == case.id))
    return CaseFacts(Procedure(case.procedure), StartMode(case.start_mode), local_date(case.opened_at), _d(case.closed_at),
                     _d(bound), entered, forms, contents, cal or WorkCalendar())


def _received(f: CaseFacts) -> date | None:
    if f.start_mode is not StartMode.ON_APPLICATION:
        return None
    return f.on("materials_receipt", "received_at") or f.on("correction_notice", "received_on") or f.opened


def _accepted(f: CaseFacts) -> date | None:
    """受理: the day on the acceptance notice, or the move into 审查 — except that a correction notice
    given later than five working days after receipt makes the receipt the acceptance
    (行政许可法 Art. 32(四): 逾期不告知的，自收到申请材料之日起即为受理)."""
    received = _received(f)
    if received is None:
        return None
    told = f.first("correction_notice")
    if told is not None and told > due_after(received, 5, Unit.WORKING_DAYS, f.calendar).value:
        return received
    return f.first("acceptance_notice") or f.entered.get(Stage.INVESTIGATION)


# When each start event happened, read from the case (None: not yet).
_STARTS = {
    StartEvent.APPLICATION_RECEIVED: _received,
    StartEvent.ACCEPTED: _accepted,
    # 自立案之日起 (行政处罚法 Art. 60): the approval on the 立案审批表; the case's opening when there is none
    StartEvent.CASE_OPENED: lambda f: (f.on("case_approval", "approver.date") or f.opened)
    if f.start_mode is StartMode.EX_OFFICIO else None,
    StartEvent.DECISION_MADE: lambda f: f.first("penalty_decision", "permit_decision", "permit_refusal")
    or f.entered.get(Stage.SERVICE),
    StartEvent.HEARING_RIGHTS_NOTIFIED: lambda f: f.first("rights_notice", "permit_rights_notice"),
    # 行政许可法 Art. 47: the hearing is held within 20 days of the applicant's request
    StartEvent.HEARING_REQUESTED: lambda f: f.on("permit_rights_notice", "hearing_requested_on"),
    StartEvent.EVIDENCE_PRESERVED: lambda f: f.first("evidence_preservation_notice"),
    StartEvent.DECISION_SERVED: lambda f: f.first("service_return_receipt") if f.entered.get(Stage.SERVICE) else None,
    StartEvent.SEIZED: lambda f: f.first("seizure_decision"),
    # 结案: the closing date on the 结案审批表 once the case is closed
    StartEvent.CASE_CLOSED: lambda f: (f.on("closing_approval", "closed_on") or f.closed) if f.closed else None,
}

# When each deadline was met (None: still running): only a document of the act, or the event
# that ends it, meets a deadline.
_DONE = {
    # entering 审查 is the acceptance itself (the notice may be recorded later)
    "permit_correction_notice": lambda f: f.first("correction_notice", "acceptance_notice", "refusal_notice")
    or f.entered.get(Stage.INVESTIGATION),
    "permit_decision": lambda f: f.first("permit_decision", "permit_refusal"),
    "permit_certificate": lambda f: f.first("service_return_receipt") or f.closed,
    "permit_hearing_held": lambda f: f.first("hearing_record"),
    "permit_hearing_request": lambda f: f.on("permit_rights_notice", "hearing_requested_on")
    or f.first("hearing_notice", "permit_decision", "permit_refusal"),
    # 行政处罚法 Art. 56: a decision on what happens to the preserved evidence (seizing it, or the
    # penalty decision that deals with it), not the list of what was preserved
    "penalty_evidence_preservation": lambda f: f.first("seizure_decision", "penalty_decision"),
    "penalty_decision": lambda f: f.first("penalty_decision"),
    "penalty_service": lambda f: f.first("service_return_receipt"),
    # the party's window to ask for a hearing ends when the decision stage opens without a request
    "penalty_hearing_request": lambda f: f.first("hearing_notice") or f.entered.get(Stage.DECISION),
    "penalty_fine_payment": lambda f: f.first("performance_record"),
    "coercion_seizure": lambda f: f.first("penalty_decision") or f.closed,  # the seized property is dealt with
    "archiving": lambda f: f.bound,
}

# The stage whose entry shows the case moved past a deadline's act. Entered with no document of
# the act, the deadline is not 已完成 (nothing shows it was done) but 未经该环节: it stopped running.
_PASSED_AT = {
    "permit_decision": Stage.SERVICE,
    "penalty_evidence_preservation": Stage.DECISION,
    "penalty_decision": Stage.SERVICE,
    "penalty_service": Stage.EXECUTION,
}


def _passed(rule_code: str, facts: CaseFacts) -> bool:
    stage = _PASSED_AT.get(rule_code)
    return stage is not None and stage in facts.entered


@dataclass(frozen=True)
class DeadlineView:
    case_id: int
    case_number: str
    rule_code: str
    label: str
    basis: str
    start: date
    due: date
    status: DeadlineStatus
    note: str            # suspensions, extension, uncovered-year warning
    done_on: date | None = None

    @property
    def met_late(self) -> bool:
        return self.done_on is not None and self.done_on > self.due


def _rules(profile_key: str, procedure: Procedure) -> tuple[law.DeadlineRule, ...]:
    return law.rules_for(procedure, load_profile(profile_key))


def _adjusted(rule: law.DeadlineRule, start: date, adjustments: list[DeadlineAdjustment], cal) -> RunningDeadline:
    """The deadline with its recorded suspensions and extensions; the law refuses what it does not allow."""
    mine = [a for a in adjustments if a.rule == rule.code]
    running = law.running_deadline(rule, start, cal, suspensions=tuple(
        Suspension(SuspensionReason(a.cause), a.start, a.end) for a in mine if a.kind == "SUSPENSION"))
    for a in (a for a in mine if a.kind == "EXTENSION"):
        running = law.extend(running, Extension(a.days, a.start, a.reason), cal)
    return running


def _note(d: RunningDeadline) -> str:
    parts = [f"中止计算 {len(d.suspensions)} 次" if d.suspensions else "",
             f"经批准延长 {d.extension.amount} 日" if d.extension else "", d.calendar_warning or ""]
    return "；".join(p for p in parts if p)


def deadlines_of(s: Session, case: Case, today: date, cal: WorkCalendar | None = None) -> list[DeadlineView]:
    cal = cal or holidays.calendar(s)   # with the 放假安排 as the database holds them now (any workstation)
    agency = s.scalar(select(Agency))
    facts = case_facts(s, case, cal)
    adjustments = list(s.scalars(select(DeadlineAdjustment).where(DeadlineAdjustment.case_id == case.id)))
    views = []
    for rule in _rules(agency.profile_key, facts.procedure):
        start = _STARTS.get(rule.start_event, lambda f: None)(facts)
        if start is None or rule.counted_back:
            continue
        running = _adjusted(rule, start, adjustments, cal)
        done = _DONE.get(rule.code, lambda f: None)(facts)
        if done is not None:
            running = law.complete(running, done)
        state = law.status(running, today, calendar=cal)
        if done is None and _passed(rule.code, facts):
            state = DeadlineStatus.SKIPPED
        views.append(DeadlineView(case.id, case.number, rule.code, rule.label, rule.describe(), start, running.due,
                                  state, _note(running), running.done_on))
    return views


def case_deadlines(ctx: AppContext, case_id: int, today: date | None = None) -> list[DeadlineView]:
    with ctx.db.read() as s:
        case = s.get(Case, case_id)
        if case is None:
            raise ServiceError("案件不存在")
        return deadlines_of(s, case, today or clock_today())


def my_deadlines(ctx: AppContext, username: str, today: date | None = None,
                 include_done: bool = False) -> list[DeadlineView]:
    """Running deadlines of the cases a user handles (assigned officer, or who opened the case)."""
    today = today or clock_today()
    with ctx.db.read() as s:
        cal = holidays.calendar(s)
        user = s.scalar(select(User).where(User.username == username))
        if user is None:
            raise ServiceError(f"没有用户“{username}”")
        mine = or_(Case.created_by == f"user:{username}",
                   Case.id.in_(select(CaseOfficer.case_id).where(CaseOfficer.officer_id == user.officer_id)))
        views = [v for case in s.scalars(select(Case).where(mine, Case.status != CaseStatus.ARCHIVED.value))
                 for v in deadlines_of(s, case, today, cal)]
    views = [v for v in views if include_done or v.status not in (DeadlineStatus.DONE, DeadlineStatus.SKIPPED)]
    return sorted(views, key=lambda v: (v.due, v.case_number))


def _rule_of_case(s: Session, case: Case, code: str) -> law.DeadlineRule:
    agency = s.scalar(select(Agency))
    for rule in _rules(agency.profile_key, Procedure(case.procedure)):
        if rule.code == code:
            return rule
    raise ServiceError(f"该案件没有“{code}”期限")


def add_suspension(ctx: AppContext, actor: str, case_id: int, rule_code: str, cause: SuspensionReason,
                   first_day: date, last_day: date, reason: str) -> DeadlineView:
    """Record time not counted (hearing, testing, appraisal…), 行政许可法 Art. 45; the applicant is to be told."""
    return _adjust(ctx, actor, case_id, rule_code, DeadlineAdjustment(
        kind="SUSPENSION", cause=cause.value, start=first_day, end=last_day, reason=reason))


def add_extension(ctx: AppContext, actor: str, case_id: int, rule_code: str, days: int, approved_on: date,
                  reason: str, approver: str) -> DeadlineView:
    """Record an extension approved by the head (e.g. 行政许可法 Art. 42: +10 days)."""
    if not approver.strip():
        raise ServiceError("延长期限须经负责人批准，请填写批准人")
    return _adjust(ctx, actor, case_id, rule_code, DeadlineAdjustment(
        kind="EXTENSION", cause="", start=approved_on, days=days, reason=reason, approved_by=approver))


def _adjust(ctx: AppContext, actor: str, case_id: int, rule_code: str, adj: DeadlineAdjustment) -> DeadlineView:
    if not adj.reason.strip():
        raise ServiceError("请填写理由")
    with ctx.db.write() as s:
        case = s.get(Case, case_id)
        if case is None:
            raise ServiceError("案件不存在")
        _rule_of_case(s, case, rule_code)
        adj.case_id, adj.rule, adj.created_at, adj.created_by = case_id, rule_code, utcnow(), actor
        s.add(adj)
        try:
            views = deadlines_of(s, case, clock_today())
        except ValueError as exc:  # the law refuses this suspension or extension; nothing is written
            raise ServiceError(str(exc)) from exc
        audit.append(s, actor, "deadline.adjust", adj)
        view = next((v for v in views if v.rule_code == rule_code), None)
        if view is None:
            raise ServiceError("该期限尚未开始计算，不能中止或延长")
        return view
