"""What waits for one user (工作台 待办, issue 14): the decisions only they can take — access
requests, parties' requests, the disposal list, closings and overrides — and, for everyone, their
own requests still waiting on someone else. Each item names the place where it is acted on."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from jlclient.domain.compliance import blocking
from jlclient.domain.model import CaseStatus, Role, Stage
from jlclient.services import archiving, av_access, party_requests, retention
from jlclient.services.auth import CurrentUser
from jlclient.services.compliance import check_case
from jlclient.services.context import AppContext
from jlclient.store.models import Case, CaseOfficer

# where an item is acted on: a place of the main window and, within it, what to open
REVIEW_REQUEST = "review.request"        # target: access request id
PARTY_REQUEST = "party_requests.request"  # target: party request id
DISPOSAL = "archive.retention"           # target: none
BINDING = "archive.binding"              # target: case id
CASE = "cases.case"                      # target: case id


@dataclass(frozen=True)
class Waiting:
    kind: str            # for people: 查阅申请待审批, 待结案 …
    subject: str         # what it is about
    detail: str
    since: datetime | None   # naive UTC
    opens: str           # REVIEW_REQUEST / PARTY_REQUEST / DISPOSAL / CASE
    target: int | None = None

    @property
    def place(self) -> str:
        return self.opens.split(".", 1)[0]


def waiting(ctx: AppContext, user: CurrentUser) -> list[Waiting]:
    """Everything waiting for ``user``, what they must decide first, oldest first within each kind."""
    items: list[Waiting] = []
    if user.has(Role.APPROVER):
        items += _access_requests(ctx, user)
        items += _disposal(ctx)
        items += _closings(ctx)
        items += _bindings(ctx)
    items += _party_requests(ctx, user)
    if not user.has(Role.APPROVER):
        items += _my_access_requests(ctx, user)
    if user.has(Role.OFFICER) and user.officer_id is not None:
        items += _my_cases(ctx, user)
    return items


def _access_requests(ctx: AppContext, user: CurrentUser) -> list[Waiting]:
    mine = user.actor
    return [Waiting("查阅申请待审批", f"{r.requester_name}申请查阅 {'、'.join(r.files)}",
                    f"事由：{r.reason}；期限 {r.hours} 小时", r.requested_at, REVIEW_REQUEST, r.id)
            for r in reversed(av_access.requests(ctx, user, pending_only=True)) if r.requester != mine]


def _my_access_requests(ctx: AppContext, user: CurrentUser) -> list[Waiting]:
    return [Waiting("我的查阅申请（等待审批）", "、".join(r.files), f"事由：{r.reason}", r.requested_at,
                    REVIEW_REQUEST, r.id)
            for r in reversed(av_access.requests(ctx, user, pending_only=True))]


def _party_requests(ctx: AppContext, user: CurrentUser) -> list[Waiting]:
    pending = party_requests.list_requests(ctx, pending_only=True)
    deciders = {route: party_requests.deciders_of(ctx, route) for route in {r.route for r in pending}}
    return [Waiting("当事人查阅复制申请待办理", f"{r.requester_name}申请{r.wants.label}",
                    f"{r.case_number + '：' if r.case_number else ''}{r.asked_for}", r.received_at, PARTY_REQUEST, r.id)
            for r in reversed(pending) if user.has(*deciders[r.route])]


def _disposal(ctx: AppContext) -> list[Waiting]:
    due = retention.overview(ctx, due_only=True)
    if not due:
        return []
    return [Waiting("销毁清单待批准", f"已过保存期限的音像记录 {len(due)} 个",
                    "未长期保存、非案件证据；批准后销毁文件内容并登记", None, DISPOSAL)]


def _closings(ctx: AppContext) -> list[Waiting]:
    """Cases in their last stage: closed at once when complete, else only on the approver's reason."""
    with ctx.db.read() as s:
        last = list(s.execute(select(Case.id, Case.number, Case.title, Case.opened_at)
                              .where(Case.status == CaseStatus.OPEN.value, Case.stage == Stage.ARCHIVING.value)
                              .order_by(Case.opened_at)))
    items = []
    for case_id, number, title, opened in last:
        problems = len(blocking(check_case(ctx, case_id, closing=True)))
        kind, detail = (("待负责人书面批准结案", f"有 {problems} 项阻断性问题，须写明理由方可结案") if problems
                        else ("待结案", "合规检查无阻断性问题"))
        items.append(Waiting(kind, f"{number}　{title}", detail, opened, CASE, case_id))
    return items


def _bindings(ctx: AppContext) -> list[Waiting]:
    """Closed cases not yet bound whose volume lacks something no approver's reason covers yet."""
    items = []
    for row in archiving.queue(ctx):
        uncovered = archiving.binding_check(ctx, row.case_id).uncovered
        if uncovered:
            items.append(Waiting("立卷待负责人书面批准", f"{row.case_number}　{row.title}",
                                 f"案卷有 {len(uncovered)} 项阻断性问题，须负责人写明理由方可立卷", None, BINDING, row.case_id))
    return items


def _my_cases(ctx: AppContext, user: CurrentUser) -> list[Waiting]:
    """The open cases this officer handles, each in the stage it waits in."""
    with ctx.db.read() as s:
        rows = s.execute(select(Case.id, Case.number, Case.title, Case.stage, Case.opened_at)
                         .join(CaseOfficer, CaseOfficer.case_id == Case.id)
                         .where(CaseOfficer.officer_id == user.officer_id, Case.status == CaseStatus.OPEN.value)
                         .order_by(Case.opened_at))
        return [Waiting("我承办的案件", f"{number}　{title}", f"处于“{Stage(stage).label}”环节", opened, CASE, case_id)
                for case_id, number, title, stage, opened in rows]
