"""The case list model: Qt's model checks, lazy pages, filter and sort in SQL."""
from datetime import datetime, timedelta


from jlclient.domain.model import CaseStatus, Procedure, Stage
from jlclient.services.cases import CaseQuery, CaseRow
from jlclient.ui.case_model import COL_NUMBER, PAGE, CaseIdRole, CaseTableModel, fetcher


class ListSource:
    """Rows in memory, filtered and sorted like the SQL service; counts the pages asked for."""

    def __init__(self, n):
        base = datetime(2026, 1, 1)
        self.rows = [CaseRow(i, f"灵行审许〔2026〕{i}号", f"案件{i}", Procedure.PERMIT, Stage.ACCEPTANCE,
                             CaseStatus.OPEN, f"当事人{i % 7}", "食品经营许可", "审批科", base + timedelta(hours=i))
                     for i in range(1, n + 1)]
        self.calls = []

    def __call__(self, q: CaseQuery, offset, limit):
        self.calls.append((q, offset, limit))
        rows = [r for r in self.rows if q.text.lower() in f"{r.number} {r.title} {r.party_name}".lower()]
        rows.sort(key=lambda r: (getattr(r, q.sort), r.id), reverse=q.descending)
        return rows[offset:offset + limit]


def test_qt_model_checks(qtmodeltester):
    qtmodeltester.check(CaseTableModel(ListSource(450)))


def test_pages_load_lazily():
    source = ListSource(450)
    model = CaseTableModel(source)
    assert model.rowCount() == PAGE and model.canFetchMore()
    model.fetchMore()
    model.fetchMore()
    assert model.rowCount() == 450 and not model.canFetchMore()
    assert [c[1] for c in source.calls] == [0, PAGE, 2 * PAGE]


def test_filter_and_sort_requery():
    model = CaseTableModel(ListSource(450))
    model.set_filter("当事人3")
    assert 0 < model.rowCount() < 100
    assert all("当事人3" in model.index(r, 5).data() for r in range(model.rowCount()))
    model.sort(COL_NUMBER, 0)
    assert model.query.sort == "number" and not model.query.descending
    assert model.index(0, 0).data(CaseIdRole) == model.case_id(0)


def test_real_database_fetcher(demo_ctx, qtmodeltester):
    model = CaseTableModel(fetcher(demo_ctx))
    qtmodeltester.check(model)
    assert model.rowCount() == 7
    assert model.index(0, 7).data() == max(model.index(r, 7).data() for r in range(7))
