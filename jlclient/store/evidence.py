"""The evidence store: files addressed by their SHA-256, never changed once stored.

A put writes a temporary file in the store, fsyncs it and renames it into place,
so a crash never leaves a half file under a hash the database points to. Before the
rename the new file is read back from the disk and hashed again: what was stored is
verified against what was read, and a file that does not match never gets a name.
"""
from __future__ import annotations

import abc
import errno
import hashlib
import os
import queue
import stat
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

CHUNK = 4 * 1024 * 1024       # one read or write
SEGMENT = 64 * 1024 * 1024    # the read-back verification follows the writer this far behind
_BUFFERS = 4                  # blocks in flight between the reader and the hashing thread


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
    # The new file was read back from the store after it was written and hashed to this SHA-256:
    # checking it again right away proves nothing more. False for content that was already present
    # (the copy that is there was not read back) and for stores that do not verify on put.
    verified: bool = False


def sha256_of(f: BinaryIO) -> str:
    """The SHA-256 of everything left to read in a binary file."""
    h = hashlib.sha256()
    buf = memoryview(bytearray(CHUNK))
    while n := f.readinto(buf):
        h.update(buf[:n])
    return h.hexdigest()


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

    @abc.abstractmethod
    def path(self, sha256: str) -> Path:
        """A local file to read the stored content from (for decoders that want a path)."""

    @abc.abstractmethod
    def remove(self, sha256: str) -> None:
        """Remove stored content; only an approved disposal does this (services.retention)."""

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
        with self.open(sha256) as f:
            actual = sha256_of(f)
        return None if actual == sha256 else "文件内容与其 SHA-256 不符（已被改动）"


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

    def remove(self, sha256: str) -> None:
        path = self.path(sha256)
        if path.is_file():
            path.chmod(0o600)        # stored files are read-only
            path.unlink()

    def hashes(self) -> Iterator[str]:
        for sub in sorted((self.root / "objects").iterdir()):
            for f in sorted(sub.iterdir()):
                yield f.name

    def put_stream(self, stream: BinaryIO, progress: Callable[[int], None] | None = None) -> Stored:
        fd, tmp = tempfile.mkstemp(dir=self.root / "tmp", prefix=f"put-{os.getpid()}-")
        try:
            try:
                digest, size = _VerifiedCopy(fd, tmp).run(stream, progress)
            finally:
                os.close(fd)
            final = self.path(digest)
            if final.exists():
                return Stored(digest, size, True)
            final.parent.mkdir(exist_ok=True)
            os.chmod(tmp, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)  # stored files are read-only
            os.replace(tmp, final)
            tmp = None
            _fsync_dir(final.parent)
            return Stored(digest, size, False, verified=True)
        except OSError as exc:
            raise EvidenceError(_os_message(exc), disk_full=exc.errno == errno.ENOSPC) from exc
        finally:
            if tmp is not None and os.path.exists(tmp):
                os.unlink(tmp)


class _VerifiedCopy:
    """Copy a stream into the open temporary file ``fd`` and prove that the disk holds what was read.

    Three threads share the work (hashlib and file I/O release the GIL, so they overlap on a
    multi-core machine): this one reads the stream and writes the file; one hashes the blocks as
    they were read; one follows the writer a segment behind: it puts the written segment on the
    disk (fdatasync), drops it from the page cache (POSIX_FADV_DONTNEED: the pages are clean now,
    so the kernel does drop them and cannot simply hand back what it was given) and reads it back,
    hashing what the disk returns. Both SHA-256 must agree. Where the OS has no fadvise (Windows,
    macOS) the read-back may come from the cache: that still catches a short or lost write, not a
    bad disk.
    """

    def __init__(self, fd: int, path: str):
        self.fd, self.path = fd, path
        self.read_hash = hashlib.sha256()
        self.disk_hash = hashlib.sha256()
        self.read_back = 0
        self.errors: list[BaseException] = []
        self._to_hash: queue.Queue = queue.Queue(maxsize=_BUFFERS)
        self._to_verify: queue.Queue = queue.Queue()
        self._free: queue.Queue = queue.Queue()

    def run(self, stream: BinaryIO, progress: Callable[[int], None] | None) -> tuple[str, int]:
        hasher = threading.Thread(target=self._hash_blocks, name="evidence-hash", daemon=True)
        verifier = threading.Thread(target=self._verify_segments, name="evidence-verify", daemon=True)
        hasher.start()
        verifier.start()
        try:
            try:
                size, segment = self._copy(stream, progress)
            finally:
                self._to_hash.put(None)
                hasher.join()
            self._raise_failure()
            os.fsync(self.fd)
            if size > segment:
                self._to_verify.put((segment, size))
        finally:
            self._to_verify.put(None)
            verifier.join()
        self._raise_failure()
        if self.read_back != size or self.disk_hash.digest() != self.read_hash.digest():
            raise EvidenceError("写入证据存储后读回校验不一致：磁盘上的内容与读取的内容不同，文件未保存。"
                                "请检查证据存储所在的磁盘后重试。")
        return self.read_hash.hexdigest(), size

    def _copy(self, stream: BinaryIO, progress: Callable[[int], None] | None) -> tuple[int, int]:
        """Read and write every block; returns (bytes, where the last segment handed on ended)."""
        size = segment = 0
        for block in self._blocks(stream):
            self._to_hash.put(block)      # hashed while it is written: both only read the buffer
            _write_all(self.fd, block)
            size += len(block)
            if progress:
                progress(len(block))
            if size - segment >= SEGMENT:
                self._raise_failure()
                self._to_verify.put((segment, size))
                segment = size
        return size, segment

    def _blocks(self, stream: BinaryIO) -> Iterator[memoryview | bytes]:
        """The stream's blocks; read into a few reused buffers when the stream can do that."""
        readinto = getattr(stream, "readinto", None)
        if readinto is None:
            yield from iter(lambda: stream.read(CHUNK), b"")
            return
        for _ in range(_BUFFERS + 1):
            self._free.put(bytearray(CHUNK))
        while True:
            buf = self._free.get()
            n = readinto(buf)
            if not n:
                return
            yield memoryview(buf)[:n]

    def _hash_blocks(self) -> None:
        while (block := self._to_hash.get()) is not None:
            try:
                self.read_hash.update(block)
            except BaseException as exc:  # noqa: BLE001 — raised in the writing thread
                self.errors.append(exc)
            if isinstance(block, memoryview):
                self._free.put(block.obj)  # the buffer may be read into again

    def _verify_segments(self) -> None:
        buf = memoryview(bytearray(CHUNK))
        try:
            with open(self.path, "rb", buffering=0) as disk:
                while (item := self._to_verify.get()) is not None:
                    start, end = item
                    _settle(self.fd, start, end)
                    disk.seek(start)
                    while start < end and (n := disk.readinto(buf[:min(CHUNK, end - start)])):
                        self.disk_hash.update(buf[:n])
                        self.read_back += n
                        start += n
        except BaseException as exc:  # noqa: BLE001 — raised in the writing thread
            self.errors.append(exc)
            while self._to_verify.get() is not None:
                pass

    def _raise_failure(self) -> None:
        if self.errors:
            raise self.errors[0]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write_all(fd: int, data: memoryview | bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _settle(fd: int, start: int, end: int) -> None:
    """Put what was written on the disk and drop [start, end) from the page cache, so that reading
    it back reads the disk (the pages are clean after the sync, so the kernel does drop them)."""
    (getattr(os, "fdatasync", None) or os.fsync)(fd)
    if hasattr(os, "posix_fadvise"):
        os.posix_fadvise(fd, start, end - start, os.POSIX_FADV_DONTNEED)


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
