"""导入大厅监控录像: the archivist picks the folder the NVR exported to, sees what it holds (files,
size, channels, span), and takes it in on a worker with progress and cancel; files imported before
are skipped, a cancel keeps nothing of the file being copied."""
from __future__ import annotations

from threading import Event

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from jlclient.devices.pull import PullReport
from jlclient.printing.labels import size_text
from jlclient.services import hall_cctv
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.hall_cctv import CctvExport
from jlclient.ui.work_dialog import WorkDialog
from jlclient.ui import file_dialogs


def describe(export: CctvExport) -> str:
    """What the export holds, in a line: files, size, channels and the span its names give."""
    channels = sorted({n.channel for n in export.names.values() if n.channel})
    starts = sorted(n.started for n in export.names.values() if n.started)
    span = f"，{starts[0]:%Y-%m-%d %H:%M} 至 {starts[-1]:%Y-%m-%d %H:%M} 开始录制" if starts else ""
    unnamed = sum(1 for n in export.names.values() if not n.started)
    return (f"{len(export.files)} 个录像文件，共 {size_text(export.size)}；通道：{'、'.join(channels) or '未标明'}{span}"
            + (f"；{unnamed} 个文件名中没有时间，以文件的修改时间为录制结束时间" if unnamed else ""))


def outcome(report: PullReport) -> str:
    """The summary, then each failed file with its reason."""
    return hall_cctv.summary(report) + "".join(f"\n{r.path}：{r.message}" for r in report.results
                                               if r.status == "failed")


class CctvImportDialog(WorkDialog):
    imported = Signal()

    def __init__(self, ctx: AppContext, user: CurrentUser, parent=None):
        super().__init__(parent)
        self.ctx, self.user, self.export, self.report = ctx, user, None, None
        self.setWindowTitle(self.tr("导入大厅监控录像"))
        self.resize(720, 300)
        intro = QLabel(hall_cctv.retention_rule(ctx) + self.tr("请选择硬盘录像机导出的文件夹：录像按原样拷贝、校验并登记，"
                                                               "导出文件夹只读取不改动；已导入的文件不会重复登记。"),
                       objectName="cctvIntro")
        intro.setWordWrap(True)
        self.folder = QLineEdit(objectName="cctvFolder")
        self.folder.setReadOnly(True)
        self.folder.setPlaceholderText(self.tr("U 盘或硬盘录像机导出的文件夹"))
        self.choose_button = QPushButton(self.tr("选择(&F)…"), objectName="chooseCctvFolder")
        self.choose_button.clicked.connect(self.choose)
        self.location = QLineEdit(hall_cctv.DEFAULT_LOCATION, objectName="cctvLocation")
        self.found = QLabel(objectName="cctvFound")
        self.found.setWordWrap(True)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.choose_button)
        form = QFormLayout()
        form.addRow(self.tr("导出文件夹："), folder_row)
        form.addRow(self.tr("监控位置(&L)："), self.location)
        form.addRow("", self.found)
        run_row = self._build_run_row(self.tr("导入(&I)"), "importCctv")
        self.start_button.setEnabled(False)
        self.start_button.clicked.connect(self.start)
        self.close_button = QPushButton(self.tr("关闭"), objectName="closeCctv")
        self.close_button.clicked.connect(self.reject)       # during an import: cancels it first
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(run_row)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addLayout(bottom)

    def _inputs(self):
        return [self.start_button, self.choose_button, self.location]

    def choose(self) -> None:
        folder = file_dialogs.choose_folder(self, self.tr("选择监控录像导出文件夹"), "cctv", self.folder.text())
        if folder:
            self.use_folder(folder)

    def use_folder(self, folder: str) -> None:
        """Read what the folder holds; nothing is copied yet."""
        self.folder.setText(folder)
        try:
            self.export = hall_cctv.scan(folder)
        except ServiceError as exc:
            self.export = None
            self.found.setText("")
            self._error(str(exc))
        else:
            self.found.setText(describe(self.export))
            self._info("")
        self.start_button.setEnabled(self.export is not None)

    def start(self) -> None:
        if self.task is not None or self.export is None:
            return
        export, location, total = self.export, self.location.text(), self.export.size

        def job(progress, cancel: Event) -> PullReport:
            done = [0]

            def on_bytes(path: str, n: int) -> None:
                done[0] += n
                progress(path, done[0], total)
            return hall_cctv.import_export(self.ctx, self.user, export, location, progress=on_bytes, cancel=cancel)
        self._run(job, self.tr("正在导入…"), (), "导入失败")

    def _done(self, report: PullReport) -> None:
        self.report = report
        self.bar.setFormat(self.tr("已取消") if report.cancelled else self.tr("完成"))
        (self._info if report.complete or report.cancelled else self._error)(outcome(report))
        self._finished()
        self.imported.emit()
