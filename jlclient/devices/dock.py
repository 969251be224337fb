"""A recognised camera volume as the pull sees it: identity, clock offset and its files."""
from __future__ import annotations

from jlclient.clock import local, to_utc
from jlclient.devices.layouts import Recognised
from jlclient.devices.pull import CameraFile, Docked
from jlclient.store.audit import utcnow


def for_pull(found: Recognised) -> tuple[Docked, list[CameraFile]]:
    """Names and the device clock are the device's wall time; stored times are UTC, corrected
    by the clock offset measured now (device clock minus workstation clock)."""
    offset = found.clock_offset(local(utcnow()))
    device = found.device
    docked = Docked(found.root, device.serial if device else "UNKNOWN", device.officer_no if device else "",
                    device.officer_name if device else "", offset.total_seconds() if offset else 0.0)
    files = [CameraFile(f.path, f.size, to_utc(f.clip.start) if f.clip else None,
                        bool(f.clip and f.clip.important)) for f in found.files]
    return docked, files
