"""The mount-table trigger on Linux (a real tmpfs mount), and decoding Windows WM_DEVICECHANGE."""
from __future__ import annotations

import ctypes
import os
import subprocess
import threading

import pytest

from jlclient.devices import volume_events as ve

needs_root = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                                reason="mounting a tmpfs needs root")
linux_only = pytest.mark.skipif(not ve.MountTableEvents.available(), reason="no /proc/self/mountinfo (not Linux)")


class Calls:
    def __init__(self):
        self.event = threading.Event()
        self.count = 0

    def __call__(self):
        self.count += 1
        self.event.set()

    def wait(self, timeout: float = 1.0) -> bool:
        seen = self.event.wait(timeout)
        self.event.clear()
        return seen


def _mount(target) -> None:
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(target)], check=True)


def _umount(target) -> None:
    if subprocess.run(["umount", str(target)]).returncode != 0:
        subprocess.run(["umount", "-l", str(target)], check=True)


@needs_root
@linux_only
def test_mount_and_umount_call_back_within_a_second(tmp_path):
    calls, events = Calls(), ve.MountTableEvents()
    events.start(calls)
    try:
        _mount(tmp_path)
        try:
            assert calls.wait(1.0), "mount not signalled"
        finally:
            _umount(tmp_path)
        assert calls.wait(1.0), "umount not signalled"
    finally:
        events.stop()


@linux_only
def test_stop_ends_the_thread_promptly():
    events = ve.MountTableEvents()
    events.start(Calls())
    thread = events._thread
    events.stop()
    assert thread is not None and not thread.is_alive()
    events.stop()                             # twice is harmless


def test_factory_picks_per_platform():
    assert isinstance(ve.for_platform("darwin"), ve.NoEvents)
    assert isinstance(ve.for_platform("win32"), ve.NoEvents)       # no Qt filter given: the timer alone
    marker = ve.NoEvents()
    assert ve.for_platform("win32", windows=lambda: marker) is marker
    if ve.MountTableEvents.available():
        assert isinstance(ve.for_platform("linux"), ve.MountTableEvents)


@pytest.mark.parametrize("message, wparam, expected", [
    (ve.WM_DEVICECHANGE, ve.DBT_DEVICEARRIVAL, "arrival"),
    (ve.WM_DEVICECHANGE, ve.DBT_DEVICEREMOVECOMPLETE, "removal"),
    (ve.WM_DEVICECHANGE, 0x8001, None),      # DBT_DEVICEQUERYREMOVE: not gone yet
    (ve.WM_DEVICECHANGE, 0x0007, None),      # DBT_DEVNODES_CHANGED
    (0x0010, ve.DBT_DEVICEARRIVAL, None),    # WM_CLOSE
])
def test_device_change_from_message_and_wparam(message, wparam, expected):
    assert ve.device_change(message, wparam) == expected


def _msg(message: int, wparam: int, header: ve.DEV_BROADCAST_HDR | None = None) -> ve.MSG:
    return ve.MSG(hwnd=0x1234, message=message, wParam=wparam,
                  lParam=ctypes.addressof(header) if header is not None else 0)


def test_decode_a_synthetic_native_message():
    volume = ve.DEV_BROADCAST_HDR(ctypes.sizeof(ve.DEV_BROADCAST_HDR), ve.DBT_DEVTYP_VOLUME, 0)
    interface = ve.DEV_BROADCAST_HDR(ctypes.sizeof(ve.DEV_BROADCAST_HDR), 0x0005, 0)   # DBT_DEVTYP_DEVICEINTERFACE
    arrived = _msg(ve.WM_DEVICECHANGE, ve.DBT_DEVICEARRIVAL, volume)
    removed = _msg(ve.WM_DEVICECHANGE, ve.DBT_DEVICEREMOVECOMPLETE, volume)
    assert ve.decode_msg(ctypes.addressof(arrived)) == "arrival"
    assert ve.decode_msg(ctypes.addressof(removed)) == "removal"
    other = _msg(ve.WM_DEVICECHANGE, ve.DBT_DEVICEARRIVAL, interface)
    assert ve.decode_msg(ctypes.addressof(other)) is None          # a mouse or a hub: no new volume
    bare = _msg(ve.WM_DEVICECHANGE, ve.DBT_DEVICEARRIVAL)
    assert ve.decode_msg(ctypes.addressof(bare)) == "arrival"      # no header: look again all the same
    paint = _msg(0x000F, 0)
    assert ve.decode_msg(ctypes.addressof(paint)) is None


def test_msg_layout_matches_win32():
    """hwnd, UINT message, WPARAM, LPARAM at the Win32 offsets for this pointer size."""
    ptr = ctypes.sizeof(ctypes.c_void_p)
    assert ve.MSG.message.offset == ptr and ve.MSG.wParam.offset == 2 * ptr
    assert ve.MSG.lParam.offset == 3 * ptr
