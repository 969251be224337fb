"""The player widget on the real libvlc: offscreen through vmem, driven by keys and clicks as a reviewer
would; and once natively embedded (set_xwindow) in a real X server (Xvfb), read back from the screen."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage

from jlclient.media.player import State
from jlclient.ui.player_widget import PlayerWidget
from tests.support.clips import (FRAME_MS, SEGMENT_BASE, broken_clip, cached_clip, number_of_image, session, single,
                                 true_ms)
from tests.support.keys import type_text

ROOT = Path(__file__).resolve().parents[2]
WAIT_MS = 5000


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return cached_clip(tmp_path_factory, "eight-seconds", seconds=8)


@pytest.fixture
def make(qtbot):
    def _make(segments, strips=()):
        widget = PlayerWidget(segments, strips, audio=False)
        qtbot.addWidget(widget)
        widget.resize(900, 620)
        widget.show()
        qtbot.waitExposed(widget)
        widget.activateWindow()
        qtbot.waitUntil(widget.isActiveWindow)      # shortcuts work in the active window
        widget.setFocus()
        return widget
    return _make


def shown(widget) -> int:
    """The frame number of the picture on screen."""
    return number_of_image(widget.last_frame[0]) if widget.last_frame else -1


def wait_shown(qtbot, widget, test, what: str) -> None:
    try:
        qtbot.waitUntil(lambda: test(shown(widget)), timeout=WAIT_MS)
    except Exception as exc:
        player = widget.player
        raise AssertionError(f"no {what} on screen: frame {shown(widget)} shows, player {player.state} at "
                             f"{player.position_ms()} ms in segment {player.index}") from exc


def wait_still(qtbot, widget, number: int):
    """Until the picture on screen is frame ``number`` (and stays)."""
    wait_shown(qtbot, widget, lambda n: n == number and widget.player.settled, f"frame {number}")
    qtbot.wait(150)
    assert shown(widget) == number


def test_vmem_is_chosen_offscreen_and_shows_the_session_times(qtbot, make, tmp_path_factory):
    widget = make(session(tmp_path_factory))
    assert widget.vmem and widget.player.vmem
    wait_still(qtbot, widget, 0)
    widget.seek(5000)                     # 4 s segments: the second one, 1 s in (its frame 25)
    wait_still(qtbot, widget, SEGMENT_BASE + 25)
    assert widget.segment_label.text() == "片段 2/3"
    assert widget.time_label.text() == "记录仪时间 2026-11-20 09:31:05.00 · 实际时间 09:30:28.00"   # camera 37 s fast
    assert widget.position_label.text() == "00:00:05.00 / 00:00:12.00"


def test_keys_drive_the_player(qtbot, make, clip):
    widget = make(single(clip))
    wait_still(qtbot, widget, 0)
    qtbot.keyClick(widget, Qt.Key_Space)
    wait_shown(qtbot, widget, lambda n: n >= 12, "frame 12 or later")
    assert widget.player.state is State.PLAYING and widget.play_button.text() == "暂停"
    qtbot.keyClick(widget, Qt.Key_Space)
    assert widget.player.state is State.PAUSED and widget.play_button.text() == "播放"
    paused_at = widget.player.position_ms()
    wait_still(qtbot, widget, int(paused_at // FRAME_MS))

    qtbot.keyClick(widget, Qt.Key_Right)
    wait_still(qtbot, widget, int((paused_at + 5000) // FRAME_MS))
    qtbot.keyClick(widget, Qt.Key_Left)
    wait_still(qtbot, widget, int(paused_at // FRAME_MS))
    qtbot.keyClick(widget, Qt.Key_Period)
    wait_still(qtbot, widget, int(paused_at // FRAME_MS) + 1)
    assert widget.player.position_ms() == paused_at + FRAME_MS

    qtbot.keyClick(widget, Qt.Key_BracketRight)
    assert widget.player.rate == 1.5 and widget.rate_box.currentText() == "1.5×"
    for _ in range(3):
        qtbot.keyClick(widget, Qt.Key_BracketRight)
    assert widget.player.rate == 4.0
    for _ in range(5):
        qtbot.keyClick(widget, Qt.Key_BracketLeft)
    assert widget.player.rate == 0.5 and widget.player.reported_rate() == pytest.approx(0.5)


def test_full_screen_on_f_and_f11_and_off_on_escape(qtbot, make, clip):
    widget = make(single(clip))
    for key in (Qt.Key_F, Qt.Key_F11):
        qtbot.keyClick(widget, key)
        qtbot.waitUntil(widget.isFullScreen, timeout=WAIT_MS)
        qtbot.keyClick(widget, Qt.Key_Escape)
        qtbot.waitUntil(lambda: not widget.isFullScreen(), timeout=WAIT_MS)
    qtbot.keyClick(widget, Qt.Key_F11)
    qtbot.waitUntil(widget.isFullScreen, timeout=WAIT_MS)
    qtbot.keyClick(widget, Qt.Key_F11)
    qtbot.waitUntil(lambda: not widget.isFullScreen(), timeout=WAIT_MS)


def test_a_marker_takes_a_note_shows_as_a_tick_and_seeks_when_clicked(qtbot, make, clip):
    widget = make(single(clip))
    wait_still(qtbot, widget, 0)
    widget.seek(3000)
    wait_still(qtbot, widget, 75)
    qtbot.keyClick(widget, Qt.Key_M)
    assert widget.marker_editor.isVisible() and widget.marker_where.text() == "标记 00:00:03.00"
    type_text(qtbot, widget.marker_note, "当事人出示证件 S.")   # shortcut keys are text here
    with qtbot.waitSignal(widget.marker_added) as added:
        qtbot.keyClick(widget.marker_note, Qt.Key_Return)
    assert added.args == [3000, "当事人出示证件 S."] and not widget.marker_editor.isVisible()
    assert widget.slider.markers == [3000] and widget.marker_list.count() == 1

    widget.set_markers([(3000, "当事人出示证件"), (6200, "开具文书")])
    assert widget.slider.markers == [3000, 6200]
    item = widget.marker_list.item(1)
    assert item.text() == "00:00:06.05  开具文书"     # HH:MM:SS and the frame, 25 fps
    rect = widget.marker_list.visualItemRect(item)
    qtbot.mouseClick(widget.marker_list.viewport(), Qt.LeftButton, pos=rect.center())
    wait_still(qtbot, widget, 155)


def test_snapshot_is_the_frame_on_screen_as_png(qtbot, make, clip):
    widget = make(single(clip))
    wait_still(qtbot, widget, 0)
    widget.seek(5520)
    wait_still(qtbot, widget, 138)
    with qtbot.waitSignal(widget.snapshot_taken) as taken:
        qtbot.keyClick(widget, Qt.Key_S)
    position, png = taken.args
    assert png.startswith(b"\x89PNG") and position == 5520
    image = QImage.fromData(png)
    assert (image.width(), image.height()) == (640, 360) and number_of_image(png) == 138


def test_played_is_reported_once_per_segment(qtbot, make, tmp_path_factory):
    widget = make(session(tmp_path_factory))
    seen = []
    widget.played.connect(seen.append)
    wait_still(qtbot, widget, 0)
    widget.seek(3600)
    wait_still(qtbot, widget, 90)
    qtbot.keyClick(widget, Qt.Key_Space)
    wait_shown(qtbot, widget, lambda n: n >= SEGMENT_BASE + 5, "second segment")
    assert seen == [0, 1] and widget.segment_label.text() == "片段 2/3"


def test_the_timeline_shows_thumbnail_strips_and_jumps_where_clicked(qtbot, make, tmp_path_factory, tmp_path):
    strip = tmp_path / "strip.png"
    picture = QImage(320, 36, QImage.Format_RGB32)
    picture.fill(QColor("#00c000"))
    picture.save(str(strip))
    widget = make(session(tmp_path_factory), [strip, None, strip])
    assert [pixmap is not None for _, _, pixmap in widget.slider.strips] == [True, False, True]
    wait_still(qtbot, widget, 0)
    groove = widget.slider.groove()
    green = widget.slider.grab().toImage().pixelColor(groove.left() + groove.width() // 6, groove.center().y())
    assert green.green() > 150 and green.red() < 80
    qtbot.mouseClick(widget.slider, Qt.LeftButton, pos=QPoint(round(widget.slider.x_of(9000)), groove.center().y()))
    wait_shown(qtbot, widget, lambda n: n // SEGMENT_BASE == 2 and widget.player.settled, "third segment")
    qtbot.wait(200)
    one_pixel_ms = 12000 / groove.width()
    assert abs(true_ms(shown(widget)) - 9000) <= one_pixel_ms + FRAME_MS


def test_a_broken_file_shows_a_message_and_signals_it(qtbot, clip, tmp_path):
    widget = PlayerWidget(audio=False)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.error) as failed:
        widget.set_segments(single(broken_clip(tmp_path, clip)))
    assert failed.args == ["无法播放：文件损坏或格式不受支持（broken.mp4）"]
    assert widget.status.text() == failed.args[0] and widget.video.message == failed.args[0]
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    with qtbot.waitSignal(widget.error):
        qtbot.keyClick(widget, Qt.Key_Space)         # tries again: the same message, no crash, no hang
    qtbot.keyClick(widget, Qt.Key_S)
    assert widget.status.text() == "还没有画面，无法截图"


NATIVE_CHILD = r"""
import json, sys, time
from pathlib import Path
import cv2
import numpy as np
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget
app = QApplication([])
from jlclient.devices.simulator import read_frame_number
from jlclient.media.player import State
from jlclient.ui.player_widget import PlayerWidget
from tests.support.clips import number_of_image, single

def spin(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)

def screen_check(name):
    # mean brightness of the video surface on the screen, and the frame number read from it
    surface = widget.video
    origin = surface.mapToGlobal(surface.rect().topLeft())
    screen = QGuiApplication.primaryScreen().grabWindow(0).toImage().convertToFormat(QImage.Format_RGB32)
    screen.save(str(Path(sys.argv[2]) / f"{name}.png"))
    shot = np.frombuffer(screen.constBits(), np.uint8).reshape(screen.height(), screen.bytesPerLine() // 4, 4)
    area = shot[origin.y():origin.y() + surface.height(), origin.x():origin.x() + surface.width(), :3]
    scale = min(surface.width() / 640, surface.height() / 360)      # libvlc fits the 16:9 picture, centred
    w, h = round(640 * scale), round(360 * scale)
    x0, y0 = (surface.width() - w) // 2, (surface.height() - h) // 2
    picture = cv2.resize(np.ascontiguousarray(area[y0:y0 + h, x0:x0 + w]), (640, 360), interpolation=cv2.INTER_AREA)
    return {"mean": float(area.mean()), "number": read_frame_number(picture), "width": surface.width(),
            "position_ms": widget.player.position_ms()}

window = QWidget()                      # the player inside a window, as in the reviewer
widget = PlayerWidget(single(Path(sys.argv[1])), audio=False)
QVBoxLayout(window).addWidget(widget)
window.resize(900, 640)
window.show()
spin(0.5)
widget.player.play()
deadline = time.monotonic() + 10
while widget.player.position_ms() < 1500 and time.monotonic() < deadline:
    spin(0.05)
report = {"playing": widget.player.state is State.PLAYING, "platform": QGuiApplication.platformName(),
          "vmem": widget.vmem}
widget.player.pause()
spin(0.8)
report["window"] = screen_check("window")
shots = []
widget.snapshot_taken.connect(lambda ms, png: shots.append((ms, number_of_image(png), len(png))))
widget.snapshot()
report["snapshot"] = shots[0] if shots else None
widget.toggle_full_screen()
spin(1.0)
report["full_screen"] = dict(screen_check("full"), on=widget.isFullScreen())
widget.leave_full_screen()
spin(0.5)
report["back"] = dict(screen_check("back"), on=widget.isFullScreen())
report["error"] = widget.status.text()
print(json.dumps(report))
window.close()
"""


def test_native_embedding_shows_video_in_a_real_x_server(clip, tmp_path):
    """set_xwindow into the widget's native child under Xvfb: the picture is on the screen (read back
    from a screen grab), in the window and full screen; the snapshot is libvlc's own, a real frame."""
    # make test installs xvfb (packaging/apt-run.txt): without it the install is broken, not the test
    assert shutil.which("xvfb-run"), "xvfb-run is missing: run packaging/bootstrap.sh test"
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", sys.executable, "-c", NATIVE_CHILD,
                           str(clip), str(tmp_path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["platform"] == "xcb" and not report["vmem"] and report["playing"] and report["error"] == ""
    for where in ("window", "full_screen", "back"):
        seen = report[where]
        assert seen["mean"] > 30, where                   # not black: libvlc drew into the embedded window
        assert abs(seen["number"] * FRAME_MS - seen["position_ms"]) <= FRAME_MS, where
    assert report["full_screen"]["on"] and report["full_screen"]["width"] > 1200 > report["window"]["width"]
    assert not report["back"]["on"] and report["back"]["width"] == report["window"]["width"]
    position, number, size = report["snapshot"]
    assert size > 1000 and abs(number * FRAME_MS - position) <= FRAME_MS
