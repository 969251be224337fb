"""The case list: a table model that loads pages lazily and sorts and filters in SQL,
so it stays responsive with 100,000 cases."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, Qt

from jlclient.clock import local
from jlclient.services import cases
from jlclient.services.cases import CaseQuery, CaseRow
from jlclient.services.context import AppContext

PAGE = 200
# (CaseRow field, header); the field is also the sort key
COLUMNS = (
    ("number", "案号"), ("title", "案件名称"), ("procedure", "类别"), ("stage", "当前环节"),
    ("status", "状态"), ("party_name", "当事人"), ("handling_unit", "承办单位"), ("opened_at", "立案日期"),
)
COL_NUMBER, COL_TITLE, COL_PROCEDURE, COL_STAGE, COL_STATUS, COL_PARTY, COL_UNIT, COL_OPENED = range(len(COLUMNS))
CaseIdRole = Qt.UserRole + 1

Fetch = Callable[[CaseQuery, int, int], list[CaseRow]]


class fetcher:
    """Pages of cases from the database, with an in-memory search index for rare filter terms."""

    def __init__(self, ctx: AppContext):
        self.ctx = ctx
        self.index = cases.SearchIndex()

    def __call__(self, q: CaseQuery, offset: int, limit: int) -> list[CaseRow]:
        with self.ctx.db.read() as s:
            return cases.fetch_cases(s, q, offset, limit, self.index)

    def warm_up(self) -> None:
        """Load the search index once, after the list has been painted, not on the first keystroke."""
        with self.ctx.db.read() as s:
            self.index.sync(s)


def _display(row: CaseRow, column: int) -> str:
    field = COLUMNS[column][0]
    value = getattr(row, field)
    if field == "opened_at":
        return local(value).strftime("%Y-%m-%d")
    return getattr(value, "label", value)


class CaseTableModel(QAbstractTableModel):
    def __init__(self, fetch: Fetch, parent=None):
        super().__init__(parent)
        self._fetch = fetch
        self._query = CaseQuery()
        self._rows: list[CaseRow] = []
        self._exhausted = False
        self._load_first_page()

    # --- Qt model interface -------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        if role == Qt.DisplayRole:
            return _display(row, index.column())
        if role == CaseIdRole:
            return row.id
        if role == Qt.ToolTipRole and index.column() == COL_TITLE:
            return row.title
        return None

    def headerData(self, section: int, orientation, role: int = Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole and 0 <= section < len(COLUMNS):
            return QCoreApplication.translate("CaseTableModel", COLUMNS[section][1])
        return None

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent=QModelIndex()) -> None:
        if parent.isValid() or self._exhausted:
            return
        page = self._fetch(self._query, len(self._rows), PAGE)
        self._exhausted = len(page) < PAGE
        if page:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        if 0 <= column < len(COLUMNS):
            self._requery(CaseQuery(self._query.text, COLUMNS[column][0], order == Qt.DescendingOrder))

    # --- ours ----------------------------------------------------------
    @property
    def query(self) -> CaseQuery:
        return self._query

    def set_filter(self, text: str) -> None:
        if text != self._query.text:
            self._requery(CaseQuery(text, self._query.sort, self._query.descending))

    def refresh(self) -> None:
        self.beginResetModel()
        self._load_first_page()
        self.endResetModel()

    def case_id(self, row: int) -> int | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def _requery(self, query: CaseQuery) -> None:
        if query == self._query:
            return
        self.beginResetModel()
        self._query = query
        self._load_first_page()
        self.endResetModel()

    def _load_first_page(self) -> None:
        self._rows = self._fetch(self._query, 0, PAGE)
        self._exhausted = len(self._rows) < PAGE
