"""Small pieces the list pages share: a read-only row-selecting table, filling it, times as people
read them, and a service error shown as a warning."""
from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMessageBox, QTableWidget, QTableWidgetItem, QWidget

from jlclient.clock import local
from jlclient.services.context import ServiceError


MIN_COLUMN_PX = 72     # an empty list's columns stay wide enough to read as columns


def as_list(t: QTableWidget) -> QTableWidget:
    """Read-only rows, selected whole; columns sized to their content, the last one stretched."""
    t.setEditTriggers(QAbstractItemView.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectRows)
    t.verticalHeader().hide()
    header = t.horizontalHeader()
    header.setMinimumSectionSize(MIN_COLUMN_PX)
    header.setSectionResizeMode(QHeaderView.ResizeToContents)
    header.setStretchLastSection(True)
    return t


def table(columns: list[str], name: str) -> QTableWidget:
    t = QTableWidget(0, len(columns), objectName=name)
    t.setHorizontalHeaderLabels(columns)
    return as_list(t)


def fill(t: QTableWidget, rows: list[tuple[str, ...]]) -> None:
    t.setRowCount(len(rows))
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            t.setItem(i, j, QTableWidgetItem(text))


def when(at, missing: str = "") -> str:
    """A stored UTC time as the agency's local minute."""
    return f"{local(at):%Y-%m-%d %H:%M}" if at else missing


def warn(parent: QWidget, title: str, exc: ServiceError) -> None:
    QMessageBox.warning(parent, title, str(exc))
