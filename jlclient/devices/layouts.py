"""The shipped camera layout profiles (resources/cameras/<key>.toml) and recognising which one a
mounted volume has. Parsing lives in :mod:`jlclient.domain.camera_layout`; this module reads
the disk. The camera's files are only ever listed and read, never changed."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from jlclient.domain.camera_layout import (KEY_PATTERN, CameraLayout, ClipName, DeviceInfo, LayoutError,
                                           match_name, parse_device_info, parse_layout)
from jlclient.datafiles import Catalogue

LAYOUT_DIR = Path(__file__).resolve().parents[2] / "resources" / "cameras"

_LAYOUTS = Catalogue(LAYOUT_DIR, parse_layout, LayoutError, KEY_PATTERN, "记录仪配置")


def available_keys() -> list[str]:
    return _LAYOUTS.keys()


def list_layouts() -> list[CameraLayout]:
    """Every shipped layout, sorted by key; a broken file raises LayoutError."""
    return _LAYOUTS.all()


def load_layout(key: str) -> CameraLayout:
    return _LAYOUTS.load(key)


@dataclass(frozen=True)
class Footage:
    """One file in the layout's footage folders."""
    path: str                   # relative to the volume root, POSIX separators
    size: int
    kind: str                   # video | photo | audio
    clip: ClipName | None       # None: the name does not follow the layout (still evidence)


@dataclass(frozen=True)
class Recognised:
    """A volume recognised as a BodyCamera of one layout."""
    root: Path
    layout: CameraLayout
    device: DeviceInfo | None   # from the device-information file, else from the first clip name
    files: list[Footage] = field(default_factory=list)
    info_found: bool = False    # the device-information file was there and readable
    info_problem: str = ""      # why the device-information file could not be used

    @property
    def clips(self) -> list[Footage]:
        """Footage whose names the layout understands, in (start, seq) order."""
        named = [f for f in self.files if f.clip is not None]
        return sorted(named, key=lambda f: (f.clip.start, f.clip.seq))  # type: ignore[union-attr]

    def clock_offset(self, workstation_now: datetime) -> timedelta | None:
        """Device clock minus workstation clock, when the device said what its clock was."""
        clock = self.device.device_clock if self.device else None
        return None if clock is None else clock - workstation_now


def recognise(volume_root: Path, layouts: list[CameraLayout] | None = None) -> Recognised | None:
    """Which layout a mounted volume (a directory) has, or None if it is not a camera.

    Vendor layouts first: one whose device-information file reads, else the one with the most
    matching footage names. The generic fallback only for a volume with video files in its
    folders (e.g. DCIM/xxx)."""
    root = Path(volume_root)
    if not root.is_dir():
        return None
    layouts = list_layouts() if layouts is None else layouts
    surveys = [_survey(root, layout) for layout in layouts if not layout.fallback]
    found = [s for s in surveys if s.info_found or s.clips]
    if found:
        return max(found, key=lambda s: (s.info_found, len(s.clips)))
    for layout in (layout for layout in layouts if layout.fallback):
        survey = _survey(root, layout)
        if any(_is_video(layout, f.path) for f in survey.files if f.kind == "video"):
            return survey
    return None


def read_device_info(root: Path, layout: CameraLayout) -> DeviceInfo | None:
    """The device-information block, None if the file is absent; LayoutError if unreadable."""
    spec = layout.info
    if spec is None:
        return None
    path = root / spec.path
    if not path.is_file() or path.is_symlink():
        return None
    try:
        text = path.read_bytes().decode(spec.encoding)
    except (OSError, UnicodeDecodeError) as exc:
        raise LayoutError(spec.path, f"读不出来：{exc}") from None
    return parse_device_info(layout, text)


def _survey(root: Path, layout: CameraLayout) -> Recognised:
    files = _list_footage(root, layout)
    try:
        info, problem = read_device_info(root, layout), ""
    except LayoutError as exc:
        info, problem = None, str(exc)
    device = info or _device_from_names(files)
    return Recognised(root, layout, device, files, info is not None, problem)


def _device_from_names(files: list[Footage]) -> DeviceInfo | None:
    clip = next((f.clip for f in files if f.clip is not None), None)
    return DeviceInfo(clip.serial, clip.officer) if clip else None


def _list_footage(root: Path, layout: CameraLayout) -> list[Footage]:
    seen: dict[str, Footage] = {}
    for kind, patterns in (("video", layout.video_dirs), ("photo", layout.photo_dirs),
                           ("audio", layout.audio_dirs)):
        for folder in _folders(root, patterns):
            for path, size in _walk(folder):
                rel = path.relative_to(root).as_posix()
                seen.setdefault(rel, Footage(rel, size, kind, match_name(layout, rel) if kind == "video" else None))
    return sorted(seen.values(), key=lambda f: f.path)


def _folders(root: Path, patterns: tuple[str, ...]) -> list[Path]:
    found = []
    for pattern in patterns:
        try:
            found += [p for p in sorted(root.glob(pattern)) if p.is_dir() and not p.is_symlink()]
        except (OSError, ValueError):
            continue  # the volume vanished or the pattern is odd: list what we can
    return found


def _walk(folder: Path):
    """(path, size) of every regular file under folder, symlinks never followed."""
    for dirpath, _dirs, names in os.walk(folder, followlinks=False):
        for name in sorted(names):
            path = Path(dirpath) / name
            try:
                st = path.lstat()
            except OSError:
                continue  # vanished while listing (unplugged)
            if not path.is_symlink() and path.is_file():
                yield path, st.st_size


def _is_video(layout: CameraLayout, path: str) -> bool:
    return path.rsplit(".", 1)[-1].lower() in layout.video_extensions if "." in path else False
