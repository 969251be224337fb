"""A new page of the stage wizard shows what the case already knows (issue 13); a saved record
shows what it says; a page holding only its starting values is not a change, so closing asks
nothing. The pages are reached by keys and only read, never set."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from jlclient.clock import local_date
from jlclient.domain.model import Procedure, Stage
from jlclient.services import records
from jlclient.store.models import Case
from tests.support import case_builder as cb
from tests.support.keys import Keys
from tests.support.wizards import open_wizard

@pytest.fixture
def keys(qtbot):
    return Keys(qtbot)


@pytest.fixture
def never_asked(monkeypatch):
    monkeypatch.setattr(QMessageBox, "exec", lambda *a: pytest.fail("asked although nothing changed"))


def _in(ctx, procedure: Procedure, stage: Stage) -> int:
    stages = [s for s, _ in cb.PLAN[procedure]]
    case_id = cb.build_case(ctx, procedure, until=stages[stages.index(stage) - 1])
    cb.advance(ctx, case_id)
    return case_id


def _to(keys, wizard, form: str):
    keys.focus(wizard.nav)
    for _ in range(wizard.nav.count()):
        if wizard.page().spec.code == form:
            return wizard.page()
        keys.press("Down")
    raise AssertionError(f"no page {form}")


def _text(page, key: str) -> str:
    widget = page.editors[key].widget
    return widget.toPlainText() if hasattr(widget, "toPlainText") else widget.text()


def _final(ctx, case_id: int, form: str) -> dict:
    record = next(r for r in records.records_of(ctx, case_id) if r.form == form and r.final)
    return records.latest_values(ctx, record.id)


def test_a_new_penalty_decision_shows_the_party_and_the_notified_facts_and_closes_unasked(
        qtbot, demo_ctx, login_as, keys, never_asked):
    case_id = _in(demo_ctx, Procedure.PENALTY, Stage.DECISION)
    notice = _final(demo_ctx, case_id, "rights_notice")
    wizard = open_wizard(qtbot, demo_ctx, login_as("officer"), case_id)
    approval = _to(keys, wizard, "decision_approval")
    assert _text(approval, "proposal") == notice["proposed_penalty"]
    assert not approval.editors["legal_review_done"].widget.isChecked()
    page = _to(keys, wizard, "penalty_decision")
    assert _text(page, "party_credit_code") == cb.CREDIT_CODE
    assert _text(page, "party_address") == cb.ADDRESS
    assert _text(page, "party_resident_id") == ""
    assert _text(page, "facts") == notice["facts"] and _text(page, "evidence") == notice["evidence"]
    assert _text(page, "decided_on") == ""          # the decision is dated by whoever makes it
    assert page.editors["party"].widget.currentText() == cb.PARTY
    assert wizard.changed_pages() == []
    keys.press("Escape", widget=wizard)
    assert not wizard.isVisible()


def test_a_new_permit_decision_shows_the_application_and_acceptance_dates(qtbot, demo_ctx, login_as, keys, never_asked):
    case_id = _in(demo_ctx, Procedure.PERMIT, Stage.DECISION)
    with demo_ctx.db.read() as s:
        applied = local_date(s.get(Case, case_id).opened_at).isoformat()
    wizard = open_wizard(qtbot, demo_ctx, login_as("officer"), case_id)
    page = _to(keys, wizard, "permit_decision")
    assert _text(page, "applied_on") == applied
    assert _text(page, "accepted_on") == _final(demo_ctx, case_id, "acceptance_notice")["accepted_on"]
    assert _text(page, "applicant_credit_code") == cb.CREDIT_CODE
    assert "食品安全法" in _text(page, "legal_basis")
    keys.press("Escape", widget=wizard)
    assert not wizard.isVisible()


def test_the_clerks_correction_notice_shows_their_name_and_phone(qtbot, demo_ctx, login_as, keys, never_asked):
    case_id = _in(demo_ctx, Procedure.PERMIT, Stage.ACCEPTANCE)
    wizard = open_wizard(qtbot, demo_ctx, login_as("clerk"), case_id)
    page = _to(keys, wizard, "correction_notice")
    assert (_text(page, "handler"), _text(page, "handler_phone")) == ("张伟", "0311-82512345")
    keys.press("Escape", widget=wizard)
    assert not wizard.isVisible()


def test_a_saved_record_shows_what_it_says_not_the_starting_values(qtbot, demo_ctx, login_as, keys, never_asked):
    case_id = _in(demo_ctx, Procedure.PENALTY, Stage.DECISION)
    party = str(records.form_context(demo_ctx, case_id).parties[0][0])
    records.save_form(demo_ctx, "user:officer", case_id, "penalty_decision",
                      {"party": party, "party_address": "灵寿县南寨乡南寨村 3 号"}, final=False)
    wizard = open_wizard(qtbot, demo_ctx, login_as("officer"), case_id)
    page = _to(keys, wizard, "penalty_decision")
    assert _text(page, "party_address") == "灵寿县南寨乡南寨村 3 号"
    assert _text(page, "party_credit_code") == "" and _text(page, "facts") == ""   # left empty when saved
    assert _text(page, "case_number") == ""
    assert wizard.changed_pages() == []
    keys.press("Escape", widget=wizard)
    assert not wizard.isVisible()
