"""Footage analysis on real files: simulated body-camera clips (OSD burned in on top of black or
covered stretches, as a real camera does), a raw stream without a stated length, broken files."""
import threading
from datetime import datetime
from fractions import Fraction

import av
import cv2
import numpy as np
import pytest

from jlclient.devices.simulator import draw_frame, simulate
from jlclient.media.analysis import AnalysisCancelled, analyse, classify_frame

START = datetime(2026, 3, 9, 8, 30, 0)
STEP = 0.5


def clip(root, seconds=12, **kw):
    return simulate(root, "record-folder", segments=1, segment_seconds=seconds, start=START, **kw)[0]


@pytest.fixture(scope="module")
def black_clip(tmp_path_factory):
    return clip(tmp_path_factory.mktemp("black"), dark=((4, 9, "black"),))


def close(actual, expected):
    return abs(actual - expected) <= STEP


def test_black_stretch_is_one_black_span(black_clip):
    result = analyse(black_clip, step_s=STEP)
    assert result.readable and result.problem == "" and result.duration_s == pytest.approx(12.0)
    [span] = result.dark_spans
    assert span.kind == "black" and close(span.start_s, 4) and close(span.end_s, 9)


def test_covered_lens_is_a_covered_span(tmp_path):
    result = analyse(clip(tmp_path, dark=((2.5, 8, "covered"),)), step_s=STEP)
    [span] = result.dark_spans
    assert span.kind == "covered" and close(span.start_s, 2.5) and close(span.end_s, 8)


@pytest.mark.parametrize("size", [(320, 240), (640, 360)], ids=["4:3", "16:9"])
def test_normal_footage_with_osd_has_no_spans(tmp_path, size):
    result = analyse(clip(tmp_path, seconds=6, size=size))
    assert result.readable and result.dark_spans == ()


def test_short_blips_are_dropped_and_a_span_at_the_end_is_closed(tmp_path):
    dark = ((1, 2, "black"), (4, 5.5, "covered"), (8, 12, "covered"))
    result = analyse(clip(tmp_path, dark=dark), step_s=STEP, min_span_s=2.0)
    assert [(s.kind, round(s.start_s), round(s.end_s)) for s in result.dark_spans] == [("covered", 8, 12)]
    assert len(analyse(clip(tmp_path / "b", dark=dark), step_s=STEP, min_span_s=1.0).dark_spans) == 3


def test_frames_are_judged_past_the_overlay():
    def frame(dark):
        return draw_frame(3, START, "130101", "DSJ0001", (640, 480), dark)
    assert [classify_frame(frame(kind)) for kind in (None, "black", "covered")] == [None, "black", "covered"]
    # a flat scene with one small object (the simulator's) is content, not a covered lens
    assert classify_frame(draw_frame(3, START, "130101", "DSJ0001", (1280, 720))) is None
    grey = np.full((480, 640), 150, np.uint8)
    assert classify_frame(grey) == "covered"  # bright but uniform: a lens pressed on a surface
    rng = np.random.default_rng(1)
    scene = cv2.resize(rng.integers(0, 255, (60, 80), dtype=np.uint8), (640, 480), interpolation=cv2.INTER_CUBIC)
    dim, hazy = (scene * 0.3).astype(np.uint8), (scene * 0.12 + 100).astype(np.uint8)
    assert [classify_frame(x) for x in (scene, dim, hazy)] == [None, None, None]  # detail tells them apart


def test_thumbnails_are_evenly_spaced_small_pngs(black_clip):
    result = analyse(black_clip, thumbnails=6, thumb_height=48)
    times = [t.at_s for t in result.thumbnails]
    assert len(times) == 6 and times == sorted(times) and times[0] < 1.5 and times[-1] > 10.5
    assert max(np.diff(times)) - min(np.diff(times)) <= 0.2
    for thumb in result.thumbnails:
        image = cv2.imdecode(np.frombuffer(thumb.png, np.uint8), cv2.IMREAD_COLOR)
        assert image.shape == (48, 64, 3)
        middle = image[16:32].mean()
        assert (middle < 20) == (4 <= thumb.at_s < 9), thumb.at_s  # the frame is the one at that time


def test_a_stream_without_a_stated_length_still_gets_a_strip(tmp_path):
    # a raw stream states neither length nor rate: timed at 25 fps, long enough to thin the kept frames
    path, fps, seconds = tmp_path / "raw.h264", 25, 30
    with av.open(str(path), "w", format="h264") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        for index in range(seconds * fps):
            picture = draw_frame(index, START, "130101", "DSJ0001", (160, 120), "black" if index >= 20 * fps else None)
            frame = av.VideoFrame.from_ndarray(picture, format="bgr24")
            frame.pts, frame.time_base = index, Fraction(1, fps)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    result = analyse(path, thumbnails=5)
    times = [t.at_s for t in result.thumbnails]
    assert result.readable and result.duration_s == pytest.approx(30.0)
    assert len(times) == 5 and times[0] < 6 and times[-1] > 24
    assert all(4 <= gap <= 8 for gap in np.diff(times))
    [span] = result.dark_spans
    assert span.kind == "black" and close(span.start_s, 20) and span.end_s == pytest.approx(30.0)


def test_broken_files_are_unreadable_with_a_reason(tmp_path):
    root = tmp_path / "vol"
    _good, cut = simulate(root, "record-folder", segments=1, segment_seconds=2, start=START, broken=True)
    empty, junk = tmp_path / "empty.mp4", tmp_path / "junk.mp4"
    empty.write_bytes(b"")
    junk.write_bytes(b"not a video " * 400)
    problems = {p.name: analyse(p) for p in (cut, empty, junk)}
    assert all(not r.readable and r.thumbnails == () for r in problems.values())
    assert "0 字节" in problems["empty.mp4"].problem
    assert "无法解码" in problems[cut.name].problem and "无法解码" in problems["junk.mp4"].problem
    with pytest.raises(FileNotFoundError):
        analyse(tmp_path / "missing.mp4")


def test_a_file_cut_in_the_middle_says_how_much_could_be_read(tmp_path):
    path = tmp_path / "faststart.mp4"  # index at the front, so the cut file still opens
    with av.open(str(path), "w", format="mp4", options={"movflags": "faststart"}) as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        for index in range(100):
            frame = av.VideoFrame.from_ndarray(draw_frame(index, START, "130101", "DSJ0001", (160, 120)), format="bgr24")
            frame.pts, frame.time_base = index, Fraction(1, 10)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    assert analyse(path).readable
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    result = analyse(path)
    assert not result.readable and "文件不完整" in result.problem and "10.0 秒" in result.problem
    assert result.duration_s == pytest.approx(10.0) and 0 < len(result.thumbnails) < 8


class CountingEvent(threading.Event):
    """Reports itself set from the ``after``-th question on, and counts the questions."""

    def __init__(self, after):
        super().__init__()
        self.after, self.asked = after, 0

    def is_set(self):
        self.asked += 1
        return self.asked >= self.after


def test_cancel_stops_at_once(black_clip):
    event = CountingEvent(after=5)
    with pytest.raises(AnalysisCancelled):
        analyse(black_clip, cancel=event)
    assert event.asked == 5
    assert analyse(black_clip, cancel=threading.Event()).readable
