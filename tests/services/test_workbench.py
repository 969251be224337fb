"""What waits for a user on the workbench (issue 14): an approver sees the requests and closings to
decide; the requester sees their own request still waiting; words only, no codes."""
from jlclient.domain.av_access import AvClass, RestrictedReason
from jlclient.domain.model import Procedure, Stage
from jlclient.services import av_access, workbench
from tests.support import case_builder as cb


def _pending_request(ctx, login_as) -> int:
    footage = cb.add_av(ctx, None, None, officer="李娜")
    reviewer = login_as("reviewer")
    av_access.classify(ctx, reviewer, footage, AvClass.RESTRICTED, RestrictedReason.PRIVACY)
    return av_access.request_access(ctx, reviewer, [footage], "行政复议答复需要", 4)


def test_an_approver_sees_the_access_request_and_the_closings_to_decide(demo_ctx, login_as):
    request_id = _pending_request(demo_ctx, login_as)
    gaps = cb.build_case(demo_ctx, Procedure.PERMIT, until=Stage.ARCHIVING, skip=("service_return_receipt",))
    items = workbench.waiting(demo_ctx, login_as("approver"))
    [asked] = [w for w in items if w.opens == workbench.REVIEW_REQUEST]
    assert (asked.target, asked.place, asked.kind) == (request_id, "review", "查阅申请待审批")
    assert "赵敏" in asked.subject and "行政复议答复需要" in asked.detail
    [closing] = [w for w in items if w.target == gaps and w.opens == workbench.CASE]
    assert closing.kind == "待负责人书面批准结案" and "阻断性问题" in closing.detail
    for w in items:
        assert "user:" not in w.subject + w.detail and "PENDING" not in w.kind + w.detail


def test_the_requester_sees_their_own_request_waiting_and_others_see_nothing_to_approve(demo_ctx, login_as):
    request_id = _pending_request(demo_ctx, login_as)
    mine = workbench.waiting(demo_ctx, login_as("reviewer"))
    assert [(w.kind, w.target) for w in mine if w.opens == workbench.REVIEW_REQUEST] == \
        [("我的查阅申请（等待审批）", request_id)]
    assert not [w for w in workbench.waiting(demo_ctx, login_as("clerk")) if w.opens == workbench.REVIEW_REQUEST]
    av_access.decide_access(demo_ctx, login_as("approver"), request_id, True, "同意")
    assert not [w for w in workbench.waiting(demo_ctx, login_as("approver")) if w.opens == workbench.REVIEW_REQUEST]
