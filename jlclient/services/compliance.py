"""Compliance check of a case (issue 3) and closing a case only when it passes.

:func:`snapshot` reads what the pure check (:mod:`jlclient.domain.compliance`) needs from the
store; :func:`check_case` runs it; :func:`close_case` closes a case in its last stage when no
BLOCKING finding remains — or when an approver overrides them with a written reason, which is
kept (``ComplianceOverride``) and audited in the same transaction as the closing.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from jlclient.clock import local, today as clock_today
from jlclient.domain import deadlines as law
from jlclient.domain.audit import canonical_json
from jlclient.domain.duties import own_case_refusal
from jlclient.domain.compliance import (AvFact, CaseSnapshot, DeadlineFact, Finding, RecordFact, blocking, check)
from jlclient.domain.forms import FormSpec
from jlclient.domain.matters import MaterialCheck, missing_materials
from jlclient.domain.model import CaseStatus, Procedure, Role, Stage, StartMode, next_stage
from jlclient.domain.profile import RuleProfile
from jlclient.services import cases, citations
from jlclient.services.auth import CurrentUser
from jlclient.services.cameras import dock_rules
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.deadlines import deadlines_of
from jlclient.services.forms import list_forms
from jlclient.services.matters import load_matters
from jlclient.services.profiles import load_profile
from jlclient.services.users import person
from jlclient.store import audit
from jlclient.store.audit import entries_for as audit_entries, utcnow
from jlclient.store.db import locked
from jlclient.store.models import (Agency, AvRecord, BodyCamera, Case, CaseOfficer, ComplianceOverride,
                                   InterruptionNote, TextRecord, TextRecordRevision, UploadExemption)


class ComplianceBlocked(ServiceError):
    """Closing refused: ``findings`` are the BLOCKING findings that stand in the way."""

    def __init__(self, findings: list[Finding], hint: str, titles: dict[str, str] | None = None):
        self.findings = findings
        self.titles = titles or {}   # seed → regulation title: the findings' citations in words
        listed = "；".join(f"{i}. {f.text(self.titles)}" for i, f in enumerate(findings, 1))
        super().__init__(f"不能结案：有 {len(findings)} 项阻断性问题：{listed}。{hint}")


# ---------------------------------------------------------------------------- reading a case


def agency_profile(s: Session) -> RuleProfile:
    return load_profile(s.scalar(select(Agency)).profile_key)


def form_specs() -> dict[str, FormSpec]:
    return {spec.code: spec for spec in list_forms()}


def _records(s: Session, case_id: int) -> tuple[RecordFact, ...]:
    """Each text record with the values of its newest final revision; drafts-only records are left out."""
    rows = s.execute(select(TextRecord, TextRecordRevision)
                     .join(TextRecordRevision, TextRecordRevision.record_id == TextRecord.id)
                     .where(TextRecord.case_id == case_id, TextRecordRevision.final.is_(True))
                     .order_by(TextRecord.id, TextRecordRevision.revision))
    latest = {record.id: RecordFact(record.id, record.form, Stage(record.stage), json.loads(revision.content))
              for record, revision in rows}
    return tuple(latest.values())


def _local(at: datetime | None) -> datetime | None:
    return local(at) if at else None


def _av_records(s: Session, case_id: int) -> tuple[AvFact, ...]:
    """The case's footage in local wall time, with what the dock knows: spoken interruption
    reasons, when it was stored and the remote-duty return it counts from."""
    rows = s.execute(select(AvRecord, BodyCamera.serial, UploadExemption.returned_at)
                     .outerjoin(BodyCamera, BodyCamera.id == AvRecord.camera_id)
                     .outerjoin(UploadExemption, UploadExemption.docking_id == AvRecord.docking_id)
                     .where(AvRecord.case_id == case_id).order_by(AvRecord.id, UploadExemption.id))
    spoken = set(s.scalars(select(InterruptionNote.av_record_id).join(AvRecord)
                           .where(AvRecord.case_id == case_id)))
    facts = {a.id: AvFact(a.id, Stage(a.stage) if a.stage else None, serial, _local(a.started_at),
                          _local(a.ended_at), a.id in spoken, _local(a.pulled_at), _local(returned),
                          a.party_informed)
             for a, serial, returned in rows}   # the newest declaration of a docking wins
    return tuple(facts.values())


def _deadlines(s: Session, case: Case, today: date, profile: RuleProfile) -> tuple[DeadlineFact, ...]:
    """The case's deadlines with their legal basis and whether a met one was met late."""
    rules = {r.code: r for r in law.rules_for(Procedure(case.procedure), profile)}
    return tuple(DeadlineFact(v.rule_code, v.label, str(rules[v.rule_code].basis), v.due, v.status, v.met_late)
                 for v in deadlines_of(s, case, today))


def _missing_materials(matter_name: str, records: tuple[RecordFact, ...]) -> tuple[str, ...]:
    """Required materials of the matter (catalogue) not on the first materials receipt."""
    receipt = next((r for r in records if r.form == "materials_receipt"), None)
    matter = next((m for m in load_matters() if matter_name in (m.name, m.code)), None)
    if receipt is None or matter is None:
        return ()
    rows = receipt.values.get("materials") or []
    checks = [MaterialCheck(str(row.get("name", "")), received=True) for row in rows if isinstance(row, dict)]
    return tuple(m.name for m in missing_materials(matter, checks))


def snapshot(s: Session, case: Case, today: date, profile: RuleProfile | None = None) -> CaseSnapshot:
    """The plain picture of one case the compliance check needs."""
    profile = profile or agency_profile(s)
    records = _records(s, case.id)
    officers = s.scalar(select(func.count(CaseOfficer.id)).where(CaseOfficer.case_id == case.id))
    return CaseSnapshot(Procedure(case.procedure), StartMode(case.start_mode), Stage(case.stage),
                        CaseStatus(case.status), records, _av_records(s, case.id), officers,
                        _deadlines(s, case, today, profile), _missing_materials(case.matter, records))


def _findings(s: Session, case: Case, today: date, closing: bool) -> list[Finding]:
    profile = agency_profile(s)
    return check(snapshot(s, case, today, profile), profile, form_specs(), closing=closing, rules=dock_rules(s))


def _case(s: Session, case_id: int, *, lock: bool = False) -> Case:
    case = locked(s, Case, case_id) if lock else s.get(Case, case_id)
    if case is None:
        raise ServiceError("案件不存在")
    return case


def check_case(ctx: AppContext, case_id: int, today: date | None = None, closing: bool = False) -> list[Finding]:
    """Findings of one case; ``closing=True``: as if it were being closed (every stage complete)."""
    with ctx.db.read() as s:
        return _findings(s, _case(s, case_id), today or clock_today(), closing)


# ---------------------------------------------------------------------------- closing


def _ready_to_close(case: Case) -> None:
    if case.status != CaseStatus.OPEN.value:
        raise ServiceError("案件已结案")
    stage = Stage(case.stage)
    if next_stage(Procedure(case.procedure), StartMode(case.start_mode), stage) is not None:
        raise ServiceError(f"案件尚在“{stage.label}”环节，进入“{Stage.ARCHIVING.label}”环节后才能结案")


def _override(s: Session, user: CurrentUser, case: Case, findings: list[Finding], reason: str | None) -> None:
    """Keep an approver's written reason for closing despite ``findings``; refuse anyone else."""
    reason = (reason or "").strip()
    if not user.has(Role.APPROVER):
        raise ComplianceBlocked(findings, "请先整改；确需结案的，由负责人填写书面理由后批准。", citations.titles(s))
    if not reason:
        raise ComplianceBlocked(findings, "请先整改，或填写书面理由后批准结案。", citations.titles(s))
    if cases.is_case_officer(s, user, case.id):     # nobody approves the exceptions of their own case
        raise ServiceError(own_case_refusal("例外批准"))
    row = ComplianceOverride(case_id=case.id, reason=reason, approver=user.actor, created_at=utcnow(),
                             findings=canonical_json([f.as_dict() for f in findings]))
    s.add(row)
    audit.append(s, user.actor, "case.compliance_override", row)


# ---------------------------------------------------------------------------- leaving a stage

STAGE_OVERRIDE = "case.stage_override"     # the audit action keeping an approver's reason for moving on

class AdvanceNeedsReason(ServiceError):
    """An approver leaving a stage with open problems: a written reason is needed first."""

    def __init__(self, message: str, findings: list[Finding], titles: dict[str, str]):
        self.findings, self.titles = findings, titles
        super().__init__(message)


def leaving_problems(s: Session, case: Case) -> list[Finding]:
    """The findings of the case's current stage that turn blocking once the stage is left: the
    check is run as if the case had already moved on."""
    here = Stage(case.stage)
    ahead = next_stage(Procedure(case.procedure), StartMode(case.start_mode), here)
    if ahead is None or case.status != CaseStatus.OPEN.value:
        return []
    profile = agency_profile(s)
    moved_on = replace(snapshot(s, case, clock_today(), profile), stage=ahead)
    return [f for f in blocking(check(moved_on, profile, form_specs(), rules=dock_rules(s))) if f.stage is here]


def record_stage_override(s: Session, user: CurrentUser, case: Case, findings: list[Finding],
                          message: str, reason: str | None) -> None:
    """An approver's written reason for moving a stage on with open problems, kept in the audit
    entry of the case (who, when, why and what was open); an empty reason records nothing."""
    reason = (reason or "").strip()
    if not reason:
        raise AdvanceNeedsReason(message, findings, citations.titles(s))
    audit.append(s, user.actor, STAGE_OVERRIDE, case,
                 detail={"stage": case.stage, "reason": reason, "findings": [f.as_dict() for f in findings]})


@dataclass(frozen=True)
class OverrideView:
    """An approver's written override, for the case view: who, when (UTC), what and why."""
    by: str
    at: datetime
    what: str
    reason: str
    open_problems: int


def overrides_of(ctx: AppContext, case_id: int) -> list[OverrideView]:
    """Every override of one case, oldest first: stages moved on with open problems and a
    closing despite blocking findings."""
    with ctx.db.read() as s:
        case = _case(s, case_id)
        views = [OverrideView(person(s, e.actor), datetime.fromisoformat(e.ts), f"推进“{Stage(d['stage']).label}”环节",
                              d["reason"], len(d["findings"]))
                 for e in audit_entries(s, "case_file", case.audit_id) if e.action == STAGE_OVERRIDE
                 for d in (json.loads(e.detail),)]
        # one written after the closing is a binding's (the closing's shares the closing's transaction)
        views += [OverrideView(person(s, o.approver), o.created_at,
                               "立卷" if case.closed_at and o.created_at > case.closed_at else "结案", o.reason,
                               len(json.loads(o.findings)))
                  for o in s.scalars(select(ComplianceOverride).where(ComplianceOverride.case_id == case_id))]
        return sorted(views, key=lambda v: v.at)


def close_case(ctx: AppContext, user: CurrentUser, case_id: int, expected_version: int,
               override_reason: str | None = None) -> list[Finding]:
    """Close a case in its last stage when no BLOCKING finding stands (checked for closing).

    With BLOCKING findings only an approver closes it, and only with a written reason; the
    override and its audit entry are written in the same transaction as the closing. Returns
    the findings of the closing check (warnings, and any findings overridden).
    """
    try:
        with ctx.db.write() as s:
            case = _case(s, case_id, lock=True)    # the version compared is the committed one, and stays so
            if case.version != expected_version:
                raise StaleDataError()
            _ready_to_close(case)
            findings = _findings(s, case, clock_today(), closing=True)
            if blocking(findings):
                _override(s, user, case, blocking(findings), override_reason)
            cases.advance(s, user.actor, case)
            return findings
    except StaleDataError as exc:
        raise ServiceError("该案件已被其他工作站修改，请刷新后再操作") from exc
