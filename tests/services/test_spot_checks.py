"""A spot check as the reviewer runs it: a plan drawn with a seed, each sampled recording checked once
with issues at their times, the ledger read back from its PDF, and per-officer figures."""
from datetime import date, datetime, timedelta

import pytest

import tests.support.case_builder as cb
from jlclient.domain.model import Procedure, Stage
from jlclient.domain.spot_check import CheckItem, Issue, ScopeKind, SizeKind
from jlclient.services import spot_checks
from jlclient.services.context import ServiceError
from jlclient.services.verify import verify
from tests.support.pdf import pdftotext, squash

# a month of its own: the demo's footage is of the last few working days
DAY = datetime(2025, 6, 2, 1, 0)        # UTC: 09:00 in the agency's time zone, a Monday
PERIOD = (date(2025, 6, 1), date(2025, 6, 30))
ITEMS = [CheckItem.PARTY_TOLD, CheckItem.ID_SHOWN, CheckItem.USABLE]


@pytest.fixture
def month(demo_ctx):
    """Six recordings in June: four by 李娜, two by 王强 (one on a penalty case); one in May."""
    case_id = cb.open_case(demo_ctx, Procedure.PENALTY)
    ids = [cb.add_av(demo_ctx, None, None, officer="李娜", start=DAY + timedelta(days=i), seconds=300)
           for i in range(4)]
    ids += [cb.add_av(demo_ctx, None, None, officer="王强", camera="DSJ0002", start=DAY + timedelta(days=5)),
            cb.add_av(demo_ctx, case_id, Stage.INVESTIGATION, officer="王强", camera="DSJ0002",
                      start=DAY + timedelta(days=6))]
    cb.add_av(demo_ctx, None, None, officer="李娜", start=DAY - timedelta(days=10))
    return ids


def plan(ctx, user, kind=ScopeKind.ALL, value="", size_kind=SizeKind.COUNT, size=3, seed=42):
    return spot_checks.create_plan(ctx, user, *PERIOD, kind, value, size_kind, size, ITEMS, seed=seed)


def test_only_the_checking_role_plans(demo_ctx, login_as, month):
    with pytest.raises(ServiceError, match="法制审核人员"):
        plan(demo_ctx, login_as("officer"))


def test_a_plan_draws_from_the_period_and_scope_and_can_be_drawn_again(demo_ctx, login_as, month):
    reviewer = login_as("reviewer")
    view = spot_checks.plan_view(demo_ctx, plan(demo_ctx, reviewer))
    assert view.population == 6 and len(view.recordings) == 3 and view.seed == 42
    assert {r.av_id for r in view.recordings} <= set(month)
    assert spot_checks.redraw(demo_ctx, view.id)
    same = spot_checks.plan_view(demo_ctx, plan(demo_ctx, reviewer))
    assert [r.av_id for r in same.recordings] == [r.av_id for r in view.recordings]
    by_officer = spot_checks.plan_view(demo_ctx, plan(demo_ctx, reviewer, ScopeKind.OFFICER, "王强", size=5))
    assert by_officer.population == 2 and {r.officer for r in by_officer.recordings} == {"王强"}
    assert by_officer.scope == "按执法人员：王强"
    penalty = spot_checks.plan_view(demo_ctx, plan(demo_ctx, reviewer, ScopeKind.PROCEDURE, "PENALTY",
                                                   SizeKind.PERCENT, 100))
    assert [r.av_id for r in penalty.recordings] == [month[-1]] and penalty.size == "抽取 100%"


def test_a_plan_says_what_is_wrong(demo_ctx, login_as, month):
    reviewer = login_as("reviewer")
    with pytest.raises(ServiceError, match="没有音像记录"):
        plan(demo_ctx, reviewer, ScopeKind.OFFICER, "无此人")
    with pytest.raises(ServiceError, match="执法人员"):
        plan(demo_ctx, reviewer, ScopeKind.OFFICER, " ")
    with pytest.raises(ServiceError, match="比例"):
        plan(demo_ctx, reviewer, size_kind=SizeKind.PERCENT, size=0)
    with pytest.raises(ServiceError, match="结束日期"):
        spot_checks.create_plan(demo_ctx, reviewer, PERIOD[1], PERIOD[0], ScopeKind.ALL, "", SizeKind.COUNT, 1, ITEMS)


def test_each_recording_is_checked_once_and_the_ledger_shows_it(demo_ctx, login_as, month):
    reviewer = login_as("reviewer")
    view = spot_checks.plan_view(demo_ctx, plan(demo_ctx, reviewer, ScopeKind.OFFICER, "王强", size=2))
    good, bad = [r.av_id for r in view.recordings]
    ok = {i: True for i in ITEMS}
    with pytest.raises(ServiceError, match="不在本次抽检样本"):
        spot_checks.record_check(demo_ctx, reviewer, view.id, month[0], ok, [])
    with pytest.raises(ServiceError, match="尚未判定"):
        spot_checks.record_check(demo_ctx, reviewer, view.id, good, {CheckItem.USABLE: True}, [])
    spot_checks.record_check(demo_ctx, reviewer, view.id, good, ok, [])
    with pytest.raises(ServiceError, match="不能更改"):
        spot_checks.record_check(demo_ctx, reviewer, view.id, good, ok, [])
    failed = {**ok, CheckItem.ID_SHOWN: False}
    with pytest.raises(ServiceError, match="标出"):
        spot_checks.record_check(demo_ctx, reviewer, view.id, bad, failed, [])
    spot_checks.record_check(demo_ctx, reviewer, view.id, bad, failed, [Issue(CheckItem.ID_SHOWN, 12_000, "未出示执法证")])
    after = spot_checks.plan_view(demo_ctx, view.id)
    assert after.done == 2 and [r.result for r in after.recordings] == ["合格", "不合格"]

    today = date.today()
    text = squash(pdftotext(spot_checks.ledger_pdf(demo_ctx, today - timedelta(days=1), today + timedelta(days=1))))
    assert "音像记录回放检查台账" in text and "共2条" in text
    assert "00:00:12出示执法证件：未出示执法证" in text and "赵敏" in text and "王强" in text and "不合格" in text
    figures = spot_checks.officer_figures(demo_ctx, today - timedelta(days=1), today + timedelta(days=1))
    assert [(f.officer, f.checked, f.failed) for f in figures] == [("王强", 2, 1)]
    assert figures[0].by_item == {CheckItem.ID_SHOWN: 1}
    assert verify(demo_ctx).ok
