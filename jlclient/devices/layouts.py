"""The shipped camera layout profiles (resources/cameras/<key>.toml) and recognising which one a
mounted volume has. Parsing lives in :mod:`jlclient.domain.camera_layout`; this module reads
the disk. The camera's files are only ever listed and read, never changed."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from jlclient.devices import volume
from jlclient.devices.volume import PassedOver
from jlclient.domain.camera_layout import (KEY_PATTERN, CameraLayout, ClipName, DeviceInfo, LayoutError,
                                           match_name, parse_device_info, parse_layout, plausible_clock)
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
    passed_over: list[PassedOver] = field(default_factory=list)   # links, pipes, devices: never read

    @property
    def clips(self) -> list[Footage]:
        """Footage whose names the layout understands, in (start, seq) order."""
        named = [f for f in self.files if f.clip is not None]
        return sorted(named, key=lambda f: (f.clip.start, f.clip.seq))  # type: ignore[union-attr]

    def clock_offset(self, workstation_now: datetime) -> timedelta | None:
        """Device clock minus workstation clock, when the device said what its clock was and it is
        a clock at all (时钟无效: a date outside 2000–2100 is never used to compute times)."""
        clock = self.device.device_clock if self.device else None
        return None if clock is None or self.clock_invalid else clock - workstation_now

    @property
    def clock_invalid(self) -> bool:
        clock = self.device.device_clock if self.device else None
        return clock is not None and not plausible_clock(clock)


def recognise(volume_root: Path, layouts: list[CameraLayout] | None = None) -> Recognised | None:
    """Which layout a mounted volume (a directory) has, or None if it is not a camera.

    Vendor layouts first: one whose device-information file reads, else the one with the most
    matching footage names. The generic fallback only for a volume with video files in its
    folders (e.g. DCIM/xxx)."""
    root = Path(volume_root)
    if not root.is_dir() or root.is_symlink():
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
    try:
        data = volume.read_capped(root, spec.path)
    except volume.OutsideVolume:
        return None    # a link or a special file in its place: not the camera's own file
    except ValueError as exc:
        raise LayoutError(spec.path, f"设备信息文件无法识别：{exc}") from None
    except OSError as exc:
        raise LayoutError(spec.path, f"读不出来：{exc.strerror or exc}") from None
    if data is None:
        return None
    try:
        text = data.decode(spec.encoding)
    except UnicodeDecodeError:
        raise LayoutError(spec.path, f"设备信息文件无法识别：不是 {spec.encoding} 编码的文本") from None
    return parse_device_info(layout, text)


def _survey(root: Path, layout: CameraLayout) -> Recognised:
    passed: list[PassedOver] = []
    files = _list_footage(root, layout, passed)
    try:
        info, problem = read_device_info(root, layout), ""
    except LayoutError as exc:
        info, problem = None, str(exc)
    device = info or _device_from_names(files)
    return Recognised(root, layout, device, files, info is not None, problem, passed)


def _device_from_names(files: list[Footage]) -> DeviceInfo | None:
    clip = next((f.clip for f in files if f.clip is not None), None)
    return DeviceInfo(clip.serial, clip.officer) if clip else None


def _list_footage(root: Path, layout: CameraLayout, passed: list[PassedOver]) -> list[Footage]:
    seen: dict[str, Footage] = {}
    skipped: list[PassedOver] = []
    for kind, patterns in (("video", layout.video_dirs), ("photo", layout.photo_dirs),
                           ("audio", layout.audio_dirs)):
        for folder in (f for pattern in patterns for f in volume.folders(root, pattern, skipped)):
            for rel, size in volume.walk(root, folder, skipped):
                seen.setdefault(rel, Footage(rel, size, kind, match_name(layout, rel) if kind == "video" else None))
    passed += list({p.path: p for p in skipped}.values())   # a folder in two patterns is named once
    return sorted(seen.values(), key=lambda f: f.path)


def _is_video(layout: CameraLayout, path: str) -> bool:
    return path.rsplit(".", 1)[-1].lower() in layout.video_extensions if "." in path else False
