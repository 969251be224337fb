"""Cases: opening, listing (paged, sorted, filtered in SQL), detail, stages and text records."""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from jlclient.clock import today as clock_today
from jlclient.domain.audit import canonical_json, content_hash
from jlclient.domain.model import CaseStatus, Procedure, Role, Stage, StartMode, next_stage, stages_for
from jlclient.domain.duties import own_case_refusal
from jlclient.domain.stage_rights import Right, may_advance
from jlclient.domain.storable import UNSTORABLE, is_storable
from jlclient.services.auth import CurrentUser, roles_of
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.parties import PartyInput, find_or_add
from jlclient.services.users import person
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.db import locked
from jlclient.store.models import (Agency, AvRecord, Case, CaseOfficer, CaseParty, ElectronicRecord, Officer,
                                   StageEvent, TextRecord, TextRecordRevision, User)

# 文书编号 kind character per procedure: 〔year〕 and a sequence follow.
_KIND = {Procedure.PERMIT: "许", Procedure.PENALTY: "罚", Procedure.INSPECTION: "检",
         Procedure.COERCION: "强", Procedure.CONFIRMATION: "确", Procedure.BENEFIT: "给"}


@dataclass(frozen=True)
class CaseRow:
    id: int
    number: str
    title: str
    procedure: Procedure
    stage: Stage
    status: CaseStatus
    party_name: str
    matter: str
    handling_unit: str
    opened_at: datetime


# list columns that may be sorted on, by CaseRow field
SORTABLE = {"number": Case.number, "title": Case.title, "procedure": Case.procedure, "stage": Case.stage,
            "status": Case.status, "party_name": Case.party_name, "matter": Case.matter,
            "handling_unit": Case.handling_unit, "opened_at": Case.opened_at}


@dataclass(frozen=True)
class CaseQuery:
    text: str = ""
    sort: str = "opened_at"
    descending: bool = True


@dataclass(frozen=True)
class NewCase:
    procedure: Procedure
    start_mode: StartMode
    matter: str
    party: PartyInput
    handling_unit: str
    officer_ids: tuple[int, ...] = ()
    opened_at: datetime | None = None


def case_row(c: Case) -> CaseRow:
    return CaseRow(c.id, c.number, c.title, Procedure(c.procedure), Stage(c.stage), CaseStatus(c.status),
                   c.party_name, c.matter, c.handling_unit, c.opened_at)


def _where(stmt, q: CaseQuery):
    text = q.text.strip().lower()
    if text:
        stmt = stmt.where(Case.search_text.contains(text, autoescape=True))
    return stmt


def fetch_cases(s: Session, q: CaseQuery, offset: int, limit: int, index: "SearchIndex | None" = None) -> list[CaseRow]:
    column = SORTABLE[q.sort]
    order = (column.desc(), Case.id.desc()) if q.descending else (column.asc(), Case.id.asc())
    ids = index.matching(s, q.text) if index is not None and q.text.strip() else None
    stmt = select(*_LIST).where(Case.id.in_(ids)) if ids is not None else _where(select(*_LIST), q)
    stmt = stmt.order_by(*order).offset(offset).limit(limit)
    return [CaseRow(i, n, t, Procedure(p), Stage(st), CaseStatus(cs), pn, m, u, at)
            for i, n, t, p, st, cs, pn, m, u, at in s.execute(stmt)]


# the list's columns only: whole Case objects cost more than the query itself
_LIST = (Case.id, Case.number, Case.title, Case.procedure, Case.stage, Case.status, Case.party_name, Case.matter,
         Case.handling_unit, Case.opened_at)


class SearchIndex:
    """Every case's search text in memory, so a rare filter term is found without SQL scanning
    the whole table (a LIKE over 100,000 rows costs tens of milliseconds). Dense terms keep the
    SQL path, which stops after one page. Search text is written once when a case opens; new
    cases are picked up by id on every use."""
    DENSE = 2000

    def __init__(self):
        self._ids: list[int] = []
        self._texts: list[str] = []
        self._lock = threading.Lock()  # loaded by a worker thread while the list is already in use

    @property
    def loaded(self) -> bool:
        return bool(self._ids)

    def sync(self, s: Session) -> None:
        with self._lock:
            self._sync_locked(s)

    def _sync_locked(self, s: Session) -> None:
        last = self._ids[-1] if self._ids else 0
        for case_id, text in s.execute(select(Case.id, Case.search_text).where(Case.id > last).order_by(Case.id)):
            self._ids.append(case_id)
            self._texts.append(text)

    def matching(self, s: Session, text: str) -> list[int] | None:
        """Ids of the cases whose search text holds ``text``; None when there are too many to list,
        or while the index is still being loaded (the SQL path answers then, nobody waits)."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            if not self._ids:
                return None
            self._sync_locked(s)
            needle = text.strip().lower()
            hits = [i for i, t in zip(self._ids, self._texts) if needle in t]
        finally:
            self._lock.release()
        return hits if len(hits) <= self.DENSE else None


def count_cases(s: Session, q: CaseQuery) -> int:
    return s.scalar(_where(select(func.count(Case.id)), q))


def search_text(*parts: str) -> str:
    return " ".join(p for p in parts if p).lower()


def next_number(s: Session, procedure: Procedure, year: int) -> str:
    """The next free number of the year: one above the highest in use (imports may leave gaps).
    The chain head is locked first, so two desks opening a case at once queue here and the
    second reads the first one's number (the counter is the chain head's lock, as for 文号)."""
    audit.locked_head(s)
    agency = s.scalar(select(Agency))
    prefix = f"{agency.short_name if agency else ''}{_KIND[procedure]}〔{year}〕"
    used = s.scalars(select(Case.number).where(Case.number.startswith(prefix, autoescape=True)))
    sequences = [int(m.group(1)) for n in used if (m := re.fullmatch(r"(\d+)号", n[len(prefix):]))]
    return f"{prefix}{max(sequences, default=0) + 1}号"


def find_case(s: Session, case_ref: str) -> Case:
    """A case by a reference a person types (see :func:`resolve_case`)."""
    return resolve_case(s, case_ref)[0]


_BRACKETS = str.maketrans({"[": "〔", "(": "〔", "（": "〔", "【": "〔", "［": "〔", "{": "〔",
                           "]": "〕", ")": "〕", "）": "〕", "】": "〕", "］": "〕", "}": "〕"})
_NUMBER_TAIL = re.compile(r"(?:〔(?P<year>\d{4})〕)?(?P<seq>\d+)号?")


def resolve_case(s: Session, case_ref: str) -> tuple[Case, str]:
    """A case by its number in any bracket form, or by its internal id; with a note saying how the
    reference was read when it was not the full number.

    - ``灵行审许〔2026〕5号``, ``灵行审许[2026]5号``, ``灵行审许(2026)5号``, ``灵行审许（2026）5号``: that number.
    - ``〔2026〕5号`` / ``[2026]5``: the case numbered so in that year (any procedure; refused if several).
    - ``5`` / ``5号``: the case numbered 5 this year — a case number wins over an internal id, so
      ``5`` never shows the case whose id happens to be 5 while a 5号 exists (issue 13).
    - ``#5`` (or ``5`` when no case of this year is numbered 5): the case whose internal id is 5.
    """
    ref = case_ref.strip()
    case = s.scalar(select(Case).where(Case.number == ref))
    if case is not None:
        return case, ""
    typed = ref.translate(_BRACKETS).replace(" ", "")
    case = s.scalar(select(Case).where(Case.number.in_({typed, typed + "号"})))
    if case is not None:
        return case, ""
    if typed.startswith("#") and typed[1:].isascii() and typed[1:].isdigit():
        return _by_id(s, int(typed[1:]), ref), ""
    tail = _NUMBER_TAIL.fullmatch(typed)
    if tail is None:
        raise ServiceError(f"没有案件“{ref}”：请填写案号（如 灵行审许〔2026〕1号，方括号、圆括号均可）或案件序号")
    year = tail["year"] or str(clock_today().year)
    suffix = f"〔{year}〕{int(tail['seq'])}号"
    found = list(s.scalars(select(Case).where(Case.number.endswith(suffix, autoescape=True)).order_by(Case.id)))
    bare = tail["year"] is None and typed.isascii() and typed.isdigit()
    if len(found) > 1 and bare:
        # several procedures number their cases alike; the one whose id is also the number fits both readings
        found = [c for c in found if c.id == int(typed)] or found
    if len(found) > 1:
        raise ServiceError(f"“{ref}”对应多个案件：{'、'.join(c.number for c in found)}，请填写完整案号")
    if found:
        other = s.get(Case, int(typed)) if bare else None
        aside = f"；内部编号 #{typed} 是另一案件 {other.number}" if other is not None and other is not found[0] else ""
        return found[0], f"按案号显示 {found[0].number}{aside}"
    if bare:
        case = s.get(Case, int(typed))
        if case is not None:
            return case, f"{year} 年没有 {typed} 号案件；按内部编号 #{typed} 显示 {case.number}"
    raise ServiceError(f"没有案件“{ref}”：{year} 年没有 {int(tail['seq'])} 号案件")


def _by_id(s: Session, case_id: int, ref: str) -> Case:
    case = s.get(Case, case_id)
    if case is None:
        raise ServiceError(f"没有案件“{ref}”：没有内部编号为 {case_id} 的案件")
    return case


def open_case(ctx: AppContext, actor: str, new: NewCase) -> CaseRow:
    """Start a case in its first stage (程序启动); the party is validated and registered once."""
    stages_for(new.procedure, new.start_mode)  # refuses a start mode the procedure does not allow
    if not new.matter.strip():
        raise ServiceError("请填写执法事项")
    if not is_storable([new.matter, new.handling_unit, new.party.name, new.party.number, new.party.phone,
                        new.party.address, new.party.no_id_reason]):
        raise ServiceError(UNSTORABLE)
    if new.procedure is Procedure.PENALTY and len(new.officer_ids) < 2:
        raise ServiceError("行政处罚应当由两名以上执法人员办理（《行政处罚法》第四十二条）")
    with ctx.db.write() as s:
        return case_row(add_case(s, actor, new))


def add_case(s: Session, actor: str, new: NewCase) -> Case:
    party = find_or_add(s, actor, new.party)
    opened = new.opened_at or utcnow()
    matter = new.matter.strip()   # 案由 as typed may carry spaces at either end
    title = f"{party.name}{matter}案" if new.procedure is not Procedure.PERMIT else f"{party.name}申请{matter}"
    case = Case(number=next_number(s, new.procedure, opened.year), title=title, procedure=new.procedure.value,
                start_mode=new.start_mode.value, matter=matter, stage=Stage.INITIATION.value,
                status=CaseStatus.OPEN.value, handling_unit=new.handling_unit, party_name=party.name,
                opened_at=opened, created_by=actor)
    case.search_text = search_text(case.number, case.title, case.matter, party.name)
    s.add(case)
    audit.append(s, actor, "case.open", case)
    link = CaseParty(case_id=case.id, party_id=party.id,
                     role="申请人" if new.start_mode is StartMode.ON_APPLICATION else "当事人")
    s.add(link)
    audit.append(s, actor, "case.party", link)
    for officer_id in new.officer_ids:
        assigned = CaseOfficer(case_id=case.id, officer_id=officer_id)
        s.add(assigned)
        audit.append(s, actor, "case.officer", assigned)
    enter_stage(s, actor, case, Stage.INITIATION, opened)
    return case


def enter_stage(s: Session, actor: str, case: Case, stage: Stage, at: datetime) -> None:
    event = StageEvent(case_id=case.id, stage=stage.value, at=at, by=actor)
    s.add(event)
    audit.append(s, actor, "case.stage", event)


def advance(s: Session, actor: str, case: Case, at: datetime | None = None) -> Stage | None:
    """Move a case to its next stage; after the last stage the case is closed."""
    target = next_stage(Procedure(case.procedure), StartMode(case.start_mode), Stage(case.stage))
    at = at or utcnow()
    if target is None:
        case.status, case.closed_at = CaseStatus.CLOSED.value, at
        audit.append(s, actor, "case.close", case)
        return None
    case.stage = target.value
    audit.append(s, actor, "case.advance", case)
    enter_stage(s, actor, case, target, at)
    return target


def advance_case(ctx: AppContext, user: CurrentUser, case_id: int, expected_version: int,
                 reason: str | None = None) -> Stage | None:
    """Leave the current stage, as the stage rights allow (:mod:`jlclient.domain.stage_rights`):
    with open problems in an officer's stage only the case's officers move it, or an approver with
    a written ``reason`` (kept in the audit log). Optimistic locking: a case changed elsewhere since
    it was shown is refused. Closing is :func:`jlclient.services.compliance.close_case`'s."""
    from jlclient.services import compliance   # compliance builds on this module
    try:
        with ctx.db.write() as s:
            case = locked(s, Case, case_id)    # the version compared is the committed one, and stays so
            if case is None:
                raise ServiceError("案件不存在")
            if case.version != expected_version:
                raise StaleDataError()
            stage = Stage(case.stage)
            if case.status != CaseStatus.OPEN.value:
                raise ServiceError("案件已结案")
            if next_stage(Procedure(case.procedure), StartMode(case.start_mode), stage) is None:
                raise ServiceError(f"“{stage.label}”是最后一个环节，请办理结案（结案前进行合规检查）")
            problems = compliance.leaving_problems(s, case)
            right = may_advance(user.roles, is_case_officer(s, user, case_id), stage, len(problems))
            if right.right is Right.REFUSED:
                raise ServiceError(right.message)
            if right.right is Right.NEEDS_REASON:
                compliance.record_stage_override(s, user, case, problems, right.message, reason)
            return advance(s, user.actor, case)
    except StaleDataError as exc:
        raise ServiceError("该案件已被其他工作站修改，请刷新后再操作") from exc


def is_case_officer(s: Session, user: CurrentUser, case_id: int) -> bool:
    """Whether the user is one of the case's assigned officers (承办执法人员)."""
    return user.officer_id is not None and s.scalar(
        select(CaseOfficer.id).where(CaseOfficer.case_id == case_id, CaseOfficer.officer_id == user.officer_id)
        .limit(1)) is not None


LEGAL_REVIEW = "legal_review"    # 法制审核意见书: the form whose reviewer must not be the case's officer


def refuse_own_legal_review(s: Session, actor: str, case: Case, form_code: str, values: dict) -> None:
    """法制审核 of one's own case is refused (issue 14): the reviewer who signs it, or the legal
    reviewer saving it, is one of the case's officers. An officer typing up a review signed by
    someone else is data entry and goes on."""
    if form_code != LEGAL_REVIEW:
        return
    officers = s.execute(select(Officer.id, Officer.name).join(CaseOfficer, CaseOfficer.officer_id == Officer.id)
                         .where(CaseOfficer.case_id == case.id)).all()
    signed = values.get("reviewer")
    signer = str(signed.get("name") or "").strip() if isinstance(signed, dict) else ""
    user = s.scalar(select(User).where(User.username == actor.removeprefix("user:"))) \
        if actor.startswith("user:") else None
    reviewing = user is not None and Role.REVIEWER in roles_of(user) and user.officer_id in {i for i, _ in officers}
    if reviewing or signer in {name for _, name in officers}:
        raise ServiceError(own_case_refusal("法制审核"))


def new_text_record(s: Session, actor: str, case: Case, stage: Stage, form: str, title: str,
                    at: datetime | None = None) -> TextRecord:
    """The record itself; its content arrives as revisions."""
    record = TextRecord(case_id=case.id, stage=stage.value, form=form, title=title,
                        created_at=at or utcnow(), created_by=actor)
    s.add(record)
    audit.append(s, actor, "record.add", record)
    return record


def add_text_record(s: Session, actor: str, case: Case, stage: Stage, form: str, title: str,
                    fields: dict, at: datetime | None = None, *, final: bool = True) -> TextRecord:
    record = new_text_record(s, actor, case, stage, form, title, at)
    add_revision(s, actor, record, fields, "", final=final)
    return record


def add_revision(s: Session, actor: str, record: TextRecord, fields: dict, note: str, *,
                 final: bool = True) -> TextRecordRevision:
    """A correction is a new revision; earlier ones stay as they were (seed 000 Art. 29)."""
    if not is_storable(fields):     # JSON would carry a NUL escaped, past the store's own check
        raise ServiceError(UNSTORABLE)
    number = 1 + (s.scalar(select(func.max(TextRecordRevision.revision))
                           .where(TextRecordRevision.record_id == record.id)) or 0)
    content = canonical_json(fields)
    revision = TextRecordRevision(record_id=record.id, revision=number, content=content,
                                  content_hash=content_hash(fields), author=actor, created_at=utcnow(), note=note,
                                  final=final)
    s.add(revision)
    audit.append(s, actor, "record.revise", revision)
    return revision


# --- detail ---------------------------------------------------------------

@dataclass(frozen=True)
class StageView:
    stage: Stage
    state: str          # "done" | "current" | "pending"
    entered_at: datetime | None


@dataclass(frozen=True)
class RecordView:
    kind: str           # 文字记录 / 音像记录 / 电子数据
    stage: Stage | None
    title: str
    detail: str
    at: datetime
    text_record_id: int | None = None   # a printable record (文字记录)
    final: bool = False


@dataclass(frozen=True)
class CaseDetail:
    row: CaseRow
    start_mode: StartMode
    version: int
    parties: tuple[tuple[str, str], ...]     # (role, name)
    officers: tuple[tuple[str, str], ...]    # (name, cert_no)
    stages: tuple[StageView, ...]
    records: tuple[RecordView, ...]


def case_detail(ctx: AppContext, case_id: int) -> CaseDetail:
    with ctx.db.read() as s:
        case = s.get(Case, case_id)
        if case is None:
            raise ServiceError("案件不存在")
        parties = tuple((cp.role, cp.party.name) for cp in
                        s.scalars(select(CaseParty).where(CaseParty.case_id == case_id).order_by(CaseParty.id)))
        officers = tuple((o.name, o.cert_no) for o in s.scalars(
            select(Officer).join(CaseOfficer, CaseOfficer.officer_id == Officer.id)
            .where(CaseOfficer.case_id == case_id).order_by(CaseOfficer.id)))
        return CaseDetail(case_row(case), StartMode(case.start_mode), case.version, parties, officers,
                          _stages(s, case), _records(s, case_id))


def _stages(s: Session, case: Case) -> tuple[StageView, ...]:
    entered = {e.stage: e.at for e in s.scalars(select(StageEvent).where(StageEvent.case_id == case.id))}
    order = stages_for(Procedure(case.procedure), StartMode(case.start_mode))
    current = order.index(Stage(case.stage))
    closed = case.status != CaseStatus.OPEN.value
    views = []
    for i, stage in enumerate(order):
        state = "done" if i < current or (closed and i == current) else "current" if i == current else "pending"
        views.append(StageView(stage, state, entered.get(stage.value)))
    return tuple(views)


def _records(s: Session, case_id: int) -> tuple[RecordView, ...]:
    views: list[RecordView] = []
    for r in s.scalars(select(TextRecord).where(TextRecord.case_id == case_id)):
        last = r.revisions[-1] if r.revisions else None
        detail = f"第 {last.revision} 版{'' if last.final else '（草稿）'}，{person(s, last.author)}" if last else ""
        final = any(rev.final for rev in r.revisions)
        views.append(RecordView("文字记录", Stage(r.stage), r.title, detail, r.created_at, r.id, final))
    for a in s.scalars(select(AvRecord).where(AvRecord.case_id == case_id)):
        minutes = f"{a.duration_s / 60:.1f} 分钟" if a.duration_s else ""
        views.append(RecordView("音像记录", Stage(a.stage) if a.stage else None, a.file_name,
                                " ".join(x for x in (minutes, f"SHA-256 {a.file_hash[:12]}…") if x), a.created_at))
    for e in s.scalars(select(ElectronicRecord).where(ElectronicRecord.case_id == case_id)):
        views.append(RecordView("电子数据", Stage(e.stage) if e.stage else None, e.title,
                                f"{e.file_name}，SHA-256 {e.file_hash[:12]}…", e.created_at))
    return tuple(sorted(views, key=lambda v: v.at))


# --- figures ----------------------------------------------------------------

@dataclass(frozen=True)
class CaseSummary:
    open: int
    closed: int
    by_stage: dict[Stage, int]
    by_procedure: dict[Procedure, int]


def summary(ctx: AppContext) -> CaseSummary:
    """Counts for the workbench and the statistics view, computed in SQL."""
    with ctx.db.read() as s:
        status = dict(s.execute(select(Case.status, func.count()).group_by(Case.status)).all())
        stage = dict(s.execute(select(Case.stage, func.count()).where(Case.status == CaseStatus.OPEN.value)
                               .group_by(Case.stage)).all())
        procedure = dict(s.execute(select(Case.procedure, func.count()).group_by(Case.procedure)).all())
    return CaseSummary(status.get(CaseStatus.OPEN.value, 0),
                       sum(n for k, n in status.items() if k != CaseStatus.OPEN.value),
                       {Stage(k): n for k, n in stage.items()}, {Procedure(k): n for k, n in procedure.items()})


@dataclass(frozen=True)
class OfficerRow:
    id: int
    name: str
    cert_no: str
    unit: str


def agency_officers(ctx: AppContext) -> list[OfficerRow]:
    with ctx.db.read() as s:
        return [OfficerRow(o.id, o.name, o.cert_no, o.unit) for o in s.scalars(select(Officer).order_by(Officer.id))]
