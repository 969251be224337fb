"""Who may move a case out of a stage with open problems (issue 14): the case's officers, or an
approver with a written reason that is audited and shown; nobody else, and nothing is recorded
when refused."""
import json

import pytest
from sqlalchemy import func, select

from jlclient.domain.model import Procedure, Stage
from jlclient.services import cases, compliance
from jlclient.services.context import ServiceError
from jlclient.services.verify import verify
from jlclient.store.models import AuditEntry, Case
from tests.support import case_builder as cb




def _entries(ctx) -> int:
    with ctx.db.read() as s:
        return s.scalar(select(func.count(AuditEntry.seq)))


def test_a_reviewer_cannot_move_an_officers_stage_with_open_problems(demo_ctx, login_as):
    case_id = cb.stuck_investigation(demo_ctx)
    with demo_ctx.db.read() as s:
        assert compliance.leaving_problems(s, s.get(Case, case_id))   # there is something open
    people = [login_as(who) for who in ("reviewer", "officer2", "clerk")]   # officer2 (王强) is not on this case
    before = _entries(demo_ctx)
    for user in people:
        with pytest.raises(ServiceError) as refused:
            cases.advance_case(demo_ctx, user, case_id, cb.version(demo_ctx, case_id))
        assert "调查取证" in str(refused.value) and "Stage" not in str(refused.value)
    assert "本案执法人员" in str(refused.value) or "只能由" in str(refused.value)
    assert cb.stage_of(demo_ctx, case_id) == "INVESTIGATION" and _entries(demo_ctx) == before


def test_the_cases_own_officer_moves_it_on(demo_ctx, login_as):
    case_id = cb.stuck_investigation(demo_ctx)
    assert cases.advance_case(demo_ctx, login_as("officer"), case_id, cb.version(demo_ctx, case_id)) is Stage.DECISION
    assert compliance.overrides_of(demo_ctx, case_id) == []


def test_an_approver_moves_it_on_only_with_a_written_reason(demo_ctx, login_as):
    case_id = cb.stuck_investigation(demo_ctx)
    approver = login_as("approver")
    before = _entries(demo_ctx)
    for blank in (None, "", "   "):
        with pytest.raises(compliance.AdvanceNeedsReason) as asked:
            cases.advance_case(demo_ctx, approver, case_id, cb.version(demo_ctx, case_id), blank)
        assert asked.value.findings and "理由" in str(asked.value)
    assert cb.stage_of(demo_ctx, case_id) == "INVESTIGATION" and _entries(demo_ctx) == before

    reason = "询问笔录原件由市局调阅，复印件另行补入"
    assert cases.advance_case(demo_ctx, approver, case_id, cb.version(demo_ctx, case_id), reason) is Stage.DECISION
    with demo_ctx.db.read() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == compliance.STAGE_OVERRIDE))
    detail = json.loads(entry.detail)
    assert entry.actor == "user:approver" and detail["reason"] == reason and detail["stage"] == "INVESTIGATION"
    assert detail["findings"]
    [shown] = compliance.overrides_of(demo_ctx, case_id)
    assert (shown.by, shown.reason, shown.what) == ("周杰", reason, "推进“调查取证/审查”环节")
    assert verify(demo_ctx).ok


def test_the_last_stage_is_left_only_by_closing(demo_ctx, login_as):
    case_id = cb.build_case(demo_ctx, Procedure.PERMIT, until=Stage.ARCHIVING)
    with pytest.raises(ServiceError, match="结案"):
        cases.advance_case(demo_ctx, login_as("approver"), case_id, cb.version(demo_ctx, case_id))
    with demo_ctx.db.read() as s:
        assert s.get(Case, case_id).status == "OPEN"


def test_a_closing_override_is_shown_with_who_and_why(demo_ctx, login_as):
    case_id = cb.build_case(demo_ctx, Procedure.PERMIT, until=Stage.ARCHIVING, skip=("service_return_receipt",))
    compliance.close_case(demo_ctx, login_as("approver"), case_id, cb.version(demo_ctx, case_id),
                          override_reason="送达回证原件已在诉讼中提交法院")
    [shown] = compliance.overrides_of(demo_ctx, case_id)
    assert (shown.by, shown.what, shown.reason) == ("周杰", "结案", "送达回证原件已在诉讼中提交法院")
    assert shown.open_problems >= 1
