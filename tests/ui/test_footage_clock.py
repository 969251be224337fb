"""One clock and one timeline, as a user meets them: footage from a simulated camera whose clock runs
37 s fast is docked and pulled, then played from 回放检查 with keys (offscreen, real libvlc through
vmem). The 记录仪时间 shown is the time burned into the picture on screen, to the frame; the 实际时间
is that minus the offset measured at docking, taken off once. A recording chosen alone plays its whole
session (3 段) as one timeline, on through the segments without a stop. An approval's expiry reads
the same in the player as in the request list: the agency's local time."""
from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from jlclient.devices.layouts import recognise
from jlclient.devices.pull import pull
from jlclient.devices.simulator import simulate
from jlclient.media.player import State
from jlclient.services import av_access, cameras, footage
from jlclient.ui.footage_dialogs import LinkDialog
from jlclient.ui.footage_player import FootagePlayerDialog
from jlclient.ui.review_page import ReviewPage
from tests.support.clips import number_of_image
from tests.support.dialogs import answer_dialog

SKEW_S = 37
FPS = 10
SEGMENT_S = 3
WAIT_MS = 10000


def _pull(ctx, volume) -> list[datetime]:
    """The camera's own stamps of its segments (device time), in order."""
    simulate(volume, "dcim-imp", segments=3, segment_seconds=SEGMENT_S, skew_seconds=SKEW_S, fps=FPS)
    found = recognise(volume)
    _view, docked, files = cameras.dock_found(ctx, "user:officer", found)
    assert pull(ctx, "user:officer", docked, files).complete
    return sorted(f.clip.start for f in found.files)


def _open(qtbot, page, file_name: str) -> None:
    """Click the recording in the list and press Enter, as a reviewer would."""
    tab = page.recordings
    row = next(i for i, r in enumerate(tab.rows) if r.file_name == file_name)
    table = tab.table
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=table.visualItemRect(table.item(row, 0)).center())
    qtbot.keyClick(table, Qt.Key_Return)


def _page(qtbot, ctx, user) -> ReviewPage:
    page = ReviewPage(ctx, user)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    page.recordings.refresh()
    return page


def _focus(qtbot, dialog) -> None:
    dialog.activateWindow()
    dialog.player.setFocus()
    qtbot.waitUntil(dialog.player.hasFocus, timeout=3000)


def _burned_in(stamps: list[datetime], segment: int, frame: int) -> datetime:
    """The time the camera burned into frame ``frame`` of segment ``segment``."""
    return stamps[segment] + timedelta(seconds=frame / FPS)


def test_both_times_match_the_burned_in_clock_to_the_frame_and_the_session_plays_through(
        qtbot, demo_ctx, login_as, tmp_path):
    stamps = _pull(demo_ctx, tmp_path / "cam")
    officer = login_as("officer")                       # 李娜: the camera is hers
    page = _page(qtbot, demo_ctx, officer)
    middle = page.recordings.rows[1].file_name          # newest first: the second of the three segments
    seen = {}

    def watch(dialog: FootagePlayerDialog):
        widget = dialog.player
        played = []
        widget.played.connect(played.append)
        qtbot.waitUntil(lambda: widget.last_frame is not None and widget.player.settled, timeout=WAIT_MS)
        seen["segments"] = widget.segment_label.text()
        _focus(qtbot, dialog)
        qtbot.keyClick(widget, Qt.Key_Right)            # 5 s on: segment 2, 2 s in
        qtbot.keyClick(widget, Qt.Key_Period)           # and two frames further
        qtbot.keyClick(widget, Qt.Key_Period)
        qtbot.waitUntil(lambda: widget.player.settled and widget.player.position_ms() == 5200, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: number_of_image(widget.last_frame[0]) == 22, timeout=WAIT_MS)
        qtbot.wait(300)                                  # the label follows the clock every 100 ms
        frame = number_of_image(widget.last_frame[0])
        seen["frame"], seen["segment"] = frame, widget.player.index
        seen["times"], seen["position"] = widget.time_label.text(), widget.position_label.text()
        seen["at"] = widget.segment_label.text()
        qtbot.keyClick(widget, Qt.Key_Space)            # play on to the end of the session
        qtbot.waitUntil(lambda: widget.player.state is State.ENDED, timeout=WAIT_MS)
        seen["played"], seen["end"] = played, widget.position_label.text()
        dialog.accept()
    answer_dialog(FootagePlayerDialog, watch)
    _open(qtbot, page, middle)

    assert seen["segments"] == "片段 1/3"               # the whole session, though one segment was chosen
    assert (seen["segment"], seen["frame"], seen["at"]) == (1, 22, "片段 2/3")
    burned = _burned_in(stamps, 1, 22)                  # what the picture on screen says
    true = burned - timedelta(seconds=SKEW_S)
    assert seen["times"] == (f"记录仪时间 {burned:%Y-%m-%d %H:%M:%S}.{22 % FPS:02d} · "
                             f"实际时间 {true:%H:%M:%S}.{22 % FPS:02d}")
    assert seen["position"] == "00:00:05.02 / 00:00:09.00"     # HH:MM:SS.ff at 10 fps
    assert seen["played"] == [1, 2] and seen["end"] == "00:00:09.00 / 00:00:09.00"   # on without a stop


def test_the_expiry_of_an_approval_reads_the_same_in_the_player_and_the_request_list(
        qtbot, demo_ctx, login_as, tmp_path):
    _pull(demo_ctx, tmp_path / "cam")
    colleague = login_as("officer2")                    # not her recording: she needs an approval
    first = av_access.browse(demo_ctx, colleague)[-1]
    assert first.verdict.approval_needed
    av_access.request_access(demo_ctx, colleague, [first.av_id], "行政复议答复", 24)
    request = av_access.requests(demo_ctx, colleague)[0]
    av_access.decide_access(demo_ctx, login_as("approver"), request.id, True, "")
    page = _page(qtbot, demo_ctx, colleague)
    page.tabs.setCurrentWidget(page.requests)
    column = page.requests.COLUMNS.index("有效期至")
    listed = page.requests.table.item(0, column).text()
    page.tabs.setCurrentWidget(page.recordings)
    seen = {}

    def look(dialog: FootagePlayerDialog):
        seen["basis"] = dialog.status.text()
        dialog.accept()
    answer_dialog(FootagePlayerDialog, look)
    _open(qtbot, page, first.file_name)

    assert listed and f"（{listed} 前有效）" in seen["basis"]


def test_the_session_list_and_the_link_dialog_use_the_same_clock(qtbot, demo_ctx, login_as, tmp_path):
    stamps = _pull(demo_ctx, tmp_path / "cam")
    officer = login_as("officer")
    [session] = footage.unlinked_sessions(demo_ctx, footage.visible_officer(officer))
    assert session.device_start == stamps[0]                               # what the picture shows
    assert session.start == stamps[0] - timedelta(seconds=SKEW_S)          # true time: the offset taken off once
    assert session.end == stamps[-1] + timedelta(seconds=SEGMENT_S - SKEW_S)
    dialog = LinkDialog(demo_ctx, officer, session)
    qtbot.addWidget(dialog)
    use = dialog.findChild(QLabel, "useTime").text()
    assert use.endswith(f"{session.start:%Y-%m-%d %H:%M:%S}（记录仪显示 {stamps[0]:%H:%M:%S}）")
