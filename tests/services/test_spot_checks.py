"""A spot check as the reviewer runs it: a plan drawn with a seed, each sampled recording checked once
with issues at their times, the ledger read back from its PDF, and per-officer figures."""
from datetime import date, datetime, timedelta
import json

import pytest
from sqlalchemy import select

import tests.support.case_builder as cb
from jlclient.clock import today as local_today
from jlclient.domain.model import Procedure, Stage
from jlclient.domain.spot_check import CheckItem, Issue, ScopeKind, SizeKind
from jlclient.domain.av_access import AvClass, RestrictedReason
from jlclient.services import av_access, retention, setup, spot_checks
from jlclient.services.context import ServiceError
from jlclient.services.verify import verify
from jlclient.store.models import AuditEntry
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
    assert "音像记录回放检查台账" in text and "抽检计划1个" in text
    assert "00:00:12出示执法证件：未出示执法证" in text and "赵敏" in text and "王强" in text and "不合格" in text
    figures = spot_checks.officer_figures(demo_ctx, today - timedelta(days=1), today + timedelta(days=1))
    assert [(f.officer, f.checked, f.failed) for f in figures] == [("王强", 2, 1)]
    assert figures[0].by_item == {CheckItem.ID_SHOWN: 1}
    assert verify(demo_ctx).ok


def _plan_audit(ctx, plan_id: int) -> dict:
    with ctx.db.read() as s:
        return json.loads(s.scalar(select(AuditEntry.detail).where(AuditEntry.action == "spot_check.plan",
                                                                   AuditEntry.entity_id == str(plan_id))))


def test_a_sample_never_holds_a_recording_the_checker_may_not_view(demo_ctx, login_as, month):
    """seed 003: no viewing without approval (Art. 16), yet the legal reviewers play the records back
    (Art. 22). A restricted and a disposed recording of the month are never drawn, even at 100%; the
    others are, and the plan records that the checker views them under Art. 22."""
    setup.set_profile(demo_ctx, "cli:test", "changli-dapuhe")
    reviewer = login_as("reviewer")
    restricted, disposed = month[0], month[1]
    av_access.classify(demo_ctx, reviewer, restricted, AvClass.RESTRICTED, RestrictedReason.WORK_SECRET)
    assert retention.dispose(demo_ctx, login_as("approver"), [disposed]).disposed == (disposed,)
    view = spot_checks.plan_view(demo_ctx, plan(demo_ctx, reviewer, size_kind=SizeKind.PERCENT, size=100))
    sample = [r.av_id for r in view.recordings]
    assert sample == sorted(set(month) - {restricted, disposed})
    assert view.in_scope == 6 and view.population == 4
    assert "受限" in view.left_out and "已销毁" in view.left_out
    assert "《昌黎县大蒲河镇行政执法全过程记录实施办法》第二十二条" in view.access and "Art." not in view.access
    drawn = _plan_audit(demo_ctx, view.id)
    assert drawn["by_duty"] == sample and drawn["duty_rule"] == "seed 003 Art. 22"
    assert drawn["left_out"] == {"DISPOSED": 1, "RESTRICTED": 1} and drawn["in_scope"] == 6
    assert spot_checks.redraw(demo_ctx, view.id)
    assert av_access.open_for_playback(demo_ctx, reviewer, sample)          # the sample plays
    with pytest.raises(ServiceError, match="受限"):
        av_access.open_for_playback(demo_ctx, reviewer, [restricted])       # what was left out does not
    for other in month[2:4]:                                               # all of 李娜's month is now closed
        av_access.classify(demo_ctx, reviewer, other, AvClass.RESTRICTED, RestrictedReason.PRIVACY)
    with pytest.raises(ServiceError, match="4 件音像记录都不在您的查阅范围内"):
        plan(demo_ctx, reviewer, ScopeKind.OFFICER, "李娜", size_kind=SizeKind.PERCENT, size=100)


def test_where_viewing_is_by_role_the_sample_says_so_and_a_recording_disposed_after_the_draw_is_not_checked(
        demo_ctx, login_as, month):
    reviewer = login_as("reviewer")
    av_access.classify(demo_ctx, reviewer, month[2], AvClass.RESTRICTED, RestrictedReason.PRIVACY)
    view = spot_checks.plan_view(demo_ctx, plan(demo_ctx, reviewer, size_kind=SizeKind.PERCENT, size=100))
    assert month[2] not in {r.av_id for r in view.recordings} and view.population == 5
    assert view.access == "样本均在检查人职责范围内，可直接查阅" and _plan_audit(demo_ctx, view.id)["by_duty"] == []

    setup.set_profile(demo_ctx, "cli:test", "changli-dapuhe")          # routine footage kept 6 months
    gone = view.recordings[0].av_id
    assert retention.dispose(demo_ctx, login_as("approver"), [gone]).disposed == (gone,)
    with pytest.raises(ServiceError, match="销毁"):
        spot_checks.record_check(demo_ctx, reviewer, view.id, gone, {i: True for i in ITEMS}, [])
    text = squash(pdftotext(spot_checks.ledger_pdf(demo_ctx, local_today(), local_today())))
    assert "未检查（已销毁，不能检查）" in text


def test_the_ledger_states_how_the_sample_was_drawn_every_item_the_opinions_pass_rate_and_signatures(
        demo_ctx, login_as, month, tmp_path):
    """seed 003 Art. 22: the ledger (检查台账) — scope, seed, population and sample size, every checked
    and unchecked recording, the written opinions, the pass rate and lines for both signatures."""
    from tests.support.pdf import assert_fonts_embedded
    reviewer = login_as("reviewer")
    view = spot_checks.plan_view(demo_ctx, plan(demo_ctx, reviewer, size=3, seed=42))
    first, second, third = view.recordings
    ok = {i: True for i in ITEMS}
    spot_checks.record_check(demo_ctx, reviewer, view.id, first.av_id, ok, [], "告知、出示证件规范，画面清晰")
    spot_checks.record_check(demo_ctx, reviewer, view.id, second.av_id, {**ok, CheckItem.ID_SHOWN: False},
                             [Issue(CheckItem.ID_SHOWN, 65_000, "未出示执法证")], "责令整改，下月复查")
    pdf = spot_checks.ledger_pdf(demo_ctx, local_today(), local_today())
    text = squash(pdftotext(pdf))
    assert "抽检范围：全部" in text and "录制期间：2025年6月1日至2025年6月30日" in text
    assert "随机种子：42" in text and "范围内音像记录6件，纳入抽样6件" in text and "抽取3件，实际抽取3件" in text
    assert squash(f"未检查的：3. {third.file_name}") in text and text.count("未检查") >= 2
    assert "告知、出示证件规范，画面清晰" in text and "责令整改，下月复查" in text
    assert "00:01:05出示执法证件：未出示执法证" in text
    assert "样本3件，已检查2件，未检查1件；合格1件，不合格1件，合格率50%" in text
    assert "检查人（签名）" in text and "负责人（签名）" in text
    assert "Art." not in text and "seed" not in text
    assert_fonts_embedded(pdf, tmp_path)


def test_the_ledger_states_when_each_recording_began_by_the_one_clock(demo_ctx, login_as, month):
    """issue 14: the ledger shows a recording's time as the player and the footage lists do: true
    time, with the camera's own stamp (what its picture shows) beside it when its clock was off."""
    from jlclient.store.models import AvRecord, Docking
    reviewer = login_as("reviewer")
    view = spot_checks.plan_view(demo_ctx, plan(demo_ctx, reviewer, ScopeKind.OFFICER, "王强", size=2))
    skewed = next(r for r in view.recordings if r.case_number == "（无案件）")
    with demo_ctx.db.write() as s:
        docking = Docking(camera_serial="DSJ0002", layout="generic", docked_at=DAY + timedelta(days=8), offset_s=37.0,
                          file_count=1, workstation="test", docked_by="user:officer")
        s.add(docking)
        s.flush()
        s.get(AvRecord, skewed.av_id).docking_id = docking.id
    text = squash(pdftotext(spot_checks.ledger_pdf(demo_ctx, local_today(), local_today())))
    assert squash(f"{skewed.file_name}（2025-06-07 09:00:00（记录仪显示 09:00:37））") in text
    other = next(r for r in view.recordings if r.av_id != skewed.av_id)
    assert squash(f"{other.file_name}（2025-06-08 09:00:00）") in text
