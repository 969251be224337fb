"""Forms start from what the case already knows (issue 13): the party's identifiers, dates and
numbers of earlier acts, the matter catalogue's basis, the deadline the system tracks, the
person at the keyboard and the phone they gave last time."""
from __future__ import annotations

from sqlalchemy import func, select

from jlclient.clock import local_date
from jlclient.domain.forms import FieldType
from jlclient.domain.model import Procedure, Stage
from jlclient.services import deadlines, records
from jlclient.services.forms import load_form
from jlclient.services.matters import find_matter
from jlclient.services.prefill import PREFILL
from jlclient.store.models import AvRecord, Case
from tests.support import case_builder as cb


def _at(ctx, procedure: Procedure, stage: Stage, **built) -> int:
    """A case whose forms up to the stage before ``stage`` are finished, now in ``stage``."""
    stages = [s for s, _ in cb.PLAN[procedure]]
    case_id = cb.build_case(ctx, procedure, until=stages[stages.index(stage) - 1], **built)
    cb.advance(ctx, case_id)
    assert cb.cases.case_detail(ctx, case_id).row.stage is stage
    return case_id


def _final(ctx, case_id: int, form: str) -> dict:
    record = next(r for r in records.records_of(ctx, case_id) if r.form == form and r.final)
    return records.latest_values(ctx, record.id)


def _opened_on(ctx, case_id: int) -> str:
    with ctx.db.read() as s:
        return local_date(s.get(Case, case_id).opened_at).isoformat()


def test_every_prefilled_key_is_a_field_of_its_form():
    for form, sources in PREFILL.items():
        spec = load_form(form)
        for key in sources:
            assert spec.field(key) is not None, f"{form}.{key}"
            assert not spec.field(key).computed, f"{form}.{key} is computed when printed"


def test_a_permit_decision_starts_with_the_application_the_acceptance_and_the_matters_law(demo_ctx):
    case_id = _at(demo_ctx, Procedure.PERMIT, Stage.DECISION)
    start = records.form_context(demo_ctx, case_id).by_form["permit_decision"]
    assert start["applicant_credit_code"] == cb.CREDIT_CODE
    assert start["applied_on"] == _opened_on(demo_ctx, case_id)
    assert start["accepted_on"] == _final(demo_ctx, case_id, "acceptance_notice")["accepted_on"]
    assert start["legal_basis"] == find_matter(cb.MATTER).basis
    assert "decided_on" not in start   # the act being recorded is dated by the person who makes it


def test_a_penalty_decision_starts_with_the_partys_identifiers_and_the_notified_facts(demo_ctx):
    case_id = _at(demo_ctx, Procedure.PENALTY, Stage.DECISION)
    notice = _final(demo_ctx, case_id, "rights_notice")
    by_form = records.form_context(demo_ctx, case_id).by_form
    decision = by_form["penalty_decision"]
    assert (decision["party_credit_code"], decision["party_address"]) == (cb.CREDIT_CODE, cb.ADDRESS)
    assert "party_resident_id" not in decision       # an organisation has none: nothing is made up
    assert (decision["facts"], decision["evidence"], decision["legal_basis"]) == (
        notice["facts"], notice["evidence"], notice["legal_basis"])
    approval = by_form["decision_approval"]
    assert approval["proposal"] == notice["proposed_penalty"]
    assert "legal_review_done" not in approval       # not reviewed yet: not ticked
    assert by_form["legal_review"]["submitted_by"] == "综合执法科"

    cb.save(demo_ctx, case_id, "legal_review", Procedure.PENALTY)
    assert records.form_context(demo_ctx, case_id).by_form["decision_approval"]["legal_review_done"] is True


def test_execution_forms_carry_the_decisions_number_service_date_and_the_tracked_payment_deadline(demo_ctx):
    case_id = _at(demo_ctx, Procedure.PENALTY, Stage.EXECUTION)
    decision = _final(demo_ctx, case_id, "penalty_decision")
    receipt = _final(demo_ctx, case_id, "service_return_receipt")
    by_form = records.form_context(demo_ctx, case_id).by_form
    tracked = next(d for d in deadlines.case_deadlines(demo_ctx, case_id) if d.rule_code == "penalty_fine_payment")
    performance = by_form["performance_record"]
    assert performance["due_on"] == tracked.due.isoformat()
    assert performance["decision_number"] == decision["doc_number"] and decision["doc_number"]
    assert performance["decision_content"] == decision["penalty_detail"]
    application = by_form["enforcement_application"]
    assert application["decision_number"] == decision["doc_number"]
    assert application["decision_served_on"] == str(receipt["served_at"])[:10]
    assert application["respondent_credit_code"] == cb.CREDIT_CODE


def test_the_service_return_receipt_names_the_decision_it_serves(demo_ctx):
    case_id = _at(demo_ctx, Procedure.PERMIT, Stage.SERVICE)
    start = records.form_context(demo_ctx, case_id).by_form["service_return_receipt"]
    assert start["document_name"] == "准予行政许可决定书"
    assert start["document_number"] == _final(demo_ctx, case_id, "permit_decision")["doc_number"]
    assert start["address"] == cb.ADDRESS


def test_the_closing_approval_counts_the_footage_and_dates_the_acceptance(demo_ctx):
    case_id = _at(demo_ctx, Procedure.PERMIT, Stage.ARCHIVING)
    with demo_ctx.db.read() as s:
        footage = s.scalar(select(func.count(AvRecord.id)).where(AvRecord.case_id == case_id))
    start = records.form_context(demo_ctx, case_id).by_form["closing_approval"]
    assert footage and start["av_records"] == footage
    assert start["opened_on"] == _final(demo_ctx, case_id, "acceptance_notice")["accepted_on"]
    assert "closed_on" not in start

    penalty = _at(demo_ctx, Procedure.PENALTY, Stage.ARCHIVING)
    assert records.form_context(demo_ctx, penalty).by_form["closing_approval"]["opened_on"] == _opened_on(
        demo_ctx, penalty)


def test_the_correction_notice_names_the_clerk_and_the_phone_they_gave_last_time(demo_ctx, login_as):
    clerk = login_as("clerk")
    case_id = _at(demo_ctx, Procedure.PERMIT, Stage.ACCEPTANCE)
    notice = records.form_context(demo_ctx, case_id, clerk).by_form["correction_notice"]
    assert (notice["handler"], notice["handler_phone"]) == ("张伟", "0311-82512345")
    assert notice["received_on"] == _opened_on(demo_ctx, case_id)    # the intake's part is kept
    assert "handler_phone" not in records.form_context(demo_ctx, case_id, login_as("officer2")).by_form.get(
        "correction_notice", {})                                     # never gave one: left empty


def test_the_rights_notice_takes_the_officers_phone_from_their_last_one(demo_ctx, login_as):
    case_id = _at(demo_ctx, Procedure.PENALTY, Stage.INVESTIGATION)
    assert "rights_notice" not in records.form_context(demo_ctx, case_id, login_as("officer")).by_form
    _at(demo_ctx, Procedure.PENALTY, Stage.DECISION,            # a rights notice finished by 李娜
        values={"rights_notice": {"contact_phone": "0311-8251 9999"}})
    start = records.form_context(demo_ctx, case_id, login_as("officer")).by_form["rights_notice"]
    assert start["contact_phone"] == "0311-82519999"
    assert "rights_notice" not in records.form_context(demo_ctx, case_id, login_as("officer2")).by_form


def test_identifier_fields_follow_the_partys_kind():
    for form, sources in PREFILL.items():
        spec = load_form(form)
        for key in sources:
            if key.endswith("_resident_id"):
                assert spec.field(key).type is FieldType.RESIDENT_ID
            if key.endswith("_credit_code"):
                assert spec.field(key).type is FieldType.CREDIT_CODE
