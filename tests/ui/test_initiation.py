"""An officer opens an ex-officio case and goes straight to its 立案审批表."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from jlclient.ui.initiation_dialog import InitiationDialog
from jlclient.ui.main_window import MainWindow
from jlclient.ui.stage_wizard import StageWizard
from tests.support.keys import type_text


def _fill(qtbot, dialog, officers: int):
    type_text(qtbot, dialog.matter, "未取得食品经营许可从事食品经营活动")
    type_text(qtbot, dialog.party, "灵寿县鑫源食品店")
    qtbot.keyClicks(dialog.number, "91110000600037341L")
    for i in range(dialog.officers.widget.count()):
        dialog.officers.widget.item(i).setCheckState(Qt.Checked if i < officers else Qt.Unchecked)


def test_penalty_with_one_officer_is_refused_with_the_article(qtbot, demo_ctx, login_as):
    dialog = InitiationDialog(demo_ctx, login_as("officer"))
    qtbot.addWidget(dialog)
    _fill(qtbot, dialog, officers=1)
    dialog.open_case()
    assert "第四十二条" in dialog.error.text() and dialog.case is None


def test_new_case_opens_the_wizard_on_its_case_approval(qtbot, demo_ctx, login_as, monkeypatch):
    window = MainWindow(demo_ctx, login_as("officer"))
    qtbot.addWidget(window)
    page = window.go("cases")
    seen = {}

    def fill_initiation(self):
        _fill(qtbot, self, officers=2)
        self.open_case()
        return self.result()

    def look_at_wizard(self):
        seen["form"] = self.page().spec.code
        seen["stage"] = self.detail.row.stage.value
        return QDialog.Accepted
    monkeypatch.setattr(InitiationDialog, "exec", fill_initiation)
    monkeypatch.setattr(StageWizard, "exec", look_at_wizard)
    qtbot.mouseClick(page.initiate_button, Qt.LeftButton)
    assert seen == {"form": "case_approval", "stage": "INITIATION"}
    assert page.view.detail.row.party_name == "灵寿县鑫源食品店"
