"""Issue 16: seed 004's upload check (1 working day, Art. 18) counts with 2027's statutory holidays
before the notice is known, and says that the date is to be checked."""
from dataclasses import replace
from datetime import date, datetime

import pytest

from jlclient.domain.av_rules import upload_due, upload_due_warning, upload_late
from jlclient.domain.compliance import Code
from jlclient.domain.model import Procedure, Stage
from jlclient.domain.workdays import use_arrangements
from jlclient.services.profiles import load_profile
from tests.domain.test_compliance import av, complete, run

NEW_YEAR_S_EVE = datetime(2026, 12, 31, 16, 0)   # a Thursday
WARNING = "2027 年放假安排尚未公布或录入，除法定节假日外按周一至周五计算，请核对"


@pytest.fixture(autouse=True)
def _no_entered_arrangement():
    use_arrangements(())


def test_seed_004_upload_skips_new_year_s_day_2027_and_warns():
    rule = load_profile("lingchuan-approval").av_upload
    due, basis = upload_due(rule, NEW_YEAR_S_EVE)
    # Fri 2027-01-01 is 元旦, Jan 2-3 the weekend: the one working day is Mon Jan 4.
    assert due.date() == date(2027, 1, 4) and basis == "seed 004 Art. 18"
    assert upload_late(rule, NEW_YEAR_S_EVE, datetime(2027, 1, 4, 9, 0)) is None
    assert upload_due_warning(rule, NEW_YEAR_S_EVE) == WARNING


def test_no_warning_where_the_year_is_known_or_the_period_is_in_hours():
    assert upload_due_warning(load_profile("lingchuan-approval").av_upload, datetime(2026, 9, 30, 15, 0)) is None
    assert upload_due_warning(load_profile("lingshou-approval").av_upload, NEW_YEAR_S_EVE) is None   # 24 hours


def test_a_late_upload_finding_carries_the_warning_while_2027_is_unknown():
    base = complete(Procedure.PERMIT)
    clip = av(Stage.INVESTIGATION, NEW_YEAR_S_EVE)
    late = replace(clip, uploaded_at=datetime(2027, 1, 5, 9, 0))    # after the end of Mon Jan 4
    [finding] = run(replace(base, av_records=base.av_records + (late,)), "lingchuan-approval")
    assert finding.code is Code.AV_UPLOAD_LATE and finding.message.endswith(f"超过了上传期限（{WARNING}）")
