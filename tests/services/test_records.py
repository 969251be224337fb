"""Drafts always save; finishing checks the form; a change is a new revision with history."""
import pytest
from sqlalchemy import select

from jlclient.services import records
from jlclient.services.verify import verify
from jlclient.store.models import Case


def _penalty_case(ctx) -> int:
    with ctx.db.read() as s:
        return s.scalar(select(Case.id).where(Case.procedure == "PENALTY"))


def test_draft_saves_with_gaps_but_finishing_names_them(demo_ctx):
    case_id = _penalty_case(demo_ctx)
    draft = records.save_form(demo_ctx, "user:officer", case_id, "inquiry_record", {}, final=False)
    assert not draft.final and draft.revisions == 1
    with pytest.raises(records.FormIncomplete) as caught:
        records.save_form(demo_ctx, "user:officer", case_id, "inquiry_record", {}, final=True, record_id=draft.id)
    keys = {p.key for p in caught.value.problems}
    assert keys  # every missing field is named
    assert records.records_of(demo_ctx, case_id)[-1].revisions == 1   # nothing written


def test_revisions_keep_every_version(demo_ctx):
    case_id = _penalty_case(demo_ctx)
    first = records.save_form(demo_ctx, "user:officer", case_id, "interruption_statement", {"reason": "电量不足"},
                              final=False)
    records.save_form(demo_ctx, "user:officer2", case_id, "interruption_statement", {"reason": "设备故障"},
                      final=False, record_id=first.id, note="更正原因")
    versions = records.history(demo_ctx, first.id)
    assert [(v.revision, v.author, v.values.get("reason")) for v in versions] == [
        (1, "user:officer", "电量不足"), (2, "user:officer2", "设备故障")]
    assert versions[1].note == "更正原因"
    assert verify(demo_ctx).ok
