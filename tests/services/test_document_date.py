"""The date an index row shows is the one written on the document (issue 14), and the concluding
decision each procedure's volume needs."""
from datetime import date

from jlclient.domain.archiving import document_date, missing_conclusion
from jlclient.domain.model import Procedure
from jlclient.services.compliance import form_specs


def test_the_seal_date_then_the_act_then_the_last_opinion():
    specs = form_specs()
    # issued and sealed: the seal's date, not the day it was typed in
    assert document_date(specs["permit_decision"], {"decided_on": "2026-12-01",
                                                    "seal": {"date": "2026-12-02", "sealed": True}}) == date(2026, 12, 2)
    # a receipt without a seal date: the day the materials were received
    assert document_date(specs["materials_receipt"], {"received_at": "2026-11-28T14:00"}) == date(2026, 11, 28)
    # an approval form: its last dated opinion
    assert document_date(specs["decision_approval"], {"handler": {"date": "2026-12-01", "name": "李娜"},
                                                      "approver": {"date": "2026-12-03", "name": "周杰"}}) == \
        date(2026, 12, 3)
    assert document_date(specs["decision_approval"], {}) is None
    assert document_date(None, {"seal": {"date": "2026-12-02"}}) is None


def test_a_volume_needs_the_decision_of_its_procedure():
    assert missing_conclusion(Procedure.PENALTY, {"rights_notice"}) == ("penalty_decision",)
    assert missing_conclusion(Procedure.PERMIT, {"permit_refusal"}) == ()
    assert missing_conclusion(Procedure.INSPECTION, set()) == ()
