"""导入大厅监控录像: the hall's CCTV recordings (seed 004 Art. 14, 18; seed 001 Art. 16), exported from
the NVR to a folder or a USB disk, taken into the evidence store like a camera's footage — read once
while hashing, verified on disk, then registered — so its own retention rule (seed 004 Art. 18: at
least one month) can run and a disputed window visit can be held or played back. The export is only
ever read."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path, PurePosixPath
from threading import Event
from typing import Callable

from sqlalchemy import select

from jlclient.clock import to_utc
from jlclient.devices.pull import CameraFile, PullReport, pull_files
from jlclient.domain.citation import in_words
from jlclient.domain.hall_cctv import ExportName, is_video, read_export_name
from jlclient.domain.model import Role
from jlclient.domain.retention import HALL_CCTV
from jlclient.media.probe import probe
from jlclient.services import citations
from jlclient.services.auth import CurrentUser
from jlclient.services.compliance import agency_profile
from jlclient.services.context import AppContext, ServiceError
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.models import AvRecord

IMPORTERS = (Role.ARCHIVIST, Role.ADMIN)    # seed 004 Art. 23: 专门人员负责…音像资料的归档、保存
DEFAULT_LOCATION = "政务服务大厅"


@dataclass(frozen=True)
class CctvExport:
    """An NVR export as found on disk: its video files, what their names say, when each was last written."""
    root: Path
    files: list[CameraFile]                                 # started_at: UTC, from the name
    names: dict[str, ExportName]
    modified: dict[str, datetime]     # UTC

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)


def retention_rule(ctx: AppContext) -> str:
    """What the agency's profile says of keeping hall CCTV, as the import dialog tells it."""
    with ctx.db.read() as s:
        rule, titles = agency_profile(s).retention.hall_cctv, citations.titles(s)
    if rule is None:
        return "本机构规则未规定政务服务大厅监控录像的保存期限：导入的录像一直保存，不会列入销毁清单。"
    return in_words(f"本机构规则：政务服务大厅监控录像保存期限{rule}（{rule.source}），到期后经负责人批准方可销毁。", titles)


def recorded_by(av: AvRecord, officer: str | None) -> str:
    """Who or what recorded it, as lists show it: the officer, or the hall and its channel."""
    return " ".join(filter(None, (av.title, av.channel))) if av.source == HALL_CCTV else officer or ""


def scan(folder: str | Path) -> CctvExport:
    """Every video file under ``folder``, in path order; hidden folders and other files are left alone."""
    root = Path(folder)
    if not root.is_dir():
        raise ServiceError(f"找不到文件夹：{root}")
    files, names, modified = [], {}, {}
    for here, dirs, found in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(found):
            relative = Path(here, name).relative_to(root).as_posix()
            if name.startswith(".") or not is_video(relative):
                continue
            st = Path(here, name).stat()
            names[relative] = read_export_name(relative)
            modified[relative] = datetime.fromtimestamp(st.st_mtime, timezone.utc).replace(tzinfo=None)
            started = names[relative].started
            files.append(CameraFile(relative, st.st_size, to_utc(started) if started else None))
    if not files:
        raise ServiceError(f"“{root}”中没有监控录像文件（mp4、avi、dav 等）。请选择硬盘录像机导出的文件夹。")
    return CctvExport(root, sorted(files, key=lambda f: f.path), names, modified)


def _already(ctx: AppContext, export: CctvExport, f: CameraFile) -> str | None:
    """A file of the same name, size, channel and time imported before (the same export taken twice):
    the start its name gave, or the last write that stood for its end."""
    same_time = (AvRecord.ended_at == export.modified[f.path]) if f.started_at is None else \
        (AvRecord.started_at == f.started_at)
    with ctx.db.read() as s:
        return s.scalar(select(AvRecord.file_hash).where(
            AvRecord.source == HALL_CCTV, AvRecord.file_name == PurePosixPath(f.path).name, AvRecord.size == f.size,
            AvRecord.channel == export.names[f.path].channel, same_time).limit(1))


def _span(export: CctvExport, f: CameraFile, duration_s: float | None) -> tuple[datetime | None, datetime | None, str]:
    """Start and end (UTC) and where they came from: the name, else the file's last write as its end."""
    ended = export.names[f.path].ended
    if f.started_at is not None:
        end = to_utc(ended) if ended else (f.started_at + timedelta(seconds=duration_s) if duration_s else None)
        return f.started_at, end, "name"
    end = export.modified[f.path]
    return (end - timedelta(seconds=duration_s) if duration_s else end), end, "modified"


def _register(ctx: AppContext, user: CurrentUser, export: CctvExport, location: str, f: CameraFile,
              sha256: str) -> str:
    info = probe(ctx.evidence.path(sha256))
    start, end, time_from = _span(export, f, info.duration_s)
    channel = export.names[f.path].channel
    with ctx.db.write() as s:
        av = AvRecord(source=HALL_CCTV, channel=channel, title=location, file_hash=sha256,
                      file_name=PurePosixPath(f.path).name, size=f.size, started_at=start, ended_at=end,
                      duration_s=info.duration_s, container=PurePosixPath(f.path).suffix.lstrip(".").lower(),
                      codec=info.codec, resolution=info.resolution, important=False, created_at=utcnow(),
                      pulled_at=utcnow())
        s.add(av)
        audit.append(s, user.actor, "av.import_cctv", av, detail={
            "export": str(export.root), "path": f.path, "time_from": time_from, "readable": info.readable,
            "problem": info.problem, "workstation": ctx.workstation})
    return info.problem


def import_export(ctx: AppContext, user: CurrentUser, export: CctvExport, location: str = DEFAULT_LOCATION, *,
                  progress: Callable[[str, int], None] | None = None, cancel: Event | None = None) -> PullReport:
    """Store and register every file of the export not imported before; ``progress(path, bytes)``."""
    if not user.has(*IMPORTERS):
        raise ServiceError("只有档案管理员或系统管理员可以导入大厅监控录像")
    location = location.strip() or DEFAULT_LOCATION
    return pull_files(ctx, export.root, export.files, already=lambda f: _already(ctx, export, f),
                      register=lambda f, sha256: _register(ctx, user, export, location, f, sha256),
                      progress=progress, cancel=cancel, device="导出盘")


def summary(report: PullReport) -> str:
    """What an import did, in a line (the dialog and the command line both end with it)."""
    failed = report.count("failed")
    text = (f"新登记 {report.count('stored') + report.count('linked')} 个，此前已导入 {report.count('skipped')} 个"
            + (f"，失败 {failed} 个" if failed else ""))
    if report.cancelled:
        text = "已取消：" + text + "。正在拷贝的文件未登记，重新导入会从未导入的文件继续。"
    return text
