"""The checklist beside the player in a spot check: each item judged 合格 / 不合格, each issue placed
at the player's current time in the footage (a click or Ctrl+I while watching)."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton, QRadioButton, QVBoxLayout,
                               QWidget)

from jlclient.domain.spot_check import CheckItem, Issue, clock, conclusion


class ChecklistPanel(QWidget):
    issue_added = Signal(int)        # the time in the footage, ms: the player marks it

    def __init__(self, items: tuple[CheckItem, ...], position_ms: Callable[[], int], parent=None):
        super().__init__(parent)
        self.items, self.position_ms, self._issues = items, position_ms, []
        self.groups: dict[CheckItem, QButtonGroup] = {}
        judged = QGroupBox(self.tr("检查项目"))
        grid = QGridLayout(judged)
        for row, item in enumerate(items):
            ok = QRadioButton(self.tr("合格"), objectName=f"ok_{item.value}")
            bad = QRadioButton(self.tr("不合格"), objectName=f"bad_{item.value}")
            group = QButtonGroup(self)
            group.addButton(ok, 1)
            group.addButton(bad, 0)
            group.idClicked.connect(self._changed)
            self.groups[item] = group
            grid.addWidget(QLabel(item.label), row, 0)
            grid.addWidget(ok, row, 1)
            grid.addWidget(bad, row, 2)
        found = QGroupBox(self.tr("发现的问题（记在录像的当前时间）"))
        self.issue_item = QComboBox(objectName="issueItem")
        for item in items:
            self.issue_item.addItem(item.label, item)
        self.issue_note = QLineEdit(objectName="issueNote", placeholderText=self.tr("问题说明，如：未出示执法证"))
        self.add_issue_button = QPushButton(self.tr("在当前时间记录问题 (Ctrl+I)"), objectName="addIssue",
                                            shortcut="Ctrl+I")
        self.add_issue_button.clicked.connect(self.add_issue)
        self.issue_note.returnPressed.connect(self.add_issue)
        self.issue_list = QListWidget(objectName="issueList")
        issue_layout = QVBoxLayout(found)
        row = QHBoxLayout()
        row.addWidget(self.issue_item)
        row.addWidget(self.issue_note, 1)
        issue_layout.addLayout(row)
        issue_layout.addWidget(self.add_issue_button)
        issue_layout.addWidget(self.issue_list)
        self.note = QPlainTextEdit(objectName="checkNote", placeholderText=self.tr("检查意见（可选）"))
        self.note.setFixedHeight(60)
        self.verdict = QLabel(objectName="checkVerdict")
        layout = QVBoxLayout(self)
        layout.addWidget(judged)
        layout.addWidget(found, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.verdict)
        self._changed()

    def add_issue(self) -> None:
        """The issue at the time the player shows now; its item is marked 不合格."""
        item = CheckItem(self.issue_item.currentData())      # Qt hands a str enum back as str
        note = self.issue_note.text().strip()
        if not note:
            self.issue_note.setFocus()
            self.verdict.setText(self.tr("请先写下问题说明"))
            return
        at = self.position_ms()
        self._issues.append(Issue(item, at, note))
        self.issue_list.addItem(QListWidgetItem(f"{clock(at)}　{item.label}：{note}"))
        self.groups[item].button(0).setChecked(True)
        self.issue_note.clear()
        self.issue_added.emit(at)
        self._changed()

    def results(self) -> dict[CheckItem, bool]:
        return {item: bool(g.checkedId()) for item, g in self.groups.items() if g.checkedId() != -1}

    def issues(self) -> list[Issue]:
        return list(self._issues)

    def _changed(self, *_args) -> None:
        results = self.results()
        if len(results) < len(self.items):
            self.verdict.setText(self.tr("尚有 {n} 项未判定").format(n=len(self.items) - len(results)))
        else:
            self.verdict.setText(self.tr("结论：{c}").format(c=conclusion(results)))
