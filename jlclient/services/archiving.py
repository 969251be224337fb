"""Binding a closed case as a volume (案卷, seed 000 Art. 28): its documents in binding order with
page numbers, the archive number, retention period and box, and the archive papers printed from
them — cover sheet, file index, remarks sheet, box spine label — plus the disc label and written
note of the footage kept as evidence (seed 000 Art. 28 ¶2, seed 004 Art. 22)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jlclient.clock import local, today as clock_today
from jlclient.domain import archiving
from jlclient.domain.archiving import FILERS, Document
from jlclient.domain.compliance import Code, Finding, Severity, blocking
from jlclient.domain.model import CaseStatus, Procedure, Role, Stage
from jlclient.domain.workdays import WorkCalendar
from jlclient.printing import archive_docs, labels, page
from jlclient.printing.render import NUMBER_FIELDS, chinese_date
from jlclient.services import citations, compliance, deadlines, holidays, printing
from jlclient.services.auth import CurrentUser
from jlclient.services.cases import find_case
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.settings import get_int
from jlclient.services.users import person
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.models import (Agency, AvRecord, BodyCamera, Case, CaseOfficer, CaseVolume, ComplianceOverride,
                                   ElectronicRecord, Officer, TextRecord)

# the documents that conclude a case; the volume opens with them (practice)
CONCLUSIONS = frozenset({"penalty_decision", "permit_decision", "permit_refusal", "seizure_decision"})

# what `jlclient print` and the volume dialog can print from a volume
PAPERS = {"cover": "案卷封面", "index": "卷内文件目录", "remarks": "卷内备考表", "spine": "档案盒脊背标签",
          "disc_label": "音像证据光盘标签", "av_note": "视听资料制作说明"}


@dataclass(frozen=True)
class VolumePlan:
    """What binding the case would give, before anything is numbered."""
    case_id: int
    case_number: str
    title: str
    year: int
    retention: str                      # the default for the procedure
    documents: tuple[Document, ...]     # in binding order
    pages: tuple[str, ...]              # 页号 of each document
    fonds_no: str                       # as on the newest volume: the archive's numbers rarely change
    catalogue_no: str

    @property
    def page_total(self) -> int:
        return sum(d.pages for d in self.documents)


@dataclass(frozen=True)
class VolumeView:
    case_id: int
    case_number: str
    archive_number: str
    archive_year: int
    archive_seq: int
    fonds_no: str
    catalogue_no: str
    retention: str
    box_no: int
    items: int
    pages: int
    rows: tuple[archive_docs.IndexRow, ...]
    notes: str
    filer: str
    checker: str
    filed_at: datetime


def _require_filer(user: CurrentUser) -> None:
    if not user.has(*FILERS):
        raise ServiceError("只有档案管理员可以立卷")


def _closed_case(s: Session, case_id: int) -> Case:
    case = s.get(Case, case_id)
    if case is None:
        raise ServiceError("案件不存在")
    if case.status == CaseStatus.OPEN.value or case.closed_at is None:
        raise ServiceError(f"案件 {case.number} 尚未结案：结案后才能立卷归档")
    return case


def _text_documents(ctx: AppContext, s: Session, case: Case) -> list[Document]:
    """Every finished text record, rendered to count its pages as it prints, with the number and
    the date written on it (a receipt's 凭证编号 is its 文号 too)."""
    docs, specs = [], compliance.form_specs()
    for record in s.scalars(select(TextRecord).where(TextRecord.case_id == case.id).order_by(TextRecord.id)):
        finals = [r for r in record.revisions if r.final]
        if not finals:
            continue   # a draft is not part of the file
        values = json.loads(finals[-1].content)
        pdf = printing.render_record(ctx, record.id).pdf
        number = next((str(values[k]) for k in NUMBER_FIELDS if values.get(k)), "")
        docs.append(Document(f"text:{record.id}", Stage(record.stage), record.title, finals[-1].created_at,
                             number, pages=page.page_count(pdf), conclusion=record.form in CONCLUSIONS,
                             dated=archiving.document_date(specs.get(record.form), values), form=record.form))
    return docs


def _other_documents(s: Session, case: Case) -> list[Document]:
    """The footage as one annex item on disc, and electronic files other than printed copies."""
    docs = []
    av = s.execute(select(func.count(), func.coalesce(func.sum(AvRecord.duration_s), 0), func.min(AvRecord.started_at))
                   .where(AvRecord.case_id == case.id)).one()
    if av[0]:
        first = av[2] or case.closed_at
        docs.append(Document("av", None, f"音像资料（{av[0]} 个文件，{labels.duration_text(av[1])}）",
                             first, remarks="光盘", dated=local(first).date()))
    for e in s.scalars(select(ElectronicRecord).where(ElectronicRecord.case_id == case.id,
                                                      ElectronicRecord.kind != printing.PRINTED)):
        docs.append(Document(f"electronic:{e.id}", Stage(e.stage) if e.stage else None, e.title, e.created_at,
                             remarks="电子文件", dated=local(e.created_at).date()))
    return docs


def _last_numbers(s: Session) -> tuple[str, str]:
    newest = s.scalars(select(CaseVolume).order_by(CaseVolume.id.desc()).limit(1)).first()
    return (newest.fonds_no, newest.catalogue_no) if newest else ("", "")


def plan_volume(ctx: AppContext, case_id: int) -> VolumePlan:
    """The one list of the volume's documents: the index prints it and the export packs it."""
    with ctx.db.read() as s:
        case = _closed_case(s, case_id)
        docs = archiving.binding_order(_text_documents(ctx, s, case) + _other_documents(s, case))
        fonds, catalogue = _last_numbers(s)
        return VolumePlan(case.id, case.number, case.title, local(case.closed_at).year,
                          archiving.DEFAULT_RETENTION[Procedure(case.procedure)], tuple(docs),
                          tuple(archiving.start_pages([d.pages for d in docs])), fonds, catalogue)


def _index_rows(plan: VolumePlan, author: str) -> list[dict]:
    return [{"doc_number": d.doc_number, "author": author, "title": d.title,
             "date": (d.dated or local(d.at).date()).isoformat(), "page": p, "remarks": d.remarks}
            for d, p in zip(plan.documents, plan.pages)]


def _next_seq(s: Session, year: int) -> int:
    audit.locked_head(s)   # binders on two workstations queue here: the second reads the first's number
    return (s.scalar(select(func.max(CaseVolume.archive_seq)).where(CaseVolume.archive_year == year)) or 0) + 1


def _box(s: Session, year: int, retention: str) -> int:
    slots = [archiving.BoxSlot(y, r, b, n) for y, r, b, n in s.execute(
        select(CaseVolume.archive_year, CaseVolume.retention, CaseVolume.box_no, func.count())
        .where(CaseVolume.archive_year == year)
        .group_by(CaseVolume.archive_year, CaseVolume.retention, CaseVolume.box_no))]
    return archiving.box_for(slots, year, retention, get_int(s, "volumes_per_box"))


# --- the binding check ----------------------------------------------------------------------------

COMPLETE = "本卷文件齐全，无缺损、修改、补充、移出或销毁情况。"


@dataclass(frozen=True)
class OverrideNote:
    """An approver's written reason to go on despite findings (ComplianceOverride): who, when, why."""
    approver: str                       # the approver's name
    at: datetime                        # UTC, as stored
    reason: str
    when: str                           # "结案时" or "立卷时": the close-case override or one for binding

    def text(self) -> str:
        return f"{self.when}经负责人{self.approver}于{chinese_date(local(self.at).date())}书面批准，理由：{self.reason}"


@dataclass(frozen=True)
class BindingCheck:
    """What the compliance check for closing finds against binding a volume, and the approvers'
    written overrides on record. A volume is bound when every finding is covered by an override."""
    case_id: int
    case_number: str
    findings: tuple[Finding, ...]       # BLOCKING: what the volume lacks
    overrides: tuple[OverrideNote, ...]
    uncovered: tuple[Finding, ...]      # findings no override on record covers
    titles: dict[str, str]              # seed → regulation title: citations in words

    @property
    def clean(self) -> bool:
        return not self.findings

    def lines(self) -> list[str]:
        """Each finding in words, the regulation named in Chinese."""
        return [f.text(self.titles) for f in self.findings]

    def remarks(self, notes: str = "") -> str:
        """The 备考表's 情况说明: 齐全 only for a clean volume; else every finding and override."""
        extra = notes.strip()
        if self.clean:
            return extra
        listed = [f"{i}. {line}" for i, line in enumerate(self.lines(), 1)]
        # never the word 齐全 here, not even negated: a reader skimming the sheet must not find it
        return "\n".join([f"本卷立卷检查发现 {len(self.findings)} 项阻断性问题，卷内文件有缺失或不合规定之处：",
                          *listed, *(f"{o.text().rstrip('。')}。" for o in self.overrides),
                          *([extra] if extra else [])])


class BindingBlocked(ServiceError):
    """Binding refused: findings no approver's written override covers."""

    def __init__(self, check: BindingCheck, hint: str):
        self.check = check
        listed = "；".join(f"{i}. {f.text(check.titles)}" for i, f in enumerate(check.uncovered, 1))
        super().__init__(f"不能立卷：案件 {check.case_number} 有 {len(check.uncovered)} 项阻断性问题：{listed}。{hint}")


def _key(finding: dict) -> tuple:
    return finding["code"], finding["stage"], finding["message"]


def _conclusion_finding(s: Session, case: Case, found: list[Finding]) -> list[Finding]:
    """The concluding decision, when the case has none and the check did not already say so."""
    forms = set(s.scalars(select(TextRecord.form).where(TextRecord.case_id == case.id)))
    wanted = archiving.missing_conclusion(Procedure(case.procedure), forms)
    specs = compliance.form_specs()
    titles = [specs[f].title for f in wanted if f in specs]
    if not wanted or any(f.code is Code.RECORD_MISSING and any(x in f.message for x in titles) for f in found):
        return []
    rule = compliance.agency_profile(s).archiving
    return [Finding(Code.RECORD_MISSING, Severity.BLOCKING, Stage.DECISION,
                    f"案卷缺少作出决定的文书（{'或'.join(titles)}）", str(rule.source) if rule else "行政执法案卷归档")]


def _overrides(s: Session, case: Case) -> list[tuple[OverrideNote, set]]:
    """The case's overrides with the findings each covers; one written after the closing is a
    binding's (the closing's is written in the closing's own transaction)."""
    rows = s.scalars(select(ComplianceOverride).where(ComplianceOverride.case_id == case.id)
                     .order_by(ComplianceOverride.id))
    return [(OverrideNote(person(s, o.approver), o.created_at, o.reason,
                          "立卷时" if case.closed_at and o.created_at > case.closed_at else "结案时"),
             {_key(f) for f in json.loads(o.findings)}) for o in rows]


def _binding_check(s: Session, case: Case) -> BindingCheck:
    found = blocking(compliance._findings(s, case, clock_today(), closing=True))
    found += _conclusion_finding(s, case, found)
    overrides = _overrides(s, case)
    covered = set().union(*(keys for _, keys in overrides))
    uncovered = tuple(f for f in found if _key(f.as_dict()) not in covered)
    used = tuple(note for note, keys in overrides if keys & {_key(f.as_dict()) for f in found})
    return BindingCheck(case.id, case.number, tuple(found), used if found else (), uncovered, citations.titles(s))


def binding_check(ctx: AppContext, case_id: int) -> BindingCheck:
    """What binding the closed case would record on its remarks sheet, and what still needs an
    approver's written override (seed 000 Art. 28: the file must be complete)."""
    with ctx.db.read() as s:
        return _binding_check(s, _closed_case(s, case_id))


def _approve(s: Session, user: CurrentUser, case: Case, check: BindingCheck, reason: str | None) -> None:
    """An approver's written reason to bind despite the uncovered findings, kept as the close-case
    override is (ComplianceOverride, audited); anyone else, or no reason, is refused in words."""
    if not user.has(Role.APPROVER):
        raise BindingBlocked(check, "请先整改补齐；确需立卷的，由负责人填写书面理由批准后再立卷。")
    if not (reason or "").strip():
        raise BindingBlocked(check, "请填写批准立卷的书面理由（不能为空）。")
    compliance._override(s, user, case, list(check.uncovered), reason)


def approve_binding(ctx: AppContext, user: CurrentUser, case_id: int, reason: str) -> BindingCheck:
    """负责人批准: the approver's written reason to bind a volume despite its findings."""
    with ctx.db.write() as s:
        case = _closed_case(s, case_id)
        check = _binding_check(s, case)
        if not check.uncovered:
            raise ServiceError(f"案件 {case.number} 没有待批准的问题，可以直接立卷")
        _approve(s, user, case, check, reason)
        s.flush()
        return _binding_check(s, case)


def build_volume(ctx: AppContext, user: CurrentUser, case_id: int, *, retention: str | None = None,
                 fonds_no: str | None = None, catalogue_no: str | None = None, notes: str = "",
                 checker: str = "", plan: VolumePlan | None = None, override_reason: str | None = None) -> VolumeView:
    """Number the closed case as the next volume of its closing year, once (an already bound case
    keeps its number: renumbering would break every label and reference printed since). ``plan``:
    the one the archivist was shown (a closed case's records no longer change), so its records are
    not rendered a second time. Binding runs the closing check: a volume with blocking findings
    (a missing decision among them) is bound only when an approver's written override covers each
    one — on record already, or ``override_reason`` from a binder who is an approver. The remarks
    sheet's notes then list the findings and the overrides."""
    _require_filer(user)
    plan = plan if plan is not None and plan.case_id == case_id else plan_volume(ctx, case_id)
    retention = retention or plan.retention
    if retention not in archiving.RETENTIONS:
        raise ServiceError(f"保管期限应为{'、'.join(archiving.RETENTIONS)}之一")
    with ctx.db.write() as s:
        if s.scalar(select(CaseVolume.id).where(CaseVolume.case_id == case_id)) is not None:
            raise ServiceError(f"案件 {plan.case_number} 已经立卷，不能重新编号")
        case = _closed_case(s, case_id)
        check = _binding_check(s, case)
        if check.uncovered:
            _approve(s, user, case, check, override_reason)
            s.flush()
            check = _binding_check(s, case)
        author = s.scalar(select(Agency.name))
        volume = CaseVolume(case_id=case_id, archive_year=plan.year, archive_seq=_next_seq(s, plan.year),
                            fonds_no=(plan.fonds_no if fonds_no is None else fonds_no).strip(),
                            catalogue_no=(plan.catalogue_no if catalogue_no is None else catalogue_no).strip(),
                            retention=retention, box_no=_box(s, plan.year, retention), items=len(plan.documents),
                            pages=plan.page_total, documents=json.dumps(_index_rows(plan, author), ensure_ascii=False),
                            notes=check.remarks(notes), filer=user.display_name, checker=checker.strip(), filed_at=utcnow())
        s.add(volume)
        s.flush()
        audit.append(s, user.actor, "volume.build", volume,
                     detail={"case": plan.case_number, "archive_number": archiving.archive_number(volume.archive_year,
                                                                                                 volume.archive_seq),
                             "findings": [f.as_dict() for f in check.findings]})
        return _view(volume, plan.case_number)


def _view(v: CaseVolume, case_number: str) -> VolumeView:
    rows = tuple(archive_docs.IndexRow(**r) for r in json.loads(v.documents))
    return VolumeView(v.case_id, case_number, archiving.archive_number(v.archive_year, v.archive_seq), v.archive_year,
                      v.archive_seq, v.fonds_no, v.catalogue_no, v.retention, v.box_no, v.items, v.pages, rows,
                      v.notes, v.filer, v.checker, v.filed_at)


def volume_of(ctx: AppContext, case_id: int) -> VolumeView | None:
    with ctx.db.read() as s:
        row = s.execute(select(CaseVolume, Case.number).join(Case, Case.id == CaseVolume.case_id)
                        .where(CaseVolume.case_id == case_id)).first()
        return _view(*row) if row else None


# --- the papers ---------------------------------------------------------------------------------

def _bound(ctx: AppContext, case_id: int) -> VolumeView:
    volume = volume_of(ctx, case_id)
    if volume is None:
        with ctx.db.read() as s:
            number = s.get(Case, case_id).number
        raise ServiceError(f"案件 {number} 还没有立卷：先立卷编号，再打印案卷封面、目录、备考表和脊背标签")
    return volume


def _final_values(s: Session, case_id: int, forms: tuple[str, ...]) -> list[tuple[str, dict]]:
    """(form, values of the newest final revision) of the case's records of ``forms``, oldest first."""
    out = []
    for record in s.scalars(select(TextRecord).where(TextRecord.case_id == case_id, TextRecord.form.in_(forms))
                            .order_by(TextRecord.id)):
        finals = [r for r in record.revisions if r.final]
        if finals:
            out.append((record.form, json.loads(finals[-1].content)))
    return out


def _decision(s: Session, case: Case) -> tuple[str, str]:
    """决定书文号 and 处理结果: the concluding decision's number, and how the case ended as the
    closing approval says it (else the decision's own words, else the decision's title)."""
    specs = compliance.form_specs()
    decisions = _final_values(s, case.id, tuple(CONCLUSIONS))
    number = "、".join(str(v["doc_number"]) for _, v in decisions if v.get("doc_number"))
    outcome = ""
    for _, values in _final_values(s, case.id, ("closing_approval",)):
        field = specs["closing_approval"].field("closing_reason")
        outcome = (field.choice_label(values.get("closing_reason", "")) if field else "") or outcome
    if not outcome and decisions:
        form, values = decisions[-1]
        outcome = str(values.get("content") or values.get("penalty_detail") or specs[form].title)
    return number, outcome or "未记载"


def _cover(ctx: AppContext, v: VolumeView) -> bytes:
    with ctx.db.read() as s:
        case = s.get(Case, v.case_id)
        agency = s.scalar(select(Agency.name))
        decision, outcome = _decision(s, case)
        data = archive_docs.CoverData(
            agency, Procedure(case.procedure).label, case.party_name, case.matter, decision, case.handling_unit,
            local(case.opened_at).date(), local(case.closed_at).date(), v.retention, v.items, v.pages,
            v.archive_year, v.archive_seq, v.fonds_no, v.catalogue_no, f"{v.archive_seq:04d}", v.filer,
            local(v.filed_at).date(), outcome=outcome)
    return archive_docs.cover_sheet(data)


def _remarks(v: VolumeView) -> bytes:
    """The notes were written when the volume was bound (findings, overrides, the archivist's
    own); only a volume bound clean and without notes says 齐全."""
    filed = local(v.filed_at).date()
    return archive_docs.remarks_sheet(archive_docs.RemarksData(
        v.notes or COMPLETE, v.filer, filed, v.checker,
        filed if v.checker else None, filed, v.archive_number))


def year_spines(ctx: AppContext, year: int) -> list[labels.SpineData]:
    """The spine of every box of a year, in box order: its volumes' first and last numbers."""
    with ctx.db.read() as s:
        rows = s.execute(select(CaseVolume.box_no, func.min(CaseVolume.fonds_no), func.min(CaseVolume.retention),
                                func.min(CaseVolume.archive_seq), func.max(CaseVolume.archive_seq))
                         .where(CaseVolume.archive_year == year).group_by(CaseVolume.box_no)
                         .order_by(CaseVolume.box_no)).all()
    return [labels.SpineData(fonds, year, retention, first, last, box) for box, fonds, retention, first, last in rows]


def _spine(ctx: AppContext, v: VolumeView, width_mm: int) -> bytes:
    spine = next(x for x in year_spines(ctx, v.archive_year) if x.box_no == v.box_no)
    return labels.spine_label(spine, width_mm)


def _case_title(ctx: AppContext, case_id: int) -> str:
    with ctx.db.read() as s:
        case = s.get(Case, case_id)
        return archive_docs.case_title(case.party_name, case.matter)


def _place(s: Session, case_id: int) -> str:
    """Where the footage was taken: the place written in the case's on-site records."""
    for record in s.scalars(select(TextRecord).where(TextRecord.case_id == case_id,
                                                     TextRecord.form.in_(("inspection_record", "inquiry_record")))
                            .order_by(TextRecord.id)):
        finals = [r for r in record.revisions if r.final]
        place = json.loads(finals[-1].content).get("place") if finals else None
        if place:
            return str(place)
    return ""


def recording_place(ctx: AppContext, case_id: int) -> str:
    with ctx.db.read() as s:
        return _place(s, case_id)


def _officers(s: Session, case_id: int, records: list[AvRecord]) -> tuple[tuple[str, str], ...]:
    """Who recorded: the officers of the recordings, else the case's officers."""
    ids = list(dict.fromkeys(r.officer_id for r in records if r.officer_id))
    if not ids:
        ids = list(s.scalars(select(CaseOfficer.officer_id).where(CaseOfficer.case_id == case_id)
                             .order_by(CaseOfficer.id)))
    return tuple((o.name, o.cert_no) for o in (s.get(Officer, i) for i in ids))


def disc_data(ctx: AppContext, maker: str, case_id: int, place: str = "",
              av_ids: list[int] | None = None) -> labels.DiscData:
    """The footage of the case kept as evidence, as its disc label and written note describe it.
    ``av_ids``: the recordings on the disc (each must belong to the case); default: all of the case's."""
    with ctx.db.read() as s:
        case = s.get(Case, case_id)
        query = select(AvRecord).where(AvRecord.case_id == case_id)
        if av_ids is not None:
            if not av_ids:
                raise ServiceError("请至少选择一个音像记录")
            query = query.where(AvRecord.id.in_(av_ids))
        records = list(s.scalars(query.order_by(AvRecord.started_at, AvRecord.id)))
        if av_ids is not None and len(records) != len(set(av_ids)):
            foreign = sorted(set(av_ids) - {r.id for r in records})
            raise ServiceError(f"音像记录 {'、'.join(map(str, foreign))} 不属于案件 {case.number}")
        if not records:
            raise ServiceError(f"案件 {case.number} 没有关联的音像记录")
        place = place.strip() or _place(s, case_id)
        if not place:
            raise ServiceError("不能打印：请填写录制地点（案件的现场检查或询问笔录中没有写明地点）")
        officers = _officers(s, case_id, records)
        cameras = "、".join(dict.fromkeys(s.get(BodyCamera, r.camera_id).serial for r in records if r.camera_id))
        starts = [r.started_at for r in records if r.started_at]
        ends = [r.ended_at for r in records if r.ended_at]
        extracted = min((r.pulled_at or r.created_at for r in records))
        volume = s.scalar(select(CaseVolume).where(CaseVolume.case_id == case_id))
        files = tuple(labels.DiscFile(r.file_name.rsplit("/", 1)[-1], r.size, r.duration_s or 0, r.file_hash)
                      for r in records)
        return labels.DiscData(case.number, local(min(starts)) if starts else local(records[0].created_at),
                               local(max(ends)) if ends else None, place, cameras or "—", officers, files,
                               maker, local(utcnow()), person(s, records[0].linked_by) or maker,
                               local(extracted), matter=case.matter, agency=s.scalar(select(Agency.name)),
                               archive_number=archiving.archive_number(volume.archive_year, volume.archive_seq)
                               if volume else "")


def render_paper(ctx: AppContext, case_id: int, kind: str, *, maker: str = "", spine_mm: int = 30,
                 place: str = "") -> printing.Rendered:
    """One archive paper of a case, for preview; registered as the case's record once printed or saved.
    ``maker``: who makes the disc copy of the footage (its label and written note name them)."""
    if kind not in PAPERS:
        raise ServiceError(f"没有“{kind}”这种材料，可选：{'、'.join(PAPERS)}")
    if kind in ("disc_label", "av_note"):
        data = disc_data(ctx, maker, case_id, place)
        pdf = labels.disc_label(data) if kind == "disc_label" else labels.written_note(data)
    else:
        volume = _bound(ctx, case_id)
        pdf = {"cover": lambda: _cover(ctx, volume),
               "index": lambda: archive_docs.file_index(list(volume.rows), _case_title(ctx, case_id),
                                                        volume.archive_number),
               "remarks": lambda: _remarks(volume),
               "spine": lambda: _spine(ctx, volume, spine_mm)}[kind]()
    return printing.Rendered(pdf, PAPERS[kind], case_id, Stage.ARCHIVING.value, None, kind)


def print_paper(ctx: AppContext, actor: str, maker: str, case_ref: str, kind: str, **options) -> printing.Printed:
    """The CLI's `jlclient print cover --case …`: rendered and registered in one step."""
    with ctx.db.read() as s:
        case_id = find_case(s, case_ref).id
    return printing.register_print(ctx, actor, render_paper(ctx, case_id, kind, maker=maker, **options))


# --- the archivist's queue ------------------------------------------------------------------------

@dataclass(frozen=True)
class QueueRow:
    case_id: int
    case_number: str
    title: str
    closed_on: date
    due: date | None              # the profile's archiving deadline; None: the profile names none
    archive_number: str           # "" until bound

    def state(self, today: date) -> str:
        if self.archive_number:
            return "已立卷"
        if self.due is None:
            return "待立卷"
        return "已超期" if today > self.due else "即将到期" if (self.due - today).days <= 7 else "待立卷"


def archiving_due(s: Session, case: Case, cal: WorkCalendar | None = None) -> date | None:
    """The case's archiving deadline as every view shows it: the one of services.deadlines (seed
    000 Art. 28: 三十日内, a last day on a holiday moving to the next working day; seed 002 Art. 16:
    the year's end). None: the agency's rules name none."""
    return next((v.due for v in deadlines.deadlines_of(s, case, clock_today(), cal) if v.rule_code == "archiving"),
                None)


def queue(ctx: AppContext, *, include_bound: bool = False) -> list[QueueRow]:
    """Closed cases, the oldest closing first, with their archiving deadline."""
    with ctx.db.read() as s:
        rows = s.execute(select(Case, CaseVolume.archive_year, CaseVolume.archive_seq)
                         .outerjoin(CaseVolume, CaseVolume.case_id == Case.id)
                         .where(Case.closed_at.is_not(None)).order_by(Case.closed_at)).all()
        cal = holidays.calendar(s)      # the arrangements read once for the whole list, not once per case
        return [QueueRow(case.id, case.number, case.title, local(case.closed_at).date(),
                         archiving_due(s, case, cal), archiving.archive_number(year, seq) if year is not None else "")
                for case, year, seq in rows if year is None or include_bound]
