"""Retention ends and why a recording is kept: holds and evidence are never disposable."""
from datetime import date

from jlclient.domain.profile import Retention, RetentionRules, parse_source
from jlclient.domain.retention import (HALL_CCTV, CaseFileTerm, Kept, add_months, end_text, retention_end, rule_text,
                                      why_kept)

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


SEED_004 = RetentionRules(routine=Retention("case_file", parse_source("seed 004 Art. 18")),
                          hall_cctv=Retention(1, parse_source("seed 004 Art. 18")),
                          evidence=Retention("case_file", parse_source("seed 004 Art. 18")))


def test_hall_cctv_follows_its_own_rule_not_the_routine_one():
    cctv = Kept(DAY, linked=False, holds=(), source=HALL_CCTV)
    assert retention_end(SEED_004, cctv) == date(2026, 4, 1)
    assert "不少于 1 个月" in why_kept(SEED_004, cctv, date(2026, 3, 31))
    assert why_kept(SEED_004, cctv, date(2026, 4, 1)) is None
    assert rule_text(SEED_004, cctv) == "政务服务大厅监控录像不少于 1 个月（seed 004 Art. 18）"
    # the same day's body-camera footage follows its matter's file: never listed while unlinked
    camera = Kept(DAY, linked=False, holds=())
    assert retention_end(SEED_004, camera) is None
    assert "尚未关联案件" in why_kept(SEED_004, camera, date(2099, 1, 1))
    assert end_text(SEED_004, camera) == "随所属案卷（尚未关联）"
    # a profile silent on hall CCTV (seed 003) keeps it, whatever its routine rule says
    silent = why_kept(SIX, cctv, date(2099, 1, 1))
    assert "未规定政务服务大厅监控录像" in silent


def test_evidence_ends_with_its_bound_case_file():
    bound = Kept(DAY, linked=True, holds=(), case_file=CaseFileTerm("30年", 2026))
    assert retention_end(SIX, bound) == date(2057, 1, 1)       # counted from 1 January 2027
    assert end_text(SIX, bound) == "随案卷：30年，至 2057-01-01"
    assert why_kept(SIX, bound, date(2099, 1, 1)) == "作为案件证据，与案卷保存期限相同（30年，至 2057-01-01）"
    forever = Kept(DAY, linked=True, holds=(), case_file=CaseFileTerm("永久", 2026))
    assert retention_end(SIX, forever) is None and end_text(SIX, forever) == "随案卷：永久"
    assert end_text(SIX, Kept(DAY, linked=True, holds=())) == "随案卷：尚未立卷"
