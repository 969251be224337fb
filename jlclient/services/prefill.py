"""What a new form page starts with, taken from what the case already knows (issue 13).

One table, :data:`PREFILL`: per form, per field, where its value comes from — the case's first
party (身份证号、统一社会信用代码、住址、电话), an earlier act of the same case (the newest
finished revision of that form), a deadline the system tracks (services/deadlines.py, so the
page promises what the deadline list shows), the matter catalogue, or the person at the keyboard
(经办人 and the phone they gave last time). A source that knows nothing gives None and the field
stays empty; nothing is guessed, and the time of an act being recorded is left to the officer.

The values only start a new page: a saved record shows what it says (ui/stage_wizard.py).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jlclient.clock import local_date
from jlclient.domain.identifiers import PhoneError, normalise_phone
from jlclient.domain.model import StartMode
from jlclient.services.deadlines import deadlines_of
from jlclient.services.forms import load_form
from jlclient.services.matters import load_matters
from jlclient.store.audit import utcnow
from jlclient.store.models import (AvRecord, Case, CaseOfficer, CaseParty, Officer, Party, TextRecord,
                                   TextRecordRevision)


@dataclass
class Known:
    """The case as far as a form can use it; earlier records are read once, when asked for."""
    s: Session
    case: Case
    party: Party | None
    user_name: str = ""               # display name of the person filling the form
    user_actor: str | None = None
    today: date = field(default_factory=lambda: local_date(utcnow()))
    _final: dict[str, dict] = field(default_factory=dict)

    def final(self, form: str) -> dict:
        """The newest finished revision of ``form`` in this case ({} when there is none)."""
        if form not in self._final:
            content = self.s.scalar(
                select(TextRecordRevision.content).join(TextRecord, TextRecord.id == TextRecordRevision.record_id)
                .where(TextRecord.case_id == self.case.id, TextRecord.form == form, TextRecordRevision.final.is_(True))
                .order_by(TextRecordRevision.id.desc()).limit(1))
            self._final[form] = json.loads(content) if content else {}
        return self._final[form]


Source = Callable[[Known], Any]


# ---------------------------------------------------------------------------- sources

def _party(attr: str) -> Source:
    return lambda k: (getattr(k.party, attr) or None) if k.party is not None else None


def _from(form: str, key: str) -> Source:
    """The value an earlier act of the case recorded."""
    return lambda k: k.final(form).get(key)


def _first(*sources: Source) -> Source:
    """The first source that knows a value (the later act before the earlier one)."""
    def pick(k: Known):
        return next((v for v in (src(k) for src in sources) if v not in (None, "", [])), None)
    return pick


def _done(form: str) -> Source:
    """Ticked when the case has a finished ``form`` (法制审核、集体讨论 done)."""
    return lambda k: True if k.final(form) else None


def _tracked(rule_code: str) -> Source:
    """The due date of a deadline as the system tracks it for this case."""
    def due(k: Known):
        view = next((d for d in deadlines_of(k.s, k.case, k.today) if d.rule_code == rule_code), None)
        return view.due.isoformat() if view else None
    return due


def _applied_on(k: Known):
    """申请日期: the day the application was received (the case was registered)."""
    return local_date(k.case.opened_at).isoformat() if k.case.start_mode == StartMode.ON_APPLICATION.value else None


def _opened_on(k: Known):
    """立案（受理）日期: 受理 for an application, else the day the case was opened (立案)."""
    if k.case.start_mode == StartMode.ON_APPLICATION.value:
        return k.final("acceptance_notice").get("accepted_on")
    return local_date(k.case.opened_at).isoformat()


def _matter_basis(k: Known):
    """The matter's law as the matter catalogue states it."""
    return next((m.basis for m in load_matters() if k.case.matter in (m.code, m.name)), None) or None


def _handling_unit(k: Known):
    return k.case.handling_unit or None


def _av_count(k: Known):
    return k.s.scalar(select(func.count(AvRecord.id)).where(AvRecord.case_id == k.case.id)) or None


def _case_officers(k: Known):
    """The case's officers with their 执法证号, as every officers field starts."""
    rows = k.s.execute(select(Officer.name, Officer.cert_no).join(CaseOfficer, CaseOfficer.officer_id == Officer.id)
                       .where(CaseOfficer.case_id == k.case.id).order_by(Officer.id))
    return [{"name": name, "cert_no": cert_no} for name, cert_no in rows] or None


def _user_name(k: Known):
    return k.user_name or None


def _user_phone(k: Known):
    return own_phone(k.s, k.user_actor) if k.user_actor else None


# The decision a service return receipt serves and an enforcement application rests on.
_DECISIONS = ("penalty_decision", "permit_decision", "permit_refusal")


def _decision(k: Known) -> tuple[str, dict] | None:
    found = [(code, k.final(code)) for code in _DECISIONS if k.final(code)]
    return found[0] if found else None


def _decision_title(k: Known):
    found = _decision(k)
    return load_form(found[0]).title if found else None


def _decision_number(k: Known):
    found = _decision(k)
    return (found[1].get("doc_number") or None) if found else None


# 送达日期 as each method's group of the 送达回证 records it.
_SERVED_ON = {"DIRECT": "served_at", "ENTRUSTED": "served_at", "LODGED": "served_at", "POSTAL": "delivered_on",
              "PUBLIC_NOTICE": "deemed_served_on", "ELECTRONIC": "arrived_at", "TRANSFERRED": "transfer_signed_on"}


def _served_on(k: Known):
    """The day the decision was served, from the case's 送达回证."""
    receipt = k.final("service_return_receipt")
    value = receipt.get(_SERVED_ON.get(str(receipt.get("method")), ""))
    return str(value)[:10] if value else None


def _remedies(index: int) -> Source:
    """行政复议机关 / 人民法院 as the agency named them last (services/intake.py)."""
    def pick(k: Known):
        from jlclient.services.intake import remedies   # intake builds on records, which uses this module
        return remedies(k.s)[index] or None
    return pick


# Where the phone a person gave on a form is their own (经办人、联系电话 of the agency).
_OWN_PHONE = {"correction_notice": "handler_phone", "rights_notice": "contact_phone",
              "permit_rights_notice": "contact_phone"}


def own_phone(s: Session, actor: str) -> str:
    """The phone ``actor`` gave on the last form they finished that asks for the agency's phone."""
    rows = s.execute(select(TextRecord.form, TextRecordRevision.content)
                     .join(TextRecord, TextRecord.id == TextRecordRevision.record_id)
                     .where(TextRecord.form.in_(_OWN_PHONE), TextRecordRevision.author == actor,
                            TextRecordRevision.final.is_(True))
                     .order_by(TextRecordRevision.id.desc()))
    for form, content in rows:
        try:
            phone = normalise_phone(str(json.loads(content).get(_OWN_PHONE[form]) or ""))
        except PhoneError:      # a record written without the form check: not offered again
            continue
        if phone:
            return phone
    return ""


# ---------------------------------------------------------------------------- the table

PREFILL: Mapping[str, Mapping[str, Source]] = {
    "case_approval": {"party_resident_id": _party("id_number"), "party_credit_code": _party("credit_code")},
    "correction_notice": {"handler": _user_name, "handler_phone": _user_phone},
    "rights_notice": {"contact_phone": _user_phone},
    "permit_rights_notice": {"contact_phone": _user_phone},
    "refusal_record": {"officers": _case_officers},
    "hearing_record": {"investigators": _case_officers, "place": _from("hearing_notice", "place"),
                       "public": _from("hearing_notice", "public"),
                       "presiding_officer": _from("hearing_notice", "presiding_officer")},
    "decision_approval": {"facts": _from("rights_notice", "facts"), "evidence": _from("rights_notice", "evidence"),
                          "legal_basis": _from("rights_notice", "legal_basis"),
                          "proposal": _from("rights_notice", "proposed_penalty"),
                          "legal_review_done": _done("legal_review"),
                          "collective_discussion_done": _done("collective_discussion")},
    "legal_review": {"submitted_by": _handling_unit,
                     "proposed_decision": _first(_from("decision_approval", "proposal"),
                                                 _from("rights_notice", "proposed_penalty"))},
    "penalty_decision": {"party_resident_id": _party("id_number"), "party_credit_code": _party("credit_code"),
                         "party_address": _party("address"),
                         "facts": _first(_from("decision_approval", "facts"), _from("rights_notice", "facts")),
                         "evidence": _first(_from("decision_approval", "evidence"), _from("rights_notice", "evidence")),
                         "legal_basis": _first(_from("decision_approval", "legal_basis"),
                                               _from("rights_notice", "legal_basis")),
                         "reconsideration_body": _remedies(0), "court": _remedies(1)},
    "permit_decision": {"applicant_resident_id": _party("id_number"), "applicant_credit_code": _party("credit_code"),
                        "applied_on": _applied_on, "accepted_on": _from("acceptance_notice", "accepted_on"),
                        "legal_basis": _matter_basis},
    "permit_refusal": {"applied_on": _applied_on, "accepted_on": _from("acceptance_notice", "accepted_on"),
                       "reconsideration_body": _remedies(0), "court": _remedies(1)},
    "service_return_receipt": {"document_name": _decision_title, "document_number": _decision_number,
                               "address": _party("address")},
    "performance_record": {"decision_number": _from("penalty_decision", "doc_number"),
                           "decision_content": _from("penalty_decision", "penalty_detail"),
                           "due_on": _tracked("penalty_fine_payment")},
    "enforcement_application": {"respondent_resident_id": _party("id_number"),
                                "respondent_credit_code": _party("credit_code"),
                                "decision_number": _from("penalty_decision", "doc_number"),
                                "decision_served_on": _served_on},
    "closing_approval": {"opened_on": _opened_on, "av_records": _av_count},
}


def first_party(s: Session, case_id: int) -> Party | None:
    party_id = s.scalar(select(CaseParty.party_id).where(CaseParty.case_id == case_id).order_by(CaseParty.id).limit(1))
    return s.get(Party, party_id) if party_id is not None else None


def prefill(s: Session, case: Case, forms: tuple[str, ...] | None = None, *, user_name: str = "",
            user_actor: str | None = None) -> dict[str, dict]:
    """Per form (``forms``, else every form of the table): the values the case knows for it."""
    known = Known(s, case, first_party(s, case.id), user_name, user_actor)
    out: dict[str, dict] = {}
    for form in (forms if forms is not None else tuple(PREFILL)):
        values = {key: value for key, source in PREFILL.get(form, {}).items()
                  if (value := source(known)) not in (None, "", [])}
        if values:
            out[form] = values
    return out
