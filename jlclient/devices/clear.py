"""Clearing a docked camera after its pull: offered only when every footage file on it is stored,
verified and registered. Each file is checked again here — registered with the same size, the
camera's bytes hashing to the registered hash, the stored copy intact — before anything is
removed, and the clearing is audited with the list of files (seed 000 Art. 23: officers may not
keep recordings on the device)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from jlclient.devices.pull import CameraFile, Docked, safe_path
from jlclient.store import audit
from jlclient.store.evidence import sha256_of
from jlclient.store.models import PulledFile

if TYPE_CHECKING:
    from jlclient.services.context import AppContext

class NotClearable(Exception):
    """Some file is not safely stored yet; the message names it (Chinese)."""


@dataclass(frozen=True)
class Cleared:
    files: int
    bytes: int


def _check(ctx: AppContext, docked: Docked, f: CameraFile) -> str:
    with ctx.db.read() as s:
        registered = s.scalar(select(PulledFile.sha256).where(PulledFile.camera_serial == docked.serial,
                                                              PulledFile.path == f.path, PulledFile.size == f.size))
    if registered is None:
        raise NotClearable(f"{f.path} 尚未拷贝登记，不能清空记录仪")
    try:
        with open(safe_path(docked.root, f.path), "rb") as camera_file:
            on_camera = sha256_of(camera_file)
    except OSError as exc:
        raise NotClearable(f"读取 {f.path} 失败：{exc.strerror}；记录仪可能已被拔出") from exc
    if on_camera != registered:
        raise NotClearable(f"{f.path} 与已登记的文件不一致（哈希不同），不能清空记录仪")
    problem = ctx.evidence.check(registered)
    if problem:
        raise NotClearable(f"{f.path} 的存储副本校验失败：{problem}")
    return registered


def clear_camera(ctx: AppContext, actor: str, docked: Docked, files: list[CameraFile]) -> Cleared:
    """Verify every file again, audit the clearing, then remove the files from the camera."""
    hashes = {f.path: _check(ctx, docked, f) for f in files}
    with ctx.db.write() as s:
        audit.append(s, actor, "camera.clear", entity_type="body_camera", entity_id=docked.serial,
                     detail={"docking": docked.docking_id, "files": hashes})
    for f in files:
        safe_path(docked.root, f.path).unlink(missing_ok=True)
    return Cleared(len(files), sum(f.size for f in files))
