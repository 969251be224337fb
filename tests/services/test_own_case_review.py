"""The legal review (法制审核) of one's own case is refused (issue 14), with a clear Chinese message
and nothing written; the same review by someone not on the case goes through."""
import pytest
from sqlalchemy import func, select

from jlclient.clock import today
from jlclient.domain.model import Procedure, Role, Stage
from jlclient.services import users
from jlclient.services.context import ServiceError
from jlclient.store.models import TextRecord
from tests.support import case_builder as cb


def _reviews(ctx, case_id) -> int:
    with ctx.db.read() as s:
        return s.scalar(select(func.count(TextRecord.id)).where(TextRecord.case_id == case_id,
                                                               TextRecord.form == "legal_review"))


def _in_decision(ctx) -> int:
    return cb.build_case(ctx, Procedure.PENALTY, until=Stage.DECISION, skip=("legal_review",))


def test_an_officer_who_is_also_legal_reviewer_cannot_review_their_own_case(demo_ctx):
    users.set_roles(demo_ctx, "user:admin", "officer", frozenset({Role.OFFICER, Role.REVIEWER}))
    case_id = _in_decision(demo_ctx)
    with pytest.raises(ServiceError) as refused:
        cb.save(demo_ctx, case_id, "legal_review", Procedure.PENALTY, actor="user:officer")
    assert "本案的承办执法人员" in str(refused.value) and "法制审核" in str(refused.value)
    assert _reviews(demo_ctx, case_id) == 0


def test_a_review_signed_by_one_of_the_cases_officers_is_refused(demo_ctx):
    case_id = _in_decision(demo_ctx)
    own = cb.opinion("王强", "同意", today())          # 王强 handles this case
    with pytest.raises(ServiceError, match="不能对本案进行法制审核"):
        cb.save(demo_ctx, case_id, "legal_review", Procedure.PENALTY, actor="user:reviewer", reviewer=own)
    assert _reviews(demo_ctx, case_id) == 0


def test_the_legal_reviewer_not_on_the_case_reviews_it(demo_ctx):
    case_id = _in_decision(demo_ctx)
    cb.save(demo_ctx, case_id, "legal_review", Procedure.PENALTY, actor="user:reviewer")
    assert _reviews(demo_ctx, case_id) == 1
