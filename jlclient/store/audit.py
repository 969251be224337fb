"""Appending to the audit chain, always inside the caller's transaction."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from jlclient.domain.audit import canonical_json, entry_hash
from jlclient.store.models import Audited, AuditEntry, ChainHead

# The session remembers the chain head it moved, so that once it commits (not before: a rolled-back
# entry must never be vouched for) services.anchors can sign it outside the database.
HEAD_INFO = "audit_head"        # (seq, hash) of the newest entry this transaction wrote
BEFORE_INFO = "audit_before"    # (seq, hash) of the head before this transaction's first entry


def utcnow() -> datetime:
    """Naive UTC: stored the same way by SQLite and PostgreSQL, so row hashes hold."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def locked_head(session: Session) -> ChainHead:
    """The chain's anchor row, locked until commit so appends from many workstations queue."""
    return session.get(ChainHead, 1, with_for_update=True)


def append(session: Session, actor: str, action: str, subject: Audited | None = None, *,
           entity_type: str = "", entity_id: str = "", subject_hash: str = "",
           detail: dict | None = None) -> AuditEntry:
    """Write one entry for one change of state, in the same transaction as the change."""
    if subject is not None:
        session.flush()  # the row needs its primary key before it can be named
        entity_type = subject.__tablename__
        entity_id = subject.audit_id
        subject_hash = subject.row_hash()
    head = locked_head(session)
    seq = head.seq + 1
    ts = utcnow().isoformat(timespec="microseconds")
    detail_text = canonical_json(detail or {})
    digest = entry_hash(seq, ts, actor, action, entity_type, entity_id, subject_hash, detail_text, head.hash)
    entry = AuditEntry(seq=seq, ts=ts, actor=actor, action=action, entity_type=entity_type,
                       entity_id=entity_id, subject_hash=subject_hash, detail=detail_text,
                       prev_hash=head.hash, entry_hash=digest)
    session.add(entry)
    session.info.setdefault(BEFORE_INFO, (head.seq, head.hash))
    session.info[HEAD_INFO] = (seq, digest)
    head.seq, head.hash = seq, digest
    session.flush()
    return entry


def entries_for(session: Session, entity_type: str, entity_id: str) -> list[AuditEntry]:
    stmt = (select(AuditEntry).where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == entity_id)
            .order_by(AuditEntry.seq))
    return list(session.scalars(stmt))
