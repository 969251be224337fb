"""The pull: every file of a docked body camera is read once while hashing into the evidence
store, fsynced, verified, and only then registered — the AV record, the pull's own row and the
audit entry in one transaction. A file already registered is skipped; content already stored is
linked, never copied twice. A crash, an unplugged camera or a full disk leaves nothing
half-registered, and the camera's own files are only ever read."""
from __future__ import annotations

import errno
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from threading import Event
from typing import TYPE_CHECKING, Callable

from sqlalchemy import select

from jlclient.domain.model import CameraStatus
from jlclient.media.probe import probe
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.evidence import EvidenceError
from jlclient.store.models import AvRecord, BodyCamera, PulledFile

if TYPE_CHECKING:  # devices sit below services: only the type is needed
    from jlclient.services.context import AppContext


@dataclass(frozen=True)
class CameraFile:
    """One footage file on the camera, as the layout recognised it."""
    path: str                      # relative to the volume root, POSIX separators
    size: int
    started_at: datetime | None    # device time from the name (UTC after the clock offset)
    important: bool = False


@dataclass(frozen=True)
class Docked:
    root: Path
    serial: str
    officer_no: str = ""
    officer_name: str = ""          # as the device says (GA/T 947)
    clock_offset_s: float = 0.0    # device clock minus workstation clock, at docking
    docking_id: int | None = None  # the Docking row kept for this docking


# what each file's status means to the person at the dock or the terminal
STATUS_LABELS = {"stored": "新登记", "linked": "已关联（内容已存储）", "skipped": "此前已导入", "failed": "失败"}


@dataclass
class FileResult:
    path: str
    status: str                    # stored | linked | skipped | failed
    sha256: str = ""
    message: str = ""
    unreadable: str = ""           # why the stored file cannot be played (it is kept all the same)

    @property
    def label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


@dataclass
class PullReport:
    results: list[FileResult] = field(default_factory=list)
    cancelled: bool = False

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def complete(self) -> bool:
        """Every file of the camera is stored, verified and registered: only now may it be cleared."""
        return not self.cancelled and all(r.status != "failed" for r in self.results)


class PullStopped(Exception):
    pass


def safe_path(root: Path, relative: str) -> Path:
    """The file under the volume root; a name that climbs out is refused."""
    parts = PurePosixPath(relative).parts
    if not parts or PurePosixPath(relative).is_absolute() or ".." in parts or "\x00" in relative:
        raise ValueError(f"不安全的文件名：{relative!r}")
    return root.joinpath(*parts)


def _already(ctx: AppContext, serial: str, f: CameraFile) -> str | None:
    with ctx.db.read() as s:
        return s.scalar(select(PulledFile.sha256).where(PulledFile.camera_serial == serial, PulledFile.path == f.path,
                                                        PulledFile.size == f.size))


def interrupted(ctx: AppContext, serial: str, files: list[CameraFile]) -> bool:
    """Some files of the camera are registered and some are not: an earlier pull stopped (unplug,
    crash, cancel) or new footage followed it. Either way the docking resumes the pull by itself."""
    with ctx.db.read() as s:
        done = set(s.execute(select(PulledFile.path, PulledFile.size).where(PulledFile.camera_serial == serial)))
    states = {(f.path, f.size) in done for f in files}
    return states == {True, False}


def _message(exc: OSError, device: str) -> str:
    if exc.errno in (errno.ENOENT, errno.EIO, errno.ENODEV, errno.ENXIO):
        return f"读取{device}文件失败：{device}可能已被拔出。重新接入后会从中断处继续，已拷贝的文件不会重复登记。"
    return f"读取{device}文件失败：{exc.strerror}"


class _CameraGone(Exception):
    """Reading the camera failed (unplugged, card error): not a problem of the store."""

    def __init__(self, error: OSError):
        super().__init__(str(error))
        self.error = error


class _CameraReader:
    """The camera's file, opened read-only; read errors are told apart from the store's."""

    def __init__(self, path: Path):
        self._f = open(path, "rb")

    def read(self, n: int) -> bytes:
        try:
            return self._f.read(n)
        except OSError as exc:
            raise _CameraGone(exc) from exc

    def close(self) -> None:
        self._f.close()


def _store(ctx: AppContext, root: Path, f: CameraFile, on_bytes: Callable[[int], None],
           device: str) -> tuple[str, bool]:
    try:
        reader = _CameraReader(safe_path(root, f.path))
    except OSError as exc:
        raise EvidenceError(_message(exc, device)) from exc
    try:
        stored = ctx.evidence.put_stream(reader, on_bytes)
    except _CameraGone as exc:
        raise EvidenceError(_message(exc.error, device)) from exc
    finally:
        reader.close()
    # verify the stored copy before anything points to it: a new file was read back from the disk by
    # put_stream itself; content that was already there is re-hashed here
    problem = None if stored.verified else ctx.evidence.check(stored.sha256)
    if problem:
        raise EvidenceError(f"存储后校验失败：{problem}")
    return stored.sha256, stored.already_present


def _camera(s, actor: str, docked: Docked) -> BodyCamera:
    """The register's camera; one never registered is kept as PENDING for the administrator."""
    camera = s.scalar(select(BodyCamera).where(BodyCamera.serial == docked.serial))
    if camera is None:
        camera = BodyCamera(serial=docked.serial, status=CameraStatus.PENDING.value, registered_at=utcnow(),
                            device_officer_no=docked.officer_no)
        s.add(camera)
        audit.append(s, actor, "camera.pending", camera)
    return camera


def _register(ctx: AppContext, actor: str, docked: Docked, f: CameraFile, sha256: str) -> str:
    info = probe(ctx.evidence.path(sha256))   # the stored copy: the camera may be unplugged by now
    start = f.started_at - timedelta(seconds=docked.clock_offset_s) if f.started_at else None
    end = start + timedelta(seconds=info.duration_s) if start and info.duration_s else None
    with ctx.db.write() as s:
        camera = _camera(s, actor, docked)
        av = AvRecord(camera_id=camera.id, officer_id=camera.officer_id, file_hash=sha256,
                      file_name=PurePosixPath(f.path).name, size=f.size, started_at=start, ended_at=end,
                      duration_s=info.duration_s, container=PurePosixPath(f.path).suffix.lstrip(".").lower(),
                      codec=info.codec, resolution=info.resolution, important=f.important, created_at=utcnow(),
                      pulled_at=utcnow(), docking_id=docked.docking_id)
        s.add(av)
        audit.append(s, actor, "av.pull", av, detail={"camera": docked.serial, "path": f.path,
                                                      "readable": info.readable, "problem": info.problem})
        pulled = PulledFile(camera_serial=docked.serial, path=f.path, size=f.size, sha256=sha256,
                            av_record_id=av.id, pulled_at=utcnow(), pulled_by=actor)
        s.add(pulled)
        audit.append(s, actor, "av.pulled_file", pulled)
    return info.problem


def pull(ctx: AppContext, actor: str, docked: Docked, files: list[CameraFile], *,
         progress: Callable[[str, int], None] | None = None, cancel: Event | None = None) -> PullReport:
    """Pull every file; ``progress(path, bytes)`` reports bytes as they are read."""
    return pull_files(ctx, docked.root, files, already=lambda f: _already(ctx, docked.serial, f),
                      register=lambda f, sha256: _register(ctx, actor, docked, f, sha256),
                      progress=progress, cancel=cancel)


def pull_files(ctx: AppContext, root: Path, files: list[CameraFile], *,
               already: Callable[[CameraFile], str | None], register: Callable[[CameraFile, str], str],
               progress: Callable[[str, int], None] | None = None, cancel: Event | None = None,
               device: str = "记录仪") -> PullReport:
    """Store, verify and register each file under ``root`` (a camera volume, an NVR export):
    ``already(f)`` names the hash of a file registered before (skipped), ``register(f, sha256)``
    registers a stored one and returns why it cannot be played ("" when it can); ``device`` names
    what is read in messages. A cancel stops at once, inside a file too: its partial copy is
    discarded and nothing of it is registered."""
    report = PullReport()

    def on_bytes(path: str, n: int) -> None:
        if cancel is not None and cancel.is_set():
            raise PullStopped(path)
        if progress:
            progress(path, n)

    for f in files:
        if cancel is not None and cancel.is_set():
            report.cancelled = True
            break
        known = already(f)
        if known:
            report.results.append(FileResult(f.path, "skipped", known))
            continue
        try:
            sha256, present = _store(ctx, root, f, lambda n, p=f.path: on_bytes(p, n), device)
            unreadable = register(f, sha256)
        except PullStopped:
            report.cancelled = True
            break
        except (EvidenceError, ValueError) as exc:
            report.results.append(FileResult(f.path, "failed", message=str(exc)))
            if getattr(exc, "disk_full", False):
                break  # a full store fails every following file the same way
            continue
        report.results.append(FileResult(f.path, "linked" if present else "stored", sha256, unreadable=unreadable))
    return report
