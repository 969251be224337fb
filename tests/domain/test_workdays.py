"""China's working-day calendar (pure: no Qt, no SQL).

Expected dates are worked out by hand from the State Council's published holiday arrangements
(国务院办公厅关于2024年、2025年、2026年部分节假日安排的通知); the official package must agree.
"""
from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jlclient.domain.workdays import FixedHolidays, Reckoned, WorkCalendar, uncovered_message

CAL = WorkCalendar()
D = date


@pytest.mark.parametrize("day, workday", [
    # 2024 春节: 2月10日至17日放假，2月4日（周日）、2月18日（周日）上班; 除夕 2月9日 is a working day.
    (D(2024, 2, 4), True), (D(2024, 2, 9), True), (D(2024, 2, 10), False), (D(2024, 2, 17), False),
    (D(2024, 2, 18), True),
    # 2024 国庆: 10月1日至7日放假，9月29日（周日）、10月12日（周六）上班.
    (D(2024, 9, 29), True), (D(2024, 10, 7), False), (D(2024, 10, 12), True),
    # 2025 春节: 1月28日至2月4日放假，1月26日（周日）、2月8日（周六）上班.
    (D(2025, 1, 26), True), (D(2025, 1, 28), False), (D(2025, 2, 4), False), (D(2025, 2, 8), True),
    # 2025 国庆、中秋: 10月1日至8日放假，9月28日（周日）、10月11日（周六）上班.
    (D(2025, 9, 28), True), (D(2025, 10, 8), False), (D(2025, 10, 11), True),
    # 2026 春节: 2月15日至23日放假，2月14日（周六）、2月28日（周六）上班.
    (D(2026, 2, 14), True), (D(2026, 2, 15), False), (D(2026, 2, 23), False), (D(2026, 2, 28), True),
    # 2026 中秋 9月25日至27日; 国庆 10月1日至7日，9月20日（周日）、10月10日（周六）上班.
    (D(2026, 9, 20), True), (D(2026, 9, 25), False), (D(2026, 10, 7), False), (D(2026, 10, 10), True),
    # ordinary weeks
    (D(2025, 3, 15), False), (D(2025, 3, 16), False), (D(2025, 3, 17), True),
])
def test_the_package_matches_the_published_arrangements(day, workday):
    assert CAL.is_workday(day) is workday


# ---------------------------------------------------------------- working days across holidays


@pytest.mark.parametrize("start, n, due", [
    # 2024 春节: Feb 9 (1), [Feb 10-17 off], Sun Feb 18 (2), Feb 19 (3).
    (D(2024, 2, 8), 3, D(2024, 2, 19)),
    # 2025 春节: Sun Jan 26 (1), Jan 27 (2), [Jan 28-Feb 4 off], Feb 5, 6, 7 (3-5).
    (D(2025, 1, 24), 5, D(2025, 2, 7)),
    # 2026 春节: Feb 12, 13 (1-2), Sat Feb 14 (3), [Feb 15-23 off], Feb 24-27 (4-7).
    (D(2026, 2, 11), 7, D(2026, 2, 27)),
    # 2024 国庆: Sun Sep 29 (1), Sep 30 (2), [Oct 1-7 off], Oct 8, 9, 10 (3-5).
    (D(2024, 9, 27), 5, D(2024, 10, 10)),
    # 2025 国庆: Sun Sep 28 (1), 29, 30 (2-3), [Oct 1-8 off], Oct 9, 10 (4-5), Sat Oct 11 (6), Mon Oct 13 (7).
    (D(2025, 9, 26), 7, D(2025, 10, 13)),
    # 2026 中秋+国庆: Sun Sep 20 (1), Sep 21-24 (2-5), [Sep 25-27 off], Sep 28-30 (6-8), [Oct 1-7 off], Oct 8, 9 (9-10).
    (D(2026, 9, 18), 10, D(2026, 10, 9)),
])
def test_working_days_across_spring_festival_and_national_day(start, n, due):
    result = CAL.add_working_days(start, n)
    assert result.value == due
    assert result.certain and result.message is None


def test_an_adjusted_working_saturday_counts_and_can_be_the_due_day():
    # 2025-10-11 is a Saturday the State Council made a working day.
    assert CAL.add_working_days(D(2025, 9, 26), 6).value == D(2025, 10, 11)
    # 2026-02-28 (Saturday) counts: without it the 5th day would be Tuesday 3 March.
    assert CAL.add_working_days(D(2026, 2, 24), 5).value == D(2026, 3, 2)


def test_counting_back_passes_golden_week_and_its_working_weekends():
    # 7 working days before Mon 2024-10-14: Sat Oct 12, Oct 11, 10, 9, 8, [Oct 1-7 off], Sep 30, Sun Sep 29.
    assert CAL.add_working_days(D(2024, 10, 14), -7).value == D(2024, 9, 29)


def test_the_starting_day_is_not_counted():
    assert CAL.add_working_days(D(2025, 3, 3), 1).value == D(2025, 3, 4)
    assert CAL.add_calendar_days(D(2025, 3, 3), 1).value == D(2025, 3, 4)
    # Starting on a holiday: the first working day after it is day 1.
    assert CAL.add_working_days(D(2025, 10, 1), 1).value == D(2025, 10, 9)
    assert CAL.add_working_days(D(2025, 10, 1), 0).value == D(2025, 10, 1)


# ---------------------------------------------------------------- calendar days and months


@pytest.mark.parametrize("start, n, due", [
    (D(2024, 9, 19), 15, D(2024, 10, 8)),   # ends Fri Oct 4 (国庆) -> first working day Oct 8
    (D(2026, 1, 20), 30, D(2026, 2, 24)),   # ends Thu Feb 19 (春节) -> Tue Feb 24
    (D(2025, 3, 14), 15, D(2025, 3, 31)),   # ends Sat Mar 29 -> Mon Mar 31
    (D(2024, 9, 27), 15, D(2024, 10, 12)),  # ends Sat Oct 12, an adjusted working day: stays
    (D(2025, 3, 3), 10, D(2025, 3, 13)),    # ends Thu Mar 13, a working day: stays
])
def test_a_calendar_day_period_ending_on_a_rest_day_moves_to_the_next_working_day(start, n, due):
    assert CAL.add_calendar_days(start, n).value == due


@pytest.mark.parametrize("start, n, due", [
    (D(2024, 11, 30), 3, D(2025, 2, 28)),  # no 30 February: the month's last day (民法典 Art. 202)
    (D(2023, 12, 31), 2, D(2024, 2, 29)),  # leap year
    (D(2025, 7, 1), 3, D(2025, 10, 9)),    # ends Oct 1 (国庆) -> Oct 9
])
def test_months(start, n, due):
    assert CAL.add_months(start, n).value == due


def test_negative_calendar_periods_are_refused():
    with pytest.raises(ValueError, match="只能向后计算"):
        CAL.add_calendar_days(D(2025, 3, 3), -1)
    with pytest.raises(ValueError, match="只能向后计算"):
        CAL.add_months(D(2025, 3, 3), -1)


def test_working_days_between():
    assert CAL.working_days_between(D(2024, 2, 1), D(2024, 3, 5)).value == 20
    assert CAL.working_days_between(D(2024, 2, 1), D(2024, 2, 1)).value == 0
    assert CAL.working_days_between(D(2024, 3, 5), D(2024, 2, 1)).value == -20
    assert CAL.working_days_between(D(2025, 9, 30), D(2025, 10, 8)).value == 0  # all of Golden Week


# ---------------------------------------------------------------- years without data


def test_coverage_of_the_package():
    assert CAL.covers(2004) and CAL.covers(2024) and CAL.covers(2026)
    assert not CAL.covers(2003) and not CAL.covers(2027)


def test_an_uncovered_year_counts_monday_to_friday_and_says_so():
    result = CAL.add_working_days(D(2027, 1, 4), 5)  # Mon 2027-01-04
    assert result.value == D(2027, 1, 11)
    assert not result.certain
    assert result.uncovered_years == (2027,)
    assert result.message == "2027 年放假安排尚未公布或录入，除法定节假日外按周一至周五计算，请核对"


def test_a_period_running_into_an_uncovered_year_is_uncertain():
    # 2027-01-01 (Fri) is New Year's Day in every year, notice or not: the first working day is Mon Jan 4.
    result = CAL.add_working_days(D(2026, 12, 31), 1)
    assert result.value == D(2027, 1, 4) and result.uncovered_years == (2027,)
    assert CAL.add_working_days(D(2026, 12, 24), 3) == Reckoned(D(2026, 12, 29))
    assert not CAL.working_days_between(D(2026, 12, 1), D(2027, 1, 15)).certain
    # A calendar-day period depends only on its last day (and any rest days after it).
    assert not CAL.add_calendar_days(D(2003, 12, 1), 20).certain
    assert CAL.add_calendar_days(D(2003, 12, 1), 45).certain
    assert CAL.add_working_days(D(2003, 6, 2), 2).message == "2003 年放假安排尚未公布或录入，除法定节假日外按周一至周五计算，请核对"


def test_the_message_lists_every_uncovered_year():
    assert uncovered_message([2028, 2027, 2028]) == "2027、2028 年放假安排尚未公布或录入，除法定节假日外按周一至周五计算，请核对"


# ---------------------------------------------------------------- an injected holiday set


FIXED = FixedHolidays(years=frozenset({2030}), rest_days=frozenset({D(2030, 1, 1)}),
                      working_weekends=frozenset({D(2030, 1, 5)}))


def test_an_injected_holiday_set_replaces_the_package():
    cal = WorkCalendar(FIXED)
    assert cal.covers(2030) and not cal.covers(2024)
    assert not cal.is_workday(D(2030, 1, 1)) and cal.is_workday(D(2030, 1, 5))
    # Tue Jan 1 is a holiday: Jan 2, 3, 4 are days 1-3, Sat Jan 5 is day 4.
    result = cal.add_working_days(D(2029, 12, 31), 3)
    assert result.value == D(2030, 1, 4) and result.uncovered_years == ()
    assert cal.add_working_days(D(2030, 1, 1), 4).value == D(2030, 1, 5)
    # Sat 2029-12-22 is in a year the set does not cover: counted Monday–Friday, and said so.
    assert cal.add_calendar_days(D(2029, 12, 20), 2) == Reckoned(D(2029, 12, 24), (2029,))


def test_the_module_imports_no_qt_and_no_sqlalchemy():
    code = ("import sys, jlclient.domain.workdays, jlclient.domain.deadlines; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'sqlalchemy', 'shiboken6')]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])


# ---------------------------------------------------------------- properties

covered_days = st.dates(D(2004, 1, 1), D(2026, 6, 30))
any_days = st.dates(D(2000, 1, 1), D(2030, 12, 31))


@given(covered_days, st.integers(1, 100))
def test_adding_working_days_lands_on_a_working_day_n_working_days_later(start, n):
    result = CAL.add_working_days(start, n)
    assert result.value > start
    assert CAL.is_workday(result.value)
    assert CAL.working_days_between(start, result.value).value == n
    assert result.certain


@given(any_days, st.integers(0, 120))
def test_between_inverts_adding_also_without_data(start, n):
    end = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, end.value).value == n
    touched = range((start + timedelta(days=1)).year, end.value.year + 1) if n else ()
    assert end.certain == all(CAL.covers(y) for y in touched)


@given(any_days, st.integers(1, 30))
def test_counting_back_lands_on_a_working_day(start, n):
    back = CAL.add_working_days(start, -n).value
    assert back < start and CAL.is_workday(back)
    assert CAL.working_days_between(back, start).value == n - 1 + CAL.is_workday(start)


@given(any_days, st.integers(0, 400))
def test_a_calendar_period_ends_on_the_first_working_day_from_its_last_day(start, n):
    end = CAL.add_calendar_days(start, n).value
    last = start + timedelta(days=n)
    assert end >= last and CAL.is_workday(end)
    assert all(not CAL.is_workday(last + timedelta(days=i)) for i in range((end - last).days))


@given(st.sets(st.dates(D(2030, 1, 1), D(2030, 12, 31)), max_size=40),
       st.sets(st.dates(D(2030, 1, 1), D(2030, 12, 31)), max_size=10),
       st.dates(D(2030, 1, 1), D(2030, 12, 31)), st.integers(1, 60))
def test_properties_hold_for_any_injected_holiday_set(rest, working, start, n):
    cal = WorkCalendar(FixedHolidays(frozenset({2030}), frozenset(rest), frozenset(working)))
    end = cal.add_working_days(start, n).value
    assert cal.is_workday(end)
    assert cal.working_days_between(start, end).value == n
