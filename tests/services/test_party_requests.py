"""A party asks to view or copy the records (seed 001 Art. 18, 002 Art. 18, 004 Art. 21): registered
once, decided once, by whom the agency's profile says."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

import tests.support.case_builder as cb
from jlclient.domain.model import Procedure, Stage
from jlclient.services import party_requests, setup
from jlclient.services.context import ServiceError
from jlclient.services.party_requests import Decision, Wants
from jlclient.store.models import AuditEntry, AvRecord, Case

PERSON_ID = "11010519491231002x"


@pytest.fixture
def case_number(demo_ctx):
    case_id = cb.open_case(demo_ctx, Procedure.PENALTY)
    cb.add_av(demo_ctx, case_id, Stage.INVESTIGATION)
    with demo_ctx.db.read() as s:
        return s.get(Case, case_id).number


def _receive(ctx, user, case_ref, **changes) -> int:
    values = {"requester_name": "王经理", "id_number": PERSON_ID, "contact": "13912345678", "wants": Wants.COPY,
              "asked_for": "3月1日现场检查的执法记录仪视频"} | changes
    return party_requests.receive(ctx, user, case_ref, **values)


def _audit(ctx, action: str) -> list[AuditEntry]:
    with ctx.db.read() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)))


def test_under_approval_the_head_decides_once(demo_ctx, login_as, case_number):
    setup.set_profile(demo_ctx, "cli:test", "lingchuan-approval")     # seed 004 Art. 21: 经负责人同意
    request_id = _receive(demo_ctx, login_as("clerk"), case_number)
    [view] = party_requests.list_requests(demo_ctx)
    assert (view.id, view.case_number, view.requester_name, view.id_number) == (request_id, case_number, "王经理",
                                                                                "11010519491231002X")
    assert view.route == "approval" and view.route_label == "经负责人同意" and view.pending
    assert view.received_by == "张伟" and view.wants is Wants.COPY

    for username in ("reviewer", "clerk", "officer", "admin"):
        with pytest.raises(ServiceError, match="须经负责人同意.*应由负责人审批"):
            party_requests.decide(demo_ctx, login_as(username), request_id, Decision.PROVIDED, "", "视频复制件一份")
    approver = login_as("approver")
    with pytest.raises(ServiceError, match="写明提供的内容"):
        party_requests.decide(demo_ctx, approver, request_id, Decision.PROVIDED, "", " ")
    decided = party_requests.decide(demo_ctx, approver, request_id, "PROVIDED", "", "视频复制件一份（光盘）")
    assert decided.decision is Decision.PROVIDED and decided.decided_by == "周杰" and decided.decided_at
    assert party_requests.list_requests(demo_ctx, pending_only=True) == []

    with pytest.raises(ServiceError, match="已由周杰作出“同意提供”的决定，不能更改"):
        party_requests.decide(demo_ctx, approver, request_id, Decision.REFUSED, "改变主意", "")
    assert party_requests.get_request(demo_ctx, request_id).decision is Decision.PROVIDED

    [received] = _audit(demo_ctx, "party_request.receive")
    [decision] = _audit(demo_ctx, "party_request.decide")
    assert received.actor == "user:clerk" and json.loads(received.detail)["basis"] == "seed 004 Art. 21"
    assert decision.actor == "user:approver" and decision.entity_id == str(request_id)
    assert json.loads(decision.detail)["provided"] == "视频复制件一份（光盘）"


def test_under_open_government_an_approver_or_reviewer_decides(demo_ctx, login_as, case_number):
    setup.set_profile(demo_ctx, "cli:test", "bureau-002")             # seed 002 Art. 18: 政府信息公开条例
    first = _receive(demo_ctx, login_as("officer"), case_number, wants="VIEW")
    second = _receive(demo_ctx, login_as("reviewer"), None, requester_name="灵寿县味美餐饮有限公司",
                      id_number=cb.CREDIT_CODE, wants="复制")
    for username in ("clerk", "officer", "admin"):
        with pytest.raises(ServiceError, match="政府信息公开条例.*应由负责人或法制审核人员审批"):
            party_requests.decide(demo_ctx, login_as(username), first, Decision.REFUSED, "理由", "")
    with pytest.raises(ServiceError, match="“不予提供”须写明理由"):
        party_requests.decide(demo_ctx, login_as("reviewer"), first, Decision.REFUSED, " ", "")
    party_requests.decide(demo_ctx, login_as("reviewer"), first, Decision.REFUSED, "申请内容不属于本机关的执法记录", "")
    party_requests.decide(demo_ctx, login_as("approver"), second, Decision.PARTLY, "部分记录涉及他人隐私",
                          "询问笔录复印件")
    views = {v.id: v for v in party_requests.list_requests(demo_ctx)}
    assert views[first].route == "open_government" and views[first].wants is Wants.VIEW
    assert views[second].case_id is None and views[second].case_number == ""
    assert views[second].decision is Decision.PARTLY and views[second].wants is Wants.COPY


def test_a_silent_profile_takes_the_open_government_route_and_says_so(demo_ctx, login_as, case_number):
    assert party_requests.current_route(demo_ctx).route.value == "open_government"   # seed 000 is silent
    request_id = _receive(demo_ctx, login_as("clerk"), case_number)
    assert party_requests.get_request(demo_ctx, request_id).route == "open_government"
    [received] = _audit(demo_ctx, "party_request.receive")
    assert "未作规定" in json.loads(received.detail)["basis"]
    party_requests.decide(demo_ctx, login_as("reviewer"), request_id, Decision.PROVIDED, "", "视频复制件")


def test_who_registers_and_what_a_request_needs(demo_ctx, login_as, case_number):
    clerk = login_as("clerk")
    with pytest.raises(ServiceError, match="档案管理员不登记"):
        _receive(demo_ctx, login_as("archivist"), case_number)
    with pytest.raises(ServiceError, match="身份证号码校验位不对"):
        _receive(demo_ctx, clerk, case_number, id_number="110105194912310021")
    with pytest.raises(ServiceError, match="统一社会信用代码"):
        _receive(demo_ctx, clerk, case_number, id_number="91110000600037341A")
    with pytest.raises(ServiceError, match="申请人姓名"):
        _receive(demo_ctx, clerk, case_number, requester_name=" ")
    with pytest.raises(ServiceError, match="申请查阅或复制的内容"):
        _receive(demo_ctx, clerk, case_number, asked_for="")
    with pytest.raises(ServiceError, match="没有案件"):
        _receive(demo_ctx, clerk, "灵行审〔1999〕9号")
    assert party_requests.list_requests(demo_ctx) == [] and _audit(demo_ctx, "party_request.receive") == []
    request_id = _receive(demo_ctx, clerk, "", id_number="")                # neither case nor number known
    assert party_requests.get_request(demo_ctx, request_id).id_number == ""


def test_restricted_recordings_are_never_provided(demo_ctx, login_as, case_number):
    with demo_ctx.db.write() as s:
        av = s.scalars(select(AvRecord).join(Case, Case.id == AvRecord.case_id)
                       .where(Case.number == case_number)).one()
        av.access_class, av.restricted_reason = "RESTRICTED", "PRIVACY"
        name = av.file_name
    request_id = _receive(demo_ctx, login_as("clerk"), case_number)
    reviewer = login_as("reviewer")
    assert party_requests.get_request(demo_ctx, request_id).restricted == (name,)
    with pytest.raises(ServiceError, match="受限音像记录.*请选择“部分提供”"):
        party_requests.decide(demo_ctx, reviewer, request_id, Decision.PROVIDED, "", "询问笔录复印件")
    with pytest.raises(ServiceError, match=f"“{name}”是受限音像记录"):
        party_requests.decide(demo_ctx, reviewer, request_id, Decision.PARTLY, "涉及个人隐私", f"{name} 复制件")
    view = party_requests.decide(demo_ctx, reviewer, request_id, Decision.PARTLY,
                                 f"{name} 涉及个人隐私，依法不予提供", "询问笔录复印件")
    assert view.decision is Decision.PARTLY and view.provided == "询问笔录复印件"
