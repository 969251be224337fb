"""Footage analysis in one sequential pass with OpenCV: a thumbnail strip and the spans where the
picture is black or the lens covered.

Seeking in H.264 is slow and lands on key frames, so the file is read front to back: every frame is
grabbed (decoded), but only sampled frames (every ``step_s``) and the thumbnail frames are
converted and looked at. Body cameras burn an OSD overlay (time, officer number) into the picture,
which stays on a covered lens, so frames are judged on a band without the top and bottom strips
and by high/low percentiles, never by mean or maximum.
"""
from __future__ import annotations

import math
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Practice values (tuned on simulated clips and synthetic scenes; revisit with real footage).
# Luma is 0–255, measured on a grey frame scaled to SAMPLE_WIDTH with the OSD bands cut off.
SAMPLE_WIDTH = 160        # enough for the statistics, and scaling down averages sensor noise away
OSD_BAND = 0.15           # top and bottom fraction left out: where cameras burn in the OSD
BLACK_PCT, BLACK_LEVEL = 95, 40  # black: 95 % of pixels below 40 (video black is 16); 5 % left for
                                 # overlay remains and a few street lamps at night
LOW_PCT, HIGH_PCT = 2, 98  # covered is judged on these: a small real object (> 2 %) in a flat
                           # scene counts as content, overlay remains (< 2 %) do not
DIM_LEVEL = 80            # covered: dim (p98 below this) without detail — a hand lit from behind …
UNIFORM_SPREAD = 32       # … or any brightness but nearly uniform (p98 − p2 below this)
DETAIL_MAX = 3.0          # 90th pct of |Laplacian| after a light blur: a covered lens scores < 1–2 even
                          # with sensor noise, a lit scene 5–30; very dim flat scenes fall in between
FALLBACK_FPS = 25.0       # when the file states no usable frame rate (PAL cameras)
MAX_FPS = 240.0           # above this the "rate" is a container time base, not a frame rate
TRUNCATION_SLACK_S = 1.0  # the stated length may be a little off (audio longer than video)


class AnalysisCancelled(Exception):
    """Raised by :func:`analyse` when its ``cancel`` event is set; nothing is returned then."""


@dataclass(frozen=True)
class DarkSpan:
    start_s: float
    end_s: float
    kind: str          # "black" (lens cap, in a pocket, night) | "covered" (lens covered: dim or uniform, no detail)

    @property
    def seconds(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class Thumbnail:
    at_s: float
    png: bytes


@dataclass(frozen=True)
class Analysis:
    """``readable`` is False with a Chinese ``problem`` when the file cannot be decoded to the end;
    for a truncated file the spans and thumbnails cover the part that could be read."""
    readable: bool
    problem: str = ""
    duration_s: float | None = None
    dark_spans: tuple[DarkSpan, ...] = ()
    thumbnails: tuple[Thumbnail, ...] = ()


def analyse(path: str | Path, *, thumbnails: int = 8, thumb_height: int = 72, step_s: float = 0.5,
            min_span_s: float = 2.0, cancel: threading.Event | None = None) -> Analysis:
    """Read the file once. Never raises for a bad file (the reason is in ``problem``); raises
    FileNotFoundError for a missing path and :class:`AnalysisCancelled` when ``cancel`` is set."""
    if thumbnails < 0 or thumb_height < 1 or step_s <= 0:
        raise ValueError("thumbnails >= 0, thumb_height >= 1 and step_s > 0")
    import cv2  # lazily, as in probe and capture: the application starts without OpenCV
    if Path(path).stat().st_size == 0:
        return Analysis(False, "文件为空（0 字节）")
    cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)  # no image-sequence fallback for odd names
    try:
        if not cap.isOpened():
            return Analysis(False, "无法解码：文件损坏、不完整或不是视频")
        return _read(cap, _Strip(thumbnails, thumb_height), step_s, min_span_s, cancel)
    except cv2.error:  # a decoder failure deep in the file is a bad file, not a crash
        return Analysis(False, "解码出错：文件可能已损坏")
    finally:
        cap.release()


def classify_frame(image: np.ndarray) -> str | None:
    """Classify one BGR (or grey) picture: "black", "covered" or None (content)."""
    import cv2
    band = _band(image)
    level, low, high = np.percentile(band, (BLACK_PCT, LOW_PCT, HIGH_PCT))
    if level < BLACK_LEVEL:
        return "black"
    edges = np.abs(cv2.Laplacian(cv2.GaussianBlur(band.astype(np.float32), (5, 5), 0), cv2.CV_32F))
    if np.percentile(edges, 90) <= DETAIL_MAX and (high < DIM_LEVEL or high - low < UNIFORM_SPREAD):
        return "covered"
    return None


def _band(image: np.ndarray) -> np.ndarray:
    import cv2
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    height, width = grey.shape
    rows = max(1, round(height * SAMPLE_WIDTH / width))
    small = cv2.resize(grey, (SAMPLE_WIDTH, rows), interpolation=cv2.INTER_AREA)
    cut = int(rows * OSD_BAND)
    return small[cut:rows - cut]


def _read(cap, strip: _Strip, step_s: float, min_span_s: float,
          cancel: threading.Event | None) -> Analysis:
    import cv2
    fps = cap.get(cv2.CAP_PROP_FPS)
    fps = fps if 0 < fps <= MAX_FPS else FALLBACK_FPS
    count = cap.get(cv2.CAP_PROP_FRAME_COUNT)  # 0, negative or absurd for raw streams
    stated = count / fps if math.isfinite(count) and 0 < count < fps * 86400 else None
    strip.plan(stated, 1 / fps)
    samples: list[tuple[float, str | None]] = []
    next_sample, index = 0.0, 0
    while cap.grab():
        if cancel is not None and cancel.is_set():
            raise AnalysisCancelled
        at = index / fps  # body cameras record at a constant rate
        index += 1
        sample = at >= next_sample - 1e-6
        if not (sample or strip.wants(at)):
            continue
        ok, image = cap.retrieve()
        if not ok:
            continue
        if sample:
            samples.append((at, classify_frame(image)))
            next_sample = (math.floor(at / step_s + 1e-6) + 1) * step_s
        if strip.wants(at):
            strip.add(at, image)
    if index == 0:
        return Analysis(False, "无法读出画面：文件可能被截断", stated)
    end = index / fps
    spans, thumbs = _spans(samples, end, min_span_s), strip.finish()
    if stated is not None and end < stated - max(TRUNCATION_SLACK_S, 0.05 * stated):
        return Analysis(False, f"文件不完整：只能读出前 {end:.1f} 秒画面（应有 {stated:.1f} 秒）",
                        stated, spans, thumbs)
    return Analysis(True, "", stated if stated is not None else end, spans, thumbs)


def _spans(samples: list[tuple[float, str | None]], end: float, min_span_s: float) -> tuple[DarkSpan, ...]:
    """Consecutive dark samples make one span, from the first dark sample to the next sample that
    is not dark; black and covered may alternate on a dim covered lens, so the span is named after
    the kind most of its samples had (black on a tie)."""
    spans: list[DarkSpan] = []
    run: list[tuple[float, str]] = []
    for at, kind in [*samples, (end, None)]:
        if kind is not None:
            run.append((at, kind))
            continue
        if run and at - run[0][0] >= min_span_s:
            counts = Counter(k for _, k in run)
            spans.append(DarkSpan(run[0][0], at, "black" if counts["black"] >= counts["covered"] else "covered"))
        run = []
    return tuple(spans)


class _Strip:
    """Thumbnails at evenly spaced times. With a known length the times are planned up front; with
    an unknown one, frames are kept at a spacing that doubles (halving the kept ones) whenever too
    many pile up, and an even choice of those is made at the end."""

    def __init__(self, count: int, height: int):
        self.count, self.height = count, height
        self.targets: list[float] | None = None
        self.kept: list[tuple[float, np.ndarray]] = []
        self.spacing, self.next_keep, self.frame_s = 1.0, 0.0, 0.0

    def plan(self, duration: float | None, frame_s: float) -> None:
        self.frame_s = frame_s
        if duration:
            self.targets = [(i + 0.5) * duration / self.count for i in range(self.count)]

    def wants(self, at: float) -> bool:
        if self.count == 0:
            return False
        if self.targets is not None:
            # the frame on screen at the target time (so even a one-frame clip gets its thumbnail)
            return len(self.kept) < self.count and at + self.frame_s > self.targets[len(self.kept)]
        return at >= self.next_keep - 1e-6

    def add(self, at: float, image: np.ndarray) -> None:
        import cv2
        height, width = image.shape[:2]
        size = (max(1, round(width * self.height / height)), self.height)
        self.kept.append((at, cv2.resize(image, size, interpolation=cv2.INTER_AREA)))
        if self.targets is None:
            if len(self.kept) > 4 * self.count:
                self.kept, self.spacing = self.kept[::2], self.spacing * 2
            self.next_keep = at + self.spacing

    def finish(self) -> tuple[Thumbnail, ...]:
        import cv2
        chosen = self.kept
        if self.targets is None and len(chosen) > self.count:
            chosen = [chosen[int((i + 0.5) * len(chosen) / self.count)] for i in range(self.count)]
        return tuple(Thumbnail(at, cv2.imencode(".png", image)[1].tobytes()) for at, image in chosen)
