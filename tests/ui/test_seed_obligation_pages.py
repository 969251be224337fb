"""The officer reaches the new seed-obligation forms in the stage wizard and fills them with the keys:
the permit rights and hearing notice (行政许可法 Art. 36, 47; seed 000 Art. 8 (四)) in a permit's
review stage, and the record of a refusal to be inspected (seed 002 Art. 4 (六)) in a penalty's."""
import pytest
from PySide6.QtCore import Qt

from jlclient.domain.model import Procedure, Stage
from jlclient.services import records
from jlclient.services.forms import load_form
from jlclient.ui.stage_wizard import StageWizard
from tests.support import case_builder as cb
from tests.support.keys import type_text


@pytest.mark.parametrize("procedure,code,key,typed", [
    (Procedure.PERMIT, "permit_rights_notice", "facts", "拟建加油站与相邻居民楼间距涉及相邻人重大利益"),
    (Procedure.PENALTY, "refusal_record", "circumstances", "王某锁闭后厨，拒绝检查"),
])
def test_the_officer_finds_the_page_and_a_typed_draft_is_stored(qtbot, demo_ctx, login_as, procedure, code, key, typed):
    case_id = cb.build_case(demo_ctx, procedure, until=Stage.INVESTIGATION)
    wizard = StageWizard(demo_ctx, login_as("officer"), case_id)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)
    title = load_form(code).title
    [row] = [r for r in range(wizard.nav.count()) if title in wizard.nav.item(r).text()]
    rect = wizard.nav.visualItemRect(wizard.nav.item(row))
    qtbot.mouseClick(wizard.nav.viewport(), Qt.LeftButton, pos=rect.center())
    assert wizard.page().spec.code == code
    type_text(qtbot, wizard.page().editors[key].widget, typed)
    qtbot.keyClick(wizard, Qt.Key_S, Qt.ControlModifier)
    record = next(r for r in records.records_of(demo_ctx, case_id) if r.form == code)
    assert records.latest_values(demo_ctx, record.id)[key] == typed
    assert "草稿" in wizard.nav.item(row).text()


def test_choosing_transfer_by_keys_shows_the_transfer_fields_and_keeps_what_is_typed(qtbot):
    """送达回证: the seventh method (seed 002 Art. 12) is picked by typing its name; its group appears."""
    from jlclient.ui.form_editors import PageContext
    from jlclient.ui.form_page import FormPage
    from tests.support.keys import Keys
    page = FormPage(load_form("service_return_receipt"),
                    PageContext(parties=((7, "王某"),), officers=(("周杰", "13010000001"), ("赵敏", "13010000002"))))
    qtbot.addWidget(page)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    assert not page.boxes["transferred"].isVisible()
    keys = Keys(qtbot)
    keys.type(page.editors["method"].widget, "转交送达")
    assert page.values()["method"] == "TRANSFERRED"
    assert page.boxes["transferred"].isVisible() and not page.boxes["lodged"].isVisible()
    keys.type(page.editors["transferred_via"].widget, "灵寿县看守所")
    assert page.values()["transferred_via"] == "灵寿县看守所"
