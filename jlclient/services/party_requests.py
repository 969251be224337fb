"""A party's request to view or copy the enforcement records (当事人申请查阅、复制执法记录).

The agency's profile says how such a request is handled (``party_access``): with the consent of
the agency head, except what must be kept confidential (route APPROVAL, seed 004 Art. 21), or under
the Regulations on Open Government Information (route OPEN_GOVERNMENT, seed 001 Art. 18, seed 002
Art. 18). Where the agency's regulation is silent the request is handled under the open-government
regulation all the same (it binds every administrative organ); the receipt notes that.

A request is registered once and decided once: what was asked, by whom, the decision with its
reason and what was provided. A request handled under the open-government regulation is answered
within 20 working days of receipt, +20 with approval (政府信息公开条例 Art. 33); its reply date is
counted like every other deadline (domain.deadlines). The agency's own consent route (seed 004 Art.
21) sets no period, so none is shown there. Recordings classified RESTRICTED (state or commercial secrets,
privacy) are never listed as provided; a case that has them can only be provided in part.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from jlclient.domain.av_access import RESTRICTED_GROUNDS, AvClass
from jlclient.clock import local_date, today
from jlclient.domain import deadlines as law
from jlclient.domain.deadlines import DeadlineStatus
from jlclient.domain.identifiers import check_credit_code, check_resident_id
from jlclient.domain.model import LabelledEnum, Role
from jlclient.domain.profile import PartyAccess, PartyRoute
from jlclient.services.auth import CurrentUser
from jlclient.services.cases import find_case
from jlclient.services.compliance import agency_profile
from jlclient.services.context import AppContext, ServiceError
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.models import AvRecord, Case, PartyRequest

OPEN_GOVERNMENT_LAW = "政府信息公开条例"
# everyone who meets the public may take a request in; archivists work in the archive
RECEIVERS = (Role.CLERK, Role.OFFICER, Role.REVIEWER, Role.APPROVER, Role.ADMIN)
# under the open-government regulation: the agency head or the legal reviewer answers (practice)
OPEN_GOVERNMENT_DECIDERS = (Role.APPROVER, Role.REVIEWER)


class Wants(LabelledEnum):
    """申请事项"""
    VIEW = ("VIEW", "查阅")
    COPY = ("COPY", "复制")


class Decision(LabelledEnum):
    """办理结果"""
    PENDING = ("PENDING", "待审批")
    PROVIDED = ("PROVIDED", "同意提供")
    PARTLY = ("PARTLY", "部分提供")
    REFUSED = ("REFUSED", "不予提供")


ROUTE_LABELS = {PartyRoute.APPROVAL.value: "经负责人同意",
                PartyRoute.OPEN_GOVERNMENT.value: "按《政府信息公开条例》办理"}


@dataclass(frozen=True)
class Route:
    """How the agency handles a request now, and why."""
    route: PartyRoute
    deciders: tuple[Role, ...]
    basis: str                      # the article, or a note that the agency's regulation is silent

    @property
    def label(self) -> str:
        return ROUTE_LABELS[self.route.value]

    @property
    def deciders_text(self) -> str:
        return "或".join(r.label for r in self.deciders)


@dataclass(frozen=True)
class RequestView:
    id: int
    case_id: int | None
    case_number: str
    requester_name: str
    id_number: str
    contact: str
    wants: Wants
    asked_for: str
    route: str                      # PartyRoute value
    received_by: str
    received_at: datetime           # UTC
    decision: Decision
    decided_by: str
    decided_at: datetime | None
    decision_reason: str
    provided: str
    restricted: tuple[str, ...]     # the case's RESTRICTED recordings (file names): never provided
    reply: law.RunningDeadline | None = None  # the open-government reply period; None on the consent route

    @property
    def reply_due(self) -> date | None:
        return self.reply.due if self.reply else None

    @property
    def reply_overdue(self) -> bool:
        """Still undecided after the reply date, or decided after it."""
        if self.reply is None:
            return False
        return law.status(self.reply, today()) is DeadlineStatus.OVERDUE or self.reply.done_late

    @property
    def reply_text(self) -> str:
        """For people: the reply date with its basis, whether it was met, and any calendar warning."""
        if self.reply is None:
            return "本机关规定未设答复期限"
        rule = self.reply.rule
        parts = [f"应于 {self.reply.due:%Y-%m-%d} 前答复（收到申请之日起 {rule.amount} {rule.unit.label}，"
                 f"经批准可延长 {rule.extension.amount} {rule.unit.label}，{rule.basis}）"]
        if self.reply.done_on is not None:
            parts.append("逾期答复" if self.reply.done_late else "已按期答复")
        elif self.reply_overdue:
            parts.append("已超过答复期限")
        if self.reply.calendar_warning:
            parts.append(self.reply.calendar_warning)
        return "；".join(parts)

    @property
    def route_label(self) -> str:
        return ROUTE_LABELS.get(self.route, self.route)

    @property
    def pending(self) -> bool:
        return self.decision is Decision.PENDING


def route_of(access: PartyAccess | None) -> Route:
    if access is None:
        return Route(PartyRoute.OPEN_GOVERNMENT, OPEN_GOVERNMENT_DECIDERS,
                     f"本机关执法全过程记录制度未作规定，依《{OPEN_GOVERNMENT_LAW}》办理")
    if access.route is PartyRoute.APPROVAL:
        return Route(PartyRoute.APPROVAL, (access.approver or Role.APPROVER,), str(access.source))
    return Route(PartyRoute.OPEN_GOVERNMENT, OPEN_GOVERNMENT_DECIDERS, str(access.source))


def current_route(ctx: AppContext) -> Route:
    with ctx.db.read() as s:
        return route_of(agency_profile(s).party_access)


def _deciders(s: Session, route: str) -> tuple[Role, ...]:
    """Who decides a request received under ``route``: the profile's approver under APPROVAL."""
    if route == PartyRoute.APPROVAL.value:
        access = agency_profile(s).party_access
        return ((access.approver if access and access.approver else Role.APPROVER),)
    return OPEN_GOVERNMENT_DECIDERS


def deciders_of(ctx: AppContext, route: str) -> tuple[Role, ...]:
    """Who may decide a request received under ``route`` (a PartyRoute value)."""
    with ctx.db.read() as s:
        return _deciders(s, route)


def check_id_number(number: str) -> str:
    """The normalised 居民身份证号码 or 统一社会信用代码; "" when none is given; ServiceError when wrong."""
    number = re.sub(r"\s+", "", number or "").upper()
    if not number:
        return ""
    person, organisation = check_resident_id(number, today()), check_credit_code(number)
    if person.ok:
        return person.value
    if organisation.ok:
        return organisation.value
    looks_personal = re.fullmatch(r"\d{15}|\d{17}[\dX]", number) is not None
    raise ServiceError((person if looks_personal else organisation).message
                       + "；申请人为单位的填写统一社会信用代码，不知道的可以不填")


# --- reading --------------------------------------------------------------------------------------

def _restricted(s: Session, case_id: int | None) -> tuple[str, ...]:
    if case_id is None:
        return ()
    names = s.scalars(select(AvRecord.file_name).where(AvRecord.case_id == case_id,
                                                       AvRecord.access_class == AvClass.RESTRICTED.value)
                      .order_by(AvRecord.started_at, AvRecord.id))
    return tuple(re.split(r"[\\/]", n)[-1] for n in names)


def reply_deadline(route: str, received_at: datetime, decided_at: datetime | None) -> law.RunningDeadline | None:
    """The reply period of a request received under ``route`` (政府信息公开条例 Art. 33), counted
    from the day it was received; None on the agency's consent route, which sets no period."""
    if route != PartyRoute.OPEN_GOVERNMENT.value:
        return None
    return law.running_deadline(law.PARTY_REQUEST_REPLY, local_date(received_at),
                                done_on=local_date(decided_at) if decided_at else None)


def _view(s: Session, r: PartyRequest) -> RequestView:
    number = s.scalar(select(Case.number).where(Case.id == r.case_id)) if r.case_id else ""
    return RequestView(r.id, r.case_id, number or "", r.requester_name, r.id_number, r.contact, Wants(r.wants),
                       r.asked_for, r.route, r.received_by, r.received_at, Decision(r.decision), r.decided_by,
                       r.decided_at, r.decision_reason, r.provided, _restricted(s, r.case_id),
                       reply_deadline(r.route, r.received_at, r.decided_at))


def list_requests(ctx: AppContext, pending_only: bool = False) -> list[RequestView]:
    """Newest first."""
    with ctx.db.read() as s:
        query = select(PartyRequest).order_by(PartyRequest.received_at.desc(), PartyRequest.id.desc())
        if pending_only:
            query = query.where(PartyRequest.decision == Decision.PENDING.value)
        return [_view(s, r) for r in s.scalars(query)]


def get_request(ctx: AppContext, request_id: int) -> RequestView:
    with ctx.db.read() as s:
        row = s.get(PartyRequest, request_id)
        if row is None:
            raise ServiceError("申请不存在")
        return _view(s, row)


# --- receiving and deciding -----------------------------------------------------------------------

def receive(ctx: AppContext, user: CurrentUser, case_ref: str | None, requester_name: str, id_number: str,
            contact: str, wants: Wants | str, asked_for: str) -> int:
    """Register a party's request; returns its id. The route is the agency profile's now."""
    if not user.has(*RECEIVERS):
        raise ServiceError("档案管理员不登记查阅、复制申请：请由窗口工作人员、执法人员或法制审核人员登记")
    requester_name, contact, asked_for = requester_name.strip(), contact.strip(), asked_for.strip()
    if not requester_name:
        raise ServiceError("请填写申请人姓名或名称")
    try:
        wants = Wants.parse(wants) if isinstance(wants, str) else Wants(wants)
    except ValueError:
        raise ServiceError("请选择申请查阅还是复制") from None
    if not asked_for:
        raise ServiceError("请填写申请查阅或复制的内容（如 某日现场检查的执法记录仪视频）")
    id_number = check_id_number(id_number)
    with ctx.db.write() as s:
        case = find_case(s, case_ref) if case_ref and case_ref.strip() else None
        route = route_of(agency_profile(s).party_access)
        row = PartyRequest(case_id=case.id if case else None, requester_name=requester_name, id_number=id_number,
                           contact=contact, wants=wants.value, asked_for=asked_for, route=route.route.value,
                           received_by=user.display_name, received_at=utcnow(),
                           decision=Decision.PENDING.value, decided_by="", decision_reason="", provided="")
        s.add(row)
        audit.append(s, user.actor, "party_request.receive", row, detail={
            "case": case.number if case else "", "requester": requester_name, "wants": wants.value,
            "route": route.route.value, "basis": route.basis, "workstation": ctx.workstation})
        return row.id


def decide(ctx: AppContext, user: CurrentUser, request_id: int, decision: Decision | str, reason: str,
           provided: str) -> RequestView:
    """The one decision on a request: who may decide follows the route it was received under."""
    try:
        decision = Decision.parse(decision) if isinstance(decision, str) else Decision(decision)
    except ValueError:
        raise ServiceError("请选择办理结果：同意提供、部分提供或不予提供") from None
    if decision is Decision.PENDING:
        raise ServiceError("请选择办理结果：同意提供、部分提供或不予提供")
    reason, provided = reason.strip(), provided.strip()
    with ctx.db.write() as s:
        row = s.get(PartyRequest, request_id, with_for_update=True)
        if row is None:
            raise ServiceError("申请不存在")
        if row.decision != Decision.PENDING.value:
            raise ServiceError(f"该申请已由{row.decided_by}作出“{Decision(row.decision).label}”的决定，不能更改；"
                               "当事人如有新的请求，请重新登记申请")
        deciders = _deciders(s, row.route)
        if not user.has(*deciders):
            who = "或".join(r.label for r in deciders)
            basis = ("须经负责人同意" if row.route == PartyRoute.APPROVAL.value
                     else f"按《{OPEN_GOVERNMENT_LAW}》办理")
            raise ServiceError(f"本机关规定当事人查阅、复制执法记录{basis}：此申请应由{who}审批")
        if decision in (Decision.PARTLY, Decision.REFUSED) and not reason:
            raise ServiceError(f"“{decision.label}”须写明理由（告知当事人不予提供的部分及依据）")
        if decision in (Decision.PROVIDED, Decision.PARTLY) and not provided:
            raise ServiceError("请写明提供的内容（查阅或复制了哪些记录）")
        restricted = _restricted(s, row.case_id)
        named = [n for n in restricted if n.casefold() in provided.casefold()]
        if named:
            raise ServiceError(f"“{'、'.join(named)}”是受限音像记录（涉及{RESTRICTED_GROUNDS}），"
                               "依法应当保密，不能提供给当事人：请从提供的内容中去掉")
        if restricted and decision is Decision.PROVIDED:
            raise ServiceError(f"本案有 {len(restricted)} 个受限音像记录（依法应当保密）不能提供：请选择“部分提供”，"
                               "并在理由中说明不予提供的部分")
        row.decision, row.decided_by, row.decided_at = decision.value, user.display_name, utcnow()
        row.decision_reason, row.provided = reason, provided
        audit.append(s, user.actor, "party_request.decide", row, detail={
            "decision": decision.value, "reason": reason, "provided": provided, "workstation": ctx.workstation})
        return _view(s, row)
