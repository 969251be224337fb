"""An officer types the dates of a 听证通知书 and of a 先行登记保存证据通知书 with the keys and finishing
the page names the working-day rule the law sets (issue 16): a hearing noticed on 2025-09-30 may be
held from 2025-10-16 (行政处罚法 Art. 64 with Art. 85), the preservation decision is due 2025-10-16
(Art. 56 with Art. 85) — the National Day holiday is not counted."""
import pytest
from PySide6.QtCore import Qt

from jlclient.domain.model import Procedure, Stage
from jlclient.services import records
from jlclient.services.forms import load_form
from jlclient.ui.stage_wizard import StageWizard
from tests.support import case_builder as cb
from tests.support.keys import Keys


def _open_page(qtbot, ctx, login_as, code: str):
    case_id = cb.build_case(ctx, Procedure.PENALTY, until=Stage.INVESTIGATION)
    wizard = StageWizard(ctx, login_as("officer"), case_id)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)
    [row] = [r for r in range(wizard.nav.count()) if load_form(code).title in wizard.nav.item(r).text()]
    qtbot.mouseClick(wizard.nav.viewport(), Qt.LeftButton, pos=wizard.nav.visualItemRect(wizard.nav.item(row)).center())
    assert wizard.page().spec.code == code
    return case_id, wizard


def _finish(qtbot, wizard) -> str:
    qtbot.mouseClick(wizard.buttons["finishPage"], Qt.LeftButton)
    return wizard.page().problem_label.text()


@pytest.mark.parametrize("code, start_key, start, key, wrong, right, message", [
    ("hearing_notice", "notified_on", "2025-09-30", "hearing_at", "2025-10-09 09:00", "2025-10-16 09:00",
     "应不早于“通知日期”后第 7 个工作日（2025-10-16）"),
    ("evidence_preservation_notice", "preserved_on", "2025-09-30", "decision_due", "2025-10-07", "2025-10-16",
     "应为“登记保存日期”之后第 7 个工作日，即 2025-10-16"),
])
def test_the_typed_dates_are_held_to_working_days(qtbot, demo_ctx, login_as, code, start_key, start, key, wrong,
                                                  right, message):
    case_id, wizard = _open_page(qtbot, demo_ctx, login_as, code)
    keys = Keys(qtbot)
    keys.replace(wizard.page().editors[start_key].widget, start)
    keys.press("Tab")
    keys.replace(wizard.page().editors[key].widget, wrong)
    keys.press("Tab")
    problems = _finish(qtbot, wizard)
    assert message in problems and "Art." not in problems
    assert all(r.form != code for r in records.records_of(demo_ctx, case_id))   # nothing finished
    keys.replace(wizard.page().editors[key].widget, right)
    keys.press("Tab")
    assert message not in _finish(qtbot, wizard)
