"""Playing recordings in the reviewer: access checked and every playback audited before anything
plays (services.av_access); markers and snapshots kept against the recording they fall in; and the
spot check, the player beside its checklist."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox, QPushButton, QSplitter, QVBoxLayout, QWidget

from jlclient.media.player import Segment, Timeline
from jlclient.services import analysis, av_access, footage, spot_checks
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.spot_checks import PlanView
from jlclient.store.audit import utcnow
from jlclient.ui.checklist_panel import ChecklistPanel
from jlclient.ui.player_widget import PlayerWidget


def _segments(played: list[av_access.Playable]) -> list[Segment]:
    """The stored start is already true time (the pull corrected it): the player's clock adds the
    offset back for the device time, and takes nothing off again."""
    return [Segment(p.path, p.duration_s, p.started_at or utcnow(), p.clock_offset_s) for p in played]


class FootagePlayerDialog(QDialog):
    """One recording session as one timeline: a recording chosen alone brings the other segments of
    its session (``whole_session``). Raises ServiceError (already audited) when the user may not view
    one of the chosen recordings."""

    def __init__(self, ctx: AppContext, user: CurrentUser, av_ids: list[int], parent=None, *,
                 whole_session: bool = True):
        super().__init__(parent)
        self.ctx, self.user = ctx, user
        if whole_session:
            av_ids = footage.session_ids(ctx, user, av_ids)
        self.played = av_access.open_for_playback(ctx, user, av_ids)
        self.av_ids = [p.av_id for p in self.played]
        segments = _segments(self.played)
        self.timeline = Timeline(segments)
        self.setWindowTitle(self.tr("回放：{f}").format(f="、".join(p.file_name for p in self.played)))
        self.resize(1180, 760)
        self.player = PlayerWidget(segments, [analysis.strip_of(ctx, i) for i in self.av_ids], parent=self)
        self.player.marker_added.connect(self.add_marker)
        self.player.snapshot_taken.connect(self.save_snapshot)
        self.status = QLabel(objectName="playerStatus", wordWrap=True)
        self.status.setText(self.tr("查看依据：{r}").format(r=self.played[0].reason))
        self._show_markers()
        self.body = QVBoxLayout(self)
        self.body.addWidget(self.player, 1)
        self.body.addWidget(self.status)

    def _where(self, timeline_ms: int) -> tuple[int, int]:
        """The recording a timeline position falls in, and the position inside it."""
        index, inside = self.timeline.locate(timeline_ms)
        return self.av_ids[index], int(inside)

    def _show_markers(self) -> None:
        starts = dict(zip(self.av_ids, self.timeline.starts))
        self.player.set_markers([(starts[av] + ms, f"{note}（{by}）")
                                 for av, ms, note, by in av_access.markers(self.ctx, self.av_ids)])

    def add_marker(self, timeline_ms: int, note: str) -> None:
        try:
            av_access.add_marker(self.ctx, self.user, *self._where(timeline_ms), note)
        except ServiceError as exc:
            QMessageBox.warning(self, self.tr("不能保存标记"), str(exc))
            return
        self._show_markers()

    def save_snapshot(self, timeline_ms: int, png: bytes) -> None:
        try:
            av_access.save_snapshot(self.ctx, self.user, *self._where(timeline_ms), png)
        except ServiceError as exc:
            QMessageBox.warning(self, self.tr("不能保存截图"), str(exc))
            return
        self.status.setText(self.tr("截图已保存为电子数据（已登记并记入审计）"))

    def done(self, result: int) -> None:
        self.player.close_player()       # libvlc stops here, never inside its own callbacks
        super().done(result)


class SpotCheckDialog(FootagePlayerDialog):
    """回放检查: the sampled recording in the player, the plan's checklist beside it."""

    def __init__(self, ctx: AppContext, user: CurrentUser, plan: PlanView, av_id: int, parent=None):
        super().__init__(ctx, user, [av_id], parent, whole_session=False)   # the sampled recording only
        self.plan, self.av_id = plan, av_id
        self.setWindowTitle(self.tr("回放检查：{f}（抽检计划 {p}）").format(f=self.played[0].file_name, p=plan.id))
        self.checklist = ChecklistPanel(plan.checklist, self._position, self)
        self.save_button = QPushButton(self.tr("保存检查结果"), objectName="saveCheck")
        self.save_button.clicked.connect(self.save)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(self.checklist, 1)
        side_layout.addWidget(self.save_button)
        split = QSplitter(Qt.Horizontal)
        self.body.removeWidget(self.player)
        split.addWidget(self.player)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        self.body.insertWidget(0, split, 1)

    def _position(self) -> int:
        return self.player.player.position_ms() if self.player.player else 0

    def save(self) -> None:
        try:
            spot_checks.record_check(self.ctx, self.user, self.plan.id, self.av_id, self.checklist.results(),
                                     self.checklist.issues(), self.checklist.note.toPlainText())
        except ServiceError as exc:
            QMessageBox.warning(self, self.tr("不能保存"), str(exc))
            return
        self.accept()
