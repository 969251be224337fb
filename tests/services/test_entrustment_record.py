"""Seed 000 Art. 34: 受委托实施行政执法的，应当按照本办法进行全过程记录. The entrustment is written on
the case as 委托执法情况记录 (with what 行政处罚法 Art. 20 asks the entrustment to state), so the case's
recording rules apply to the entrusted body's work; it binds 灵寿 (seed 000) and no other agency's seed."""
from datetime import date

import pytest

from jlclient.domain.compliance import applicable
from jlclient.domain.forms import validate_values
from jlclient.domain.model import Procedure, Stage
from jlclient.printing import page
from jlclient.printing.render import form_story
from jlclient.services import records
from jlclient.services.forms import forms_for, load_form
from jlclient.services.profiles import load_profile
from tests.support.case_builder import ACTOR, open_case
from tests.support.pdf import pdftotext, squash

ON = date(2026, 3, 2)
COMPLETE = {
    "case_number": "灵行审罚〔2026〕5号", "entrusted_body": "灵寿县综合行政执法大队",
    "entrustment_doc": "灵行审委字〔2026〕1号", "entrusted_from": ON, "entrusted_to": date(2026, 12, 31),
    "scope": "食品经营许可事项的现场核查和违法行为调查取证。", "entrusted_staff": "赵明（13010000031）、孙丽（13010000032）",
    "recorder": {"name": "张三", "date": ON.isoformat()},
}


def test_a_complete_record_passes_and_the_entrusted_body_is_asked_for():
    spec = load_form("entrustment_record")
    assert validate_values(spec, COMPLETE, final=True, procedure=Procedure.PENALTY) == []
    rest = {k: v for k, v in COMPLETE.items() if k != "entrusted_body"}
    assert "entrusted_body" in {p.key for p in validate_values(spec, rest, final=True, procedure=Procedure.PENALTY)}


def test_it_prints_the_entrustment_in_words():
    spec = load_form("entrustment_record")
    text = squash(pdftotext(page.build(form_story(spec, COMPLETE, "灵寿县行政审批局"), spec.title)))
    for expected in ("委托执法情况记录", "受委托组织名称", "灵寿县综合行政执法大队", "灵行审委字〔2026〕1号",
                     "委托实施的事项和权限", "2026年3月2日"):
        assert squash(expected) in text, expected


@pytest.mark.parametrize("procedure", load_profile("lingshou-approval").procedures.procedures)
def test_seed_000_agencies_are_offered_it_at_the_start_and_bound_by_art_34(procedure):
    spec = load_form("entrustment_record")
    assert "entrustment_record" in [f.code for f in forms_for(procedure, Stage.INITIATION)]
    assert "seed 000 Art. 34" in [str(s) for s in applicable(spec.basis, load_profile("lingshou-approval"), procedure)]


@pytest.mark.parametrize("profile_key", ["bureau-002", "fushun-hrss", "changli-dapuhe", "lingchuan-approval"])
def test_no_other_seed_is_cited_as_requiring_it(profile_key):
    profile = load_profile(profile_key)
    spec = load_form("entrustment_record")
    for procedure in profile.procedures.procedures:
        assert "seed 000 Art. 34" not in [str(s) for s in applicable(spec.basis, profile, procedure)]


def test_the_entrustment_is_recorded_on_the_case(demo_ctx):
    case_id = open_case(demo_ctx, Procedure.PENALTY)
    saved = records.save_form(demo_ctx, ACTOR, case_id, "entrustment_record", COMPLETE, final=True)
    assert saved.final and saved.stage is Stage.INITIATION
    assert [(r.form, r.title) for r in records.records_of(demo_ctx, case_id) if r.form == "entrustment_record"] == [
        ("entrustment_record", "委托执法情况记录")]
