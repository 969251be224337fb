"""工作台 and 统计."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QGridLayout, QGroupBox, QHeaderView, QLabel, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from jlclient.clock import today as clock_today
from jlclient.domain.model import Procedure, Role, Stage
from jlclient.services import cases, citations, workbench
from jlclient.services.auth import CurrentUser
from jlclient.services.context import AppContext
from jlclient.services.deadlines import my_deadlines
from jlclient.ui import changes
from jlclient.ui.deadline_table import DeadlineTable
from jlclient.ui.tables import fill, table as list_table, when


def _figure(title: str, value: int, name: str) -> QGroupBox:
    box = QGroupBox(title)
    number = QLabel(str(value), objectName=name)
    number.setStyleSheet("font-size: 22pt; font-weight: bold; color: #1565c0;")
    number.setAlignment(Qt.AlignCenter)
    QVBoxLayout(box).addWidget(number)
    return box


class WorkbenchPage(QWidget):
    """What waits for me, figures and my deadlines; refreshed when shown and whenever cases change.
    Enter or a double click on a waiting item asks the window to open it where it is acted on."""
    open_requested = Signal(str, int)     # workbench.Waiting.opens, its target (-1: none)

    def __init__(self, ctx: AppContext, user: CurrentUser, parent=None):
        super().__init__(parent)
        self.setObjectName("WorkbenchPage")
        self.ctx, self.user = ctx, user
        roles = "、".join(r.label for r in Role if r in user.roles)
        greeting = QLabel(self.tr("您好，{name}（{roles}）").format(name=user.display_name, roles=roles))
        greeting.setStyleSheet("font-size: 14pt;")
        self.grid = QGridLayout()
        self.deadlines = DeadlineTable(with_case=True, objectName="myDeadlines")
        self.waiting_items: list[workbench.Waiting] = []
        self.waiting = list_table([self.tr("待办事项"), self.tr("内容"), self.tr("说明"), self.tr("时间")], "waitingTable")
        self.waiting.setSelectionMode(QAbstractItemView.SingleSelection)
        self.waiting.activated.connect(self._open_waiting)    # Enter, or a double click
        self.waiting_label = QLabel(objectName="waitingLabel")
        layout = QVBoxLayout(self)
        layout.addWidget(greeting)
        layout.addWidget(self.waiting_label)
        layout.addWidget(self.waiting)
        layout.addLayout(self.grid)
        layout.addWidget(QLabel(self.tr("我的期限（黄色：即将到期；红色：已超期）")))
        layout.addWidget(self.deadlines)
        layout.addStretch(1)
        self.refresh()
        changes.follow(self, (changes.CASE, changes.FOOTAGE, changes.PROFILE), self.refresh)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        figures = cases.summary(self.ctx)
        while self.grid.count():
            old = self.grid.takeAt(0).widget()
            old.setParent(None)      # out of findChild's sight at once
            old.deleteLater()
        self.grid.addWidget(_figure(self.tr("办理中的案件"), figures.open, "openCases"), 0, 0)
        self.grid.addWidget(_figure(self.tr("已结案"), figures.closed, "closedCases"), 0, 1)
        for i, stage in enumerate(s for s in Stage if s in figures.by_stage):
            self.grid.addWidget(_figure(self.tr("处于“{stage}”环节").format(stage=stage.label),
                                        figures.by_stage[stage], f"stage_{stage.value}"), 1 + i // 3, i % 3)
        self.deadlines.show_deadlines(my_deadlines(self.ctx, self.user.username), citations.read_titles(self.ctx))
        self._show_waiting()

    def _show_waiting(self) -> None:
        self.waiting_items = workbench.waiting(self.ctx, self.user)
        fill(self.waiting, [(w.kind, w.subject, w.detail, when(w.since)) for w in self.waiting_items])
        self.waiting_label.setText(self.tr("等待我办理的事项（{n} 项，双击或按 Enter 打开）").format(n=len(self.waiting_items))
                                   if self.waiting_items else self.tr("目前没有等待我办理的事项"))
        self.waiting.setVisible(bool(self.waiting_items))

    def _open_waiting(self, index) -> None:
        if 0 <= index.row() < len(self.waiting_items):
            item = self.waiting_items[index.row()]
            self.open_requested.emit(item.opens, -1 if item.target is None else item.target)


class StatsPage(QWidget):
    """Case counts by procedure, for case review and supervision (seed 000 Art. 30); refreshed when
    shown and whenever cases or footage change (a spot check, a new case)."""

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.setObjectName("StatsPage")
        self.ctx = ctx
        self.table = QTableWidget(len(Procedure), 2, objectName="statsTable")
        self.table.setHorizontalHeaderLabels([self.tr("执法类别"), self.tr("案件数")])
        self.spot = QTableWidget(0, 5, objectName="spotCheckFigures")
        self.spot.setHorizontalHeaderLabels([self.tr("执法人员"), self.tr("抽检件数"), self.tr("不合格"),
                                             self.tr("合格率"), self.tr("问题最多的项目")])
        for table in (self.table, self.spot):
            table.setEditTriggers(QTableWidget.NoEditTriggers)
            table.verticalHeader().hide()
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
            table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("按执法类别统计")))
        layout.addWidget(self.table)
        layout.addWidget(QLabel(self.tr("音像记录回放抽检（本年度，按执法人员）")))
        layout.addWidget(self.spot)
        self.refresh()
        changes.follow(self, (changes.CASE, changes.FOOTAGE), self.refresh)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        figures = cases.summary(self.ctx)
        for i, procedure in enumerate(Procedure):
            self.table.setItem(i, 0, QTableWidgetItem(procedure.label))
            self.table.setItem(i, 1, QTableWidgetItem(str(figures.by_procedure.get(procedure, 0))))
        self._spot_checks(self.ctx)

    def _spot_checks(self, ctx: AppContext) -> None:
        from jlclient.services.spot_checks import officer_figures
        today = clock_today()
        figures = officer_figures(ctx, date(today.year, 1, 1), today)
        self.spot.setRowCount(len(figures))
        for i, f in enumerate(figures):
            worst = max(f.by_item.items(), key=lambda kv: kv[1], default=None)
            for j, text in enumerate((f.officer, str(f.checked), str(f.failed), f"{f.pass_rate:.0%}",
                                      f"{worst[0].label}（{worst[1]}）" if worst else "—")):
                self.spot.setItem(i, j, QTableWidgetItem(text))
