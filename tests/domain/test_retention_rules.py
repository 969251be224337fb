"""Retention ends and why a recording is kept: holds and evidence are never disposable."""
from datetime import date

from jlclient.domain.profile import Retention, RetentionRules, parse_source
from jlclient.domain.retention import Kept, add_months, retention_end, why_kept

SIX = RetentionRules(routine=Retention(6, parse_source("seed 003 Art. 12")),
                     evidence=Retention("case_file", parse_source("seed 003 Art. 12")))
DAY = date(2026, 3, 1)


def test_months_are_added_on_the_calendar():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 1, 15), 12) == date(2027, 1, 15)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)


def test_routine_footage_expires_after_the_profiles_months():
    routine = Kept(DAY, linked=False, holds=())
    assert retention_end(SIX, routine) == date(2026, 9, 1)
    assert "保存期限至 2026-09-01" in why_kept(SIX, routine, date(2026, 8, 31))
    assert why_kept(SIX, routine, date(2026, 9, 1)) is None


def test_evidence_held_and_silent_profiles_are_kept_whatever_the_date():
    late = date(2099, 1, 1)
    assert "证据" in why_kept(SIX, Kept(DAY, linked=True, holds=()), late)
    held = why_kept(SIX, Kept(DAY, linked=False, holds=("obstruction_or_assault",)), late)
    assert held.startswith("已长期保存") and "阻碍" in held
    assert "未规定" in why_kept(RetentionRules(), Kept(DAY, linked=False, holds=()), late)
    assert retention_end(RetentionRules(), Kept(DAY, False, ())) is None
