"""Spot checks of recordings: plans drawn at random with a recorded seed, checks recorded once with
each issue at its time in the footage, the ledger (检查台账) as PDF, and per-officer figures
(seed 002 Art. 19, seed 003 Art. 22)."""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from jlclient.clock import local, to_utc
from jlclient.domain.model import Role
from jlclient.domain.retention import CAMERA
from jlclient.domain.spot_check import (CheckItem, Issue, OfficerFigures, SampleError, ScopeKind, SizeKind,
                                        check_problems, conclusion, draw, issues_text, per_officer)
from jlclient.services.auth import CurrentUser
from jlclient.services.compliance import agency_profile
from jlclient.services.context import AppContext, ServiceError
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.models import Agency, AvRecord, Case, Officer, SpotCheck, SpotCheckPlan


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


def create_plan(ctx: AppContext, user: CurrentUser, period_from: date, period_to: date, scope_kind: ScopeKind,
                scope_value: str, size_kind: SizeKind, size: int, checklist: list[CheckItem],
                seed: int | None = None) -> int:
    """Draw the sample and keep the plan with its population and seed: the draw can be repeated."""
    if period_to < period_from:
        raise ServiceError("检查期间的结束日期早于开始日期")
    if not checklist:
        raise ServiceError("请至少选择一个检查项目")
    if scope_kind is not ScopeKind.ALL and not scope_value.strip():
        raise ServiceError(f"请填写{scope_kind.label[1:]}")
    seed = secrets.randbits(48) if seed is None else seed
    with ctx.db.write() as s:
        _require_checker(s, user)
        population = _population(s, period_from, period_to, scope_kind, scope_value.strip())
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
        audit.append(s, user.actor, "spot_check.plan", plan, detail={"seed": seed, "drawn": len(sample)})
        return plan.id


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


def _view(s: Session, plan: SpotCheckPlan) -> PlanView:
    kind = ScopeKind(plan.scope_kind)
    scope = kind.label if kind is ScopeKind.ALL else f"{kind.label}：{plan.scope_value}"
    size = f"抽取 {plan.size} 件" if plan.size_kind == SizeKind.COUNT.value else f"抽取 {plan.size}%"
    return PlanView(plan.id, plan.period_from, plan.period_to, scope, size, plan.seed,
                    tuple(CheckItem(c) for c in json.loads(plan.checklist)), len(json.loads(plan.population)),
                    _sampled(s, plan), plan.created_by, plan.created_at)


def plan_view(ctx: AppContext, plan_id: int) -> PlanView:
    with ctx.db.read() as s:
        return _view(s, _plan(s, plan_id))


def plans(ctx: AppContext) -> list[PlanView]:
    with ctx.db.read() as s:
        return [_view(s, p) for p in s.scalars(select(SpotCheckPlan).order_by(SpotCheckPlan.id.desc()))]


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


def ledger_pdf(ctx: AppContext, period_from: date, period_to: date) -> bytes:
    """The checks made in the period, oldest first, as the landscape ledger."""
    from jlclient.printing.ledger import LedgerRow, spot_check_ledger
    with ctx.db.read() as s:
        rows = []
        for check, av in _checks(s, period_from, period_to):
            results = {CheckItem(k): v for k, v in json.loads(check.results).items()}
            rows.append(LedgerRow(local(check.checked_at).date(),
                                  s.get(Officer, av.officer_id).name if av.officer_id else "",
                                  av.file_name.rsplit("/", 1)[-1], s.get(Case, av.case_id).number if av.case_id else "",
                                  conclusion(results), issues_text(_issues(check)), check.checker_name))
        agency = s.scalar(select(Agency.name))
    period = f"{period_from:%Y年%m月%d日}至{period_to:%Y年%m月%d日}"
    return spot_check_ledger(rows, agency, period)


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
