"""The docking pane: docked body cameras with their register status and clock offset, their pulls
(several at once, each on a worker, with per-file and total progress, speed and time left),
clearing a camera once everything on it is verified, and the recordings still to link."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from threading import Event

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QDockWidget, QHBoxLayout, QHeaderView, QLabel, QMessageBox, QProgressBar,
                               QPushButton, QScrollArea, QTabWidget, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
                               QWidget)

from jlclient.devices.clear import NotClearable, clear_camera
from jlclient.devices.layouts import Recognised
from jlclient.devices.pull import CameraFile, Docked, PullReport, interrupted
from jlclient.domain.model import CameraStatus, Role
from jlclient.services import analysis, cameras, citations, footage
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext, ServiceError
from jlclient.ui.dock_watch import DockWatcher
from jlclient.ui.footage_dialogs import (CameraDialog, FaultDialog, LinkDialog, RemoteDutyDialog, SpokenReasonDialog,
                                         describe, warnings)
from jlclient.ui.pull_task import PullProgress, PullTask
from jlclient.ui import changes, file_dialogs

RootRole = Qt.UserRole + 1
RED = QBrush(QColor("#c0392b"))


class _AnalyseSignals(QObject):
    done = Signal(int)


class AnalyseTask(QRunnable):
    """Dark spans and thumbnails of newly pulled footage, on a worker after the pull."""

    def __init__(self, ctx: AppContext, actor: str):
        super().__init__()
        self.ctx, self.actor, self.signals, self.cancel = ctx, actor, _AnalyseSignals(), Event()

    def run(self) -> None:
        try:
            done = analysis.analyse_pending(self.ctx, self.actor, cancel=self.cancel)
        except Exception:  # noqa: BLE001 — analysis is a help, never a reason to lose the pull
            done = -1
        self.signals.done.emit(done)


class _ArrivalSignals(QObject):
    ready = Signal(str, object)        # volume root, (view, docked, files, interrupted)
    failed = Signal(str, str)          # volume root, message


class ArrivalTask(QRunnable):
    """Record a docking off the GUI thread: the register, the clock offset and what was pulled
    before take ~100 ms of database work, which would stall the window the moment a camera docks."""

    def __init__(self, ctx: AppContext, actor: str, found: Recognised):
        super().__init__()
        self.ctx, self.actor, self.found, self.signals = ctx, actor, found, _ArrivalSignals()

    def run(self) -> None:
        key = str(self.found.root)
        try:
            view, docked, files = cameras.dock_found(self.ctx, self.actor, self.found)
            self.signals.ready.emit(key, (view, docked, files, interrupted(self.ctx, docked.serial, files)))
        except ServiceError as exc:
            self.signals.failed.emit(key, str(exc))
        except Exception as exc:  # noqa: BLE001 — shown in the pane; the camera can be docked again
            self.signals.failed.emit(key, f"{type(exc).__name__}: {exc}")


@dataclass
class DockedCamera:
    """One docked camera as the pane tracks it."""
    found: Recognised
    view: cameras.DockingView
    docked: Docked
    files: list[CameraFile]
    task: PullTask | None = None
    report: PullReport | None = None
    progress: PullProgress | None = None

    @property
    def verified(self) -> bool:
        return self.report is not None and self.report.complete and not getattr(self.report, "error", "")


def _as_done(files: list[CameraFile], report: PullReport) -> PullProgress:
    """The progress a finished pull leaves: only what was verified and registered counts as done
    (a failed or cancelled file is not), so 未全部完成 never stands next to a full bar."""
    done = {r.path for r in report.results if r.status in ("stored", "linked", "skipped")}
    total = sum(f.size for f in files)
    verified = sum(f.size for f in files if f.stored_name in done)   # results name a file as stored
    return PullProgress(len(done), len(files), verified, total, "", 0, 0, 0.0, None)


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return ""


class UnlinkedFootage(QWidget):
    """Recording sessions still to link, with the counts per officer (seed 000 Art. 27)."""

    def __init__(self, ctx: AppContext, user: CurrentUser, parent=None):
        super().__init__(parent)
        self.ctx, self.user = ctx, user
        self.counts = QLabel(objectName="unlinkedCounts")
        self.counts.setWordWrap(True)
        self.sessions = QTreeWidget(objectName="unlinkedSessions")
        self.sessions.setHeaderLabels([self.tr("录制时间"), self.tr("记录仪（执法人员）"), self.tr("提示")])
        self.sessions.setRootIsDecorated(False)
        self.sessions.header().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.link_button = QPushButton(self.tr("关联到案件…"), objectName="linkButton")
        self.explain_button = QPushButton(self.tr("说明中断…"), objectName="explainButton")
        self.link_button.clicked.connect(self.link)
        self.explain_button.clicked.connect(self.explain)
        self.sessions.currentItemChanged.connect(self._selected)
        self.sessions.itemActivated.connect(lambda *_: self.link())
        buttons = QHBoxLayout()
        buttons.addWidget(self.link_button)
        buttons.addWidget(self.explain_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.counts)
        layout.addWidget(self.sessions)
        layout.addLayout(buttons)
        self.refresh()
        # the pane's list and the camera page's list are two views of one thing: a pull or a link
        # made in either (or anywhere) refreshes both
        changes.follow(self, (changes.FOOTAGE,), self.refresh)

    def refresh(self) -> None:
        counts = footage.unlinked_counts(self.ctx)
        self.counts.setText(self.tr("待关联音像：") + ("、".join(f"{n} {c} 段" for n, c in counts) or self.tr("无")))
        self.sessions.clear()
        for session in footage.unlinked_sessions(self.ctx, footage.visible_officer(self.user)):
            item = QTreeWidgetItem([f"{session.start:%m-%d %H:%M:%S}–{session.end:%H:%M:%S}",
                                    f"{session.camera}（{session.officer_name or '未配发'}）", warnings(session)])
            item.setData(0, RootRole, session)
            item.setToolTip(0, describe(session))
            if session.unexplained or session.late_source:
                item.setForeground(2, RED)
            if session.late_source:
                late = citations.words(self.ctx, session.late_source)
                told = self.tr("应在 {d:%Y-%m-%d %H:%M} 前上传（{s}）").format(d=session.due, s=late)
                item.setToolTip(0, told + (f"\n{session.due_note}" if session.due_note else ""))
            self.sessions.addTopLevelItem(item)
        if self.sessions.topLevelItemCount():
            self.sessions.setCurrentItem(self.sessions.topLevelItem(0))
        self._selected()

    def current(self):
        item = self.sessions.currentItem()
        return item.data(0, RootRole) if item else None

    def _selected(self, *_) -> None:
        session = self.current()
        self.link_button.setEnabled(session is not None)
        self.explain_button.setEnabled(bool(session and session.unexplained))

    def link(self) -> None:
        if self.current() is not None and LinkDialog(self.ctx, self.user, self.current(), self).exec():
            changes.announce(changes.FOOTAGE)

    def explain(self) -> None:
        session = self.current()
        if session and session.unexplained and SpokenReasonDialog(self.ctx, self.user, session, self).exec():
            changes.announce(changes.FOOTAGE)


class DockingPane(QDockWidget):
    def __init__(self, ctx: AppContext, user: CurrentUser, watcher: DockWatcher, parent=None):
        super().__init__(self.tr("执法记录仪接入"), parent)
        self.setObjectName("DockingPane")
        self.ctx, self.user, self.watcher = ctx, user, watcher
        self.docks: dict[str, DockedCamera] = {}
        self.arriving: dict[str, ArrivalTask] = {}      # dockings being recorded, by volume root
        self.arrivals = QThreadPool(self)               # not the pulls' pool: a docking never waits behind a pull
        self.analysing: AnalyseTask | None = None
        self.cameras = QTreeWidget(objectName="dockedCameras")
        self.cameras.setHeaderLabels([self.tr("记录仪"), self.tr("登记"), self.tr("时钟偏差"), self.tr("文件")])
        self.cameras.setRootIsDecorated(False)
        self.cameras.header().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.setMinimumWidth(340)  # the case view beside it keeps room at 1280×800
        self.pull_button = QPushButton(self.tr("拷贝、校验并登记"), objectName="pullButton")
        self.cancel_button = QPushButton(self.tr("取消"), objectName="cancelPull")
        self.register_button = QPushButton(self.tr("登记此记录仪…"), objectName="registerCamera")
        self.remote_button = QPushButton(self.tr("异地/连续执法…"), objectName="remoteDuty")
        self.fault_button = QPushButton(self.tr("报告故障…"), objectName="reportFault")
        self.clear_button = QPushButton(self.tr("清空记录仪…"), objectName="clearCamera")
        self.mark_button = QPushButton(self.tr("指定文件夹为记录仪…"), objectName="markCamera")
        self.file_bar = QProgressBar(objectName="fileProgress")
        self.bar = QProgressBar(objectName="pullProgress")
        self.rate = QLabel(objectName="pullRate")
        self.status = QLabel(self.tr("等待接入执法记录仪…"), objectName="dockStatus")
        self.status.setWordWrap(True)
        self.unlinked = UnlinkedFootage(ctx, user)
        for button, slot in ((self.pull_button, self.pull_selected), (self.cancel_button, self.cancel),
                             (self.register_button, self.register), (self.remote_button, self.remote_duty),
                             (self.fault_button, self.report_fault), (self.clear_button, self.clear),
                             (self.mark_button, self.mark_folder)):
            button.clicked.connect(slot)
        self.cameras.currentItemChanged.connect(lambda *_: self._refresh_selected())
        self.setWidget(self._body())
        watcher.docked.connect(self.add_camera)
        watcher.undocked.connect(self.remove_camera)
        for found in watcher.cameras.values():
            self.add_camera(found)
        self._refresh_selected()

    def _body(self) -> QWidget:
        row1, row2 = QHBoxLayout(), QHBoxLayout()
        for b in (self.pull_button, self.cancel_button, self.clear_button):
            row1.addWidget(b)
        for b in (self.register_button, self.remote_button, self.fault_button):
            row2.addWidget(b)
        docked = QWidget()
        layout = QVBoxLayout(docked)
        layout.addWidget(self.cameras)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addWidget(self.mark_button)
        layout.addWidget(QLabel(self.tr("当前文件：")))
        layout.addWidget(self.file_bar)
        layout.addWidget(QLabel(self.tr("全部文件：")))
        layout.addWidget(self.bar)
        layout.addWidget(self.rate)
        layout.addWidget(self.status)
        scroll = QScrollArea()            # a short screen must not cut off the status at the bottom
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setWidget(docked)
        self.tabs = QTabWidget(objectName="dockTabs")
        self.tabs.addTab(scroll, self.tr("已接入"))
        self.tabs.addTab(self.unlinked, self.tr("待关联音像"))
        return self.tabs

    # ------------------------------------------------------------------ cameras

    def add_camera(self, found: Recognised) -> None:
        """A camera docked: its docking is recorded on a worker, then it is listed (_arrived)."""
        key = str(found.root)
        if key in self.docks or key in self.arriving:
            return
        task = self.arriving[key] = ArrivalTask(self.ctx, self.user.actor, found)
        task.signals.ready.connect(self._arrived)
        task.signals.failed.connect(self._arrival_failed)
        self.status.setText(self.tr("正在读取记录仪 {p}…").format(p=found.root.name or key))
        self.arrivals.start(task)

    def _arrival_failed(self, key: str, message: str) -> None:
        if self.arriving.pop(key, None) is not None:
            self.status.setText(self.tr("记录接入失败：{e}").format(e=message))

    def _arrived(self, key: str, result) -> None:
        task = self.arriving.pop(key, None)
        if task is None:
            return   # unplugged while its docking was recorded: the docking stays on record, nothing is listed
        view, docked, files, was_interrupted = result
        found = task.found
        self.docks[key] = DockedCamera(found, view, docked, files)
        item = QTreeWidgetItem()
        item.setData(0, RootRole, key)
        self.cameras.addTopLevelItem(item)
        self._paint(key)
        if self.cameras.currentItem() is None:
            self.cameras.setCurrentItem(item)
        cam = view.camera
        text = self.tr("已接入 {s}（{l}），{n} 个文件").format(s=cam.serial, l=found.layout.name, n=len(files))
        if cam.status is CameraStatus.PENDING:
            text += self.tr("。该记录仪尚未登记，音像记录照常拷贝，请管理员登记并配发")
        if cam.drift_flagged:
            text += self.tr("。时钟偏差 {o:+.0f} 秒，超出允许范围，请校准记录仪时钟").format(o=cam.last_offset_s)
        if docked.clock_note:       # 时钟无效 or not reported: no offset was applied, and people are told
            text += "。" + docked.clock_note
        if docked.passed_over:
            text += self.tr("。{n} 项不是普通文件，已跳过未读取（见拷贝结果）").format(n=len(docked.passed_over))
        self.status.setText(text)
        self._refresh_selected()
        changes.announce(changes.FOOTAGE)      # the register's last docking and clock offset
        if was_interrupted:
            self.cameras.setCurrentItem(item)
            self.pull_selected()
            self.status.setText(text + self.tr("。上次拷贝未完成，已自动继续"))

    def _item(self, key: str) -> QTreeWidgetItem | None:
        for i in range(self.cameras.topLevelItemCount()):
            if self.cameras.topLevelItem(i).data(0, RootRole) == key:
                return self.cameras.topLevelItem(i)
        return None

    def _paint(self, key: str) -> None:
        d, item = self.docks[key], self._item(key)
        cam = d.view.camera
        item.setText(0, cam.serial)
        item.setToolTip(0, d.found.layout.name)
        item.setText(1, cam.status.label + (f" · {cam.officer_name}" if cam.officer_name else ""))
        item.setText(2, ("时钟无效" if d.docked.clock_note.startswith("时钟无效") else "—")
                     if cam.last_offset_s is None else f"{cam.last_offset_s:+.0f} 秒")
        item.setToolTip(2, d.docked.clock_note)
        item.setForeground(1, RED if cam.status is not CameraStatus.IN_SERVICE else QBrush())
        item.setForeground(2, RED if cam.drift_flagged else QBrush())
        item.setText(3, self._pull_state(d))

    def _pull_state(self, d: DockedCamera) -> str:
        if d.task is not None:
            state = f"{int((d.progress.fraction if d.progress else 0) * 100)}%"
        elif d.report is None:
            state = self.tr("未拷贝")
        else:
            state = self.tr("已完成") if d.verified else self.tr("未完成")
        return self.tr("{n} 个 · {s}").format(n=len(d.files), s=state)

    def remove_camera(self, root: str) -> None:
        self.arriving.pop(root, None)
        item = self._item(root)
        if item is not None:
            self.cameras.takeTopLevelItem(self.cameras.indexOfTopLevelItem(item))
        d = self.docks.pop(root, None)
        if d is not None and d.task is not None:
            d.task.cancel.set()
            self.status.setText(self.tr("记录仪 {s} 在拷贝中被拔出：已完成的文件已登记，重新接入后从中断处继续")
                                .format(s=d.view.camera.serial))
        self._refresh_selected()

    def selected(self) -> DockedCamera | None:
        item = self.cameras.currentItem()
        return self.docks.get(item.data(0, RootRole)) if item else None

    def busy(self) -> bool:
        return bool(self.arriving) or self.analysing is not None or any(d.task is not None for d in self.docks.values())

    def _refresh_selected(self) -> None:
        d = self.selected()
        admin = self.user.has(Role.ADMIN)
        idle = d is not None and d.task is None
        self.pull_button.setEnabled(idle)
        self.cancel_button.setEnabled(d is not None and d.task is not None)
        self.clear_button.setEnabled(idle and d.verified)
        self.remote_button.setEnabled(idle and d.report is None)
        self.register_button.setEnabled(admin and d is not None and d.view.camera.status is CameraStatus.PENDING)
        self.fault_button.setEnabled(d is not None and d.view.camera.status is CameraStatus.IN_SERVICE and (
            admin or d.view.camera.officer_id == self.user.officer_id))
        if d is not None and d.progress is not None:
            self._show_progress(d.progress)
        else:
            self._clear_progress()

    def _reload(self, key: str) -> None:
        d = self.docks[key]
        row = cameras.camera(self.ctx, d.view.camera.serial)
        d.view = cameras.DockingView(d.view.docking_id, row)
        self._paint(key)
        self._refresh_selected()

    # ------------------------------------------------------------------ actions

    def pull_selected(self) -> None:
        d = self.selected()
        if d is None or d.task is not None:
            return
        key = str(d.found.root)
        d.task = PullTask(self.ctx, self.user.actor, d.found, d.docked, d.files)
        d.task.signals.detail.connect(lambda p, k=key: self._progress(k, p))
        d.task.signals.finished.connect(lambda r, k=key: self._finished(k, r))
        d.report, d.progress = None, None        # nothing of an earlier pull shows on this one
        self.status.setText(self.tr("正在拷贝 {s}…").format(s=d.view.camera.serial))
        QThreadPool.globalInstance().start(d.task)
        self._paint(key)
        self._refresh_selected()

    def cancel(self) -> None:
        d = self.selected()
        if d is not None and d.task is not None:
            d.task.cancel.set()

    def register(self) -> None:
        d = self.selected()
        if d is not None and CameraDialog(self.ctx, self.user, row=d.view.camera, parent=self).exec():
            self._reload(str(d.found.root))
            self.unlinked.refresh()

    def mark_folder(self) -> None:
        """A volume or folder the layouts do not recognise (a vendor tool's export, a card reader),
        which the officer says holds a camera's files: watched like a docked volume."""
        folder = file_dialogs.choose_folder(self, self.tr("选择记录仪的盘符或文件夹"), "camera")
        if not folder:
            return
        self.watcher.mark_as_camera(Path(folder))
        self.status.setText(self.tr("正在识别 {f}…（没有视频文件的文件夹不会作为记录仪接入）").format(f=folder))

    def remote_duty(self) -> None:
        d = self.selected()
        if d is not None and RemoteDutyDialog(self.ctx, self.user, d.view.docking_id, self).exec():
            self.status.setText(self.tr("已登记异地、连续执法情况：上传期限从返回时起算"))

    def report_fault(self) -> None:
        d = self.selected()
        if d is not None and FaultDialog(self.ctx, self.user, d.view.camera, self).exec():
            self._reload(str(d.found.root))

    def clear(self) -> None:
        d = self.selected()
        if d is None or not d.verified:
            return
        answer = QMessageBox.question(
            self, self.tr("清空记录仪"),
            self.tr("记录仪 {s} 上的 {n} 个文件都已拷贝、校验并登记。\n清空前会再次逐个核对哈希值。"
                    "清空后记录仪上的这些文件将被删除，无法恢复。确定清空吗？").format(s=d.view.camera.serial,
                                                                  n=len(d.files)),
            QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        if answer != QMessageBox.Yes:
            return
        try:
            cleared = clear_camera(self.ctx, self.user.actor, d.docked, d.files)
        except NotClearable as exc:
            self.status.setText(self.tr("未清空：{e}").format(e=exc))
            return
        d.report = None
        self.status.setText(self.tr("已清空记录仪 {s}：删除 {n} 个已登记的文件（{b}）").format(
            s=d.view.camera.serial, n=cleared.files, b=_size(cleared.bytes)))
        self._refresh_selected()

    def _analyse(self) -> None:
        if self.analysing is not None:
            return
        self.analysing = AnalyseTask(self.ctx, self.user.actor)
        self.analysing.signals.done.connect(self._analysed)
        self.rate.setText(self.tr("正在分析画面（黑屏、遮挡）…"))
        QThreadPool.globalInstance().start(self.analysing)

    def _analysed(self, done: int) -> None:
        self.analysing = None
        self.rate.setText(self.tr("画面分析未完成") if done < 0 else self.tr("画面分析完成"))
        self.unlinked.refresh()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if self.analysing is not None:
            self.analysing.cancel.set()
        super().closeEvent(event)

    # ------------------------------------------------------------------ progress

    def _progress(self, key: str, p: PullProgress) -> None:
        d = self.docks.get(key)
        if d is None:
            return
        d.progress = p
        self._item(key).setText(3, self._pull_state(d))
        if d is self.selected():
            self._show_progress(p)

    def _clear_progress(self) -> None:
        self.bar.setValue(0)
        self.file_bar.setValue(0)
        self.rate.clear()

    def _show_progress(self, p: PullProgress) -> None:
        self.bar.setValue(int(p.fraction * 100))
        self.file_bar.setValue(int(p.current_done * 100 / p.current_total) if p.current_total
                               else 100 if p.files_done >= p.files_total else 0)
        if p.rate_bps > 0 and p.eta_s is not None:
            self.rate.setText(self.tr("文件 {a}/{b}，{r}/秒，剩余约 {t} 秒").format(
                a=p.files_done, b=p.files_total, r=_size(p.rate_bps), t=int(p.eta_s)))
        else:
            self.rate.setText(self.tr("文件 {a}/{b}").format(a=p.files_done, b=p.files_total))

    def _finished(self, key: str, report: PullReport) -> None:
        d = self.docks.get(key)
        if d is not None:
            d.task, d.report = None, report
            d.progress = _as_done(d.files, report)
            self._paint(key)
        changes.announce(changes.FOOTAGE)
        self._refresh_selected()
        self._analyse()
        if getattr(report, "error", ""):
            self.status.setText(self.tr("拷贝失败：{e}").format(e=report.error))
            return
        summary = self.tr("新存入 {a} 个，已存在 {b} 个，此前已登记 {c} 个").format(
            a=report.count("stored"), b=report.count("linked"), c=report.count("skipped"))
        if report.count("passed"):
            summary += self.tr("；跳过 {n} 项（符号链接、管道或设备文件，未读取）").format(n=report.count("passed"))
        unreadable = sum(1 for r in report.results if r.unreadable)
        if unreadable:
            summary += self.tr("；{n} 个文件无法播放（已原样保存为证据）").format(n=unreadable)
        if report.complete:
            self.status.setText(self.tr("全部文件已拷贝、校验并登记：") + summary +
                                self.tr("。请在“待关联音像”中关联到案件"))
        else:
            failed = [r for r in report.results if r.status == "failed"]
            reason = failed[0].message if failed else self.tr("已取消")
            self.status.setText(self.tr("未全部完成（{r}）：").format(r=reason) + summary)
