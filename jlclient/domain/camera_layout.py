"""Camera layout profiles (resources/cameras/<key>.toml): how one vendor's body camera
(BodyCamera) lays out its volume — footage folders, the file-name pattern (serial, officer
number, start time, sequence, important flag) and the GA/T 947 device-information file.

Pure: parses TOML text and names; reading the volume is jlclient.devices.layouts' job.
"""
from __future__ import annotations

import configparser
import json
import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping

from jlclient.domain.model import DataFileError

KEY_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
NAME_GROUPS = ("serial", "officer", "start", "seq")
INFO_FIELDS = ("serial", "officer_no", "officer_name", "unit_no", "unit_name", "clock")
INFO_FORMATS = ("text", "ini", "json")
_SERIAL = re.compile(r"[A-Za-z0-9]{7}")
_OFFICER = re.compile(r"\d{6}")
_SAMPLE_START = datetime(2024, 5, 6, 7, 8, 9)
CLOCK_YEARS = (2000, 2100)   # a device clock outside these years is no clock (时钟无效): a flat battery, a bad field
JSON_DEPTH = 16              # a device-information file is two or three levels deep


class LayoutError(DataFileError):
    kind = "记录仪配置文件"


class DeviceInfoError(LayoutError):
    kind = "记录仪设备信息文件"


@dataclass(frozen=True)
class DeviceInfoSpec:
    """Where the GA/T 947 device-information file lives and how to read it."""
    path: str                       # relative to the volume root
    format: str                     # text (KEY=VALUE lines) | ini | json (dotted keys)
    keys: Mapping[str, str]         # our field name (INFO_FIELDS) -> the vendor's key
    clock_format: str = "%Y-%m-%d %H:%M:%S"
    encoding: str = "utf-8"
    section: str = ""               # ini only


@dataclass(frozen=True)
class CameraLayout:
    key: str
    name: str
    description: str
    fallback: bool                  # the generic profile, tried only when no vendor layout fits
    video_dirs: tuple[str, ...]     # glob patterns relative to the root, e.g. "VIDEO/*"
    photo_dirs: tuple[str, ...]
    audio_dirs: tuple[str, ...]
    pattern: re.Pattern[str]        # full match on the relative POSIX path
    start_format: str
    name_format: str                # str.format with serial, officer, start, seq, important
    important_mark: str
    normal_mark: str
    video_extensions: tuple[str, ...]
    info: DeviceInfoSpec | None = field(default=None)

    @property
    def marks_important(self) -> bool:
        return self.important_mark != self.normal_mark


@dataclass(frozen=True)
class ClipName:
    """What a footage file name says (device time)."""
    serial: str
    officer: str
    start: datetime
    seq: int
    important: bool = False


@dataclass(frozen=True)
class DeviceInfo:
    """GA/T 947 device information block plus the device clock at docking."""
    serial: str
    officer_no: str
    officer_name: str = ""
    unit_no: str = ""
    unit_name: str = ""
    device_clock: datetime | None = None


# ---------------------------------------------------------------- parsing a profile

def parse_layout(text: str, filename: str) -> CameraLayout:
    """Parse and validate one layout profile; ``filename`` is for messages and the key check."""
    data = _load_toml(text, filename)
    key = _key(data, filename)
    folders = _table(data, "folders", filename)
    names = _table(data, "names", filename)
    layout = CameraLayout(
        key=key,
        name=_str(data, "name", filename),
        description=_str(data, "description", filename, default=""),
        fallback=_bool(data, "fallback", filename),
        video_dirs=_dirs(folders, "video", filename, required=True),
        photo_dirs=_dirs(folders, "photo", filename),
        audio_dirs=_dirs(folders, "audio", filename),
        pattern=_pattern(names, filename),
        start_format=_str(names, "start_format", filename, "names", default="%Y%m%d%H%M%S"),
        name_format=_str(names, "name_format", filename, "names"),
        important_mark=_str(names, "important_mark", filename, "names", default=""),
        normal_mark=_str(names, "normal_mark", filename, "names", default=""),
        video_extensions=_extensions(folders, filename),
        info=_info_spec(data, filename),
    )
    _check_round_trip(layout, filename)
    return layout


def _load_toml(text: str, filename: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LayoutError(filename, f"不是有效的 TOML：{exc}") from None


def _key(data: Mapping[str, Any], filename: str) -> str:
    key = _str(data, "key", filename)
    if not re.fullmatch(KEY_PATTERN, key):
        raise LayoutError(filename, "只能用小写字母、数字和连字符", "key")
    stem = filename[:-5] if filename.endswith(".toml") else None
    if stem is not None and stem != key:
        raise LayoutError(filename, f"应与文件名一致（{stem}）", "key")
    return key


def _table(data: Mapping[str, Any], name: str, filename: str) -> Mapping[str, Any]:
    value = data.get(name)
    if not isinstance(value, dict):
        raise LayoutError(filename, "缺少这一节", name)
    return value


def _dotted(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _str(data: Mapping[str, Any], name: str, filename: str, prefix: str = "", default: str | None = None) -> str:
    value = data.get(name, default)
    if not isinstance(value, str) or (default is None and not value.strip()):
        raise LayoutError(filename, "应为非空文本", _dotted(prefix, name))
    return value


def _bool(data: Mapping[str, Any], name: str, filename: str) -> bool:
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise LayoutError(filename, "应为 true 或 false", name)
    return value


def _dirs(folders: Mapping[str, Any], name: str, filename: str, required: bool = False) -> tuple[str, ...]:
    value = folders.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise LayoutError(filename, "应为文件夹路径列表", f"folders.{name}")
    if required and not value:
        raise LayoutError(filename, "至少要有一个文件夹", f"folders.{name}")
    for folder in value:
        if not is_safe_relative(folder):
            raise LayoutError(filename, f"“{folder}”不是卷内的相对路径", f"folders.{name}")
    return tuple(value)


def _extensions(folders: Mapping[str, Any], filename: str) -> tuple[str, ...]:
    value = folders.get("video_extensions", ["mp4", "mov", "avi"])
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise LayoutError(filename, "应为扩展名列表", "folders.video_extensions")
    return tuple(v.lower().lstrip(".") for v in value)


def _pattern(names: Mapping[str, Any], filename: str) -> re.Pattern[str]:
    text = _str(names, "pattern", filename, "names")
    try:
        pattern = re.compile(text)
    except re.error as exc:
        raise LayoutError(filename, f"不是有效的正则表达式：{exc}", "names.pattern") from None
    missing = [g for g in NAME_GROUPS if g not in pattern.groupindex]
    if missing:
        raise LayoutError(filename, f"缺少命名分组：{'、'.join(missing)}", "names.pattern")
    return pattern


def _info_spec(data: Mapping[str, Any], filename: str) -> DeviceInfoSpec | None:
    table = data.get("device_info")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise LayoutError(filename, "应为一节", "device_info")
    path = _str(table, "path", filename, "device_info")
    if not is_safe_relative(path):
        raise LayoutError(filename, "不是卷内的相对路径", "device_info.path")
    fmt = _str(table, "format", filename, "device_info")
    if fmt not in INFO_FORMATS:
        raise LayoutError(filename, f"应为 {'、'.join(INFO_FORMATS)} 之一", "device_info.format")
    keys = table.get("keys")
    if not isinstance(keys, dict) or not all(isinstance(keys.get(f), str) and keys[f] for f in INFO_FIELDS):
        raise LayoutError(filename, f"应给出 {'、'.join(INFO_FIELDS)} 各自的键名", "device_info.keys")
    section = _str(table, "section", filename, "device_info", default="")
    if fmt == "ini" and not section:
        raise LayoutError(filename, "INI 格式须给出节名", "device_info.section")
    encoding = _str(table, "encoding", filename, "device_info", default="utf-8")
    try:
        "".encode(encoding)
    except LookupError:
        raise LayoutError(filename, f"未知编码 {encoding}", "device_info.encoding") from None
    return DeviceInfoSpec(path, fmt, {f: keys[f] for f in INFO_FIELDS},
                          _str(table, "clock_format", filename, "device_info", default="%Y-%m-%d %H:%M:%S"),
                          encoding, section)


def _check_round_trip(layout: CameraLayout, filename: str) -> None:
    for important in (False, True) if layout.marks_important else (False,):
        try:
            format_name(layout, "ABC1234", "123456", _SAMPLE_START, 12, important)
        except ValueError as exc:
            raise LayoutError(filename, str(exc), "names.name_format") from None


# ---------------------------------------------------------------- names

def is_safe_relative(path: str) -> bool:
    """A relative POSIX path that stays inside the volume: no '..', no absolute or drive
    paths, no backslashes, no NUL."""
    if not path or "\x00" in path or "\\" in path or path.startswith("/"):
        return False
    parts = path.split("/")
    return ":" not in parts[0] and all(p not in ("", ".", "..") for p in parts)


def match_name(layout: CameraLayout, relative_path: str) -> ClipName | None:
    """What the name of a footage file says, or None if it is not this layout's footage."""
    if not is_safe_relative(relative_path):
        return None
    m = layout.pattern.fullmatch(relative_path)
    if m is None:
        return None
    serial, officer = m.group("serial"), m.group("officer")
    if not _SERIAL.fullmatch(serial) or not _OFFICER.fullmatch(officer):
        return None
    try:
        start = datetime.strptime(m.group("start"), layout.start_format)
        seq = int(m.group("seq"))
    except ValueError:
        return None
    important = "important" in layout.pattern.groupindex and bool(m.group("important"))
    return ClipName(serial, officer, start, seq, important)


def format_name(layout: CameraLayout, serial: str, officer: str, start: datetime, seq: int,
                important: bool = False) -> str:
    """The relative path a camera of this layout writes for a clip; raises ValueError if the
    result would not read back as the same clip."""
    mark = layout.important_mark if important else layout.normal_mark
    try:
        path = layout.name_format.format(serial=serial, officer=officer, start=start, seq=seq, important=mark)
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(f"文件名模板无法使用：{exc!r}") from None
    wanted = ClipName(serial, officer, start.replace(microsecond=0), seq, important and layout.marks_important)
    if match_name(layout, path) != wanted:
        raise ValueError(f"写出的文件名“{path}”与 names.pattern 读回的不一致")
    return path


# ---------------------------------------------------------------- device information

def parse_device_info(layout: CameraLayout, text: str) -> DeviceInfo:
    """Read the GA/T 947 block from the device-information file's text."""
    spec = _require_info(layout)
    values = _read_values(spec, text)
    get = lambda f: values.get(spec.keys[f], "").strip()  # noqa: E731
    serial, officer_no = get("serial"), get("officer_no")
    if not _SERIAL.fullmatch(serial):
        raise DeviceInfoError(spec.path, f"产品序号应为 7 位字母或数字，实为“{serial}”", spec.keys["serial"])
    if not _OFFICER.fullmatch(officer_no):
        raise DeviceInfoError(spec.path, f"警号应为 6 位数字，实为“{officer_no}”", spec.keys["officer_no"])
    return DeviceInfo(serial, officer_no, get("officer_name"), get("unit_no"), get("unit_name"),
                      _clock(spec, get("clock")))


def format_device_info(layout: CameraLayout, info: DeviceInfo) -> str:
    """The device-information file's text as the camera writes it (for the simulator)."""
    spec = _require_info(layout)
    clock = info.device_clock.strftime(spec.clock_format) if info.device_clock else ""
    raw = {"serial": info.serial, "officer_no": info.officer_no, "officer_name": info.officer_name,
           "unit_no": info.unit_no, "unit_name": info.unit_name, "clock": clock}
    values = {spec.keys[f]: raw[f] for f in INFO_FIELDS}
    if spec.format == "json":
        return json.dumps(_nest(values), ensure_ascii=False, indent=2) + "\n"
    lines = [f"{k}={v}" for k, v in values.items()]
    header = [f"[{spec.section}]"] if spec.format == "ini" else []
    return "\r\n".join(header + lines) + "\r\n"


def _require_info(layout: CameraLayout) -> DeviceInfoSpec:
    if layout.info is None:
        raise LayoutError(f"{layout.key}.toml", "此机型没有设备信息文件", "device_info")
    return layout.info


def _read_values(spec: DeviceInfoSpec, text: str) -> dict[str, str]:
    text = text.lstrip("\ufeff")
    if spec.format == "json":
        return _read_json(spec, text)
    if spec.format == "ini":
        return _read_ini(spec, text)
    pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line)
    return {k.strip(): v.strip() for k, v in pairs}


def _read_ini(spec: DeviceInfoSpec, text: str) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        raise DeviceInfoError(spec.path, f"不是有效的 INI：{exc}") from None
    if not parser.has_section(spec.section):
        raise DeviceInfoError(spec.path, f"缺少 [{spec.section}] 节")
    return dict(parser.items(spec.section))


def plausible_clock(value: datetime) -> bool:
    """A device time that can be used to compute footage times (else 时钟无效)."""
    return CLOCK_YEARS[0] <= value.year <= CLOCK_YEARS[1]


def _json_depth(text: str) -> int:
    """How deep brackets nest, outside strings: checked before parsing, so no input can recurse far."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            escaped, in_string = (False, True) if escaped else (ch == "\\", ch != '"')
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _read_json(spec: DeviceInfoSpec, text: str) -> dict[str, str]:
    if _json_depth(text) > JSON_DEPTH:
        raise DeviceInfoError(spec.path, f"设备信息文件无法识别：嵌套超过 {JSON_DEPTH} 层")
    try:
        # numbers stay text: a 5,000-digit number is a field we will not use, not a conversion to attempt
        data = json.loads(text, parse_int=str, parse_float=str, parse_constant=str)
    except (json.JSONDecodeError, RecursionError, ValueError) as exc:
        raise DeviceInfoError(spec.path, f"设备信息文件无法识别：不是有效的 JSON（{exc}）") from None
    values = {}
    for dotted in spec.keys.values():
        node: Any = data
        for part in dotted.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node is not None and not isinstance(node, (dict, list)):
            values[dotted] = str(node)
    return values


def _nest(values: Mapping[str, str]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for dotted, value in values.items():
        *parents, leaf = dotted.split(".")
        node = root
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return root


def _clock(spec: DeviceInfoSpec, value: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, spec.clock_format)
    except ValueError:
        raise DeviceInfoError(spec.path, f"设备时间“{value}”不符合格式 {spec.clock_format}",
                              spec.keys["clock"]) from None
