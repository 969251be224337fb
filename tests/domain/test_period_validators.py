"""Form date rules that are legal periods count like the deadline service (issue 16): working days
from the holiday calendar, the start day not counted — through the one function both use
(:func:`jlclient.domain.deadlines.due_after`). Rows hand-computed over the 2025 National Day
holiday (10-01..10-08 rest, Saturday 10-11 a working day)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from jlclient.domain.deadlines import Unit, due_after, rule_by_code, running_deadline
from jlclient.domain.forms import FormError, parse_form, validate_values
from jlclient.domain.model import Procedure
from jlclient.domain.workdays import FixedHolidays, WorkCalendar
from tests.support.case_builder import form_values

FORMS = Path(__file__).resolve().parents[2] / "forms"
ON = date(2025, 10, 22)


def _form(code: str):
    return parse_form((FORMS / f"{code}.toml").read_text(encoding="utf-8"), f"{code}.toml")


def _problem(code: str, key: str, procedure=Procedure.PENALTY, calendar=None, **overrides) -> str | None:
    """The message on field ``key`` when ``code`` is finished with ``overrides``; None when accepted."""
    # a form the sample builder does not fill: only the dates under test (other fields' problems are not read)
    values = {**form_values(code, procedure, on=ON), **overrides} if code != "enforcement_application" else overrides
    found = [p for p in validate_values(_form(code), values, final=True, procedure=procedure, calendar=calendar)
             if p.key == key]
    return f"{found[0].label}：{found[0].message}" if found else None


def test_the_shared_count_gives_the_hand_computed_rows():
    assert due_after(date(2025, 9, 30), 7, Unit.WORKING_DAYS).value == date(2025, 10, 16)
    assert due_after(date(2025, 9, 30), 10, Unit.WORKING_DAYS).value == date(2025, 10, 21)
    assert due_after(date(2025, 9, 30), 7, Unit.CALENDAR_DAYS).value == date(2025, 10, 9)   # 10-07 is a holiday
    assert due_after(date(2025, 10, 16), -7, Unit.WORKING_DAYS).value == date(2025, 9, 30)


def test_the_preservation_decision_is_due_seven_working_days_later_as_the_deadline_service_says():
    """行政处罚法 Art. 56 with Art. 85: preserved on 09-30, decided by 10-16, not by the holiday 10-07."""
    code, preserved = "evidence_preservation_notice", "2025-09-30"
    assert _problem(code, "decision_due", preserved_on=preserved, decision_due="2025-10-16") is None
    assert _problem(code, "decision_due", preserved_on=preserved, decision_due="2025-10-07").startswith(
        "作出处理决定的期限：应为“登记保存日期”之后第 7 个工作日，即 2025-10-16")
    service = running_deadline(rule_by_code("penalty_evidence_preservation"), date(2025, 9, 30))
    assert service.due == date(2025, 10, 16)


def test_a_hearing_is_noticed_seven_working_days_ahead():
    """行政处罚法 Art. 64(二) / 行政许可法 Art. 48(一): a notice on 09-30 for a hearing on 10-09 gives one
    working day, and is refused; 10-16 is the first day a hearing may be held."""
    code, notified = "hearing_notice", "2025-09-30"
    problem = _problem(code, "hearing_at", notified_on=notified, hearing_at="2025-10-09T09:00")
    assert problem.startswith("听证时间：应不早于“通知日期”后第 7 个工作日（2025-10-16）")
    assert _problem(code, "hearing_at", notified_on=notified, hearing_at="2025-10-15T09:00") is not None
    assert _problem(code, "hearing_at", notified_on=notified, hearing_at="2025-10-16T09:00") is None
    assert _problem(code, "hearing_at", Procedure.PERMIT, notified_on=notified, hearing_at="2025-10-09T09:00")


def test_court_enforcement_is_applied_for_ten_working_days_after_the_demand():
    """行政强制法 Art. 54 with Art. 69: a demand served 09-30 allows an application from 10-21."""
    code, served = "enforcement_application", "2025-09-30"
    problem = _problem(code, "applied_on", demand_served_on=served, applied_on="2025-10-10")
    assert problem is not None and "第 10 个工作日（2025-10-21）" in problem
    assert _problem(code, "applied_on", demand_served_on=served, applied_on="2025-10-21") is None


def test_the_validators_count_with_the_calendar_they_are_given():
    """The deadline service's calendar is passed in: an extra rest day moves the form's date too."""
    extra = WorkCalendar(FixedHolidays(frozenset({2025}), rest_days=frozenset({date(2025, 10, 13)})))
    code, preserved = "evidence_preservation_notice", "2025-10-09"
    # official: 10-10, Saturday 10-11 (调休上班), 10-13 … 10-17 is the 7th working day
    assert _problem(code, "decision_due", preserved_on=preserved, decision_due="2025-10-17") is None
    # Monday to Friday without 10-13: 10-10, 10-14 … 10-21
    assert _problem(code, "decision_due", calendar=extra, preserved_on=preserved, decision_due="2025-10-17")
    assert _problem(code, "decision_due", calendar=extra, preserved_on=preserved, decision_due="2025-10-21") is None


def test_a_period_link_names_a_unit_the_forms_can_count():
    text = (FORMS / "evidence_preservation_notice.toml").read_text(encoding="utf-8")
    bad = text.replace('days = 7, unit = "working_days"', 'days = 7, unit = "fortnights"')
    with pytest.raises(FormError, match="validators.days_after.unit"):
        parse_form(bad, "evidence_preservation_notice.toml")


def test_a_date_counted_without_the_years_arrangement_says_so():
    """A year whose 放假安排 is not known: the form's date carries the calendar's warning."""
    unknown = WorkCalendar(FixedHolidays(frozenset()))
    problem = _problem("evidence_preservation_notice", "decision_due", calendar=unknown,
                       preserved_on="2025-09-30", decision_due="2025-10-07")
    counted = due_after(date(2025, 9, 30), 7, Unit.WORKING_DAYS, unknown)
    assert not counted.certain
    assert f"即 {counted.value.isoformat()}（{counted.message}）" in problem
