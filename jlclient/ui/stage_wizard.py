"""办理本环节: the forms of a case's current stage, each saved as a draft or finished,
then the case moves on. Pages are listed in one place; each saves its own record."""
from __future__ import annotations

import weakref
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QInputDialog, QHeaderView, QLabel, QListWidget, QListWidgetItem, QMessageBox,
                               QPushButton, QStackedWidget, QTableWidget, QTableWidgetItem, QVBoxLayout)

from jlclient.clock import local
from jlclient.domain.forms import validate_values
from jlclient.domain.model import Role, next_stage
from jlclient.printing.render import NUMBER_FIELDS
from jlclient.services import cases, citations, compliance, records
from jlclient.services.compliance import check_case
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext, ServiceError
from jlclient.services.av import import_av_file
from jlclient.services.forms import forms_for
from jlclient.ui.form_page import FormPage
from jlclient.ui.reason_dialog import ask_reason
from jlclient.ui import file_dialogs

ItemRecord = Qt.UserRole + 1
_OPEN: weakref.WeakSet = weakref.WeakSet()   # wizards open now, for autosave_open_wizards


def autosave_open_wizards() -> int:
    """Put the changed pages of every open stage wizard in the recovery buffer (call it when the
    screen locks: the user may not come back to this session). Returns the pages kept."""
    return sum(wizard.keep_unsaved() for wizard in list(_OPEN))


class HistoryDialog(QDialog):
    """Every revision of a record side by side, in words: who, when, why it was corrected."""

    def __init__(self, spec, revisions: list[records.RevisionWords], parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("修订历史 — {t}").format(t=spec.title))
        keys = [f.key for f in spec.fields if not f.computed] + [s.key for s in spec.signatures]
        labels = [item.label for key in keys for item in (spec.field(key) or spec.slot(key),)]
        table = QTableWidget(len(keys) + 1, len(revisions), objectName="historyTable")
        table.setHorizontalHeaderLabels([
            self.tr("第 {n} 版{d}\n{who}\n{at}").format(n=r.revision, d="" if r.final else self.tr("（草稿）"),
                                                       who=r.author, at=r.at) for r in revisions])
        table.setVerticalHeaderLabels([self.tr("更正原因"), *labels])
        for col, r in enumerate(revisions):
            table.setItem(0, col, QTableWidgetItem(r.reason))
            for row, key in enumerate(keys, 1):
                item = QTableWidgetItem(r.cells.get(key, ""))
                if col and r.cells.get(key) != revisions[col - 1].cells.get(key):
                    item.setBackground(Qt.yellow)  # what this revision changed
                table.setItem(row, col, item)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        self.table = table
        self.resize(900, 600)


class StageWizard(QDialog):
    """Works through the forms of the case's current stage. Nothing typed is lost: changed pages are
    buffered every ``autosave_ms`` (and on lock), restored when the wizard opens again after a crash,
    and closing asks whether to save them."""
    case_changed = Signal()
    autosave_ms = 30_000
    UNATTENDED_ANSWER_S = 5   # a close by the program: the unsaved-pages question answers itself
    _answer_within_s: int | None = None

    def __init__(self, ctx: AppContext, user: CurrentUser, case_id: int, parent=None, autosave_ms: int | None = None):
        super().__init__(parent)
        self.ctx, self.user, self.case_id = ctx, user, case_id
        self.setObjectName("StageWizard")
        self.detail = cases.case_detail(ctx, case_id)
        self.context = records.form_context(ctx, case_id, user)
        stage = self.detail.row.stage
        self.setWindowTitle(self.tr("{n} — 办理“{s}”环节").format(n=self.detail.row.number, s=stage.label))
        self.specs = forms_for(self.detail.row.procedure, stage)
        self.nav = QListWidget(objectName="formList")
        self.nav.setFixedWidth(240)
        self.pages = QStackedWidget()
        self.record_ids: dict[str, int] = {}
        self.finished: dict[str, bool] = {}      # form -> its record's newest revision is final
        self.saved: dict[str, dict] = {}         # form -> the page's values as last saved (or loaded)
        self.buffered: dict[str, dict] = {}      # form -> as last put in the recovery buffer
        self.reasons: dict[str, str] = {}        # form -> the 更正原因 given, until it is saved
        existing = {r.form: r for r in records.records_of(ctx, case_id)}
        restored = []
        for spec in self.specs:
            page = FormPage(spec, self.context)
            if spec.code in existing:
                self.record_ids[spec.code] = existing[spec.code].id
                self.finished[spec.code] = existing[spec.code].final
                stored = records.latest_values(ctx, existing[spec.code].id)   # as saved: no starting values
                page.set_values({key: stored.get(key) for key in page.editors})
            self.saved[spec.code] = page.values()
            kept_at = self._restore(page)
            if kept_at is not None:
                restored.append((self.pages.count(), kept_at))
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
                                 ("close", self.tr("关闭"), self.reject)):
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
        self.nav.setCurrentRow(restored[0][0] if restored else 0)
        if restored:
            self.status.setText(self.tr("已恢复上次未保存的内容（保存于 {at}）：{t}").format(
                at=f"{local(max(at for _, at in restored)):%Y-%m-%d %H:%M}",
                t="、".join(self.specs[row].title for row, _ in restored)))
        self.autosave = QTimer(self, interval=autosave_ms or self.autosave_ms)
        self.autosave.timeout.connect(self.keep_unsaved)
        self.autosave.start()
        _OPEN.add(self)
        self.resize(1100, 760)

    # --- state -----------------------------------------------------------
    def page(self) -> FormPage:
        return self.pages.currentWidget()

    def all_pages(self) -> list[FormPage]:
        return [self.pages.widget(i) for i in range(self.pages.count())]

    def changed_pages(self) -> list[FormPage]:
        """Pages whose values differ from what was last saved."""
        return [p for p in self.all_pages() if p.values() != self.saved[p.spec.code]]

    # --- unsaved work ------------------------------------------------------
    def _restore(self, page: FormPage):
        """A page's unsaved content from the recovery buffer, when newer than its last saved version;
        returns when it was kept (UTC), or None."""
        pending = records.pending_draft(self.ctx, self.user.username, self.case_id, page.spec.code)
        if pending is None:
            return None
        page.set_values({key: pending.values.get(key) for key in page.editors})   # cleared fields too
        self.buffered[page.spec.code] = page.values()
        return pending.saved_at

    def keep_unsaved(self) -> int:
        """Buffer each page changed since it was last saved or buffered; a page changed back is
        unbuffered. Returns the pages buffered."""
        kept = 0
        for page in self.all_pages():
            code, values = page.spec.code, page.values()
            try:
                if values == self.saved[code]:
                    if self.buffered.pop(code, None) is not None:
                        records.drop_draft(self.ctx, self.user.username, self.case_id, code)
                elif values != self.buffered.get(code):
                    records.keep_draft(self.ctx, self.user.username, self.case_id, code, values)
                    self.buffered[code] = values
                    kept += 1
            except ServiceError as exc:   # the next tick tries again; the page itself is untouched
                self.status.setText(self.tr("未能自动保存：{e}").format(e=exc))
        return kept

    def _forget(self, pages: list[FormPage]) -> None:
        for page in pages:
            if self.buffered.pop(page.spec.code, None) is not None:
                records.drop_draft(self.ctx, self.user.username, self.case_id, page.spec.code)

    def _may_leave(self, title: str) -> bool:
        """Changed pages: 保存草稿 (default), 放弃 or 取消 (Escape). True when the wizard may go."""
        changed = self.changed_pages()
        if not changed:
            return True
        box = QMessageBox(QMessageBox.Question, title, self.tr("以下页面有未保存的修改：\n{p}\n\n保存为草稿吗？").format(
            p="\n".join(f"• {p.spec.title}" for p in changed)), parent=self)
        box.setObjectName("unsavedQuestion")
        save = box.addButton(self.tr("保存草稿"), QMessageBox.AcceptRole)
        discard = box.addButton(self.tr("放弃"), QMessageBox.DestructiveRole)
        cancel = box.addButton(self.tr("取消"), QMessageBox.RejectRole)
        box.setDefaultButton(save)
        box.setEscapeButton(cancel)
        if self._answer_within_s:
            self._answer_by_itself(box, save, self._answer_within_s)
        box.exec()
        if box.clickedButton() is save:
            return all(self._save_page(page, final=False) for page in changed)
        if box.clickedButton() is discard:
            self._forget(changed)
            return True
        return False

    def _answer_by_itself(self, box: QMessageBox, save, seconds: int) -> None:
        """Count down on the question and press 保存草稿 when nobody has answered."""
        left = [seconds]
        text = box.text()

        def tick():
            if left[0] <= 0:
                save.click()
                return
            box.setText(text + self.tr("\n\n（{n} 秒后自动保存为草稿）").format(n=left[0]))
            left[0] -= 1
        timer = QTimer(box, interval=1000)
        timer.timeout.connect(tick)
        tick()
        timer.start()

    def reject(self) -> None:
        """关闭, Escape and the window's close button: changed pages are not dropped unasked."""
        if self._may_leave(self.tr("关闭")):
            super().reject()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        """The window's close button asks as 关闭 does. A close by the program (log-out, the
        application quitting) may have nobody to answer: the question then answers itself with
        保存草稿 after a few seconds, so nothing is lost and nothing waits for ever."""
        self._answer_within_s = None if event.spontaneous() else self.UNATTENDED_ANSWER_S
        try:
            super().closeEvent(event)
        finally:
            self._answer_within_s = None

    def done(self, result: int) -> None:
        self.autosave.stop()
        _OPEN.discard(self)
        super().done(result)

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
        self._save_page(self.page(), final)

    def _save_page(self, page: FormPage, final: bool) -> bool:
        code = page.spec.code
        self.nav.setCurrentRow(self.specs.index(page.spec))
        values = page.values()
        note = ""
        if self.finished.get(code):
            note = self._ask_reason(page)
            if note is None:
                self.status.setText(self.tr("未保存：更正已完成的记录须写明更正原因"))
                return False
        try:
            summary = records.save_form(self.ctx, self.user.actor, self.case_id, code, values, final=final,
                                        record_id=self.record_ids.get(code), note=note)
        except records.FormIncomplete as exc:
            page.show_problems(exc.problems)
            self.status.setText(self.tr("尚不能完成：请按红字补全（可先保存草稿）"))
            return False
        except ServiceError as exc:
            QMessageBox.warning(self, self.tr("无法保存"), str(exc))
            return False
        page.show_problems([] if final else validate_values(page.spec, values, final=False,
                                                             procedure=self.detail.row.procedure))
        self.record_ids[code] = summary.id
        self.finished[code] = summary.final
        number = self._show_given_number(page, summary.id, values) if final else ""
        self.saved[code] = page.values()
        self.buffered.pop(code, None)      # the service dropped the buffer with the save
        self.reasons.pop(code, None)
        self._label(self.nav.currentRow(), summary)
        self.status.setText(self.tr("已保存第 {n} 版（{k}）").format(
            n=summary.revisions, k=self.tr("定稿") if final else self.tr("草稿"))
            + (self.tr("，文号 {d}").format(d=number) if number else ""))
        self.case_changed.emit()
        return True

    def _show_given_number(self, page: FormPage, record_id: int, typed: dict) -> str:
        """A finished page left without its 文号 got one from the numbering service: show it."""
        stored = records.latest_values(self.ctx, record_id)
        given = {k: stored[k] for k in NUMBER_FIELDS if stored.get(k) and k not in typed and k in page.editors}
        page.set_values(given)
        return next(iter(given.values()), "")

    def _ask_reason(self, page: FormPage) -> str | None:
        """The 更正原因 of a change to a finished record (seed 000 Art. 29); None when not given."""
        text, ok = QInputDialog.getText(
            self, self.tr("更正原因"),
            self.tr("“{t}”已完成。更正已完成的记录须写明更正原因（记入修订历史）：").format(t=page.spec.title),
            text=self.reasons.get(page.spec.code, ""))
        if not ok or not text.strip():
            return None
        self.reasons[page.spec.code] = text.strip()
        return text.strip()

    def show_history(self) -> None:
        record_id = self.record_ids.get(self.page().spec.code)
        if record_id is None:
            self.status.setText(self.tr("本页还没有保存过"))
            return
        HistoryDialog(self.page().spec, records.history_in_words(self.ctx, record_id), self).exec()

    def add_av(self) -> None:
        path = file_dialogs.open_file(self, self.tr("选择音像记录文件"), "av_file",
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
        if not self._may_leave(self.tr("进入下一环节")):
            return
        if next_stage(row.procedure, self.detail.start_mode, row.stage) is None:
            return self.close_case()
        gaps = [f for f in check_case(self.ctx, self.case_id) if f.stage is row.stage]
        titles = citations.read_titles(self.ctx)     # the findings cite their rules in words
        text = self.tr("确定结束“{s}”环节、进入下一环节吗？此操作会记入审计日志。").format(s=row.stage.label)
        if gaps:
            text += self.tr("\n\n本环节尚有以下问题，离开后将成为阻断性问题：\n") + "\n".join(f"• {f.text(titles)}" for f in gaps)
        if QMessageBox.question(self, self.tr("进入下一环节"), text) != QMessageBox.Yes:
            return
        reason = None
        while True:
            try:
                new_stage = cases.advance_case(self.ctx, self.user, self.case_id, self.detail.version, reason)
                break
            except compliance.AdvanceNeedsReason as exc:
                reason = ask_reason(self, self.tr("负责人批准推进"), str(exc) + "：\n" + "\n".join(
                    f"• {f.text(exc.titles)}" for f in exc.findings),
                    missing=self.tr("请写明批准推进的理由；不写理由不能推进"), ok_text=self.tr("批准推进"))
                if reason is None:
                    return
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
        listed = "\n".join(f"• {f.text(exc.titles)}" for f in exc.findings)
        if not self.user.has(Role.APPROVER):
            QMessageBox.warning(self, self.tr("不能结案"),
                                self.tr("存在阻断性问题，须补全记录，或由负责人书面说明理由后批准结案：\n") + listed)
            return None
        return ask_reason(self, self.tr("负责人批准结案"),
                          self.tr("存在以下阻断性问题。如确需结案，请写明理由（将记入审计日志，并在案件中显示）：\n")
                          + listed, missing=self.tr("请写明批准结案的理由；不写理由不能结案"),
                          ok_text=self.tr("批准结案"))
