"""The compliance check as a pure function of a case snapshot, a profile and the forms."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from jlclient.domain.compliance import (
    GENERAL_DUTY, LAW_SCOPE, PARTY_DEADLINES, STAGE_REQUIREMENTS, AvFact, CaseSnapshot, Code,
    DeadlineFact, Finding, RecordFact, Severity, blocking, check, requirements_for,
)
from jlclient.domain.av_rules import DockRules
from jlclient.domain.deadlines import DeadlineStatus
from jlclient.domain.forms import FieldType, FormSpec, SignatureKind, parse_form
from jlclient.domain.model import START_MODES, CaseStatus, Procedure, Stage, StartMode, stages_for
from jlclient.domain.profile import NATIONAL_LAWS, RuleProfile, parse_profile

ROOT = Path(__file__).resolve().parents[2]
FORMS = {p.stem: parse_form(p.read_text(encoding="utf-8"), p.name) for p in sorted((ROOT / "forms").glob("*.toml"))}
PROFILES = {p.stem: parse_profile(p.read_text(encoding="utf-8"), p.name)
            for p in sorted((ROOT / "resources" / "profiles").glob("*.toml"))}
SEED_OF = {key: profile.seed for key, profile in PROFILES.items()}
ON = date(2026, 3, 2)
T0 = datetime(2026, 3, 2, 10, 0, 0)
OFFICERS = [{"name": "李娜", "cert_no": "13012601001"}, {"name": "王强", "cert_no": "13012601002"}]
SOURCE_RE = re.compile(r"(?:seed (\d{3})|(\S+)) Art\. [\d, -]+(?: ?¶\d+)?(?:\([一二三四五六七八九十]+\))*|(工作惯例)")


# ---------------------------------------------------------------- building snapshots


def signed(spec: FormSpec, **overrides) -> dict:
    """Every signature slot and officers list of a form filled in (other fields do not matter here)."""
    values = {f.key: list(OFFICERS) for f in spec.fields if f.type is FieldType.OFFICERS}
    if spec.method_field is not None:
        values[spec.method_field.key] = "DIRECT"
    for slot in spec.signatures:
        values[slot.key] = _signature(slot.kind)
    return {**values, **overrides}


def _signature(kind: SignatureKind) -> dict | None:
    if kind is SignatureKind.OFFICERS:
        return {"signers": list(OFFICERS), "date": ON.isoformat()}
    if kind is SignatureKind.PARTICIPANTS:
        return {"signers": [{"name": "周杰"}, {"name": "赵敏"}], "date": ON.isoformat()}
    if kind is SignatureKind.SEAL:
        return {"sealed": True, "date": ON.isoformat()}
    if kind is SignatureKind.SUBSTITUTE_RECIPIENT:
        return None
    extra = {"opinion": "同意"} if kind.has_opinion else {}
    return {"name": "王经理", "date": ON.isoformat(), **extra}


_ids = iter(range(1, 10_000))


def record(form: str, stage: Stage | None = None, **overrides) -> RecordFact:
    spec = FORMS[form]
    return RecordFact(next(_ids), form, stage or spec.stage, signed(spec, **overrides))


def av(stage: Stage, start: datetime = T0, seconds: int = 600, camera: str = "DSJ0001") -> AvFact:
    return AvFact(next(_ids), stage, camera, start, start + timedelta(seconds=seconds))


def procedure_of(key: str) -> Procedure:
    scope = PROFILES[key].procedures.procedures
    return Procedure.PERMIT if Procedure.PERMIT in scope else Procedure.PENALTY


def mode_of(procedure: Procedure) -> StartMode:
    return min(START_MODES[procedure], key=lambda m: m.value)


def complete(procedure: Procedure, stage: Stage = Stage.ARCHIVING, mode: StartMode | None = None,
             **changes) -> CaseSnapshot:
    """A case holding the first form of each requirement that applies to it, in every stage up to
    ``stage``, and filmed throughout."""
    mode = mode or mode_of(procedure)
    order = stages_for(procedure, mode)
    reached = order[:order.index(stage) + 1]
    base = CaseSnapshot(procedure, mode, stage, CaseStatus.OPEN, (), tuple(av(s) for s in reached), 2)
    records = tuple(record(r.forms[0], r.stage) for r in requirements_for(procedure, mode)
                    if r.stage in reached and r.when(base) is not None)
    # and what an agency's own regulation requires of every such case (profile [[records]])
    own = {r.form for p in PROFILES.values() for r in p.records
           if r.required and (not r.procedures or procedure in r.procedures)}
    records += tuple(record(f) for f in sorted(own) if FORMS[f].stage in reached)
    return replace(base, records=records, **changes)


def without(snapshot: CaseSnapshot, *forms: str) -> CaseSnapshot:
    return replace(snapshot, records=tuple(r for r in snapshot.records if r.form not in forms))


def plus(snapshot: CaseSnapshot, *records: RecordFact) -> CaseSnapshot:
    return replace(snapshot, records=snapshot.records + records)


def run(snapshot: CaseSnapshot, key: str = "lingshou-approval", **kw) -> list[Finding]:
    return check(snapshot, PROFILES[key], FORMS, **kw)


def codes(findings: list[Finding]) -> list[tuple[Code, Severity, Stage | None]]:
    return [(f.code, f.severity, f.stage) for f in findings]


# ---------------------------------------------------------------- purity and shape


def test_the_module_imports_no_qt_and_no_sql():
    code = ("import sys, jlclient.domain.compliance; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'sqlalchemy', 'shiboken6')]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_every_required_form_exists_and_belongs_to_its_stage_and_procedures():
    for req in STAGE_REQUIREMENTS:
        for form in req.forms:
            spec = FORMS[form]
            assert req.stage in spec.stages, (req.key, form)
            assert set(req.procedures) <= set(spec.procedures), (req.key, form)
        assert req.basis, req.key


def test_every_requirement_cites_only_the_agencys_own_seed_or_a_law_that_governs_the_procedure():
    for key, profile in PROFILES.items():
        for procedure in profile.procedures.procedures:
            for mode in START_MODES[procedure]:
                snapshot = CaseSnapshot(procedure, mode, Stage.ARCHIVING, CaseStatus.OPEN, officer_count=2)
                for finding in run(snapshot, key, closing=True):
                    assert_cites_own_rules(finding.basis, profile, procedure)


def assert_cites_own_rules(basis: str, profile: RuleProfile, procedure: Procedure) -> None:
    cited = SOURCE_RE.findall(basis)
    assert cited and "；".join(m.group(0) for m in SOURCE_RE.finditer(basis)) == basis, basis
    for seed, law, practice in cited:
        assert practice or seed == profile.seed or (law in NATIONAL_LAWS and procedure in LAW_SCOPE.get(law, set(Procedure))), \
            (profile.key, basis)


def test_the_general_duty_covers_every_shipped_seed():
    assert set(GENERAL_DUTY) == set(SEED_OF.values())


def test_a_finding_reads_and_serialises():
    finding = run(without(complete(Procedure.PERMIT), "permit_decision", "permit_refusal"))[0]
    titles = {"000": PROFILES["lingshou-approval"].regulation.title}
    assert finding.text(titles) == "[决定] 决定环节缺少已完成的“准予行政许可决定书”或“不予行政许可决定书”" \
        "（《中华人民共和国行政许可法》第三十八条；《灵寿县行政审批局行政执法全过程记录办法》第九条）"
    assert "seed" not in str(finding) and "Art." not in str(finding)     # no title at hand: a neutral one
    assert json.loads(json.dumps(finding.as_dict(), ensure_ascii=False)) == {
        "code": "record_missing", "severity": "blocking", "stage": "DECISION", "message": finding.message,
        "basis": "行政许可法 Art. 38；seed 000 Art. 9", "record_id": None, "av_record_id": None}
    assert finding.blocking and Severity.BLOCKING.label == "阻断" and Code.AV_MISSING.label == "缺少音像记录"


# ---------------------------------------------------------------- complete cases and stage records


@pytest.mark.parametrize("key", sorted(PROFILES))
def test_a_complete_case_has_no_findings_under_every_profile(key):
    snapshot = complete(procedure_of(key))
    assert run(snapshot, key) == []
    assert run(snapshot, key, closing=True) == []


@pytest.mark.parametrize("procedure", list(Procedure))
def test_every_procedure_and_start_mode_can_be_complete(procedure):
    for mode in START_MODES[procedure]:
        assert run(complete(procedure, mode=mode), "fushun-hrss", closing=True) == []


def test_only_stages_left_block_and_the_current_stage_warns():
    at_decision = without(complete(Procedure.PERMIT, Stage.DECISION), "decision_approval", "acceptance_notice")
    found = codes(run(at_decision))
    assert found == [(Code.RECORD_MISSING, Severity.BLOCKING, Stage.ACCEPTANCE),
                     (Code.RECORD_MISSING, Severity.WARNING, Stage.DECISION)]


def test_closing_requires_every_stage_even_the_current_one():
    at_service = complete(Procedure.PERMIT, Stage.SERVICE)
    assert run(at_service) == []
    closing = run(at_service, closing=True)
    assert codes(closing) == [(Code.RECORD_MISSING, Severity.BLOCKING, Stage.ARCHIVING)]
    assert "结案审批表" in closing[0].message and closing[0].basis == "seed 000 Art. 15, 28"


def test_a_closed_case_has_left_every_stage():
    closed = replace(without(complete(Procedure.PENALTY), "closing_approval"), status=CaseStatus.CLOSED)
    assert codes(run(closed, "bureau-002")) == [(Code.RECORD_MISSING, Severity.BLOCKING, Stage.ARCHIVING)]


def test_stages_not_reached_are_not_checked():
    assert run(CaseSnapshot(Procedure.PENALTY, StartMode.EX_OFFICIO, Stage.INITIATION, CaseStatus.OPEN,
                            officer_count=2)) == [
        Finding(Code.RECORD_MISSING, Severity.WARNING, Stage.INITIATION, "程序启动环节缺少已完成的“立案审批表”",
                "行政处罚法 Art. 54；seed 000 Art. 6")]


def test_one_of_several_forms_is_enough():
    refused = plus(without(complete(Procedure.PERMIT), "acceptance_notice"), record("refusal_notice"))
    assert run(refused) == []


def test_an_ex_officio_case_has_no_acceptance_stage():
    benefit = complete(Procedure.BENEFIT, mode=StartMode.EX_OFFICIO)
    assert not any(r.stage is Stage.ACCEPTANCE for r in benefit.records)
    assert run(benefit, "fushun-hrss", closing=True) == []


@pytest.mark.parametrize("key, basis", [
    ("lingshou-approval", "seed 000 Art. 9, 15"), ("fushun-hrss", "seed 001 Art. 8"),
    ("lingchuan-approval", "seed 004 Art. 3")])
def test_each_agency_is_cited_its_own_article(key, basis):
    findings = run(without(complete(Procedure.PERMIT), "decision_approval"), key)
    assert [(f.code, f.basis) for f in findings] == [(Code.RECORD_MISSING, basis)]


def test_a_seed_without_its_own_article_cites_its_general_duty():
    # seed 003 says nothing of service records: the whole process is recorded in the case file
    # (Art. 5); its case-file standard (Art. 10) does not ask for a closing approval either, which
    # is named as practice rather than under an article that does not say it
    penalty = without(complete(Procedure.PENALTY), "closing_approval")
    assert [f.basis for f in run(penalty, "changli-dapuhe")] == ["工作惯例"]
    inspection = without(complete(Procedure.INSPECTION), "service_return_receipt")
    assert [f.basis for f in run(inspection, "changli-dapuhe")] == ["seed 003 Art. 5"]


def test_a_correction_notice_is_required_only_when_materials_were_missing():
    permit = complete(Procedure.PERMIT)
    assert run(permit) == []
    missing = replace(permit, missing_materials=("营业执照或其他主体资格证明文件",))
    [finding] = run(missing)
    assert finding.stage is Stage.ACCEPTANCE and "补正材料通知书" in finding.message
    assert "缺：营业执照或其他主体资格证明文件" in finding.message
    assert finding.basis == "行政许可法 Art. 32；seed 000 Art. 7"
    assert run(plus(missing, record("correction_notice"))) == []


def test_a_penalty_without_legal_review_gets_a_warning_only():
    findings = run(without(complete(Procedure.PENALTY), "legal_review"), "bureau-002", closing=True)
    assert codes(findings) == [(Code.RECORD_MISSING, Severity.WARNING, Stage.DECISION)]
    assert "第五十八条" in findings[0].message and findings[0].basis == "行政处罚法 Art. 58"
    assert blocking(findings) == []


@pytest.mark.parametrize("flag, form", [("legal_review_done", "legal_review"),
                                        ("collective_discussion_done", "collective_discussion")])
def test_a_review_or_discussion_the_approval_claims_must_be_on_file(flag, form):
    permit = complete(Procedure.PERMIT)
    ticked = replace(permit, records=tuple(replace(r, values={**r.values, flag: True})
                                           if r.form == "decision_approval" else r for r in permit.records))
    findings = run(without(ticked, form))
    assert codes(findings) == [(Code.RECORD_MISSING, Severity.BLOCKING, Stage.DECISION)]
    assert FORMS[form].title in findings[0].message and findings[0].basis == "seed 000 Art. 9"
    assert run(plus(without(ticked, form), record(form))) == []


def test_the_rights_notice_must_precede_the_decision():
    penalty = complete(Procedure.PENALTY)
    late = replace(penalty, records=tuple(
        replace(r, values={**r.values, "notified_on": "2026-03-05"}) if r.form == "rights_notice" else
        replace(r, values={**r.values, "decided_on": "2026-03-04"}) if r.form == "penalty_decision" else r
        for r in penalty.records))
    [finding] = run(late, "bureau-002")
    assert (finding.code, finding.stage, finding.basis) == (Code.RECORD_ORDER, Stage.DECISION, "行政处罚法 Art. 44, 62")
    assert finding.record_id == next(r.record_id for r in late.records if r.form == "penalty_decision")


# ---------------------------------------------------------------- AV


def test_an_inspection_the_profile_films_needs_av_in_its_stage():
    permit = plus(replace(complete(Procedure.PERMIT), av_records=(av(Stage.ACCEPTANCE),)), record("inspection_record"))
    [finding] = run(permit)
    inspection = next(r for r in permit.records if r.form == "inspection_record")
    assert (finding.code, finding.severity, finding.stage, finding.basis, finding.record_id) == (
        Code.AV_MISSING, Severity.BLOCKING, Stage.INVESTIGATION, "seed 000 Art. 19", inspection.record_id)
    assert run(permit, "fushun-hrss") == []   # recommended only there (seed 001 Art. 11)


def test_av_missing_in_the_current_stage_is_a_warning():
    at_investigation = plus(replace(complete(Procedure.PERMIT, Stage.INVESTIGATION), av_records=()),
                            record("inspection_record"))
    assert codes(run(at_investigation)) == [(Code.AV_MISSING, Severity.WARNING, Stage.INVESTIGATION)]
    assert codes(run(at_investigation, closing=True))[0][1] is Severity.BLOCKING


def test_the_chosen_service_method_decides_av():
    lodged = {"method": "LODGED"}
    permit = replace(complete(Procedure.PERMIT), av_records=(av(Stage.INVESTIGATION),))
    service = plus(without(permit, "service_return_receipt"), record("service_return_receipt", **lodged))
    [finding] = run(service, "lingchuan-approval")
    assert (finding.code, finding.stage, finding.basis) == (Code.AV_MISSING, Stage.SERVICE, "seed 004 Art. 10, 15")
    assert run(permit, "lingchuan-approval") == []   # served directly: no AV required


def test_evidence_preservation_needs_av_under_seed_002():
    penalty = plus(replace(complete(Procedure.PENALTY), av_records=()), record("evidence_preservation_notice"))
    assert [(f.code, f.basis) for f in run(penalty, "bureau-002")] == [(Code.AV_MISSING, "seed 002 Art. 5")]


def test_seed_003_films_the_investigation_of_a_penalty_as_a_whole():
    penalty = replace(complete(Procedure.PENALTY), av_records=(av(Stage.SERVICE),))
    [finding] = run(penalty, "changli-dapuhe")
    assert (finding.code, finding.stage, finding.basis, finding.record_id) == (
        Code.AV_MISSING, Stage.INVESTIGATION, "seed 003 Art. 18", None)
    assert run(penalty, "bureau-002") == []
    inspection = replace(complete(Procedure.INSPECTION), av_records=())
    assert run(inspection, "changli-dapuhe") == []   # routine inspections are not investigations of violations


# ---------------------------------------------------------------- signatures and officers


def test_a_final_record_without_officer_signatures_is_found():
    permit = complete(Procedure.PERMIT)
    bad = record("inspection_record", officers_signature=None)
    findings = run(plus(without(permit, "inspection_record"), bad))
    assert [(f.code, f.stage, f.record_id) for f in findings] == [
        (Code.OFFICERS_MISSING, Stage.INVESTIGATION, bad.record_id)]
    assert "检查（勘验）人员签名" in findings[0].message and findings[0].basis == "seed 000 Art. 14"


@pytest.mark.parametrize("key, basis", [("lingshou-approval", "seed 000 Art. 14"),
                                        ("fushun-hrss", "seed 001 Art. 8"),
                                        ("lingchuan-approval", "seed 004 Art. 11")])
def test_a_refusal_to_sign_needs_a_second_officer(key, basis):
    refused = record("inspection_record", party_signature={"refused": True, "note": "拒绝签字", "date": "2026-03-02"},
                     officers_signature={"signers": OFFICERS[:1], "date": "2026-03-02"})
    findings = run(plus(without(complete(Procedure.PERMIT), "inspection_record"), refused), key)
    assert [(f.code, f.basis) for f in findings] == [(Code.OFFICERS_MISSING, basis)]
    assert "2 名以上" in findings[0].message and "（seed" not in findings[0].message


def test_a_missing_seal_or_opinion_is_a_signature_finding():
    permit = without(complete(Procedure.PERMIT), "permit_decision", "decision_approval")
    unsealed = record("permit_decision", seal=None)
    no_opinion = record("decision_approval", approver={"name": "周杰", "date": "2026-03-02"})
    findings = run(plus(permit, unsealed, no_opinion))
    assert sorted((f.code, f.record_id) for f in findings) == [
        (Code.SIGNATURE_MISSING, unsealed.record_id), (Code.SIGNATURE_MISSING, no_opinion.record_id)]
    assert {f.basis for f in findings} == {"seed 000 Art. 13", "seed 000 Art. 15"}


def test_other_field_problems_and_unknown_forms_are_not_signature_findings():
    permit = plus(complete(Procedure.PERMIT), RecordFact(9999, "intake", Stage.INITIATION, {"事项": "食品经营许可"}))
    assert run(permit) == []   # the records' fields are mostly empty: only signatures count here


def test_a_penalty_needs_two_officers_on_the_case_and_on_its_records():
    penalty = complete(Procedure.PENALTY, officer_count=1)
    findings = run(penalty, "bureau-002")
    assert codes(findings) == [(Code.OFFICERS_MISSING, Severity.BLOCKING, None)]
    assert findings[0].basis == "行政处罚法 Art. 42" and "只有 1 人" in findings[0].message
    assert run(complete(Procedure.PERMIT, officer_count=1)) == []
    one = record("inquiry_record", officers=OFFICERS[:1],
                 officers_signature={"signers": OFFICERS[:1], "date": "2026-03-02"})
    findings = run(plus(without(complete(Procedure.PENALTY), "inquiry_record"), one), "changli-dapuhe")
    assert [(f.code, f.basis) for f in findings] == [(Code.OFFICERS_MISSING, "行政处罚法 Art. 42")] * 2


# ---------------------------------------------------------------- interruptions


def _gap(stage: Stage, pause_seconds: int, camera: str = "DSJ0009") -> tuple[AvFact, AvFact]:
    first = av(stage, T0, 300, camera)
    return first, av(stage, first.ended_at + timedelta(seconds=pause_seconds), 300, camera)


@pytest.mark.parametrize("key, basis", [
    ("lingshou-approval", "seed 000 Art. 22"), ("fushun-hrss", "seed 001 Art. 12(四)"),
    ("bureau-002", "seed 002 Art. 2"), ("changli-dapuhe", "seed 003 Art. 18"),
    ("lingchuan-approval", "seed 004 Art. 15")])
def test_an_unexplained_interruption_is_found_with_the_agencys_rule(key, basis):
    base = complete(procedure_of(key))
    before, after = _gap(Stage.INVESTIGATION, 120)
    findings = run(replace(base, av_records=base.av_records + (before, after)), key)
    assert [(f.code, f.stage, f.basis, f.av_record_id) for f in findings] == [
        (Code.INTERRUPTION_UNEXPLAINED, Stage.INVESTIGATION, basis, after.record_id)]
    assert "DSJ0009" in findings[0].message and "中断 120 秒" in findings[0].message


def test_short_pauses_new_sessions_other_cameras_and_other_stages_are_not_interruptions():
    base = complete(Procedure.PERMIT)
    rules = DockRules()
    first, _ = _gap(Stage.INVESTIGATION, 0)
    short = _gap(Stage.INVESTIGATION, int(rules.interruption_after.total_seconds()))
    later_session = _gap(Stage.INVESTIGATION, int(rules.new_session_after.total_seconds()) + 1)
    other_camera = (first, replace(_gap(Stage.INVESTIGATION, 600)[1], camera="DSJ0010"))
    other_stage = (first, replace(_gap(Stage.INVESTIGATION, 600)[1], stage=Stage.SERVICE))
    for pair in (short, later_session, other_camera, other_stage):
        assert run(replace(base, av_records=base.av_records + pair)) == []


def test_the_thresholds_are_settings():
    base = complete(Procedure.PERMIT)
    with_gap = replace(base, av_records=base.av_records + _gap(Stage.INVESTIGATION, 30))
    assert codes(run(with_gap))[0][0] is Code.INTERRUPTION_UNEXPLAINED
    assert run(with_gap, rules=DockRules(interruption_after=timedelta(seconds=45))) == []
    assert run(with_gap, rules=DockRules(new_session_after=timedelta(seconds=20))) == []


def test_a_reason_spoken_at_restart_explains_that_interruption_only():
    base = complete(Procedure.PERMIT)
    first, second = _gap(Stage.INVESTIGATION, 120)
    third = av(Stage.INVESTIGATION, second.ended_at + timedelta(seconds=90), 300, "DSJ0009")
    spoken = replace(base, av_records=base.av_records + (first, replace(second, explained=True), third))
    assert [(f.code, f.av_record_id) for f in run(spoken)] == [(Code.INTERRUPTION_UNEXPLAINED, third.record_id)]


@pytest.mark.parametrize("key, hours_late_ok, basis", [
    ("lingshou-approval", 23, "seed 000 Art. 23"), ("changli-dapuhe", 23, "seed 003 Art. 11"),
    ("lingchuan-approval", 30, "seed 004 Art. 18"),
    ("fushun-hrss", 24 * 30, None), ("bureau-002", 24 * 30, None)])   # these two set no upload deadline
def test_footage_stored_after_the_upload_deadline_is_a_finding(key, hours_late_ok, basis):
    base = complete(procedure_of(key))
    clip = av(Stage.INVESTIGATION)   # ends Monday 2026-03-02 10:10
    in_time = replace(clip, uploaded_at=clip.ended_at + timedelta(hours=hours_late_ok))
    late = replace(clip, uploaded_at=clip.ended_at + timedelta(days=3))
    assert run(replace(base, av_records=base.av_records + (in_time,)), key) == []
    findings = run(replace(base, av_records=base.av_records + (late,)), key)
    expected = [(Code.AV_UPLOAD_LATE, basis, clip.record_id)] if basis else []
    assert [(f.code, f.basis, f.av_record_id) for f in findings] == expected


def test_remote_duty_counts_the_upload_deadline_from_the_return():
    base = complete(Procedure.PERMIT)
    clip = av(Stage.INVESTIGATION)
    back = clip.ended_at + timedelta(days=3)
    remote = replace(clip, uploaded_at=back + timedelta(hours=20), returned_at=back)
    assert run(replace(base, av_records=base.av_records + (remote,))) == []


def test_a_statement_in_the_stage_explains_its_interruptions():
    base = complete(Procedure.PERMIT)
    gapped = replace(base, av_records=base.av_records + _gap(Stage.INVESTIGATION, 600))
    assert run(plus(gapped, record("interruption_statement", Stage.INVESTIGATION))) == []
    assert codes(run(plus(gapped, record("interruption_statement", Stage.SERVICE))))[0][0] is \
        Code.INTERRUPTION_UNEXPLAINED


def test_footage_without_camera_or_times_is_left_out_of_the_gap_analysis():
    base = complete(Procedure.PERMIT)
    loose = (AvFact(1, Stage.INVESTIGATION, None, T0, T0), AvFact(2, Stage.INVESTIGATION, "DSJ0001", None, None))
    assert run(replace(base, av_records=base.av_records + loose)) == []


# ---------------------------------------------------------------- deadlines


def _deadline(code: str, status: DeadlineStatus, met_late: bool = False) -> DeadlineFact:
    return DeadlineFact(code, "作出行政许可决定", "行政许可法 Art. 42", date(2026, 3, 30), status, met_late)


def test_an_overdue_or_late_deadline_blocks_with_its_rule():
    overdue = run(complete(Procedure.PERMIT, deadlines=(_deadline("permit_decision", DeadlineStatus.OVERDUE),)))
    assert [(f.code, f.severity, f.stage, f.basis) for f in overdue] == [
        (Code.DEADLINE_OVERDUE, Severity.BLOCKING, None, "行政许可法 Art. 42")]
    assert "2026-03-30 届满" in overdue[0].message
    late = run(complete(Procedure.PERMIT, deadlines=(_deadline("permit_decision", DeadlineStatus.DONE, True),)))
    assert [(f.code, f.basis) for f in late] == [(Code.DEADLINE_LATE, "行政许可法 Art. 42")]


def test_running_deadlines_met_in_time_and_the_partys_own_are_not_findings():
    fine = [_deadline(code, DeadlineStatus.OVERDUE) for code in sorted(PARTY_DEADLINES)]
    fine += [_deadline("permit_decision", s) for s in (DeadlineStatus.OK, DeadlineStatus.WARNING, DeadlineStatus.DONE)]
    assert run(complete(Procedure.PERMIT, deadlines=tuple(fine))) == []


def test_findings_come_case_wide_first_then_by_stage():
    messy = complete(Procedure.PENALTY, officer_count=1,
                     deadlines=(_deadline("penalty_decision", DeadlineStatus.OVERDUE),))
    messy = without(messy, "closing_approval", "case_approval", "penalty_decision")
    stages = [f.stage for f in run(messy, "bureau-002")]
    assert stages == [None, None, Stage.INITIATION, Stage.DECISION, Stage.ARCHIVING]


def test_a_record_the_agencys_own_regulation_requires_is_found_missing():
    """issue 16: seed 002 Art. 6 asks every penalty case for a 调查终结报告 (profile [[records]]); other
    agencies' regulations do not, and a draft does not count."""
    case = without(complete(Procedure.PENALTY), "investigation_report")
    [found] = [f for f in run(case, "bureau-002") if f.code is Code.RECORD_MISSING]
    assert (found.stage, found.severity, found.basis) == (Stage.INVESTIGATION, Severity.BLOCKING, "seed 002 Art. 6")
    assert "案件调查终结报告" in found.message
    assert not [f for f in run(case, "changli-dapuhe") if f.code is Code.RECORD_MISSING]
    assert not [f for f in run(complete(Procedure.PENALTY), "bureau-002") if f.code is Code.RECORD_MISSING]
