"""The case view's deadline table beside the docking pane at 1280×800: 状态 always shows; the start
date and then the basis give way (each is kept in a tooltip)."""
from datetime import date

from jlclient.domain.deadlines import DeadlineStatus
from jlclient.services.deadlines import DeadlineView
from jlclient.ui.deadline_table import DeadlineTable


def _view(**kw):
    fields = DeadlineView.__dataclass_fields__
    values = {name: kw.get(name) for name in fields}
    return DeadlineView(**values)


def _state_visible(table) -> bool:
    col = 3
    return (not table.isColumnHidden(col)
            and table.columnViewportPosition(col) + table.columnWidth(col) <= table.viewport().width())


def test_status_stays_in_sight_however_narrow(qtbot):
    table = DeadlineTable()
    qtbot.addWidget(table)
    view = _view(label="作出行政许可决定", start=date(2026, 11, 28), due=date(2026, 12, 25),
                 status=DeadlineStatus.OK, basis="行政许可法 Art. 42", note="二十个工作日",
                 case_number="灵行审许〔2026〕5号", case_id=1, rule_code="permit_decision")
    for width in (900, 420, 300):
        table.resize(width, 200)
        table.show()
        table.show_deadlines([view])
        qtbot.wait(10)
        assert _state_visible(table), width
    assert table.isColumnHidden(1) and table.isColumnHidden(4)        # 300 px: only 期限, 届满, 状态
    assert "行政许可法" in table.item(0, 0).toolTip()
