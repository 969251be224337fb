"""Case files (案卷): the binding order of a case's documents, the retention period of the file,
archive numbers and boxes. Pure rules; the services put them to the database.

Retention and binding order are practice (domain.md §8), the agency may choose otherwise in the
volume builder: penalty and coercion files under the ordinary procedure are commonly kept
permanently, most other files 30 years, routine inspections 10 years."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from jlclient.domain.forms import FieldType, FormSpec
from jlclient.domain.model import Procedure, Role, Stage

FILERS = (Role.ARCHIVIST, Role.ADMIN)     # who binds volumes
RETENTIONS = ("永久", "30年", "10年")

DEFAULT_RETENTION = {
    Procedure.PENALTY: "永久",
    Procedure.COERCION: "永久",
    Procedure.PERMIT: "30年",
    Procedure.CONFIRMATION: "30年",
    Procedure.BENEFIT: "30年",
    Procedure.INSPECTION: "10年",
}

STAGE_ORDER = tuple(Stage)

# The document that concludes a case of each procedure: a volume without one is not complete.
# Inspections, confirmations and benefits have no concluding form of their own in the catalogue.
CONCLUDING_FORMS: dict[Procedure, tuple[str, ...]] = {
    Procedure.PENALTY: ("penalty_decision",),
    Procedure.PERMIT: ("permit_decision", "permit_refusal"),
    Procedure.COERCION: ("seizure_decision",),
}


def missing_conclusion(procedure: Procedure, forms: set[str]) -> tuple[str, ...]:
    """The concluding forms the procedure expects when the case has none of them, else ()."""
    wanted = CONCLUDING_FORMS.get(procedure, ())
    return () if not wanted or forms & set(wanted) else wanted


def _day(value: Any) -> date | None:
    """A form's date or datetime value ("2026-11-28", "2026-11-28T14:00") as the day written."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def document_date(spec: FormSpec | None, values: Mapping[str, Any]) -> date | None:
    """The date written on a document, as its index row shows it (not the day it was saved or
    printed): the seal's date on an issued document; else the day of the act it records (the form's
    ``signed_after`` field, e.g. when the materials were received); else its last dated signature
    (an approval form is dated by its last opinion); else its first date field. None: no date on it."""
    if spec is None:
        return None
    seal = values.get("seal")
    if isinstance(seal, Mapping) and _day(seal.get("date")):
        return _day(seal.get("date"))
    if spec.signed_after and _day(values.get(spec.signed_after)):
        return _day(values.get(spec.signed_after))
    signed = [_day(v.get("date")) for slot in spec.signatures
              if isinstance(v := values.get(slot.key), Mapping) and _day(v.get("date"))]
    if signed:
        return max(signed)
    return next((_day(values.get(f.key)) for f in spec.fields
                 if f.type in (FieldType.DATE, FieldType.DATETIME) and _day(values.get(f.key))), None)


@dataclass(frozen=True)
class Document:
    """One document of a case as the volume binds it."""
    key: str                    # "text:12", "av", "electronic:5": what it is in the store
    stage: Stage | None
    title: str
    at: datetime                # when it was made: the binding order within a stage
    doc_number: str = ""
    author: str = ""
    pages: int = 0              # 0: not on paper (footage, a file on disc)
    remarks: str = ""
    conclusion: bool = False    # the decision that ends the case: bound first
    dated: date | None = None   # the date written on it (document_date), for the index
    form: str = ""              # the form of a text record


def binding_order(docs: list[Document]) -> list[Document]:
    """The concluding decision first, then the documents in the order of the procedure (stage by
    stage, each stage by time); footage and other non-paper items last, as the volume's annex."""
    def key(d: Document) -> tuple:
        on_paper = d.pages > 0
        stage = STAGE_ORDER.index(d.stage) if d.stage else len(STAGE_ORDER)
        return (not on_paper, not d.conclusion, stage, d.at, d.key)
    return sorted(docs, key=key)


def start_pages(page_counts: list[int]) -> list[str]:
    """页号 of each document in binding order: the page it starts on, the last document on paper
    with its first and last page ("9-10"), so the index shows where the volume ends; a document
    not on paper (count 0) has none: start_pages([3, 0, 1, 2]) == ["1", "", "4", "5-6"]."""
    if any(n < 0 for n in page_counts):
        raise ValueError(f"negative page count in {page_counts}")
    out, next_page = [], 1
    for n in page_counts:
        out.append(str(next_page) if n else "")
        next_page += n
    last = max((i for i, n in enumerate(page_counts) if n), default=None)
    if last is not None and page_counts[last] > 1:
        out[last] = f"{out[last]}-{next_page - 1}"
    return out


def archive_number(year: int, seq: int) -> str:
    """归档号: the closing year and a 4-digit sequence in closing order."""
    return f"{year}-{seq:04d}"


@dataclass(frozen=True)
class BoxSlot:
    """A box already holding volumes: its year, retention, number and how many it holds."""
    year: int
    retention: str
    box_no: int
    volumes: int


def box_for(boxes: list[BoxSlot], year: int, retention: str, per_box: int) -> int:
    """The box a new volume goes in: the newest box of the same year and retention while it has
    room, else a new box numbered after every box of that year. Volumes of different year or
    retention never share a box (domain.md §8, box spine label)."""
    same = [b for b in boxes if b.year == year and b.retention == retention]
    newest = max(same, key=lambda b: b.box_no, default=None)
    if newest is not None and newest.volumes < per_box:
        return newest.box_no
    return max((b.box_no for b in boxes if b.year == year), default=0) + 1
