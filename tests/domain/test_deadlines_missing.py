"""Deadlines the audit of issue 16 found missing, and a profile's special law overriding a
statutory period (行政处罚法 Art. 60 "另有规定的，从其规定").

Due dates are counted by hand from the State Council notice for 2025 (国庆 10-01…10-08 off,
Sunday 09-28 and Saturday 10-11 worked); the comments show the count.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from jlclient.domain.citation import in_words
from jlclient.domain.deadlines import (PARTY_REQUEST_REPLY, Extension, StartEvent, Unit, extend, rule_by_code,
                                      rules_for, running_deadline)
from jlclient.domain.model import Procedure
from jlclient.domain.profile import ProfileError, parse_profile
from jlclient.domain.workdays import WorkCalendar

D = date
CAL = WorkCalendar()
PROFILES = Path(__file__).resolve().parents[2] / "resources" / "profiles"


def _profile(key: str):
    path = PROFILES / f"{key}.toml"
    return parse_profile(path.read_text(encoding="utf-8"), path.name)


def _rule(procedure: Procedure, profile_key: str, code: str):
    return next(r for r in rules_for(procedure, _profile(profile_key)) if r.code == code)


# --- a profile's special law sets the penalty period ------------------------------------------------


def test_labour_inspection_decides_within_60_working_days_of_opening():
    """Seed 001 (人社): 劳动保障监察条例 Art. 17 — 自立案之日起60个工作日内完成, +30 with approval."""
    rule = _rule(Procedure.PENALTY, "fushun-hrss", "penalty_decision")
    assert (rule.amount, rule.unit, str(rule.basis)) == (60, Unit.WORKING_DAYS, "劳动保障监察条例 Art. 17")
    assert not rule.unit_is_practice and rule.start_event is StartEvent.CASE_OPENED
    assert "《劳动保障监察条例》第十七条" in in_words(rule.describe(), {})
    # opened 2025-09-01: September 22 working days (09-28 worked), October 18 (10-09…10-31, 10-11
    # worked) = 40, then 20 in November: 11-03…11-28
    opened = running_deadline(rule, D(2025, 9, 1), CAL)
    assert opened.due == D(2025, 11, 28)
    # +30 working days, approved by the head: 12-01…12-31 has 23; 2026-01-01…01-03 off, Sunday
    # 01-04 worked (24), 01-05…01-09 (29), 01-12 (30)
    longer = extend(opened, Extension(30, D(2025, 11, 20), "涉及用人单位多、情况复杂"), CAL)
    assert longer.due == D(2026, 1, 12)
    with pytest.raises(ValueError, match="最多延长 30 个工作日"):
        extend(opened, Extension(31, D(2025, 11, 20), "情况复杂"), CAL)


def test_other_agencies_keep_the_90_days_of_the_penalty_law():
    others = [p.stem for p in PROFILES.glob("*.toml") if p.stem != "fushun-hrss"
              and Procedure.PENALTY in _profile(p.stem).procedures.procedures]
    assert others
    for key in others:
        rule = _rule(Procedure.PENALTY, key, "penalty_decision")
        assert (rule.amount, rule.unit, str(rule.basis), rule.extension) == (
            90, Unit.CALENDAR_DAYS, "行政处罚法 Art. 60", None), key


def test_the_override_touches_only_its_own_rule():
    national = {r.code: r for r in rules_for(Procedure.PENALTY)}
    for rule in rules_for(Procedure.PENALTY, _profile("fushun-hrss")):
        if rule.code not in ("penalty_decision", "archiving"):
            assert rule == national[rule.code]


def _with_override(lines: str):
    text = (PROFILES / "fushun-hrss.toml").read_text(encoding="utf-8")
    start = text.index("[[period_overrides]]")
    end = text.index("\n\n", text.index('source = "劳动保障监察条例 Art. 17"'))
    return parse_profile(text[:start] + "[[period_overrides]]\n" + lines + text[end:], "fushun-hrss.toml")


def test_a_wrong_override_is_refused_in_chinese():
    with pytest.raises(ProfileError, match="period_overrides\\[0\\].unit"):
        _with_override('rule = "penalty_decision"\namount = 60\nunit = "weeks"\nsource = "劳动保障监察条例 Art. 17"')
    with pytest.raises(ProfileError, match="人社法"):
        _with_override('rule = "penalty_decision"\namount = 60\nunit = "working_days"\nsource = "人社法 Art. 17"')
    unknown = _with_override('rule = "penalty_verdict"\namount = 60\nunit = "working_days"\n'
                             'source = "劳动保障监察条例 Art. 17"')
    with pytest.raises(ValueError, match="未知期限“penalty_verdict”"):
        rules_for(Procedure.PENALTY, unknown)
    # without an extension the special law's period cannot be extended
    plain = _with_override('rule = "penalty_decision"\namount = 60\nunit = "working_days"\n'
                           'source = "劳动保障监察条例 Art. 17"')
    rule = next(r for r in rules_for(Procedure.PENALTY, plain) if r.code == "penalty_decision")
    with pytest.raises(ValueError, match="不能延长"):
        running_deadline(rule, D(2025, 9, 1), CAL, extension=Extension(10, D(2025, 9, 2), "复杂"))


# --- the deadlines that were missing -------------------------------------------------------------------


def test_joint_permit_handling_has_45_working_days_plus_15():
    """行政许可法 Art. 42 ¶2: 统一办理、联合办理、集中办理 — 45 days, +15 with the government head's approval."""
    rule = rule_by_code("permit_joint_decision")
    assert rule in rules_for(Procedure.PERMIT) and rule not in rules_for(Procedure.PENALTY)
    assert (rule.amount, rule.unit, str(rule.basis)) == (45, Unit.WORKING_DAYS, "行政许可法 Art. 42 ¶2")
    assert "《中华人民共和国行政许可法》第四十二条第二款" in in_words(rule.describe(), {})
    # accepted 2025-09-01: 22 in September, 18 in October = 40, then 11-03…11-07 → 11-07
    accepted = running_deadline(rule, D(2025, 9, 1), CAL)
    assert accepted.due == D(2025, 11, 7)
    # +15: 11-10…11-28 → 11-28
    assert extend(accepted, Extension(15, D(2025, 11, 3), "多部门联合办理"), CAL).due == D(2025, 11, 28)
    with pytest.raises(ValueError, match="最多延长 15 个工作日"):
        extend(accepted, Extension(16, D(2025, 11, 3), "多部门联合办理"), CAL)
    assert rule.extension.approver == "本级人民政府负责人"


def test_an_emergency_measure_is_reported_within_24_hours_holiday_or_not():
    """行政强制法 Art. 19: 情况紧急…当场实施…在二十四小时内向行政机关负责人报告，并补办批准手续."""
    rule = rule_by_code("coercion_emergency_report")
    assert (rule.amount, rule.unit, str(rule.basis)) == (24, Unit.HOURS, "行政强制法 Art. 19")
    assert "补办批准手续" in rule.label and rule in rules_for(Procedure.COERCION)
    assert rule.describe() == "当场实施行政强制措施后 24 小时内（行政强制法 Art. 19）"
    # hours run round the clock: a measure on 09-30 is reported by 10-01, a holiday
    assert running_deadline(rule, D(2025, 9, 30), CAL).due == D(2025, 10, 1)


def test_a_fine_collected_on_the_spot_is_handed_over_within_2_working_days():
    """行政处罚法 Art. 71 with Art. 85: 自收缴罚款之日起二日内, working days."""
    rule = rule_by_code("penalty_spot_fine_handover")
    assert (rule.amount, rule.unit, str(rule.basis)) == (2, Unit.WORKING_DAYS, "行政处罚法 Art. 71")
    assert rule in rules_for(Procedure.PENALTY)
    # collected 09-30: 10-01…10-08 off, 10-09 (1), 10-10 (2)
    assert running_deadline(rule, D(2025, 9, 30), CAL).due == D(2025, 10, 10)


def test_a_partys_request_is_answered_within_20_working_days_plus_20():
    """政府信息公开条例 Art. 33: 自收到申请之日起20个工作日内予以答复；…延长的期限最长不得超过20个工作日."""
    rule = PARTY_REQUEST_REPLY
    assert rule_by_code("party_request_reply") is rule
    assert (rule.amount, rule.unit, str(rule.basis)) == (20, Unit.WORKING_DAYS, "政府信息公开条例 Art. 33")
    # received 09-30: 10-09, 10-10, 10-11 (worked) = 3, 10-13…10-31 = 18, 11-03 (19), 11-04 (20)
    received = running_deadline(rule, D(2025, 9, 30), CAL)
    assert received.due == D(2025, 11, 4)
    # +20: 11-05…12-02
    assert extend(received, Extension(20, D(2025, 10, 30), "需要调取多个执法记录"), CAL).due == D(2025, 12, 2)
    with pytest.raises(ValueError, match="最多延长 20 个工作日"):
        extend(received, Extension(21, D(2025, 10, 30), "需要调取多个执法记录"), CAL)
    # not a case's deadline: no procedure's case runs it
    assert all(rule not in rules_for(p) for p in Procedure)
