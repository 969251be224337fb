"""What the agency's regulation says must be filmed is offered as items of a playback check, per profile:
seed 000 Art. 21 (灵寿), seed 004 Art. 16 (陵川), seed 001 Art. 12(三) (抚顺人社: the place's landmark); an agency whose regulation says nothing of it is not
checked against another's. The reviewer draws the plan by hand and the plan stores the items."""
import json
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDialogButtonBox
from sqlalchemy import select

import tests.support.case_builder as cb
from jlclient.clock import today
from jlclient.services import setup
from jlclient.store.audit import utcnow
from jlclient.store.models import SpotCheckPlan
from jlclient.ui.review_page import ReviewPage
from jlclient.ui.spot_check_tab import PlanDialog
from tests.support.dialogs import answer_dialog
from tests.support.keys import Keys

GENERAL = ["告知当事人正在录音录像", "出示执法证件", "文明规范用语", "连续完整，无不明中断", "画面和声音清晰可用", "队容风纪"]
FILMED = {
    "lingshou-approval": ["拍摄了现场环境和执法情况", "拍摄了现场有关人员及其言行、面貌特征",
                          "拍摄了重要物品、重要证据的主要特征", "拍摄了现场制作、送达文书", "拍摄了向当事人释法"],
    "lingchuan-approval": ["拍摄了现场环境和执法情况", "拍摄了现场有关人员及其言行、面貌特征", "拍摄了现场制作、送达文书",
                           "拍摄了现场易灭失或事后难以取得的证据", "拍摄了重要物品、重要证据的主要特征",
                           "拍摄了对商品、货物等财产采取措施"],
    "fushun-hrss": ["拍摄了受检场所的明显标志（或周围标志性建筑并口述场所名称）"],
    "bureau-002": [],
}


@pytest.mark.parametrize("profile", sorted(FILMED))
def test_the_plan_offers_and_stores_what_the_regulation_says_must_be_filmed(qtbot, demo_ctx, login_as, profile):
    setup.set_profile(demo_ctx, "cli:test", profile)
    cb.add_av(demo_ctx, None, None, officer="王强", camera="DSJ0002", seconds=6,
              start=utcnow().replace(microsecond=0) - timedelta(hours=1))
    page = ReviewPage(demo_ctx, login_as("reviewer"))
    qtbot.addWidget(page)
    page.show()
    tab = page.spot_checks
    page.tabs.setCurrentWidget(tab)
    offered = []

    def draw(dialog):
        offered.extend(c.text() for c in dialog.findChildren(QCheckBox) if c.objectName().startswith("item_"))
        keys = Keys(qtbot)
        keys.replace(dialog.period_from, f"{today() - timedelta(days=2)}")
        keys.replace(dialog.period_to, f"{today() + timedelta(days=1)}")
        qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok), Qt.LeftButton)
    answer_dialog(PlanDialog, draw)
    qtbot.mouseClick(tab.new_button, Qt.LeftButton)
    assert offered == GENERAL + FILMED[profile]
    with demo_ctx.db.read() as s:
        stored = json.loads(s.scalars(select(SpotCheckPlan.checklist)).one())
    assert len(stored) == len(GENERAL) + len(FILMED[profile])
    assert ("SCENE" in stored) is (profile in ("lingshou-approval", "lingchuan-approval"))
    assert ("LANDMARK" in stored) is (profile == "fushun-hrss")
