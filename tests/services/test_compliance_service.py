"""Compliance check of real cases under each agency profile, and closing only when it passes."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from jlclient.domain.audit import canonical_json
from jlclient.domain.compliance import Code, Severity
from jlclient.domain.model import CaseStatus, Procedure, Stage
from jlclient.services import cases, compliance, records, setup
from jlclient.services.auth import CurrentUser, current_user
from jlclient.services.context import ServiceError
from jlclient.services.profiles import load_profile
from jlclient.services.verify import verify
from jlclient.store.audit import entries_for, utcnow
from jlclient.store.models import Case, ComplianceOverride, User
from tests.support import case_builder as cb
from tests.support.case_builder import build_case

# What each agency's check must cite, by kind of gap (None: the profile has no such rule).
EXPECTED = {
    "lingshou-approval": {"record": "seed 000 Art. 9, 15", "av": "seed 000 Art. 19", "officers": "seed 000 Art. 14",
                          "interruption": "seed 000 Art. 22"},
    "fushun-hrss": {"record": "seed 001 Art. 8", "av": None, "officers": "seed 001 Art. 8",
                    "interruption": "seed 001 Art. 12(四)"},
    "bureau-002": {"record": "行政处罚法 Art. 54", "av": "seed 002 Art. 5", "officers": "行政处罚法 Art. 42",
                   "interruption": "seed 002 Art. 2"},
    "changli-dapuhe": {"record": "行政处罚法 Art. 54", "av": "seed 003 Art. 18", "officers": "行政处罚法 Art. 42",
                       "interruption": "seed 003 Art. 18"},
    "lingchuan-approval": {"record": "seed 004 Art. 3", "av": "seed 004 Art. 10, 15", "officers": "seed 004 Art. 11",
                           "interruption": "seed 004 Art. 15"},
}
# The stage record left out for the missing-record case, by procedure.
LEFT_OUT = {Procedure.PERMIT: ("decision_approval", Stage.DECISION),
            Procedure.PENALTY: ("case_approval", Stage.INITIATION)}
# The decision deadline of each procedure: overdue when the case sits in its investigation.
DECISION_DEADLINE = {Procedure.PERMIT: "行政许可法 Art. 42", Procedure.PENALTY: "行政处罚法 Art. 60"}
# What a case opened long ago and worked through today has met late.
LATE = {Procedure.PERMIT: "行政许可法 Art. 32", Procedure.PENALTY: "行政处罚法 Art. 60"}


class Agency:
    def __init__(self, ctx, key: str):
        self.ctx, self.key, self.expected = ctx, key, EXPECTED[key]
        self.profile = load_profile(key)
        scope = self.profile.procedures.procedures
        self.procedure = Procedure.PERMIT if Procedure.PERMIT in scope else Procedure.PENALTY

    def build(self, **kw) -> int:
        return build_case(self.ctx, self.procedure, **kw)

    def check(self, case_id: int, **kw):
        return compliance.check_case(self.ctx, case_id, **kw)


@pytest.fixture(params=sorted(EXPECTED))
def agency(demo_ctx, request) -> Agency:
    setup.set_profile(demo_ctx, "cli:test", request.param)
    return Agency(demo_ctx, request.param)


def user(ctx, username: str) -> CurrentUser:
    with ctx.db.read() as s:
        return current_user(s.scalar(select(User).where(User.username == username)))


def status(ctx, case_id: int) -> CaseStatus:
    return cases.case_detail(ctx, case_id).row.status


# ---------------------------------------------------------------- each profile


def test_a_complete_case_passes_and_closes_without_override(agency):
    case_id = agency.build()
    assert agency.check(case_id) == []
    assert agency.check(case_id, closing=True) == []
    officer = user(agency.ctx, "officer")
    assert compliance.close_case(agency.ctx, officer, case_id, cb.version(agency.ctx, case_id)) == []
    assert status(agency.ctx, case_id) is CaseStatus.CLOSED
    with agency.ctx.db.read() as s:
        assert s.scalars(select(ComplianceOverride).where(ComplianceOverride.case_id == case_id)).all() == []
    assert agency.check(case_id) == []   # a closed case: every stage left, nothing missing
    assert verify(agency.ctx).ok


def test_a_missing_stage_record_is_cited(agency):
    form, stage = LEFT_OUT[agency.procedure]
    case_id = agency.build(skip=(form,))
    [finding] = agency.check(case_id)
    assert (finding.code, finding.severity, finding.stage) == (Code.RECORD_MISSING, Severity.BLOCKING, stage)
    assert finding.basis == agency.expected["record"]


def test_a_draft_does_not_count_as_the_record(agency):
    form, stage = LEFT_OUT[agency.procedure]
    case_id = agency.build(skip=(form,))
    records.save_form(agency.ctx, cb.ACTOR, case_id, form, cb.form_values(form, agency.procedure), final=False)
    assert [f.code for f in agency.check(case_id)] == [Code.RECORD_MISSING]


def _av_gap(agency: Agency) -> int:
    """A case missing the footage this agency's profile requires (its own kind of act)."""
    if agency.key == "bureau-002":
        return agency.build(av=False, extra={Stage.INVESTIGATION: ("evidence_preservation_notice",)})
    if agency.key == "lingchuan-approval":
        return agency.build(values={"service_return_receipt": cb.lodged_service()})
    return agency.build(av=False)


def test_missing_av_is_found_where_the_profile_requires_it(agency):
    case_id = _av_gap(agency)
    findings = agency.check(case_id)
    if agency.expected["av"] is None:   # seed 001 requires AV for seizures (tested below), not for this gap
        assert findings == []
        return
    [finding] = findings
    assert (finding.code, finding.severity) == (Code.AV_MISSING, Severity.BLOCKING)
    assert finding.basis == agency.expected["av"]
    cb.add_av(agency.ctx, case_id, finding.stage)
    assert agency.check(case_id) == []


def _refused_with_one_officer(agency: Agency, case_id: int) -> None:
    code = "inspection_record" if agency.procedure is Procedure.PERMIT else "inquiry_record"
    one = cb.officers_signed(date.today(), cb.OFFICERS[:1])
    party = "party_signature" if code == "inspection_record" else "interviewee_signature"
    values = cb.form_values(code, agency.procedure, officers_signature=one,
                            **{party: {"refused": True, "note": "当事人拒绝签字", "date": date.today().isoformat()}})
    cb.import_record(agency.ctx, case_id, Stage.INVESTIGATION, code, values)


def test_a_missing_second_officer_is_found(agency):
    case_id = agency.build()
    _refused_with_one_officer(agency, case_id)
    findings = agency.check(case_id)
    assert {(f.code, f.stage) for f in findings} == {(Code.OFFICERS_MISSING, Stage.INVESTIGATION)}
    assert agency.expected["officers"] in {f.basis for f in findings}


PENALTY_AGENCIES = [k for k in sorted(EXPECTED) if Procedure.PENALTY in load_profile(k).procedures.procedures]


@pytest.mark.parametrize("key", PENALTY_AGENCIES)
def test_a_penalty_case_with_one_officer_is_found(demo_ctx, key):
    setup.set_profile(demo_ctx, "cli:test", key)
    agency = Agency(demo_ctx, key)
    case_id = build_case(agency.ctx, Procedure.PENALTY, officers=1)
    [finding] = agency.check(case_id)
    assert (finding.code, finding.stage, finding.basis) == (Code.OFFICERS_MISSING, None, "行政处罚法 Art. 42")


def test_an_overdue_deadline_is_found(agency):
    case_id = agency.build(until=Stage.INVESTIGATION)
    assert agency.check(case_id) == []
    [finding] = agency.check(case_id, today=date.today() + timedelta(days=120))
    assert (finding.code, finding.severity, finding.basis) == (
        Code.DEADLINE_OVERDUE, Severity.BLOCKING, DECISION_DEADLINE[agency.procedure])


def test_a_deadline_met_late_is_found(agency):
    # the periods run from the days written on the records (立案 approved, materials received), so
    # those are 120 days back, not only the day the case was entered
    then = utcnow() - timedelta(days=120)
    day = then.date()
    started = {"case_approval": {"discovered_on": day.isoformat(), "handler": cb.opinion("李娜", "拟同意", day),
                                 "reviewer": cb.opinion("王强", "同意", day), "approver": cb.opinion("周杰", "同意", day)},
               "materials_receipt": {"received_at": f"{day.isoformat()}T09:00:00", "clerk": cb.signed("张伟", day),
                                     "seal": cb.sealed(day)}}
    case_id = agency.build(opened_at=then, values=started)
    [finding] = agency.check(case_id)
    assert (finding.code, finding.basis) == (Code.DEADLINE_LATE, LATE[agency.procedure])


def test_an_unexplained_interruption_is_found_until_stated(agency):
    case_id = agency.build()
    start = datetime(2026, 3, 2, 10, 0, 0)
    first = cb.add_av(agency.ctx, case_id, Stage.INVESTIGATION, camera="DSJ0002", start=start, seconds=300)
    second = cb.add_av(agency.ctx, case_id, Stage.INVESTIGATION, camera="DSJ0002",
                       start=start + timedelta(seconds=300 + 150), seconds=300)
    [finding] = agency.check(case_id)
    assert (finding.code, finding.stage, finding.basis, finding.av_record_id) == (
        Code.INTERRUPTION_UNEXPLAINED, Stage.INVESTIGATION, agency.expected["interruption"], second)
    assert first != second and "中断 150 秒" in finding.message
    cb.save(agency.ctx, case_id, "interruption_statement", agency.procedure)
    assert agency.check(case_id) == []


# ---------------------------------------------------------------- materials and snapshots


def test_missing_materials_call_for_a_correction_notice(demo_ctx):
    receipt = cb.form_values("materials_receipt")
    values = {"materials_receipt": {"materials": receipt["materials"][1:]}}
    case_id = build_case(demo_ctx, Procedure.PERMIT, values=values)
    [finding] = compliance.check_case(demo_ctx, case_id)
    assert finding.stage is Stage.ACCEPTANCE and receipt["materials"][0]["name"] in finding.message
    assert finding.basis == "行政许可法 Art. 32；seed 000 Art. 7"
    cb.save(demo_ctx, case_id, "correction_notice", Procedure.PERMIT)
    assert compliance.check_case(demo_ctx, case_id) == []


def test_the_snapshot_reads_the_newest_final_revision_and_the_footage(demo_ctx):
    case_id = build_case(demo_ctx, Procedure.PENALTY, until=Stage.INVESTIGATION)
    [inquiry] = [r for r in records.records_of(demo_ctx, case_id) if r.form == "inquiry_record"]
    records.save_form(demo_ctx, cb.ACTOR, case_id, "inquiry_record", {"place": "草稿"}, final=False, record_id=inquiry.id,
                      note="询问地点待核")
    with demo_ctx.db.read() as s:
        snap = compliance.snapshot(s, s.get(Case, case_id), date.today())
    assert (snap.procedure, snap.stage, snap.status, snap.officer_count) == (
        Procedure.PENALTY, Stage.INVESTIGATION, CaseStatus.OPEN, 2)
    assert snap.stages_passed == (Stage.INITIATION,)
    [fact] = snap.records_of("inquiry_record")
    assert fact.record_id == inquiry.id and fact.values["place"] != "草稿"
    [footage] = snap.av_records
    assert (footage.stage, footage.camera) == (Stage.INVESTIGATION, cb.CAMERA)
    assert "penalty_decision" in {d.rule_code for d in snap.deadlines}


def test_an_unknown_case_is_refused(demo_ctx):
    with pytest.raises(ServiceError, match="案件不存在"):
        compliance.check_case(demo_ctx, 999_999)


# ---------------------------------------------------------------- closing


def _gapped_case(ctx) -> int:
    """A case at its last stage whose decision approval is missing."""
    return build_case(ctx, Procedure.PERMIT, skip=("decision_approval",))


def test_closing_is_refused_while_blocking_findings_stand(demo_ctx):
    case_id = _gapped_case(demo_ctx)
    with pytest.raises(compliance.ComplianceBlocked) as refused:
        compliance.close_case(demo_ctx, user(demo_ctx, "officer"), case_id, cb.version(demo_ctx, case_id))
    assert isinstance(refused.value, ServiceError)
    assert [f.code for f in refused.value.findings] == [Code.RECORD_MISSING]
    assert "行政执法决定审批表" in str(refused.value) and "《灵寿县行政审批局行政执法全过程记录办法》第九条、第十五条" in str(refused.value)
    assert "seed" not in str(refused.value) and refused.value.findings[0].basis == "seed 000 Art. 9, 15"
    assert status(demo_ctx, case_id) is CaseStatus.OPEN


def test_only_an_approver_may_override_and_only_with_a_reason(demo_ctx):
    case_id = _gapped_case(demo_ctx)
    version = cb.version(demo_ctx, case_id)
    with pytest.raises(compliance.ComplianceBlocked, match="负责人"):
        compliance.close_case(demo_ctx, user(demo_ctx, "officer"), case_id, version, override_reason="急需结案")
    for blank in (None, "   "):
        with pytest.raises(compliance.ComplianceBlocked, match="书面理由"):
            compliance.close_case(demo_ctx, user(demo_ctx, "approver"), case_id, version, override_reason=blank)
    assert status(demo_ctx, case_id) is CaseStatus.OPEN
    with demo_ctx.db.read() as s:
        assert s.scalars(select(ComplianceOverride).where(ComplianceOverride.case_id == case_id)).all() == []
    assert cb.version(demo_ctx, case_id) == version


def test_an_approver_does_not_approve_the_exceptions_of_their_own_case(demo_ctx):
    """Separation of duties (issue 14): an approver who is also one of the case's officers cannot
    write the override that closes their own case; nothing is recorded."""
    from jlclient.domain.model import Role
    from jlclient.services import users
    users.set_roles(demo_ctx, "user:admin", "officer", frozenset({Role.OFFICER, Role.APPROVER}))
    case_id = build_case(demo_ctx, Procedure.PENALTY, skip=("decision_approval",))
    version = cb.version(demo_ctx, case_id)
    with pytest.raises(ServiceError, match="您是本案的承办执法人员，不能对本案进行例外批准"):
        compliance.close_case(demo_ctx, user(demo_ctx, "officer"), case_id, version, override_reason="急需结案")
    assert status(demo_ctx, case_id) is CaseStatus.OPEN
    with demo_ctx.db.read() as s:
        assert s.scalars(select(ComplianceOverride).where(ComplianceOverride.case_id == case_id)).all() == []


@pytest.fixture
def demo_any(any_ctx):
    """The demo data on SQLite and on PostgreSQL."""
    setup.initialise(any_ctx, "cli:test")
    setup.seed_demo(any_ctx, "cli:test")
    return any_ctx


def test_an_approvers_override_is_kept_and_audited_with_the_closing(demo_any):
    demo_ctx = demo_any
    case_id = _gapped_case(demo_ctx)
    approver = user(demo_ctx, "approver")
    expected = [f.as_dict() for f in compliance.check_case(demo_ctx, case_id, closing=True) if f.blocking]
    closed = compliance.close_case(demo_ctx, approver, case_id, cb.version(demo_ctx, case_id),
                                   override_reason="审批表原件已归入纸质案卷，系统补录另行处理")
    assert [f.code for f in closed] == [Code.RECORD_MISSING]
    assert status(demo_ctx, case_id) is CaseStatus.CLOSED
    with demo_ctx.db.read() as s:
        [row] = s.scalars(select(ComplianceOverride).where(ComplianceOverride.case_id == case_id)).all()
        assert (row.case_id, row.approver) == (case_id, approver.actor)
        assert row.reason.startswith("审批表原件") and row.findings == canonical_json(expected)
        assert json.loads(row.findings)[0]["basis"] == "seed 000 Art. 9, 15"
        [entry] = entries_for(s, "compliance_override", str(row.id))
        assert (entry.action, entry.actor) == ("case.compliance_override", approver.actor)
        close = entries_for(s, "case_file", str(case_id))[-1]
        assert close.action == "case.close" and close.seq == entry.seq + 1   # one transaction, in order
    assert verify(demo_ctx).ok


def test_closing_checks_the_version_and_the_stage(demo_ctx):
    case_id = build_case(demo_ctx, Procedure.PERMIT)
    officer = user(demo_ctx, "officer")
    with pytest.raises(ServiceError, match="其他工作站"):
        compliance.close_case(demo_ctx, officer, case_id, cb.version(demo_ctx, case_id) - 1)
    early = build_case(demo_ctx, Procedure.PERMIT, until=Stage.SERVICE)
    with pytest.raises(ServiceError, match="尚在“送达”环节"):
        compliance.close_case(demo_ctx, officer, early, cb.version(demo_ctx, early))
    compliance.close_case(demo_ctx, officer, case_id, cb.version(demo_ctx, case_id))
    with pytest.raises(ServiceError, match="已结案"):
        compliance.close_case(demo_ctx, officer, case_id, cb.version(demo_ctx, case_id))
    with pytest.raises(ServiceError, match="案件不存在"):
        compliance.close_case(demo_ctx, officer, 999_999, 1)


def test_seizure_needs_footage_under_seed_001_and_starts_its_30_day_limit(demo_ctx):
    """seed 001 Art. 10: seizure or detention of property is filmed throughout; 行政强制法 Art. 25: 30 days."""
    from jlclient.services.deadlines import case_deadlines
    setup.set_profile(demo_ctx, "cli:test", "fushun-hrss")
    case_id = build_case(demo_ctx, Procedure.PENALTY, until=Stage.INVESTIGATION, av=False)
    assert compliance.check_case(demo_ctx, case_id) == []
    cb.save(demo_ctx, case_id, "seizure_decision", Procedure.PENALTY)
    [finding] = compliance.check_case(demo_ctx, case_id)
    assert (finding.code, finding.basis) == (Code.AV_MISSING, "seed 001 Art. 10")
    cb.add_av(demo_ctx, case_id, Stage.INVESTIGATION)
    assert compliance.check_case(demo_ctx, case_id) == []
    seizure = next(d for d in case_deadlines(demo_ctx, case_id) if d.rule_code == "coercion_seizure")
    assert "行政强制法 Art. 25" in seizure.basis and (seizure.due - seizure.start).days >= 30
