"""Evidence copies of recordings for a reconsideration body or a court (证据副本).

The legal reviewer supplies the recordings and keeps a record of what was supplied (seed 003
Art. 15); the copy goes on a medium with a written note naming who made it, who extracted the
footage and when (seed 004 Art. 22). A copy is a new folder in the chosen place holding:

- each recording, byte for byte as the evidence store holds it, under the camera's file name;
- ``manifest-sha256.txt``: one ``<sha256>  <name>`` line per recording (``sha256sum -c`` checks it);
- ``视听资料制作说明.pdf`` (the written note) and ``音像证据光盘标签.pdf`` (the disc label), whose
  checksum is the SHA-256 of the manifest.

Every file is hashed as it is read from the store (a store file that no longer matches its
registered SHA-256 is caught, not handed over) and read back from the target after it is written.
The copy is recorded (``EvidenceCopy``, audit ``av.copy``) only once everything is in place; a
cancelled or failed copy removes the folder it made and records nothing.

A recording goes into a copy only as the viewing rules allow it to leave the building
(av_access.export_rules: a restricted one only under an approved request naming the export, a
disposed one never); asking for one that may not leave refuses the copy, naming it and why, and the
refusal is audited (``av.copy_refused``).
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from threading import Event
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from jlclient.clock import local
from jlclient.domain.av_access import AvClass
from jlclient.domain.model import Role
from jlclient.printing import labels
from jlclient.services import archiving, av_access
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext, ServiceError
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.evidence import EvidenceError
from jlclient.store.models import AvRecord, Case, EvidenceCopy

CHUNK = 1024 * 1024                 # one read and one write; cancel is checked between them
MANIFEST = "manifest-sha256.txt"
NOTE = "视听资料制作说明.pdf"
LABEL = "音像证据光盘标签.pdf"
PURPOSES = ("行政复议", "行政诉讼", "其他")
MAKERS = (Role.REVIEWER,)           # seed 003 Art. 15: 由法制审核人员统一提供，并复制留存
SPARE_BYTES = 1024 * 1024           # room the PDFs and the manifest need besides the footage

Progress = Callable[[int, int], None]   # (bytes done, bytes in all): copying and reading back


class CopyCancelled(ServiceError):
    """The user cancelled; the partial folder is gone and nothing was recorded."""


@dataclass(frozen=True)
class Recording:
    """A recording of the case, as the copy dialog lists it."""
    id: int
    file_name: str                  # as the camera named it (basename)
    started_at: datetime | None     # UTC
    ended_at: datetime | None
    duration_s: float | None
    size: int
    access_class: AvClass
    sha256: str
    allowed: bool = True            # whether the user asking may take it out in a copy …
    reason: str = ""                # … on what basis, or why not (in words)


@dataclass(frozen=True)
class CopyResult:
    copy_id: int
    folder: Path
    files: tuple[str, ...]          # the recordings' names in the folder, in manifest order
    manifest_sha256: str
    bytes: int                      # of the recordings


@dataclass(frozen=True)
class CopyView:
    """One copy handed over: what, to whom, for what, where it was written, by whom and when."""
    id: int
    case_id: int
    av_ids: tuple[int, ...]
    recipient: str
    purpose: str
    folder: str
    manifest_sha256: str
    made_by: str
    made_at: datetime               # UTC


# --- reading --------------------------------------------------------------------------------------

def _basename(file_name: str) -> str:
    return re.split(r"[\\/]", file_name)[-1]


def recordings(ctx: AppContext, case_id: int, user: CurrentUser | None = None) -> list[Recording]:
    """The case's recordings in the order they were made; with ``user``, whether that user may take
    each out in a copy, and why (not)."""
    with ctx.db.read() as s:
        rules = av_access.export_rules(s, user) if user is not None else None
        rows = s.scalars(select(AvRecord).where(AvRecord.case_id == case_id)
                         .order_by(AvRecord.started_at, AvRecord.id))
        out = []
        for r in rows:
            verdict = rules.verdict(r) if rules is not None else None
            out.append(Recording(r.id, _basename(r.file_name), r.started_at, r.ended_at, r.duration_s, r.size,
                                 AvClass(r.access_class), r.file_hash, verdict is None or bool(verdict),
                                 verdict.reason if verdict is not None else ""))
        return out


def copies_of(ctx: AppContext, case_id: int) -> list[CopyView]:
    """Every copy of the case's recordings that was handed over, oldest first."""
    with ctx.db.read() as s:
        rows = s.scalars(select(EvidenceCopy).where(EvidenceCopy.case_id == case_id).order_by(EvidenceCopy.id))
        return [CopyView(c.id, c.case_id, tuple(json.loads(c.av_record_ids)), c.recipient, c.purpose, c.folder,
                         c.manifest_sha256, c.made_by, c.made_at) for c in rows]


# --- names ----------------------------------------------------------------------------------------

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


def safe_name(text: str) -> str:
    """``text`` usable as a file name on any medium (FAT, NTFS, ISO 9660/UDF) and in a sha256sum line."""
    return _UNSAFE.sub("_", text).strip().rstrip(".")


def copy_names(file_names: list[str], reserved: tuple[str, ...] = (MANIFEST, NOTE, LABEL)) -> list[str]:
    """The camera's file names, made safe and unique ignoring case (media are often case-blind):
    a repeated ``A.MP4`` becomes ``A_2.MP4``, ``A_3.MP4`` …"""
    used = {n.casefold() for n in reserved}
    out = []
    for i, original in enumerate(file_names, 1):
        name = safe_name(_basename(original)) or f"音像记录{i}"
        stem, dot, ext = name.rpartition(".")
        stem, ext = (stem, dot + ext) if stem else (name, "")
        candidate, k = name, 1
        while candidate.casefold() in used:
            k += 1
            candidate = f"{stem}_{k}{ext}"
        used.add(candidate.casefold())
        out.append(candidate)
    return out


def _new_folder(target: Path, case_number: str, now: datetime) -> Path:
    """A folder that did not exist before (so removing it on failure removes only our own files)."""
    base = f"证据副本_{safe_name(case_number) or '案件'}_{local(now):%Y%m%d-%H%M%S}"
    for k in range(1, 100):
        folder = target / (base if k == 1 else f"{base}_{k}")
        try:
            folder.mkdir()
        except FileExistsError:
            continue              # never write into a folder that is already there
        return folder
    raise ServiceError(f"目标文件夹中已有太多名为“{base}”的文件夹，请另选文件夹")


# --- copying --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Source:
    id: int
    name: str
    sha256: str
    size: int
    duration_s: float
    access_class: str
    basis: str = ""             # why this user may take it out


class _Copier:
    """Streams store files into the new folder, hashing both what was read and what the disk holds."""

    def __init__(self, ctx: AppContext, folder: Path, total: int, progress: Progress | None, cancel: Event | None):
        self.ctx, self.folder, self.total = ctx, folder, total
        self.progress, self.cancel = progress, cancel
        self.done = 0
        self.buf = memoryview(bytearray(CHUNK))

    def _step(self, n: int) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise CopyCancelled("已取消：证据副本未制作，未完成的文件夹已删除")
        self.done += n
        if self.progress is not None and n:
            self.progress(self.done, self.total)

    def copy(self, src: _Source) -> None:
        path = self.folder / src.name
        self._step(0)
        read_hash = store_to_new(self.ctx, src.sha256, path, self.buf, self._step)
        if read_hash != src.sha256:
            raise ServiceError(f"证据存储中的“{src.name}”与登记的 SHA-256 不符（原始文件可能已被改动），"
                               "证据副本未制作。请立即报告系统管理员，并运行 jlclient verify 检查证据存储。")
        if self._read_back(path) != src.sha256:
            raise ServiceError(f"写入目标后读回校验不一致：“{src.name}”在目标介质上的内容与原始记录不同，"
                               "证据副本未制作。请检查或更换存储介质后重试。")

    def _read_back(self, path: Path) -> str:
        h = hashlib.sha256()
        with open(path, "rb", buffering=0) as f:
            while n := f.readinto(self.buf):
                h.update(self.buf[:n])
                self._step(n)
        return h.hexdigest()

    def write(self, name: str, data: bytes) -> None:
        write_new(self.folder / name, data)


def _create_new(path: Path) -> int:
    """A new file only: never write over one already there."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)


def write_new(path: Path, data: bytes) -> None:
    fd = _create_new(path)
    try:
        write_all(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def store_to_new(ctx: AppContext, sha256: str, path: Path, buf: memoryview, step: Callable[[int], None]) -> str:
    """Stream a stored file into a new file in chunks, fsynced and dropped from the page cache (so a
    read-back reads the disk); returns the SHA-256 of what was read from the store. ``step(n)`` after
    each chunk may raise to cancel."""
    digest = hashlib.sha256()
    with ctx.evidence.open(sha256) as f:
        fd = _create_new(path)
        try:
            while n := f.readinto(buf):
                digest.update(buf[:n])
                write_all(fd, buf[:n])
                step(n)
            os.fsync(fd)
            if hasattr(os, "posix_fadvise"):
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
    return digest.hexdigest()


def write_all(fd: int, data: memoryview | bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _os_message(exc: OSError, need: int) -> str:
    if exc.errno == errno.ENOSPC:
        return (f"目标介质空间已满：证据副本未制作，未完成的文件夹已删除。请换用剩余空间不少于 "
                f"{labels.size_text(need)} 的存储介质后重试。")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"没有写入目标文件夹的权限（{exc.filename or ''}）：证据副本未制作。请另选文件夹。"
    return f"写入目标文件夹失败：{exc.strerror or exc}。证据副本未制作，未完成的文件夹已删除，请重试。"


# --- making a copy --------------------------------------------------------------------------------

def _require_maker(user: CurrentUser) -> None:
    if not user.has(*MAKERS):
        raise ServiceError("只有法制审核人员可以制作证据副本（向行政复议机构、人民法院提供音像资料由法制审核人员"
                           "统一提供并复制留存）")


def _sources(s: Session, case: Case, av_ids: list[int]) -> list[_Source]:
    rows = {r.id: r for r in s.scalars(select(AvRecord).where(AvRecord.id.in_(av_ids)))}
    missing = [i for i in av_ids if i not in rows]
    if missing:
        raise ServiceError(f"音像记录 {'、'.join(map(str, missing))} 不存在")
    foreign = [rows[i] for i in av_ids if rows[i].case_id != case.id]
    if foreign:
        raise ServiceError(f"“{'、'.join(_basename(r.file_name) for r in foreign)}”不是案件 {case.number} "
                           "的音像记录，不能放进本案的证据副本")
    ordered = sorted(rows.values(), key=lambda r: (r.started_at or r.created_at, r.id))
    names = copy_names([r.file_name for r in ordered])
    return [_Source(r.id, n, r.file_hash, r.size, r.duration_s or 0, r.access_class) for r, n in zip(ordered, names)]


def _may_leave(ctx: AppContext, user: CurrentUser, av_ids: list[int]) -> dict[int, str]:
    """The basis on which each recording may leave in a copy; a refusal is audited (committed before
    it is reported) and names every recording that may not, and why."""
    with ctx.db.write() as s:
        rules = av_access.export_rules(s, user)
        records = [s.get(AvRecord, i) for i in av_ids]
        verdicts = [(av, rules.verdict(av)) for av in records]
        refused = [(av, v) for av, v in verdicts if not v]
        for av, v in refused:
            audit.append(s, user.actor, "av.copy_refused", av, detail={"reason": v.reason,
                                                                       "workstation": ctx.workstation})
        if not refused:
            return {av.id: v.reason for av, v in verdicts}
    named = "；".join(f"“{_basename(av.file_name)}”：{v.reason}" for av, v in refused)
    raise ServiceError(f"证据副本未制作。以下音像记录不能复制：{named}。受限音像记录须先提出注明导出或复制的查阅申请，"
                       "经批准后方可复制；也可以不选这些记录再制作。")


def make_copy(ctx: AppContext, user: CurrentUser, case_id: int, av_ids: list[int], target_dir: str | os.PathLike,
              recipient: str, purpose: str, place: str = "", progress: Progress | None = None,
              cancel: Event | None = None) -> CopyResult:
    """Copy the chosen recordings of the case into a new folder inside ``target_dir`` with the
    manifest, the written note and the disc label; verified, then recorded and audited.

    ``progress(done, total)`` counts bytes copied plus bytes read back (total: twice the footage);
    ``cancel`` is checked between chunks. Raises ServiceError (CopyCancelled on cancel) after
    removing the partial folder; nothing is recorded then."""
    _require_maker(user)
    recipient, purpose = recipient.strip(), purpose.strip()
    if not recipient:
        raise ServiceError("请填写接收单位（如 ××县人民政府行政复议办公室、××县人民法院）")
    if not purpose:
        raise ServiceError("请填写用途（如 行政复议、行政诉讼）")
    av_ids = list(dict.fromkeys(av_ids))
    if not av_ids:
        raise ServiceError("请至少选择一个音像记录")
    with ctx.db.read() as s:
        case = s.get(Case, case_id)
        if case is None:
            raise ServiceError("案件不存在")
        case_number = case.number
        sources = _sources(s, case, av_ids)
    basis = _may_leave(ctx, user, av_ids)
    sources = [replace(x, basis=basis[x.id]) for x in sources]
    place = place.strip() or archiving.recording_place(ctx, case_id)
    if not place:
        raise ServiceError("请填写录制地点：视听资料制作说明须写明录制地点（本案的现场检查或询问笔录中没有写明地点）")
    data = archiving.disc_data(ctx, user.display_name, case_id, place, av_ids=av_ids)
    target = Path(target_dir)
    if not target.is_dir():
        raise ServiceError(f"目标文件夹不存在：{target}。请重新选择")
    footage = sum(x.size for x in sources)
    free = shutil.disk_usage(target).free
    if free < footage + SPARE_BYTES:
        raise ServiceError(f"目标介质剩余 {labels.size_text(free)}，不够存放证据副本（需要约 "
                           f"{labels.size_text(footage + SPARE_BYTES)}）。请换用空间足够的存储介质")
    now = utcnow()
    try:
        folder = _new_folder(target, case_number, now)
    except OSError as exc:
        raise ServiceError(_os_message(exc, footage + SPARE_BYTES)) from exc
    try:
        return _fill(ctx, user, case_id, case_number, folder, sources, data, recipient, purpose, now,
                     _Copier(ctx, folder, 2 * footage, progress, cancel))
    except BaseException as exc:
        shutil.rmtree(folder, ignore_errors=True)
        if isinstance(exc, OSError):
            raise ServiceError(_os_message(exc, footage + SPARE_BYTES)) from exc
        if isinstance(exc, EvidenceError):
            raise ServiceError(str(exc)) from exc
        raise


def _fill(ctx: AppContext, user: CurrentUser, case_id: int, case_number: str, folder: Path, sources: list[_Source],
          data: labels.DiscData, recipient: str, purpose: str, now: datetime, copier: _Copier) -> CopyResult:
    for src in sources:
        if not ctx.evidence.contains(src.sha256):
            raise ServiceError(f"证据存储中缺少“{src.name}”（SHA-256 {src.sha256}），证据副本未制作。"
                               "请报告系统管理员，并运行 jlclient verify 检查证据存储。")
    for src in sources:
        copier.copy(src)
    data = replace(data, files=tuple(labels.DiscFile(x.name, x.size, x.duration_s, x.sha256) for x in sources),
                   made_at=local(now))
    manifest = labels.manifest(data).encode("utf-8")
    manifest_sha = hashlib.sha256(manifest).hexdigest()
    assert data.checksum == manifest_sha     # the note's checksum vouches for the manifest, hence every file
    note, label = labels.written_note(data), labels.disc_label(data)
    copier.write(MANIFEST, manifest)
    copier.write(NOTE, note)
    copier.write(LABEL, label)
    fsync_dir(folder)
    # the agency keeps the papers it handed over (seed 003 Art. 15: 复制留存); the footage is already kept
    kept = {name: ctx.evidence.put_bytes(content).sha256
            for name, content in ((MANIFEST, manifest), (NOTE, note), (LABEL, label))}
    with ctx.db.write() as s:
        row = EvidenceCopy(case_id=case_id, av_record_ids=json.dumps([x.id for x in sources]), recipient=recipient,
                           purpose=purpose, folder=str(folder), manifest_sha256=manifest_sha,
                           made_by=user.display_name, made_at=now)
        s.add(row)
        audit.append(s, user.actor, "av.copy", row, detail={
            "case": case_number, "recipient": recipient, "purpose": purpose, "workstation": ctx.workstation,
            "maker": user.display_name, "extractor": data.extractor, "folder": str(folder),
            "files": [{"av": x.id, "name": x.name, "sha256": x.sha256, "class": x.access_class, "basis": x.basis}
                      for x in sources],
            "kept": kept})
        copy_id = row.id
    return CopyResult(copy_id, folder, tuple(x.name for x in sources), manifest_sha, sum(x.size for x in sources))


def fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
