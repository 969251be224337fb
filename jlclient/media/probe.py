"""Probing a video or audio file with OpenCV: duration, frame rate, resolution. A file
OpenCV cannot read is still evidence; the probe then says why it is unreadable."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Probe:
    readable: bool
    duration_s: float | None = None
    fps: float | None = None
    width: int | None = None
    height: int | None = None
    codec: str = ""
    problem: str = ""

    @property
    def resolution(self) -> str:
        return f"{self.width}x{self.height}" if self.width and self.height else ""


def probe(path: str | Path) -> Probe:
    import cv2
    if Path(path).stat().st_size == 0:
        return Probe(False, problem="文件为空（0 字节）")
    cap = cv2.VideoCapture(str(path))
    try:
        if not cap.isOpened():
            return Probe(False, problem="无法解码：文件损坏、不完整或不是视频")
        frames = cap.get(cv2.CAP_PROP_FRAME_COUNT)
        fps = cap.get(cv2.CAP_PROP_FPS)
        fourcc = int(cap.get(cv2.CAP_PROP_FOURCC))
        codec = "".join(chr((fourcc >> 8 * i) & 0xFF) for i in range(4)).strip("\x00 ") if fourcc else ""
        ok, _ = cap.read()
        if not ok:
            return Probe(False, problem="无法读出画面：文件可能被截断")
        duration = frames / fps if fps and frames > 0 else None
        return Probe(True, duration, fps or None, int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)),
                     int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)), codec)
    finally:
        cap.release()
