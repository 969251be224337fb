"""The tamper-evident audit chain, as pure functions.

Every entry holds the previous entry's hash and a hash of its own canonical
content, which includes ``subject_hash`` — the hash of the record row or stored
file it covers. Editing, deleting or reordering entries breaks the chain;
changing a covered row breaks the link between the row and its last entry.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Iterable, Iterator

GENESIS = "0" * 64
_SEP = "\x1f"  # unit separator: cannot occur in the fields we join


def _default(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"not canonical: {type(value).__name__}")


def canonical_json(value) -> str:
    """One stable text for a value: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_default)


def content_hash(value) -> str:
    """SHA-256 of a value's canonical JSON: the hash of a record row's content."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


# Order of the fields that an entry's hash covers; stored rows use the same order.
ENTRY_FIELDS = ("seq", "ts", "actor", "action", "entity_type", "entity_id", "subject_hash", "detail", "prev_hash")


def entry_hash(seq: int, ts: str, actor: str, action: str, entity_type: str, entity_id: str,
               subject_hash: str, detail: str, prev_hash: str) -> str:
    text = _SEP.join((str(seq), ts, actor, action, entity_type, entity_id, subject_hash, detail, prev_hash))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainProblem:
    seq: int | None
    what: str

    def __str__(self) -> str:
        where = f"审计记录 #{self.seq}" if self.seq is not None else "审计链"
        return f"{where}：{self.what}"


def check_chain(rows: Iterable[tuple], head: tuple[int, str] | None) -> tuple[int, ChainProblem | None]:
    """Walk entries in ``seq`` order; return (entries checked, first problem).

    ``rows`` yield ``ENTRY_FIELDS + (entry_hash,)`` tuples. ``head`` is the
    (seq, hash) the store recorded for the newest entry, so a truncated tail
    is caught too.
    """
    sep = _SEP
    sha = hashlib.sha256
    prev = GENESIS
    expected_seq = 1
    count = 0
    for seq, ts, actor, action, etype, eid, subject, detail, prev_hash, stored in rows:
        if seq != expected_seq:
            what = "缺失（已被删除）" if seq > expected_seq else "序号重复或顺序被改动"
            return count, ChainProblem(expected_seq, what)
        if prev_hash != prev:
            return count, ChainProblem(seq, "前一条的哈希不符：记录被删除、插入或调换了顺序")
        text = sep.join((str(seq), ts, actor, action, etype, eid, subject, detail, prev_hash))
        if sha(text.encode("utf-8")).hexdigest() != stored:
            return count, ChainProblem(seq, "内容与其哈希不符：该审计记录被改动")
        prev = stored
        expected_seq += 1
        count += 1
    if head is not None:
        head_seq, head_hash = head
        if head_seq != count or head_hash != prev:
            return count, ChainProblem(head_seq if head_seq > count else None,
                                       f"链尾不符：应有 {head_seq} 条，实有 {count} 条（末尾记录被删除或改动）")
    return count, None


def latest_subjects(rows: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str], str]:
    """Map (entity_type, entity_id) to the subject hash of its newest entry.

    ``rows`` are (entity_type, entity_id, subject_hash) in seq order.
    """
    latest: dict[tuple[str, str], str] = {}
    for etype, eid, subject in rows:
        if subject:
            latest[(etype, eid)] = subject
    return latest


def iter_chunks(rows: Iterator, size: int = 10000) -> Iterator[list]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
