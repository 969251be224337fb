"""A recognised camera volume as the pull sees it: identity, clock offset and its files."""
from __future__ import annotations

import hashlib
from pathlib import Path

from jlclient.clock import local, to_utc
from jlclient.devices import volume
from jlclient.devices.layouts import Footage, Recognised
from jlclient.devices.pull import CameraFile, Docked
from jlclient.domain.camera_layout import plausible_clock
from jlclient.store.audit import utcnow


CLOCK_NOTE = ".simulated-clock"   # a simulated camera's clock offset in seconds, at its volume root
IDENTITY_FILES = 3                 # an unidentified camera is known by its first files ...
IDENTITY_BYTES = 64 * 1024         # ... their names, sizes and first bytes
UNIDENTIFIED = "未识别-"            # the serial of a camera that does not say its own


def simulated_offset(root: Path) -> float | None:
    """The clock offset a simulated camera was made with (devices.simulator), None for a real camera."""
    note = Path(root) / CLOCK_NOTE
    try:
        return float(note.read_text(encoding="ascii").strip()) if note.is_file() else None
    except (OSError, ValueError):
        return None


def clock_offset_s(found: Recognised) -> float | None:
    """Device clock minus workstation clock, measured now, at docking; None when the device does not
    say its time. A simulated camera's clock runs on like a real one: its offset is the one it was
    made with, however long ago (see devices.simulator)."""
    if found.clock_invalid:         # 时钟无效: no offset from it, simulated or not
        return None
    simulated = simulated_offset(found.root)
    if simulated is not None:
        return simulated
    offset = found.clock_offset(local(utcnow()))
    return offset.total_seconds() if offset is not None else None


def for_pull(found: Recognised) -> tuple[Docked, list[CameraFile]]:
    """Names and the device clock are the device's wall time; stored times are UTC, corrected
    by the clock offset measured now (device clock minus workstation clock)."""
    offset = clock_offset_s(found)
    device = found.device
    docked = Docked(found.root, device.serial if device else content_identity(found),
                    device.officer_no if device else "", device.officer_name if device else "", offset or 0.0,
                    clock_note=clock_note(found, offset),
                    passed_over=tuple((p.path, p.reason) for p in found.passed_over))
    files = [CameraFile(f.path, f.size, to_utc(f.clip.start) if f.clip and plausible_clock(f.clip.start) else None,
                        bool(f.clip and f.clip.important)) for f in found.files]
    return docked, files


def clock_note(found: Recognised, offset: float | None) -> str:
    """Why no clock offset was applied ("" when one was): an unknown clock is never shown as +0 秒."""
    if found.clock_invalid:
        return f"时钟无效（设备时间 {found.device.device_clock:%Y-%m-%d %H:%M:%S}），未用于计算录像时间"  # type: ignore[union-attr]
    return "设备未报告时钟，未校正录像时间" if offset is None else ""


def content_identity(found: Recognised) -> str:
    """A camera that does not say its serial is known by the content of its first files, so two
    such cameras are never taken for one (the first files stay until the camera is cleared)."""
    digest = hashlib.sha256()
    for f in sorted(found.files, key=lambda f: f.path)[:IDENTITY_FILES]:
        digest.update(f"{f.path}\0{f.size}\0".encode("utf-8", "surrogateescape"))
        digest.update(_head(found.root, f))
    return UNIDENTIFIED + digest.hexdigest()[:16].upper()


def _head(root: Path, f: Footage) -> bytes:
    try:
        with volume.open_file(root, f.path) as fh:
            return fh.read(IDENTITY_BYTES)
    except OSError:
        return b""
