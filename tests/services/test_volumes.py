"""Binding closed cases as volumes and printing their archive papers, read back with poppler."""
import pytest
from sqlalchemy import select

import tests.support.case_builder as cb
from jlclient.domain.model import Procedure, Stage
from jlclient.services import archiving, compliance, printing, settings
from jlclient.services.context import ServiceError
from jlclient.services.verify import verify
from jlclient.store.models import AuditEntry, AvRecord, CaseVolume, ElectronicRecord
from tests.support.pdf import assert_fonts_embedded, pdftotext, squash


def closed_case(ctx, login, procedure=Procedure.PENALTY, **build) -> int:
    case_id = cb.build_case(ctx, procedure, **build)
    # without footage the profile's AV rule blocks: the approver closes with a written reason
    compliance.close_case(ctx, login("approver"), case_id, cb.version(ctx, case_id), override_reason="测试用结案")
    return case_id


@pytest.fixture
def archivist(login_as):
    return login_as("archivist")


def test_an_open_case_cannot_be_bound(demo_ctx, archivist):
    case_id = cb.build_case(demo_ctx, Procedure.PENALTY, until=Stage.DECISION)
    with pytest.raises(ServiceError, match="尚未结案"):
        archiving.plan_volume(demo_ctx, case_id)
    with pytest.raises(ServiceError, match="尚未结案"):
        archiving.build_volume(demo_ctx, archivist, case_id)


def test_the_plan_binds_the_decision_first_with_page_numbers_and_the_footage_as_an_annex(demo_ctx, login_as):
    case_id = closed_case(demo_ctx, login_as)
    plan = archiving.plan_volume(demo_ctx, case_id)
    titles = [d.title for d in plan.documents]
    assert titles[0] == "行政处罚决定书" and titles[1] == "立案审批表"
    assert plan.documents[-1].key == "av" and plan.documents[-1].remarks == "光盘" and plan.pages[-1] == ""
    paper = [d for d in plan.documents if d.pages]
    assert plan.page_total == sum(d.pages for d in paper) >= len(paper)
    # each printed record's page count is that of its PDF as printed
    rights = next(d for d in plan.documents if d.title == "行政处罚事先告知书")
    record_id = int(rights.key.split(":")[1])
    from tests.support.pdf import page_count
    assert rights.pages == page_count(printing.render_record(demo_ctx, record_id).pdf)
    assert plan.retention == "永久"


def test_only_an_archivist_binds_and_numbers_follow_closing_order_once(any_ctx):
    from jlclient.services import setup
    setup.initialise(any_ctx, "cli:test")
    setup.seed_demo(any_ctx, "cli:test")
    from jlclient.services import auth
    login = lambda name: auth.login(any_ctx, name, setup.DEMO_PASSWORD)   # noqa: E731
    first, second = closed_case(any_ctx, login, av=False), closed_case(any_ctx, login, Procedure.PERMIT, av=False)
    with pytest.raises(ServiceError, match="档案管理员"):
        archiving.build_volume(any_ctx, login("officer"), first)
    a = archiving.build_volume(any_ctx, login("archivist"), first, fonds_no="J012", catalogue_no="1")
    b = archiving.build_volume(any_ctx, login("archivist"), second)
    assert (a.archive_seq, b.archive_seq) == (1, 2)
    assert a.archive_number.endswith("-0001") and b.archive_number == f"{b.archive_year}-0002"
    assert (b.fonds_no, b.catalogue_no) == ("J012", "1")       # carried over from the last volume
    assert b.retention == "30年" and b.box_no != a.box_no        # another retention: another box
    with pytest.raises(ServiceError, match="已经立卷"):
        archiving.build_volume(any_ctx, login("archivist"), first)
    with any_ctx.db.read() as s:
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.action == "volume.build")).all()
        assert len(actions) == 2
    assert archiving.volume_of(any_ctx, first) == a
    assert verify(any_ctx).ok


def test_a_full_box_opens_the_next(demo_ctx, login_as, archivist):
    settings.set_int(demo_ctx, "cli:test", "volumes_per_box", 1)
    cases = [closed_case(demo_ctx, login_as, av=False) for _ in range(2)]
    boxes = [archiving.build_volume(demo_ctx, archivist, c).box_no for c in cases]
    assert boxes == [1, 2]


def test_the_spines_of_a_year_give_each_box_its_first_and_last_volume(demo_ctx, login_as, archivist):
    settings.set_int(demo_ctx, "cli:test", "volumes_per_box", 2)
    volumes = [archiving.build_volume(demo_ctx, archivist, closed_case(demo_ctx, login_as, av=False), fonds_no="J012")
               for _ in range(3)]
    spines = archiving.year_spines(demo_ctx, volumes[0].archive_year)
    assert [(x.box_no, x.first_item, x.last_item, x.retention, x.fonds_no) for x in spines] == \
        [(1, 1, 2, "永久", "J012"), (2, 3, 3, "永久", "J012")]
    assert archiving.year_spines(demo_ctx, volumes[0].archive_year + 1) == []


def test_an_unknown_retention_is_refused(demo_ctx, login_as, archivist):
    case_id = closed_case(demo_ctx, login_as, av=False)
    with pytest.raises(ServiceError, match="保管期限"):
        archiving.build_volume(demo_ctx, archivist, case_id, retention="5年")


def test_papers_need_a_bound_volume(demo_ctx, login_as):
    case_id = closed_case(demo_ctx, login_as)
    with pytest.raises(ServiceError, match="还没有立卷"):
        archiving.render_paper(demo_ctx, case_id, "cover")
    with pytest.raises(ServiceError, match="没有“label”"):
        archiving.render_paper(demo_ctx, case_id, "label")


def test_the_volume_papers_print_what_the_volume_records(demo_ctx, login_as, archivist, tmp_path):
    case_id = closed_case(demo_ctx, login_as)
    v = archiving.build_volume(demo_ctx, archivist, case_id, fonds_no="J012", catalogue_no="3",
                               notes="第2件询问笔录为复印件。", checker="李明")
    text = {k: squash(pdftotext(archiving.render_paper(demo_ctx, case_id, k).pdf))
            for k in ("cover", "index", "remarks", "spine")}
    assert all(squash(x) in text["cover"] for x in (v.archive_number, "J012", "永久", f"共{v.items}件{v.pages}页",
                                                   "行政处罚", "灵行审罚决〔"))
    assert all(squash(r.title) in text["index"] for r in v.rows)
    last_paper = v.rows[-2]                      # the footage annex is last and has no page
    assert v.rows[-1].page == "" and last_paper.page.split("-")[-1] == str(v.pages)
    assert "第2件询问笔录为复印件" in text["remarks"] and "李明" in text["remarks"]
    assert "J012" in text["spine"] and str(v.archive_year) in text["spine"]
    for k in ("cover", "index", "remarks", "spine"):
        assert_fonts_embedded(archiving.render_paper(demo_ctx, case_id, k).pdf, tmp_path)


def test_the_disc_papers_name_every_file_with_its_hash_the_officers_and_the_place(demo_ctx, login_as):
    case_id = closed_case(demo_ctx, login_as)
    with demo_ctx.db.read() as s:
        footage = s.scalars(select(AvRecord).where(AvRecord.case_id == case_id)).all()
    note = squash(pdftotext(archiving.render_paper(demo_ctx, case_id, "av_note", maker="孙丽").pdf))
    label = squash(pdftotext(archiving.render_paper(demo_ctx, case_id, "disc_label", maker="孙丽").pdf))
    for r in footage:
        assert r.file_hash[:16] in note
    assert "李娜" in note and "13012601001" in note and "孙丽" in note
    place = archiving.recording_place(demo_ctx, case_id)
    assert place and squash(place) in note and squash(place) in label
    assert "县市场东门" in squash(pdftotext(archiving.render_paper(demo_ctx, case_id, "av_note", place="县市场东门").pdf))


def test_the_disc_papers_say_what_is_missing(demo_ctx, login_as):
    without_footage = closed_case(demo_ctx, login_as, av=False)
    with pytest.raises(ServiceError, match="没有关联的音像记录"):
        archiving.render_paper(demo_ctx, without_footage, "disc_label")
    # the disc can be made before the case closes; without on-site records nobody wrote the place down
    no_place = cb.build_case(demo_ctx, Procedure.PENALTY, until=Stage.INVESTIGATION,
                             skip=("inspection_record", "inquiry_record"))
    with pytest.raises(ServiceError, match="录制地点"):
        archiving.render_paper(demo_ctx, no_place, "av_note")


def test_a_printed_paper_is_kept_as_an_electronic_record_and_never_joins_the_index(demo_ctx, login_as, archivist):
    case_id = closed_case(demo_ctx, login_as)
    archiving.build_volume(demo_ctx, archivist, case_id)
    printed = printing.register_print(demo_ctx, archivist.actor, archiving.render_paper(demo_ctx, case_id, "cover"))
    with demo_ctx.db.read() as s:
        row = s.get(ElectronicRecord, printed.electronic_record_id)
        assert row.kind == printing.PRINTED and row.title.startswith("案卷封面") and row.stage == "ARCHIVING"
        assert s.scalar(select(AuditEntry.action).order_by(AuditEntry.seq.desc()).limit(1)) == "document.print"
    assert all(not d.title.startswith("案卷封面") for d in archiving.plan_volume(demo_ctx, case_id).documents)
    with demo_ctx.db.read() as s:
        assert s.scalar(select(CaseVolume.items).where(CaseVolume.case_id == case_id)) == \
            len(archiving.volume_of(demo_ctx, case_id).rows)


def test_the_queue_gives_each_closed_case_its_archiving_deadline_until_it_is_bound(demo_ctx, login_as, archivist):
    from datetime import date, timedelta

    from jlclient.clock import local
    case_id = closed_case(demo_ctx, login_as, av=False)
    [row] = [r for r in archiving.queue(demo_ctx) if r.case_id == case_id]      # the demo has closed cases too
    with demo_ctx.db.read() as s:
        from jlclient.store.models import Case
        closed_on = local(s.get(Case, case_id).closed_at).date()
    # seed 000 Art. 28: 三十日内; a last day on a weekend or holiday moves to the next working day
    from jlclient.domain.workdays import WorkCalendar
    assert row.case_id == case_id and row.due >= closed_on + timedelta(days=30)
    assert row.due == closed_on + timedelta(days=30) or not WorkCalendar().is_workday(closed_on + timedelta(days=30))
    assert row.state(closed_on) == "待立卷" and row.state(row.due - timedelta(days=5)) == "即将到期"
    assert row.state(row.due + timedelta(days=1)) == "已超期"
    archiving.build_volume(demo_ctx, archivist, case_id)
    assert case_id not in [r.case_id for r in archiving.queue(demo_ctx)]
    [bound] = [r for r in archiving.queue(demo_ctx, include_bound=True) if r.case_id == case_id]
    assert bound.archive_number.endswith("-0001") and bound.state(date(2099, 1, 1)) == "已立卷"
