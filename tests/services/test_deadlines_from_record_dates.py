"""Deadlines run from the dates written on the records, not from when a record was typed in
(issue 16): every record here is entered in 2026, long after the acts of 2025 it records, and the
deadlines still start on the acts' days."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from jlclient.domain.deadlines import DeadlineStatus, Unit, due_after
from jlclient.domain.model import Procedure, Stage, StartMode
from jlclient.services import cases, deadlines
from jlclient.services.parties import ORGANISATION, PartyInput
from jlclient.store.models import Case, TextRecord
from tests.support.case_builder import import_record

COMPANY = PartyInput(ORGANISATION, "灵寿县味美餐饮有限公司", "91110000600037341L")
LATE = datetime(2026, 3, 2, 10)     # the day the case was entered into the system
TODAY = date(2026, 3, 3)


def _case(ctx, procedure: Procedure, until: Stage | None = None) -> int:
    mode = StartMode.ON_APPLICATION if procedure is Procedure.PERMIT else StartMode.EX_OFFICIO
    matter = "食品经营许可" if procedure is Procedure.PERMIT else "未按许可条件从事经营活动"
    with ctx.db.write() as s:
        case = cases.add_case(s, "user:clerk", cases.NewCase(procedure, mode, matter, COMPANY, "综合执法科",
                                                             opened_at=LATE))
        while until is not None and case.stage != until.value:
            cases.advance(s, "user:clerk", case, LATE)
        return case.id


def _views(ctx, case_id: int) -> dict:
    return {v.rule_code: v for v in deadlines.case_deadlines(ctx, case_id, today=TODAY)}


def _record(ctx, case_id: int, code: str, **values) -> None:
    with ctx.db.read() as s:
        stage = Stage(s.get(Case, case_id).stage)
    import_record(ctx, case_id, stage, code, values)


def test_the_decision_period_runs_from_the_approval_on_the_case_approval_form(demo_ctx):
    """行政处罚法 Art. 60: 自立案之日起九十日 — the head approved 立案 on 2025-09-01."""
    case_id = _case(demo_ctx, Procedure.PENALTY)
    assert _views(demo_ctx, case_id)["penalty_decision"].start == LATE.date()   # no 立案审批表 yet
    _record(demo_ctx, case_id, "case_approval", approver={"name": "周杰", "opinion": "同意立案", "date": "2025-09-01"})
    decision = _views(demo_ctx, case_id)["penalty_decision"]
    assert decision.start == date(2025, 9, 1)
    assert decision.due == due_after(date(2025, 9, 1), 90, Unit.CALENDAR_DAYS).value
    assert decision.status is DeadlineStatus.OVERDUE


def test_the_preservation_decision_runs_from_the_preservation_day_and_a_list_does_not_meet_it(demo_ctx):
    """行政处罚法 Art. 56: preserved 2025-09-30, the 处理决定 is due 2025-10-16; the list of what was
    preserved is not that decision, the seizure decision of 10-14 is."""
    case_id = _case(demo_ctx, Procedure.PENALTY)
    _record(demo_ctx, case_id, "evidence_preservation_notice", preserved_on="2025-09-30", decision_due="2025-10-16")
    _record(demo_ctx, case_id, "evidence_list", collected_at="2025-09-30T10:00")
    running = _views(demo_ctx, case_id)["penalty_evidence_preservation"]
    assert (running.start, running.due, running.done_on) == (date(2025, 9, 30), date(2025, 10, 16), None)
    _record(demo_ctx, case_id, "seizure_decision", seized_at="2025-10-14T09:00")
    done = _views(demo_ctx, case_id)["penalty_evidence_preservation"]
    assert (done.status, done.done_on) == (DeadlineStatus.DONE, date(2025, 10, 14))


def _payment_start(ctx, **receipt) -> date:
    case_id = _case(ctx, Procedure.PENALTY, until=Stage.SERVICE)
    _record(ctx, case_id, "penalty_decision", decided_on="2025-08-28")
    _record(ctx, case_id, "service_return_receipt", **receipt)
    return _views(ctx, case_id)["penalty_fine_payment"].start


def test_the_fine_is_due_from_the_day_the_party_received_the_decision(demo_ctx):
    """行政处罚法 Art. 67 runs from 收到决定书之日: for 公告送达 the notice's date + 30 days (民事诉讼法
    Art. 95), for electronic service the day it reached the party's system (Art. 90), by post the
    day signed for."""
    assert _payment_start(demo_ctx, method="PUBLIC_NOTICE", notice_date="2025-09-01",
                          deemed_served_on="2025-10-01") == date(2025, 10, 1)
    assert _payment_start(demo_ctx, method="ELECTRONIC", sent_at="2025-09-02T16:00",
                          arrived_at="2025-09-03T08:30") == date(2025, 9, 3)
    assert _payment_start(demo_ctx, method="POSTAL", posted_on="2025-09-02", delivered_on="2025-09-05") == date(2025, 9, 5)


def test_a_permit_hearing_is_held_within_twenty_working_days_of_the_request(demo_ctx):
    """行政许可法 Art. 47: the applicant asks within 5 days of the notice, the hearing follows
    within 20 days of the request — not of the first hearing notice."""
    case_id = _case(demo_ctx, Procedure.PERMIT)
    _record(demo_ctx, case_id, "permit_rights_notice", notified_on="2025-09-01")
    asking = _views(demo_ctx, case_id)["permit_hearing_request"]
    assert (asking.start, asking.due) == (date(2025, 9, 1), date(2025, 9, 8))
    assert "permit_hearing_held" not in _views(demo_ctx, case_id)
    _record(demo_ctx, case_id, "permit_rights_notice", notified_on="2025-09-01", hearing_requested_on="2025-09-04")
    _record(demo_ctx, case_id, "hearing_notice", notified_on="2025-09-10", hearing_at="2025-09-22T09:00")
    views = _views(demo_ctx, case_id)
    assert views["permit_hearing_request"].done_on == date(2025, 9, 4)
    held = views["permit_hearing_held"]
    assert held.start == date(2025, 9, 4)
    assert held.due == due_after(date(2025, 9, 4), 20, Unit.WORKING_DAYS).value


def test_a_late_correction_notice_makes_the_receipt_the_acceptance(demo_ctx):
    """行政许可法 Art. 32(四): materials received 2025-09-01, the correction notice came on 09-15,
    after the five working days (09-08): acceptance is 09-01 and the 20-day decision period runs
    from then, not from the acceptance notice of 09-20."""
    late = _case(demo_ctx, Procedure.PERMIT)
    _record(demo_ctx, late, "materials_receipt", received_at="2025-09-01T10:00")
    _record(demo_ctx, late, "correction_notice", received_on="2025-09-01", notified_on="2025-09-15")
    _record(demo_ctx, late, "acceptance_notice", applied_on="2025-09-01", accepted_on="2025-09-20")
    views = _views(demo_ctx, late)
    assert views["permit_correction_notice"].met_late
    assert views["permit_decision"].start == date(2025, 9, 1)

    in_time = _case(demo_ctx, Procedure.PERMIT)
    _record(demo_ctx, in_time, "materials_receipt", received_at="2025-09-01T10:00")
    _record(demo_ctx, in_time, "correction_notice", received_on="2025-09-01", notified_on="2025-09-05")
    _record(demo_ctx, in_time, "acceptance_notice", applied_on="2025-09-01", accepted_on="2025-09-20")
    assert _views(demo_ctx, in_time)["permit_decision"].start == date(2025, 9, 20)


def test_a_correction_of_the_date_moves_the_deadline_to_the_corrected_day(demo_ctx):
    """A record's corrected revision is what it says now (seed 000 Art. 29): its date counts."""
    case_id = _case(demo_ctx, Procedure.PENALTY)
    _record(demo_ctx, case_id, "evidence_preservation_notice", preserved_on="2025-09-30")
    with demo_ctx.db.write() as s:
        record = s.scalar(select(TextRecord).where(TextRecord.case_id == case_id))
        cases.add_revision(s, "user:clerk", record, {"preserved_on": "2025-10-09"}, "日期笔误")
    assert _views(demo_ctx, case_id)["penalty_evidence_preservation"].start == date(2025, 10, 9)


def test_filing_runs_from_the_closing_date_on_the_closing_approval(demo_ctx):
    """The archiving period starts at 结案 as the 结案审批表 dates it, not when the case was closed in the system."""
    case_id = _case(demo_ctx, Procedure.PENALTY)
    _record(demo_ctx, case_id, "closing_approval", opened_on="2025-09-01", closed_on="2025-11-03")
    assert "archiving" not in _views(demo_ctx, case_id)          # not closed yet: nothing to file
    with demo_ctx.db.write() as s:
        case = s.get(Case, case_id)
        while cases.advance(s, "user:clerk", case, LATE) is not None:
            pass
    archiving = _views(demo_ctx, case_id)["archiving"]     # the demo's seed 000 Art. 28: 30 days after 结案
    assert archiving.start == date(2025, 11, 3)
