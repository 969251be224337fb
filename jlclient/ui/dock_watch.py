"""Watching for docked body cameras: the mounted volumes are polled about once a second
(QStorageInfo), plus folders the user marked as cameras; each new one is recognised by the
camera layout profiles. (An event trigger — WM_DEVICECHANGE, udev — can call ``poll`` too.)"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QStorageInfo, QTimer, Signal

from jlclient.devices.layouts import Recognised, recognise


def mounted_roots() -> list[Path]:
    return [Path(v.rootPath()) for v in QStorageInfo.mountedVolumes() if v.isValid() and v.isReady()]


class DockWatcher(QObject):
    docked = Signal(object)      # Recognised
    undocked = Signal(str)       # volume root

    def __init__(self, extra_roots: list[Path] = (), interval_ms: int = 1000, volumes=mounted_roots, parent=None):
        super().__init__(parent)
        self.extra = [Path(p) for p in extra_roots]
        self._volumes = volumes
        self.cameras: dict[str, Recognised] = {}
        self._ignored: set[str] = set()
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.timeout.connect(self.poll)

    def start(self) -> None:
        self.poll()
        self._timer.start()

    def mark_as_camera(self, folder: Path) -> None:
        """A volume the profiles did not recognise, which the user says is a camera."""
        self.extra.append(Path(folder))
        self._ignored.discard(str(folder))
        self.poll()

    def poll(self) -> None:
        present = {str(p): p for p in [*self._volumes(), *self.extra] if p.is_dir()}
        for root in list(self.cameras):
            if root not in present:
                del self.cameras[root]
                self.undocked.emit(root)
        for key, root in present.items():
            if key in self.cameras or key in self._ignored:
                continue
            found = recognise(root)
            if found is None:
                if root not in self.extra:
                    self._ignored.add(key)   # a plain volume: looked at once, not every second
                continue
            self.cameras[key] = found
            self.docked.emit(found)
        self._ignored &= set(present)
