"""立卷归档: the archivist binds a closed case as a volume, then prints its cover sheet, file index,
remarks sheet and box spine label, and the disc label and written note of its footage. Binding runs
the closing check first: what it finds is shown, goes on the remarks sheet, and a finding no
approver's written override covers is approved here by an approver (负责人) before binding."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QFormLayout, QGridLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMessageBox, QPlainTextEdit,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout)

from jlclient.clock import local
from jlclient.domain.archiving import FILERS, RETENTIONS
from jlclient.domain.model import Role
from jlclient.printing.labels import SPINE_WIDTHS
from jlclient.services import archiving
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext, ServiceError

COLUMNS = ("序号", "文号", "题名", "日期", "页号", "备注")


class VolumeDialog(QDialog):
    def __init__(self, ctx: AppContext, user: CurrentUser, case_id: int, parent=None):
        super().__init__(parent)
        self.ctx, self.user, self.case_id = ctx, user, case_id
        self.resize(860, 640)
        self.plan = archiving.plan_volume(ctx, case_id)     # raises for an open case: the caller says why
        self.volume = archiving.volume_of(ctx, case_id)
        self.check = archiving.binding_check(ctx, case_id)
        self.setWindowTitle(self.tr("立卷归档：{n}").format(n=self.plan.case_number))
        self.summary = QLabel(objectName="volumeSummary")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS), objectName="volumeDocuments")
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{self.plan.title}</b>"))
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self._check_box())
        layout.addWidget(self._binding_box())
        layout.addWidget(self._papers_box())
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        self._show()

    # --- the binding check ---------------------------------------------------------------------

    def _check_box(self) -> QGroupBox:
        self.check_box = QGroupBox(self.tr("立卷检查（按结案规则）"), objectName="bindingCheck")
        self.findings = QLabel(objectName="bindingFindings")
        self.findings.setWordWrap(True)
        self.findings.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.override_reason = QPlainTextEdit(objectName="overrideReason")
        self.override_reason.setPlaceholderText(self.tr("负责人批准带问题立卷的书面理由（必填），将写入卷内备考表"))
        self.override_reason.setFixedHeight(56)
        self.approve_button = QPushButton(self.tr("批准立卷（书面理由）…"), objectName="approveBinding")
        self.approve_button.clicked.connect(self.approve)
        box = QVBoxLayout(self.check_box)
        box.addWidget(self.findings)
        box.addWidget(self.override_reason)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.approve_button)
        box.addLayout(row)
        return self.check_box

    def _show_check(self) -> None:
        c, bound = self.check, self.volume is not None
        approver = self.user.has(Role.APPROVER)
        if c.clean:
            text = self.tr("未发现阻断性问题。卷内备考表将写明：{t}").format(t=archiving.COMPLETE)
        else:
            listed = "\n".join(f"{i}. {line}" for i, line in enumerate(c.lines(), 1))
            text = self.tr("有 {n} 项阻断性问题，将如实写入卷内备考表：\n{l}").format(n=len(c.findings), l=listed)
            if c.overrides:
                text += "\n" + "\n".join(f"{o.text().rstrip('。')}。" for o in c.overrides)
            if c.uncovered and not bound:
                text += "\n" + (self.tr("其中 {k} 项尚无负责人的书面批准：请填写理由后批准立卷。") if approver else self.tr(
                    "其中 {k} 项尚无负责人的书面批准：须由负责人在“档案”中审查并填写书面理由批准后，才能立卷。")
                ).format(k=len(c.uncovered))
        self.findings.setText(text)
        asking = bool(c.uncovered) and approver and not bound
        self.override_reason.setVisible(asking)
        self.approve_button.setVisible(asking)

    def approve(self) -> None:
        """The approver's written reason; an empty one is said so, nothing is recorded."""
        reason = self.override_reason.toPlainText().strip()
        if not reason:
            QMessageBox.warning(self, self.tr("不能批准"), self.tr(
                "请填写批准带问题立卷的书面理由：理由将写入卷内备考表，不能为空。"))
            self.override_reason.setFocus()
            return
        try:
            self.check = archiving.approve_binding(self.ctx, self.user, self.case_id, reason)
        except ServiceError as exc:
            QMessageBox.warning(self, self.tr("不能批准"), str(exc))
            return
        self.override_reason.clear()
        self._show()

    # --- binding -------------------------------------------------------------------------------

    def _binding_box(self) -> QGroupBox:
        self.binding = QGroupBox(self.tr("立卷编号"))
        self.retention = QComboBox(objectName="retention")
        self.retention.addItems(RETENTIONS)
        self.retention.setCurrentText(self.plan.retention)
        self.fonds_no = QLineEdit(self.plan.fonds_no, objectName="fondsNo")
        self.catalogue_no = QLineEdit(self.plan.catalogue_no, objectName="catalogueNo")
        self.checker = QLineEdit(objectName="checker")
        self.notes = QPlainTextEdit(objectName="volumeNotes")
        self.notes.setPlaceholderText(self.tr("卷内备考表的情况说明：缺损、修改、补充、移出、销毁等；无则留空"))
        self.notes.setFixedHeight(56)
        self.build_button = QPushButton(self.tr("立卷编号…"), objectName="buildVolume")
        self.build_button.clicked.connect(self.build)
        form = QFormLayout(self.binding)
        form.addRow(self.tr("保管期限："), self.retention)
        form.addRow(self.tr("全宗号："), self.fonds_no)
        form.addRow(self.tr("目录号："), self.catalogue_no)
        form.addRow(self.tr("检查人："), self.checker)
        form.addRow(self.tr("备考说明："), self.notes)
        form.addRow("", self.build_button)
        return self.binding

    def build(self) -> None:
        state = self.tr("立卷检查未发现问题。") if self.check.clean else self.tr(
            "本卷有 {n} 项阻断性问题，卷内备考表将逐项写明并附负责人的批准理由。").format(n=len(self.check.findings))
        sure = QMessageBox.question(self, self.tr("立卷编号"), self.tr(
            "立卷后将按结案顺序分配归档号并装盒，归档号以后不能更改。\n保管期限：{r}。{s}\n确定立卷？").format(
            r=self.retention.currentText(), s=state))
        if sure != QMessageBox.Yes:
            return
        try:
            self.volume = archiving.build_volume(
                self.ctx, self.user, self.case_id, retention=self.retention.currentText(),
                fonds_no=self.fonds_no.text(), catalogue_no=self.catalogue_no.text(),
                notes=self.notes.toPlainText(), checker=self.checker.text(), plan=self.plan)
        except ServiceError as exc:
            QMessageBox.warning(self, self.tr("不能立卷"), str(exc))
            return
        self._show()

    # --- papers --------------------------------------------------------------------------------

    def _papers_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("打印"))
        grid = QGridLayout(box)
        self.paper_buttons: dict[str, QPushButton] = {}
        for i, (kind, title) in enumerate(archiving.PAPERS.items()):
            button = QPushButton(self.tr(title) + "…", objectName=f"paper_{kind}")
            button.clicked.connect(lambda _=False, k=kind: self.print_paper(k))
            self.paper_buttons[kind] = button
            grid.addWidget(button, i // 4, i % 4)
        self.spine_width = QComboBox(objectName="spineWidth")
        for w in SPINE_WIDTHS:
            self.spine_width.addItem(self.tr("脊背 {w} mm").format(w=w), w)
        self.spine_width.setCurrentIndex(SPINE_WIDTHS.index(30))
        self.place = QLineEdit(archiving.recording_place(self.ctx, self.case_id), objectName="recordingPlace")
        self.place.setPlaceholderText(self.tr("音像资料的录制地点"))
        self.year_spines = QPushButton(self.tr("本年度全部盒脊背…"), objectName="yearSpines")
        self.year_spines.clicked.connect(self.print_year_spines)
        grid.addWidget(self.spine_width, 0, 4)
        grid.addWidget(self.year_spines, 0, 5)
        grid.addWidget(QLabel(self.tr("录制地点：")), 1, 2)
        grid.addWidget(self.place, 1, 3, 1, 2)
        return box

    def print_paper(self, kind: str) -> None:
        try:
            rendered = archiving.render_paper(self.ctx, self.case_id, kind, maker=self.user.display_name,
                                              spine_mm=self.spine_width.currentData(), place=self.place.text())
        except ServiceError as exc:
            QMessageBox.warning(self, self.tr("不能打印"), str(exc))
            return
        from jlclient.ui.print_preview import PrintPreview   # QtPdf loads only when a preview opens
        PrintPreview(self.ctx, self.user, rendered, self).exec()

    def print_year_spines(self) -> None:
        """Every box of the volume's year on A4 sheets, made in the background."""
        from jlclient.printing.labels import spine_labels
        from jlclient.ui.batch_print import BatchPrintDialog
        spines, width = archiving.year_spines(self.ctx, self.volume.archive_year), self.spine_width.currentData()
        BatchPrintDialog(self.tr("{y} 年档案盒脊背（{n} 盒）").format(y=self.volume.archive_year, n=len(spines)),
                         lambda progress: spine_labels(spines, width, progress=progress), self).exec()

    # --- state ---------------------------------------------------------------------------------

    def _show(self) -> None:
        bound = self.volume is not None
        self._show_check()
        self.binding.setVisible(not bound and self.user.has(*FILERS))
        self.build_button.setEnabled(not self.check.uncovered)
        footage = any(d.key == "av" for d in self.plan.documents)
        for kind, button in self.paper_buttons.items():
            button.setEnabled(footage if kind in ("disc_label", "av_note") else bound)
        self.year_spines.setEnabled(bound)
        if bound:
            v = self.volume
            self.summary.setText(self.tr(
                "归档号 {a}　全宗号 {f}　目录号 {c}　案卷号 {s:04d}　第 {b} 盒　保管期限 {r}　共 {i} 件 {p} 页　"
                "立卷人 {u}（{d:%Y-%m-%d}）").format(a=v.archive_number, f=v.fonds_no or "—", c=v.catalogue_no or "—",
                                                  s=v.archive_seq, b=v.box_no, r=v.retention, i=v.items, p=v.pages,
                                                  u=v.filer, d=local(v.filed_at)))
            rows = [(str(i), r.doc_number, r.title, str(r.date), r.page, r.remarks) for i, r in enumerate(v.rows, 1)]
        else:
            self.summary.setText(self.tr("尚未立卷。以下是按装订顺序排列的卷内文件，共 {i} 件 {p} 页；"
                                         "立卷编号后才能打印封面、目录、备考表和脊背标签。").format(
                i=len(self.plan.documents), p=self.plan.page_total))
            rows = [(str(i), d.doc_number, d.title, f"{d.dated or local(d.at).date():%Y-%m-%d}", p, d.remarks)
                    for i, (d, p) in enumerate(zip(self.plan.documents, self.plan.pages), 1)]
        self.table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            for j, text in enumerate(row):
                self.table.setItem(i, j, QTableWidgetItem(text))
