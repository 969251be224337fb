"""Legal deadlines (domain.md §7) and their running clocks (pure: no Qt, no SQL).

Every expected due date is counted by hand from the State Council holiday notices for
2024-2026; the comments show the count.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jlclient.domain.deadlines import (
    RULES,
    DeadlineStatus,
    Extension,
    StartEvent,
    Suspension,
    SuspensionReason,
    Unit,
    archiving_rule,
    complete,
    extend,
    rule_by_code,
    rules_for,
    running_deadline,
    status,
    suspend,
)
from jlclient.domain.model import Procedure
from jlclient.domain.profile import NATIONAL_LAWS, parse_profile
from jlclient.domain.workdays import FixedHolidays, WorkCalendar

D = date
CAL = WorkCalendar()
PROFILES = Path(__file__).resolve().parents[2] / "resources" / "profiles"


def due(code: str, start: date, **kw) -> date:
    return running_deadline(rule_by_code(code), start, CAL, **kw).due


def _profile(key: str):
    return parse_profile((PROFILES / f"{key}.toml").read_text(encoding="utf-8"), f"{key}.toml")


# ---------------------------------------------------------------- the rules as data


def test_the_catalogue_has_every_deadline_of_domain_section_7():
    assert {r.code for r in RULES} == {
        "permit_correction_notice", "permit_decision", "permit_certificate", "permit_hearing_request",
        "permit_hearing_held", "permit_hearing_notice", "penalty_evidence_preservation", "penalty_decision",
        "penalty_service", "penalty_hearing_request", "penalty_hearing_notice", "penalty_fine_payment",
        "coercion_seizure", "coercion_court_application",
        # issue 16: 行政许可法 Art. 42 ¶2, 行政强制法 Art. 19, 行政处罚法 Art. 71
        "permit_joint_decision", "coercion_emergency_report", "penalty_spot_fine_handover"}
    assert len({r.code for r in RULES}) == len(RULES)


@pytest.mark.parametrize("code, amount, unit, basis", [
    ("permit_correction_notice", 5, Unit.WORKING_DAYS, "行政许可法 Art. 32"),
    ("permit_decision", 20, Unit.WORKING_DAYS, "行政许可法 Art. 42"),
    ("permit_certificate", 10, Unit.WORKING_DAYS, "行政许可法 Art. 44"),
    ("permit_hearing_request", 5, Unit.WORKING_DAYS, "行政许可法 Art. 47"),
    ("permit_hearing_held", 20, Unit.WORKING_DAYS, "行政许可法 Art. 47"),
    ("permit_hearing_notice", 7, Unit.WORKING_DAYS, "行政许可法 Art. 48"),
    ("penalty_evidence_preservation", 7, Unit.WORKING_DAYS, "行政处罚法 Art. 56"),
    ("penalty_decision", 90, Unit.CALENDAR_DAYS, "行政处罚法 Art. 60"),
    ("penalty_service", 7, Unit.WORKING_DAYS, "行政处罚法 Art. 61"),
    ("penalty_hearing_request", 5, Unit.WORKING_DAYS, "行政处罚法 Art. 63-64"),
    ("penalty_hearing_notice", 7, Unit.WORKING_DAYS, "行政处罚法 Art. 64"),
    ("penalty_fine_payment", 15, Unit.CALENDAR_DAYS, "行政处罚法 Art. 67"),
    ("coercion_seizure", 30, Unit.CALENDAR_DAYS, "行政强制法 Art. 25"),
    ("coercion_court_application", 3, Unit.MONTHS, "行政强制法 Art. 53"),
])
def test_each_rule_cites_its_article(code, amount, unit, basis):
    r = rule_by_code(code)
    assert (r.amount, r.unit, str(r.basis)) == (amount, unit, basis)
    assert r.basis.is_national_law and r.basis.seed in NATIONAL_LAWS


def test_units_follow_the_counting_articles():
    for r in RULES:
        law = r.basis.seed
        if law == "行政许可法":  # Art. 82: working days throughout
            assert r.unit is Unit.WORKING_DAYS and str(r.unit_basis) == "行政许可法 Art. 82"
        elif law == "行政处罚法":  # Art. 85: only 2/3/5/7 days are working days
            assert (r.unit is Unit.WORKING_DAYS) == (r.amount in (2, 3, 5, 7)), r.code
            assert r.unit_is_practice == (r.unit is not Unit.WORKING_DAYS)
        elif r.unit is not Unit.MONTHS:  # 行政强制法 Art. 69: ten days or less are working days
            assert (r.unit is Unit.WORKING_DAYS) == (r.amount <= 10), r.code


def test_extensions_and_suspensions_are_where_the_law_puts_them():
    movable = {r.code: (r.extension and (r.extension.amount, str(r.extension.basis)),
                        r.suspension and str(r.suspension.basis)) for r in RULES if r.extension or r.suspension}
    assert movable == {
        "permit_decision": ((10, "行政许可法 Art. 42"), "行政许可法 Art. 45"),
        "permit_certificate": (None, "行政许可法 Art. 45"),
        "coercion_seizure": ((30, "行政强制法 Art. 25"), "行政强制法 Art. 25"),
        "permit_joint_decision": ((15, "行政许可法 Art. 42 ¶2"), "行政许可法 Art. 45"),
    }


def test_rules_for_a_procedure():
    codes = {r.code for r in rules_for(Procedure.PERMIT)}
    assert codes == {r.code for r in RULES if r.code.startswith("permit_")}
    assert "coercion_seizure" in {r.code for r in rules_for(Procedure.PENALTY)}
    assert rules_for(Procedure.CONFIRMATION) == ()
    with pytest.raises(ValueError, match="未知的期限规则"):
        rule_by_code("nope")


def test_describe_in_chinese():
    assert rule_by_code("permit_decision").describe() == "受理后 20 个工作日内（行政许可法 Art. 42）"
    assert rule_by_code("penalty_hearing_notice").describe() == "举行听证前 7 个工作日（行政处罚法 Art. 64）"


def test_a_malformed_rule_is_refused():
    r = rule_by_code("penalty_fine_payment")
    with pytest.raises(ValueError, match="只能按工作日倒数"):
        replace(r, counted_back=True)
    with pytest.raises(ValueError, match="天数无效"):
        replace(r, amount=0)


# ---------------------------------------------------------------- due dates across holidays


@pytest.mark.parametrize("code, start, expected", [
    # 2024 春节 (Feb 10-17 off; Sun Feb 4 and Sun Feb 18 work): after Thu Feb 1 —
    # Feb 2 (1), Sun Feb 4 (2), Feb 5-9 (3-7), Sun Feb 18 (8), Feb 19-23 (9-13), Feb 26-Mar 1 (14-18), Mar 4, 5.
    ("permit_decision", D(2024, 2, 1), D(2024, 3, 5)),
    # 2025 春节 (Jan 28-Feb 4 off; Sun Jan 26 works): Sun Jan 26 (1), Jan 27 (2), Feb 5, 6, 7 (3-5).
    ("permit_correction_notice", D(2025, 1, 24), D(2025, 2, 7)),
    # After Mon Jan 20: Jan 21-24 (1-4), Sun Jan 26 (5), Jan 27 (6), Feb 5-7 (7-9), Sat Feb 8 (10),
    # Feb 10-14 (11-15), Feb 17-21 (16-20).
    ("permit_hearing_held", D(2025, 1, 20), D(2025, 2, 21)),
    # 7 working days before Mon Feb 10: Sat Feb 8, Feb 7, 6, 5, [Feb 4-Jan 28 off], Jan 27, Sun Jan 26, Fri Jan 24.
    ("permit_hearing_notice", D(2025, 2, 10), D(2025, 1, 24)),
    # 2026 春节 (Feb 15-23 off; Sat Feb 14 and Sat Feb 28 work): Feb 12, 13, Sat 14, Feb 24-27.
    ("penalty_service", D(2026, 2, 11), D(2026, 2, 27)),
    # Feb 25, 26, 27, Sat Feb 28, Mon Mar 2.
    ("penalty_hearing_request", D(2026, 2, 24), D(2026, 3, 2)),
    # 2024 国庆: 90 days after Jul 3 is Tue Oct 1 (holiday) -> Tue Oct 8.
    ("penalty_decision", D(2024, 7, 3), D(2024, 10, 8)),
    # 15 days after Sep 19 is Fri Oct 4 (holiday) -> Oct 8.
    ("penalty_fine_payment", D(2024, 9, 19), D(2024, 10, 8)),
    # 15 days after Sep 27 is Sat Oct 12, an adjusted working day: it stays.
    ("penalty_fine_payment", D(2024, 9, 27), D(2024, 10, 12)),
    # 7 working days before Mon Oct 14: Sat Oct 12, Oct 11-8, Sep 30, Sun Sep 29.
    ("penalty_hearing_notice", D(2024, 10, 14), D(2024, 9, 29)),
    # 2025 国庆 (Oct 1-8 off; Sun Sep 28 and Sat Oct 11 work): Sep 28, 29, 30, Oct 9, 10, Sat 11, Mon 13.
    ("penalty_evidence_preservation", D(2025, 9, 26), D(2025, 10, 13)),
    ("permit_hearing_request", D(2025, 9, 26), D(2025, 10, 10)),
    # 3 months after Jul 1 is Wed Oct 1 (holiday) -> Thu Oct 9.
    ("coercion_court_application", D(2025, 7, 1), D(2025, 10, 9)),
    # 2026 中秋 (Sep 25-27) and 国庆 (Oct 1-7; Sun Sep 20 works): Sep 20-24 (1-5), Sep 28-30 (6-8), Oct 8, 9.
    ("permit_certificate", D(2026, 9, 18), D(2026, 10, 9)),
    # 30 days after Sep 5 is Mon Oct 5 (holiday) -> Thu Oct 8.
    ("coercion_seizure", D(2026, 9, 5), D(2026, 10, 8)),
])
def test_due_dates_across_spring_festival_and_national_day(code, start, expected):
    deadline = running_deadline(rule_by_code(code), start, CAL)
    assert deadline.due == expected
    assert deadline.certain and deadline.calendar_warning is None


def test_the_same_deadline_counted_without_holidays_would_differ():
    # Guard against a calendar that ignores the official data: Monday–Friday gives Feb 29, not Mar 5.
    plain = WorkCalendar(FixedHolidays(frozenset({2024})))
    assert running_deadline(rule_by_code("permit_decision"), D(2024, 2, 1), plain).due == D(2024, 2, 29)


# ---------------------------------------------------------------- suspensions (行政许可法 Art. 45)


EXPERT_REVIEW = Suspension(SuspensionReason.EXPERT_REVIEW, D(2025, 3, 10), D(2025, 3, 14))


def test_a_suspension_of_n_working_days_moves_the_due_date_by_n_working_days():
    # Accepted Mon Mar 3 2025: 20 working days end Mon Mar 31.
    plain = running_deadline(rule_by_code("permit_decision"), D(2025, 3, 3), CAL)
    assert plain.due == D(2025, 3, 31)
    # Expert review Mon Mar 10-Fri Mar 14 (5 working days): Apr 1, 2, 3, [Apr 4-6 清明], Apr 7, 8.
    moved = suspend(plain, EXPERT_REVIEW, CAL)
    assert moved.due == D(2025, 4, 8)
    assert CAL.working_days_between(plain.due, moved.due).value == 5
    assert moved.suspensions == (EXPERT_REVIEW,)


def test_only_working_days_inside_a_suspension_count():
    # Hearing Fri Mar 14-Mon Mar 17 is 2 working days: Apr 1, 2.
    hearing = Suspension(SuspensionReason.HEARING, D(2025, 3, 14), D(2025, 3, 17))
    assert due("permit_decision", D(2025, 3, 3), suspensions=(hearing,)) == D(2025, 4, 2)


def test_overlapping_suspensions_count_once():
    parts = (Suspension(SuspensionReason.TESTING, D(2025, 3, 10), D(2025, 3, 12)),
             Suspension(SuspensionReason.APPRAISAL, D(2025, 3, 11), D(2025, 3, 14)))
    assert due("permit_decision", D(2025, 3, 3), suspensions=parts) == D(2025, 4, 8)


def test_a_suspension_with_an_injected_calendar():
    cal = WorkCalendar(FixedHolidays(frozenset({2030})))
    start = running_deadline(rule_by_code("permit_certificate"), D(2030, 3, 4), cal)  # Mon
    assert start.due == D(2030, 3, 18)
    testing = Suspension(SuspensionReason.TESTING, D(2030, 3, 6), D(2030, 3, 8))  # Wed-Fri: 3 days
    assert suspend(start, testing, cal).due == D(2030, 3, 21)


def test_testing_time_is_not_counted_in_a_seizure():
    # Seized Mon Mar 3 2025; testing Mar 10-19 (10 calendar days): 40 days end Sat Apr 12 -> Mon Apr 14.
    testing = Suspension(SuspensionReason.TESTING, D(2025, 3, 10), D(2025, 3, 19))
    assert due("coercion_seizure", D(2025, 3, 3)) == D(2025, 4, 2)
    assert due("coercion_seizure", D(2025, 3, 3), suspensions=(testing,)) == D(2025, 4, 14)


@pytest.mark.parametrize("code, suspension, message", [
    ("penalty_decision", EXPERT_REVIEW, "没有依法不计算的期间"),
    ("coercion_seizure", EXPERT_REVIEW, "专家评审所需时间不从“查封、扣押期限”的期限中扣除（行政强制法 Art. 25）"),
    ("permit_decision", Suspension(SuspensionReason.HEARING, D(2025, 3, 14), D(2025, 3, 10)), "早于开始日"),
    ("permit_decision", Suspension(SuspensionReason.HEARING, D(2025, 3, 3), D(2025, 3, 10)), "起算日"),
])
def test_a_suspension_the_law_does_not_allow_is_refused(code, suspension, message):
    with pytest.raises(ValueError, match=message):
        due(code, D(2025, 3, 3), suspensions=(suspension,))


# ---------------------------------------------------------------- extensions (行政许可法 Art. 42)


PERMIT_EXTENSION = Extension(10, D(2024, 3, 1), "需要现场核查，二十日内不能作出决定")


def test_an_approved_extension_of_10_working_days_for_a_permit_decision():
    deadline = running_deadline(rule_by_code("permit_decision"), D(2024, 2, 1), CAL)
    # Mar 5 + 10 working days: Mar 6, 7, 8, 11-15, 18, 19.
    extended = extend(deadline, PERMIT_EXTENSION, CAL)
    assert extended.due == D(2024, 3, 19)
    assert extended.extension == PERMIT_EXTENSION


def test_a_suspension_and_an_extension_add_up():
    deadline = running_deadline(rule_by_code("permit_decision"), D(2025, 3, 3), CAL, suspensions=(EXPERT_REVIEW,))
    # Apr 8 + 10 working days: Apr 9-11, 14-18, 21, 22.
    assert extend(deadline, Extension(10, D(2025, 4, 1), "专家评审后仍需核实"), CAL).due == D(2025, 4, 22)


def test_a_seizure_is_extended_by_30_days():
    # 60 days after Sep 5 2026 is Wed Nov 4.
    assert due("coercion_seizure", D(2026, 9, 5), extension=Extension(30, D(2026, 9, 30), "情况复杂")) == D(2026, 11, 4)


@pytest.mark.parametrize("code, extension, message", [
    ("permit_decision", replace(PERMIT_EXTENSION, amount=11), "最多延长 10 个工作日（行政许可法 Art. 42）"),
    ("permit_decision", replace(PERMIT_EXTENSION, amount=0), "最多延长"),
    ("permit_decision", replace(PERMIT_EXTENSION, reason=" "), "应说明理由"),
    ("permit_decision", replace(PERMIT_EXTENSION, approved_on=D(2024, 3, 6)), "期限届满（2024-03-05）前经本行政机关负责人批准"),
    ("penalty_service", PERMIT_EXTENSION, "不能延长"),
])
def test_an_extension_the_law_does_not_allow_is_refused(code, extension, message):
    with pytest.raises(ValueError, match=message):
        due(code, D(2024, 2, 1), extension=extension)


def test_a_deadline_is_extended_only_once():
    deadline = extend(running_deadline(rule_by_code("permit_decision"), D(2024, 2, 1), CAL), PERMIT_EXTENSION, CAL)
    with pytest.raises(ValueError, match="已经延长过"):
        extend(deadline, PERMIT_EXTENSION, CAL)


# ---------------------------------------------------------------- status (yellow / red)


MARCH = running_deadline(rule_by_code("permit_decision"), D(2025, 3, 3), CAL)  # due Mon Mar 31


@pytest.mark.parametrize("today, expected", [
    (D(2025, 3, 25), DeadlineStatus.OK),        # Mar 26, 27, 28, 31: 4 working days left
    (D(2025, 3, 26), DeadlineStatus.WARNING),   # 3 left: yellow
    (D(2025, 3, 29), DeadlineStatus.WARNING),   # Saturday, 1 left
    (D(2025, 3, 31), DeadlineStatus.WARNING),   # the due day itself
    (D(2025, 4, 1), DeadlineStatus.OVERDUE),    # red
])
def test_status_boundaries(today, expected):
    assert status(MARCH, today, calendar=CAL) is expected


def test_status_with_no_warning_days_and_when_done():
    assert status(MARCH, D(2025, 3, 28), warn_days=0, calendar=CAL) is DeadlineStatus.OK
    assert status(MARCH, D(2025, 3, 31), warn_days=0, calendar=CAL) is DeadlineStatus.WARNING
    done = complete(MARCH, D(2025, 4, 2))
    assert status(done, D(2025, 5, 1), calendar=CAL) == "done" and done.done_late
    assert not complete(MARCH, D(2025, 3, 31)).done_late
    assert DeadlineStatus.OVERDUE.label == "已超期"
    with pytest.raises(ValueError):
        status(MARCH, D(2025, 3, 28), warn_days=-1, calendar=CAL)


def test_status_counts_holidays_when_warning():
    # Due Fri Feb 7 2025; on Fri Jan 24 only Sun Jan 26, Jan 27, Feb 5, 6, 7 remain: 5 working days.
    deadline = running_deadline(rule_by_code("permit_correction_notice"), D(2025, 1, 24), CAL)
    assert status(deadline, D(2025, 1, 24), warn_days=4, calendar=CAL) is DeadlineStatus.OK
    assert status(deadline, D(2025, 1, 26), warn_days=4, calendar=CAL) is DeadlineStatus.WARNING


# ---------------------------------------------------------------- uncovered years


def test_a_deadline_running_into_an_uncovered_year_is_flagged():
    deadline = running_deadline(rule_by_code("permit_decision"), D(2026, 12, 21), CAL)
    assert not deadline.certain and deadline.uncovered_years == (2027,)
    assert deadline.calendar_warning == "2027 年放假安排尚未公布或录入，除法定节假日外按周一至周五计算，请核对"


# ---------------------------------------------------------------- archiving from the profile


@pytest.mark.parametrize("key, amount, basis", [
    ("lingshou-approval", 30, "seed 000 Art. 28"),
    ("fushun-hrss", 30, "seed 001 Art. 17"),
])
def test_archiving_days_come_from_the_profile(key, amount, basis):
    r = archiving_rule(_profile(key))
    assert (r.amount, r.unit, str(r.basis)) == (amount, Unit.CALENDAR_DAYS, basis)
    assert r.start_event is StartEvent.CASE_CLOSED
    # Closed Fri Sep 5 2025: 30 days end Sun Oct 5 (国庆) -> Thu Oct 9.
    assert running_deadline(r, D(2025, 9, 5), CAL).due == D(2025, 10, 9)


def test_year_end_archiving_from_the_profile():
    r = archiving_rule(_profile("bureau-002"))
    assert r.unit is Unit.YEAR_END and str(r.basis) == "seed 002 Art. 16"
    assert running_deadline(r, D(2025, 6, 10), CAL).due == D(2025, 12, 31)


def test_a_profile_silent_on_archiving_has_no_rule():
    assert archiving_rule(_profile("changli-dapuhe")) is None
    assert archiving_rule(_profile("lingchuan-approval")) is None


def test_rules_for_include_the_profile_archiving_rule():
    profile = _profile("lingshou-approval")
    assert rules_for(Procedure.PERMIT, profile)[-1].basis == archiving_rule(profile).basis


# ---------------------------------------------------------------- properties


WORKING_DAY_RULES = [r for r in RULES if r.unit is Unit.WORKING_DAYS and not r.counted_back]


@given(st.sampled_from(WORKING_DAY_RULES), st.dates(D(2004, 1, 1), D(2026, 6, 30)))
def test_a_working_day_deadline_is_amount_working_days_after_its_start(r, start):
    deadline = running_deadline(r, start, CAL)
    assert CAL.is_workday(deadline.due)
    assert CAL.working_days_between(start, deadline.due).value == r.amount


@given(st.dates(D(2004, 1, 1), D(2026, 6, 30)), st.integers(1, 20), st.integers(0, 15))
def test_a_suspension_moves_a_permit_decision_by_its_working_days(start, offset, length):
    first = CAL.add_working_days(start, offset).value
    suspension = Suspension(SuspensionReason.EXPERT_REVIEW, first, date.fromordinal(first.toordinal() + length))
    plain = running_deadline(rule_by_code("permit_decision"), start, CAL)
    moved = suspend(plain, suspension, CAL)
    suspended = CAL.working_days_between(date.fromordinal(first.toordinal() - 1), suspension.last_day).value
    assert CAL.working_days_between(plain.due, moved.due).value == suspended


@given(st.dates(D(2004, 1, 1), D(2026, 6, 30)), st.dates(D(2004, 1, 1), D(2026, 12, 31)))
def test_status_is_red_exactly_after_the_due_date(start, today):
    deadline = running_deadline(rule_by_code("penalty_fine_payment"), start, CAL)
    assert (status(deadline, today, calendar=CAL) is DeadlineStatus.OVERDUE) == (today > deadline.due)


@given(st.dates(D(2024, 1, 1), D(2026, 10, 31)), st.integers(-5, 30), st.integers(0, 5))
def test_warning_means_at_most_warn_days_working_days_left(start, offset, warn_days):
    deadline = running_deadline(rule_by_code("penalty_service"), start, CAL)
    today = date.fromordinal(deadline.due.toordinal() - offset)
    left = CAL.working_days_between(today, deadline.due).value
    expected = (DeadlineStatus.OVERDUE if today > deadline.due
                else DeadlineStatus.WARNING if left <= warn_days else DeadlineStatus.OK)
    assert status(deadline, today, warn_days, CAL) is expected
