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
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from jlclient.devices import volume
from jlclient.domain.errors import ServiceError
from jlclient.domain.model import CameraStatus
from jlclient.media.probe import probe
from jlclient.store import audit
from jlclient.store.audit import utcnow
from jlclient.store.evidence import EvidenceError, sha256_of
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

    @property
    def stored_name(self) -> str:
        return stored_name(self.path)


def stored_name(path: str) -> str:
    """The name a file is registered under: a name that is not valid UTF-8 (its bytes arrive as
    surrogates) is kept with each such byte written \\xNN, so any database can hold it and two
    bad names never fall together; the original bytes go in the audit entry."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def raw_name(path: str) -> str:
    """The name's bytes on the camera, in hex, when the stored name is not the name itself."""
    return path.encode("utf-8", "surrogateescape").hex() if stored_name(path) != path else ""


def shown(path: str) -> str:
    """A name for a line of a text report: control characters escaped, so a newline in a name
    cannot fake a line of its own."""
    return "".join(ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in stored_name(path))


@dataclass(frozen=True)
class Docked:
    root: Path
    serial: str
    officer_no: str = ""
    officer_name: str = ""          # as the device says (GA/T 947)
    clock_offset_s: float = 0.0    # device clock minus workstation clock, at docking
    docking_id: int | None = None  # the Docking row kept for this docking
    clock_note: str = ""           # why no clock offset was applied (时钟无效, unknown); "" when it was
    passed_over: tuple[tuple[str, str], ...] = ()   # (path, reason): links, pipes, devices, never read


# what each file's status means to the person at the dock or the terminal
STATUS_LABELS = {"stored": "新登记", "linked": "已关联（内容已存储）", "skipped": "此前已导入", "failed": "失败",
                 "passed": "跳过"}


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


class AlreadyPulled(Exception):
    """Another workstation registered this file while it was being stored here."""

    def __init__(self, sha256: str):
        super().__init__(sha256)
        self.sha256 = sha256


def _variant(f: CameraFile, sha256: str) -> str:
    """The name a file is registered under when the camera reused the name and size of a file
    already registered with other content (the register is unique by name and size)."""
    return f"{f.stored_name}#{sha256[:16]}"


def registered_as(s, serial: str, f: CameraFile, sha256: str) -> bool:
    """This content is registered from this camera under this file's name (or its variant)."""
    return s.scalar(select(PulledFile.id).where(
        PulledFile.camera_serial == serial, PulledFile.sha256 == sha256, PulledFile.size == f.size,
        PulledFile.path.in_([f.stored_name, _variant(f, sha256)])).limit(1)) is not None


def _already(ctx: AppContext, docked: Docked, f: CameraFile) -> str | None:
    """The hash of this very content registered before from this camera at this name; a file of the
    same name and size with other content is a new file, so it is hashed again to tell."""
    with ctx.db.read() as s:
        if s.scalar(select(PulledFile.id).where(PulledFile.camera_serial == docked.serial, PulledFile.size == f.size,
                                                PulledFile.path == f.stored_name).limit(1)) is None:
            return None
    try:
        with volume.open_file(docked.root, f.path) as fh:
            sha256 = sha256_of(fh)
    except OSError:
        return None    # the pull itself will say why the file cannot be read
    with ctx.db.read() as s:
        return sha256 if registered_as(s, docked.serial, f, sha256) else None


def interrupted(ctx: AppContext, serial: str, files: list[CameraFile]) -> bool:
    """Some files of the camera are registered and some are not: an earlier pull stopped (unplug,
    crash, cancel) or new footage followed it. Either way the docking resumes the pull by itself."""
    with ctx.db.read() as s:
        done = set(s.execute(select(PulledFile.path, PulledFile.size).where(PulledFile.camera_serial == serial)))
    states = {(f.stored_name, f.size) in done for f in files}
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

    def __init__(self, root: Path, relative: str):
        self._f = volume.open_file(root, relative)

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
        reader = _CameraReader(root, f.path)
    except volume.OutsideVolume as exc:
        raise EvidenceError(str(exc)) from exc
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


def lost_race(exc: ServiceError) -> bool:
    """The write lost a race for a unique key (another workstation inserted the same row first):
    worth reading again, unlike the other refusals a write can meet."""
    return isinstance(exc.__cause__, IntegrityError)


def _times(docked: Docked, f: CameraFile, duration_s: float | None) -> tuple[datetime | None, datetime | None]:
    """True start and end; none when the corrected time would be no time at all (a wild clock)."""
    if f.started_at is None:
        return None, None
    try:
        start = f.started_at - timedelta(seconds=docked.clock_offset_s)
        return start, start + timedelta(seconds=duration_s) if duration_s else None
    except OverflowError:
        return None, None


def _register(ctx: AppContext, actor: str, docked: Docked, f: CameraFile, sha256: str) -> str:
    info = probe(ctx.evidence.path(sha256))   # the stored copy: the camera may be unplugged by now
    start, end = _times(docked, f, info.duration_s)
    try:
        _register_once(ctx, actor, docked, f, sha256, info, start, end)
    except ServiceError as exc:
        if not lost_race(exc):
            raise
        # another workstation pulled the same camera at the same moment: its rows stand, and
        # this file is the one it registered, or a new file under its own name
        with ctx.db.read() as s:
            if registered_as(s, docked.serial, f, sha256):
                raise AlreadyPulled(sha256) from None
        _register_once(ctx, actor, docked, f, sha256, info, start, end)
    return info.problem


def _register_once(ctx: AppContext, actor: str, docked: Docked, f: CameraFile, sha256: str, info,
                   start: datetime | None, end: datetime | None) -> None:
    name = f.stored_name
    detail = {"camera": docked.serial, "path": name, "readable": info.readable, "problem": info.problem}
    if raw_name(f.path):
        detail["name_bytes_hex"] = raw_name(f.path)
    with ctx.db.write() as s:
        if registered_as(s, docked.serial, f, sha256):
            raise AlreadyPulled(sha256)     # another workstation registered it while this one stored it
        camera = _camera(s, actor, docked)
        taken = s.scalar(select(PulledFile.sha256).where(PulledFile.camera_serial == docked.serial,
                                                         PulledFile.path == name, PulledFile.size == f.size))
        if taken == sha256:
            raise AlreadyPulled(sha256)     # committed between the two reads
        path = _variant(f, sha256) if taken is not None else name
        av = AvRecord(camera_id=camera.id, officer_id=camera.officer_id, file_hash=sha256,
                      file_name=PurePosixPath(name).name, size=f.size, started_at=start, ended_at=end,
                      duration_s=info.duration_s, container=PurePosixPath(name).suffix.lstrip(".").lower(),
                      codec=info.codec, resolution=info.resolution, important=f.important, created_at=utcnow(),
                      pulled_at=utcnow(), docking_id=docked.docking_id)
        s.add(av)
        audit.append(s, actor, "av.pull", av, detail=detail)
        pulled = PulledFile(camera_serial=docked.serial, path=path, size=f.size, sha256=sha256,
                            av_record_id=av.id, pulled_at=utcnow(), pulled_by=actor)
        s.add(pulled)
        audit.append(s, actor, "av.pulled_file", pulled)


def pull(ctx: AppContext, actor: str, docked: Docked, files: list[CameraFile], *,
         progress: Callable[[str, int], None] | None = None, cancel: Event | None = None) -> PullReport:
    """Pull every file; ``progress(path, bytes)`` reports bytes as they are read. What the volume
    holds besides regular files (links, pipes, devices) is named in the report as passed over."""
    report = pull_files(ctx, docked.root, files, already=lambda f: _already(ctx, docked, f),
                        register=lambda f, sha256: _register(ctx, actor, docked, f, sha256),
                        progress=progress, cancel=cancel)
    report.results[:0] = [FileResult(stored_name(path), "passed", message=f"跳过：{reason}，未读取")
                          for path, reason in docked.passed_over]
    return report


# what can go wrong with one file and stays with that file: the next one is tried all the same
_ONE_FILE = (EvidenceError, ServiceError, ValueError, OSError, OverflowError, UnicodeError, SQLAlchemyError)


def pull_files(ctx: AppContext, root: Path, files: list[CameraFile], *,
               already: Callable[[CameraFile], str | None], register: Callable[[CameraFile, str], str],
               progress: Callable[[str, int], None] | None = None, cancel: Event | None = None,
               device: str = "记录仪") -> PullReport:
    """Store, verify and register each file under ``root`` (a camera volume, an NVR export):
    ``already(f)`` names the hash of a file registered before (skipped), ``register(f, sha256)``
    registers a stored one and returns why it cannot be played ("" when it can); ``device`` names
    what is read in messages. A cancel stops at once, inside a file too: its partial copy is
    discarded and nothing of it is registered. Each file is judged on its own: one that fails
    never stops the rest."""
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
        name = stored_name(f.path)
        try:
            known = already(f)
            if known:
                report.results.append(FileResult(name, "skipped", known))
                continue
            sha256, present = _store(ctx, root, f, lambda n, p=f.path: on_bytes(p, n), device)
            unreadable = register(f, sha256)
        except PullStopped:
            report.cancelled = True
            break
        except AlreadyPulled as exc:
            report.results.append(FileResult(name, "skipped", exc.sha256))
            continue
        except _ONE_FILE as exc:
            report.results.append(FileResult(name, "failed", message=_one_file_message(exc)))
            if getattr(exc, "disk_full", False):
                break  # a full store fails every following file the same way
            continue
        report.results.append(FileResult(name, "linked" if present else "stored", sha256, unreadable=unreadable))
    return report


def _one_file_message(exc: Exception) -> str:
    if isinstance(exc, (EvidenceError, ServiceError, ValueError)) and not isinstance(exc, UnicodeError):
        return str(exc)
    if isinstance(exc, SQLAlchemyError):
        return "登记失败：数据库未能保存此文件的记录，重新接入后会再试"
    return f"处理此文件失败：{exc}"
