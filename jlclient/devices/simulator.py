"""A simulated body camera: writes a volume laid out as one camera layout profile says — H.264 +
AAC MP4 segments with a burned-in device time and officer overlay, the frame number encoded as a
row of black/dark-grey blocks (read it back with :func:`read_frame_number`), the device-information
file with a skewed clock, gaps, important marks, an optional truncated file and optional black or
covered-lens stretches (the overlay still burned in on top, as a real camera does)."""
from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from jlclient.clock import local
from jlclient.store.audit import utcnow
from jlclient.devices.dock import CLOCK_NOTE
from jlclient.devices.layouts import load_layout
from jlclient.domain.camera_layout import CameraLayout, DeviceInfo, format_device_info, format_name


def wall_now() -> datetime:
    """The agency's wall-clock time: cameras are set to local time, as their overlays show."""
    return local(utcnow())

AUDIO_RATE = 16000
TONE_HZ = 440.0
BITS = 16                # frame number bits in the picture
BLOCK_H = 12             # height of the block row at the bottom of the frame
BIT_ON = 48              # a one is dark grey, a zero black: a dark band to the eye, not white blocks on the picture
DARK_KINDS = ("black", "covered")


@dataclass(frozen=True)
class Segment:
    path: Path
    start: datetime      # device time
    seconds: int
    seq: int


def simulate(target: Path, layout_key: str, *, officer: str = "130101", serial: str = "DSJ0001",
             officer_name: str = "李娜", unit_no: str = "130126", unit_name: str = "灵寿县行政审批局",
             segments: int = 3, segment_seconds: int = 6, gap_minutes: float = 0.0, skew_seconds: float = 0,
             important: bool = False, broken: bool = False, start: datetime | None = None,
             size: tuple[int, int] = (320, 240), fps: int = 10,
             dark: tuple[tuple[float, float, str], ...] = ()) -> list[Path]:
    """Write a camera volume under ``target``; returns the footage files written (the broken
    one last). ``start`` is workstation time; names, overlay and the device-information clock
    are device time (workstation time + ``skew_seconds``). ``dark`` holds (from second, to
    second, "black" | "covered") stretches, relative to the start of every segment."""
    if any(kind not in DARK_KINDS for _, _, kind in dark):
        raise ValueError(f"dark kinds are {DARK_KINDS}")
    layout = load_layout(layout_key)
    skew = timedelta(seconds=skew_seconds)
    first = ((start or _default_start(segments, segment_seconds, gap_minutes)) + skew).replace(microsecond=0)
    plan = _plan(target, layout, serial, officer, first, segments, segment_seconds, gap_minutes, important)
    for seg in plan:
        _write_segment(seg, officer, serial, size, fps, dark)
    written = [seg.path for seg in plan]
    if broken:
        written.append(_write_broken(target, layout, serial, officer, plan, segment_seconds, size, fps))
    if layout.info is not None:
        info = DeviceInfo(serial, officer, officer_name, unit_no, unit_name,
                          wall_now().replace(microsecond=0) + skew)
        _write_info(target, layout, info)
    # A real camera's clock runs on: docked an hour later, it is still skew_seconds off, not the
    # hour behind that a clock frozen in the file would say. The note keeps the offset itself.
    (target / CLOCK_NOTE).write_text(f"{float(skew_seconds)}\n", encoding="ascii")
    return written


def serial_for(target: Path) -> str:
    """A serial of its own for a simulated camera written to ``target`` (7 letters or digits, as
    GA/T 947 wants): SIM + four characters from the folder's path, so two simulated cameras in two
    folders never share one (and none is the demo's DSJ0001)."""
    alphabet = string.digits + string.ascii_uppercase
    n = int.from_bytes(hashlib.sha256(str(Path(target).resolve()).encode()).digest()[:8], "big")
    tail = ""
    for _ in range(4):
        n, r = divmod(n, len(alphabet))
        tail += alphabet[r]
    return "SIM" + tail


def _default_start(segments: int, seconds: int, gap_minutes: float) -> datetime:
    """So the recording ended a minute before now."""
    span = timedelta(seconds=segments * seconds + 60) + timedelta(minutes=gap_minutes)
    return wall_now() - span


def _plan(target: Path, layout: CameraLayout, serial: str, officer: str, first: datetime, count: int,
          seconds: int, gap_minutes: float, important: bool) -> list[Segment]:
    gap = timedelta(seconds=round(gap_minutes * 60))
    plan, at = [], first
    for index in range(count):
        if index == 2:
            at += gap
        mark = important and index == count - 1
        plan.append(Segment(target / format_name(layout, serial, officer, at, index + 1, mark), at, seconds, index + 1))
        at += timedelta(seconds=seconds)
    return plan


def _write_broken(target: Path, layout: CameraLayout, serial: str, officer: str, plan: list[Segment],
                  seconds: int, size: tuple[int, int], fps: int) -> Path:
    """A valid segment after the last one, then cut in half (as when the battery dies)."""
    at = (plan[-1].start + timedelta(seconds=plan[-1].seconds)) if plan else wall_now().replace(microsecond=0)
    seq = len(plan) + 1
    seg = Segment(target / format_name(layout, serial, officer, at, seq), at, seconds, seq)
    _write_segment(seg, officer, serial, size, fps)
    data = seg.path.read_bytes()
    seg.path.write_bytes(data[: len(data) // 2])
    return seg.path


def _write_info(target: Path, layout: CameraLayout, info: DeviceInfo) -> None:
    spec = layout.info
    assert spec is not None
    path = target / spec.path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(format_device_info(layout, info).encode(spec.encoding))


# ---------------------------------------------------------------- media

def _write_segment(seg: Segment, officer: str, serial: str, size: tuple[int, int], fps: int,
                   dark: tuple[tuple[float, float, str], ...] = ()) -> None:
    seg.path.parent.mkdir(parents=True, exist_ok=True)
    width, height = size
    with av.open(str(seg.path), "w", format="mp4") as container:
        video = container.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.options = {"preset": "ultrafast", "tune": "zerolatency"}
        audio = container.add_stream("aac", rate=AUDIO_RATE)
        audio.layout = "mono"
        frames = seg.seconds * fps
        for index in range(frames):
            picture = draw_frame(index, seg.start + timedelta(seconds=index / fps), officer, serial, size,
                                 _dark_at(dark, index / fps))
            frame = av.VideoFrame.from_ndarray(picture, format="bgr24")
            frame.pts, frame.time_base = index, Fraction(1, fps)
            container.mux(video.encode(frame))
        _write_tone(container, audio, seg.seconds)
        container.mux(video.encode(None))


def _write_tone(container, audio, seconds: int) -> None:
    total, chunk = seconds * AUDIO_RATE, 1024
    for offset in range(0, total, chunk):
        n = min(chunk, total - offset)
        t = (np.arange(offset, offset + n) / AUDIO_RATE).astype(np.float32)
        samples = (0.2 * np.sin(2 * np.pi * TONE_HZ * t)).astype(np.float32).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
        frame.sample_rate, frame.pts, frame.time_base = AUDIO_RATE, offset, Fraction(1, AUDIO_RATE)
        container.mux(audio.encode(frame))
    container.mux(audio.encode(None))


def _dark_at(dark: tuple[tuple[float, float, str], ...], second: float) -> str | None:
    return next((kind for start, end, kind in dark if start <= second < end), None)


def draw_frame(index: int, device_time: datetime, officer: str, serial: str,
               size: tuple[int, int] = (320, 240), dark: str | None = None) -> np.ndarray:
    """One BGR picture: a moving background (or a black or covered-lens picture), the time and
    officer overlay (ASCII, as GA/T 947 cameras burn them in) and the frame number as BITS
    black/dark-grey blocks in a band at the bottom (tests read it; people see a dark edge)."""
    width, height = size
    image = _dark_picture(dark, index, size) if dark else _scene(index, size)
    cv2.putText(image, device_time.strftime("%Y-%m-%d %H:%M:%S"), (6, 18), cv2.FONT_HERSHEY_SIMPLEX, 0.45,
                (255, 255, 255), 1, cv2.LINE_AA)
    cv2.putText(image, f"{officer} {serial}", (6, 38), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 255, 255), 1, cv2.LINE_AA)
    _draw_bits(image, index)
    return image


def _scene(index: int, size: tuple[int, int]) -> np.ndarray:
    width, height = size
    image = np.zeros((height, width, 3), np.uint8)
    image[:, :] = (90 + index % 60, 70, 40)
    cv2.circle(image, (int(width * (0.2 + 0.6 * ((index % 50) / 50))), height // 2), height // 8, (0, 160, 230), -1)
    return image


def _dark_picture(kind: str, index: int, size: tuple[int, int]) -> np.ndarray:
    """Sensor noise on black (lens cap, pocket), or a hand over the lens lit from behind: a dim
    reddish glow, brightest in the middle."""
    width, height = size
    noise = np.random.default_rng(index).integers(0, 7, (height, width, 1), dtype=np.uint8)
    if kind == "black":
        return np.repeat(noise, 3, axis=2)
    y, x = np.ogrid[-1:1:height * 1j, -1:1:width * 1j]
    glow = 1.0 - 0.25 * (x * x + y * y)
    image = glow[..., None] * np.array([40, 50, 110], np.float32)
    return (image + noise).astype(np.uint8)


def _draw_bits(image: np.ndarray, number: int) -> None:
    height, width = image.shape[:2]
    block = width // BITS
    for bit in range(BITS):
        value = BIT_ON if number >> (BITS - 1 - bit) & 1 else 0
        image[height - BLOCK_H:, bit * block:(bit + 1) * block] = value


def read_frame_number(image: np.ndarray) -> int:
    """The frame number :func:`draw_frame` encoded, read from a decoded BGR (or gray) picture."""
    # only the block row: averaging a whole 1080p picture takes ~80 ms, and a reader inside libvlc's
    # display callback that slow makes libvlc drop the frames it is waiting for
    image = image[max(image.shape[0] - BLOCK_H, 0):]
    gray = image if image.ndim == 2 else image.mean(axis=2)
    height, width = gray.shape[:2]
    block = width // BITS
    number = 0
    for bit in range(BITS):
        cell = gray[height - BLOCK_H + 3:height - 3, bit * block + 3:(bit + 1) * block - 3]
        number = number << 1 | int(cell.mean() > BIT_ON / 2)
    return number
