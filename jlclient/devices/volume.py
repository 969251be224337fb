"""Reading a camera volume without ever leaving it: every directory is opened relative to its parent
with O_NOFOLLOW, so a symlink at any depth (a DCIM that points to another folder) is never followed,
and a file is removed by name inside its own directory. Symlinks, pipes and device files are listed
as passed over with the reason, never read (a FIFO would block the pull for ever)."""
from __future__ import annotations

import fnmatch
import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Iterator

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
INFO_CAP = 64 * 1024   # a device-information file is a few hundred bytes; more is not one
MAX_DEPTH = 32         # folders nested deeper are no camera's; each level holds a descriptor open


class OutsideVolume(OSError):
    """The name climbs out of the volume, or passes through a link."""


@dataclass(frozen=True)
class PassedOver:
    """Something on the camera that is not a regular file: named in the report, never read."""
    path: str       # relative to the volume root (may hold undecodable bytes as surrogates)
    reason: str     # 符号链接 | 管道 | 设备文件 | 无法读取


def _kind(mode: int) -> str | None:
    if stat.S_ISLNK(mode):
        return "符号链接"
    if stat.S_ISFIFO(mode):
        return "管道"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
        return "设备文件"
    return None


def _parts(relative: str) -> tuple[str, ...]:
    parts = PurePosixPath(relative).parts
    if not parts or PurePosixPath(relative).is_absolute() or ".." in parts or "\x00" in relative:
        raise OutsideVolume(f"不安全的文件名：{relative!r}")
    return parts


def _open_dir(root: Path, parts: tuple[str, ...]) -> int:
    """A descriptor of root/parts..., each step opened inside the last without following a link."""
    fd = os.open(root, _DIR_FLAGS & ~os.O_NOFOLLOW)   # the mount point itself may be reached by a link
    try:
        for part in parts:
            nxt = os.open(part, _DIR_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = nxt
    except OSError:
        os.close(fd)
        raise
    return fd


def open_file(root: Path, relative: str) -> BinaryIO:
    """A regular file of the volume, opened read-only; links and special files are refused."""
    *dirs, name = _parts(relative)
    parent = _open_dir(root, tuple(dirs))
    try:
        fd = os.open(name, _FILE_FLAGS, dir_fd=parent)
    finally:
        os.close(parent)
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise OutsideVolume(f"{relative!r} 不是普通文件（{_kind(mode) or '目录'}）")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def read_capped(root: Path, relative: str, cap: int = INFO_CAP) -> bytes | None:
    """A small file's bytes, None if it is absent; ValueError if it is larger than ``cap``."""
    try:
        f = open_file(root, relative)
    except FileNotFoundError:
        return None
    with f:
        data = f.read(cap + 1)
    if len(data) > cap:
        raise ValueError(f"文件过大（超过 {cap // 1024} KiB）")
    return data


def unlink(root: Path, relative: str) -> None:
    """Remove one file by name inside its own directory (reached without links); never a link's target."""
    *dirs, name = _parts(relative)
    parent = _open_dir(root, tuple(dirs))
    try:
        st = os.stat(name, dir_fd=parent, follow_symlinks=False)
        if not stat.S_ISREG(st.st_mode):
            raise OutsideVolume(f"{relative!r} 不是普通文件")
        os.unlink(name, dir_fd=parent)
    except FileNotFoundError:
        pass
    finally:
        os.close(parent)


def is_dir(root: Path, relative: str) -> bool:
    """A real directory of the volume (no link anywhere on the way)."""
    try:
        os.close(_open_dir(root, _parts(relative)))
        return True
    except (OSError, ValueError):
        return False


def folders(root: Path, pattern: str, passed: list[PassedOver]) -> list[str]:
    """The real directories matching a layout's folder pattern ("DCIM/*"), each component matched
    among the entries of the one before; a link that matches is appended to ``passed``, never entered."""
    found = [""]
    for part in PurePosixPath(pattern).parts:
        matched = []
        for base in found:
            for name, mode in _entries(root, base):
                if not fnmatch.fnmatchcase(name, part):
                    continue
                path = f"{base}/{name}" if base else name
                if stat.S_ISDIR(mode):
                    matched.append(path)
                elif _kind(mode):
                    passed.append(PassedOver(path, _kind(mode)))
        found = matched
    return sorted(found)


def _entries(root: Path, relative: str) -> list[tuple[str, int]]:
    try:
        fd = _open_dir(root, _parts(relative) if relative else ())
    except OSError:
        return []
    try:
        with os.scandir(fd) as it:
            return sorted((e.name, e.stat(follow_symlinks=False).st_mode) for e in it)
    except OSError:
        return []
    finally:
        os.close(fd)


def walk(root: Path, relative: str, passed: list[PassedOver]) -> Iterator[tuple[str, int]]:
    """(relative path, size) of every regular file under root/relative; what is not a regular
    file is appended to ``passed`` with the reason. A directory that vanishes is left out."""
    try:
        fd = _open_dir(root, _parts(relative))
    except OSError:
        return
    yield from _walk_fd(fd, relative, passed, 0)


def _walk_fd(fd: int, relative: str, passed: list[PassedOver], depth: int) -> Iterator[tuple[str, int]]:
    try:
        with os.scandir(fd) as it:
            entries = sorted(it, key=lambda e: e.name)
        subdirs = []
        for entry in entries:
            path = f"{relative}/{entry.name}"
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue  # vanished while listing (unplugged)
            if stat.S_ISDIR(st.st_mode):
                subdirs.append((entry.name, path))
            elif stat.S_ISREG(st.st_mode):
                yield path, st.st_size
            else:
                passed.append(PassedOver(path, _kind(st.st_mode) or "无法读取"))
        for name, path in subdirs:
            if depth >= MAX_DEPTH:
                passed.append(PassedOver(path, "目录层级过深"))
                continue
            try:
                child = os.open(name, _DIR_FLAGS, dir_fd=fd)
            except OSError:
                continue
            yield from _walk_fd(child, path, passed, depth + 1)
    finally:
        os.close(fd)
