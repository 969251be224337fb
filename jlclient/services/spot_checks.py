"""Spot checks of recordings: plans drawn at random with a recorded seed, checks recorded once with
each issue at its time in the footage, the ledger (检查台账) as PDF, and per-officer figures
(seed 002 Art. 19, seed 003 Art. 22)."""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from jlclient.clock import footage_times, local, to_utc, true_and_device_text
from jlclient.domain.model import Role
from jlclient.domain.retention import CAMERA
from jlclient.domain.av_access import AvClass
from jlclient.domain.spot_check import (UNCHECKED, CheckItem, Issue, OfficerFigures, SampleError, ScopeKind, SizeKind,
                                        check_problems, conclusion, draw, issues_text, offered_items, per_officer)
from jlclient.domain.citation import in_words
from jlclient.services import citations
from jlclient.services.auth import CurrentUser
from jlclient.services.cameras import docking_offsets
from jlclient.services.compliance import agency_profile
from jlclient.services.context import AppContext, ServiceError
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.models import Agency, AuditEntry, AvRecord, Case, Disposal, Officer, SpotCheck, SpotCheckPlan


@dataclass(frozen=True)
class SampledRecording:
    av_id: int
    file_name: str
    officer: str
    case_number: str
    started_at: datetime | None
    duration_s: float
    checked: bool
    result: str               # 合格 / 不合格 once checked


@dataclass(frozen=True)
class PlanView:
    id: int
    period_from: date
    period_to: date
    scope: str                # as shown: 按执法人员：李娜
    size: str                 # 抽取 3 件 / 抽取 10%
    seed: int
    checklist: tuple[CheckItem, ...]
    population: int
    recordings: tuple[SampledRecording, ...]
    created_by: str
    created_at: datetime
    in_scope: int = 0         # recordings of the period and scope, before those the checker may not view
    left_out: str = ""        # which of them were not drawn from and why, in words
    access: str = ""          # on what ground the checker views the sample, in words

    @property
    def done(self) -> int:
        return sum(r.checked for r in self.recordings)


def checker_role(s: Session) -> Role:
    """Who carries out spot checks: the profile's role, else the legal reviewers."""
    rule = agency_profile(s).spot_check
    return rule.by if rule else Role.REVIEWER


def _require_checker(s: Session, user: CurrentUser) -> None:
    role = checker_role(s)
    if not user.has(role):
        raise ServiceError(f"回放抽检由{role.label}进行")


def _utc_bounds(period_from: date, period_to: date) -> tuple[datetime, datetime]:
    return to_utc(datetime.combine(period_from, time.min)), to_utc(datetime.combine(period_to + timedelta(days=1),
                                                                                   time.min))


def _population(s: Session, period_from: date, period_to: date, kind: ScopeKind, value: str) -> list[int]:
    start, end = _utc_bounds(period_from, period_to)
    q = select(AvRecord.id).where(AvRecord.started_at >= start, AvRecord.started_at < end,
                                  AvRecord.source == CAMERA)   # officers' footage; the hall's CCTV is no one's work
    if kind is ScopeKind.OFFICER:
        q = q.join(Officer, Officer.id == AvRecord.officer_id).where(Officer.name == value)
    elif kind is ScopeKind.UNIT:
        q = q.join(Case, Case.id == AvRecord.case_id).where(Case.handling_unit == value)
    elif kind is ScopeKind.PROCEDURE:
        q = q.join(Case, Case.id == AvRecord.case_id).where(Case.procedure == value)
    return list(s.scalars(q))


# why a recording of the period and scope is not drawn from (codes kept in the plan's audit entry)
LEFT_OUT = {"DISPOSED": "已销毁", AvClass.RESTRICTED.value: "受限（须经批准方可查阅）",
            AvClass.INTERNAL.value: "内部（不在检查人查阅范围内）", "APPROVAL": "须经批准方可查阅"}


@dataclass
class Eligible:
    """The population a plan draws from: the recordings of its period and scope that the checker may view.

    A sample is only worth drawing if the checker can play every recording in it, and being drawn must
    never be what opens a recording to the checker (a restricted or disposed recording would otherwise
    be opened by the luck of the draw). So each recording is judged by the one viewing rule
    (services.av_access) *without* the spot-check exemption and without time-limited access grants,
    which may lapse before the check is made. The one exception is the profile's own: where the
    agency's regulation forbids viewing without approval (seed 003 Art. 16) yet charges the checking
    role with playing the records back (seed 003 Art. 22, the profile's spot_check rule), a recording
    the checker could view but for that prohibition is drawn from, and the plan's audit entry records
    that the sample is viewed on the ground of the spot-check rule ("by_duty")."""
    ids: list[int] = field(default_factory=list)
    by_duty: list[int] = field(default_factory=list)
    left_out: dict[str, int] = field(default_factory=dict)


def _eligible(s: Session, user: CurrentUser, in_scope: list[int]) -> Eligible:
    from jlclient.services.av_access import viewing_rules   # it asks checker_role of this module
    rules = viewing_rules(s, user)
    plain = replace(rules, sampled=frozenset(), grants={})
    duty = replace(plain, sampled=frozenset(in_scope)) if agency_profile(s).spot_check else None
    out = Eligible()
    for av in s.scalars(select(AvRecord).where(AvRecord.id.in_(in_scope)).order_by(AvRecord.id)):
        if plain.verdict(av):
            out.ids.append(av.id)
        elif duty is not None and duty.verdict(av):
            out.ids.append(av.id)
            out.by_duty.append(av.id)
        else:
            why = "DISPOSED" if av.id in rules.disposed else \
                av.access_class if av.access_class in LEFT_OUT else "APPROVAL"
            out.left_out[why] = out.left_out.get(why, 0) + 1
    return out


def offered_checklist(ctx: AppContext) -> tuple[CheckItem, ...]:
    """The items a new plan offers: the general ones, then what the agency's regulation says must be
    filmed (its profile's [filming]: seed 000 Art. 21, 004 Art. 16, 001 Art. 12(三))."""
    with ctx.db.read() as s:
        filming = agency_profile(s).filming
    return offered_items(tuple(CheckItem(code) for code in filming.items) if filming else ())


def create_plan(ctx: AppContext, user: CurrentUser, period_from: date, period_to: date, scope_kind: ScopeKind,
                scope_value: str, size_kind: SizeKind, size: int, checklist: list[CheckItem],
                seed: int | None = None) -> int:
    """Draw the sample from what the checker may view (:class:`Eligible`) and keep the plan with its
    population and seed: the draw can be repeated. The plan's audit entry keeps how many recordings
    of the scope were left out and why, and which of the sample are viewed under the spot-check rule."""
    if period_to < period_from:
        raise ServiceError("检查期间的结束日期早于开始日期")
    if not checklist:
        raise ServiceError("请至少选择一个检查项目")
    if scope_kind is not ScopeKind.ALL and not scope_value.strip():
        raise ServiceError(f"请填写{scope_kind.label[1:]}")
    seed = secrets.randbits(48) if seed is None else seed
    with ctx.db.write() as s:
        _require_checker(s, user)
        in_scope = _population(s, period_from, period_to, scope_kind, scope_value.strip())
        eligible = _eligible(s, user, in_scope)
        population = eligible.ids
        if in_scope and not population:
            raise ServiceError(f"所选期间和范围内的 {len(in_scope)} 件音像记录都不在您的查阅范围内"
                               f"（{_left_out_words(eligible.left_out)}），无法抽检")
        try:
            sample = draw(population, size_kind, size, seed)
        except SampleError as exc:
            raise ServiceError(str(exc)) from exc
        plan = SpotCheckPlan(period_from=period_from, period_to=period_to, scope_kind=scope_kind.value,
                             scope_value=scope_value.strip(), size_kind=size_kind.value, size=size, seed=seed,
                             checklist=json.dumps([i.value for i in checklist]),
                             population=json.dumps(sorted(population)), sample=json.dumps(sample),
                             created_by=user.display_name, created_at=utcnow())
        s.add(plan)
        rule = agency_profile(s).spot_check
        by_duty = sorted(set(sample) & set(eligible.by_duty))
        audit.append(s, user.actor, "spot_check.plan", plan,
                     detail={"seed": seed, "drawn": len(sample), "in_scope": len(in_scope),
                             "left_out": eligible.left_out, "by_duty": by_duty,
                             "duty_rule": str(rule.source) if rule and by_duty else ""})
        return plan.id


def _left_out_words(left_out: dict[str, int]) -> str:
    return "，".join(f"{LEFT_OUT.get(k, k)} {n} 件" for k, n in sorted(left_out.items()))


def redraw(ctx: AppContext, plan_id: int) -> bool:
    """Whether drawing again from the plan's population with its seed gives the same sample (audit)."""
    with ctx.db.read() as s:
        plan = _plan(s, plan_id)
        return draw(json.loads(plan.population), SizeKind(plan.size_kind), plan.size, plan.seed) == \
            json.loads(plan.sample)


def _plan(s: Session, plan_id: int) -> SpotCheckPlan:
    plan = s.get(SpotCheckPlan, plan_id)
    if plan is None:
        raise ServiceError("抽检计划不存在")
    return plan


def _sampled(s: Session, plan: SpotCheckPlan) -> tuple[SampledRecording, ...]:
    done = {c.av_record_id: c for c in s.scalars(select(SpotCheck).where(SpotCheck.plan_id == plan.id))}
    out = []
    for av_id in json.loads(plan.sample):
        av = s.get(AvRecord, av_id)
        officer = s.get(Officer, av.officer_id).name if av.officer_id else ""
        number = s.get(Case, av.case_id).number if av.case_id else "（无案件）"
        check = done.get(av_id)
        result = conclusion({CheckItem(k): v for k, v in json.loads(check.results).items()}) if check else ""
        out.append(SampledRecording(av_id, av.file_name.rsplit("/", 1)[-1], officer, number, av.started_at,
                                    av.duration_s or 0.0, check is not None, result))
    return tuple(out)


def _drawn(s: Session, plan: SpotCheckPlan) -> dict:
    """What the plan's audit entry kept of the draw (plans drawn before it was kept: nothing)."""
    detail = s.scalar(select(AuditEntry.detail).where(AuditEntry.action == "spot_check.plan",
                                                      AuditEntry.entity_type == SpotCheckPlan.__tablename__,
                                                      AuditEntry.entity_id == plan.audit_id))
    return json.loads(detail) if detail else {}


def _access_words(drawn: dict, titles: dict[str, str]) -> str:
    if "by_duty" not in drawn:
        return ""
    if drawn["by_duty"]:
        return in_words(f"样本中 {len(drawn['by_duty'])} 件依{drawn['duty_rule']}规定的回放检查职责由检查人查阅"
                        "（本机构规定其他查阅须经批准）", titles)
    return "样本均在检查人职责范围内，可直接查阅"


def _view(s: Session, plan: SpotCheckPlan, titles: dict[str, str] | None = None) -> PlanView:
    kind = ScopeKind(plan.scope_kind)
    scope = kind.label if kind is ScopeKind.ALL else f"{kind.label}：{plan.scope_value}"
    size = f"抽取 {plan.size} 件" if plan.size_kind == SizeKind.COUNT.value else f"抽取 {plan.size}%"
    population = len(json.loads(plan.population))
    drawn = _drawn(s, plan)
    return PlanView(plan.id, plan.period_from, plan.period_to, scope, size, plan.seed,
                    tuple(CheckItem(c) for c in json.loads(plan.checklist)), population,
                    _sampled(s, plan), plan.created_by, plan.created_at, drawn.get("in_scope", population),
                    _left_out_words(drawn.get("left_out", {})),
                    _access_words(drawn, titles if titles is not None else citations.titles(s)))


def plan_view(ctx: AppContext, plan_id: int) -> PlanView:
    with ctx.db.read() as s:
        return _view(s, _plan(s, plan_id))


def plans(ctx: AppContext) -> list[PlanView]:
    with ctx.db.read() as s:
        titles = citations.titles(s)
        return [_view(s, p, titles) for p in s.scalars(select(SpotCheckPlan).order_by(SpotCheckPlan.id.desc()))]


def record_check(ctx: AppContext, user: CurrentUser, plan_id: int, av_id: int, results: dict[CheckItem, bool],
                 issues: list[Issue], note: str = "") -> int:
    """One recording of the plan checked, once: every item judged, every failed item with its time."""
    with ctx.db.write() as s:
        _require_checker(s, user)
        plan = _plan(s, plan_id)
        if av_id not in json.loads(plan.sample):
            raise ServiceError("该音像记录不在本次抽检样本中")
        if s.scalar(select(SpotCheck.id).where(SpotCheck.plan_id == plan_id, SpotCheck.av_record_id == av_id)):
            raise ServiceError("该音像记录已经检查过，检查结果不能更改")
        av = s.get(AvRecord, av_id)
        from jlclient.services.av_access import viewing_rules   # it asks checker_role of this module
        verdict = viewing_rules(s, user).verdict(av)       # disposed or restricted since the draw: not checked
        if not verdict:
            raise ServiceError(in_words(f"不能检查该音像记录：{verdict.reason}", citations.titles(s)))
        checklist = [CheckItem(c) for c in json.loads(plan.checklist)]
        duration_ms = int(av.duration_s * 1000) if av.duration_s else None
        problems = check_problems(checklist, results, issues, duration_ms)
        if problems:
            raise ServiceError("不能保存：" + "；".join(problems))
        row = SpotCheck(plan_id=plan_id, av_record_id=av_id, results=json.dumps({k.value: v for k, v in results.items()}),
                        issues=json.dumps([{"item": x.item.value, "at_ms": x.at_ms, "note": x.note.strip()}
                                           for x in issues], ensure_ascii=False),
                        conclusion=note.strip(), checker=user.actor, checker_name=user.display_name,
                        checked_at=utcnow())
        s.add(row)
        audit.append(s, user.actor, "spot_check.record", row, detail={"result": conclusion(results)})
        return row.id


# --- the ledger and figures -------------------------------------------------------------------------

def _checks(s: Session, period_from: date, period_to: date):
    start, end = _utc_bounds(period_from, period_to)
    return s.execute(select(SpotCheck, AvRecord).join(AvRecord, AvRecord.id == SpotCheck.av_record_id)
                     .where(SpotCheck.checked_at >= start, SpotCheck.checked_at < end)
                     .order_by(SpotCheck.checked_at)).all()


def _issues(check: SpotCheck) -> list[Issue]:
    return [Issue(CheckItem(x["item"]), x["at_ms"], x["note"]) for x in json.loads(check.issues)]


def _ledger_plans(s: Session, period_from: date, period_to: date) -> list[SpotCheckPlan]:
    """The plans drawn in the period, and those with a check made in it: each is stated whole."""
    start, end = _utc_bounds(period_from, period_to)
    checked = select(SpotCheck.plan_id).where(SpotCheck.checked_at >= start, SpotCheck.checked_at < end)
    return list(s.scalars(select(SpotCheckPlan).where(
        ((SpotCheckPlan.created_at >= start) & (SpotCheckPlan.created_at < end)) | SpotCheckPlan.id.in_(checked))
        .order_by(SpotCheckPlan.id)))


def ledger_plans(ctx: AppContext, period_from: date, period_to: date) -> list[PlanView]:
    """The plans the period's ledger states."""
    with ctx.db.read() as s:
        titles = citations.titles(s)
        return [_view(s, p, titles) for p in _ledger_plans(s, period_from, period_to)]


def _recorded(s: Session, av_ids: list[int]) -> dict[int, str]:
    """When each recording began, as the player and the footage lists show it (clock.footage_times:
    true time, and the camera's stamp beside it when its clock was off)."""
    records = list(s.scalars(select(AvRecord).where(AvRecord.id.in_(av_ids)))) if av_ids else []
    offsets = docking_offsets(s, {av.docking_id for av in records})
    return {av.id: true_and_device_text(*footage_times(av.started_at, offsets.get(av.docking_id, 0.0)))
            for av in records if av.started_at is not None}


def _ledger_plan(s: Session, plan: SpotCheckPlan, titles: dict[str, str], disposed: set[int]):
    from jlclient.printing.ledger import LedgerItem, LedgerPlan
    from jlclient.printing.render import chinese_date
    view = _view(s, plan, titles)
    checks = {c.av_record_id: c for c in s.scalars(select(SpotCheck).where(SpotCheck.plan_id == plan.id))}
    recorded = _recorded(s, [r.av_id for r in view.recordings])
    items = []
    for r in view.recordings:
        check = checks.get(r.av_id)
        name = f"{r.file_name}（{recorded[r.av_id]}）" if r.av_id in recorded else r.file_name
        if check is None:
            items.append(LedgerItem(name, r.officer, r.case_number,
                                    UNCHECKED + ("（已销毁，不能检查）" if r.av_id in disposed else "")))
            continue
        items.append(LedgerItem(name, r.officer, r.case_number, r.result, local(check.checked_at).date(),
                                check.checker_name, issues_text(_issues(check)), check.conclusion))
    return LedgerPlan(plan.id, view.scope, f"{chinese_date(plan.period_from)}至{chinese_date(plan.period_to)}",
                      "、".join(i.label for i in view.checklist), plan.seed, view.in_scope, view.population,
                      view.left_out, view.size, view.access, plan.created_by, local(plan.created_at), tuple(items))


def ledger_pdf(ctx: AppContext, period_from: date, period_to: date) -> bytes:
    """The ledger of the period: every plan drawn or checked in it, each with how it was drawn and
    every sampled recording, checked or not, as it stands now (seed 003 Art. 22)."""
    from jlclient.printing.ledger import spot_check_ledger
    from jlclient.printing.render import chinese_date
    with ctx.db.read() as s:
        titles = citations.titles(s)
        disposed = set(s.scalars(select(Disposal.av_record_id)))
        ledger = [_ledger_plan(s, p, titles, disposed) for p in _ledger_plans(s, period_from, period_to)]
        agency = s.scalar(select(Agency.name))
    # times via the agency's clock (jlclient.clock.local); the one clock function of issue 14 may take its place
    return spot_check_ledger(ledger, agency, f"{chinese_date(period_from)}至{chinese_date(period_to)}",
                             local(utcnow()))


def officer_figures(ctx: AppContext, period_from: date, period_to: date) -> list[OfficerFigures]:
    with ctx.db.read() as s:
        return per_officer((s.get(Officer, av.officer_id).name if av.officer_id else "（未登记）",
                            {CheckItem(k): v for k, v in json.loads(check.results).items()})
                           for check, av in _checks(s, period_from, period_to))


def scope_choices(ctx: AppContext, kind: ScopeKind) -> list[tuple[str, str]]:
    """(value, shown) pairs a plan's scope can take: officers who recorded, handling units, procedures."""
    from jlclient.domain.model import Procedure
    if kind is ScopeKind.PROCEDURE:
        return [(p.value, p.label) for p in Procedure]
    with ctx.db.read() as s:
        if kind is ScopeKind.OFFICER:
            names = s.scalars(select(Officer.name).join(AvRecord, AvRecord.officer_id == Officer.id).distinct())
        elif kind is ScopeKind.UNIT:
            names = s.scalars(select(Case.handling_unit).distinct())
        else:
            return []
        return [(n, n) for n in sorted(names)]
