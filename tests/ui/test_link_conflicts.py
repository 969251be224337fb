"""The link dialog when another workstation got there first, and with text the database cannot
keep (issue 15, findings 3 and 4): the officer reads why in the dialog, which stays open, and the
other workstation's link stands as it was."""
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from sqlalchemy import select

from jlclient.domain.storable import UNSTORABLE
from jlclient.services import footage
from jlclient.services.footage import Classification
from jlclient.store.models import AvRecord
from jlclient.ui.footage_dialogs import LinkDialog
from tests.support.case_builder import add_av
from tests.support.keys import Keys


def _dialog(qtbot, demo_ctx, user, av_id):
    session = next(s for s in footage.unlinked_sessions(demo_ctx, user.officer_id) if av_id in s.av_ids)
    dialog = LinkDialog(demo_ctx, user, session)
    qtbot.addWidget(dialog)
    dialog.show()
    keys = Keys(qtbot)
    keys.click(dialog.routine)                     # routine footage: no case
    keys.type(dialog.party, "灵寿县味美餐饮有限公司")
    keys.type(dialog.cause, "日常巡查")
    keys.click(dialog.told_yes)
    return dialog, keys


def _stored(demo_ctx, av_id):
    with demo_ctx.db.read() as s:
        return s.execute(select(AvRecord.linked_by, AvRecord.title, AvRecord.party_informed)
                         .where(AvRecord.id == av_id)).one()


def test_a_recording_linked_meanwhile_elsewhere_is_told_and_not_overwritten(qtbot, demo_ctx, login_as):
    officer = login_as("officer")
    av_id = add_av(demo_ctx, None, None, officer="李娜", content=b"linked meanwhile")
    dialog, keys = _dialog(qtbot, demo_ctx, officer, av_id)
    # the administrator at another workstation links the same recording first
    footage.link_session(demo_ctx, login_as("admin"), [av_id], case_id=None, stage=None,
                         classification=Classification("窗口服务录像", "张三", "咨询"), party_informed=False)
    keys.click(dialog.buttons.button(QDialogButtonBox.Ok))
    assert "已关联，不能重复关联" in dialog.error.text() and dialog.isVisible()
    assert _stored(demo_ctx, av_id) == ("user:admin", "窗口服务录像", False)


def test_a_pasted_nul_is_refused_in_the_dialog_and_nothing_is_linked(qtbot, demo_ctx, login_as):
    officer = login_as("officer")
    av_id = add_av(demo_ctx, None, None, officer="李娜", content=b"pasted nul")
    dialog, keys = _dialog(qtbot, demo_ctx, officer, av_id)
    QApplication.clipboard().setText("巡查\x00录像")   # copied from elsewhere, as text with a NUL in it
    keys.focus(dialog.title)
    keys.press("Ctrl+A", "Ctrl+V")
    assert "\x00" in dialog.title.text()
    keys.click(dialog.buttons.button(QDialogButtonBox.Ok))
    assert UNSTORABLE in dialog.error.text() and dialog.isVisible()
    assert _stored(demo_ctx, av_id) == ("", "", None)     # not linked
