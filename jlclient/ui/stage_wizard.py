"""办理本环节: the forms of a case's current stage, each saved as a draft or finished,
then the case moves on. Pages are listed in one place; each saves its own record."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QDialog, QFileDialog, QHBoxLayout, QInputDialog, QHeaderView, QLabel, QListWidget, QListWidgetItem, QMessageBox,
                               QPushButton, QStackedWidget, QTableWidget, QTableWidgetItem, QVBoxLayout)

from jlclient.clock import local
from jlclient.domain.forms import validate_values
from jlclient.domain.model import Role, next_stage
from jlclient.services import cases, compliance, records
from jlclient.services.compliance import check_case
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.av import import_av_file
from jlclient.services.forms import forms_for
from jlclient.ui.form_page import FormPage

ItemRecord = Qt.UserRole + 1


class HistoryDialog(QDialog):
    """Every revision of a record side by side, with who and when."""

    def __init__(self, spec, revisions: list[records.RevisionView], parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("修订历史 — {t}").format(t=spec.title))
        keys = [f.key for f in spec.fields] + [s.key for s in spec.signatures]
        labels = {f.key: f.label for f in spec.fields} | {s.key: s.label for s in spec.signatures}
        table = QTableWidget(len(keys), len(revisions), objectName="historyTable")
        table.setHorizontalHeaderLabels([
            f"第 {r.revision} 版{'' if r.final else '（草稿）'}\n{r.author}\n{local(r.created_at):%Y-%m-%d %H:%M}"
            for r in revisions])
        table.setVerticalHeaderLabels([labels[k] for k in keys])
        for col, r in enumerate(revisions):
            for row, key in enumerate(keys):
                item = QTableWidgetItem(_show(r.values.get(key)))
                if col and r.values.get(key) != revisions[col - 1].values.get(key):
                    item.setBackground(Qt.yellow)  # what this revision changed
                table.setItem(row, col, item)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        self.table = table
        self.resize(900, 600)


def _show(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "；".join(_show(v) for v in value)
    if isinstance(value, dict):
        return "，".join(f"{v}" for v in value.values() if v not in (None, ""))
    return str(value)


class StageWizard(QDialog):
    """Works through the forms of the case's current stage."""
    case_changed = Signal()

    def __init__(self, ctx: AppContext, user: CurrentUser, case_id: int, parent=None):
        super().__init__(parent)
        self.ctx, self.user, self.case_id = ctx, user, case_id
        self.setObjectName("StageWizard")
        self.detail = cases.case_detail(ctx, case_id)
        self.context = records.form_context(ctx, case_id)
        stage = self.detail.row.stage
        self.setWindowTitle(self.tr("{n} — 办理“{s}”环节").format(n=self.detail.row.number, s=stage.label))
        self.specs = forms_for(self.detail.row.procedure, stage)
        self.nav = QListWidget(objectName="formList")
        self.nav.setFixedWidth(240)
        self.pages = QStackedWidget()
        self.record_ids: dict[str, int] = {}
        existing = {r.form: r for r in records.records_of(ctx, case_id)}
        for spec in self.specs:
            page = FormPage(spec, self.context)
            if spec.code in existing:
                self.record_ids[spec.code] = existing[spec.code].id
                page.set_values(records.latest_values(ctx, existing[spec.code].id))
            self.pages.addWidget(page)
            item = QListWidgetItem()
            item.setData(ItemRecord, spec.code)
            self.nav.addItem(item)
            self._label(self.nav.count() - 1, existing.get(spec.code))
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.status = QLabel(objectName="wizardStatus")
        buttons = QHBoxLayout()
        self.buttons = {}
        for name, text, slot in (("saveDraft", self.tr("保存草稿 (Ctrl+S)"), self.save_draft),
                                 ("finishPage", self.tr("完成本页 (Ctrl+Enter)"), self.finish_page),
                                 ("history", self.tr("修订历史"), self.show_history),
                                 ("addAv", self.tr("添加音像记录…"), self.add_av),
                                 ("advance", self.tr("进入下一环节…"), self.advance),
                                 ("close", self.tr("关闭"), self.accept)):
            button = QPushButton(text, objectName=name)
            button.clicked.connect(slot)
            buttons.addWidget(button)
            self.buttons[name] = button
        QShortcut(QKeySequence.Save, self, self.save_draft)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.finish_page)
        body = QHBoxLayout()
        body.addWidget(self.nav)
        body.addWidget(self.pages, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.nav.setCurrentRow(0)
        self.resize(1100, 760)

    # --- state -----------------------------------------------------------
    def page(self) -> FormPage:
        return self.pages.currentWidget()

    def _label(self, row: int, summary: records.RecordSummary | None) -> None:
        spec = self.specs[row]
        state = (self.tr("未填写") if summary is None else
                 self.tr("已完成") if summary.final else self.tr("草稿"))
        item = self.nav.item(row)
        item.setText(f"{spec.title}　[{state}]")
        item.setForeground(Qt.darkGreen if summary and summary.final else Qt.black)

    # --- actions ---------------------------------------------------------
    def save_draft(self) -> None:
        self._save(final=False)

    def finish_page(self) -> None:
        self._save(final=True)

    def _save(self, final: bool) -> None:
        page = self.page()
        values = page.values()
        try:
            summary = records.save_form(self.ctx, self.user.actor, self.case_id, page.spec.code, values, final=final,
                                        record_id=self.record_ids.get(page.spec.code))
        except records.FormIncomplete as exc:
            page.show_problems(exc.problems)
            self.status.setText(self.tr("尚不能完成：请按红字补全（可先保存草稿）"))
            return
        except ServiceError as exc:
            QMessageBox.warning(self, self.tr("无法保存"), str(exc))
            return
        page.show_problems([] if final else validate_values(page.spec, values, final=False,
                                                             procedure=self.detail.row.procedure))
        self.record_ids[page.spec.code] = summary.id
        self._label(self.nav.currentRow(), summary)
        self.status.setText(self.tr("已保存第 {n} 版（{k}）").format(
            n=summary.revisions, k=self.tr("定稿") if final else self.tr("草稿")))
        self.case_changed.emit()

    def show_history(self) -> None:
        record_id = self.record_ids.get(self.page().spec.code)
        if record_id is None:
            self.status.setText(self.tr("本页还没有保存过"))
            return
        HistoryDialog(self.page().spec, records.history(self.ctx, record_id), self).exec()

    def add_av(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择音像记录文件"), "",
                                              self.tr("音视频 (*.mp4 *.mov *.avi *.mkv *.wav *.mp3);;所有文件 (*)"))
        if not path:
            return
        try:
            av_id = import_av_file(self.ctx, self.user.actor, self.case_id, self.detail.row.stage, path,
                                   officer_id=self.user.officer_id)
        except ServiceError as exc:
            QMessageBox.warning(self, self.tr("无法添加"), str(exc))
            return
        for i in range(self.pages.count()):
            self.pages.widget(i).offer_file(f"av:{av_id}", Path(path).name)
        self.status.setText(self.tr("已添加音像记录：{n}").format(n=Path(path).name))
        self.case_changed.emit()

    def advance(self) -> None:
        """Leave this stage: the gaps the compliance check sees in it are shown first."""
        row = self.detail.row
        if next_stage(row.procedure, self.detail.start_mode, row.stage) is None:
            return self.close_case()
        gaps = [f for f in check_case(self.ctx, self.case_id) if f.stage is row.stage]
        text = self.tr("确定结束“{s}”环节、进入下一环节吗？此操作会记入审计日志。").format(s=row.stage.label)
        if gaps:
            text += self.tr("\n\n本环节尚有以下问题，离开后将成为阻断性问题：\n") + "\n".join(f"• {f}" for f in gaps)
        if QMessageBox.question(self, self.tr("进入下一环节"), text) != QMessageBox.Yes:
            return
        try:
            new_stage = cases.advance_case(self.ctx, self.user.actor, self.case_id, self.detail.version)
        except ServiceError as exc:
            QMessageBox.warning(self, self.tr("无法进入下一环节"), str(exc))
            return
        self.case_changed.emit()
        self.status.setText(self.tr("案件已进入“{s}”环节").format(s=new_stage.label))
        self.accept()

    def close_case(self) -> None:
        """结案: refused while blocking findings stand, unless an approver gives a written reason."""
        if QMessageBox.question(self, self.tr("结案"), self.tr("确定结案吗？结案后记录只能查看。")) != QMessageBox.Yes:
            return
        reason = None
        while True:
            try:
                compliance.close_case(self.ctx, self.user, self.case_id, self.detail.version, reason)
                break
            except compliance.ComplianceBlocked as exc:
                reason = self._override_reason(exc)
                if reason is None:
                    return
            except ServiceError as exc:
                QMessageBox.warning(self, self.tr("不能结案"), str(exc))
                return
        self.case_changed.emit()
        QMessageBox.information(self, self.tr("结案"), self.tr("案件已结案，归档期限开始计算。"))
        self.accept()

    def _override_reason(self, exc) -> str | None:
        listed = "\n".join(f"• {f}" for f in exc.findings)
        if not self.user.has(Role.APPROVER):
            QMessageBox.warning(self, self.tr("不能结案"),
                                self.tr("存在阻断性问题，须补全记录，或由负责人书面说明理由后批准结案：\n") + listed)
            return None
        text, ok = QInputDialog.getMultiLineText(
            self, self.tr("负责人批准结案"),
            self.tr("存在以下阻断性问题。如确需结案，请写明理由（将记入审计日志）：\n") + listed)
        return text.strip() if ok and text.strip() else None
