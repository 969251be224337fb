"""A recognised camera volume as the pull sees it: identity, clock offset and its files."""
from __future__ import annotations

from pathlib import Path

from jlclient.clock import local, to_utc
from jlclient.devices.layouts import Recognised
from jlclient.devices.pull import CameraFile, Docked
from jlclient.store.audit import utcnow


CLOCK_NOTE = ".simulated-clock"   # a simulated camera's clock offset in seconds, at its volume root


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
    docked = Docked(found.root, device.serial if device else "UNKNOWN", device.officer_no if device else "",
                    device.officer_name if device else "", offset or 0.0)
    files = [CameraFile(f.path, f.size, to_utc(f.clip.start) if f.clip else None,
                        bool(f.clip and f.clip.important)) for f in found.files]
    return docked, files
