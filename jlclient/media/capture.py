"""Capturing application materials with a document camera (any UVC camera) through OpenCV.

OpenCV is imported lazily so the rest of the application starts without it. A camera
source is a device index (0, 1, …) or, where there is no camera, a video file or stream
URL — the same code path either way.
"""
from __future__ import annotations

from dataclasses import dataclass


class CaptureError(Exception):
    """The message is Chinese and says what to do."""


@dataclass(frozen=True)
class Frame:
    png: bytes
    width: int
    height: int


def _cv2():
    import cv2
    return cv2


def find_cameras(max_index: int = 4) -> list[int]:
    """Device indexes that open and deliver a frame (a document camera is usually 0 or 1)."""
    cv2 = _cv2()
    found = []
    for index in range(max_index):
        cap = cv2.VideoCapture(index)
        try:
            if cap.isOpened() and cap.read()[0]:
                found.append(index)
        finally:
            cap.release()
    return found


def capture(source: int | str, warmup_frames: int = 3) -> Frame:
    """One still from the camera, as PNG (lossless: it is evidence of what was handed in)."""
    cv2 = _cv2()
    cap = cv2.VideoCapture(source)
    try:
        if not cap.isOpened():
            raise CaptureError("无法打开高拍仪（摄像头）。请检查连接，或改用“从文件导入”。")
        ok, image = False, None
        for _ in range(max(1, warmup_frames)):  # cameras adjust exposure over the first frames
            ok, frame = cap.read()
            if ok:
                image = frame
        if image is None:
            raise CaptureError("高拍仪没有送出画面。请重新连接后再试，或改用“从文件导入”。")
    finally:
        cap.release()
    ok, encoded = cv2.imencode(".png", image)
    if not ok:
        raise CaptureError("无法编码拍摄的图像")
    height, width = image.shape[:2]
    return Frame(encoded.tobytes(), width, height)
