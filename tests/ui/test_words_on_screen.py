"""Words for people on screen (issue 13): findings and rules cite the regulation by its title, the
administrator names a regulation that names no agency, and no internal key or citation shows."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from jlclient.services import citations
from tests.support.keys import Keys



def _texts(table, column) -> list[str]:
    return [table.item(r, column).text() for r in range(table.rowCount())]


def test_the_case_view_cites_findings_and_deadlines_in_words(qtbot, window_for):
    window = window_for("officer")
    page = window.go("cases")
    row = next(r for r in range(page.model.rowCount()) if "罚" in page.model.index(r, 0).data())
    page.table.setFocus()
    page.table.selectRow(0)
    keys = Keys(qtbot)
    keys.press("Down", times=row, widget=page.table)
    qtbot.waitUntil(lambda: "罚" in page.view.heading.text())
    findings = page.view.findings.text()
    assert "《灵寿县行政审批局行政执法全过程记录办法》第六条" in findings
    assert "《中华人民共和国行政处罚法》第五十四条" in findings
    assert "seed" not in findings and "Art." not in findings
    bases = _texts(page.view.deadlines, 4)
    assert any("《中华人民共和国行政处罚法》第六十条" in b for b in bases)
    assert not any("Art." in b for b in bases)
    details = _texts(page.view.records, 3)
    assert not any("user:" in d for d in details)


def test_the_administrator_names_a_regulation_that_names_no_agency(qtbot, window_for, demo_ctx):
    tab = window_for("admin").go("settings").agency
    combo, title = tab.profile, tab.findChild(QLineEdit, "regulationTitle")
    assert "seed" not in "".join(combo.itemText(i) for i in range(combo.count()))
    keys = Keys(qtbot)
    # the seed 000 regulation carries its own title: shown, not editable
    assert not title.isEnabled() and title.text() == "灵寿县行政审批局行政执法全过程记录办法"
    keys.focus(combo)
    keys.press("Home")                                  # bureau-002 sorts first
    assert combo.currentData() == "bureau-002"
    assert combo.currentText().startswith("《行政执法全过程记录办法》")
    assert title.isEnabled() and title.text() == "行政执法全过程记录办法"
    keys.replace(title, "某县某局行政执法全过程记录办法")
    keys.click(tab.findChild(QWidget, "saveSettings"))
    assert tab.findChild(QLabel, "settingsStatus").text() == "已保存"
    assert citations.read_titles(demo_ctx)["002"] == "某县某局行政执法全过程记录办法"
    rules = dict(zip(_texts(tab.rules, 0), _texts(tab.rules, 2)))
    assert rules["日常音像资料保存"] == "《某县某局行政执法全过程记录办法》第十六条"
    assert "某县某局行政执法全过程记录办法" in combo.currentText()
    assert not any("seed" in t or "Art." in t for t in rules.values())


def test_the_export_target_label_is_a_mnemonic_not_a_literal_ampersand(qtbot, demo_ctx, login_as):
    import tests.support.case_builder as cb
    from jlclient.domain.model import Procedure
    from jlclient.ui.export_dialog import ExportDialog
    case_id = cb.build_case(demo_ctx, Procedure.PERMIT, av=False)
    dialog = ExportDialog(demo_ctx, login_as("archivist"), case_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    label = dialog.findChild(QLabel, "exportTargetLabel")
    assert label.buddy() is dialog.target                  # Qt draws (&T) as an underlined T only with a buddy
    keys = Keys(qtbot)
    keys.focus(dialog.findChild(QWidget, "checkAfterExport"))
    keys.press("Alt+T")
    assert dialog.target.hasFocus()
