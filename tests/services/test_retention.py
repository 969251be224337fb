"""Holds and disposal: expired routine footage is listed and disposed of after approval; held,
evidence and unexpired recordings never are, even when a list containing them is approved."""
from datetime import timedelta

import pytest
from sqlalchemy import select

import tests.support.case_builder as cb
from jlclient.domain.model import Procedure, Stage
from jlclient.services import retention, setup
from jlclient.services.context import ServiceError
from jlclient.services.verify import verify
from jlclient.store.audit import utcnow
from jlclient.store.models import AuditEntry, AvRecord, Disposal


@pytest.fixture
def footage(demo_ctx):
    """seed 003's profile (routine footage 6 months); four recordings: expired, held, evidence, recent."""
    setup.set_profile(demo_ctx, "cli:test", "changli-dapuhe")
    old = utcnow() - timedelta(days=250)
    case_id = cb.open_case(demo_ctx, Procedure.PENALTY)
    return {"expired": cb.add_av(demo_ctx, None, None, officer="李娜", start=old),
            "held": cb.add_av(demo_ctx, None, None, officer="李娜", start=old + timedelta(minutes=30)),
            "evidence": cb.add_av(demo_ctx, case_id, Stage.INVESTIGATION, start=old + timedelta(hours=1)),
            "recent": cb.add_av(demo_ctx, None, None, officer="王强", start=utcnow() - timedelta(days=10))}


def test_only_expired_unheld_routine_footage_is_listed_and_disposed(demo_ctx, login_as, footage):
    retention.place_hold(demo_ctx, login_as("reviewer"), footage["held"], "objection_or_complaint", "当事人投诉")
    listed = retention.overview(demo_ctx)
    assert [r.av_id for r in listed] == [footage["expired"]]
    everything = {r.av_id: r.kept_because for r in retention.overview(demo_ctx, due_only=False)}
    assert "长期保存" in everything[footage["held"]] and "证据" in everything[footage["evidence"]]
    assert "保存期限至" in everything[footage["recent"]]
    assert "《昌黎县大蒲河镇行政执法全过程记录实施办法》第十二条" in everything[footage["recent"]]   # in words
    assert not any("seed" in (why or "") for why in everything.values())

    with pytest.raises(ServiceError, match="负责人"):
        retention.dispose(demo_ctx, login_as("reviewer"), list(footage.values()))
    with demo_ctx.db.read() as s:
        expired = s.get(AvRecord, footage["expired"])
        digest, size = expired.file_hash, expired.size
    result = retention.dispose(demo_ctx, login_as("approver"), list(footage.values()))   # the whole list approved
    assert result.disposed == (footage["expired"],)
    assert {av for av, _ in result.refused} == {footage["held"], footage["evidence"], footage["recent"]}
    assert not demo_ctx.evidence.contains(digest)
    for key in ("held", "evidence", "recent"):
        with demo_ctx.db.read() as s:
            assert demo_ctx.evidence.contains(s.get(AvRecord, footage[key]).file_hash)
    [entry] = retention.register(demo_ctx)
    assert entry[2:] == (digest, size, "日常音像资料不少于 6 个月（《昌黎县大蒲河镇行政执法全过程记录实施办法》第十二条）", "周杰")
    with demo_ctx.db.read() as s:
        assert s.get(AvRecord, footage["expired"]) is not None             # the row stays
        # the register row keeps the short citation it was disposed of under (data); lists show words
        assert s.scalar(select(Disposal.rule)) == "日常音像资料不少于 6 个月（seed 003 Art. 12）"
        assert s.scalar(select(AuditEntry.action).order_by(AuditEntry.seq.desc()).limit(1)) == "retention.dispose"
    assert verify(demo_ctx).ok                                              # the gone file is not a fault
    again = retention.dispose(demo_ctx, login_as("approver"), [footage["expired"]])
    assert again.disposed == () and "已经销毁" in again.refused[0][1]


def test_content_another_record_still_uses_is_not_removed(demo_ctx, login_as, footage):
    with demo_ctx.db.read() as s:
        expired = s.get(AvRecord, footage["expired"])
    with demo_ctx.evidence.open(expired.file_hash) as f:
        content = f.read()
    case_id = cb.open_case(demo_ctx, Procedure.PENALTY)
    cb.add_av(demo_ctx, case_id, Stage.INVESTIGATION, content=content)     # the same file kept as evidence
    assert retention.dispose(demo_ctx, login_as("approver"), [footage["expired"]]).disposed == (footage["expired"],)
    assert demo_ctx.evidence.contains(expired.file_hash)
    assert verify(demo_ctx).ok


def test_holds_need_a_known_reason_and_a_written_one_for_other(demo_ctx, login_as, footage):
    officer = login_as("officer")
    with pytest.raises(ServiceError, match="原因应为"):
        retention.place_hold(demo_ctx, officer, footage["expired"], "because")
    with pytest.raises(ServiceError, match="写明理由"):
        retention.place_hold(demo_ctx, officer, footage["expired"], "other_important")
    with pytest.raises(ServiceError, match="只有"):
        retention.place_hold(demo_ctx, login_as("clerk"), footage["expired"], "mass_or_sudden_incident")
    retention.place_hold(demo_ctx, officer, footage["expired"], "other_important", "重大案件线索")
    assert footage["expired"] not in [r.av_id for r in retention.overview(demo_ctx)]


def test_a_profile_silent_on_routine_footage_disposes_of_nothing(demo_ctx, login_as):
    old = cb.add_av(demo_ctx, None, None, start=utcnow() - timedelta(days=3000))   # lingshou: silent
    assert retention.overview(demo_ctx) == []
    assert retention.dispose(demo_ctx, login_as("approver"), [old]).disposed == ()
    with demo_ctx.db.read() as s:
        assert s.scalar(select(Disposal.id)) is None
