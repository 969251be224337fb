"""A table of running deadlines: yellow before, red after (national supervision-platform practice)."""
from __future__ import annotations

from typing import Mapping

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem

from jlclient.domain.citation import in_words
from jlclient.domain.deadlines import DeadlineStatus
from jlclient.services.deadlines import DeadlineView
from jlclient.ui.tables import as_list

STATUS_COLOUR = {DeadlineStatus.OK: None, DeadlineStatus.DONE: None, DeadlineStatus.SKIPPED: None,
                 DeadlineStatus.WARNING: QColor("#fff3b0"), DeadlineStatus.OVERDUE: QColor("#f8c4c4")}


class DeadlineTable(QTableWidget):
    def __init__(self, with_case: bool = False, **kwargs):
        super().__init__(0, 5 + with_case, **kwargs)
        self.with_case = with_case
        headers = ["期限", "起算", "届满", "状态", "依据与说明"]
        self.setHorizontalHeaderLabels(([self.tr("案号")] if with_case else []) + [self.tr(h) for h in headers])
        as_list(self)
        # the basis takes what room is left (its whole text in the tooltip): 状态 is never pushed out
        # of sight in the narrow case view
        self.horizontalHeader().setSectionResizeMode(self.columnCount() - 1, QHeaderView.Stretch)
        self.setWordWrap(False)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """Too narrow for every column (the case view beside the docking pane at 1280×800): the
        start date goes first (it is in the tooltip of the due date), then the basis (in the
        tooltip of the deadline's name), before 状态 would be cut off."""
        start = 2 if self.with_case else 1
        basis = self.columnCount() - 1
        kept = sum(self.sizeHintForColumn(c) for c in range(basis) if c != start) + 20
        date_width = self.fontMetrics().horizontalAdvance("2026-12-31") + 20
        room = self.viewport().width()
        self.setColumnHidden(start, room < kept + date_width + 80)
        self.setColumnHidden(basis, room < kept + 80)

    def show_deadlines(self, views: list[DeadlineView], titles: Mapping[str, str] | None = None) -> None:
        """``titles`` (seed → regulation title, services.citations) put the basis in words."""
        self.setRowCount(len(views))
        for i, v in enumerate(views):
            cells = ([v.case_number] if self.with_case else []) + [
                v.label, v.start.isoformat(), v.due.isoformat(), self.tr(v.status.label),
                in_words("；".join(x for x in (v.basis, v.note) if x), titles or {})]
            colour = STATUS_COLOUR[v.status]
            cells_tips = {len(cells) - 3: self.tr("起算 {s}，届满 {d}").format(s=v.start.isoformat(), d=v.due.isoformat()),
                          len(cells) - 5: cells[-1] or v.label}
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(cells_tips.get(j, text))
                if colour is not None:
                    item.setBackground(QBrush(colour))
                self.setItem(i, j, item)
        self.setMinimumHeight(min(220, 34 + 30 * max(1, len(views))))
        self._fit()
