"""The 2027 calendar (issue 16): the statutory holidays of 全国年节及纪念日放假办法 Art. 2 (as
amended 2024) are rest days in every year, before the State Council's notice for the year is
known; the lunar ones are computed. Dates hand-checked against a printed 2027 calendar."""
from datetime import date as D

import pytest

from jlclient.domain.deadlines import rule_by_code, running_deadline
from jlclient.domain.workdays import Arrangement, WorkCalendar, statutory_holidays, use_arrangements

CAL = WorkCalendar()


@pytest.fixture(autouse=True)
def _no_entered_arrangement():
    use_arrangements(())
    yield
    use_arrangements(())


@pytest.mark.parametrize("day", [D(2027, 1, 1), D(2027, 5, 1), D(2027, 5, 2),
                                 D(2027, 10, 1), D(2027, 10, 2), D(2027, 10, 3)])
def test_the_fixed_date_holidays_rest_in_2027_with_no_notice(day):
    assert not CAL.covers(2027)
    assert not CAL.is_workday(day)


def test_the_lunar_holidays_of_2027_are_computed():
    # 春节 2027: 初一 is Sat Feb 6, so 除夕 Feb 5 to 初三 Feb 8; 清明 Mon Apr 5; 端午 Wed Jun 9; 中秋 Wed Sep 15.
    days = statutory_holidays(2027)
    assert {D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8)} <= days
    assert {D(2027, 4, 5), D(2027, 6, 9), D(2027, 9, 15)} <= days
    assert len(days) == 13      # 1 + 4 + 1 + 2 + 1 + 1 + 3 days, none on the same date
    for weekday in (D(2027, 2, 5), D(2027, 2, 8), D(2027, 4, 5), D(2027, 6, 9), D(2027, 9, 15)):
        assert not CAL.is_workday(weekday)
    assert CAL.is_workday(D(2027, 2, 9))


def test_the_computed_holidays_agree_with_the_notices_of_covered_years():
    # The lunar library and the packaged notices agree on every statutory day of 2025 and 2026.
    for year in (2025, 2026):
        assert not any(CAL.is_workday(d) for d in statutory_holidays(year))
    assert D(2025, 1, 28) in statutory_holidays(2025) and D(2026, 2, 16) in statutory_holidays(2026)  # 除夕


def test_a_permit_accepted_on_2026_12_15_is_decided_by_2027_01_13():
    # 20 working days (许可法 Art. 42) after Tue 2026-12-15: Dec 16-18 (3), 21-25 (8), 28-31 (12),
    # [Fri Jan 1 元旦], Jan 4-8 (17), Jan 11, 12, 13 (20).
    deadline = running_deadline(rule_by_code("permit_decision"), D(2026, 12, 15), CAL)
    assert deadline.due == D(2027, 1, 13)
    assert deadline.calendar_warning == "2027 年放假安排尚未公布或录入，除法定节假日外按周一至周五计算，请核对"


def test_an_entered_arrangement_is_the_year_s_calendar_and_ends_the_warning():
    use_arrangements([Arrangement(2027, "国务院办公厅关于2027年部分节假日安排的通知", "国办发明电〔2026〕9号",
                                  rest_days=frozenset({D(2027, 1, 1), D(2027, 1, 4)}),
                                  working_days=frozenset({D(2027, 1, 9)}))])
    assert CAL.covers(2027)
    # Dec 16-18 (3), 21-25 (8), 28-31 (12), [Jan 1, Mon Jan 4 off], Jan 5-8 (16), Sat Jan 9 (17), Jan 11-13 (20).
    deadline = running_deadline(rule_by_code("permit_decision"), D(2026, 12, 15), CAL)
    assert deadline.due == D(2027, 1, 13) and deadline.certain
    assert CAL.add_working_days(D(2027, 1, 8), 1).value == D(2027, 1, 9)
    # The statutory days rest even where the entered notice forgot one.
    assert not CAL.is_workday(D(2027, 10, 1))
