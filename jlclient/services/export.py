"""Export packages of a case (issue 7): a BagIt bag (RFC 8493) in a folder, or the same bag as an
ISO 9660 image with Joliet, Rock Ridge and UDF (Chinese names intact on Windows, macOS and Linux), ready to
burn, with its disc label PDF beside it. Layout: domain.package_check (the 四性检测 reads it back).

- ``data/文书/NN_<题名>.pdf``: every finished text record as it was printed — the PDF registered in the
  evidence store when it was printed, byte for byte (one never printed is rendered once and registered
  first), so a bag and a disc of the same case carry the same documents with the registered hashes —
  numbered 01, 02, … in binding order when the case is bound as a volume, else in the order made;
- ``data/音像/<camera file names>``: the footage this user may take out (the viewing rules of
  playback, where only an approved request naming the export opens a restricted recording; a disposed
  one has nothing left to take), streamed from the evidence store in chunks and hashed as it is read (a
  store file that no longer matches its registered SHA-256 is not handed on);
- ``data/电子数据/<file names>``: the case's other electronic files (snapshots, scans) from the store;
- ``data/视听资料制作说明.pdf``: the written note of the footage (seed 004 Art. 22);
- ``data/未导出说明.txt``: what was left out and why, in words, when anything was;
- ``data/metadata/case.json``: the case, its parties, officers and stages, each file with its
  SHA-256, the row it came from and the audit entries (seq + entry_hash) behind that row, and the
  case's audit trail;
- ``bagit.txt``, ``bag-info.txt`` (agency, case number, archive number, date, Payload-Oxum),
  ``manifest-sha256.txt`` and ``tagmanifest-sha256.txt``.

Work is streamed with progress and cancel; nothing is ever overwritten. A cancelled or failed
export removes what it wrote and records nothing; a finished one is audited (``case.export``) with
the SHA-256 of its manifest, which the disc label prints, and each recording taken out or left out
(``av.export`` / ``av.export_refused``).
"""
from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from threading import Event
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from jlclient import __version__
from jlclient.clock import local
from jlclient.domain import archiving as archiving_rules
from jlclient.domain import package_check as layout
from jlclient.domain.model import Procedure, Role, Stage
from jlclient.printing import labels, page
from jlclient.services import anchors, archiving, av_access, printing
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.evidence_copies import CHUNK, copy_names, fsync_dir, safe_name, store_to_new, write_new
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.evidence import EvidenceError
from jlclient.store.models import (Agency, AuditEntry, AvRecord, BodyCamera, Case, CaseOfficer, CaseParty, CaseVolume,
                                   ElectronicRecord, Officer, StageEvent, TextRecord)

EXPORTERS = (Role.ARCHIVIST, Role.REVIEWER, Role.ADMIN)
SPARE_BYTES = 8 * 1024 * 1024           # directories, tag files and the label besides the payload
ISO_BLOCK = 2048
LABEL_SUFFIX = "_光盘标签.pdf"
CANCELLED = "已取消：导出未完成，已写入的文件已删除，未作记录"
ELECTRONIC = "data/电子数据/"
LEFT_OUT = "data/未导出说明.txt"

Progress = Callable[[int, int], None]    # (bytes done, bytes in all)


class ExportCancelled(ServiceError):
    """The user cancelled; what was written is gone and nothing was recorded."""


@dataclass(frozen=True)
class ExportResult:
    kind: str                   # "bag" | "iso"
    path: Path                  # the bag's folder or the ISO image
    label: Path | None          # the disc label beside the image (when the case has footage)
    case_number: str
    archive_number: str         # "" when the case is not bound
    files: int                  # payload files
    bytes: int                  # payload bytes
    manifest_sha256: str        # of manifest-sha256.txt: vouches for every payload file
    audit_seq: int
    left_out: tuple[str, ...] = ()   # each recording left out, with why, in words


def require_exporter(user: CurrentUser) -> None:
    if not user.has(*EXPORTERS):
        raise ServiceError("只有档案管理员、法制审核人员或系统管理员可以导出案件包")


def _base(file_name: str) -> str:
    return file_name.replace("\\", "/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Footage:
    """A recording of the case and whether this user may take it out in a package."""
    av_id: int
    file_name: str
    access_class: str
    allowed: bool
    reason: str                 # the basis, or why not (in words)
    approval_needed: bool       # a request naming the export would open it


def footage_for(ctx: AppContext, user: CurrentUser, case_id: int) -> list[Footage]:
    """The case's recordings, each with the verdict for an export by ``user`` — what the export
    dialog warns of before it starts, and what the export itself follows."""
    with ctx.db.read() as s:
        rules = av_access.export_rules(s, user)
        return [Footage(r.id, _base(r.file_name), r.access_class, bool(v), v.reason, v.approval_needed)
                for r in s.scalars(select(AvRecord).where(AvRecord.case_id == case_id)
                                   .order_by(AvRecord.started_at, AvRecord.id))
                for v in (rules.verdict(r),)]


def request_export(ctx: AppContext, user: CurrentUser, case_id: int, reason: str, hours: int = 72) -> int:
    """A request to take the case's recordings that need one out in a package (an access request
    naming the export, approved as any other)."""
    needed = [f.av_id for f in footage_for(ctx, user, case_id) if not f.allowed and f.approval_needed]
    if not needed:
        raise ServiceError("本案没有需要审批才能导出的音像记录")
    return av_access.request_access(ctx, user, needed, reason, hours, purpose=av_access.TO_EXPORT)


# --- what goes in the package -------------------------------------------------------------------

@dataclass(frozen=True)
class _File:
    path: str                   # in the package
    size: int
    sha256: str
    data: bytes | None = None   # made here (PDFs, JSON, tag files) …
    store: str = ""             # … or streamed from the evidence store


@dataclass(frozen=True)
class _Plan:
    case_id: int
    case_number: str
    archive_number: str
    files: tuple[_File, ...]    # payload first, tag files last (a bag without bagit.txt is unfinished)
    disc: labels.DiscData | None
    manifest_sha256: str
    payload_count: int
    payload_bytes: int
    taken: tuple[dict, ...] = ()        # recordings in the package: {av, basis, class}
    left_out: tuple[dict, ...] = ()     # recordings left out: {av, name, reason, class}

    @property
    def total(self) -> int:
        return sum(f.size for f in self.files)


def _made(path: str, data: bytes) -> _File:
    return _File(path, len(data), hashlib.sha256(data).hexdigest(), data=data)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() + "Z" if value is not None else None


def _trail(s: Session, entities: set[str]) -> list[dict]:
    """Every audit entry of the given rows, oldest first."""
    by_type: dict[str, set[str]] = defaultdict(set)
    for e in entities:
        kind, _, row_id = e.partition("#")
        by_type[kind].add(row_id)
    out = []
    for kind, ids in by_type.items():
        ordered = sorted(ids)
        for i in range(0, len(ordered), 500):
            for seq, digest, action, row_id, ts in s.execute(
                    select(AuditEntry.seq, AuditEntry.entry_hash, AuditEntry.action, AuditEntry.entity_id,
                           AuditEntry.ts)
                    .where(AuditEntry.entity_type == kind, AuditEntry.entity_id.in_(ordered[i:i + 500]))):
                out.append({"seq": seq, "entry_hash": digest, "action": action,
                            "entity": layout.entity(kind, row_id), "ts": ts})
    return sorted(out, key=lambda r: r["seq"])


def _refs(trail: list[dict], *entities: str) -> list[dict]:
    return [{"seq": r["seq"], "entry_hash": r["entry_hash"]} for r in trail if r["entity"] in entities]


@dataclass(frozen=True)
class _Text:
    id: int
    title: str
    form: str
    stage: str
    at: datetime
    revision_id: int
    revision: int
    content_hash: str
    doc_number: str
    pdf: bytes = b""            # as registered when printed
    registered: int = 0         # the electronic record it is registered as


def _texts(s: Session, case_id: int) -> tuple[list[_Text], list[dict]]:
    """The finished text records, and the drafts (left out, and said so)."""
    done, omitted = [], []
    for r in s.scalars(select(TextRecord).where(TextRecord.case_id == case_id).order_by(TextRecord.id)):
        finals = [v for v in r.revisions if v.final]
        if not finals:
            omitted.append({"record": layout.entity("text_record", r.id), "title": r.title,
                            "reason": "草稿，尚未定稿，不归入导出包"})
            continue
        v = finals[-1]
        done.append(_Text(r.id, r.title, r.form, r.stage, v.created_at, v.id, v.revision, v.content_hash,
                          str(json.loads(v.content).get("doc_number") or "")))
    return done, omitted


def _ordered(texts: list[_Text], bound: bool) -> list[_Text]:
    """Binding order (as the volume was bound) for a bound case, else the order the records were made."""
    if not bound:
        return texts
    docs = [archiving_rules.Document(f"text:{t.id}", Stage(t.stage), t.title, t.at, t.doc_number,
                                     pages=page.page_count(t.pdf), conclusion=t.form in archiving.CONCLUSIONS)
            for t in texts]
    by_key = {f"text:{t.id}": t for t in texts}
    return [by_key[d.key] for d in archiving_rules.binding_order(docs)]


def _left_out_note(number: str, omitted: list[dict]) -> bytes:
    lines = [f"案件 {number} 的导出包中未包含以下记录：", ""]
    lines += [f"{i}. {o['title']}：{o['reason']}" for i, o in enumerate(omitted, 1)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")      # CRLF: Notepad shows the lines too


def _snapshot_of(s: Session, snapshots: list[int]) -> dict[int, int]:
    """The recording each snapshot (electronic record) was taken from, as its audit entry says."""
    out = {}
    for entity_id, detail in s.execute(select(AuditEntry.entity_id, AuditEntry.detail)
                                       .where(AuditEntry.action == "av.snapshot",
                                              AuditEntry.entity_id.in_([str(i) for i in snapshots]))):
        av = json.loads(detail or "{}").get("av_record")
        if av is not None:
            out[int(entity_id)] = int(av)
    return out


def _plan(ctx: AppContext, user: CurrentUser, case_id: int, place: str, now: datetime) -> _Plan:
    maker = user.display_name
    with ctx.db.read() as s:
        case = s.get(Case, case_id)
        if case is None:
            raise ServiceError("案件不存在")
        number, agency = case.number, s.scalar(select(Agency.name)) or ""
        texts, omitted = _texts(s, case_id)
        rules = av_access.export_rules(s, user)
        recording_ids, left_out, taken = [], [], []
        for r in s.scalars(select(AvRecord).where(AvRecord.case_id == case_id)
                           .order_by(AvRecord.started_at, AvRecord.id)):
            verdict = rules.verdict(r)
            if verdict:
                recording_ids.append(r.id)
                taken.append({"av": r.id, "basis": verdict.reason, "class": r.access_class})
            else:
                left_out.append({"av": r.id, "name": _base(r.file_name), "reason": verdict.reason,
                                 "class": r.access_class})
                omitted.append({"record": layout.entity("av_record", r.id), "title": _base(r.file_name),
                                "reason": f"未导出：{verdict.reason}"})
    volume = archiving.volume_of(ctx, case_id)
    place = place.strip() or archiving.recording_place(ctx, case_id)
    if recording_ids and not place:
        raise ServiceError("请填写录制地点：视听资料制作说明须写明录制地点（本案的现场检查或询问笔录中没有写明地点）")
    filed = []
    for t in texts:
        try:
            printed = printing.as_filed(ctx, user.actor, t.id)
        except ServiceError as exc:
            raise ServiceError(f"案件 {number} 的“{t.title}”不能导出：{exc}") from None
        filed.append(replace(t, pdf=printed.pdf, registered=printed.electronic_record_id))
    texts = _ordered(filed, volume is not None)

    with ctx.db.read() as s:
        case = s.get(Case, case_id)
        recordings = [s.get(AvRecord, i) for i in recording_ids]
        room = layout.NAME_LIMIT - 4
        names = copy_names([_media_name(r.file_name.replace("\\", "/").rsplit("/", 1)[-1], room) for r in recordings],
                           reserved=())
        parties = list(s.scalars(select(CaseParty).where(CaseParty.case_id == case_id).order_by(CaseParty.id)))
        officers = list(s.scalars(select(CaseOfficer).where(CaseOfficer.case_id == case_id).order_by(CaseOfficer.id)))
        stages = list(s.scalars(select(StageEvent).where(StageEvent.case_id == case_id).order_by(StageEvent.id)))
        electronic = list(s.scalars(select(ElectronicRecord).where(ElectronicRecord.case_id == case_id)
                                    .order_by(ElectronicRecord.id)))
        volume_row = s.scalar(select(CaseVolume).where(CaseVolume.case_id == case_id))
        entities = {layout.entity("case_file", case.id)}
        entities |= {layout.entity("case_party", p.id) for p in parties}
        entities |= {layout.entity("party", p.party_id) for p in parties}
        entities |= {layout.entity("case_officer", o.id) for o in officers}
        entities |= {layout.entity("stage_event", e.id) for e in stages}
        entities |= {layout.entity("text_record", t.id) for t in texts}
        entities |= {o["record"] for o in omitted}
        entities |= {layout.entity("text_record_revision", t.revision_id) for t in texts}
        entities |= {layout.entity("av_record", r.id) for r in recordings}
        entities |= {layout.entity("electronic_record", e.id) for e in electronic}
        if volume_row is not None:
            entities.add(layout.entity("case_volume", volume_row.id))
        trail = _trail(s, entities)

        payload: list[_File] = []
        documents = []
        for no, t in enumerate(texts, 1):
            name = layout.document_name(no, len(texts), _media_name(t.title))
            f = _made(layout.DOCUMENTS + name, t.pdf)
            payload.append(f)
            record, revision = layout.entity("text_record", t.id), layout.entity("text_record_revision", t.revision_id)
            documents.append({"no": no, "path": f.path, "title": t.title, "form": t.form, "stage": t.stage,
                              "doc_number": t.doc_number, "record": record,
                              "source": {"entity": revision, "hash": t.content_hash}, "revision": t.revision,
                              "registered": {"entity": layout.entity("electronic_record", t.registered),
                                             "sha256": f.sha256},
                              "sha256": f.sha256, "size": f.size, "pages": page.page_count(t.pdf),
                              "audit": _refs(trail, record, revision)})
        footage = []
        for r, name in zip(recordings, names):
            f = _File(layout.FOOTAGE + name, r.size, r.file_hash, store=r.file_hash)
            payload.append(f)
            record = layout.entity("av_record", r.id)
            camera = s.get(BodyCamera, r.camera_id).serial if r.camera_id else ""
            officer = s.get(Officer, r.officer_id) if r.officer_id else None
            footage.append({"path": f.path, "file_name": r.file_name, "record": record,
                            "source": {"entity": record, "hash": r.file_hash}, "sha256": r.file_hash, "size": r.size,
                            "stage": r.stage, "started_at": _iso(r.started_at), "ended_at": _iso(r.ended_at),
                            "duration_s": r.duration_s, "camera": camera,
                            "officer": f"{officer.name}（{officer.cert_no}）" if officer else "",
                            "title": r.title, "access_class": r.access_class, "important": r.important,
                            "audit": _refs(trail, record)})
        case_doc = {"entity": layout.entity("case_file", case.id), "number": case.number, "title": case.title,
                    "procedure": case.procedure, "procedure_label": Procedure(case.procedure).label,
                    "start_mode": case.start_mode, "matter": case.matter, "stage": case.stage,
                    "status": case.status, "handling_unit": case.handling_unit, "party_name": case.party_name,
                    "opened_at": _iso(case.opened_at), "closed_at": _iso(case.closed_at),
                    "audit": _refs(trail, layout.entity("case_file", case.id))}
        party_docs = [{"role": p.role, "kind": p.party.kind, "name": p.party.name,
                       "number": p.party.id_number or p.party.credit_code or "", "phone": p.party.phone,
                       "address": p.party.address,
                       "audit": _refs(trail, layout.entity("case_party", p.id), layout.entity("party", p.party_id))}
                      for p in parties]
        officer_docs = [{"name": o.officer.name, "cert_no": o.officer.cert_no,
                         "audit": _refs(trail, layout.entity("case_officer", o.id))} for o in officers]
        stage_docs = [{"stage": e.stage, "label": Stage(e.stage).label, "entered_at": _iso(e.at), "by": e.by,
                       "audit": _refs(trail, layout.entity("stage_event", e.id))} for e in stages]
        electronic_docs = _electronic(s, electronic, texts, documents, left_out, trail, payload, omitted)
        volume_doc = None
        if volume is not None and volume_row is not None:
            volume_doc = {"archive_number": volume.archive_number, "fonds_no": volume.fonds_no,
                          "catalogue_no": volume.catalogue_no, "retention": volume.retention, "box_no": volume.box_no,
                          "items": volume.items, "pages": volume.pages, "filer": volume.filer,
                          "filed_at": _iso(volume.filed_at),
                          "audit": _refs(trail, layout.entity("case_volume", volume_row.id))}

    notes, disc = [], None
    if recordings:
        disc = archiving.disc_data(ctx, maker, case_id, place)
        disc = replace(disc, files=tuple(labels.DiscFile(n, r.size, r.duration_s or 0, r.file_hash)
                                         for r, n in zip(recordings, names)), made_at=local(now))
        f = _made(layout.NOTE, labels.written_note(disc))
        payload.append(f)
        notes.append({"path": f.path, "title": "视听资料制作说明", "sha256": f.sha256, "size": f.size})
    if omitted:
        f = _made(LEFT_OUT, _left_out_note(number, omitted))
        payload.append(f)
        notes.append({"path": f.path, "title": "未导出说明", "sha256": f.sha256, "size": f.size})

    metadata = {"format": layout.FORMAT, "exported_at": _iso(now), "exported_by": maker, "agency": agency,
                "software": f"jlclient {__version__}", "case": case_doc, "volume": volume_doc,
                "parties": party_docs, "officers": officer_docs, "stages": stage_docs, "documents": documents,
                "recordings": footage, "notes": notes, "electronic_records": electronic_docs, "omitted": omitted,
                "audit_trail": trail, "checkpoints": anchors.for_export(ctx, newest_only=True)}
    payload.append(_made(layout.METADATA, (json.dumps(metadata, ensure_ascii=False, indent=2) + "\n").encode()))

    archive_number = volume.archive_number if volume else ""
    manifest = layout.manifest_text((f.path, f.sha256) for f in payload).encode("utf-8")
    info = [("Source-Organization", agency), ("External-Identifier", number),
            ("External-Description", case_doc["title"]), ("Bagging-Date", local(now).date().isoformat()),
            ("Bag-Software-Agent", f"jlclient {__version__}"),
            ("Payload-Oxum", layout.payload_oxum(f.size for f in payload))]
    if archive_number:
        info.append(("Archive-Number", archive_number))
    tags = [_made(layout.MANIFEST, manifest),
            _made(layout.BAG_INFO, "".join(f"{k}: {_one_line(v)}\n" for k, v in info).encode("utf-8")),
            _made(layout.BAGIT, b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")]
    tags.append(_made(layout.TAGMANIFEST, layout.manifest_text((f.path, f.sha256) for f in tags).encode("utf-8")))
    return _Plan(case_id, number, archive_number, tuple(payload + tags), disc, tags[0].sha256, len(payload),
                 sum(f.size for f in payload), tuple(taken), tuple(left_out))


def _electronic(s: Session, electronic: list[ElectronicRecord], texts: list[_Text], documents: list[dict],
                left_out: list[dict], trail: list[dict], payload: list[_File], omitted: list[dict]) -> list[dict]:
    """Every electronic record of the case, saying whether and where it is in the package: a
    document's registered print is the document; other prints stay behind (the documents are their
    newest prints); snapshots, scans and other files go into data/电子数据/, except a snapshot of a
    recording left out, which stays with it."""
    in_docs = {t.registered: d["path"] for t, d in zip(texts, documents)}
    refused = {x["av"] for x in left_out}
    from_av = _snapshot_of(s, [e.id for e in electronic if e.kind == av_access.SNAPSHOT])
    going = [e for e in electronic if e.id not in in_docs and e.kind != printing.PRINTED
             and from_av.get(e.id) not in refused]
    names = dict(zip((e.id for e in going), copy_names([_media_name(e.file_name or e.title, layout.NAME_LIMIT - 4)
                                                         for e in going], reserved=())))
    out = []
    for e in electronic:
        record = layout.entity("electronic_record", e.id)
        doc = {"title": e.title, "kind": e.kind, "file_name": e.file_name, "sha256": e.file_hash, "size": e.size,
               "created_at": _iso(e.created_at), "record": record, "in_package": False,
               "audit": _refs(trail, record)}
        if e.id in in_docs:
            doc.update(in_package=True, path=in_docs[e.id])
        elif e.id in names:
            f = _File(ELECTRONIC + names[e.id], e.size, e.file_hash, store=e.file_hash)
            payload.append(f)
            doc.update(in_package=True, path=f.path, source={"entity": record, "hash": e.file_hash})
        elif e.kind == printing.PRINTED:
            doc["reason"] = "此前的打印留存件：包中的文书是各文书最后登记的打印件"
        else:
            doc["reason"] = "取自未导出的音像记录的截图，随该记录一并未导出"
            omitted.append({"record": record, "title": e.title, "reason": f"未导出：{doc['reason']}"})
        out.append(doc)
    return out


def _media_name(text: str, limit: int = layout.NAME_LIMIT) -> str:
    """A name every medium takes: safe on FAT/NTFS (safe_name), no ``;`` (Joliet refuses it), short
    enough for Joliet (footage: room left for copy_names' ``_2`` … ``_99``)."""
    return layout.fit_name(safe_name(text).replace(";", "_"), limit)


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --- streaming ------------------------------------------------------------------------------------

class _Steps:
    """Progress over the whole export; cancel is checked at every step."""

    def __init__(self, total: int, progress: Progress | None, cancel: Event | None):
        self.total, self.progress, self.cancel, self.done = total, progress, cancel, 0

    def check(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise ExportCancelled(CANCELLED)

    def step(self, n: int) -> None:
        self.check()
        self.done += n
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total)


def _store_changed(f: _File) -> ServiceError:
    return ServiceError(f"证据存储中的“{f.path.rsplit('/', 1)[-1]}”与登记的 SHA-256 不符（原始文件可能已被改动），"
                        "导出未完成。请立即报告系统管理员，并运行 jlclient verify 检查证据存储。")


def _check_store(ctx: AppContext, plan: _Plan) -> None:
    for f in plan.files:
        if f.store and not ctx.evidence.contains(f.store):
            raise ServiceError(f"证据存储中缺少“{f.path.rsplit('/', 1)[-1]}”（SHA-256 {f.store}），导出未完成。"
                               "请报告系统管理员，并运行 jlclient verify 检查证据存储。")


def _copy_from_store(ctx: AppContext, f: _File, path: Path, steps: _Steps, buf: memoryview) -> None:
    steps.check()
    if store_to_new(ctx, f.store, path, buf, steps.step) != f.sha256:
        raise _store_changed(f)


class _StoreReader(io.RawIOBase):
    """One footage file of the store as the ISO writer reads it: opened at the first read (an image
    of a thousand recordings does not hold a thousand files open), hashed as it is read, checked
    and closed at its end."""

    def __init__(self, ctx: AppContext, f: _File, steps: _Steps):
        super().__init__()
        self.ctx, self.f, self.steps = ctx, f, steps
        self._src = None
        self._hash = hashlib.sha256()
        self._read = 0

    def readable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        if (offset, whence) != (0, 0):
            raise io.UnsupportedOperation("only a rewind")
        self._end()
        self._hash, self._read = hashlib.sha256(), 0
        return 0

    def read(self, n: int = -1) -> bytes:
        self.steps.check()
        if self._src is None:
            self._src = self.ctx.evidence.open(self.f.store)
        wanted = n if n is not None and n >= 0 else self.f.size - self._read
        data = self._src.read(wanted)
        self._hash.update(data)
        self._read += len(data)
        if self._read >= self.f.size or len(data) < wanted:     # the end, or a store file cut short
            self._end()
            if self._hash.hexdigest() != self.f.sha256:
                raise _store_changed(self.f)
        return data

    def _end(self) -> None:
        if self._src is not None:
            self._src.close()
            self._src = None

    def close(self) -> None:
        self._end()
        super().close()


# --- failures -------------------------------------------------------------------------------------

def _os_message(exc: OSError, need: int) -> str:
    if exc.errno == errno.ENOSPC:
        return (f"目标介质空间已满：导出未完成，已写入的文件已删除。请换用剩余空间不少于 "
                f"{labels.size_text(need)} 的存储介质后重试。")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"没有写入目标位置的权限（{exc.filename or ''}）：导出未完成。请另选位置。"
    if exc.errno == errno.EEXIST:
        return f"目标位置已有同名文件（{exc.filename or ''}）：导出不会覆盖已有文件，请另选位置。"
    return f"写入目标位置失败：{exc.strerror or exc}。导出未完成，已写入的文件已删除，请重试。"


def _room(where: Path, need: int) -> None:
    free = shutil.disk_usage(where).free
    if free < need:
        raise ServiceError(f"目标介质剩余 {labels.size_text(free)}，不够存放导出包（需要约 {labels.size_text(need)}）。"
                           "请换用空间足够的存储介质")


def _record(ctx: AppContext, user: CurrentUser, plan: _Plan, kind: str, path: Path, label: Path | None) -> int:
    """The export, and each recording it took out (on what basis) or left out (why)."""
    with ctx.db.write() as s:
        case = s.get(Case, plan.case_id)
        entry = audit.append(s, user.actor, "case.export", case, detail={
            "case": plan.case_number, "archive_number": plan.archive_number, "kind": kind, "target": str(path),
            "label": str(label) if label else "", "manifest_sha256": plan.manifest_sha256,
            "files": plan.payload_count, "bytes": plan.payload_bytes, "maker": user.display_name,
            "workstation": ctx.workstation, "recordings": [x["av"] for x in plan.taken],
            "left_out": [{"av": x["av"], "reason": x["reason"]} for x in plan.left_out]})
        for x in plan.taken:
            audit.append(s, user.actor, "av.export", s.get(AvRecord, x["av"]), detail={
                "basis": x["basis"], "class": x["class"], "kind": kind, "target": str(path),
                "workstation": ctx.workstation})
        for x in plan.left_out:
            audit.append(s, user.actor, "av.export_refused", s.get(AvRecord, x["av"]), detail={
                "reason": x["reason"], "class": x["class"], "kind": kind, "target": str(path),
                "workstation": ctx.workstation})
        return entry.seq


def _result(plan: _Plan, kind: str, path: Path, label: Path | None, seq: int) -> ExportResult:
    return ExportResult(kind, path, label, plan.case_number, plan.archive_number, plan.payload_count,
                        plan.payload_bytes, plan.manifest_sha256, seq,
                        tuple(f"{x['name']}：{x['reason']}" for x in plan.left_out))


def _failed(exc: BaseException, need: int) -> BaseException:
    if isinstance(exc, OSError):
        return ServiceError(_os_message(exc, need))
    if isinstance(exc, EvidenceError):
        return ServiceError(str(exc))
    return exc


# --- the bag in a folder --------------------------------------------------------------------------

def _bag_target(target: Path) -> bool:
    """True when the folder is to be made; refuses a folder that holds anything."""
    if target.exists():
        if not target.is_dir():
            raise ServiceError(f"目标“{target}”是一个文件，不是文件夹：请选择一个新的或空的文件夹")
        if any(target.iterdir()):
            raise ServiceError(f"目标文件夹“{target}”已存在且不是空的：请选择一个新的或空的文件夹（导出不会覆盖已有文件）")
        return False
    if not target.parent.is_dir():
        raise ServiceError(f"目标位置“{target.parent}”不存在，请重新选择")
    return True


def export_bag(ctx: AppContext, user: CurrentUser, case_id: int, target: str | os.PathLike, *, place: str = "",
               progress: Progress | None = None, cancel: Event | None = None) -> ExportResult:
    """The case as a BagIt bag in ``target`` (a new or empty folder), by ``user`` (an exporter, named
    in the written note as the one who made the copy; the footage follows the user's viewing rules
    for an export); ``place`` where the footage was recorded (default: from the case's records).
    Raises ServiceError (ExportCancelled on cancel) after removing what was written; nothing is
    recorded then."""
    require_exporter(user)
    target = Path(target)
    make = _bag_target(target)
    now = utcnow()
    plan = _plan(ctx, user, case_id, place, now)
    _check_store(ctx, plan)
    need = plan.total + SPARE_BYTES
    _room(target if not make else target.parent, need)
    try:
        if make:
            target.mkdir()
    except OSError as exc:
        raise ServiceError(_os_message(exc, need)) from exc
    try:
        steps = _Steps(plan.total, progress, cancel)
        buf = memoryview(bytearray(CHUNK))
        made_dirs = {target}
        for f in plan.files:
            path = target.joinpath(*f.path.split("/"))
            for parent in reversed(path.parents):
                if parent not in made_dirs and len(parent.parts) > len(target.parts):
                    parent.mkdir()
                    made_dirs.add(parent)
            if f.data is not None:
                steps.check()
                write_new(path, f.data)
                steps.step(f.size)
            else:
                _copy_from_store(ctx, f, path, steps, buf)
        for folder in sorted(made_dirs, key=lambda p: -len(p.parts)):
            fsync_dir(folder)
        steps.check()
        seq = _record(ctx, user, plan, "bag", target, None)
    except BaseException as exc:
        if make:
            shutil.rmtree(target, ignore_errors=True)
        else:
            for child in list(target.iterdir()):
                shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink(missing_ok=True)
        failure = _failed(exc, need)
        if failure is exc:
            raise
        raise failure from exc
    return _result(plan, "bag", target, None, seq)


# --- the ISO image --------------------------------------------------------------------------------

_D_CHARS = re.compile(r"[^A-Z0-9_]")


def _iso9660_names(names: list[str], dirs: set[str]) -> dict[str, str]:
    """8.3 names of d-characters (what every reader of plain ISO 9660 takes), unique in their folder;
    the real names travel in Joliet and Rock Ridge."""
    out, used = {}, set()
    for name in names:
        is_dir = name in dirs
        stem, dot, ext = name.rpartition(".")
        stem, ext = (name, "") if is_dir or not stem else (stem, ext)
        base = _D_CHARS.sub("_", stem.upper())[:8].strip("_") or ("DIR" if is_dir else "FILE")
        ext = _D_CHARS.sub("_", ext.upper())[:3]
        k, candidate = 1, base
        while (candidate, ext) in used:
            k += 1
            tail = f"_{k}"
            candidate = base[:8 - len(tail)] + tail
        used.add((candidate, ext))
        out[name] = candidate if is_dir else f"{candidate}.{ext};1" if ext else f"{candidate}.;1"
    return out


def volume_labels(archive_number: str, case_number: str) -> tuple[str, str]:
    """The disc's label: ISO 9660 (d-characters, 32) and Joliet (16 characters, Chinese kept)."""
    text = archive_number or case_number
    plain = re.sub(r"_+", "_", _D_CHARS.sub("_", text.upper())).strip("_")[:32] or "JLCLIENT"
    return plain, text[:16]


def _label_udf(iso, label: str) -> None:
    """The UDF tree's labels in Chinese too: Windows and macOS show UDF's, not Joliet's, when both are
    there. pycdlib sets them from the d-character label only; the primary volume descriptor holds 15
    UTF-16 characters, the logical volume 63."""
    from pycdlib.udf import _ostaunicode_zero_pad
    for descs in (iso.udf_main_descs, iso.udf_reserve_descs):
        descs.pvds[0].vol_ident = _ostaunicode_zero_pad(label[:15], 32)
        descs.logical_volumes[0].logical_vol_ident = _ostaunicode_zero_pad(label[:63], 128)
    iso.udf_file_set.log_vol_ident = _ostaunicode_zero_pad(label[:63], 128)


def _iso_tree(plan: _Plan) -> tuple[list[str], dict[str, str]]:
    """The folders (parents first) and the ISO 9660 path of every folder and file."""
    dirs: set[str] = set()
    for f in plan.files:
        parts = f.path.split("/")[:-1]
        dirs.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
    children: dict[str, list[str]] = defaultdict(list)
    for p in sorted(dirs) + [f.path for f in plan.files]:
        parent, _, name = p.rpartition("/")
        children[parent].append(name)
    iso_path: dict[str, str] = {"": ""}
    for parent in sorted(children, key=lambda p: (p.count("/") if p else -1, p)):
        kids = children[parent]
        names = _iso9660_names(kids, {n for n in kids if (f"{parent}/{n}" if parent else n) in dirs})
        for name, iso_name in names.items():
            iso_path[f"{parent}/{name}" if parent else name] = f"{iso_path[parent]}/{iso_name}"
    return sorted(dirs, key=lambda d: (d.count("/"), d)), iso_path


def _iso_target(target: Path) -> Path:
    if target.suffix.lower() != ".iso":
        raise ServiceError(f"光盘映像文件名应以 .iso 结尾：{target.name}")
    if not target.parent.is_dir():
        raise ServiceError(f"目标位置“{target.parent}”不存在，请重新选择")
    label = target.with_name(target.stem + LABEL_SUFFIX)
    for path in (target, label):
        if path.exists():
            raise ServiceError(f"目标文件“{path}”已存在：请另取文件名（导出不会覆盖已有文件）")
    return label


def export_iso(ctx: AppContext, user: CurrentUser, case_id: int, target: str | os.PathLike, *, place: str = "",
               progress: Progress | None = None, cancel: Event | None = None) -> ExportResult:
    """The case's bag as an ISO 9660 image (Joliet + Rock Ridge, and a UDF 2.60 bridge for readers
    that prefer UDF, as Windows and macOS do) in the file ``target`` (``.iso``,
    new), labelled with the archive number or else the case number; the disc label PDF (when the
    case has footage) is written beside it as ``<name>_光盘标签.pdf``, its SHA-256 that of the
    bag's manifest. Same failure rules as export_bag."""
    import pycdlib
    from pycdlib import utils as iso_utils

    require_exporter(user)
    target = Path(target)
    label_path = _iso_target(target)
    now = utcnow()
    plan = _plan(ctx, user, case_id, place, now)
    _check_store(ctx, plan)
    label_pdf = labels.disc_label(replace(plan.disc, sha256=plan.manifest_sha256)) if plan.disc else None
    estimate = sum(-(-f.size // ISO_BLOCK) * ISO_BLOCK for f in plan.files) + SPARE_BYTES + len(label_pdf or b"")
    _room(target.parent, estimate)
    partial = target.with_name(target.name + ".part")
    written: list[Path] = []
    steps = _Steps(estimate, None, cancel)      # progress: the image writer's, over the whole image
    iso = pycdlib.PyCdlib()
    readers: list[_StoreReader] = []
    try:
        plain, joliet = volume_labels(plan.archive_number, plan.case_number)
        iso.new(interchange_level=3, vol_ident=plain, joliet=3, rock_ridge="1.09", udf="2.60",
                app_ident_str=f"JLCLIENT {__version__}", pub_ident_str="")
        # pycdlib writes one volume label for both trees; Joliet's may hold the case number in Chinese
        iso.joliet_vd.volume_identifier = iso_utils.encode_space_pad(joliet.encode("utf-8"), 32, "utf-16_be")
        _label_udf(iso, joliet)
        dirs, iso_path = _iso_tree(plan)
        for d in dirs:
            iso.add_directory(iso_path[d], rr_name=d.rsplit("/", 1)[-1], joliet_path="/" + d, udf_path="/" + d)
        for f in plan.files:
            if f.data is not None:
                fp = io.BytesIO(f.data)
            else:
                fp = _StoreReader(ctx, f, steps)
                readers.append(fp)
            iso.add_fp(fp, f.size, iso_path[f.path], rr_name=f.path.rsplit("/", 1)[-1], joliet_path="/" + f.path,
                       udf_path="/" + f.path)

        def written_so_far(done, total):
            steps.check()
            if progress is not None:
                progress(done, total)
        with open(partial, "xb") as out:
            written.append(partial)
            iso.write_fp(out, blocksize=CHUNK, progress_cb=written_so_far)
            out.flush()
            os.fsync(out.fileno())
        steps.check()
        os.replace(partial, target)
        written[-1] = target
        if label_pdf is not None:
            write_new(label_path, label_pdf)
            written.append(label_path)
        fsync_dir(target.parent)
        steps.check()
        seq = _record(ctx, user, plan, "iso", target, label_path if label_pdf else None)
    except BaseException as exc:
        for path in written:
            path.unlink(missing_ok=True)
        failure = _failed(exc, estimate)
        if failure is exc:
            raise
        raise failure from exc
    finally:
        for r in readers:
            r.close()
        try:
            iso.close()
        except Exception:  # noqa: BLE001 — an image that was never made has nothing to close
            pass
    return _result(plan, "iso", target, label_path if label_pdf else None, seq)


def default_name(ctx: AppContext, case_id: int) -> str:
    """A file or folder name for the case's package: its archive number or case number, made safe."""
    volume = archiving.volume_of(ctx, case_id)
    with ctx.db.read() as s:
        case = s.get(Case, case_id)
        if case is None:
            raise ServiceError("案件不存在")
        number = case.number
    base = safe_name(f"{volume.archive_number}_{number}" if volume else number) or "案件"
    return f"案件包_{base}"
