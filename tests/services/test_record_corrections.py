"""Corrections of finished records, the unsaved-page buffer and the history in words (issue 13)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from jlclient.domain.model import Procedure, Stage
from jlclient.services import records
from jlclient.store.models import FormDraft
from tests.support import case_builder as cb

RAW = re.compile(r"user:|cli:|\bTrue\b|\bFalse\b|\d{4}-\d{2}-\d{2}T|legal_representative")


def _inquiry(ctx) -> tuple[int, int]:
    case_id = cb.build_case(ctx, Procedure.PENALTY, until=Stage.INVESTIGATION)
    [inquiry] = [r for r in records.records_of(ctx, case_id) if r.form == "inquiry_record"]
    return case_id, inquiry.id


def test_a_finished_record_is_corrected_only_with_a_reason(demo_ctx):
    case_id, record_id = _inquiry(demo_ctx)
    values = cb.form_values("inquiry_record", Procedure.PENALTY, place="灵寿县行政审批局二楼询问室")
    for note in ("", "   "):
        with pytest.raises(records.ReasonRequired, match="更正原因"):
            records.save_form(demo_ctx, cb.ACTOR, case_id, "inquiry_record", values, final=True, record_id=record_id,
                              note=note)
    with pytest.raises(records.ReasonRequired):   # a draft over a finished record is a correction too
        records.save_form(demo_ctx, cb.ACTOR, case_id, "inquiry_record", values, final=False, record_id=record_id)
    assert len(records.history(demo_ctx, record_id)) == 1
    records.save_form(demo_ctx, cb.ACTOR, case_id, "inquiry_record", values, final=True, record_id=record_id,
                      note=" 询问地点记录有误 ")
    [first, second] = records.history_in_words(demo_ctx, record_id)
    assert (first.reason, second.reason) == ("", "询问地点记录有误")


def test_a_draft_is_changed_without_a_reason(demo_ctx):
    case_id = cb.build_case(demo_ctx, Procedure.PENALTY, until=Stage.INITIATION)
    cb.advance(demo_ctx, case_id)
    draft = records.save_form(demo_ctx, cb.ACTOR, case_id, "inquiry_record", {"place": "询问室"}, final=False)
    again = records.save_form(demo_ctx, cb.ACTOR, case_id, "inquiry_record", {"place": "二楼询问室"}, final=False,
                              record_id=draft.id)
    assert again.revisions == 2


def test_an_inquiry_ending_in_2030_is_not_finished(demo_ctx):
    case_id = cb.build_case(demo_ctx, Procedure.PENALTY, until=Stage.INITIATION)
    cb.advance(demo_ctx, case_id)
    values = cb.form_values("inquiry_record", Procedure.PENALTY, ended_at="2030-12-03T14:45")
    with pytest.raises(records.FormIncomplete) as caught:
        records.save_form(demo_ctx, cb.ACTOR, case_id, "inquiry_record", values, final=True)
    assert {p.key for p in caught.value.problems} >= {"ended_at", "interviewee_signature.date"}
    assert "询问结束时间：不能晚于现在" in str(caught.value)


def test_history_in_words_has_labels_names_and_local_times(demo_ctx):
    case_id, record_id = _inquiry(demo_ctx)
    values = cb.form_values("inquiry_record", Procedure.PENALTY, recusal_requested=True)
    records.save_form(demo_ctx, "user:officer2", case_id, "inquiry_record", values, final=True, record_id=record_id,
                      note="被询问人申请回避，补记")
    first, second = records.history_in_words(demo_ctx, record_id)
    assert (first.author, second.author) == ("李娜", "王强")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", second.at)
    assert first.cells["interviewee_role"] == "当事人的法定代表人或负责人"
    assert (first.cells["recusal_requested"], second.cells["recusal_requested"]) == ("否", "是")
    assert first.cells["officers"] == "李娜（执法证号 13012601001）、王强（执法证号 13012601002）"
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", first.cells["started_at"])
    assert first.cells["interviewee_signature"].startswith("王经理　")
    for revision in (first, second):
        assert not [text for text in revision.cells.values() if RAW.search(text)]


def test_party_fields_show_the_party_by_name(demo_ctx):
    case_id, _ = _inquiry(demo_ctx)
    party_id = records.form_context(demo_ctx, case_id).parties[0][0]
    draft = records.save_form(demo_ctx, cb.ACTOR, case_id, "rights_notice", {"party": str(party_id)}, final=False)
    [revision] = records.history_in_words(demo_ctx, draft.id)
    assert revision.cells["party"] == cb.PARTY


def test_the_unsaved_page_buffer_is_kept_restored_and_dropped_on_save(demo_ctx):
    case_id = cb.build_case(demo_ctx, Procedure.PENALTY, until=Stage.INITIATION)
    cb.advance(demo_ctx, case_id)
    assert records.pending_draft(demo_ctx, "officer", case_id, "inquiry_record") is None
    records.keep_draft(demo_ctx, "officer", case_id, "inquiry_record", {"place": "询问室"})
    records.keep_draft(demo_ctx, "officer", case_id, "inquiry_record", {"place": "二楼询问室"})   # replaced
    pending = records.pending_draft(demo_ctx, "officer", case_id, "inquiry_record")
    assert pending.values == {"place": "二楼询问室"}
    assert records.pending_draft(demo_ctx, "officer2", case_id, "inquiry_record") is None   # each user's own
    records.save_form(demo_ctx, cb.ACTOR, case_id, "inquiry_record", {"place": "二楼询问室"}, final=False)
    with demo_ctx.db.read() as s:
        assert s.scalars(select(FormDraft)).all() == []


def test_a_buffer_older_than_the_saved_record_is_not_offered(demo_ctx):
    case_id = cb.build_case(demo_ctx, Procedure.PENALTY, until=Stage.INITIATION)
    cb.advance(demo_ctx, case_id)
    records.keep_draft(demo_ctx, "officer2", case_id, "inquiry_record", {"place": "询问室"})
    records.save_form(demo_ctx, cb.ACTOR, case_id, "inquiry_record", {"place": "二楼询问室"}, final=False)
    with demo_ctx.db.write() as s:   # officer2's buffer predates the save by officer
        row = s.scalar(select(FormDraft))
        row.saved_at -= timedelta(minutes=5)
    assert records.pending_draft(demo_ctx, "officer2", case_id, "inquiry_record") is None
