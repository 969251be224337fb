"""H.264 test clips for the player, written with PyAV. Every picture is the body-camera simulator's
picture (jlclient.devices.simulator.draw_frame): moving scene, burned-in device time, and the frame
number as a row of blocks that read_frame_number gives back, so a test knows which frame libvlc
delivered. Clips are written once per test session under pytest's base temporary directory."""
from __future__ import annotations

from datetime import datetime, timedelta
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from jlclient.clock import to_utc
from jlclient.devices.simulator import draw_frame, read_frame_number
from jlclient.media.player import Segment

FPS = 25
GOP = 25                 # a keyframe every second: a seek has to decode up to 24 frames
FRAME_MS = 1000 / FPS
START = datetime(2026, 11, 20, 9, 31, 0)    # device time of the first picture
SEGMENT_BASE = 1000      # segment k of a session numbers its frames from k * 1000


def write_clip(path: Path, *, seconds: float = 8, size: tuple[int, int] = (640, 360), first: int = 0,
               start: datetime = START, fps: int = FPS, gop: int = GOP) -> Path:
    """An MP4 (H.264, no audio) whose picture i shows the number ``first + i``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    with av.open(str(partial), "w", format="mp4") as container:
        video = container.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = size[0], size[1], "yuv420p"
        video.options = {"preset": "ultrafast", "g": str(gop), "keyint_min": str(gop)}
        for index in range(round(seconds * fps)):
            picture = draw_frame(first + index, start + timedelta(seconds=index / fps), "130101", "DSJ0001", size)
            frame = av.VideoFrame.from_ndarray(picture, format="bgr24")
            frame.pts, frame.time_base = index, Fraction(1, fps)
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
    partial.replace(path)
    return path


def clip_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.getbasetemp() / "player-clips"


def cached_clip(tmp_path_factory, name: str, **spec) -> Path:
    """The clip ``name`` of this test session, written on first use."""
    path = clip_dir(tmp_path_factory) / f"{name}.mp4"
    return path if path.is_file() else write_clip(path, **spec)


def session(tmp_path_factory, *, count: int = 3, seconds: float = 4, clock_offset_s: float = 37.0) -> list[Segment]:
    """A recording session of ``count`` segments back to back; the camera's clock runs
    ``clock_offset_s`` ahead of true time."""
    segments = []
    for k in range(count):
        device_start = START + timedelta(seconds=k * seconds)
        path = cached_clip(tmp_path_factory, f"session-{k}-{seconds:g}s", seconds=seconds, first=k * SEGMENT_BASE,
                           start=device_start)
        segments.append(Segment(path, seconds, stored_start(device_start, clock_offset_s), clock_offset_s))
    return segments


def stored_start(device_start: datetime, clock_offset_s: float = 0.0) -> datetime:
    """What the pull stores for a clip the camera stamped ``device_start``: true time, UTC."""
    return to_utc(device_start - timedelta(seconds=clock_offset_s))


def single(path: Path, seconds: float = 8) -> list[Segment]:
    return [Segment(path, seconds, stored_start(START), 0.0)]


def broken_clip(folder: Path, source: Path) -> Path:
    """The first half of a good clip, as when the camera's battery died while writing it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "broken.mp4"
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def pixels_of(frame) -> np.ndarray:
    """A player Frame's picture as a BGR array (call inside on_frame: the pixels are libvlc's)."""
    array = np.frombuffer(frame.pixels, np.uint8).reshape(frame.height, frame.stride // 4, 4)
    return array[:, :frame.width, :3]


def number_of_frame(frame) -> int:
    return read_frame_number(pixels_of(frame))


def number_of_image(image) -> int:
    """The frame number shown in a QImage (RGB32) or a PNG's bytes."""
    from PySide6.QtGui import QImage
    if isinstance(image, (bytes, bytearray)):
        image = QImage.fromData(image)
    image = image.convertToFormat(QImage.Format_RGB32)
    array = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)
    return read_frame_number(array[:, :image.width(), :3])


def true_ms(number: int, segment_seconds: float = 4) -> float:
    """Where a numbered picture of a session sits on the timeline."""
    segment, index = divmod(number, SEGMENT_BASE)
    return segment * segment_seconds * 1000 + index * FRAME_MS
