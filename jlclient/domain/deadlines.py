"""Legal deadlines a case runs (domain.md §7) as data, and the clock of one running deadline.

A :class:`DeadlineRule` says how long, counted in which days, from which event, on what legal
basis. :func:`running_deadline` turns a rule and a start date into a :class:`RunningDeadline`,
moving the due date for recorded suspensions (time not counted, 行政许可法 Art. 45, 行政强制法
Art. 25) and an approved extension (行政许可法 Art. 42, 行政强制法 Art. 25). :func:`status`
gives the warning colour: yellow (``WARNING``) when due within a few working days, red
(``OVERDUE``) after the due date.

Working or calendar days:
- 行政许可法 Art. 82: the agency's permit time limits are working days.
- 行政处罚法 Art. 85: the "二日、三日、五日、七日" limits are working days.
- 行政强制法 Art. 69: limits of ten days or less are working days.
Longer penalty and coercion limits are read as calendar days *(practice: the law names only the
short limits, so the longer ones are taken as calendar days)*; such rules carry
``unit_is_practice=True``.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from jlclient.domain.model import LabelledEnum, Procedure
from jlclient.domain.profile import RuleProfile, Source
from jlclient.domain.workdays import Reckoned, WorkCalendar, uncovered_message


class Unit(LabelledEnum):
    """How a deadline's amount is counted."""
    WORKING_DAYS = ("working_days", "个工作日")
    CALENDAR_DAYS = ("calendar_days", "日")
    MONTHS = ("months", "个月")
    YEAR_END = ("year_end", "当年年底")  # by 31 December of the start year; the amount is unused
    HOURS = ("hours", "小时")  # due on the day the hours run out (24 h from a day → the next day)


class StartEvent(LabelledEnum):
    """The event a deadline is counted from (or, when counted back, before)."""
    APPLICATION_RECEIVED = ("application_received", "收到申请材料")
    ACCEPTED = ("accepted", "受理")
    DECISION_MADE = ("decision_made", "作出（宣告）决定")
    HEARING_RIGHTS_NOTIFIED = ("hearing_rights_notified", "告知听证权利")
    HEARING_REQUESTED = ("hearing_requested", "提出听证申请")
    HEARING_HELD = ("hearing_held", "举行听证")
    CASE_OPENED = ("case_opened", "立案")
    EVIDENCE_PRESERVED = ("evidence_preserved", "先行登记保存证据")
    DECISION_SERVED = ("decision_served", "收到决定书")
    SEIZED = ("seized", "实施查封、扣押")
    REMEDY_PERIOD_EXPIRED = ("remedy_period_expired", "申请复议、提起诉讼的期限届满")
    CASE_CLOSED = ("case_closed", "结案（执法行为终结）")
    JOINTLY_ACCEPTED = ("jointly_accepted", "受理（统一办理、联合办理、集中办理）")
    EMERGENCY_MEASURE_TAKEN = ("emergency_measure_taken", "当场实施行政强制措施")
    FINE_COLLECTED_ON_SPOT = ("fine_collected_on_spot", "当场收缴罚款")
    PARTY_REQUEST_RECEIVED = ("party_request_received", "收到当事人申请")


class SuspensionReason(LabelledEnum):
    """Work whose time is not counted in a deadline."""
    HEARING = ("hearing", "听证")
    TENDER = ("tender", "招标")
    AUCTION = ("auction", "拍卖")
    TESTING = ("testing", "检验")
    DETECTION = ("detection", "检测")
    QUARANTINE = ("quarantine", "检疫")
    APPRAISAL = ("appraisal", "鉴定")
    EXPERT_REVIEW = ("expert_review", "专家评审")


class DeadlineStatus(LabelledEnum):
    OK = ("ok", "计时中")
    WARNING = ("warning", "即将到期")  # yellow
    OVERDUE = ("overdue", "已超期")  # red
    DONE = ("done", "已完成")
    # the case moved past the deadline's stage with no document of the act: not met, no longer running
    SKIPPED = ("skipped", "未经该环节")


@dataclass(frozen=True)
class ExtensionRule:
    """At most ``amount`` more (in the rule's unit), approved by ``approver``."""
    amount: int
    approver: str
    basis: Source


@dataclass(frozen=True)
class SuspensionRule:
    """Time spent on ``reasons`` is not counted."""
    reasons: frozenset[SuspensionReason]
    basis: Source


@dataclass(frozen=True)
class DeadlineRule:
    code: str
    label: str
    amount: int
    unit: Unit
    basis: Source
    procedures: frozenset[Procedure]
    start_event: StartEvent
    counted_back: bool = False  # due ``amount`` before the start event (a notice before a hearing)
    extension: ExtensionRule | None = None
    suspension: SuspensionRule | None = None
    unit_basis: Source | None = None  # why these days are working or calendar days
    unit_is_practice: bool = False    # the unit is a practice reading, not the letter of the law

    def __post_init__(self):
        if (self.amount <= 0) != (self.unit is Unit.YEAR_END):
            raise ValueError(f"期限“{self.label}”的天数无效：{self.amount}")
        if self.counted_back and self.unit is not Unit.WORKING_DAYS:
            raise ValueError(f"期限“{self.label}”只能按工作日倒数")
        movable = self.unit in (Unit.WORKING_DAYS, Unit.CALENDAR_DAYS) and not self.counted_back
        if (self.extension or self.suspension) and not movable:
            raise ValueError(f"期限“{self.label}”不能延长或中止")

    def describe(self) -> str:
        """E.g. "受理后 20 个工作日内（行政许可法 Art. 42）"."""
        if self.unit is Unit.YEAR_END:
            return f"{self.start_event.label}当年年底前（{self.basis}）"
        span = f"前 {self.amount} {self.unit.label}" if self.counted_back else f"后 {self.amount} {self.unit.label}内"
        return f"{self.start_event.label}{span}（{self.basis}）"


@dataclass(frozen=True)
class Suspension:
    """Days (first to last, both included) spent on work the deadline does not count."""
    reason: SuspensionReason
    first_day: date
    last_day: date


@dataclass(frozen=True)
class Extension:
    """An approved extension; the reason is told to the party (行政许可法 Art. 42, 行政强制法 Art. 25)."""
    amount: int
    approved_on: date
    reason: str


@dataclass(frozen=True)
class RunningDeadline:
    rule: DeadlineRule
    start: date
    due: date
    suspensions: tuple[Suspension, ...] = ()
    extension: Extension | None = None
    done_on: date | None = None
    uncovered_years: tuple[int, ...] = ()  # due date counted Monday–Friday for these years

    @property
    def certain(self) -> bool:
        return not self.uncovered_years

    @property
    def calendar_warning(self) -> str | None:
        return None if self.certain else uncovered_message(self.uncovered_years)

    @property
    def done_late(self) -> bool:
        return self.done_on is not None and self.done_on > self.due


# ---------------------------------------------------------------------------- the rules


def _law(law: str, article: str) -> Source:
    return Source(law, article)


_PERMIT = frozenset({Procedure.PERMIT})
_PENALTY = frozenset({Procedure.PENALTY})
# Seizure happens inside penalty investigations too, and a penalty decision the agency cannot
# enforce itself goes to court under 行政强制法 Art. 53 like any other administrative decision.
_PENALTY_OR_COERCION = frozenset({Procedure.PENALTY, Procedure.COERCION})

_PERMIT_DAYS = _law("行政许可法", "82")
_PENALTY_DAYS = _law("行政处罚法", "85")
_COERCION_DAYS = _law("行政强制法", "69")

# 行政许可法 Art. 45: hearing, tender, auction, testing, detection, quarantine, appraisal and
# expert review are not counted in the limits of its section (Art. 42-44).
_PERMIT_SUSPENSION = SuspensionRule(frozenset(SuspensionReason), _law("行政许可法", "45"))
# 行政强制法 Art. 25 ¶3: 检测、检验、检疫或者技术鉴定 are not counted in the seizure period.
_SEIZURE_SUSPENSION = SuspensionRule(
    frozenset({SuspensionReason.DETECTION, SuspensionReason.TESTING, SuspensionReason.QUARANTINE,
               SuspensionReason.APPRAISAL}), _law("行政强制法", "25"))

RULES: tuple[DeadlineRule, ...] = (
    # --- 行政许可法: all the agency's limits are working days (Art. 82).
    DeadlineRule("permit_correction_notice", "一次告知补正", 5, Unit.WORKING_DAYS, _law("行政许可法", "32"),
                 _PERMIT, StartEvent.APPLICATION_RECEIVED, unit_basis=_PERMIT_DAYS),
    DeadlineRule("permit_decision", "作出行政许可决定", 20, Unit.WORKING_DAYS, _law("行政许可法", "42"),
                 _PERMIT, StartEvent.ACCEPTED, unit_basis=_PERMIT_DAYS,
                 extension=ExtensionRule(10, "本行政机关负责人", _law("行政许可法", "42")),
                 suspension=_PERMIT_SUSPENSION),
    DeadlineRule("permit_certificate", "颁发、送达行政许可证件", 10, Unit.WORKING_DAYS, _law("行政许可法", "44"),
                 _PERMIT, StartEvent.DECISION_MADE, unit_basis=_PERMIT_DAYS, suspension=_PERMIT_SUSPENSION),
    # Art. 82 speaks of the agency's limits; the applicant's 5 days are counted the same way
    # *(practice)*.
    DeadlineRule("permit_hearing_request", "申请人申请听证", 5, Unit.WORKING_DAYS, _law("行政许可法", "47"),
                 _PERMIT, StartEvent.HEARING_RIGHTS_NOTIFIED, unit_basis=_PERMIT_DAYS, unit_is_practice=True),
    DeadlineRule("permit_hearing_held", "组织听证", 20, Unit.WORKING_DAYS, _law("行政许可法", "47"),
                 _PERMIT, StartEvent.HEARING_REQUESTED, unit_basis=_PERMIT_DAYS),
    # "于举行听证的七日前" — the due date is the latest day to serve the notice: the 7th working
    # day before the hearing *(practice reading of 七日前)*.
    DeadlineRule("permit_hearing_notice", "通知听证时间、地点", 7, Unit.WORKING_DAYS, _law("行政许可法", "48"),
                 _PERMIT, StartEvent.HEARING_HELD, counted_back=True, unit_basis=_PERMIT_DAYS),
    # --- 行政处罚法 (2021): 2/3/5/7-day limits are working days (Art. 85); longer ones calendar
    # days *(practice)*.
    DeadlineRule("penalty_evidence_preservation", "先行登记保存证据的处理决定", 7, Unit.WORKING_DAYS,
                 _law("行政处罚法", "56"), _PENALTY, StartEvent.EVIDENCE_PRESERVED, unit_basis=_PENALTY_DAYS),
    # Art. 60 yields to other laws, regulations and rules ("另有规定的，从其规定"), which may allow
    # extensions or uncounted time; none is assumed here (they would come from the agency's rules).
    DeadlineRule("penalty_decision", "作出行政处罚决定", 90, Unit.CALENDAR_DAYS, _law("行政处罚法", "60"),
                 _PENALTY, StartEvent.CASE_OPENED, unit_basis=_PENALTY_DAYS, unit_is_practice=True),
    DeadlineRule("penalty_service", "送达行政处罚决定书", 7, Unit.WORKING_DAYS, _law("行政处罚法", "61"),
                 _PENALTY, StartEvent.DECISION_MADE, unit_basis=_PENALTY_DAYS),
    DeadlineRule("penalty_hearing_request", "当事人要求听证", 5, Unit.WORKING_DAYS, _law("行政处罚法", "63-64"),
                 _PENALTY, StartEvent.HEARING_RIGHTS_NOTIFIED, unit_basis=_PENALTY_DAYS),
    DeadlineRule("penalty_hearing_notice", "通知听证时间、地点", 7, Unit.WORKING_DAYS, _law("行政处罚法", "64"),
                 _PENALTY, StartEvent.HEARING_HELD, counted_back=True, unit_basis=_PENALTY_DAYS),
    DeadlineRule("penalty_fine_payment", "缴纳罚款", 15, Unit.CALENDAR_DAYS, _law("行政处罚法", "67"),
                 _PENALTY, StartEvent.DECISION_SERVED, unit_basis=_PENALTY_DAYS, unit_is_practice=True),
    # --- 行政强制法: limits of ten days or less are working days (Art. 69); longer ones calendar
    # days *(practice)*.
    DeadlineRule("coercion_seizure", "查封、扣押期限", 30, Unit.CALENDAR_DAYS, _law("行政强制法", "25"),
                 _PENALTY_OR_COERCION, StartEvent.SEIZED, unit_basis=_COERCION_DAYS, unit_is_practice=True,
                 extension=ExtensionRule(30, "行政机关负责人", _law("行政强制法", "25")),
                 suspension=_SEIZURE_SUSPENSION),
    DeadlineRule("coercion_court_application", "申请人民法院强制执行", 3, Unit.MONTHS, _law("行政强制法", "53"),
                 _PENALTY_OR_COERCION, StartEvent.REMEDY_PERIOD_EXPIRED),
    # --- deadlines that run only when their event happens (a case without it never starts them)
    # 行政许可法 Art. 42 ¶2: a permit handled 统一办理、联合办理、集中办理 has 45 days, +15 with
    # the approval of the people's government's head; working days (Art. 82).
    DeadlineRule("permit_joint_decision", "统一办理、联合办理、集中办理的行政许可决定", 45, Unit.WORKING_DAYS,
                 _law("行政许可法", "42 ¶2"), _PERMIT, StartEvent.JOINTLY_ACCEPTED, unit_basis=_PERMIT_DAYS,
                 extension=ExtensionRule(15, "本级人民政府负责人", _law("行政许可法", "42 ¶2")),
                 suspension=_PERMIT_SUSPENSION),
    # 行政强制法 Art. 19: a measure taken on the spot in an emergency is reported to the agency's
    # head within 24 hours and approval is obtained afterwards (补办批准手续); without approval the
    # measure is lifted at once.
    DeadlineRule("coercion_emergency_report", "向行政机关负责人报告并补办批准手续", 24, Unit.HOURS,
                 _law("行政强制法", "19"), _PENALTY_OR_COERCION, StartEvent.EMERGENCY_MEASURE_TAKEN),
    # 行政处罚法 Art. 71: a fine collected on the spot is handed to the agency within 2 days
    # (working days, Art. 85); on water, from landing.
    DeadlineRule("penalty_spot_fine_handover", "当场收缴的罚款交至行政机关", 2, Unit.WORKING_DAYS,
                 _law("行政处罚法", "71"), _PENALTY, StartEvent.FINE_COLLECTED_ON_SPOT, unit_basis=_PENALTY_DAYS),
)

# 政府信息公开条例 Art. 33: a request not answered on the spot is answered within 20 working days
# of receipt, +20 with the approval of the office's head. Not a case's deadline: it runs on the
# party's request (当事人查阅、复制申请), whatever the case's procedure.
PARTY_REQUEST_REPLY = DeadlineRule(
    "party_request_reply", "答复查阅、复制申请", 20, Unit.WORKING_DAYS, _law("政府信息公开条例", "33"),
    frozenset(Procedure), StartEvent.PARTY_REQUEST_RECEIVED,
    extension=ExtensionRule(20, "政府信息公开工作机构负责人", _law("政府信息公开条例", "33")))

_BY_CODE = {r.code: r for r in RULES + (PARTY_REQUEST_REPLY,)}


def rule_by_code(code: str) -> DeadlineRule:
    try:
        return _BY_CODE[code]
    except KeyError:
        raise ValueError(f"未知的期限规则：{code!r}") from None


def rules_for(procedure: Procedure, profile: RuleProfile | None = None) -> tuple[DeadlineRule, ...]:
    """The national rules for one procedure, with the periods the profile's special law sets
    instead, plus the profile's archiving rule if it has one."""
    found = [r for r in RULES if procedure in r.procedures]
    if profile is not None and profile.period_overrides:
        found = [overridden(r, profile) for r in found]
    archiving = archiving_rule(profile) if profile is not None else None
    if archiving is not None and procedure in archiving.procedures:
        found.append(archiving)
    return tuple(found)


def overridden(rule: DeadlineRule, profile: RuleProfile) -> DeadlineRule:
    """``rule`` with the period the profile's special law sets for it, where the law it rests on
    yields ("另有规定的，从其规定", e.g. 行政处罚法 Art. 60; seed 001: 劳动保障监察条例 Art. 17,
    60 working days from 立案, +30 with the head's approval). The special law's own words fix the
    unit, so it is no practice reading."""
    unknown = [o.rule for o in profile.period_overrides if o.rule not in _BY_CODE]
    if unknown:
        raise ValueError(f"配置 {profile.key} 改变了未知期限“{unknown[0]}”的天数")
    own = next((o for o in profile.period_overrides if o.rule == rule.code), None)
    if own is None:
        return rule
    extension = (ExtensionRule(own.extension, own.extension_approver, own.source)
                 if own.extension is not None else None)
    return replace(rule, amount=own.amount, unit=Unit(own.unit), basis=own.source, extension=extension,
                   unit_basis=own.source, unit_is_practice=False)


def archiving_rule(profile: RuleProfile) -> DeadlineRule | None:
    """Filing the case within N days of closing (seed 000 Art. 28, 001 Art. 17) or together at
    the end of the year (seed 002 Art. 16), from the profile; None when the seed is silent.

    The seeds' "三十日" / "30日" are read as calendar days *(practice)*. The year-end rule names
    a date, not a period, so it does not move off a rest day.
    """
    arch = profile.archiving
    if arch is None:
        return None
    procedures = frozenset(profile.procedures.procedures)
    if arch.days_after_closing is not None:
        return DeadlineRule("archiving", "立卷归档", arch.days_after_closing, Unit.CALENDAR_DAYS, arch.source,
                            procedures, StartEvent.CASE_CLOSED, unit_is_practice=True)
    return DeadlineRule("archiving", "年底统一归档", 0, Unit.YEAR_END, arch.source, procedures,
                        StartEvent.CASE_CLOSED)


# ---------------------------------------------------------------------------- running deadlines


def due_after(start: date, n: int, unit: Unit, calendar: WorkCalendar | None = None) -> Reckoned[date]:
    """The last day of a period of ``n`` ``unit`` from ``start`` (negative ``n``: working days
    counted back), by the counting rules of :mod:`jlclient.domain.workdays`.

    The one place a period becomes a date: the deadline service and the forms' date validators
    both count through it, so a form can never ask for another day than the deadline it shows.
    """
    cal = calendar or WorkCalendar()
    if unit is Unit.WORKING_DAYS:
        return cal.add_working_days(start, n)
    if unit is Unit.CALENDAR_DAYS:
        return cal.add_calendar_days(start, n)
    if unit is Unit.MONTHS:
        return cal.add_months(start, n)
    if unit is Unit.HOURS:
        # hours run round the clock and do not move off a rest day; known only by the day here,
        # so the period ends on the day its last hour falls in (24 h from a day → the next day)
        return Reckoned(start + timedelta(days=-(-n // 24)))
    return Reckoned(date(start.year, 12, 31))


def running_deadline(rule: DeadlineRule, start: date, calendar: WorkCalendar | None = None, *,
                     suspensions: tuple[Suspension, ...] = (), extension: Extension | None = None,
                     done_on: date | None = None) -> RunningDeadline:
    """The deadline of ``rule`` started on ``start``, with its suspensions and extension."""
    cal = calendar or WorkCalendar()
    for s in suspensions:
        _check_suspension(rule, start, s)
    suspended = _suspended(rule, suspensions, cal)
    due = _due(rule, start, suspended.value, cal)
    if extension is not None:
        _check_extension(rule, start, due.value, extension)
        due = _due(rule, start, suspended.value + extension.amount, cal)
    years = tuple(sorted(set(suspended.uncovered_years) | set(due.uncovered_years)))
    return RunningDeadline(rule, start, due.value, tuple(suspensions), extension, done_on, years)


def suspend(deadline: RunningDeadline, suspension: Suspension,
            calendar: WorkCalendar | None = None) -> RunningDeadline:
    """Record time not counted; the due date moves by the days suspended."""
    return _recompute(deadline, calendar, suspensions=deadline.suspensions + (suspension,))


def extend(deadline: RunningDeadline, extension: Extension, calendar: WorkCalendar | None = None) -> RunningDeadline:
    """Record an approved extension (once per deadline)."""
    if deadline.extension is not None:
        raise ValueError(f"“{deadline.rule.label}”已经延长过，不能再次延长")
    return _recompute(deadline, calendar, extension=extension)


def complete(deadline: RunningDeadline, on: date) -> RunningDeadline:
    return replace(deadline, done_on=on)


def status(deadline: RunningDeadline, today: date, warn_days: int = 3,
           calendar: WorkCalendar | None = None) -> DeadlineStatus:
    """DONE once done; OVERDUE (red) after the due date; WARNING (yellow) when the due date is
    within ``warn_days`` working days of ``today`` (the due day itself included); else OK."""
    if warn_days < 0:
        raise ValueError(f"提前提醒的工作日数不能为负数：{warn_days}")
    if deadline.done_on is not None:
        return DeadlineStatus.DONE
    if today > deadline.due:
        return DeadlineStatus.OVERDUE
    # At most warn_days working days left <=> due before the (warn_days + 1)-th working day.
    limit = (calendar or WorkCalendar()).add_working_days(today, warn_days + 1).value
    return DeadlineStatus.WARNING if deadline.due < limit else DeadlineStatus.OK


def _recompute(deadline: RunningDeadline, calendar: WorkCalendar | None, **changes) -> RunningDeadline:
    current = {"suspensions": deadline.suspensions, "extension": deadline.extension, "done_on": deadline.done_on}
    return running_deadline(deadline.rule, deadline.start, calendar, **{**current, **changes})


def _due(rule: DeadlineRule, start: date, extra: int, cal: WorkCalendar) -> Reckoned[date]:
    return due_after(start, -rule.amount if rule.counted_back else rule.amount + extra, rule.unit, cal)


def _suspended(rule: DeadlineRule, suspensions: tuple[Suspension, ...], cal: WorkCalendar) -> Reckoned[int]:
    """Days suspended, in the rule's unit; overlapping suspensions count once."""
    total, years = 0, set()
    for first, last in _merged(suspensions):
        if rule.unit is Unit.WORKING_DAYS:
            counted = cal.working_days_between(first - timedelta(days=1), last)
            total, years = total + counted.value, years | set(counted.uncovered_years)
        else:
            total += (last - first).days + 1
    return Reckoned(total, tuple(sorted(years)))


def _merged(suspensions: tuple[Suspension, ...]) -> list[tuple[date, date]]:
    spans: list[tuple[date, date]] = []
    for s in sorted(suspensions, key=lambda s: s.first_day):
        if spans and s.first_day <= spans[-1][1] + timedelta(days=1):
            spans[-1] = (spans[-1][0], max(spans[-1][1], s.last_day))
        else:
            spans.append((s.first_day, s.last_day))
    return spans


def _check_suspension(rule: DeadlineRule, start: date, s: Suspension) -> None:
    if rule.suspension is None:
        raise ValueError(f"“{rule.label}”的期限没有依法不计算的期间（{rule.basis}）")
    if s.reason not in rule.suspension.reasons:
        raise ValueError(f"{s.reason.label}所需时间不从“{rule.label}”的期限中扣除（{rule.suspension.basis}）")
    if s.last_day < s.first_day:
        raise ValueError(f"中止期间的结束日 {s.last_day} 早于开始日 {s.first_day}")
    if s.first_day <= start:
        raise ValueError(f"中止期间应在起算日 {start} 之后开始，实际为 {s.first_day}")


def _check_extension(rule: DeadlineRule, start: date, due: date, extension: Extension) -> None:
    allowed = rule.extension
    if allowed is None:
        raise ValueError(f"“{rule.label}”的期限不能延长（{rule.basis}）")
    if not 0 < extension.amount <= allowed.amount:
        raise ValueError(f"“{rule.label}”最多延长 {allowed.amount} {rule.unit.label}"
                         f"（{allowed.basis}），实际为 {extension.amount}")
    if not extension.reason.strip():
        raise ValueError(f"延长“{rule.label}”应说明理由并告知当事人（{allowed.basis}）")
    if not start <= extension.approved_on <= due:
        raise ValueError(f"延长应在期限届满（{due}）前经{allowed.approver}批准，批准日期为 {extension.approved_on}")
