"""Long-term holds and the disposal of expired recordings by approval (seed 002 Art. 17, seed 003
Art. 12-13, seed 004 Art. 18 for hall CCTV). A disposal removes the file content only after its register entry is committed, and
never content another record still uses."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from jlclient.clock import local, today
from jlclient.domain.citation import in_words
from jlclient.domain.model import Role
from jlclient.domain.profile import HOLD_REASONS
from jlclient.domain.retention import SOURCES, CaseFileTerm, Kept, end_text, retention_end, rule_text, why_kept
from jlclient.services import citations
from jlclient.services.auth import CurrentUser
from jlclient.services.compliance import agency_profile
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.hall_cctv import recorded_by
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.models import AvRecord, CaseVolume, Disposal, ElectronicRecord, Officer, RetentionHold

HOLDERS = (Role.OFFICER, Role.REVIEWER, Role.APPROVER, Role.ARCHIVIST)
DISPOSERS = (Role.APPROVER,)


@dataclass(frozen=True)
class RetentionRow:
    av_id: int
    file_name: str
    officer: str                   # for hall CCTV: where and which channel
    recorded_on: date
    size: int
    end: date | None
    kept_because: str | None       # None: on the disposal list
    kind: str = ""                 # 执法记录仪 / 大厅监控 / 案件证据
    end_text: str = ""             # the end as a list shows it (随案卷：永久 …)


def _holds(s: Session, av_ids=None) -> dict[int, tuple[str, ...]]:
    """The hold reasons of each recording (of ``av_ids``, or all), in one query."""
    q = select(RetentionHold.av_record_id, RetentionHold.reason)
    if av_ids is not None:
        q = q.where(RetentionHold.av_record_id.in_(list(av_ids)))
    holds: dict[int, tuple[str, ...]] = {}
    for av_id, reason in s.execute(q):
        holds[av_id] = holds.get(av_id, ()) + (reason,)
    return holds


def _case_files(s: Session) -> dict[int, CaseFileTerm]:
    """The bound volume's retention of each case, in one query."""
    return {case_id: CaseFileTerm(retention, year)
            for case_id, retention, year in s.execute(select(CaseVolume.case_id, CaseVolume.retention,
                                                             CaseVolume.archive_year))}


def _kept(av: AvRecord, holds: dict[int, tuple[str, ...]], case_files: dict[int, CaseFileTerm]) -> Kept:
    return Kept(local(av.started_at or av.created_at).date(), av.case_id is not None, holds.get(av.id, ()),
                av.source, case_files.get(av.case_id))


def place_hold(ctx: AppContext, user: CurrentUser, av_id: int, reason: str, note: str = "") -> int:
    """长期保存 with one of the seeds' reasons; 'other' needs its reason written. A hold is never lifted."""
    if not user.has(*HOLDERS):
        raise ServiceError("只有执法人员、法制审核人员、档案管理员或负责人可以设定长期保存")
    if reason not in HOLD_REASONS:
        raise ServiceError(f"长期保存的原因应为：{'、'.join(HOLD_REASONS.values())}")
    if reason == "other_important" and not note.strip():
        raise ServiceError("“其他需要长期保存的情况”须写明理由")
    with ctx.db.write() as s:
        av = s.get(AvRecord, av_id)
        if av is None:
            raise ServiceError("音像记录不存在")
        if s.scalar(select(Disposal.id).where(Disposal.av_record_id == av_id)):
            raise ServiceError("该音像记录已经销毁")
        row = RetentionHold(av_record_id=av_id, reason=reason, note=note.strip(), placed_by=user.display_name,
                            placed_at=utcnow())
        s.add(row)
        audit.append(s, user.actor, "retention.hold", row)
        return row.id


def overview(ctx: AppContext, *, due_only: bool = True) -> list[RetentionRow]:
    """Recordings not disposed of, each with its retention end and why it is kept; ``due_only``:
    only the disposal list (expired, not held, not evidence)."""
    now = today()
    with ctx.db.read() as s:
        rules, titles = agency_profile(s).retention, citations.titles(s)
        q = (select(AvRecord, Officer.name).outerjoin(Officer, Officer.id == AvRecord.officer_id)
             .where(AvRecord.id.not_in(select(Disposal.av_record_id))).order_by(AvRecord.started_at))
        if due_only:          # evidence is kept with its case file: never on the list
            q = q.where(AvRecord.case_id.is_(None))
        # evidence (the only rows a volume speaks for) is left out of the disposal list in SQL
        holds, case_files, rows = _holds(s), {} if due_only else _case_files(s), []
        for av, officer in s.execute(q):
            kept = _kept(av, holds, case_files)
            because = why_kept(rules, kept, now)
            if due_only and because is not None:
                continue
            because = in_words(because, titles) if because else because
            rows.append(RetentionRow(av.id, av.file_name.rsplit("/", 1)[-1], recorded_by(av, officer), kept.recorded_on,
                                     av.size, retention_end(rules, kept), because,
                                     "案件证据" if kept.linked else SOURCES.get(av.source, av.source),
                                     in_words(end_text(rules, kept), titles)))
        return rows


@dataclass(frozen=True)
class DisposalResult:
    disposed: tuple[int, ...]
    refused: tuple[tuple[int, str], ...]     # (av id, why it was kept)


def dispose(ctx: AppContext, user: CurrentUser, av_ids: list[int]) -> DisposalResult:
    """Dispose of the approved recordings, item by item or a whole list: each is checked again
    (held, evidence, not yet expired: kept, and said why), registered, audited; then the content goes."""
    if not user.has(*DISPOSERS):
        raise ServiceError("销毁须经负责人批准")
    now, at = today(), utcnow()
    disposed, refused, hashes = [], [], []
    with ctx.db.write() as s:
        rules, titles = agency_profile(s).retention, citations.titles(s)
        holds = _holds(s, av_ids)
        for av_id in dict.fromkeys(av_ids):
            av = s.get(AvRecord, av_id)
            if av is None or s.scalar(select(Disposal.id).where(Disposal.av_record_id == av_id)):
                refused.append((av_id, "不存在或已经销毁"))
                continue
            kept = _kept(av, holds, {})        # a case-linked recording is kept whatever its volume says
            because = why_kept(rules, kept, now)
            if because:
                refused.append((av_id, in_words(because, titles)))
                continue
            row = Disposal(av_record_id=av_id, file_hash=av.file_hash, file_name=av.file_name, size=av.size,
                           rule=rule_text(rules, kept), approved_by=user.display_name,
                           approved_at=at)
            s.add(row)
            audit.append(s, user.actor, "retention.dispose", row)
            disposed.append(av_id)
            hashes.append(av.file_hash)
    _remove_unused(ctx, hashes)        # only after the register is committed
    return DisposalResult(tuple(disposed), tuple(refused))


def _remove_unused(ctx: AppContext, hashes: list[str]) -> None:
    with ctx.db.read() as s:
        live = set(s.scalars(select(AvRecord.file_hash).where(AvRecord.id.not_in(select(Disposal.av_record_id))))) | \
            set(s.scalars(select(ElectronicRecord.file_hash)))
    for digest in set(hashes) - live:
        ctx.evidence.remove(digest)


def register(ctx: AppContext) -> list[tuple[datetime, str, str, int, str, str]]:
    """The disposal register: (when, file, hash, size, rule, approver), oldest first; the rule as
    people read it (the row keeps the short citation it was disposed of under)."""
    with ctx.db.read() as s:
        titles = citations.titles(s)
        return [(d.approved_at, d.file_name.rsplit("/", 1)[-1], d.file_hash, d.size, in_words(d.rule, titles),
                 d.approved_by) for d in s.scalars(select(Disposal).order_by(Disposal.id))]
