"""Parties (当事人 / 申请人): persons with a 身份证号 or organisations with a 统一社会信用代码."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jlclient.domain.identifiers import check_credit_code, check_resident_id
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


def validated(p: PartyInput) -> PartyInput:
    """The input with its number normalised, or ServiceError saying what to correct."""
    if not p.name.strip():
        raise ServiceError("请填写当事人名称或姓名")
    if p.kind == PERSON:
        check = check_resident_id(p.number)
    elif p.kind == ORGANISATION:
        check = check_credit_code(p.number)
    else:
        raise ServiceError(f"未知的当事人类型：{p.kind}")
    if not check.ok:
        raise ServiceError(check.message)
    return PartyInput(p.kind, p.name.strip(), check.value, p.phone.strip(), p.address.strip())


def find_or_add(s: Session, actor: str, p: PartyInput) -> Party:
    """The party with this number, registered once; new parties are audited."""
    p = validated(p)
    column = Party.id_number if p.kind == PERSON else Party.credit_code
    party = s.scalar(select(Party).where(column == p.number))
    if party is None:
        party = Party(kind=p.kind, name=p.name, phone=p.phone, address=p.address,
                      id_number=p.number if p.kind == PERSON else None,
                      credit_code=p.number if p.kind == ORGANISATION else None)
        s.add(party)
        audit.append(s, actor, "party.add", party)
    return party
