"""Telling the dock watcher soon that the set of mounted volumes may have changed, where the
platform says so: on Linux the kernel flags /proc/self/mountinfo (POLLPRI|POLLERR) on every mount
and unmount — no extra package, no udev or D-Bus needed; on Windows the top-level windows get
WM_DEVICECHANGE (decoded here; the Qt native-event filter that feeds it lives in the ui layer).

An event only says "look again": the watcher still lists the volumes itself, so a lost or
spurious event costs at most one poll interval or one extra listing."""
from __future__ import annotations

import ctypes
import os
import select
import threading
from typing import Callable, Protocol

MOUNTINFO = "/proc/self/mountinfo"

# Windows: WM_DEVICECHANGE and the wParam events that mean a volume came or went (dbt.h)
WM_DEVICECHANGE = 0x0219
DBT_DEVICEARRIVAL = 0x8000
DBT_DEVICEREMOVECOMPLETE = 0x8004
DBT_DEVTYP_VOLUME = 0x0002


class VolumeEvents(Protocol):
    """Calls ``callback()`` (on any thread) when the mounted volumes may have changed."""

    def start(self, callback: Callable[[], None]) -> None: ...

    def stop(self) -> None: ...


class NoEvents:
    """A platform without a trigger: the watcher's timer alone finds new volumes."""

    def start(self, callback: Callable[[], None]) -> None:
        pass

    def stop(self) -> None:
        pass


class MountTableEvents:
    """Linux: a daemon thread waits on the mount table; a self-pipe wakes it up to stop."""

    def __init__(self, path: str = MOUNTINFO):
        self.path = path
        self._thread: threading.Thread | None = None
        self._wake: tuple[int, int] | None = None

    @staticmethod
    def available(path: str = MOUNTINFO) -> bool:
        return os.path.exists(path)

    def start(self, callback: Callable[[], None]) -> None:
        if self._thread is not None:
            return
        table = open(self.path, "rb")  # noqa: SIM115 — owned by the thread, closed when it ends
        self._wake = os.pipe()
        self._thread = threading.Thread(target=self._run, args=(table, self._wake[0], callback),
                                        name="mount-table-events", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        thread, wake = self._thread, self._wake
        self._thread = self._wake = None
        if thread is None or wake is None:
            return
        os.write(wake[1], b"x")
        if thread is not threading.current_thread():   # stopped from its own callback: it ends on return
            thread.join(timeout=2)
        os.close(wake[1])

    @staticmethod
    def _run(table, wake_fd: int, callback: Callable[[], None]) -> None:
        poller = select.poll()
        poller.register(table.fileno(), select.POLLPRI | select.POLLERR)
        poller.register(wake_fd, select.POLLIN)
        try:
            while True:
                ready = {fd for fd, _mask in poller.poll()}
                if wake_fd in ready:
                    return
                callback()  # polling resets the kernel's flag: no need to re-read the table
        finally:
            table.close()
            os.close(wake_fd)


# ---------------------------------------------------------------- Windows message decoding

class MSG(ctypes.Structure):
    """The leading fields of a Win32 MSG (winuser.h), laid out for this process's pointer size."""
    _fields_ = [("hwnd", ctypes.c_void_p), ("message", ctypes.c_uint), ("wParam", ctypes.c_size_t),
                ("lParam", ctypes.c_ssize_t)]


class DEV_BROADCAST_HDR(ctypes.Structure):  # noqa: N801 (the Win32 name)
    _fields_ = [("dbch_size", ctypes.c_uint32), ("dbch_devicetype", ctypes.c_uint32),
                ("dbch_reserved", ctypes.c_uint32)]


def device_change(message: int, wparam: int) -> str | None:
    """"arrival" or "removal" for a WM_DEVICECHANGE that adds or removes a device, else None."""
    if message != WM_DEVICECHANGE:
        return None
    return {DBT_DEVICEARRIVAL: "arrival", DBT_DEVICEREMOVECOMPLETE: "removal"}.get(wparam)


def decode_msg(address: int) -> str | None:
    """What a native MSG at ``address`` says about devices: "arrival", "removal" or None.

    Arrivals and removals of non-volume devices (a mouse, a hub) are ignored when the message
    names its device type; without a header any arrival or removal counts (one extra listing)."""
    msg = MSG.from_address(address)
    change = device_change(msg.message, msg.wParam)
    if change is None or not msg.lParam:
        return change
    header = DEV_BROADCAST_HDR.from_address(msg.lParam)
    return change if header.dbch_devicetype == DBT_DEVTYP_VOLUME else None


def for_platform(platform: str, windows: Callable[[], VolumeEvents] | None = None) -> VolumeEvents:
    """The trigger for this platform. Windows needs a Qt native-event filter, which the ui layer
    builds and passes as ``windows``; elsewhere without a trigger the timer alone must do."""
    if platform.startswith("linux") and MountTableEvents.available():
        return MountTableEvents()
    if platform == "win32" and windows is not None:
        return windows()
    return NoEvents()
