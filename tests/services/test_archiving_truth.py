"""Binding tells the truth (issue 14): the closing check runs at binding, a volume with findings is
bound only under an approver's written override, and the remarks sheet, cover, index and disc label
say what is so. One archiving deadline in every view, done once the volume is bound."""
import json

import pytest
from sqlalchemy import select

import tests.support.case_builder as cb
from jlclient.cli import main
from jlclient.clock import local, today
from jlclient.domain.deadlines import DeadlineStatus
from jlclient.domain.model import Procedure, Stage
from jlclient.printing.render import chinese_date
from jlclient.services import archiving, cases, deadlines
from jlclient.services.context import ServiceError
from jlclient.store.models import AuditEntry, Case, ComplianceOverride
from tests.support.cli import signed_in
from tests.support.pdf import assert_fonts_embedded, pdftotext, squash

COMPLETE = "本卷文件齐全"


@pytest.fixture
def archivist(login_as):
    return login_as("archivist")


def _case_id(ctx, number: str) -> int:
    with ctx.db.read() as s:
        return s.scalar(select(Case.id).where(Case.number == number))


def _closed_unchecked(ctx, procedure=Procedure.PENALTY, **build) -> int:
    """A case closed as an import closes it: no closing check, so no approver's override on record."""
    case_id = cb.build_case(ctx, procedure, **build)
    with ctx.db.write() as s:
        cases.advance(s, "cli:import", s.get(Case, case_id))
    return case_id


def _paper(ctx, case_id: int, kind: str) -> str:
    return squash(pdftotext(archiving.render_paper(ctx, case_id, kind).pdf))


def test_a_volume_with_findings_is_bound_only_under_an_approvers_written_reason(demo_ctx, login_as, archivist,
                                                                                tmp_path):
    case_id = _closed_unchecked(demo_ctx, skip=("rights_notice",))
    check = archiving.binding_check(demo_ctx, case_id)
    assert check.findings and check.uncovered == check.findings and not check.clean
    assert all("seed" not in line and "《" in line for line in check.lines())   # citations in Chinese words
    with pytest.raises(archiving.BindingBlocked, match="不能立卷.*负责人"):
        archiving.build_volume(demo_ctx, archivist, case_id)
    with pytest.raises(ServiceError, match="负责人"):
        archiving.approve_binding(demo_ctx, login_as("officer"), case_id, "想立卷")
    with pytest.raises(ServiceError, match="书面理由"):
        archiving.approve_binding(demo_ctx, login_as("approver"), case_id, "   ")
    with demo_ctx.db.read() as s:
        assert s.scalar(select(ComplianceOverride).where(ComplianceOverride.case_id == case_id)) is None
    after = archiving.approve_binding(demo_ctx, login_as("approver"), case_id, "录像设备故障，经核实笔录完整")
    assert not after.uncovered and after.overrides[-1].approver == "周杰" and after.overrides[-1].when == "立卷时"
    with demo_ctx.db.read() as s:
        assert "case.compliance_override" in s.scalars(select(AuditEntry.action)).all()

    volume = archiving.build_volume(demo_ctx, archivist, case_id, notes="第3页有涂改，已由当事人签名确认。")
    remarks = _paper(demo_ctx, case_id, "remarks")
    assert "齐全" not in remarks
    for line in check.lines():
        assert squash(line)[:40] in remarks
    assert all(x in remarks for x in ("周杰", "录像设备故障，经核实笔录完整", "立卷时", "第3页有涂改"))
    assert volume.notes.startswith(f"本卷立卷检查发现 {len(check.findings)} 项阻断性问题")
    assert_fonts_embedded(archiving.render_paper(demo_ctx, case_id, "remarks").pdf, tmp_path)


def test_an_approver_who_binds_writes_the_reason_in_the_same_step(demo_ctx, login_as):
    from jlclient.services import users
    case_id = _closed_unchecked(demo_ctx, skip=("rights_notice",))
    both = users.current_user_named(demo_ctx, "admin")       # a filer; given the approver role too
    from dataclasses import replace

    from jlclient.domain.model import Role
    both = replace(both, roles=frozenset(both.roles) | {Role.APPROVER})
    with pytest.raises(archiving.BindingBlocked, match="书面理由"):
        archiving.build_volume(demo_ctx, both, case_id, override_reason="")
    v = archiving.build_volume(demo_ctx, both, case_id, override_reason="补录说明已附卷")
    assert "补录说明已附卷" in v.notes


def test_the_demo_volumes_say_what_is_so(demo_ctx, archivist):
    overridden = _case_id(demo_ctx, "灵行审许〔2026〕5号")       # closed with the approver's written override
    complete = _case_id(demo_ctx, "灵行审许〔2026〕6号")
    assert not archiving.binding_check(demo_ctx, overridden).uncovered   # the closing override covers it
    archiving.build_volume(demo_ctx, archivist, overridden)
    archiving.build_volume(demo_ctx, archivist, complete)
    remarks = _paper(demo_ctx, overridden, "remarks")
    assert "齐全" not in remarks and "没有关联的音像记录" in remarks
    assert all(x in remarks for x in ("结案时", "周杰", "电量耗尽", "《灵寿县行政审批局行政执法全过程记录办法》第十九条"))
    assert COMPLETE in _paper(demo_ctx, complete, "remarks")


def test_a_case_without_its_decision_is_not_bound_as_complete(demo_ctx, archivist):
    case_id = _closed_unchecked(demo_ctx, skip=("penalty_decision",))
    lines = archiving.binding_check(demo_ctx, case_id).lines()
    assert any("行政处罚决定书" in line for line in lines)
    with pytest.raises(archiving.BindingBlocked, match="行政处罚决定书"):
        archiving.build_volume(demo_ctx, archivist, case_id)


def test_cover_index_and_disc_label_carry_what_the_volume_is(demo_ctx, archivist, tmp_path):
    case_id = _case_id(demo_ctx, "灵行审许〔2026〕6号")
    v = archiving.build_volume(demo_ctx, archivist, case_id)
    with demo_ctx.db.read() as s:
        closed = s.get(Case, case_id).closed_at
    cover = _paper(demo_ctx, case_id, "cover")
    for word in ("灵寿县福源饭店有限公司", "食品经营许可", "灵行审许决〔2026〕3号", "许可（确认、给付）决定已送达",
                 "2026年11月30日", f"结案日期{chinese_date(local(closed).date())}", v.archive_number):
        assert squash(word) in cover, word
    from tests.support.pdf import page_count
    assert page_count(archiving.render_paper(demo_ctx, case_id, "cover").pdf) == 1    # still one sheet
    rows = {r.title: r for r in v.rows}
    assert rows["材料接收凭证"].doc_number == "灵行审收〔2026〕6号"
    # the date written on each document, not the day it was saved or printed
    assert (rows["材料接收凭证"].date, rows["准予行政许可决定书"].date, rows["现场检查（勘验）笔录"].date) == \
        ("2026-11-30", "2026-12-02", "2026-12-01")
    index = _paper(demo_ctx, case_id, "index")
    assert "灵行审收〔2026〕6号" in index and "20261130" in index and "20261202" in index
    plan = archiving.plan_volume(demo_ctx, case_id)        # the one list: index and export read it
    assert [r.title for r in v.rows] == [d.title for d in plan.documents]
    label = _paper(demo_ctx, case_id, "disc_label")
    assert f"归档号：{v.archive_number}" in label
    assert v.archive_number in _paper(demo_ctx, case_id, "av_note")
    for kind in ("cover", "index", "disc_label"):
        assert_fonts_embedded(archiving.render_paper(demo_ctx, case_id, kind).pdf, tmp_path)


def _cli_deadlines(monkeypatch, capsys, ctx) -> list[dict]:
    monkeypatch.setenv("JL_HOME", str(ctx.paths.home))
    monkeypatch.delenv("JL_DATABASE_URL", raising=False)
    capsys.readouterr()
    assert main([*signed_in(ctx.paths.home.parent, "archivist"), "deadlines", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_one_archiving_deadline_in_every_view_done_once_bound(demo_ctx, archivist, monkeypatch, capsys):
    number = "灵行审许〔2026〕6号"
    case_id = _case_id(demo_ctx, number)
    [view] = [v for v in deadlines.case_deadlines(demo_ctx, case_id) if v.rule_code == "archiving"]
    [row] = [r for r in archiving.queue(demo_ctx) if r.case_id == case_id]
    [listed] = [r for r in _cli_deadlines(monkeypatch, capsys, demo_ctx)
                if r["case"] == number and r["deadline"] == "archiving"]
    assert row.due == view.due and listed["due"] == view.due.isoformat()
    assert view.status is not DeadlineStatus.DONE

    archiving.build_volume(demo_ctx, archivist, case_id)
    [view] = [v for v in deadlines.case_deadlines(demo_ctx, case_id) if v.rule_code == "archiving"]
    assert view.status is DeadlineStatus.DONE and view.done_on == today()
    assert not [r for r in _cli_deadlines(monkeypatch, capsys, demo_ctx) if r["case"] == number]
    [bound] = [r for r in archiving.queue(demo_ctx, include_bound=True) if r.case_id == case_id]
    assert bound.due == view.due and bound.state(today()) == "已立卷"


def test_a_stage_passed_without_its_document_is_not_done(demo_ctx):
    case_id = cb.build_case(demo_ctx, Procedure.PENALTY, until=Stage.DECISION, skip=("penalty_decision",))
    with demo_ctx.db.write() as s:
        cases.advance(s, "cli:import", s.get(Case, case_id))          # into 送达 with no decision made
    views = {v.rule_code: v for v in deadlines.case_deadlines(demo_ctx, case_id)}
    decision = views["penalty_decision"]
    assert decision.status is DeadlineStatus.SKIPPED and decision.done_on is None
    assert decision.status.label == "未经该环节"
    running = {(v.case_id, v.rule_code) for v in deadlines.my_deadlines(demo_ctx, "officer")}
    assert (case_id, "penalty_decision") not in running
