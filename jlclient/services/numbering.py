"""文号: one number per issued document, per kind of document, agency and year.

Numbers are sequential (``灵行审受〔2026〕7号``), handed out when a record is finished and never
reused: each one is a row of ``doc_number``, which the database keeps unique by number and by
(kind, year, sequence). A number typed by hand is checked against every number handed out and
registered too, so the automatic sequence skips past it. The chain head of the audit log is locked
before the next sequence is read, so workstations queue; should one still lose a race (a unique
violation), it takes the next number.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jlclient.clock import local_date
from jlclient.domain.forms import FieldProblem, FormSpec
from jlclient.printing.render import NUMBER_FIELDS
from jlclient.services.context import ServiceError
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.models import Agency, Case, DocNumber, TextRecord, TextRecordRevision

# The kind's word in the number, per form that the agency numbers itself. Forms with a number
# field not listed here carry someone else's number (a bank's payment receipt, say).
KINDS: dict[str, str] = {
    "materials_receipt": "收", "correction_notice": "补", "acceptance_notice": "受", "refusal_notice": "不受",
    "permit_decision": "许决", "permit_refusal": "不许", "penalty_decision": "罚决", "rights_notice": "罚告",
    "evidence_preservation_notice": "罚先保", "hearing_notice": "听通", "seizure_decision": "强扣",
    "enforcement_application": "强执申", "permit_rights_notice": "许告",
}

_PARTS = re.compile(r"(?P<head>.*?)字?[〔\[［](?P<year>\d{4})[〕\]］]第?(?P<seq>\d+)号")
_RETRIES = 20


@dataclass(frozen=True)
class Parsed:
    """Where a number stands: in the agency's own sequence (seq > 0) or outside it (seq None)."""
    kind: str
    year: int
    seq: int | None


def number_field(spec: FormSpec) -> str | None:
    """The form's own number field, when the agency numbers this form."""
    if spec.code not in KINDS:
        return None
    return next((f.key for f in spec.fields if f.key in NUMBER_FIELDS), None)


def _short(s: Session) -> str:
    return s.scalar(select(Agency.short_name)) or ""


def _this_year() -> int:
    return local_date(utcnow()).year


def compose(short: str, kind: str, year: int, seq: int) -> str:
    return f"{short}{kind}〔{year}〕{seq}号"


def parse(number: str, short: str, kind: str) -> Parsed:
    """灵行审受〔2026〕7号 and its variants (字, 第, square brackets) sit at 7 of 受 in 2026; any
    other number is outside the sequence, in its own year if it names one."""
    m = _PARTS.fullmatch(number.strip())
    if m is None:
        return Parsed(kind, _this_year(), None)
    year = int(m.group("year"))
    own = m.group("head") == f"{short}{kind}" and int(m.group("seq")) > 0
    return Parsed(kind, year, int(m.group("seq")) if own else None)


def _legacy_numbers(s: Session, form: str) -> list[tuple[str, int]]:
    """(number, record id) of finished records made before numbers were registered (databases
    from before migration 0011): the sequence continues after them and they are not handed out again."""
    field = {"materials_receipt": "receipt_number"}.get(form, "doc_number")
    rows = s.execute(select(TextRecordRevision.content, TextRecord.id)
                     .join(TextRecord, TextRecord.id == TextRecordRevision.record_id)
                     .where(TextRecord.form == form, TextRecordRevision.final.is_(True),
                            ~exists().where(DocNumber.record_id == TextRecord.id)))
    out = []
    for content, record_id in rows:
        value = json.loads(content).get(field)
        if isinstance(value, str) and value.strip():
            out.append((value.strip(), record_id))
    return out


def _next_seq(s: Session, short: str, kind: str, form: str, year: int) -> int:
    registered = s.scalar(select(func.max(DocNumber.seq)).where(DocNumber.kind == kind, DocNumber.year == year)) or 0
    legacy = [p.seq for n, _ in _legacy_numbers(s, form) if (p := parse(n, short, kind)).year == year and p.seq]
    return max([registered, *legacy]) + 1


def _holder(s: Session, record_id: int | None) -> str:
    record = s.get(TextRecord, record_id) if record_id else None
    case = s.get(Case, record.case_id) if record else None
    return f"案件 {case.number} 的《{record.title}》" if case else "另一份文书"


def _same(a: str, b: str, short: str, kind: str) -> bool:
    """The same number, also when spelt another way (字, 第, brackets)."""
    pa, pb = parse(a, short, kind), parse(b, short, kind)
    return a.strip() == b.strip() or (pa.seq is not None and (pa.year, pa.seq) == (pb.year, pb.seq))


def conflict(s: Session, spec: FormSpec, number: str, record_id: int | None) -> str | None:
    """Who already has this typed number (its own record excepted), in words; None when free."""
    short, kind = _short(s), KINDS[spec.code]
    p = parse(number, short, kind)
    same = DocNumber.number == number.strip()
    if p.seq is not None:
        same = same | ((DocNumber.kind == kind) & (DocNumber.year == p.year) & (DocNumber.seq == p.seq))
    holders = [row.record_id for row in s.scalars(select(DocNumber).where(same))]
    holders += [rid for legacy, rid in _legacy_numbers(s, spec.code) if _same(legacy, number, short, kind)]
    other = next((rid for rid in holders if rid is None or rid != record_id), False)
    return None if other is False else _holder(s, other)


@dataclass(frozen=True)
class Prepared:
    values: dict                  # with the number filled in
    problems: list[FieldProblem]  # a typed number someone else has
    typed: bool                   # the number was typed by hand (else the system's next)


def prepare(s: Session, spec: FormSpec, values: dict, record_id: int | None) -> Prepared:
    """Before a record is finished: an empty number field gets the next number (so the form
    checks pass; ``assign`` makes it final), a typed one is checked for uniqueness."""
    key = number_field(spec)
    if key is None:
        return Prepared(values, [], False)
    typed = str(values.get(key) or "").strip()
    if not typed:
        audit.locked_head(s)   # workstations queue here: the sequence read below stays current
        short, kind = _short(s), KINDS[spec.code]
        year = _this_year()
        number = compose(short, kind, year, _next_seq(s, short, kind, spec.code, year))
        return Prepared({**values, key: number}, [], False)
    values = {**values, key: typed}
    holder = conflict(s, spec, typed, record_id)
    if holder is None:
        return Prepared(values, [], True)
    label = spec.field(key).label
    return Prepared(values, [FieldProblem(key, label, f"文号“{typed}”已用于{holder}，不能重复使用；"
                                                      "请改用其他文号，或清空此栏由系统自动编号")], True)


def assign(s: Session, actor: str, spec: FormSpec, prepared: Prepared, record: TextRecord) -> dict:
    """Register the record's number (once per record and number). An automatic number lost to
    another workstation is replaced by the next free one; the values returned carry it."""
    key, values, typed = number_field(spec), prepared.values, prepared.typed
    if key is None:
        return values
    number = str(values[key])
    short, kind = _short(s), KINDS[spec.code]
    mine = s.scalars(select(DocNumber.number).where(DocNumber.record_id == record.id))
    if any(_same(n, number, short, kind) for n in mine):
        return values    # a new revision of a record keeps its number
    for _ in range(_RETRIES):
        p = parse(number, short, kind)
        seq = p.seq if p.seq is not None else (s.scalar(select(func.min(DocNumber.seq)).where(
            DocNumber.kind == kind, DocNumber.year == p.year, DocNumber.seq < 0)) or 0) - 1
        row = DocNumber(kind=kind, year=p.year, seq=seq, number=number, form=spec.code, record_id=record.id,
                        assigned_at=utcnow(), assigned_by=actor)
        try:
            with s.begin_nested():
                s.add(row)
                s.flush()
        except IntegrityError:
            if typed and (p.seq is not None or s.scalar(select(DocNumber.id).where(DocNumber.number == number))):
                raise ServiceError(f"文号“{number}”刚被另一工作站使用，请改用其他文号，或清空此栏由系统自动编号")
            if not typed:   # lost a race: the next number of the sequence
                number = compose(short, kind, p.year, _next_seq(s, short, kind, spec.code, p.year))
            continue
        audit.append(s, actor, "doc_number.assign", row,
                     detail={"form": spec.code, "record": record.id, "typed": typed})
        return {**values, key: number}
    raise ServiceError("文号登记多次与其他工作站冲突，请稍后再试")
