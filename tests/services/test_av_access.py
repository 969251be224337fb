"""Viewing recordings through the service: who may play what, classification, access requests and
their approval and expiry, markers and snapshots — each one audited."""
import struct
import zlib
from datetime import timedelta

import pytest
from sqlalchemy import select

import tests.support.case_builder as cb
from jlclient.domain.av_access import AvClass, RestrictedReason
from jlclient.services import av_access, setup
from jlclient.services.context import ServiceError
from jlclient.services.verify import verify
from jlclient.store.audit import utcnow
from jlclient.store.models import AuditEntry, ElectronicRecord


def png(width: int = 4, height: int = 2) -> bytes:
    """A real, tiny PNG (what a snapshot of a frame produces)."""
    raw = b"".join(b"\x00" + b"\x80\x20\x20" * width for _ in range(height))
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(  # noqa: E731
        ">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def actions(ctx, action: str) -> list[AuditEntry]:
    with ctx.db.read() as s:
        return s.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


@pytest.fixture
def footage(demo_ctx):
    """One recording by 李娜 (officer), not linked to a case."""
    return cb.add_av(demo_ctx, None, None, officer="李娜", camera="DSJ0001")


def test_the_officer_plays_their_own_footage_and_the_playback_is_audited(demo_ctx, login_as, footage):
    played = av_access.open_for_playback(demo_ctx, login_as("officer"), [footage])
    assert played[0].path.is_file() and "本人" in played[0].reason
    entry = actions(demo_ctx, "av.play")[-1]
    assert entry.actor == "user:officer" and entry.entity_id == str(footage) and "workstation" in entry.detail


def test_another_officer_and_a_clerk_are_refused_with_a_reason_and_the_refusal_is_audited(demo_ctx, login_as,
                                                                                           footage):
    with pytest.raises(ServiceError, match="职责范围"):
        av_access.open_for_playback(demo_ctx, login_as("officer2"), [footage])
    with pytest.raises(ServiceError, match="无权查看"):
        av_access.open_for_playback(demo_ctx, login_as("clerk"), [footage])
    refused = actions(demo_ctx, "av.view_refused")
    assert [e.actor for e in refused] == ["user:officer2", "user:clerk"]
    assert actions(demo_ctx, "av.play") == []


def test_restricted_footage_needs_an_approved_request_that_lapses(demo_ctx, login_as, footage, monkeypatch):
    reviewer, approver = login_as("reviewer"), login_as("approver")
    with pytest.raises(ServiceError, match="法制审核人员或负责人"):
        av_access.classify(demo_ctx, login_as("officer"), footage, AvClass.RESTRICTED, RestrictedReason.PRIVACY)
    with pytest.raises(ServiceError, match="写明原因"):
        av_access.classify(demo_ctx, reviewer, footage, AvClass.RESTRICTED)
    av_access.classify(demo_ctx, reviewer, footage, AvClass.RESTRICTED, RestrictedReason.PRIVACY)
    for who in ("reviewer", "officer"):       # restricted: even its own officer needs approval
        with pytest.raises(ServiceError, match="受限"):
            av_access.open_for_playback(demo_ctx, login_as(who), [footage])

    request = av_access.request_access(demo_ctx, reviewer, [footage], "行政复议答复需要", hours=2)
    with pytest.raises(ServiceError, match="负责人"):
        av_access.decide_access(demo_ctx, login_as("officer"), request, approve=True)
    with pytest.raises(ServiceError, match="理由"):
        av_access.decide_access(demo_ctx, approver, request, approve=False)
    av_access.decide_access(demo_ctx, approver, request, approve=True)
    with pytest.raises(ServiceError, match="已经审批"):
        av_access.decide_access(demo_ctx, approver, request, approve=False, note="改主意")
    assert "周杰" in av_access.open_for_playback(demo_ctx, reviewer, [footage])[0].reason
    with pytest.raises(ServiceError, match="受限"):     # the approval is the requester's only
        av_access.open_for_playback(demo_ctx, login_as("officer"), [footage])

    later = utcnow() + timedelta(hours=3)
    monkeypatch.setattr(av_access, "utcnow", lambda: later)
    with pytest.raises(ServiceError, match="过期"):
        av_access.open_for_playback(demo_ctx, reviewer, [footage])
    assert av_access.requests(demo_ctx, reviewer)[0].status_label == "已过期"


def test_only_the_approver_lifts_a_restriction(demo_ctx, login_as, footage):
    av_access.classify(demo_ctx, login_as("reviewer"), footage, AvClass.RESTRICTED, RestrictedReason.STATE_SECRET)
    with pytest.raises(ServiceError, match="负责人"):
        av_access.classify(demo_ctx, login_as("reviewer"), footage, AvClass.ORDINARY)
    av_access.classify(demo_ctx, login_as("approver"), footage, AvClass.INTERNAL)
    assert av_access.open_for_playback(demo_ctx, login_as("reviewer"), [footage])
    assert len(actions(demo_ctx, "av.classify")) == 2
    assert verify(demo_ctx).ok


def test_nobody_approves_their_own_request(demo_ctx, login_as, footage):
    approver = login_as("approver")
    request = av_access.request_access(demo_ctx, approver, [footage], "核查投诉", hours=1)
    with pytest.raises(ServiceError, match="自己"):
        av_access.decide_access(demo_ctx, approver, request, approve=True)
    assert av_access.requests(demo_ctx, login_as("reviewer")) == []          # not theirs to see
    assert av_access.requests(demo_ctx, approver, pending_only=True)[0].id == request


def test_a_request_names_its_reason_time_limit_and_recordings(demo_ctx, login_as, footage):
    reviewer = login_as("reviewer")
    for bad, message in ((dict(reason=" ", hours=2), "事由"), (dict(reason="x", hours=0), "期限"),
                         (dict(reason="x", hours=24 * 31), "期限")):
        with pytest.raises(ServiceError, match=message):
            av_access.request_access(demo_ctx, reviewer, [footage], **bad)
    with pytest.raises(ServiceError, match="选择"):
        av_access.request_access(demo_ctx, reviewer, [], "x", 2)


def test_where_no_viewing_is_free_a_reviewer_needs_approval_unless_the_recording_is_sampled(demo_ctx, login_as,
                                                                                           footage):
    setup.set_profile(demo_ctx, "cli:test", "changli-dapuhe")      # seed 003 Art. 16: 未经批准，不得查阅
    reviewer = login_as("reviewer")
    with pytest.raises(ServiceError, match="《昌黎县大蒲河镇行政执法全过程记录实施办法》第十六条"):
        av_access.open_for_playback(demo_ctx, reviewer, [footage])
    from datetime import date

    from jlclient.domain.spot_check import CheckItem, ScopeKind, SizeKind
    from jlclient.services import spot_checks
    today = date.today()
    spot_checks.create_plan(demo_ctx, reviewer, today - timedelta(days=2), today + timedelta(days=1),
                            ScopeKind.ALL, "", SizeKind.PERCENT, 100, [CheckItem.USABLE])
    assert av_access.open_for_playback(demo_ctx, reviewer, [footage])


def test_markers_and_snapshots_are_kept_and_audited(demo_ctx, login_as, footage):
    reviewer = login_as("reviewer")
    av_access.add_marker(demo_ctx, reviewer, footage, 12_500, "未出示执法证")
    assert av_access.markers(demo_ctx, [footage]) == [(footage, 12_500, "未出示执法证", "赵敏")]
    with pytest.raises(ServiceError, match="说明"):
        av_access.add_marker(demo_ctx, reviewer, footage, 1, " ")
    picture = png()
    record_id = av_access.save_snapshot(demo_ctx, reviewer, footage, 12_500, picture)
    with demo_ctx.db.read() as s:
        row = s.get(ElectronicRecord, record_id)
        assert row.kind == "snapshot" and "00:00:12.500" in row.title
    with demo_ctx.evidence.open(row.file_hash) as f:
        assert f.read() == picture
    with pytest.raises(ServiceError, match="PNG"):
        av_access.save_snapshot(demo_ctx, reviewer, footage, 0, b"not a picture")
    with pytest.raises(ServiceError, match="职责范围"):
        av_access.save_snapshot(demo_ctx, login_as("officer2"), footage, 0, picture)
    assert [len(actions(demo_ctx, a)) for a in ("av.mark", "av.snapshot")] == [1, 1]
    assert verify(demo_ctx).ok
