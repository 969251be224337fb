"""Plausibility of a finished record (issue 13): an act does not end before it starts nor lie in
the future, a signature is not dated before the act; deadlines and hearing dates may lie ahead.
The clock is passed in and the day is long past, so these run the same any day."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from jlclient.domain.forms import FormError, parse_form, validate_values
from jlclient.domain.model import Procedure
from tests.support.case_builder import form_values

FORMS = Path(__file__).resolve().parents[2] / "forms"
NOW = datetime(2025, 6, 2, 16, 0)   # the inquiry of the builder ends at 14:45
ON = date(2025, 6, 2)


def _form(code: str):
    return parse_form((FORMS / f"{code}.toml").read_text(encoding="utf-8"), f"{code}.toml")


def _problems(code: str, now: datetime | None = NOW, procedure=Procedure.PENALTY, **overrides):
    values = form_values(code, procedure, on=ON, **overrides)
    return {p.key: f"{p.label}：{p.message}" for p in
            validate_values(_form(code), values, final=True, procedure=procedure, now=now)}


def test_the_builders_values_are_plausible_on_their_day():
    for code in ("inquiry_record", "inspection_record", "materials_receipt", "acceptance_notice", "hearing_notice",
                 "performance_record", "evidence_preservation_notice", "collective_discussion"):
        assert _problems(code, now=datetime(2025, 6, 2, 23, 0)) == {}, code


def test_an_inquiry_ending_in_2030_is_refused_naming_the_field():
    problems = _problems("inquiry_record", ended_at="2030-06-02T14:45")
    assert set(problems) == {"ended_at", "interviewee_signature.date", "officers_signature.date"}
    assert problems["ended_at"].startswith("询问结束时间：不能晚于现在（2025-06-02 16:00）")
    # the signature of 2025-06-02 is before the inquiry it signs for
    assert "被询问人签名（日期）：不能早于“询问结束时间”（2030-06-02）" in problems["interviewee_signature.date"]


def test_an_act_ending_before_it_starts_is_refused():
    problems = _problems("inquiry_record", started_at="2025-06-02T14:00", ended_at="2025-06-02T13:00")
    assert problems == {"ended_at": "询问结束时间：不应早于“询问开始时间”"}


def test_a_few_minutes_ahead_of_the_clock_pass_more_do_not():
    assert _problems("inquiry_record", now=datetime(2025, 6, 2, 14, 36)) == {}   # ends 14:45, tolerance 10 min
    problems = _problems("inquiry_record", now=datetime(2025, 6, 2, 14, 30))
    assert set(problems) == {"ended_at"}


def test_a_date_after_today_is_refused_and_so_is_a_signature_dated_tomorrow():
    problems = _problems("penalty_decision", decided_on="2025-06-03")
    assert problems == {"decided_on": "作出决定日期：不能晚于今天（2025-06-02）：记录的是已经发生的事"}
    problems = _problems("inquiry_record", interviewee_signature={"name": "王经理", "date": "2025-06-03"})
    assert problems == {"interviewee_signature.date": "被询问人签名（日期）：不能晚于今天（2025-06-02）"}


def test_a_signature_before_the_act_is_refused_also_after_a_refusal_to_sign():
    refused = {"refused": True, "note": "被询问人拒绝签名", "date": "2025-06-01"}
    problems = _problems("inquiry_record", interviewee_signature=refused)
    assert list(problems) == ["interviewee_signature.date"]


def test_deadlines_and_hearings_may_lie_ahead():
    assert _problems("acceptance_notice", procedure=Procedure.PERMIT) == {}          # decision_due +28 days
    assert _problems("performance_record") == {}                                     # due_on +15 days
    assert _problems("hearing_notice", hearing_at="2025-06-20T09:00") == {}
    assert _problems("materials_receipt", procedure=Procedure.PERMIT, promised_on="2025-07-10") == {}


def test_without_a_clock_nothing_is_checked_against_it():
    """Printing an old record, or a compliance snapshot, does not depend on today."""
    assert _problems("inquiry_record", now=None, ended_at="2030-06-02T14:45",
                     interviewee_signature={"name": "王经理", "date": "2030-06-02"},
                     officers_signature={"signers": form_values("inquiry_record")["officers"],
                                         "date": "2030-06-02"}) == {}


def test_the_page_count_is_never_typed_so_never_checked():
    spec = _form("inquiry_record")
    assert spec.field("pages").computed == "page_count"
    assert _problems("inquiry_record", pages="六") == {}


_BASE = """\
code = "sample"
title = "示例"
kind = "record"
stages = ["INVESTIGATION"]
procedures = ["PENALTY"]
{top}

[[fields]]
key = "held_on"
label = "日期"
type = "date"

[[fields]]
key = "note"
label = "说明"
type = "{note_type}"
{note_extra}

[[signatures]]
key = "officers_signature"
kind = "officers"
label = "签名"
min = 2
"""


def _parse(top: str = "", note_type: str = "text", note_extra: str = ""):
    return parse_form(_BASE.format(top=top, note_type=note_type, note_extra=note_extra), "sample.toml")


@pytest.mark.parametrize("top, note_type, note_extra, key, words", [
    ("", "text", "future = true", "fields[1].future", "只适用于 date、datetime"),
    ('signed_after = "note"', "text", "", "signed_after", "应引用本表单中的日期字段"),
    ('every_page = { statement = "以上笔录我已看过", signature = "nobody" }', "text", "", "every_page.signature",
     "不存在的签名"),
    ("", "integer", 'computed = "typed"', "fields[1].computed", "page_count"),
    ("", "integer", 'computed = "page_count"\nrequired = true', "fields[1].required", "不能设为必填"),
])
def test_the_new_keys_are_checked_when_a_form_is_read(top, note_type, note_extra, key, words):
    with pytest.raises(FormError) as info:
        _parse(top, note_type, note_extra)
    assert key in str(info.value) and words in str(info.value)


def test_the_new_keys_are_read():
    spec = _parse('signed_after = "held_on"\nevery_page = { statement = "以上笔录我已看过", signature = "officers_signature" }',
                  "integer", 'computed = "page_count"')
    assert spec.signed_after == "held_on" and spec.every_page.signature == "officers_signature"
    assert spec.field("note").computed == "page_count"
