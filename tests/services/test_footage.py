"""After the pull: sessions with interruptions and upload deadlines, suggestions, linking with the six
keys and the party-told confirmation, spoken interruption reasons — and what compliance makes of them."""
from datetime import timedelta

import pytest

from jlclient.clock import local
from jlclient.devices.layouts import recognise
from jlclient.devices.pull import pull
from jlclient.devices.simulator import simulate, wall_now
from jlclient.domain.compliance import Code
from jlclient.domain.model import Procedure, Stage
from jlclient.services import cameras, footage
from jlclient.services.compliance import check_case
from jlclient.services.context import ServiceError
from jlclient.services.footage import Classification
from jlclient.services.verify import verify
from jlclient.store.audit import utcnow
from jlclient.store.models import AvRecord
from tests.support.case_builder import open_case

FULL = Classification("现场检查录像", "灵寿县味美餐饮有限公司", "未按许可条件从事经营活动")


def _dock_and_pull(ctx, tmp_path, *, remote_hours: float | None = None, **kw):
    simulate(tmp_path / "cam", "dcim-imp", segments=3, segment_seconds=3, **kw)
    view, docked, files = cameras.dock_found(ctx, "user:officer", recognise(tmp_path / "cam"))
    if remote_hours is not None:
        cameras.declare_remote_duty(ctx, "user:officer", view.docking_id,
                                    utcnow() - timedelta(hours=remote_hours), "在边远山区连续执法三天")
    assert pull(ctx, "user:officer", docked, files).complete


def _session(ctx, user):
    found = footage.unlinked_sessions(ctx, footage.visible_officer(user))
    assert len(found) == 1
    return found[0]


def test_segments_chain_into_one_session_with_its_interruption(demo_ctx, login_as, tmp_path):
    _dock_and_pull(demo_ctx, tmp_path, gap_minutes=2)
    session = _session(demo_ctx, login_as("officer"))
    assert session.camera == "DSJ0001" and session.officer_name == "李娜" and len(session.av_ids) == 3
    assert [(g.seconds, g.explained) for g in session.gaps] == [(120, False)]
    assert session.late_source is None and session.due > local(utcnow())
    assert footage.unlinked_sessions(demo_ctx, footage.visible_officer(login_as("officer2"))) == []
    assert footage.unlinked_counts(demo_ctx) == [("李娜", 3)]


def test_the_case_being_worked_on_then_is_suggested_first(demo_ctx, login_as, tmp_path):
    _dock_and_pull(demo_ctx, tmp_path)
    case_id = open_case(demo_ctx, Procedure.PENALTY)          # both demo officers, opened just now
    suggestions = footage.suggest(demo_ctx, _session(demo_ctx, login_as("officer")))
    assert suggestions[0].case_id == case_id and suggestions[0].stage is Stage.INITIATION
    assert "与录像时间相符" in suggestions[0].why
    assert len(suggestions) > 1   # the demo penalty cases of the same officers follow


def test_linking_needs_the_six_keys_and_the_party_told_answer(demo_ctx, login_as, tmp_path):
    _dock_and_pull(demo_ctx, tmp_path)
    officer, case_id = login_as("officer"), open_case(demo_ctx, Procedure.PENALTY)
    session = _session(demo_ctx, officer)
    with pytest.raises(ServiceError, match="案件当事人、案由名称"):
        footage.link_session(demo_ctx, officer, session.av_ids, case_id=case_id, stage=Stage.INITIATION,
                             classification=Classification("现场检查录像"), party_informed=True)
    with pytest.raises(ServiceError, match="告知当事人"):
        footage.link_session(demo_ctx, officer, session.av_ids, case_id=case_id, stage=Stage.INITIATION,
                             classification=FULL, party_informed=None)
    with pytest.raises(ServiceError, match="不是您的记录仪"):
        footage.link_session(demo_ctx, login_as("officer2"), session.av_ids, case_id=case_id,
                             stage=Stage.INITIATION, classification=FULL, party_informed=True)
    assert footage.link_session(demo_ctx, officer, session.av_ids, case_id=case_id, stage=Stage.INITIATION,
                                classification=FULL, party_informed=True) == 3
    assert footage.unlinked_counts(demo_ctx) == [] and footage.unlinked_sessions(demo_ctx) == []
    with pytest.raises(ServiceError, match="已关联"):
        footage.link_session(demo_ctx, officer, session.av_ids, case_id=None, stage=None,
                             classification=FULL, party_informed=True)
    assert verify(demo_ctx).ok


def test_routine_footage_is_classified_without_a_case(demo_ctx, login_as, tmp_path):
    _dock_and_pull(demo_ctx, tmp_path)
    officer = login_as("officer")
    session = _session(demo_ctx, officer)
    footage.link_session(demo_ctx, officer, session.av_ids, case_id=None, stage=None,
                         classification=Classification("日常巡查", "无", "无"), party_informed=True)
    assert footage.unlinked_counts(demo_ctx) == []


def test_an_interruption_is_a_finding_until_the_spoken_reason_is_noted(demo_ctx, login_as, tmp_path):
    _dock_and_pull(demo_ctx, tmp_path, gap_minutes=2)
    officer, case_id = login_as("officer"), open_case(demo_ctx, Procedure.PENALTY)
    session = _session(demo_ctx, officer)
    footage.link_session(demo_ctx, officer, session.av_ids, case_id=case_id, stage=Stage.INITIATION,
                         classification=FULL, party_informed=True)
    found = [f for f in check_case(demo_ctx, case_id) if f.code is Code.INTERRUPTION_UNEXPLAINED]
    assert [(f.av_record_id, f.basis) for f in found] == [(session.gaps[0].after_id, "seed 000 Art. 22")]
    gap = session.gaps[0]
    with pytest.raises(ServiceError, match="恢复录制的这段录像之内"):
        footage.note_spoken_reason(demo_ctx, officer, gap.after_id, "battery", gap.start - timedelta(minutes=1))
    footage.note_spoken_reason(demo_ctx, officer, gap.after_id, "battery", gap.end + timedelta(seconds=1),
                               "电池耗尽，更换电池后恢复录制")
    assert not [f for f in check_case(demo_ctx, case_id) if f.code is Code.INTERRUPTION_UNEXPLAINED]
    assert footage.unlinked_sessions(demo_ctx) == [] and verify(demo_ctx).ok


def test_the_party_not_told_is_a_finding(demo_ctx, login_as, tmp_path):
    _dock_and_pull(demo_ctx, tmp_path)
    officer, case_id = login_as("officer"), open_case(demo_ctx, Procedure.PENALTY)
    footage.link_session(demo_ctx, officer, _session(demo_ctx, officer).av_ids, case_id=case_id,
                         stage=Stage.INITIATION, classification=FULL, party_informed=False)
    assert {(f.code, f.basis) for f in check_case(demo_ctx, case_id) if f.code is Code.PARTY_NOT_TOLD} == \
        {(Code.PARTY_NOT_TOLD, "seed 000 Art. 25")}


def test_footage_pulled_days_late_is_late_unless_remote_duty_was_declared(demo_ctx, login_as, tmp_path):
    three_days_ago = wall_now().replace(microsecond=0) - timedelta(days=3)
    _dock_and_pull(demo_ctx, tmp_path, start=three_days_ago)
    officer, case_id = login_as("officer"), open_case(demo_ctx, Procedure.PENALTY)
    session = _session(demo_ctx, officer)
    assert session.late_source == "seed 000 Art. 23"
    footage.link_session(demo_ctx, officer, session.av_ids, case_id=case_id, stage=Stage.INITIATION,
                         classification=FULL, party_informed=True)
    late = [f for f in check_case(demo_ctx, case_id) if f.code is Code.AV_UPLOAD_LATE]
    assert sorted(f.av_record_id for f in late) == sorted(session.av_ids)


def test_remote_duty_counts_from_the_return(demo_ctx, login_as, tmp_path):
    three_days_ago = wall_now().replace(microsecond=0) - timedelta(days=3)
    _dock_and_pull(demo_ctx, tmp_path, remote_hours=2, start=three_days_ago)
    assert _session(demo_ctx, login_as("officer")).late_source is None
    with pytest.raises(ServiceError, match="返回时间"):
        cameras.declare_remote_duty(demo_ctx, "user:officer", 1, utcnow() + timedelta(hours=1), "异地执法")


def test_dark_spans_found_after_the_pull_show_on_the_session(demo_ctx, login_as, tmp_path):
    from jlclient.services import analysis
    simulate(tmp_path / "cam", "dcim-imp", segments=2, segment_seconds=8, size=(320, 240),
             dark=((2.0, 6.0, "covered"),))
    view, docked, files = cameras.dock_found(demo_ctx, "user:officer", recognise(tmp_path / "cam"))
    pull(demo_ctx, "user:officer", docked, files)
    session = _session(demo_ctx, login_as("officer"))
    assert session.dark_seconds == 0 and analysis.pending(demo_ctx) == list(session.av_ids)
    assert analysis.analyse_pending(demo_ctx, "user:officer") == 2 and analysis.pending(demo_ctx) == []
    spans = analysis.dark_spans(demo_ctx, session.av_ids)
    assert all(len(v) == 1 and v[0].kind == "covered" for v in spans.values())
    assert 6 <= _session(demo_ctx, login_as("officer")).dark_seconds <= 10
    with demo_ctx.db.read() as s:
        sha = s.get(AvRecord, session.av_ids[0]).file_hash
    assert analysis.strip_path(demo_ctx, sha).stat().st_size > 0
    assert verify(demo_ctx).ok


def test_dock_pull_link_and_explain_on_both_databases(any_ctx, tmp_path):
    from jlclient.services import auth, setup
    setup.initialise(any_ctx, "cli:test")
    setup.seed_demo(any_ctx, "cli:test")
    officer = auth.login(any_ctx, "officer", setup.DEMO_PASSWORD)
    _dock_and_pull(any_ctx, tmp_path, gap_minutes=2, remote_hours=1)
    case_id = open_case(any_ctx, Procedure.PENALTY)
    session = _session(any_ctx, officer)
    assert footage.suggest(any_ctx, session)[0].case_id == case_id
    footage.link_session(any_ctx, officer, session.av_ids, case_id=case_id, stage=Stage.INITIATION,
                         classification=FULL, party_informed=True)
    gap = session.gaps[0]
    footage.note_spoken_reason(any_ctx, officer, gap.after_id, "storage", gap.end + timedelta(seconds=1))
    codes = {f.code for f in check_case(any_ctx, case_id)}
    assert not codes & {Code.INTERRUPTION_UNEXPLAINED, Code.AV_UPLOAD_LATE, Code.PARTY_NOT_TOLD}
    assert verify(any_ctx).ok
