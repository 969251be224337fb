import pytest
from sqlalchemy import select

from jlclient.domain.model import CaseStatus, Procedure, StartMode
from jlclient.services import cases
from jlclient.services.context import ServiceError
from jlclient.services.parties import ORGANISATION, PERSON, PartyInput
from jlclient.services.verify import verify
from jlclient.store.models import Case

COMPANY = PartyInput(ORGANISATION, "灵寿县味美餐饮有限公司", "91110000600037341L")


def test_demo_has_cases_in_different_stages(demo_ctx):
    with demo_ctx.db.read() as s:
        rows = cases.fetch_cases(s, cases.CaseQuery(), 0, 100)
    assert len({r.stage for r in rows}) >= 4
    assert any(r.status is CaseStatus.CLOSED for r in rows)
    assert verify(demo_ctx).ok


def test_filter_and_sort(demo_ctx):
    with demo_ctx.db.read() as s:
        hits = cases.fetch_cases(s, cases.CaseQuery("许可"), 0, 100)
        assert hits and all("许可" in r.matter for r in hits)
        assert cases.count_cases(s, cases.CaseQuery("许可")) == len(hits)
        by_number = cases.fetch_cases(s, cases.CaseQuery(sort="number", descending=False), 0, 100)
        assert [r.number for r in by_number] == sorted(r.number for r in by_number)
        assert cases.fetch_cases(s, cases.CaseQuery("100%_"), 0, 10) == []


def test_penalty_needs_two_officers(demo_ctx):
    new = cases.NewCase(Procedure.PENALTY, StartMode.EX_OFFICIO, "无证经营", COMPANY, "综合执法科", (1,))
    with pytest.raises(ServiceError, match="第四十二条"):
        cases.open_case(demo_ctx, "user:officer", new)


def test_wrong_id_number_refused_and_nothing_written(demo_ctx):
    before = verify(demo_ctx).entries
    new = cases.NewCase(Procedure.PERMIT, StartMode.ON_APPLICATION, "食品经营许可",
                        PartyInput(PERSON, "刘芳", "110105194912310021"), "审批服务科")
    with pytest.raises(ServiceError, match="校验位"):
        cases.open_case(demo_ctx, "user:clerk", new)
    assert verify(demo_ctx).entries == before


def test_detail_shows_stages_and_records(demo_ctx):
    with demo_ctx.db.read() as s:
        case_id = s.scalar(select(Case.id).order_by(Case.id))
    detail = cases.case_detail(demo_ctx, case_id)
    states = [v.state for v in detail.stages]
    assert states[0] == "done" and states.count("current") == 1
    assert {r.kind for r in detail.records} == {"文字记录", "电子数据"}


def test_advance_refuses_a_stale_version(demo_ctx, login_as):
    with demo_ctx.db.read() as s:
        case = s.scalar(select(Case).where(Case.status == "OPEN").order_by(Case.id))
    officer = login_as("officer")
    stage = cases.advance_case(demo_ctx, officer, case.id, case.version)
    assert stage is not None and stage.value != case.stage
    with pytest.raises(ServiceError, match="其他工作站"):
        cases.advance_case(demo_ctx, officer, case.id, case.version)
    assert verify(demo_ctx).ok


def test_numbers_continue_above_the_highest_in_use(demo_ctx):
    from jlclient.store.audit import utcnow
    year = utcnow().year
    with demo_ctx.db.write() as s:
        assert cases.next_number(s, Procedure.PENALTY, year).endswith(f"〔{year}〕2号")
        s.scalar(select(Case).where(Case.procedure == "PENALTY")).number = f"灵行审罚〔{year}〕7号"
        s.flush()
        assert cases.next_number(s, Procedure.PENALTY, year) == f"灵行审罚〔{year}〕8号"
        s.rollback()


def test_search_index_finds_rare_terms_and_new_cases(demo_ctx):
    index = cases.SearchIndex()
    with demo_ctx.db.read() as s:
        assert index.matching(s, "通达运输") is None      # not loaded yet: the SQL path answers
        index.sync(s)
        rare = cases.fetch_cases(s, cases.CaseQuery("通达运输"), 0, 50, index)
        assert [r.party_name for r in rare] == ["灵寿县通达运输有限公司"]
        assert rare == cases.fetch_cases(s, cases.CaseQuery("通达运输"), 0, 50)   # same as the SQL path
    cases.open_case(demo_ctx, "user:clerk", cases.NewCase(Procedure.PERMIT, StartMode.ON_APPLICATION, "食品经营许可",
                                                          PartyInput(ORGANISATION, "通达运输新公司", "91110000600037341L"),
                                                          "审批服务科"))
    with demo_ctx.db.read() as s:
        assert len(cases.fetch_cases(s, cases.CaseQuery("通达运输"), 0, 50, index)) == 2
    index.DENSE = 1
    with demo_ctx.db.read() as s:       # too many hits for the index: the SQL path answers
        assert index.matching(s, "许可") is None
        assert len(cases.fetch_cases(s, cases.CaseQuery("许可"), 0, 50, index)) >= 5
