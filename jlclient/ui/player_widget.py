"""The footage reviewer's player: one recording session as one timeline, with the device's OSD time
and the true time side by side, speeds, frame steps, markers and snapshots.

libvlc runs on its own threads; everything it reports reaches this widget through queued signals
(``_Bridge``), so the GUI thread never waits on libvlc and libvlc never waits on the GUI thread."""
from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from typing import Sequence

from PySide6.QtCore import (QBuffer, QCoreApplication, QIODevice, QObject, QPointF, QRect, QRectF, Qt, QTimer, Signal,
                            Slot)
from PySide6.QtGui import QColor, QGuiApplication, QImage, QKeySequence, QPainter, QPen, QPixmap, QPolygonF, QShortcut
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton,
                               QSizePolicy, QSlider, QVBoxLayout, QWidget)

from jlclient.clock import frame_of_second, with_frames
from jlclient.media.player import RATES, Frame, Player, Segment, State

SEEK_STEP_MS = 5000
REFRESH_MS = 100
SCRUB_MS = 80           # while the handle is dragged, seek at most this often
MarkerRole = Qt.UserRole + 1


def clock_text(ms: float, fps: float = 25.0) -> str:
    """A position on the timeline as HH:MM:SS.ff (ff: the frame within the second)."""
    seconds = int(ms // 1000)
    return (f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}."
            f"{frame_of_second(ms % 1000 * 1000, fps):02d}")


def rate_text(rate: float) -> str:
    return f"{rate:g}×"


class _Bridge(QObject):
    """Carries libvlc's reports onto the GUI thread (queued: never blocks libvlc's threads). Of the
    frames, only the latest waits: a busy GUI thread skips pictures rather than piling them up."""
    call = Signal(object)
    frame_ready = Signal()

    def __init__(self, parent: QObject):
        super().__init__(parent)
        self._lock = threading.Lock()
        self._latest: tuple[QImage, int] | None = None
        self.call.connect(self._run, Qt.QueuedConnection)

    @Slot(object)
    def _run(self, fn) -> None:
        fn()

    def post(self, fn, delay_ms: int = 0) -> None:
        """From any thread; a delay only from the GUI thread (the player asks for one only there)."""
        try:
            if delay_ms:
                QTimer.singleShot(delay_ms, self, fn)
            else:
                self.call.emit(fn)
        except RuntimeError:    # the widget is gone; libvlc is being stopped
            pass

    def deliver(self, frame: Frame) -> None:
        """On libvlc's video thread: copy the picture into a new QImage and post it."""
        image = QImage(frame.pixels, frame.width, frame.height, frame.stride, QImage.Format_RGB32).copy()
        with self._lock:
            waiting, self._latest = self._latest is not None, (image, frame.position_ms)
        if not waiting:
            try:
                self.frame_ready.emit()
            except RuntimeError:
                pass

    def take(self) -> tuple[QImage, int] | None:
        with self._lock:
            latest, self._latest = self._latest, None
        return latest


class VideoView(QWidget):
    """The vmem picture, scaled to fit, black around it; a message when there is nothing to show."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.image: QImage | None = None
        self.message = ""
        self.setMinimumSize(320, 180)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)

    def show_image(self, image: QImage) -> None:
        self.image, self.message = image, ""
        self.update()

    def show_message(self, text: str) -> None:
        self.message = text
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.black)
        if self.image is not None and not self.image.isNull():
            size = self.image.size().scaled(self.size(), Qt.KeepAspectRatio)
            target = QRect(0, 0, size.width(), size.height())
            target.moveCenter(self.rect().center())
            painter.setRenderHint(QPainter.SmoothPixmapTransform)
            painter.drawImage(target, self.image)
        if self.message:
            painter.setPen(QColor("#ff7b6b"))
            painter.drawText(self.rect().adjusted(12, 12, -12, -12), Qt.AlignCenter | Qt.TextWordWrap, self.message)


class NativeSurface(QWidget):
    """A native window for libvlc to draw into (set_xwindow / set_hwnd / set_nsobject)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAttribute(Qt.WA_NativeWindow)
        self.setAttribute(Qt.WA_DontCreateNativeAncestors)
        self.setAttribute(Qt.WA_OpaquePaintEvent)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(self.backgroundRole(), Qt.black)
        self.setPalette(palette)
        self.setMinimumSize(320, 180)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)


class TimelineSlider(QSlider):
    """The seek slider: thumbnail strips of the segments behind the groove, segment boundaries, marker
    ticks; a click jumps to the clicked position."""

    def __init__(self, parent=None):
        super().__init__(Qt.Horizontal, parent)
        self.strips: list[tuple[float, float, QPixmap | None]] = []   # (from, to) as fractions
        self.markers: list[int] = []
        self.setMinimumHeight(44)
        self.setFocusPolicy(Qt.NoFocus)
        self.setPageStep(SEEK_STEP_MS)
        self.setSingleStep(1000)

    def set_segments(self, starts: Sequence[int], total: int, strips: Sequence[Path | None]) -> None:
        self.strips = []
        for i, start in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else total
            path = strips[i] if i < len(strips) else None
            pixmap = QPixmap(str(path)) if path else None
            self.strips.append((start / total if total else 0, end / total if total else 1,
                                pixmap if pixmap and not pixmap.isNull() else None))
        self.update()

    def groove(self) -> QRect:
        return self.rect().adjusted(8, 4, -8, -10)

    def x_of(self, value: int) -> float:
        groove = self.groove()
        span = max(self.maximum() - self.minimum(), 1)
        return groove.left() + groove.width() * (value - self.minimum()) / span

    def value_at(self, x: float) -> int:
        groove = self.groove()
        fraction = min(max((x - groove.left()) / max(groove.width(), 1), 0.0), 1.0)
        return round(self.minimum() + fraction * (self.maximum() - self.minimum()))

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.LeftButton:
            self.setSliderDown(True)
            self.setSliderPosition(self.value_at(event.position().x()))
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if self.isSliderDown():
            self.setSliderPosition(self.value_at(event.position().x()))
            event.accept()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if self.isSliderDown():
            self.setSliderDown(False)
            event.accept()

    def paintEvent(self, _event) -> None:  # noqa: N802
        painter = QPainter(self)
        groove = self.groove()
        painter.fillRect(groove, QColor("#2b2b2b"))
        for start, end, pixmap in self.strips:
            part = QRectF(groove.left() + groove.width() * start, groove.top(), groove.width() * (end - start),
                          groove.height())
            if pixmap is not None:
                painter.drawPixmap(part, pixmap, QRectF(pixmap.rect()))
            painter.setPen(QPen(QColor("#f0f0f0"), 1))
            painter.drawLine(part.topLeft(), part.bottomLeft())
        x = self.x_of(self.sliderPosition())
        painter.fillRect(QRectF(groove.left(), groove.bottom() - 3, x - groove.left(), 4), QColor("#3d8ee6"))
        painter.setPen(Qt.NoPen)
        painter.setBrush(QColor("#f5c518"))
        for ms in self.markers:
            mx = self.x_of(ms)
            bottom = groove.bottom()
            painter.drawPolygon(QPolygonF([QPointF(mx - 5, bottom + 9), QPointF(mx + 5, bottom + 9),
                                           QPointF(mx, bottom + 1)]))
        painter.setPen(QPen(QColor("#ffffff"), 3))
        painter.drawLine(QPointF(x, groove.top() - 3), QPointF(x, groove.bottom() + 3))


class PlayerWidget(QWidget):
    """Plays a recording session. ``vmem``: render through vmem callbacks (automatic on the offscreen
    platform); otherwise libvlc draws into a native child window."""
    marker_added = Signal(int, str)
    snapshot_taken = Signal(int, bytes)
    played = Signal(int)
    error = Signal(str)
    frame_shown = Signal(QImage, int)

    def __init__(self, segments: Sequence[Segment] = (), strips: Sequence[Path | None] = (), *,
                 vmem: bool | None = None, audio: bool = True, parent=None):
        super().__init__(parent)
        self.vmem = QGuiApplication.platformName() == "offscreen" if vmem is None else vmem
        self.audio = audio
        self.player: Player | None = None
        self.last_frame: tuple[QImage, int] | None = None
        self._bridge = _Bridge(self)
        self._bridge.frame_ready.connect(self._frame, Qt.QueuedConnection)
        self._marker_at = 0
        self._markers: list[tuple[int, str]] = []
        self._switching = False           # between window and full screen: hidden for a moment
        self._was_window = True
        self._normal_geometry = QRect()
        self._build()
        self._shortcuts()
        self.set_segments(segments, strips)

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        self.setFocusPolicy(Qt.StrongFocus)
        self.video = VideoView(self) if self.vmem else NativeSurface(self)
        self.slider = TimelineSlider(self)
        self.slider.sliderMoved.connect(self._scrub)
        self.slider.sliderReleased.connect(lambda: self.seek(self.slider.sliderPosition()))
        self._scrub_timer = QTimer(self, singleShot=True, interval=SCRUB_MS)
        self._scrub_timer.timeout.connect(lambda: self.seek(self.slider.sliderPosition()))
        self._build_controls()
        self._build_labels()
        self._build_marker_editor()
        self.marker_list = QListWidget(self, objectName="markerList", focusPolicy=Qt.NoFocus,
                                       toolTip=self.tr("单击标记跳到该处"))
        self.marker_list.setMaximumHeight(90)
        self.marker_list.hide()
        self.marker_list.itemClicked.connect(lambda item: self.seek(item.data(MarkerRole)))
        self._layout()
        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self._refresh)
        self._timer.start()

    def _build_controls(self) -> None:
        self.play_button = self._button(self.tr("播放"), self.toggle, self.tr("播放/暂停（空格）"))
        self.step_button = self._button(self.tr("下一帧"), self.next_frame, self.tr("下一帧（.）"))
        self.marker_button = self._button(self.tr("添加标记"), self.begin_marker, self.tr("在当前位置添加标记（M）"))
        self.snapshot_button = self._button(self.tr("截图"), self.snapshot, self.tr("截取当前画面（S）"))
        self.full_button = self._button(self.tr("全屏"), self.toggle_full_screen, self.tr("全屏（F / F11，Esc 退出）"))
        self.rate_box = QComboBox(self, focusPolicy=Qt.NoFocus, toolTip=self.tr("播放速度（[ 减速，] 加速）"))
        self.rate_box.addItems([rate_text(r) for r in RATES])
        self.rate_box.setCurrentIndex(RATES.index(1.0))
        self.rate_box.activated.connect(lambda i: self.set_rate(RATES[i]))
        self.volume = QSlider(Qt.Horizontal, self, focusPolicy=Qt.NoFocus, toolTip=self.tr("音量"))
        self.volume.setRange(0, 100)
        self.volume.setValue(100)
        self.volume.setMaximumWidth(100)
        self.volume.valueChanged.connect(self._volume)

    def _build_labels(self) -> None:
        self.position_label = QLabel("00:00:00.00 / 00:00:00.00", self, objectName="positionLabel")
        self.segment_label = QLabel("", self, objectName="segmentLabel")
        self.time_label = QLabel("", self, objectName="timeLabel")
        self.status = QLabel("", self, objectName="playerStatus")
        self.status.setStyleSheet("color: #c0392b;")
        self.status.setWordWrap(True)
        self.status.hide()
        self.time_label.setStyleSheet("font-weight: bold;")

    def _button(self, text: str, slot, tip: str) -> QPushButton:
        button = QPushButton(text, self, focusPolicy=Qt.NoFocus, toolTip=tip)
        button.clicked.connect(slot)
        return button

    def _build_marker_editor(self) -> None:
        self.marker_editor = QWidget(self)
        self.marker_note = QLineEdit(self.marker_editor, placeholderText=self.tr("标记说明（回车确定，Esc 取消）"))
        self.marker_note.returnPressed.connect(self.accept_marker)
        self.marker_where = QLabel("", self.marker_editor)
        ok = QPushButton(self.tr("确定"), self.marker_editor, focusPolicy=Qt.NoFocus)
        ok.clicked.connect(self.accept_marker)
        cancel = QPushButton(self.tr("取消"), self.marker_editor, focusPolicy=Qt.NoFocus)
        cancel.clicked.connect(self.cancel_marker)
        row = QHBoxLayout(self.marker_editor)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.marker_where)
        row.addWidget(self.marker_note, 1)
        row.addWidget(ok)
        row.addWidget(cancel)
        self.marker_editor.hide()

    def _layout(self) -> None:
        controls = QHBoxLayout()
        for widget in (self.play_button, self.step_button, self.position_label, self.segment_label):
            controls.addWidget(widget)
        controls.addStretch(1)
        controls.addWidget(QLabel(self.tr("速度"), self))
        controls.addWidget(self.rate_box)
        controls.addWidget(QLabel(self.tr("音量"), self))
        controls.addWidget(self.volume)
        for widget in (self.marker_button, self.snapshot_button, self.full_button):
            controls.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.video, 1)
        layout.addWidget(self.slider)
        layout.addLayout(controls)
        layout.addWidget(self.time_label)
        layout.addWidget(self.status)
        layout.addWidget(self.marker_editor)
        layout.addWidget(self.marker_list)

    def _shortcuts(self) -> None:
        for keys, slot in ((("Space",), self.toggle), (("Left",), lambda: self.seek_by(-SEEK_STEP_MS)),
                           (("Right",), lambda: self.seek_by(SEEK_STEP_MS)), (("[",), self.slower),
                           (("]",), self.faster), ((".",), self.next_frame), (("F", "F11"), self.toggle_full_screen),
                           (("Esc",), self.leave_full_screen), (("M",), self.begin_marker), (("S",), self.snapshot)):
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self, context=Qt.WidgetWithChildrenShortcut)
                shortcut.activated.connect(slot)

    # ------------------------------------------------------------------ the session

    def set_segments(self, segments: Sequence[Segment], strips: Sequence[Path | None] = ()) -> None:
        """Show another recording session (stops the one shown)."""
        self.close_player()
        self._say("")
        self.last_frame = None
        if self.vmem:
            self.video.image = None
            self.video.show_message("")
        self.player = Player(segments, post=self._bridge.post, audio=self.audio,
                             window=None if self.vmem else int(self.video.winId()),
                             on_frame=self._bridge.deliver if self.vmem else None,
                             on_change=self._refresh, on_played=self.played.emit, on_error=self._failed)
        self.destroyed.connect(self.player.close)     # deleted without being closed: stop libvlc still
        self.player.set_rate(RATES[self.rate_box.currentIndex()])
        self.player.set_volume(self.volume.value())
        timeline = self.player.timeline
        self.slider.setRange(0, max(timeline.total_ms, 1))
        self.slider.set_segments(timeline.starts, timeline.total_ms, list(strips))
        self._refresh()
        self.player.prepare()

    def set_markers(self, markers: Sequence[tuple[int, str]]) -> None:
        self._markers = sorted((int(ms), note) for ms, note in markers)
        self.slider.markers = [ms for ms, _ in self._markers]
        self.slider.update()
        self.marker_list.clear()
        for ms, note in self._markers:
            item = QListWidgetItem(f"{clock_text(ms, self._fps())}  {note}")
            item.setData(MarkerRole, ms)
            self.marker_list.addItem(item)
        self.marker_list.setVisible(bool(self._markers))

    def _fps(self) -> float:
        return self.player.fps if self.player is not None else 25.0

    def close_player(self) -> None:
        """Stops libvlc at once; a dialog holding the player calls it when it closes."""
        if self.player is not None:
            self.destroyed.disconnect(self.player.close)
            self.player.close()
            self.player = None

    def closeEvent(self, event) -> None:  # noqa: N802
        self.close_player()
        super().closeEvent(event)

    def hideEvent(self, event) -> None:  # noqa: N802
        # a dialog that closes hides its children without closing them: never play on unseen
        if self.player is not None and not self._switching and not event.spontaneous():
            self.player.pause()
        super().hideEvent(event)

    # ------------------------------------------------------------------ controls

    def toggle(self) -> None:
        if self.player is not None:
            self.player.toggle()

    def seek(self, ms: int) -> None:
        if self.player is not None:
            self.player.seek(ms)

    def seek_by(self, delta_ms: int) -> None:
        if self.player is not None:
            self.player.seek_by(delta_ms)

    def next_frame(self) -> None:
        if self.player is not None:
            self.player.next_frame()

    def set_rate(self, rate: float) -> None:
        if self.player is not None:
            self.player.set_rate(rate)

    def faster(self) -> None:
        if self.player is not None:
            self.player.faster()

    def slower(self) -> None:
        if self.player is not None:
            self.player.slower()

    def _volume(self, value: int) -> None:
        if self.player is not None:
            self.player.set_volume(value)

    def _scrub(self, _value: int) -> None:
        if not self._scrub_timer.isActive():
            self._scrub_timer.start()

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.leave_full_screen()
            return
        self._was_window, self._switching = self.isWindow(), True
        self._normal_geometry = self.geometry()
        if not self._was_window:
            self.setWindowFlag(Qt.Window, True)       # out of the parent's layout, onto the screen
        self.setGeometry(self.screen().geometry())    # for an X server without a window manager
        self.showFullScreen()
        self._switching = False
        self.full_button.setText(self.tr("退出全屏"))

    def leave_full_screen(self) -> None:
        if self.marker_editor.isVisible():
            self.cancel_marker()
            return
        if not self.isFullScreen():
            return
        self._switching = True
        if not self._was_window:
            self.setWindowFlag(Qt.Window, False)      # back into the parent's layout
        self.showNormal()
        if self._was_window:
            self.setGeometry(self._normal_geometry)
        self._switching = False
        self.full_button.setText(self.tr("全屏"))

    # ------------------------------------------------------------------ markers and snapshots

    def begin_marker(self) -> None:
        """Asks for a note for a marker at the current position (the position is taken now)."""
        if self.player is None or not len(self.player.timeline):
            return
        self._marker_at = self.player.position_ms()
        self.marker_where.setText(self.tr("标记 {at}").format(at=clock_text(self._marker_at, self._fps())))
        self.marker_note.clear()
        self.marker_editor.show()
        self.marker_note.setFocus()

    def accept_marker(self) -> None:
        if not self.marker_editor.isVisible():
            return
        note = self.marker_note.text().strip()
        self.marker_editor.hide()
        self.setFocus()
        self.set_markers([*self._markers, (self._marker_at, note)])
        self.marker_added.emit(self._marker_at, note)

    def cancel_marker(self) -> None:
        self.marker_editor.hide()
        self.setFocus()

    def snapshot(self) -> None:
        """Emits the picture on screen as PNG with its position."""
        shot = self._snapshot()
        if shot is None:
            self._say(self.tr("还没有画面，无法截图"))
            return
        position, png = shot
        self._say("")
        self.snapshot_taken.emit(position, png)

    def _snapshot(self) -> tuple[int, bytes] | None:
        if self.player is None:
            return None
        if self.vmem:
            if self.last_frame is None:
                return None
            image, position = self.last_frame
            return position, png_bytes(image)
        png = self.player.snapshot_png()
        return (self.player.position_ms(), png) if png else None

    # ------------------------------------------------------------------ what libvlc reports

    @Slot()
    def _frame(self) -> None:
        latest = self._bridge.take()
        if self.player is None or latest is None:
            return
        image, position_ms = self.last_frame = latest
        self.video.show_image(image)
        self.frame_shown.emit(image, position_ms)

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _failed(self, message: str) -> None:
        self._say(message)
        if self.vmem:
            self.video.show_message(message)
        self.error.emit(message)

    def _refresh(self) -> None:
        player = self.player
        if player is None:
            return
        position, timeline = player.position_ms(), player.timeline
        self.play_button.setText(self.tr("暂停") if player.state is State.PLAYING else self.tr("播放"))
        self.rate_box.setCurrentIndex(RATES.index(player.rate) if player.rate in RATES else RATES.index(1.0))
        if not self.slider.isSliderDown():
            self.slider.setValue(position)
        fps = player.fps
        self.position_label.setText(f"{clock_text(position, fps)} / {clock_text(timeline.total_ms, fps)}")
        if len(timeline):
            self.segment_label.setText(self.tr("片段 {n}/{total}").format(n=player.index + 1, total=len(timeline)))
            self.time_label.setText(times_text(*timeline.times(position), fps))


def times_text(device: datetime, wall: datetime, fps: float = 25.0) -> str:
    """记录仪时间 2026-11-20 09:31:05.12 · 实际时间 09:30:28.12 (the date again when the two days differ;
    .ff the frame within the second)."""
    wall_text = with_frames(wall, fps) if wall.date() == device.date() else f"{wall:%Y-%m-%d} {with_frames(wall, fps)}"
    return QCoreApplication.translate("PlayerWidget", "记录仪时间 {device} · 实际时间 {wall}").format(
        device=f"{device:%Y-%m-%d} {with_frames(device, fps)}", wall=wall_text)


def png_bytes(image: QImage) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data())
