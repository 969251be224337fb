"""Holds and disposal: expired routine footage is listed and disposed of after approval; held,
evidence and unexpired recordings never are, even when a list containing them is approved."""
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

import tests.support.case_builder as cb
from jlclient.domain.model import Procedure, Stage
from jlclient.clock import today
from jlclient.services import av_access, retention, setup
from jlclient.services import footage as fo
from jlclient.services.context import ServiceError
from jlclient.services.verify import verify
from jlclient.store.audit import utcnow
from jlclient.store.models import AuditEntry, AvRecord, Case, Disposal
from tests.support.pdf import fonts, pdftotext


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
    assert (entry.file_hash, entry.size, entry.rule, entry.approved_by, entry.recorded_by) == (
        digest, size, "日常音像资料不少于 6 个月（《昌黎县大蒲河镇行政执法全过程记录实施办法》第十二条）", "周杰", "李娜")
    assert entry.destroyed and entry.content == "文件内容已销毁" and result.content_kept == ()
    with demo_ctx.db.read() as s:
        assert s.get(AvRecord, footage["expired"]) is not None             # the row stays
        # the register row keeps the short citation it was disposed of under (data); lists show words
        assert s.scalar(select(Disposal.rule)) == "日常音像资料不少于 6 个月（seed 003 Art. 12）"
        assert s.scalar(select(AuditEntry.action).order_by(AuditEntry.seq.desc()).limit(1)) == "retention.dispose"
    assert verify(demo_ctx).ok                                              # the gone file is not a fault
    again = retention.dispose(demo_ctx, login_as("approver"), [footage["expired"]])
    assert again.disposed == () and "已经销毁" in again.refused[0][1]


def test_content_another_record_still_uses_is_kept_and_the_register_says_why(demo_ctx, login_as, footage):
    with demo_ctx.db.read() as s:
        expired = s.get(AvRecord, footage["expired"])
    with demo_ctx.evidence.open(expired.file_hash) as f:
        content = f.read()
    case_id = cb.open_case(demo_ctx, Procedure.PENALTY)
    evidence = cb.add_av(demo_ctx, case_id, Stage.INVESTIGATION, content=content)   # the same file kept as evidence
    with demo_ctx.db.read() as s:
        number, evidence_name = s.get(Case, case_id).number, s.get(AvRecord, evidence).file_name
    approver = login_as("approver")
    result = retention.dispose(demo_ctx, approver, [footage["expired"]])
    assert result.disposed == (footage["expired"],)
    why = f"内容同时为案件{number}的音像证据“{evidence_name}”所用，予以保留"
    assert result.content_kept == ((footage["expired"], why),)          # the approver is told at once
    assert demo_ctx.evidence.contains(expired.file_hash)
    [entry] = retention.register(demo_ctx)
    assert not entry.destroyed and entry.content == "文件内容保留：" + why   # not reported as destroyed
    assert "已销毁" not in entry.content
    with demo_ctx.db.read() as s:
        detail = s.scalar(select(AuditEntry.detail).where(AuditEntry.action == "retention.dispose"))
    assert json.loads(detail) == {"content": "kept", "because": why, "opinion": ""}
    assert verify(demo_ctx).ok

    # the disposed recording plays to nobody, though its bytes are still there; the evidence plays
    with pytest.raises(ServiceError, match="已按保存期限销毁"):
        av_access.open_for_playback(demo_ctx, approver, [footage["expired"]])
    officer = login_as("officer")                   # 李娜, one of the case's officers
    with pytest.raises(ServiceError, match="已按保存期限销毁"):
        av_access.open_for_playback(demo_ctx, officer, [footage["expired"]])
    assert [p.av_id for p in av_access.open_for_playback(demo_ctx, officer, [evidence])] == [evidence]


def test_the_register_prints_as_a_pdf_with_its_items_totals_and_signature_lines(demo_ctx, login_as, footage,
                                                                                tmp_path):
    with demo_ctx.db.read() as s:
        digest = s.get(AvRecord, footage["expired"]).file_hash
    retention.dispose(demo_ctx, login_as("approver"), [footage["expired"]])
    pdf = retention.register_pdf(demo_ctx)
    text = pdftotext(pdf)
    flat = "".join(text.split())
    for words in ("音像记录销毁清册", f"{today().year}年{today().month}月{today().day}日", "李娜", "周杰",
                  digest[:16], "《昌黎县大蒲河镇行政执法全过程记录实施办法》第十二条", "文件内容已销毁",
                  "合计：1个音像记录", "批准人（负责人）签名", "销毁执行人签名"):
        assert "".join(words.split()) in flat, words
    assert "seed" not in text and "Art." not in text
    listed = fonts(pdf, tmp_path)                  # pdffonts: every font it references is embedded
    assert listed and all(row.split()[-5] == "yes" for row in listed), listed
    # a period without disposals prints an empty register that says so
    empty = pdftotext(retention.register_pdf(demo_ctx, date(2020, 1, 1), date(2020, 1, 31)))
    assert "本期间没有销毁音像记录" in "".join(empty.split())


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


def test_a_disposed_recording_leaves_the_footage_still_to_link_and_cannot_be_linked(demo_ctx, login_as, footage):
    officer = login_as("officer")                   # 李娜, whose expired recording waits in 待关联
    waiting = [i for v in fo.unlinked_sessions(demo_ctx, fo.visible_officer(officer)) for i in v.av_ids]
    assert footage["expired"] in waiting
    before = dict(fo.unlinked_counts(demo_ctx))["李娜"]
    retention.dispose(demo_ctx, login_as("approver"), [footage["expired"]])
    waiting = [i for v in fo.unlinked_sessions(demo_ctx, fo.visible_officer(officer)) for i in v.av_ids]
    assert footage["expired"] not in waiting
    assert dict(fo.unlinked_counts(demo_ctx)).get("李娜", 0) == before - 1
    with pytest.raises(ServiceError, match="已按保存期限销毁"):
        fo.link_session(demo_ctx, officer, [footage["expired"]], case_id=None, stage=None,
                        classification=fo.Classification("日常巡查", "无", "无"), party_informed=True)
