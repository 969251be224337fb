"""Case files (案卷): the binding order of a case's documents, the retention period of the file,
archive numbers and boxes. Pure rules; the services put them to the database.

Retention and binding order are practice (domain.md §8), the agency may choose otherwise in the
volume builder: penalty and coercion files under the ordinary procedure are commonly kept
permanently, most other files 30 years, routine inspections 10 years."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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


@dataclass(frozen=True)
class Document:
    """One document of a case as the volume binds it."""
    key: str                    # "text:12", "av", "electronic:5": what it is in the store
    stage: Stage | None
    title: str
    at: datetime
    doc_number: str = ""
    author: str = ""
    pages: int = 0              # 0: not on paper (footage, a file on disc)
    remarks: str = ""
    conclusion: bool = False    # the decision that ends the case: bound first


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
