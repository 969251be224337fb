"""The evidence store: files addressed by their SHA-256, never changed once stored.

A put writes a temporary file in the store, fsyncs it and renames it into place,
so a crash never leaves a half file under a hash the database points to.
"""
from __future__ import annotations

import abc
import errno
import hashlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

CHUNK = 1024 * 1024


class EvidenceError(Exception):
    """A problem a user can act on; the message is in Chinese."""

    def __init__(self, message: str, *, disk_full: bool = False):
        super().__init__(message)
        self.disk_full = disk_full


@dataclass(frozen=True)
class Stored:
    sha256: str
    size: int
    already_present: bool


class EvidenceStore(abc.ABC):
    """Interface: local directory today, a NAS path or object storage later (design §6)."""

    @abc.abstractmethod
    def put_stream(self, stream: BinaryIO, progress: Callable[[int], None] | None = None) -> Stored: ...

    @abc.abstractmethod
    def open(self, sha256: str) -> BinaryIO: ...

    @abc.abstractmethod
    def contains(self, sha256: str) -> bool: ...

    @abc.abstractmethod
    def hashes(self) -> Iterator[str]: ...

    def put_bytes(self, data: bytes) -> Stored:
        import io
        return self.put_stream(io.BytesIO(data))

    def put_file(self, path: str | os.PathLike, progress: Callable[[int], None] | None = None) -> Stored:
        with open(path, "rb") as f:
            return self.put_stream(f, progress)

    def check(self, sha256: str) -> str | None:
        """Re-hash one stored file; None when it holds, else what is wrong."""
        if not self.contains(sha256):
            return "文件缺失"
        h = hashlib.sha256()
        with self.open(sha256) as f:
            for block in iter(lambda: f.read(CHUNK), b""):
                h.update(block)
        return None if h.hexdigest() == sha256 else "文件内容与其 SHA-256 不符（已被改动）"


class LocalEvidenceStore(EvidenceStore):
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        (self.root / "objects").mkdir(parents=True, exist_ok=True)
        (self.root / "tmp").mkdir(parents=True, exist_ok=True)
        self.clean_stale_temp()

    def clean_stale_temp(self) -> int:
        """Remove half-written files left by a process that died (killed, power cut) mid-put.
        They were never renamed into place, so nothing points to them."""
        removed = 0
        for tmp in (self.root / "tmp").glob("put-*"):
            pid = tmp.name.split("-")[1]
            if pid.isdigit() and not _alive(int(pid)):
                tmp.unlink(missing_ok=True)
                removed += 1
        return removed

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"不是 SHA-256：{sha256!r}")
        return self.root / "objects" / sha256[:2] / sha256

    def contains(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        return open(self.path(sha256), "rb")

    def hashes(self) -> Iterator[str]:
        for sub in sorted((self.root / "objects").iterdir()):
            for f in sorted(sub.iterdir()):
                yield f.name

    def put_stream(self, stream: BinaryIO, progress: Callable[[int], None] | None = None) -> Stored:
        h = hashlib.sha256()
        size = 0
        fd, tmp = tempfile.mkstemp(dir=self.root / "tmp", prefix=f"put-{os.getpid()}-")
        try:
            with os.fdopen(fd, "wb") as out:
                for block in iter(lambda: stream.read(CHUNK), b""):
                    h.update(block)
                    out.write(block)
                    size += len(block)
                    if progress:
                        progress(len(block))
                out.flush()
                os.fsync(out.fileno())
            digest = h.hexdigest()
            final = self.path(digest)
            if final.exists():
                return Stored(digest, size, True)
            final.parent.mkdir(exist_ok=True)
            os.chmod(tmp, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)  # stored files are read-only
            os.replace(tmp, final)
            tmp = None
            _fsync_dir(final.parent)
            return Stored(digest, size, False)
        except OSError as exc:
            raise EvidenceError(_os_message(exc), disk_full=exc.errno == errno.ENOSPC) from exc
        finally:
            if tmp is not None and os.path.exists(tmp):
                os.unlink(tmp)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _os_message(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "证据存储空间已满，文件未保存。请清理磁盘或联系系统管理员后重试。"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"没有写入证据存储的权限：{exc.filename or ''}。请联系系统管理员。"
    return f"写入证据存储失败：{exc.strerror}。文件未保存，请重试。"
