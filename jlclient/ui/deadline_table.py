"""A table of running deadlines: yellow before, red after (national supervision-platform practice)."""
from __future__ import annotations

from typing import Mapping

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

from jlclient.domain.citation import in_words
from jlclient.domain.deadlines import DeadlineStatus
from jlclient.services.deadlines import DeadlineView
from jlclient.ui.tables import as_list

STATUS_COLOUR = {DeadlineStatus.OK: None, DeadlineStatus.DONE: None,
                 DeadlineStatus.WARNING: QColor("#fff3b0"), DeadlineStatus.OVERDUE: QColor("#f8c4c4")}


class DeadlineTable(QTableWidget):
    def __init__(self, with_case: bool = False, **kwargs):
        super().__init__(0, 5 + with_case, **kwargs)
        self.with_case = with_case
        headers = ["期限", "起算", "届满", "状态", "依据与说明"]
        self.setHorizontalHeaderLabels(([self.tr("案号")] if with_case else []) + [self.tr(h) for h in headers])
        as_list(self)

    def show_deadlines(self, views: list[DeadlineView], titles: Mapping[str, str] | None = None) -> None:
        """``titles`` (seed → regulation title, services.citations) put the basis in words."""
        self.setRowCount(len(views))
        for i, v in enumerate(views):
            cells = ([v.case_number] if self.with_case else []) + [
                v.label, v.start.isoformat(), v.due.isoformat(), self.tr(v.status.label),
                in_words("；".join(x for x in (v.basis, v.note) if x), titles or {})]
            colour = STATUS_COLOUR[v.status]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if colour is not None:
                    item.setBackground(QBrush(colour))
                self.setItem(i, j, item)
        self.setMinimumHeight(min(220, 34 + 30 * max(1, len(views))))
