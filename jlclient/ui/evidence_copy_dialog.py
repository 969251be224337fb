"""证据副本: the legal reviewer copies chosen recordings of a case for a reconsideration body or a
court (seed 003 Art. 15) with the manifest, the written note and the disc label (seed 004 Art. 22).
The copy runs on a worker with progress and cancel; the dialog lists what was handed over before."""
from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFormLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout)

from jlclient.clock import local
from jlclient.domain.av_access import RESTRICTED_GROUNDS, AvClass
from jlclient.printing.labels import duration_text, size_text
from jlclient.services import archiving, citations, evidence_copies
from jlclient.services.auth import CurrentUser
from jlclient.services.cases import case_detail
from jlclient.services.context import AppContext
from jlclient.services.evidence_copies import CopyCancelled, CopyResult
from jlclient.ui.work_dialog import WorkDialog
from jlclient.ui import file_dialogs

RECORDING_COLUMNS = ("文件名", "录制时间", "时长", "大小", "密级")
COPY_COLUMNS = ("制作时间", "接收单位", "用途", "文件数", "制作人", "清单 SHA-256", "文件夹")
HASH_SHOWN = 16             # hex digits of the manifest hash in the table; the whole hash in its tooltip


class EvidenceCopyDialog(WorkDialog):
    def __init__(self, ctx: AppContext, user: CurrentUser, case_id: int, parent=None):
        super().__init__(parent)
        self.ctx, self.user, self.case_id = ctx, user, case_id
        self.result: CopyResult | None = None
        self.may_copy = user.has(*evidence_copies.MAKERS)
        detail = case_detail(ctx, case_id)
        self.setWindowTitle(self.tr("制作证据副本：{n}").format(n=detail.row.number))
        self.resize(920, 760)
        intro = QLabel(citations.words(ctx, self.tr(
            "向行政复议机构、人民法院提供音像资料时，由法制审核人员制作证据副本并留存记录（seed 003 Art. 15）；"
            "副本附视听资料制作说明，注明制作人、提取人和提取时间（seed 004 Art. 22），并附 SHA-256 校验清单。")))
        intro.setWordWrap(True)

        self.recordings = evidence_copies.recordings(ctx, case_id, user)
        self.table = QTableWidget(len(self.recordings), len(RECORDING_COLUMNS), objectName="copyRecordings")
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in RECORDING_COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        self.table.setAccessibleName(self.tr("案件的音像记录，勾选要复制的文件（空格键勾选）"))
        for i, r in enumerate(self.recordings):
            name = QTableWidgetItem(r.file_name)
            name.setToolTip(f"SHA-256 {r.sha256}")
            if r.allowed:
                name.setFlags(name.flags() | Qt.ItemIsUserCheckable)
                name.setCheckState(Qt.Checked)
            else:   # it may not leave the building with this user: shown, never ticked, and why
                name.setFlags((name.flags() | Qt.ItemIsUserCheckable) & ~Qt.ItemIsEnabled)
                name.setCheckState(Qt.Unchecked)
                name.setToolTip(self.tr("不能复制：{r}").format(r=r.reason))
            started = f"{local(r.started_at):%Y-%m-%d %H:%M:%S}" if r.started_at else "—"
            for j, item in enumerate((name, QTableWidgetItem(started),
                                      QTableWidgetItem(duration_text(r.duration_s) if r.duration_s else "—"),
                                      QTableWidgetItem(size_text(r.size)), QTableWidgetItem(r.access_class.label))):
                self.table.setItem(i, j, item)
            if r.access_class is AvClass.RESTRICTED:
                self.table.item(i, 4).setToolTip(self.tr("受限音像记录：涉及{g}，提供前请确认").format(g=RESTRICTED_GROUNDS))
        self.table.itemChanged.connect(lambda *_: self._update_selection())
        self.all_button = QPushButton(self.tr("全选(&A)"), objectName="checkAll")
        self.none_button = QPushButton(self.tr("全不选"), objectName="checkNone")
        self.all_button.clicked.connect(lambda: self._check_all(Qt.Checked))
        self.none_button.clicked.connect(lambda: self._check_all(Qt.Unchecked))
        self.selection = QLabel(objectName="copySelection")
        refused = [r for r in self.recordings if not r.allowed]
        self.refused = QLabel("\n".join([self.tr("以下音像记录不能复制（受限音像记录须经批准的注明导出或复制的查阅申请）：")]
                                        + [f"• {r.file_name}：{r.reason}" for r in refused]), objectName="copyRefused")
        self.refused.setWordWrap(True)
        self.refused.setStyleSheet("color: #c0392b;")
        self.refused.setVisible(bool(refused))
        picks = QHBoxLayout()
        picks.addWidget(self.all_button)
        picks.addWidget(self.none_button)
        picks.addWidget(self.selection, 1)

        self.recipient = QLineEdit(objectName="copyRecipient")
        self.recipient.setPlaceholderText(self.tr("如：灵寿县人民政府行政复议办公室、灵寿县人民法院"))
        self.purpose = QComboBox(objectName="copyPurpose")
        self.purpose.setEditable(True)
        self.purpose.addItems([self.tr(p) for p in evidence_copies.PURPOSES])
        self.place = QLineEdit(archiving.recording_place(ctx, case_id), objectName="copyPlace")
        self.place.setPlaceholderText(self.tr("音像资料的录制地点（写入制作说明）"))
        self.target = QLineEdit(objectName="copyTarget")
        self.target.setReadOnly(True)
        self.target.setPlaceholderText(self.tr("U 盘、移动硬盘或刻录暂存文件夹"))
        self.choose_button = QPushButton(self.tr("选择(&F)…"), objectName="chooseTarget")
        self.choose_button.clicked.connect(self.choose_target)
        target_row = QHBoxLayout()
        target_row.addWidget(self.target, 1)
        target_row.addWidget(self.choose_button)
        form = QFormLayout()
        form.addRow(self.tr("接收单位(&R)："), self.recipient)
        form.addRow(self.tr("用途(&U)："), self.purpose)
        form.addRow(self.tr("录制地点(&P)："), self.place)
        form.addRow(self.tr("保存到："), target_row)

        run_row = self._build_run_row(self.tr("制作证据副本"), "makeCopy")
        self.make_button = self.start_button
        self.make_button.clicked.connect(self.make)
        self.cancel_button.setText(self.tr("取消复制"))
        self.open_button = QPushButton(self.tr("打开文件夹"), objectName="openCopyFolder")
        self.open_button.setVisible(False)
        self.open_button.clicked.connect(self.open_folder)
        if not self.may_copy:
            self.make_button.setEnabled(False)
            self.make_button.setToolTip(self.tr("只有法制审核人员可以制作证据副本"))

        copy_box = QGroupBox(self.tr("制作副本"))
        box_layout = QVBoxLayout(copy_box)
        box_layout.addWidget(self.table, 1)
        box_layout.addWidget(self.refused)
        box_layout.addLayout(picks)
        box_layout.addLayout(form)
        box_layout.addLayout(run_row)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.open_button)
        box_layout.addLayout(status_row)

        self.copies = QTableWidget(0, len(COPY_COLUMNS), objectName="earlierCopies")
        self.copies.setHorizontalHeaderLabels([self.tr(c) for c in COPY_COLUMNS])
        self.copies.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.copies.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.copies.verticalHeader().hide()
        self.copies.setTextElideMode(Qt.ElideMiddle)
        self.copies.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.copies.horizontalHeader().setStretchLastSection(True)
        history = QGroupBox(self.tr("已提供的证据副本（留存记录）"))
        QVBoxLayout(history).addWidget(self.copies)

        self.close_button = QPushButton(self.tr("关闭"), objectName="closeCopyDialog")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{detail.row.number}　{detail.row.title}</b>"))
        layout.addWidget(intro)
        layout.addWidget(copy_box, 3)
        layout.addWidget(history, 2)
        layout.addLayout(bottom)
        if not self.recordings:
            self._error(self.tr("本案没有关联的音像记录，无需制作证据副本"))
            self.make_button.setEnabled(False)
        self._update_selection()
        self.refresh_copies()

    # --- recordings ---------------------------------------------------------------------------

    def checked_ids(self) -> list[int]:
        return [r.id for i, r in enumerate(self.recordings) if self.table.item(i, 0).checkState() == Qt.Checked]

    def _check_all(self, state) -> None:
        for i, r in enumerate(self.recordings):
            if r.allowed:
                self.table.item(i, 0).setCheckState(state)

    def _update_selection(self) -> None:
        ids = set(self.checked_ids())
        chosen = [r for r in self.recordings if r.id in ids]
        self.selection.setText(self.tr("已选 {n} 个文件，共 {s}").format(
            n=len(chosen), s=size_text(sum(r.size for r in chosen))))

    # --- the copy -----------------------------------------------------------------------------

    def choose_target(self) -> None:
        folder = file_dialogs.choose_folder(self, self.tr("选择保存证据副本的位置"), "evidence_copy", self.target.text())
        if folder:
            self.target.setText(folder)

    def make(self) -> None:
        if self.task is not None:
            return
        ids = self.checked_ids()
        if not ids:
            self._error(self.tr("请勾选要复制的音像记录"))
            return
        if not self.recipient.text().strip():
            self._error(self.tr("请填写接收单位"))
            self.recipient.setFocus()
            return
        if not self.target.text():
            self.choose_target()
            if not self.target.text():
                self._error(self.tr("请选择保存证据副本的位置"))
                return
        ctx, user, case_id, target = self.ctx, self.user, self.case_id, self.target.text()
        recipient, purpose, place = self.recipient.text(), self.purpose.currentText(), self.place.text()

        def job(progress, cancel):
            return evidence_copies.make_copy(ctx, user, case_id, ids, target, recipient, purpose, place=place,
                                             progress=lambda done, total: progress("", done, total), cancel=cancel)
        self.open_button.setVisible(False)
        self._run(job, self.tr("正在复制并校验…"), (CopyCancelled,), "制作证据副本失败")

    def _inputs(self):
        return [self.make_button, self.choose_button, self.table, self.all_button, self.none_button,
                self.recipient, self.purpose, self.place]

    def _done(self, result: CopyResult) -> None:
        self.result = result
        self.bar.setValue(1000)
        self._info(self.tr("证据副本已制作并校验：{n} 个文件，{s}。\n文件夹：{f}\n校验清单 {m} 的 SHA-256：{h}").format(
            n=len(result.files), s=size_text(result.bytes), f=result.folder, m=evidence_copies.MANIFEST,
            h=result.manifest_sha256))
        self.open_button.setVisible(True)
        self.refresh_copies()
        self._finished()

    def open_folder(self) -> None:
        if self.result is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result.folder)))

    def refresh_copies(self) -> None:
        rows = evidence_copies.copies_of(self.ctx, self.case_id)
        self.copies.setRowCount(len(rows))
        for i, c in enumerate(rows):
            for j, (text, tip) in enumerate(((f"{local(c.made_at):%Y-%m-%d %H:%M}", ""), (c.recipient, ""),
                                             (c.purpose, ""), (str(len(c.av_ids)), ""), (c.made_by, ""),
                                             (c.manifest_sha256[:HASH_SHOWN] + "…", c.manifest_sha256),
                                             (c.folder, c.folder))):
                item = QTableWidgetItem(text)
                item.setToolTip(tip or text)
                self.copies.setItem(i, j, item)
