"""四性检测 of a package: reads a BagIt folder or an ISO image (the same bag on a disc) — every
file hashed as it is streamed, PDFs parsed, videos probed — looks up the audit entries it cites
in the live database when there is one, runs the rules of domain.package_check and writes the
report as JSON and as a PDF.

PDFs are parsed with pypdf: a real, pure-Python parser (cross-reference table, object streams,
page tree and every page's content stream), so the check runs the same on every workstation; poppler
is a system package a Windows installation does not have and stays a test tool. Videos are probed
with OpenCV (media.probe) as at ingest. Files are never executed, links never followed.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import tempfile
from datetime import datetime
from pathlib import Path
from threading import Event
from typing import BinaryIO, Callable, Iterator

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, TableStyle
from sqlalchemy import select

from jlclient import __version__
from jlclient.clock import local
from jlclient.domain import package_check as rules
from jlclient.domain.package_check import CATEGORIES, FAIL, Entry, LiveRecords, Package, Report
from jlclient.printing import page
from jlclient.printing.labels import size_text
from jlclient.printing.render import TEXT_WIDTH, grid, para, styles
from jlclient.services.context import AppContext, ServiceError
from jlclient.store.audit import utcnow
from jlclient.store.models import AuditEntry, AvRecord, Case, ElectronicRecord, TextRecordRevision

CHUNK = 1024 * 1024
KEEP_LIMIT = 64 * 1024 * 1024       # a tag file or a PDF larger than this is parsed from a temporary file
KINDS = {"bag": "BagIt 文件夹", "iso": "ISO 光盘映像"}

Progress = Callable[[int, int], None]   # (bytes read, bytes in all)


class CheckCancelled(ServiceError):
    """The user cancelled the check."""


# --- parsing and probing ----------------------------------------------------------------------------

def pdf_problem(stream: BinaryIO) -> str:
    """"" when the PDF parses — its cross-reference table, page tree and every page's content stream —
    else what is wrong, in Chinese."""
    from pypdf import PdfReader
    from pypdf.generic import ContentStream
    try:
        reader = PdfReader(stream, strict=True)
        if reader.is_encrypted:
            return "PDF 已加密，无法读取内容"
        pages = reader.pages
        if len(pages) == 0:
            return "PDF 中没有页面"
        for number, p in enumerate(pages, 1):
            contents = p.get_contents()
            if contents is None:
                continue
            stream = contents if isinstance(contents, ContentStream) else ContentStream(contents, reader)
            if not isinstance(stream.operations, list):     # every operator of the page parsed
                return f"第 {number} 页的内容无法解析"
    except Exception as exc:  # noqa: BLE001 — any failure to parse is the finding
        text = str(exc) or type(exc).__name__
        return f"{text[:200]}"
    return ""


def video_problem(path: Path) -> str:
    from jlclient.media.probe import probe
    try:
        result = probe(path)
    except Exception as exc:  # noqa: BLE001 — a decoder failure is the finding
        return str(exc) or type(exc).__name__
    return "" if result.readable else result.problem


# --- reading --------------------------------------------------------------------------------------

class _Reader:
    """Streams every file once: hashes it, keeps its first bytes, the tag files and PDFs (small) in
    memory and hands videos to the probe."""

    def __init__(self, total: int, progress: Progress | None, cancel: Event | None):
        self.total, self.progress, self.cancel, self.done = total, progress, cancel, 0
        self.entries: list[Entry] = []
        self.texts: dict[str, bytes] = {}
        self.pdf: dict[str, str] = {}
        self.video: dict[str, str] = {}

    def check(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise CheckCancelled("已取消四性检测")

    def _step(self, n: int) -> None:
        self.check()
        self.done += n
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total)

    def special(self, path: str, what: str) -> None:
        self.entries.append(Entry(path, 0, special=what))

    def read(self, path: str, size: int, stream: BinaryIO, local_path: Path | None = None) -> None:
        """One file: ``stream`` read to its end; ``local_path`` is where it can be probed in place."""
        digest = hashlib.sha256()
        head = b""
        keep = rules.is_pdf(path) or path in rules.TEXT_KEPT
        kept = io.BytesIO() if keep and size <= KEEP_LIMIT else None
        video = rules.is_video(path)
        spool = None
        if (video and local_path is None) or (keep and kept is None and local_path is None):
            spool = tempfile.NamedTemporaryFile(prefix="jl-check-", suffix=rules.suffix(path), delete=False)
        try:
            try:
                while chunk := stream.read(CHUNK):
                    if not head:
                        head = chunk[:rules.HEAD_BYTES]
                    digest.update(chunk)
                    if kept is not None:
                        kept.write(chunk)
                    if spool is not None:
                        spool.write(chunk)
                    self._step(len(chunk))
            except OSError as exc:
                self.entries.append(Entry(path, size, problem=str(exc.strerror or exc)))
                return
            if spool is not None:
                spool.close()
            where = local_path or (Path(spool.name) if spool is not None else None)
            if kept is not None and path in rules.TEXT_KEPT:
                self.texts[path] = kept.getvalue()
            if rules.is_pdf(path):
                if kept is not None:
                    self.pdf[path] = pdf_problem(io.BytesIO(kept.getvalue()))
                else:
                    with open(where, "rb") as f:
                        self.pdf[path] = pdf_problem(f)
            if video:
                self.check()
                self.video[path] = video_problem(where)
            self.entries.append(Entry(path, size, digest.hexdigest(), head))
        finally:
            if spool is not None:
                spool.close()
                os.unlink(spool.name)


def _walk_folder(root: Path) -> Iterator[tuple[str, os.DirEntry]]:
    stack = [("", root)]
    while stack:
        prefix, folder = stack.pop()
        with os.scandir(folder) as it:
            for e in sorted(it, key=lambda e: e.name):
                rel = f"{prefix}{e.name}"
                if e.is_dir(follow_symlinks=False):
                    stack.append((rel + "/", Path(e.path)))
                else:
                    yield rel, e


def _read_folder(root: Path, progress: Progress | None, cancel: Event | None) -> _Reader:
    listing = list(_walk_folder(root))
    total = sum(e.stat(follow_symlinks=False).st_size for _, e in listing if e.is_file(follow_symlinks=False))
    reader = _Reader(total, progress, cancel)
    for rel, e in listing:
        reader.check()
        if e.is_symlink():
            reader.special(rel, "符号链接")
        elif not e.is_file(follow_symlinks=False) or not stat.S_ISREG(e.stat(follow_symlinks=False).st_mode):
            reader.special(rel, "特殊文件（设备、管道或套接字）")
        else:
            try:
                with open(e.path, "rb") as f:
                    reader.read(rel, os.fstat(f.fileno()).st_size, f, Path(e.path))
            except OSError as exc:
                reader.entries.append(Entry(rel, 0, problem=str(exc.strerror or exc)))
    return reader


def _iso_files(iso, **root) -> dict[str, object]:
    """Every file of one of the image's trees: path -> its directory record."""
    (kind, start), = root.items()
    out = {}
    for here, _dirs, files in iso.walk(**root):
        for name in files:
            full = f"{here.rstrip('/')}/{name}"
            if kind == "joliet_path" and full.endswith(";1"):
                full = full[:-2]
            out[full.lstrip("/")] = full
    return out


def _read_iso(path: Path, progress: Progress | None, cancel: Event | None) -> tuple[_Reader, tuple[str, ...]]:
    import pycdlib
    from pycdlib.pycdlibexception import PyCdlibException
    iso = pycdlib.PyCdlib()
    try:
        iso.open(str(path))
    except (PyCdlibException, OSError, ValueError) as exc:
        raise ServiceError(f"“{path}”不是可读取的 ISO 光盘映像：{exc}") from None
    try:
        key = "rr_path" if iso.has_rock_ridge() else "joliet_path" if iso.has_joliet() else "iso_path"
        files = _iso_files(iso, **{key: "/"})
        differ: tuple[str, ...] = ()
        if iso.has_rock_ridge() and iso.has_joliet():
            joliet = _iso_files(iso, joliet_path="/")
            differ = tuple(sorted(set(files) ^ set(joliet)))
        records = {}
        for rel, full in files.items():
            records[rel] = iso.get_record(**{key: full})
        total = sum(r.get_data_length() for r in records.values())
        reader = _Reader(total, progress, cancel)
        for rel, full in sorted(files.items()):
            reader.check()
            record = records[rel]
            if record.is_symlink() or (record.rock_ridge is not None and record.rock_ridge.is_symlink()):
                reader.special(rel, "符号链接")
                continue
            size = record.get_data_length()
            if size == 0:
                reader.read(rel, 0, io.BytesIO(b""))
                continue
            try:
                with iso.open_file_from_iso(**{key: full}) as f:
                    reader.read(rel, size, f)
            except PyCdlibException as exc:
                reader.entries.append(Entry(rel, size, problem=str(exc)))
        return reader, differ
    finally:
        iso.close()


# --- the live database ------------------------------------------------------------------------------

def _live(ctx: AppContext | None, metadata: bytes | None) -> tuple[LiveRecords | None, str]:
    if ctx is None:
        return None, "未与数据库核对（没有提供数据库）"
    seqs, sources, number = rules.references(metadata)
    if not number:
        return None, "未与数据库核对：元数据缺失或无法读取"
    with ctx.db.read() as s:
        if s.scalar(select(Case.id).where(Case.number == number)) is None:
            return None, f"未与数据库核对：本机数据库中没有案件“{number}”（包可能来自其他单位）"
        entries = {}
        ordered = sorted(seqs)
        for i in range(0, len(ordered), 500):
            for seq, digest, kind, row_id in s.execute(
                    select(AuditEntry.seq, AuditEntry.entry_hash, AuditEntry.entity_type, AuditEntry.entity_id)
                    .where(AuditEntry.seq.in_(ordered[i:i + 500]))):
                entries[seq] = (digest, rules.entity(kind, row_id) if kind else "")
        registered = {}
        for source in sources:
            kind, _, row_id = source.partition("#")
            if not row_id.isdigit():
                continue
            if kind == "av_record":
                value = s.scalar(select(AvRecord.file_hash).where(AvRecord.id == int(row_id)))
            elif kind == "text_record_revision":
                value = s.scalar(select(TextRecordRevision.content_hash).where(TextRecordRevision.id == int(row_id)))
            elif kind == "electronic_record":
                value = s.scalar(select(ElectronicRecord.file_hash).where(ElectronicRecord.id == int(row_id)))
            else:
                continue
            if value is not None:
                registered[source] = value
    return LiveRecords(entries, registered), ""


# --- the check --------------------------------------------------------------------------------------

def check_package(path: str | os.PathLike, ctx: AppContext | None = None, *, progress: Progress | None = None,
                  cancel: Event | None = None) -> Report:
    """四性检测 of the bag folder or ISO image at ``path``; with ``ctx`` the audit entries and rows
    the package cites are checked against that database (else reported as not checked).
    ``progress(done, total)`` counts bytes read. Raises ServiceError when ``path`` is no package."""
    path = Path(path)
    if path.is_dir():
        if not (path / rules.BAGIT).exists() and not (path / "data").is_dir():
            raise ServiceError(f"“{path}”不是 BagIt 包：文件夹中没有 bagit.txt，也没有 data 文件夹")
        reader, differ, kind = _read_folder(path, progress, cancel), None, "bag"
    elif path.is_file():
        reader, differ = _read_iso(path, progress, cancel)
        kind = "iso"
        if not any(e.path in (rules.BAGIT, rules.MANIFEST) or e.path.startswith(rules.PAYLOAD)
                   for e in reader.entries):
            raise ServiceError(f"光盘映像“{path}”中没有 BagIt 包（没有 bagit.txt 和 data 文件夹）")
    else:
        raise ServiceError(f"找不到“{path}”：请选择导出的 BagIt 包文件夹或 ISO 光盘映像")
    live, note = _live(ctx, reader.texts.get(rules.METADATA))
    package = Package(str(path), kind, tuple(reader.entries), reader.texts, reader.pdf, reader.video, live,
                      note or "", differ, local(utcnow()).isoformat(timespec="seconds"))
    return rules.evaluate(package)


# --- the report -------------------------------------------------------------------------------------

def report_json(report: Report) -> str:
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n"


def _when(text: str) -> str:
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        return text
    return f"{at.year}年{at.month}月{at.day}日 {at:%H:%M:%S}"


def report_pdf(report: Report) -> bytes:
    """The report on official A4 pages: what was checked, the verdict of each category and check,
    and every finding with the file it names."""
    st = styles()
    cell = st["cell"]
    small = cell.clone("small", fontSize=9, leading=12)
    bad = cell.clone("bad", textColor=colors.Color(0.75, 0.12, 0.08))
    facts = [("检测对象", report.source), ("包的形式", KINDS.get(report.kind, report.kind)),
             ("案号", report.case_number or "—"), ("归档号", report.archive_number or "未立卷"),
             ("文件", f"{report.files} 个，共 {size_text(report.bytes)}"), ("检测时间", _when(report.checked_at)),
             ("检测结论", report.headline())]
    story = [para("电子档案四性检测报告", st["title"]),
             para("（真实性、完整性、可用性、安全性，参照 DA/T 70）", st["number"]),
             grid([[para(k, cell), para(v, cell)] for k, v in facts], [28 * mm, TEXT_WIDTH - 28 * mm]),
             Spacer(1, 8)]
    rows = [[para(h, cell) for h in ("类别", "检测项", "结果", "说明")]]
    for category in CATEGORIES:
        for c in (c for c in report.checks if c.category == category):
            rows.append([para(category, cell), para(c.label, cell), para(c.status, bad if c.status == FAIL else cell),
                         para(c.note, small)])
    table = grid(rows, [16 * mm, 72 * mm, 18 * mm, TEXT_WIDTH - 106 * mm], header=True)
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92))]))
    story += [para("一、检测项目", cell), Spacer(1, 3), table, Spacer(1, 8)]
    if report.findings:
        rows = [[para(h, cell) for h in ("序号", "类别", "文件", "问题")]]
        for i, f in enumerate(report.findings, 1):
            rows.append([para(str(i), small), para(f.category, small), para(f.path or "（整个包）", small),
                         para(f.message, small)])
        story += [para(f"二、发现的问题（{len(report.findings)} 项）", cell), Spacer(1, 3),
                  grid(rows, [12 * mm, 16 * mm, 58 * mm, TEXT_WIDTH - 86 * mm], header=True)]
    else:
        story.append(para("二、发现的问题：无", cell))
    story += [Spacer(1, 10), para(f"检测工具：jlclient {__version__}（文件逐一计算 SHA-256；PDF 以 pypdf 解析；"
                                  "视频以 OpenCV 读取首帧）", small)]
    return page.build(story, f"四性检测报告 {report.case_number}".strip(), "jlclient")


def save_report(report: Report, pdf_path: str | os.PathLike | None = None,
                json_path: str | os.PathLike | None = None) -> None:
    """The report written as PDF and/or JSON (either file is replaced when it exists)."""
    try:
        if pdf_path:
            Path(pdf_path).write_bytes(report_pdf(report))
        if json_path:
            Path(json_path).write_text(report_json(report), encoding="utf-8")
    except OSError as exc:
        raise ServiceError(f"检测报告保存失败：{exc.strerror or exc}（{exc.filename or ''}）。请另选位置") from exc
