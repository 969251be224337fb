"""Long-term holds and the disposal of expired recordings by approval (seed 002 Art. 17, seed 003
Art. 12-13, seed 004 Art. 18 for hall CCTV). A disposal removes the file content only after its register entry is committed, and
never content another record still uses: the register then says the content is kept and why. The
register prints as 销毁清册 with the signature lines of the approver and of the person carrying it out."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from jlclient.clock import local, to_utc, today
from jlclient.domain.citation import in_words
from jlclient.domain.model import Role
from jlclient.domain.profile import HOLD_REASONS
from jlclient.domain.retention import (SOURCES, CaseFileTerm, Kept, content_kept, end_text, retention_end, rule_text,
                                       why_kept)
from jlclient.services import citations
from jlclient.services.auth import CurrentUser
from jlclient.services.compliance import agency_profile
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.hall_cctv import recorded_by
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.db import locked
from jlclient.store.models import (Agency, AvRecord, Case, CaseVolume, Disposal, ElectronicRecord, Officer,
                                   RetentionHold)

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


def not_disposed():
    """The condition of a recording still in use: not in the disposal register (for any list of recordings)."""
    return AvRecord.id.not_in(select(Disposal.av_record_id))


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
        av = locked(s, AvRecord, av_id)     # a disposal of it waits, then sees the hold (and the other way round)
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
             .where(not_disposed()).order_by(AvRecord.started_at))
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
    content_kept: tuple[tuple[int, str], ...] = ()   # disposed, but the bytes stay: (av id, why)


def dispose(ctx: AppContext, user: CurrentUser, av_ids: list[int], opinion: str = "") -> DisposalResult:
    """Dispose of the approved recordings, item by item or a whole list: each is checked again
    (held, evidence, not yet expired: kept, and said why), registered, audited; then the content goes,
    except content another record still uses (kept, and the audit entry says so and why)."""
    if not user.has(*DISPOSERS):
        raise ServiceError("销毁须经负责人批准")
    now, at = today(), utcnow()
    refused, rows = [], []
    with ctx.db.write() as s:
        rules, titles = agency_profile(s).retention, citations.titles(s)
        # locked in id order before the holds are read: a hold placed meanwhile is seen
        present = {av.id: av for av in s.scalars(select(AvRecord).where(AvRecord.id.in_(list(av_ids)))
                                                 .order_by(AvRecord.id).with_for_update()
                                                 .execution_options(populate_existing=True))}
        holds = _holds(s, av_ids)
        for av_id in dict.fromkeys(av_ids):
            av = present.get(av_id)
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
            rows.append(row)
        s.flush()                              # the uses below no longer count what this list disposes of
        uses = _uses(s, {r.file_hash for r in rows})
        shared = []
        for row in rows:
            why = content_kept(uses.get(row.file_hash, ()))
            audit.append(s, user.actor, "retention.dispose", row,
                         detail={"content": "kept" if why else "removed", "because": why,
                                 "opinion": opinion.strip()})      # the approver's 审批意见, if written
            if why:
                shared.append((row.av_record_id, why))
        disposed, hashes = tuple(r.av_record_id for r in rows), [r.file_hash for r in rows]
    _remove_unused(ctx, hashes)        # only after the register is committed
    return DisposalResult(disposed, tuple(refused), tuple(shared))


def _uses(s: Session, hashes: set[str]) -> dict[str, tuple[str, ...]]:
    """The records not disposed of that hold each content, in words (案件…的音像证据“…”)."""
    if not hashes:
        return {}
    uses: dict[str, tuple[str, ...]] = {}
    for digest, name, number in s.execute(
            select(AvRecord.file_hash, AvRecord.file_name, Case.number).outerjoin(Case, Case.id == AvRecord.case_id)
            .where(AvRecord.file_hash.in_(hashes), not_disposed())
            .order_by(AvRecord.id)):
        name = name.rsplit("/", 1)[-1]
        uses[digest] = uses.get(digest, ()) + (f"案件{number}的音像证据“{name}”" if number else f"音像记录“{name}”",)
    for digest, title, number in s.execute(
            select(ElectronicRecord.file_hash, ElectronicRecord.title, Case.number)
            .outerjoin(Case, Case.id == ElectronicRecord.case_id)
            .where(ElectronicRecord.file_hash.in_(hashes)).order_by(ElectronicRecord.id)):
        uses[digest] = uses.get(digest, ()) + (f"案件{number}的电子数据《{title}》" if number else f"电子数据《{title}》",)
    return uses


def _remove_unused(ctx: AppContext, hashes: list[str]) -> None:
    with ctx.db.read() as s:
        used = _uses(s, set(hashes))
    for digest in set(hashes) - set(used):
        ctx.evidence.remove(digest)


# --- the register (销毁清册) ------------------------------------------------------------------------

@dataclass(frozen=True)
class DisposalEntry:
    """One line of the disposal register, as people read it."""
    av_id: int
    approved_at: datetime         # stored UTC
    file_name: str
    file_hash: str
    size: int
    rule: str                     # in words
    approved_by: str
    recorded_by: str
    recorded_on: date | None
    content: str                  # what became of the file content, in words

    @property
    def destroyed(self) -> bool:
        return self.content == DESTROYED

    def in_words(self) -> str:
        """The entry as a recording list shows it beside the recording."""
        return (f"已销毁：{local(self.approved_at):%Y-%m-%d %H:%M} {self.approved_by}批准，依据{self.rule}"
                + ("" if self.destroyed else f"；{self.content}"))


DESTROYED = "文件内容已销毁"


def _content(ctx: AppContext, digest: str, uses: dict[str, tuple[str, ...]]) -> str:
    """What is true of the content now: another record keeps it, it is gone, or (a removal that did
    not finish) it is still there."""
    if digest in uses:
        return "文件内容保留：" + content_kept(uses[digest])
    return "文件内容尚未删除" if ctx.evidence.contains(digest) else DESTROYED


def _entries(ctx: AppContext, s: Session, where) -> list[DisposalEntry]:
    titles = citations.titles(s)
    found = s.execute(select(Disposal, AvRecord, Officer.name).join(AvRecord, AvRecord.id == Disposal.av_record_id)
                      .outerjoin(Officer, Officer.id == AvRecord.officer_id).where(*where).order_by(Disposal.id)).all()
    uses = _uses(s, {d.file_hash for d, _, _ in found})
    return [DisposalEntry(d.av_record_id, d.approved_at, d.file_name.rsplit("/", 1)[-1], d.file_hash, d.size,
                          in_words(d.rule, titles), d.approved_by, recorded_by(av, officer),
                          local(av.started_at or av.created_at).date(), _content(ctx, d.file_hash, uses))
            for d, av, officer in found]


def register(ctx: AppContext, period_from: date | None = None, period_to: date | None = None) -> list[DisposalEntry]:
    """The disposal register, oldest first, of the approvals made in the period (local dates, both
    ends included; none: all); the rule as people read it (the row keeps the short citation)."""
    where = []
    if period_from is not None:
        where.append(Disposal.approved_at >= to_utc(datetime.combine(period_from, time())))
    if period_to is not None:
        where.append(Disposal.approved_at < to_utc(datetime.combine(period_to + timedelta(days=1), time())))
    with ctx.db.read() as s:
        return _entries(ctx, s, where)


def disposals_of(ctx: AppContext, s: Session, av_ids) -> dict[int, DisposalEntry]:
    """The register entries of those of ``av_ids`` that were disposed of (for the recording lists)."""
    return {e.av_id: e for e in _entries(ctx, s, [Disposal.av_record_id.in_(list(av_ids))])}


def register_pdf(ctx: AppContext, period_from: date | None = None, period_to: date | None = None) -> bytes:
    """销毁清册 as PDF: the agency, the period, every item, totals and the signature lines."""
    from jlclient.printing.disposal_register import RegisterItem, disposal_register
    entries = register(ctx, period_from, period_to)
    with ctx.db.read() as s:
        agency = s.scalar(select(Agency.name)) or ""
    first = period_from or (local(entries[0].approved_at).date() if entries else today())
    last = period_to or (local(entries[-1].approved_at).date() if entries else today())
    items = [RegisterItem(e.file_name, e.recorded_by, e.recorded_on, e.size, e.file_hash, e.rule, e.approved_by,
                          local(e.approved_at), e.content, e.destroyed) for e in entries]
    return disposal_register(items, agency, first, last)
