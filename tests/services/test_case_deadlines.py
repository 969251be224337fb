"""Deadlines read from a case's stages and records, moved by suspensions and extensions."""
from datetime import date, datetime

import pytest

from jlclient.domain.deadlines import DeadlineStatus, SuspensionReason
from jlclient.domain.model import Procedure, StartMode
from jlclient.services import cases, deadlines
from jlclient.services.context import ServiceError
from jlclient.services.parties import ORGANISATION, PartyInput
from jlclient.services.verify import verify

COMPANY = PartyInput(ORGANISATION, "灵寿县味美餐饮有限公司", "91110000600037341L")


def _permit(ctx, opened: datetime, advances: int = 0) -> int:
    with ctx.db.write() as s:
        case = cases.add_case(s, "user:clerk", cases.NewCase(Procedure.PERMIT, StartMode.ON_APPLICATION,
                                                             "食品经营许可", COMPANY, "审批服务科", opened_at=opened))
        for step in range(advances):
            cases.advance(s, "user:clerk", case, datetime(opened.year, opened.month, opened.day + step + 1, 9))
        return case.id


def _by_code(views):
    return {v.rule_code: v for v in views}


def test_correction_notice_window_runs_from_receipt(demo_ctx):
    # received Thursday 2026-09-24: 5 working days run across the National Day holidays
    case_id = _permit(demo_ctx, datetime(2026, 9, 24, 10), advances=1)   # now at ACCEPTANCE
    views = _by_code(deadlines.case_deadlines(demo_ctx, case_id, today=date(2026, 9, 25)))
    running = views["permit_correction_notice"]
    assert running.start == date(2026, 9, 24)
    from jlclient.domain.workdays import WorkCalendar
    assert running.due == WorkCalendar().add_working_days(date(2026, 9, 24), 5).value
    assert running.due > date(2026, 10, 7)          # the Golden Week is not counted
    assert running.status is DeadlineStatus.OK
    assert "行政许可法 Art. 32" in running.basis
    assert deadlines.case_deadlines(demo_ctx, case_id, today=running.due)[0].status is DeadlineStatus.WARNING


def test_acceptance_ends_the_correction_window_and_starts_the_decision_deadline(demo_ctx):
    case_id = _permit(demo_ctx, datetime(2026, 3, 2, 10), advances=2)    # entered 审查 on 2026-03-04
    views = _by_code(deadlines.case_deadlines(demo_ctx, case_id, today=date(2026, 5, 1)))
    assert views["permit_correction_notice"].status is DeadlineStatus.DONE
    decision = views["permit_decision"]
    assert decision.start == date(2026, 3, 4)
    assert decision.status is DeadlineStatus.OVERDUE


def test_suspension_and_extension_move_the_due_date_and_are_audited(demo_ctx):
    case_id = _permit(demo_ctx, datetime(2026, 3, 2, 10), advances=2)
    before = _by_code(deadlines.case_deadlines(demo_ctx, case_id, today=date(2026, 3, 5)))["permit_decision"].due
    after_suspension = deadlines.add_suspension(demo_ctx, "user:clerk", case_id, "permit_decision",
                                                SuspensionReason.TESTING, date(2026, 3, 9), date(2026, 3, 13),
                                                "送检验机构检验")
    assert after_suspension.due > before and "中止" in after_suspension.note
    extended = deadlines.add_extension(demo_ctx, "user:clerk", case_id, "permit_decision", 10, date(2026, 3, 20),
                                       "情况复杂", "user:approver")
    assert extended.due > after_suspension.due and "延长 10" in extended.note
    with pytest.raises(ServiceError, match="已经延长过"):
        deadlines.add_extension(demo_ctx, "user:clerk", case_id, "permit_decision", 5, date(2026, 3, 21), "再延",
                                "user:approver")
    with pytest.raises(ServiceError, match="批准人"):
        deadlines.add_extension(demo_ctx, "user:clerk", case_id, "permit_decision", 5, date(2026, 3, 21), "再延", "")
    assert verify(demo_ctx).ok


def test_my_deadlines_lists_the_users_running_deadlines(demo_ctx):
    case_id = _permit(demo_ctx, datetime(2026, 9, 24, 10), advances=1)
    mine = deadlines.my_deadlines(demo_ctx, "clerk", today=date(2026, 9, 25))
    assert [v.rule_code for v in mine if v.case_id == case_id] == ["permit_correction_notice"]
    assert deadlines.my_deadlines(demo_ctx, "archivist", today=date(2026, 9, 25)) == []
    officer = deadlines.my_deadlines(demo_ctx, "officer", today=date(2026, 11, 23))
    assert officer and all(v.status is not DeadlineStatus.DONE for v in officer)
