"""Compliance check (issue 3): one case against its agency's rule profile, as findings.

A :class:`CaseSnapshot` is the plain picture of a case the check needs (no ORM, no I/O);
:func:`check` turns it, the agency's :class:`RuleProfile` and the form definitions into
:class:`Finding` s. Every finding cites where its rule comes from — the agency's own seed
regulation or a national law — never another agency's regulation (the same rule the
profile parser enforces).

What is checked:

* **Stage records** (:data:`STAGE_REQUIREMENTS`): each stage of each procedure must hold a
  final record of certain forms. Only stages the case has left (all stages when checking
  for closing) must be complete: their gaps are BLOCKING; the current stage's are WARNING.
* **Order**: the notice of an intended penalty precedes the decision (行政处罚法 Art. 44, 62).
* **AV**: a final record whose form — or the service-method group chosen on it — the
  profile requires to be filmed (:func:`jlclient.domain.forms.av_required`) needs at least
  one AV record of the case in the record's stage; so does a stage the profile requires to be
  filmed as a whole (:data:`STAGE_AV_ACTS`).
* **Signatures and officers**: a final record whose values no longer pass
  ``validate_values(final=True)`` on a signature slot or an officers list (after a form
  definition changed, or an import); a penalty case with fewer than two officers assigned
  (行政处罚法 Art. 42).
* **Interruptions**: the AV records of one camera in one stage chained into recording sessions
  (:func:`jlclient.domain.av_rules.sessions`); a pause inside a session longer than the
  interruption threshold needs the reason spoken at restart (an :class:`AvFact` marked
  ``explained``) or a final ``interruption_statement`` in that stage.
* **Upload**: footage stored from a camera after the profile's upload deadline
  (:func:`jlclient.domain.av_rules.upload_late`).
* **Party told**: footage the officer linked saying the party was not told it was recorded.
* **Deadlines**: an overdue deadline, or one met late — the agency's deadlines only, not the
  party's (:data:`PARTY_DEADLINES`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable, Iterator, Mapping

from jlclient.domain.citation import in_words
from jlclient.domain.av_rules import DockRules, Segment, sessions, upload_due_warning, upload_late
from jlclient.domain.deadlines import DeadlineStatus
from jlclient.domain.forms import (PENALTY_OFFICERS, PENALTY_OFFICERS_BASIS, FieldProblem, FieldType, FormSpec,
                                   SignatureKind, active_method, av_required, validate_values)
from jlclient.domain.model import CaseStatus, LabelledEnum, Procedure, Stage, StartMode, stages_for
from jlclient.domain.profile import PRACTICE, Level, RuleProfile, Source


class Severity(LabelledEnum):
    BLOCKING = ("blocking", "阻断")  # the case cannot be closed until it is put right (or an approver overrides)
    WARNING = ("warning", "提醒")    # to look at; does not stop closing


class Code(LabelledEnum):
    """Kinds of finding."""
    RECORD_MISSING = ("record_missing", "缺少记录")
    RECORD_ORDER = ("record_order", "记录顺序不当")
    AV_MISSING = ("av_missing", "缺少音像记录")
    SIGNATURE_MISSING = ("signature_missing", "签名不全")
    OFFICERS_MISSING = ("officers_missing", "执法人员不足")
    INTERRUPTION_UNEXPLAINED = ("interruption_unexplained", "音像记录中断未说明")
    AV_UPLOAD_LATE = ("av_upload_late", "音像记录逾期上传")
    PARTY_NOT_TOLD = ("party_not_told", "未告知当事人音像记录")
    DEADLINE_OVERDUE = ("deadline_overdue", "已超过期限")
    DEADLINE_LATE = ("deadline_late", "逾期完成")


@dataclass(frozen=True)
class Finding:
    code: Code
    severity: Severity
    stage: Stage | None
    message: str              # Chinese, says what is wrong
    basis: str                # e.g. "seed 000 Art. 7" or "行政许可法 Art. 32；seed 000 Art. 7"
    record_id: int | None = None      # the text record concerned
    av_record_id: int | None = None   # the AV record concerned (interruptions)

    @property
    def blocking(self) -> bool:
        return self.severity is Severity.BLOCKING

    def as_dict(self) -> dict:
        return {"code": self.code.value, "severity": self.severity.value,
                "stage": self.stage.value if self.stage else None, "message": self.message, "basis": self.basis,
                "record_id": self.record_id, "av_record_id": self.av_record_id}

    def text(self, titles: Mapping[str, str]) -> str:
        """For people: the stage, the message and its basis in words (titles: seed → regulation title)."""
        where = f"[{self.stage.label}] " if self.stage else ""
        return in_words(f"{where}{self.message}（{self.basis}）", titles)

    def __str__(self) -> str:
        # without the agency's titles a seed is named by the neutral title, never by its number
        return self.text({})


# ---------------------------------------------------------------------------- the snapshot


@dataclass(frozen=True)
class RecordFact:
    """A finished text record: the values of its newest final revision."""
    record_id: int
    form: str
    stage: Stage
    values: Mapping[str, Any]


@dataclass(frozen=True)
class AvFact:
    record_id: int
    stage: Stage | None
    camera: str | None         # the body camera's serial
    started_at: datetime | None
    ended_at: datetime | None
    explained: bool = False    # the reason for the pause before it was spoken at restart (a note)
    uploaded_at: datetime | None = None   # stored from a docked camera (local time, like the others)
    returned_at: datetime | None = None   # remote or continuous duty: the return it counts from
    party_informed: bool | None = None    # the officer's confirmation when linking it


@dataclass(frozen=True)
class DeadlineFact:
    rule_code: str
    label: str
    basis: str                 # the rule's source, e.g. "行政许可法 Art. 42"
    due: date
    status: DeadlineStatus
    met_late: bool = False


@dataclass(frozen=True)
class CaseSnapshot:
    procedure: Procedure
    start_mode: StartMode
    stage: Stage               # the current stage
    status: CaseStatus
    records: tuple[RecordFact, ...] = ()
    av_records: tuple[AvFact, ...] = ()
    officer_count: int = 0
    deadlines: tuple[DeadlineFact, ...] = ()
    missing_materials: tuple[str, ...] = ()  # required materials the first materials receipt lacks

    @property
    def order(self) -> tuple[Stage, ...]:
        return stages_for(self.procedure, self.start_mode)

    @property
    def stages_passed(self) -> tuple[Stage, ...]:
        """Stages the case has left; a closed case has left them all."""
        if self.status is not CaseStatus.OPEN:
            return self.order
        return self.order[:self.order.index(self.stage)]

    @property
    def stages_reached(self) -> tuple[Stage, ...]:
        return self.order[:self.order.index(self.stage) + 1]

    def records_of(self, form: str, stage: Stage | None = None) -> list[RecordFact]:
        return [r for r in self.records if r.form == form and (stage is None or r.stage is stage)]

    def has_av(self, stage: Stage) -> bool:
        return any(a.stage is stage for a in self.av_records)


# ---------------------------------------------------------------------------- citations

_S = Source
PRACTICE_SOURCE = Source(PRACTICE, "")
_P = Procedure
_ALL = frozenset(Procedure)
_APPLICATION = frozenset({_P.PERMIT, _P.CONFIRMATION, _P.BENEFIT})

# Each seed's general duty to record every stage of the process in writing: cited when a rule
# has no more specific article in the agency's own regulation and no national law applies.
GENERAL_DUTY: Mapping[str, Source] = {
    "000": _S("000", "4"),   # 明确记录内容…实现行政执法全过程留痕
    "001": _S("001", "7"),   # 对执法程序启动、调查取证、审查决定、送达执行等环节进行文字记录或音像记录
    "002": _S("002", "2"),   # 对执法行为进行记录和归档，实现全过程留痕
    "003": _S("003", "5"),   # 通过案卷制作记录行政执法的全过程
    "004": _S("004", "11"),  # 填制执法文书，归档相关资料，完整反映许可过程
}

# The procedures each national law governs; other laws cited here apply to every procedure.
LAW_SCOPE: Mapping[str, frozenset[Procedure]] = {
    "行政许可法": frozenset({_P.PERMIT}),
    "行政处罚法": frozenset({_P.PENALTY}),
    "行政强制法": frozenset({_P.COERCION}),
}

# Signing and dating rules of written records, for a signature problem whose form cites
# no rule of this agency (seed 000 Art. 13-17; seed 001 Art. 8 (四); seed 002 Art. 4, 7, 9).
SIGNING_BASIS = (_S("000", "13-17"), _S("001", "8"), _S("002", "4, 7, 9"))


def applicable(sources: tuple[Source, ...], profile: RuleProfile, procedure: Procedure) -> tuple[Source, ...]:
    """The sources that bind this agency in this procedure: its own seed, or a national law
    that governs the procedure."""
    def binds(s: Source) -> bool:
        if s.is_practice:
            return True
        if s.is_national_law:
            return procedure in LAW_SCOPE.get(s.seed, _ALL)
        return s.seed == profile.seed
    found = tuple(dict.fromkeys(s for s in sources if binds(s)))
    # practice is the basis only where no text binding this agency lays the rule down
    cited = tuple(s for s in found if not s.is_practice)
    return cited or found


def cite(profile: RuleProfile, procedure: Procedure, *candidates: tuple[Source, ...]) -> str:
    """The first candidate list with sources binding this agency, else the seed's general duty."""
    for sources in candidates:
        found = applicable(sources, profile, procedure)
        if found:
            return "；".join(map(str, found))
    general = GENERAL_DUTY.get(profile.seed)
    return str(general) if general else "；".join(str(s) for c in candidates for s in c)


# ---------------------------------------------------------------------------- stage requirements

# A requirement's condition: None when it does not apply to the case, else a note for the message.
Condition = Callable[[CaseSnapshot], "str | None"]


def _always(snapshot: CaseSnapshot) -> str | None:
    return ""


def _materials_missing(snapshot: CaseSnapshot) -> str | None:
    if not snapshot.missing_materials:
        return None
    return f"（收到的申请材料不齐全，缺：{'、'.join(snapshot.missing_materials)}）"


def _ticked(form: str, field: str, note: str) -> Condition:
    """Applies when a final record of ``form`` ticks the bool ``field``."""
    def condition(snapshot: CaseSnapshot) -> str | None:
        return note if any(r.values.get(field) is True for r in snapshot.records_of(form)) else None
    return condition


def _not_ticked(form: str, field: str, note: str) -> Condition:
    ticked = _ticked(form, field, "")
    return lambda snapshot: note if ticked(snapshot) is None else None


@dataclass(frozen=True)
class Requirement:
    """Stage ``stage`` of ``procedures`` must hold a final record of one of ``forms``."""
    key: str
    procedures: frozenset[Procedure]
    stage: Stage
    forms: tuple[str, ...]
    basis: tuple[Source, ...]
    severity: Severity | None = None  # fixed; None: BLOCKING once the stage is left, else WARNING
    when: Condition = _always


_R = Requirement
_ST = Stage
_LEGAL_REVIEW_NOTE = "（行政处罚法第五十八条所列四种情形须经法制审核，系统无法判断本案是否属于，请核实）"

STAGE_REQUIREMENTS: tuple[Requirement, ...] = (
    # 程序启动: an ex-officio case is opened on the head's approval, with its source and reason.
    _R("case_approval", frozenset({_P.PENALTY, _P.COERCION}), _ST.INITIATION, ("case_approval",),
       (_S("行政处罚法", "54"), _S("行政强制法", "18"), _S("000", "6"), _S("001", "7"))),
    # 受理: the materials received, and the written notice of acceptance or refusal; one complete
    # correction notice when required materials were missing.
    _R("materials_receipt", _APPLICATION, _ST.ACCEPTANCE, ("materials_receipt",),
       (_S("000", "7"), _S("001", "8"), _S("004", "8"))),
    _R("acceptance_decision", _APPLICATION, _ST.ACCEPTANCE, ("acceptance_notice", "refusal_notice"),
       (_S("行政许可法", "32"), _S("000", "7"), _S("004", "8"))),
    _R("correction_notice", _APPLICATION, _ST.ACCEPTANCE, ("correction_notice",),
       (_S("行政许可法", "32"), _S("000", "7")), when=_materials_missing),
    # 调查取证: interviews and inspections are written down; a penalty is noticed to the party
    # with its facts, reasons, basis and rights before the decision.
    _R("investigation_record", frozenset({_P.PENALTY, _P.COERCION, _P.INSPECTION}), _ST.INVESTIGATION,
       ("inquiry_record", "inspection_record"),
       (_S("行政处罚法", "55"), _S("行政强制法", "18"), _S("000", "8"), _S("001", "6"), _S("002", "4"))),
    _R("rights_notice", frozenset({_P.PENALTY}), _ST.INVESTIGATION, ("rights_notice",),
       (_S("行政处罚法", "44, 62"), _S("000", "8"))),
    # 决定: the written decision, the head's approval, and the review and discussion records the
    # approval says took place.
    _R("permit_decision", frozenset({_P.PERMIT}), _ST.DECISION, ("permit_decision", "permit_refusal"),
       (_S("行政许可法", "38"), _S("000", "9"), _S("001", "8"), _S("004", "8"))),
    _R("penalty_decision", frozenset({_P.PENALTY}), _ST.DECISION, ("penalty_decision",),
       (_S("行政处罚法", "59"), _S("000", "9"), _S("002", "7-8"))),
    _R("decision_approval", _ALL, _ST.DECISION, ("decision_approval",),
       (_S("行政处罚法", "57"), _S("行政强制法", "18"), _S("000", "9, 15"), _S("001", "8"), _S("002", "7"),
        _S("004", "3"))),
    _R("legal_review_reminder", frozenset({_P.PENALTY}), _ST.DECISION, ("legal_review",),
       (_S("行政处罚法", "58"),), severity=Severity.WARNING,
       when=_not_ticked("decision_approval", "legal_review_done", _LEGAL_REVIEW_NOTE)),
    _R("legal_review", _ALL, _ST.DECISION, ("legal_review",),
       (_S("行政处罚法", "58"), _S("000", "9"), _S("002", "7")),
       when=_ticked("decision_approval", "legal_review_done", "（审批表载明已经法制审核）")),
    _R("collective_discussion", _ALL, _ST.DECISION, ("collective_discussion",),
       (_S("行政处罚法", "57"), _S("000", "9"), _S("001", "6"), _S("002", "7")),
       when=_ticked("decision_approval", "collective_discussion_done", "（审批表载明已经集体讨论）")),
    # 送达: a service record for every procedure.
    _R("service_record", _ALL, _ST.SERVICE, ("service_return_receipt",),
       (_S("行政处罚法", "61"), _S("000", "10, 17"), _S("001", "6"), _S("002", "9-12"), _S("004", "3"))),
    # 执行: the party's performance, or the application to the court.
    _R("execution_record", frozenset({_P.PENALTY, _P.COERCION}), _ST.EXECUTION,
       ("performance_record", "enforcement_application"),
       (_S("行政处罚法", "66, 72"), _S("行政强制法", "53"), _S("002", "13-14"))),
    # 归档: closing is approved before the file is built.
    # 000 Art. 15, 28 have it; the other seeds' closing articles (001 Art. 17, 002 Art. 15,
    # 003 Art. 10, 004 Art. 17) speak of filing only, so for them the approval is practice.
    _R("closing_approval", _ALL, _ST.ARCHIVING, ("closing_approval",),
       (_S("000", "15, 28"), PRACTICE_SOURCE)),
)


def requirements_for(procedure: Procedure, start_mode: StartMode) -> tuple[Requirement, ...]:
    """The stage requirements of one kind of case, in stage order."""
    order = stages_for(procedure, start_mode)
    found = [r for r in STAGE_REQUIREMENTS if procedure in r.procedures and r.stage in order]
    return tuple(sorted(found, key=lambda r: order.index(r.stage)))


@dataclass(frozen=True)
class StageAvAct:
    """A profile AV act that no single form carries: the whole stage is to be filmed."""
    act: str
    procedures: frozenset[Procedure]
    stage: Stage


# seed 003 Art. 18: officers investigating violations and handling cases film the whole process,
# or at least its important steps where conditions do not allow.
STAGE_AV_ACTS: tuple[StageAvAct, ...] = (
    StageAvAct("violation_investigation", frozenset({_P.PENALTY, _P.COERCION}), _ST.INVESTIGATION),
)


@dataclass(frozen=True)
class Precedence:
    """A final ``first`` record's date ``first_field`` is not after ``then``'s ``then_field``."""
    first: str
    first_field: str
    then: str
    then_field: str
    message: str
    basis: tuple[Source, ...]


PRECEDENCES: tuple[Precedence, ...] = (
    Precedence("rights_notice", "notified_on", "penalty_decision", "decided_on",
               "行政处罚事先告知晚于处罚决定：应在作出决定之前告知", (_S("行政处罚法", "44, 62"),)),
)

# An interruption is explained where the seed says so (000 Art. 22, 004 Art. 15); 001 and 003 have
# only 不得断续记录 (001 Art. 12(四)) and whole-process recording (003 Art. 18); 002 has neither.
INTERRUPTION_BASIS = (_S("000", "22"), _S("001", "12", "(四)"), _S("003", "18"), _S("004", "15"))
INTERRUPTION_FORM = "interruption_statement"
# the party is told before recording starts
PARTY_TOLD_BASIS = (_S("000", "25"), _S("001", "12"), _S("003", "19"), _S("004", "15"))

# Deadlines the party must meet, not the agency: the party's lateness is not the agency's
# non-compliance (a late fine carries a surcharge instead, 行政处罚法 Art. 72).
PARTY_DEADLINES = frozenset({"permit_hearing_request", "penalty_hearing_request", "penalty_fine_payment"})


# ---------------------------------------------------------------------------- the check


@dataclass(frozen=True)
class _Check:
    snapshot: CaseSnapshot
    profile: RuleProfile
    forms: Mapping[str, FormSpec]
    closing: bool

    def severity(self, stage: Stage | None) -> Severity:
        """BLOCKING for a stage the case has left (every stage when closing), else WARNING."""
        if stage is None or self.closing or stage in self.snapshot.stages_passed:
            return Severity.BLOCKING
        return Severity.WARNING

    def reached(self, stage: Stage) -> bool:
        """Whether the stage is checked at all: reached so far, or any stage when closing."""
        return stage in (self.snapshot.order if self.closing else self.snapshot.stages_reached)

    def cite(self, *candidates: tuple[Source, ...]) -> str:
        return cite(self.profile, self.snapshot.procedure, *candidates)

    def title(self, form: str) -> str:
        spec = self.forms.get(form)
        return spec.title if spec else form

    def rank(self, finding: Finding) -> int:
        order = self.snapshot.order
        return order.index(finding.stage) + 1 if finding.stage in order else 0


def check(snapshot: CaseSnapshot, profile: RuleProfile, forms: Mapping[str, FormSpec], *,
          closing: bool = False, rules: DockRules = DockRules()) -> list[Finding]:
    """Every finding of one case, case-wide ones first, then by stage.

    ``closing=True`` checks for closing: every stage must then be complete.
    """
    c = _Check(snapshot, profile, forms, closing)
    findings = [*_case_officers(c), *_stage_records(c), *_profile_records(c), *_precedences(c), *_signatures(c), *_record_av(c),
                *_stage_av(c), *_interruptions(c, rules), *_late_uploads(c), *_party_told(c), *_deadlines(c)]
    return sorted(findings, key=c.rank)


def blocking(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.blocking]


def _case_officers(c: _Check) -> Iterator[Finding]:
    count = c.snapshot.officer_count
    if c.snapshot.procedure is Procedure.PENALTY and count < PENALTY_OFFICERS:
        yield Finding(Code.OFFICERS_MISSING, Severity.BLOCKING, None,
                      f"行政处罚案件的承办执法人员不得少于 {PENALTY_OFFICERS} 人，本案只有 {count} 人",
                      c.cite(PENALTY_OFFICERS_BASIS))


def _stage_records(c: _Check) -> Iterator[Finding]:
    for req in requirements_for(c.snapshot.procedure, c.snapshot.start_mode):
        note = req.when(c.snapshot)
        if not c.reached(req.stage) or note is None or any(c.snapshot.records_of(f) for f in req.forms):
            continue
        titles = "或".join(f"“{c.title(f)}”" for f in req.forms)
        yield Finding(Code.RECORD_MISSING, req.severity or c.severity(req.stage), req.stage,
                      f"{req.stage.label}环节缺少已完成的{titles}{note}", c.cite(req.basis))


def _profile_records(c: _Check) -> Iterator[Finding]:
    """The written records the agency's own regulation requires of every case of a procedure
    (profile [[records]] with required = true, e.g. seed 002 Art. 6 调查终结报告)."""
    procedure = c.snapshot.procedure
    for rule in c.profile.records:
        spec = c.forms.get(rule.form)
        if not rule.required or spec is None or (rule.procedures and procedure not in rule.procedures):
            continue
        stage = spec.stage
        if stage not in c.snapshot.order or not c.reached(stage) or c.snapshot.records_of(rule.form):
            continue
        yield Finding(Code.RECORD_MISSING, c.severity(stage), stage,
                      f"{stage.label}环节缺少已完成的“{spec.title}”", str(rule.source))


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _precedences(c: _Check) -> Iterator[Finding]:
    for rule in PRECEDENCES:
        for first in c.snapshot.records_of(rule.first):
            for then in c.snapshot.records_of(rule.then):
                before, after = _day(first.values.get(rule.first_field)), _day(then.values.get(rule.then_field))
                if before and after and before > after:
                    yield Finding(Code.RECORD_ORDER, c.severity(then.stage), then.stage, rule.message,
                                  c.cite(rule.basis), then.record_id)


def _signing_code(spec: FormSpec, key: str) -> Code | None:
    """OFFICERS_MISSING or SIGNATURE_MISSING for a problem on a slot or officers list, else None."""
    root = re.split(r"[.\[]", key, maxsplit=1)[0]
    slot, field = spec.slot(root), spec.field(root)
    if slot is not None:
        return Code.OFFICERS_MISSING if slot.kind is SignatureKind.OFFICERS else Code.SIGNATURE_MISSING
    if field is not None and field.type is FieldType.OFFICERS:
        return Code.OFFICERS_MISSING
    return None


def _plain(problem: FieldProblem) -> str:
    """The problem's message without the citation the form appended (cited separately)."""
    suffix = f"（{'；'.join(map(str, problem.basis))}）" if problem.basis else ""
    return problem.message[:-len(suffix)] if suffix and problem.message.endswith(suffix) else problem.message


def _signatures(c: _Check) -> Iterator[Finding]:
    for record in c.snapshot.records:
        spec = c.forms.get(record.form)
        if spec is None:
            continue
        for problem in validate_values(spec, record.values, final=True, procedure=c.snapshot.procedure):
            code = _signing_code(spec, problem.key)
            if code is not None:
                yield Finding(code, c.severity(record.stage), record.stage,
                              f"“{spec.title}”{problem.label}：{_plain(problem)}",
                              c.cite(problem.basis, SIGNING_BASIS), record.record_id)


def _record_av(c: _Check) -> Iterator[Finding]:
    for record in c.snapshot.records:
        spec = c.forms.get(record.form)
        if spec is None or c.snapshot.has_av(record.stage):
            continue
        required, source = av_required(spec, c.profile, method=active_method(spec, record.values),
                                       values=record.values)
        if required:
            yield Finding(Code.AV_MISSING, c.severity(record.stage), record.stage,
                          f"“{spec.title}”按本机关规定应同时进行音像记录，但{record.stage.label}环节没有关联的音像记录",
                          str(source), record.record_id)


def _stage_av(c: _Check) -> Iterator[Finding]:
    for rule in STAGE_AV_ACTS:
        act = c.profile.av_act(rule.act)
        if act is None or act.level is not Level.REQUIRED or c.snapshot.procedure not in rule.procedures \
                or not c.reached(rule.stage) or c.snapshot.has_av(rule.stage):
            continue
        yield Finding(Code.AV_MISSING, c.severity(rule.stage), rule.stage,
                      f"按本机关规定，{act.label}应进行音像记录，但{rule.stage.label}环节没有关联的音像记录",
                      str(act.source))


def _sessions(c: _Check, rules: DockRules) -> Iterator[tuple[Stage, str, list]]:
    """Recording sessions of each stage (AV records with stage, camera and times)."""
    usable = [a for a in c.snapshot.av_records if a.stage and a.camera and a.started_at and a.ended_at]
    for stage in dict.fromkeys(a.stage for a in usable):
        facts = {a.record_id: a for a in usable if a.stage is stage}
        segments = [Segment(a.record_id, a.camera, a.started_at, a.ended_at) for a in facts.values()]
        for session in sessions(segments, rules.interruption_after, rules.new_session_after):
            yield stage, session, facts


def _interruptions(c: _Check, rules: DockRules) -> Iterator[Finding]:
    for stage, session, facts in _sessions(c, rules):
        if c.snapshot.records_of(INTERRUPTION_FORM, stage):
            continue
        for gap in session.gaps:
            if facts[gap.after].explained:
                continue
            yield Finding(Code.INTERRUPTION_UNEXPLAINED, c.severity(stage), stage,
                          f"记录仪 {session.camera} 的音像记录在 {gap.start:%Y-%m-%d %H:%M:%S} 至 "
                          f"{gap.end:%H:%M:%S} 之间中断 {int(gap.seconds)} 秒，既没有重新录制时的语音说明，"
                          f"{stage.label}环节也没有“{c.title(INTERRUPTION_FORM)}”",
                          c.cite(INTERRUPTION_BASIS), av_record_id=gap.after)


def _late_uploads(c: _Check) -> Iterator[Finding]:
    rule = c.profile.av_upload
    for a in c.snapshot.av_records:
        if a.uploaded_at is None or a.ended_at is None:
            continue
        source = upload_late(rule, a.ended_at, a.uploaded_at, returned_at=a.returned_at)
        if source:
            note = upload_due_warning(rule, a.ended_at, returned_at=a.returned_at)
            yield Finding(Code.AV_UPLOAD_LATE, c.severity(a.stage), a.stage,
                          f"{a.ended_at:%Y-%m-%d %H:%M} 结束的音像记录到 {a.uploaded_at:%Y-%m-%d %H:%M} 才存储，"
                          f"超过了上传期限" + (f"（{note}）" if note else ""), source, av_record_id=a.record_id)


def _party_told(c: _Check) -> Iterator[Finding]:
    for a in c.snapshot.av_records:
        if a.party_informed is False:
            yield Finding(Code.PARTY_NOT_TOLD, c.severity(a.stage), a.stage,
                          "执法人员确认录制开始时未告知当事人正在进行音像记录，请在文字记录中说明原因",
                          c.cite(PARTY_TOLD_BASIS), av_record_id=a.record_id)


def _deadlines(c: _Check) -> Iterator[Finding]:
    for d in c.snapshot.deadlines:
        if d.rule_code in PARTY_DEADLINES:
            continue
        if d.status is DeadlineStatus.OVERDUE:
            yield Finding(Code.DEADLINE_OVERDUE, Severity.BLOCKING, None,
                          f"“{d.label}”已超过期限（{d.due.isoformat()} 届满）", d.basis)
        elif d.met_late:
            yield Finding(Code.DEADLINE_LATE, Severity.BLOCKING, None,
                          f"“{d.label}”逾期完成（期限 {d.due.isoformat()} 届满）", d.basis)
