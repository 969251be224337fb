"""Running deadlines of cases: started and ended by what the case's records and stages show,
moved by recorded suspensions and approved extensions (domain/deadlines.py has the law)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jlclient.clock import local_date, today as clock_today
from jlclient.domain import deadlines as law
from jlclient.domain.deadlines import DeadlineStatus, Extension, RunningDeadline, StartEvent, Suspension, SuspensionReason
from jlclient.domain.model import CaseStatus, Procedure, Stage, StartMode
from jlclient.domain.workdays import WorkCalendar
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.profiles import load_profile
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.models import (Agency, Case, CaseOfficer, CaseVolume, DeadlineAdjustment, StageEvent, TextRecord,
                                   TextRecordRevision, User)


@dataclass(frozen=True)
class CaseFacts:
    """The dates a case's records and stages show, for starting and ending deadlines."""
    procedure: Procedure
    start_mode: StartMode
    opened: date
    closed: date | None
    bound: date | None         # the day the volume was bound (立卷): archiving is done then
    entered: dict[Stage, date]
    forms: dict[str, date]     # form code -> date of its first final revision

    def first(self, *forms: str) -> date | None:
        dates = [self.forms[f] for f in forms if f in self.forms]
        return min(dates) if dates else None


def _d(value: datetime | None) -> date | None:
    return local_date(value) if value else None


def case_facts(s: Session, case: Case) -> CaseFacts:
    entered = {Stage(e.stage): local_date(e.at) for e in s.scalars(select(StageEvent).where(StageEvent.case_id == case.id))}
    forms: dict[str, date] = {}
    rows = s.execute(select(TextRecord.form, TextRecordRevision.created_at)
                     .join(TextRecordRevision, TextRecordRevision.record_id == TextRecord.id)
                     .where(TextRecord.case_id == case.id, TextRecordRevision.final.is_(True))).all()
    for form, at in rows:
        forms[form] = min(forms.get(form, local_date(at)), local_date(at))
    bound = s.scalar(select(CaseVolume.filed_at).where(CaseVolume.case_id == case.id))
    return CaseFacts(Procedure(case.procedure), StartMode(case.start_mode), local_date(case.opened_at), _d(case.closed_at),
                     _d(bound), entered, forms)


# When each start event happened, read from the case (None: not yet).
_STARTS = {
    StartEvent.APPLICATION_RECEIVED: lambda f: f.opened if f.start_mode is StartMode.ON_APPLICATION else None,
    # acceptance moves a permit into examination; the notice may be recorded later than that
    StartEvent.ACCEPTED: lambda f: f.entered.get(Stage.INVESTIGATION) or f.first("acceptance_notice")
    if f.start_mode is StartMode.ON_APPLICATION else None,
    StartEvent.CASE_OPENED: lambda f: f.opened if f.start_mode is StartMode.EX_OFFICIO else None,
    StartEvent.DECISION_MADE: lambda f: f.first("penalty_decision", "permit_decision", "permit_refusal")
    or f.entered.get(Stage.SERVICE),
    StartEvent.HEARING_RIGHTS_NOTIFIED: lambda f: f.first("rights_notice"),
    StartEvent.HEARING_REQUESTED: lambda f: f.first("hearing_notice"),
    StartEvent.EVIDENCE_PRESERVED: lambda f: f.first("evidence_preservation_notice"),
    StartEvent.DECISION_SERVED: lambda f: f.first("service_return_receipt") if f.entered.get(Stage.SERVICE) else None,
    StartEvent.SEIZED: lambda f: f.first("seizure_decision"),
    StartEvent.CASE_CLOSED: lambda f: f.closed,
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
    "penalty_evidence_preservation": lambda f: f.first("evidence_list"),
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
    cal = cal or WorkCalendar()
    agency = s.scalar(select(Agency))
    facts = case_facts(s, case)
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
    cal = WorkCalendar()
    with ctx.db.read() as s:
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
