"""导出案件包 and 四性检测: the case exported as a BagIt folder or an ISO image (with its disc label)
on a worker with progress and cancel, then — when asked — checked for authenticity, integrity,
usability and security, the findings shown; and a dialog to check any package and save its report."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QCheckBox, QDialog, QFormLayout,
                               QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMessageBox, QPushButton,
                               QRadioButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from jlclient.domain.package_check import CATEGORIES, FAIL, PASS, Report
from jlclient.printing.labels import size_text
from jlclient.services import archiving, evidence_copies, export, package_check
from jlclient.services.auth import CurrentUser
from jlclient.services.cases import case_detail
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.export import ExportCancelled, ExportResult
from jlclient.services.package_check import CheckCancelled
from jlclient.ui.review_page import RequestDialog
from jlclient.ui.work_dialog import Job, WorkDialog
from jlclient.ui import file_dialogs

FINDING_COLUMNS = ("类别", "检测项", "文件", "问题")
STATUS_STYLE = {PASS: "color: #1e7b34; font-weight: bold;", FAIL: "color: #c0392b; font-weight: bold;",
                "": "color: #666666;"}

# job(progress(phase, done, total), cancel) -> whatever the dialog shows


class FindingsPanel(QWidget):
    """The verdict of each of the four categories and every finding, naming its file."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.report: Report | None = None
        self.headline = QLabel(objectName="checkHeadline")
        self.headline.setWordWrap(True)
        self.headline.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
        self.categories: dict[str, QLabel] = {}
        chips = QHBoxLayout()
        for category in CATEGORIES:
            label = QLabel(objectName=f"category_{CATEGORIES.index(category)}")
            label.setFrameShape(QLabel.StyledPanel)
            label.setAlignment(Qt.AlignCenter)
            label.setMinimumWidth(110)
            self.categories[category] = label
            chips.addWidget(label)
        chips.addStretch(1)
        self.table = QTableWidget(0, len(FINDING_COLUMNS), objectName="findings")
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in FINDING_COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.setTextElideMode(Qt.ElideMiddle)
        header = self.table.horizontalHeader()
        for column in (0, 1, 2):
            header.setSectionResizeMode(column, QHeaderView.Interactive)
        header.setSectionResizeMode(3, QHeaderView.Stretch)
        self.table.setColumnWidth(0, 64)
        self.table.setColumnWidth(1, 200)
        self.table.setColumnWidth(2, 260)
        self.table.setAccessibleName(self.tr("四性检测发现的问题"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.headline)
        layout.addLayout(chips)
        layout.addWidget(self.table, 1)
        self.clear()

    def clear(self) -> None:
        self.report = None
        self.headline.setText(self.tr("尚未检测"))
        self.headline.setStyleSheet(STATUS_STYLE[""])
        for category, label in self.categories.items():
            label.setText(f"{category}：—")
            label.setStyleSheet(STATUS_STYLE[""])
            label.setToolTip("")
        self.table.setRowCount(0)

    def show_report(self, report: Report) -> None:
        self.report = report
        self.headline.setText(report.headline())
        self.headline.setStyleSheet(STATUS_STYLE[PASS if report.ok else FAIL])
        for category, label in self.categories.items():
            status = report.category_status(category)
            label.setText(f"{category}：{status}")
            label.setStyleSheet(STATUS_STYLE.get(status, STATUS_STYLE[""]))
            label.setToolTip("\n".join(f"{c.label}：{c.status}{'（' + c.note + '）' if c.note else ''}"
                                       for c in report.checks if c.category == category))
        self.table.setRowCount(len(report.findings))
        for i, f in enumerate(report.findings):
            for j, text in enumerate((f.category, f.as_dict()["label"], f.path or self.tr("（整个包）"), f.message)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(i, j, item)
        self.table.resizeRowsToContents()


def _save_report(parent: QWidget, report: Report, start: str) -> str:
    """Asks where; writes the PDF and the JSON beside it. Returns what was written, or ""."""
    name = file_dialogs.save_file(parent, parent.tr("保存四性检测报告"), "check_report",
                                  filter=parent.tr("PDF 文件 (*.pdf)"), start=start)
    if not name:
        return ""
    pdf = Path(name) if name.lower().endswith(".pdf") else Path(name + ".pdf")
    js = pdf.with_suffix(".json")
    package_check.save_report(report, pdf, js)
    return parent.tr("检测报告已保存：{p}（另存 JSON：{j}）").format(p=pdf, j=js.name)


class _Runner(WorkDialog):
    """What both dialogs share: the run row of WorkDialog, the findings and saving their report."""

    def _build_run_row(self, start_text: str, start_name: str) -> QHBoxLayout:
        row = super()._build_run_row(start_text, start_name)
        self.findings = FindingsPanel()
        self.save_button = QPushButton(self.tr("保存检测报告(&S)…"), objectName="saveReport")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save_report)
        return row

    def _start(self, job: Job, message: str) -> None:
        self._run(job, message, (ExportCancelled, CheckCancelled), "处理失败")

    def _after_run(self) -> None:
        self.save_button.setEnabled(self.findings.report is not None)

    def _done(self, result) -> None:  # pragma: no cover — each dialog shows its own result
        raise NotImplementedError

    def _report_name(self) -> str:
        return "四性检测报告.pdf"

    def save_report(self) -> None:
        report = self.findings.report
        if report is None:
            return
        try:
            message = _save_report(self, report, self._report_name())
        except ServiceError as exc:
            self._error(str(exc))
            return
        if message:
            self._info(message)

class ExportDialog(_Runner):
    def __init__(self, ctx: AppContext, user: CurrentUser, case_id: int, parent=None):
        super().__init__(parent)
        self.ctx, self.user, self.case_id = ctx, user, case_id
        self.result: ExportResult | None = None
        detail = case_detail(ctx, case_id)
        self.case_number = detail.row.number
        self.default_name = export.default_name(ctx, case_id)
        self.has_footage = bool(evidence_copies.recordings(ctx, case_id))
        self.may_export = user.has(*export.EXPORTERS)
        self.setWindowTitle(self.tr("导出案件包：{n}").format(n=self.case_number))
        self.resize(900, 680)
        intro = QLabel(self.tr("把本案的文书（PDF）、音像资料、元数据和视听资料制作说明导出为 BagIt 包（RFC 8493）；"
                               "或做成可直接刻录的 ISO 光盘映像（Joliet + Rock Ridge，中文文件名不变），光盘标签 PDF "
                               "存放在映像旁边。每个文件附 SHA-256 清单，导出记入审计日志。"))
        intro.setWordWrap(True)

        self.bag_radio = QRadioButton(self.tr("BagIt 包（文件夹）"), objectName="kindBag")
        self.iso_radio = QRadioButton(self.tr("ISO 光盘映像（可刻录，附光盘标签）"), objectName="kindIso")
        self.kind_group = QButtonGroup(self)
        self.kind_group.addButton(self.bag_radio)
        self.kind_group.addButton(self.iso_radio)
        self.bag_radio.setChecked(True)
        self.bag_radio.toggled.connect(self._kind_changed)
        kinds = QHBoxLayout()
        kinds.addWidget(self.bag_radio)
        kinds.addWidget(self.iso_radio)
        kinds.addStretch(1)
        self.target = QLineEdit(objectName="exportTarget")
        self.target.setPlaceholderText(self.tr("新的或空的文件夹；U 盘、移动硬盘或刻录暂存文件夹"))
        self.choose_button = QPushButton(self.tr("选择(&F)…"), objectName="chooseExportTarget")
        self.choose_button.clicked.connect(self.choose_target)
        target_row = QHBoxLayout()
        target_row.addWidget(self.target, 1)
        target_row.addWidget(self.choose_button)
        self.place = QLineEdit(archiving.recording_place(ctx, case_id), objectName="exportPlace")
        self.place.setPlaceholderText(self.tr("音像资料的录制地点（写入视听资料制作说明）"))
        self.check_after = QCheckBox(self.tr("导出后进行四性检测（真实性、完整性、可用性、安全性）"),
                                     objectName="checkAfterExport")
        self.check_after.setChecked(True)
        form = QFormLayout()
        form.addRow(self.tr("导出形式："), kinds)
        # a label over a row of widgets has no buddy of its own: without one Qt shows "(&T)" as typed
        target_label = QLabel(self.tr("保存到(&T)："), objectName="exportTargetLabel")
        target_label.setBuddy(self.target)
        form.addRow(target_label, target_row)
        if self.has_footage:
            form.addRow(self.tr("录制地点(&P)："), self.place)
        form.addRow("", self.check_after)
        # footage this user may not take out is named before the export starts, with the way to ask
        self.footage_warning = QLabel(objectName="footageWarning")
        self.footage_warning.setWordWrap(True)
        self.footage_warning.setStyleSheet("color: #c0392b;")
        self.footage_warning.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
        self.request_button = QPushButton(self.tr("申请导出审批(&A)…"), objectName="requestExport")
        self.request_button.setAutoDefault(False)
        self.request_button.clicked.connect(self.request_export)
        warning_row = QHBoxLayout()
        warning_row.addWidget(self.footage_warning, 1)
        warning_row.addWidget(self.request_button, 0, Qt.AlignTop)
        form.addRow(warning_row)
        self._show_footage()

        run_row = self._build_run_row(self.tr("开始导出(&E)"), "startExport")
        self.start_button.clicked.connect(self.start)
        if not self.may_export:
            self.start_button.setEnabled(False)
            self.start_button.setToolTip(self.tr("只有档案管理员、法制审核人员或系统管理员可以导出案件包"))
            self._info(self.start_button.toolTip())
        self.open_button = QPushButton(self.tr("打开所在文件夹"), objectName="openExportFolder")
        self.open_button.setVisible(False)
        self.open_button.clicked.connect(self.open_folder)
        self.close_button = QPushButton(self.tr("关闭"), objectName="closeExport")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.open_button)
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)

        box = QGroupBox(self.tr("导出"))
        box_layout = QVBoxLayout(box)
        box_layout.addLayout(form)
        box_layout.addLayout(run_row)
        box_layout.addWidget(self.status)
        check_box = QGroupBox(self.tr("四性检测结果"))
        QVBoxLayout(check_box).addWidget(self.findings)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{self.case_number}　{detail.row.title}</b>"))
        layout.addWidget(intro)
        layout.addWidget(box)
        layout.addWidget(check_box, 1)
        layout.addLayout(bottom)
        self._kind_changed()

    def _inputs(self) -> list[QWidget]:
        return [self.start_button, self.choose_button, self.target, self.bag_radio, self.iso_radio, self.place,
                self.check_after, self.save_button, self.request_button]

    def _left_out(self) -> list[export.Footage]:
        return [f for f in self.footage if not f.allowed]

    def _show_footage(self) -> None:
        """Which recordings the package will leave out, and why, in the user's words."""
        self.footage = export.footage_for(self.ctx, self.user, self.case_id) if self.may_export else []
        left = self._left_out()
        self.footage_warning.setText(
            self.tr("以下音像记录不会导出（包内附“未导出说明.txt”写明原因）：") + "\n" +
            "\n".join(f"• {f.file_name}：{f.reason}" for f in left) if left else "")
        self.footage_warning.setVisible(bool(left))
        self.request_button.setVisible(any(f.approval_needed for f in left))

    def request_export(self) -> None:
        """An access request naming the export, for the recordings that need one."""
        needed = [f for f in self._left_out() if f.approval_needed]
        if not needed:
            return
        dialog = RequestDialog([f.file_name for f in needed], self)
        dialog.setWindowTitle(self.tr("申请导出音像记录"))
        dialog.reason.setPlaceholderText(self.tr("导出事由，如：移交档案馆、行政复议调取"))
        if dialog.exec() != QDialog.Accepted:
            return
        try:
            export.request_export(self.ctx, self.user, self.case_id, dialog.reason.toPlainText(), dialog.hours.value())
        except ServiceError as exc:
            self._error(str(exc))
            return
        self._info(self.tr("导出申请已提交，批准后再导出即包含这些音像记录。"))
        self._show_footage()

    def _after_run(self) -> None:
        super()._after_run()
        self.start_button.setEnabled(self.may_export)

    @property
    def kind(self) -> str:
        return "bag" if self.bag_radio.isChecked() else "iso"

    def _kind_changed(self, *_) -> None:
        """A new default target for the kind; a path typed or chosen by the user is moved along."""
        current = Path(self.target.text()) if self.target.text() else Path.home() / self.default_name
        base = current.with_suffix("") if current.suffix.lower() == ".iso" else current
        self.target.setText(str(base if self.kind == "bag" else base.with_name(base.name + ".iso")))
        self.target.setPlaceholderText(self.tr("新的或空的文件夹") if self.kind == "bag" else
                                       self.tr("新的 .iso 文件；光盘标签 PDF 存在它旁边"))

    def choose_target(self) -> None:
        start = str(Path(self.target.text()).parent) if self.target.text() else str(Path.home())
        if self.kind == "bag":
            folder = file_dialogs.choose_folder(self, self.tr("选择导出 BagIt 包的位置"), "export", start)
            if folder:
                chosen = Path(folder)
                empty = chosen.is_dir() and not any(chosen.iterdir())
                self.target.setText(str(chosen if empty else chosen / self.default_name))
        else:
            name = file_dialogs.save_file(self, self.tr("保存 ISO 光盘映像"), "export", f"{self.default_name}.iso",
                                          self.tr("ISO 光盘映像 (*.iso)"), start=start)
            if name:
                self.target.setText(name if name.lower().endswith(".iso") else name + ".iso")

    def start(self) -> None:
        if self.task is not None:
            return
        target = self.target.text().strip()
        if not target:
            self._error(self.tr("请选择保存位置"))
            return
        self._show_footage()          # an approval may have come since the dialog opened
        left = self._left_out()
        if left and QMessageBox.question(
                self, self.tr("部分音像记录不会导出"),
                self.tr("{n} 个音像记录不会导出：\n{list}\n\n包内将附“未导出说明.txt”。仍要导出吗？").format(
                    n=len(left), list="\n".join(f"{f.file_name}：{f.reason}" for f in left)),
                QMessageBox.Yes | QMessageBox.No, QMessageBox.No) != QMessageBox.Yes:
            return
        ctx, user, case_id, kind = self.ctx, self.user, self.case_id, self.kind
        place, check = self.place.text(), self.check_after.isChecked()
        run = export.export_bag if kind == "bag" else export.export_iso
        self.result = None
        self.findings.clear()
        self.open_button.setVisible(False)

        def job(progress, cancel):
            result = run(ctx, user, case_id, target, place=place, cancel=cancel,
                         progress=lambda d, t: progress("导出", d, t))
            if not check:
                return result, None
            try:
                report = package_check.check_package(result.path, ctx, cancel=cancel,
                                                     progress=lambda d, t: progress("四性检测", d, t))
            except CheckCancelled:
                return result, None          # the package is made and recorded; only the check stopped
            return result, report
        self._start(job, self.tr("正在导出…"))

    def _done(self, outcome) -> None:
        result, report = outcome
        self.result = result
        self.bar.setValue(1000)
        what = self.tr("BagIt 包") if result.kind == "bag" else self.tr("ISO 光盘映像")
        lines = [self.tr("已导出 {w}：{p}").format(w=what, p=result.path),
                 self.tr("{n} 个文件，{s}；清单 manifest-sha256.txt 的 SHA-256：{h}").format(
                     n=result.files, s=size_text(result.bytes), h=result.manifest_sha256)]
        if result.label:
            lines.append(self.tr("光盘标签：{p}").format(p=result.label))
        elif result.kind == "iso":
            lines.append(self.tr("本案没有可导出的音像记录，未生成光盘标签"))
        lines += [self.tr("未导出：{x}").format(x=x) for x in result.left_out]
        if report is not None:
            self.findings.show_report(report)
        elif self.check_after.isChecked():
            lines.append(self.tr("四性检测已取消；可稍后在“四性检测”中检查此包"))
        self._info("\n".join(lines))
        self.open_button.setVisible(True)
        self._finished()

    def _report_name(self) -> str:
        if self.result is None:
            return super()._report_name()
        return str(self.result.path.parent / f"{self.result.path.stem}_四性检测报告.pdf")

    def open_folder(self) -> None:
        if self.result is not None:
            folder = self.result.path if self.result.kind == "bag" else self.result.path.parent
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


class PackageCheckDialog(_Runner):
    """四性检测 of any package — a BagIt folder or an ISO image — with the report saved as PDF and JSON."""

    def __init__(self, ctx: AppContext | None, parent=None, path: str = ""):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("四性检测"))
        self.resize(900, 640)
        intro = QLabel(self.tr("检查导出的案件包（BagIt 文件夹或 ISO 光盘映像）：真实性（哈希、元数据、审计记录）、"
                               "完整性（齐全、编号连续）、可用性（PDF 可解析、视频可读取、格式）和安全性"
                               "（无清单外文件、无可执行文件）。"))
        intro.setWordWrap(True)
        self.path = QLineEdit(path, objectName="checkPath")
        self.path.setPlaceholderText(self.tr("BagIt 包文件夹或 .iso 文件"))
        self.folder_button = QPushButton(self.tr("选择文件夹(&D)…"), objectName="chooseCheckFolder")
        self.folder_button.clicked.connect(self.choose_folder)
        self.image_button = QPushButton(self.tr("选择光盘映像(&I)…"), objectName="chooseCheckImage")
        self.image_button.clicked.connect(self.choose_image)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(self.folder_button)
        path_row.addWidget(self.image_button)
        self.use_db = QCheckBox(self.tr("与本机数据库核对审计记录"), objectName="checkUseDb")
        self.use_db.setChecked(ctx is not None)
        self.use_db.setEnabled(ctx is not None)
        run_row = self._build_run_row(self.tr("开始检测(&C)"), "startCheck")
        self.start_button.clicked.connect(self.start)
        self.close_button = QPushButton(self.tr("关闭"), objectName="closeCheck")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.save_button)
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(path_row)
        layout.addWidget(self.use_db)
        layout.addLayout(run_row)
        layout.addWidget(self.status)
        layout.addWidget(self.findings, 1)
        layout.addLayout(bottom)

    def _inputs(self) -> list[QWidget]:
        return [self.start_button, self.path, self.folder_button, self.image_button, self.save_button, self.use_db]

    def _after_run(self) -> None:
        super()._after_run()
        self.use_db.setEnabled(self.ctx is not None)

    def choose_folder(self) -> None:
        folder = file_dialogs.choose_folder(self, self.tr("选择 BagIt 包文件夹"), "check", self.path.text())
        if folder:
            self.path.setText(folder)

    def choose_image(self) -> None:
        name = file_dialogs.open_file(self, self.tr("选择 ISO 光盘映像"), "check", self.tr("ISO 光盘映像 (*.iso)"),
                                      self.path.text())
        if name:
            self.path.setText(name)

    def start(self) -> None:
        if self.task is not None:
            return
        path = self.path.text().strip()
        if not path:
            self._error(self.tr("请选择要检测的 BagIt 包文件夹或 ISO 光盘映像"))
            return
        ctx = self.ctx if self.use_db.isChecked() else None
        self.findings.clear()

        def job(progress, cancel):
            return package_check.check_package(path, ctx, cancel=cancel,
                                               progress=lambda d, t: progress("四性检测", d, t))
        self._start(job, self.tr("正在检测…"))

    def _done(self, report: Report) -> None:
        self.bar.setValue(1000)
        self.findings.show_report(report)
        self._info(self.tr("检测完成：{n} 个文件，{s}").format(n=report.files, s=size_text(report.bytes)))
        self._finished()

    def _report_name(self) -> str:
        path = Path(self.path.text().strip() or "package")
        return str(path.parent / f"{path.stem or path.name}_四性检测报告.pdf")
