"""Parties (当事人 / 申请人): persons with a 身份证号 or organisations with a 统一社会信用代码, or,
where the law asks for none, a party without either (无证照) with the reason written down."""
from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from jlclient.clock import today
from jlclient.domain.identifiers import PhoneError, check_credit_code, check_resident_id, normalise_phone
from jlclient.services.context import ServiceError
from jlclient.store import audit
from jlclient.store.models import Party

PERSON, ORGANISATION = "PERSON", "ORGANISATION"


@dataclass(frozen=True)
class PartyInput:
    kind: str
    name: str
    number: str          # 身份证号 for a person, 统一社会信用代码 for an organisation
    phone: str = ""
    address: str = ""
    no_id_reason: str = ""   # 无证照: why there is no number (then ``number`` stays empty)
    warning: str = ""        # set by ``validated``: accepted, but the clerk checks the card


def validated(p: PartyInput) -> PartyInput:
    """The input trimmed, its number and phone normalised, or ServiceError saying what to correct."""
    name, reason = " ".join(p.name.split()), p.no_id_reason.strip()
    if not name:
        raise ServiceError("请填写当事人名称或姓名")
    if p.kind not in (PERSON, ORGANISATION):
        raise ServiceError(f"未知的当事人类型：{p.kind}")
    try:
        phone = normalise_phone(p.phone)
    except PhoneError as exc:
        raise ServiceError(str(exc)) from exc
    clean = replace(p, name=name, phone=phone, address=p.address.strip(), no_id_reason=reason, warning="")
    if reason and not p.number.strip():
        return replace(clean, number="")
    check = check_resident_id(p.number, today()) if p.kind == PERSON else check_credit_code(p.number)
    if not check.ok:
        raise ServiceError(check.message)
    return replace(clean, number=check.value, no_id_reason="", warning=check.warning)


def find_or_add(s: Session, actor: str, p: PartyInput) -> Party:
    """The party with this number, registered once; new parties are audited, and a number the
    library could not verify, or a party without one, is noted in the audit entry."""
    p = validated(p)
    party = None
    if p.number:
        column = Party.id_number if p.kind == PERSON else Party.credit_code
        party = s.scalar(select(Party).where(column == p.number))
    if party is None:
        party = Party(kind=p.kind, name=p.name, phone=p.phone, address=p.address, no_id_reason=p.no_id_reason,
                      id_number=p.number if p.kind == PERSON and p.number else None,
                      credit_code=p.number if p.kind == ORGANISATION and p.number else None)
        s.add(party)
        note = {"warning": p.warning} if p.warning else {"no_id_reason": p.no_id_reason} if p.no_id_reason else None
        audit.append(s, actor, "party.add", party, detail=note)
    return party
