"""Each rule cites the article that says it, down to the paragraph and item, and a rule no text
lays down is named as practice (工作惯例) instead of under an article that does not say it
(issue 16, "Wrong citations")."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from jlclient.domain.citation import has_short_citation, in_words
from jlclient.domain.compliance import INTERRUPTION_BASIS, CaseSnapshot, Code, RecordFact, check
from jlclient.domain.forms import FormError, parse_form, validate_values
from jlclient.domain.model import CaseStatus, Procedure, Stage, StartMode
from jlclient.domain.profile import PRACTICE, Source, parse_profile, parse_source
from jlclient.domain.profile_summary import summary

ROOT = Path(__file__).resolve().parents[2]
FORMS = {p.stem: parse_form(p.read_text(encoding="utf-8"), p.name) for p in sorted((ROOT / "forms").glob("*.toml"))}
PROFILES = {p.stem: parse_profile(p.read_text(encoding="utf-8"), p.name)
            for p in sorted((ROOT / "resources" / "profiles").glob("*.toml"))}
PRACTICE_SOURCE = Source(PRACTICE, "")


def cited(sources: tuple[Source, ...]) -> list[str]:
    return [str(s) for s in sources]


def every_source(code: str) -> list[str]:
    spec = FORMS[code]
    found = list(spec.basis)
    for part in (*spec.fields, *spec.groups, *spec.any_of, *spec.signatures):
        found += part.basis
    for slot in spec.signatures:
        found += slot.refusal.basis if slot.refusal else ()
    return [str(s) for s in found]


def field(code: str, key: str):
    return next(f for f in FORMS[code].fields if f.key == key)


def slot(code: str, key: str):
    return next(s for s in FORMS[code].signatures if s.key == key)


def group(code: str, key: str):
    return next(g for g in FORMS[code].groups if g.key == key)


# ---------------------------------------------------------------------------- citing an item


def test_a_citation_names_the_paragraph_and_items_and_reads_them_in_words():
    assert parse_source("行政许可法 Art. 32(一)(二)") == Source("行政许可法", "32", "(一)(二)")
    assert str(parse_source("民事诉讼法 Art. 90 ¶2")) == "民事诉讼法 Art. 90 ¶2"
    assert in_words("行政许可法 Art. 32(一)(二)", {}) == "《中华人民共和国行政许可法》第三十二条第（一）项、第（二）项"
    assert in_words("民事诉讼法 Art. 90 ¶2", {}) == "《中华人民共和国民事诉讼法》第九十条第二款"


def test_practice_is_a_basis_named_to_people_as_such():
    source = parse_source("practice")
    assert source.is_practice and not source.is_national_law
    assert str(source) == "工作惯例" and in_words(str(source), {}) == "工作惯例"
    assert not has_short_citation(str(source))
    with pytest.raises(ValueError, match="工作惯例"):
        parse_source("惯例")


def test_a_form_citing_an_unknown_item_form_is_refused_in_chinese():
    text = (ROOT / "forms" / "refusal_notice.toml").read_text(encoding="utf-8")
    with pytest.raises(FormError, match="应为"):
        parse_form(text.replace('"行政许可法 Art. 32(一)(二)", ', '"行政许可法 Art. 32(a)", ', 1), "refusal_notice.toml")


# ---------------------------------------------------------------------------- the forms


def test_refusal_notice_cites_the_refusal_items_and_the_written_notice_not_the_duty_to_accept():
    spec = FORMS["refusal_notice"]
    assert cited(spec.basis)[:2] == ["行政许可法 Art. 32(一)(二)", "行政许可法 Art. 32 ¶2"]
    assert cited(field("refusal_notice", "reasons").basis) == ["行政许可法 Art. 32(一)(二)"]
    assert "行政许可法 Art. 32 ¶2" in cited(slot("refusal_notice", "seal").basis)
    assert not [s for s in every_source("refusal_notice") if "(五)" in s]


def test_electronic_service_dates_by_the_civil_procedure_law():
    electronic = group("service_return_receipt", "electronic")
    assert "民事诉讼法 Art. 90 ¶2" in cited(electronic.basis)
    assert cited(field("service_return_receipt", "arrived_at").basis) == ["民事诉讼法 Art. 90 ¶2"]


def test_two_servers_is_named_practice_not_the_penalty_law():
    servers = slot("service_return_receipt", "servers")
    assert "工作惯例" in servers.help and "Art. 42" not in servers.help
    assert "行政处罚法 Art. 42" not in every_source("service_return_receipt")


def test_penalty_decision_names_the_party_and_address_by_art_59_1_and_the_id_number_as_practice():
    assert cited(field("penalty_decision", "party").basis) == ["行政处罚法 Art. 59(一)"]
    assert cited(field("penalty_decision", "party_address").basis) == ["行政处罚法 Art. 59(一)"]
    [id_rule] = [a for a in FORMS["penalty_decision"].any_of if "party_credit_code" in a.keys]
    assert id_rule.basis == (PRACTICE_SOURCE,)
    problems = validate_values(FORMS["penalty_decision"], {}, final=True, procedure=Procedure.PENALTY)
    [message] = [p.message for p in problems if "身份证号码或统一社会信用代码" in p.message]
    assert message.endswith("（工作惯例）")


def test_the_secrets_exception_to_a_public_hearing_is_the_penalty_law_art_64_3():
    public = field("hearing_notice", "public")
    assert cited(public.basis) == ["行政处罚法 Art. 64(三)", "行政许可法 Art. 48(二)"]
    assert "行政处罚" in public.help and "秘密" in public.help


def test_participants_signing_a_collective_discussion_is_practice():
    assert slot("collective_discussion", "participants").basis == (PRACTICE_SOURCE,)
    assert "seed 002 Art. 7" in cited(field("collective_discussion", "discussion").basis)


def test_the_party_signs_a_seizure_list_under_the_coercion_law_art_18_8():
    party = slot("seizure_decision", "party_signature")
    assert cited(party.basis) == ["行政强制法 Art. 18(八)"]
    assert cited(party.refusal.basis) == ["行政强制法 Art. 18(八)"]
    assert "seed 000 Art. 14" not in every_source("seizure_decision")


def test_the_inspection_record_does_not_cite_what_a_recording_must_show():
    # seed 001 Art. 12(三) is about what the footage shows: a spot-check item, not a record field
    assert "001" not in field("inspection_record", "place").help
    assert not [s for s in every_source("inspection_record") if s.startswith("seed 001")]


# ---------------------------------------------------------------------------- compliance


def test_an_interruption_cites_only_seeds_that_have_a_rule_for_it():
    assert cited(INTERRUPTION_BASIS) == ["seed 000 Art. 22", "seed 001 Art. 12(四)", "seed 003 Art. 18",
                                         "seed 004 Art. 15"]
    assert in_words("seed 001 Art. 12(四)", {"001": "办法"}) == "《办法》第十二条第（四）项"


@pytest.mark.parametrize("key, basis", [
    ("lingshou-approval", "seed 000 Art. 15, 28"), ("fushun-hrss", "工作惯例"), ("bureau-002", "工作惯例"),
    ("changli-dapuhe", "工作惯例"), ("lingchuan-approval", "工作惯例")])
def test_the_closing_approval_is_practice_except_where_the_seed_asks_for_it(key, basis):
    profile = PROFILES[key]
    procedure = Procedure.PERMIT if Procedure.PERMIT in profile.procedures.procedures else Procedure.PENALTY
    snapshot = CaseSnapshot(procedure, StartMode.ON_APPLICATION if procedure is Procedure.PERMIT
                            else StartMode.EX_OFFICIO, Stage.ARCHIVING, CaseStatus.OPEN, officer_count=2)
    findings = [f for f in check(snapshot, profile, FORMS, closing=True) if "结案审批" in f.message]
    assert findings and {f.basis for f in findings} == {basis}
    assert all(not has_short_citation(in_words(f.basis, {profile.seed: "办法"})) for f in findings)


# ---------------------------------------------------------------------------- profiles


@pytest.mark.parametrize("on_premises, av_missing", [(False, True), (True, False)])
def test_lingchuan_films_a_lodged_service_only_outside_its_premises(on_premises, av_missing):
    # seed 004 Art. 10: 在审批机关办公场所以外进行许可活动 … 应同时使用执法记录仪进行音像记录
    assert PROFILES["lingchuan-approval"].av_act("lodged_service").off_premises_only
    values = {"method": "LODGED", "on_agency_premises": on_premises}
    snapshot = CaseSnapshot(Procedure.PERMIT, StartMode.ON_APPLICATION, Stage.SERVICE, CaseStatus.OPEN,
                            records=(RecordFact(1, "service_return_receipt", Stage.SERVICE, values),), officer_count=2)
    found = [f for f in check(snapshot, PROFILES["lingchuan-approval"], FORMS) if f.code is Code.AV_MISSING]
    assert [(f.record_id, f.basis) for f in found] == ([(1, "seed 004 Art. 10, 15")] if av_missing else [])


def test_a_lodged_service_on_the_premises_is_ticked_in_the_form_and_other_agencies_are_unchanged():
    assert field("service_return_receipt", "on_agency_premises").group == "lodged"
    assert not any(a.off_premises_only for key, p in PROFILES.items() for a in p.av_acts
                   if (key, a.act) != ("lingchuan-approval", "lodged_service"))


def test_bureau_002_keeps_evidence_with_the_case_file_for_penalty_cases_only():
    # seed 002 Art. 16: 行政处罚一般程序案件中作为证据使用的影像资料保存期限应当与案卷保存期限相同
    bureau = PROFILES["bureau-002"]
    assert bureau.retention.evidence.procedures == (Procedure.PENALTY,)
    assert str(bureau.retention.evidence.source) == "seed 002 Art. 16"
    labels = [label for label, _, _ in summary(bureau)]
    assert "作为证据的音像资料（行政处罚案件）" in labels
    assert all(not p.retention.evidence or not p.retention.evidence.procedures
               for key, p in PROFILES.items() if key != "bureau-002")
