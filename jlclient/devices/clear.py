"""Clearing a docked camera after its pull: offered only when every footage file on it is stored,
verified and registered. Each file is checked again here — registered with the same size, the
camera's bytes hashing to the registered hash, the stored copy intact — before anything is
removed, and the clearing is audited with the list of files (seed 000 Art. 23: officers may not
keep recordings on the device)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from jlclient.devices import volume
from jlclient.devices.pull import CameraFile, Docked, registered_as, shown
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
    name = shown(f.path)
    with ctx.db.read() as s:
        known = s.scalar(select(PulledFile.id).where(PulledFile.camera_serial == docked.serial,
                                                     PulledFile.path == f.stored_name, PulledFile.size == f.size))
    if known is None:
        raise NotClearable(f"{name} 尚未拷贝登记，不能清空记录仪")
    try:
        with volume.open_file(docked.root, f.path) as camera_file:
            on_camera = sha256_of(camera_file)
    except volume.OutsideVolume as exc:
        raise NotClearable(f"{name} 不是记录仪上的普通文件，不能清空记录仪") from exc
    except OSError as exc:
        raise NotClearable(f"读取 {name} 失败：{exc.strerror}；记录仪可能已被拔出") from exc
    with ctx.db.read() as s:
        if not registered_as(s, docked.serial, f, on_camera):
            raise NotClearable(f"{name} 与已登记的文件不一致（哈希不同），不能清空记录仪")
    problem = ctx.evidence.check(on_camera)
    if problem:
        raise NotClearable(f"{name} 的存储副本校验失败：{problem}")
    return on_camera


def clear_camera(ctx: AppContext, actor: str, docked: Docked, files: list[CameraFile]) -> Cleared:
    """Verify every file again, audit the clearing, then remove the files from the camera: each by
    name inside its own folder, reached without following a link, so nothing outside the camera
    is ever removed."""
    hashes = {f.stored_name: _check(ctx, docked, f) for f in files}
    with ctx.db.write() as s:
        audit.append(s, actor, "camera.clear", entity_type="body_camera", entity_id=docked.serial,
                     detail={"docking": docked.docking_id, "files": hashes})
    for f in files:
        volume.unlink(docked.root, f.path)
    return Cleared(len(files), sum(f.size for f in files))
