"""Watching for docked body cameras. The GUI thread only lists the mounted volumes (QStorageInfo,
about once a second, and soon after the platform says the mount table changed) plus the folders
marked as cameras; recognising a new one walks the whole volume (a camera can hold 10,000 files),
so that runs on a worker and the result comes back by queued signal."""
from __future__ import annotations

import sys
import weakref
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QAbstractNativeEventFilter, QCoreApplication, QObject, QRunnable, QStorageInfo, \
    QThreadPool, QTimer, Signal, Slot

from jlclient.devices import volume_events
from jlclient.devices.layouts import Recognised, recognise
from jlclient.devices.volume_events import VolumeEvents

DEBOUNCE_MS = 150   # a mount or a USB arrival comes as a burst of events: list the volumes once after it


def mounted_roots() -> list[Path]:
    return [Path(v.rootPath()) for v in QStorageInfo.mountedVolumes() if v.isValid() and v.isReady()]


class WindowsDeviceEvents(QAbstractNativeEventFilter):
    """Windows: WM_DEVICECHANGE arrivals and removals of volumes, seen by the application's
    top-level windows. The decoding is :func:`jlclient.devices.volume_events.decode_msg`."""

    def __init__(self):
        super().__init__()
        self._callback: Callable[[], None] | None = None

    def start(self, callback: Callable[[], None]) -> None:
        self._callback = callback
        QCoreApplication.instance().installNativeEventFilter(self)

    def stop(self) -> None:
        self._callback = None
        app = QCoreApplication.instance()
        if app is not None:
            app.removeNativeEventFilter(self)

    def nativeEventFilter(self, event_type, message):  # noqa: N802 (Qt name)
        if self._callback is not None and bytes(event_type) == b"windows_generic_MSG":
            if volume_events.decode_msg(int(message)) is not None:
                self._callback()
        return False, 0   # never swallow the message: Qt and other filters see it as well


def platform_events() -> VolumeEvents:
    return volume_events.for_platform(sys.platform, windows=WindowsDeviceEvents)


class _Results(QObject):
    """Carries a recognition's result from the worker to the GUI thread (a queued connection)."""
    done = Signal(str, int, object)      # root, ticket, Recognised | None


class _Recognise(QRunnable):
    def __init__(self, root: Path, ticket: int, results: _Results, recogniser):
        super().__init__()
        self.root, self.ticket, self.results, self.recogniser = root, ticket, results, recogniser

    def run(self) -> None:
        found = None
        try:
            found = self.recogniser(self.root)
        except OSError:
            pass   # the volume vanished mid-walk: the next listing decides
        finally:   # also after any other error, or the root would stay "busy" for good
            self.results.done.emit(str(self.root), self.ticket, found)


class DockWatcher(QObject):
    docked = Signal(object)      # Recognised
    undocked = Signal(str)       # volume root
    _changed = Signal()          # the mount table changed (emitted on the events' thread)

    def __init__(self, extra_roots: list[Path] = (), interval_ms: int = 1000, volumes=mounted_roots, parent=None,
                 *, events: VolumeEvents | None = None, recogniser=recognise):
        super().__init__(parent)
        self.extra = [Path(p) for p in extra_roots]
        self._volumes = volumes
        self._recogniser = recogniser
        self.cameras: dict[str, Recognised] = {}
        self._ignored: set[str] = set()
        self._busy: dict[str, int] = {}           # root -> ticket of the recognition running for it
        self._tickets = 0
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.timeout.connect(self.poll)
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.poll)
        self._changed.connect(self._debounce.start)   # queued: the events call back on their own thread
        self._events = platform_events() if events is None else events
        self._results = _Results()                    # no parent: a running job keeps it alive
        self._results.done.connect(self._recognised)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)                # a walk is disk-bound; two cameras at once is plenty
        self.destroyed.connect(self._events.stop)     # a watcher deleted with its window stops its thread

    def start(self) -> None:
        self.poll()
        self._timer.start()
        self._events.start(_weakly(self._notify))

    def stop(self) -> None:
        """Stop watching; a recognition still running is let finish and its result dropped."""
        self._timer.stop()
        self._debounce.stop()
        self._events.stop()
        self._busy.clear()

    @property
    def unrecognised(self) -> list[str]:
        """Volumes looked at and found not to be cameras (what "mark as camera" may be offered for)."""
        return sorted(self._ignored)

    def mark_as_camera(self, folder: Path) -> None:
        """A volume the profiles did not recognise, which the user says is a camera."""
        self.extra.append(Path(folder))
        self._ignored.discard(str(folder))
        self.poll()

    def poll(self) -> None:
        """List the volumes (cheap, on the GUI thread) and hand new ones to a worker."""
        present = self._present()
        for root in list(self.cameras):
            if root not in present:
                del self.cameras[root]
                self.undocked.emit(root)
        for root in list(self._busy):
            if root not in present:
                del self._busy[root]   # removed while being recognised: its result is dropped
        for key, root in present.items():
            if key not in self.cameras and key not in self._ignored and key not in self._busy:
                self._start_recognising(root)
        self._ignored &= set(present)

    def _present(self) -> dict[str, Path]:
        return {str(p): p for p in [*self._volumes(), *self.extra] if p.is_dir()}

    def _start_recognising(self, root: Path) -> None:
        self._tickets += 1
        self._busy[str(root)] = self._tickets
        self.pool.start(_Recognise(root, self._tickets, self._results, self._recogniser))

    @Slot(str, int, object)
    def _recognised(self, key: str, ticket: int, found: Recognised | None) -> None:
        if self._busy.get(key) != ticket:
            return   # the volume went (or the watcher stopped) meanwhile; a later poll starts afresh
        del self._busy[key]
        if key not in self._present():
            return   # unplugged after the last listing: not docked
        if found is None:
            if Path(key) not in self.extra:
                self._ignored.add(key)   # a plain volume: looked at once, not every second
            return
        self.cameras[key] = found
        self.docked.emit(found)

    def _notify(self) -> None:
        """Called on the events' own thread: only a queued signal may cross to the GUI thread."""
        try:
            self._changed.emit()
        except RuntimeError:
            pass   # the watcher was deleted before its events were stopped


def _weakly(method) -> Callable[[], None]:
    """A callback that does not keep the watcher alive (the events' thread would, for ever)."""
    ref = weakref.WeakMethod(method)

    def call() -> None:
        bound = ref()
        if bound is not None:
            bound()
    return call
