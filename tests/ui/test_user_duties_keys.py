"""An administrator giving one person 执法人员 and 法制审核人员 is warned first (issue 14): No keeps
the roles as they were; Yes assigns them, with the warning kept in the audit entry."""
import json

from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QPushButton
from sqlalchemy import select

from jlclient.domain.model import Role
from jlclient.services import users
from jlclient.store.models import AuditEntry
from jlclient.ui.settings_page import UserDialog
from tests.support.dialogs import answer_dialog
from tests.support.keys import Keys


def _roles(ctx, username):
    return next(u.roles for u in users.list_users(ctx) if u.username == username)


def test_officer_plus_legal_reviewer_warns_before_it_is_assigned(qtbot, window_for, demo_ctx):
    tab = window_for("admin").go("settings").users
    keys = Keys(qtbot)
    seen = []

    def officer_row() -> int:
        return next(r for r in range(tab.table.rowCount()) if tab.table.item(r, 0).text() == "officer")

    def give_reviewer(answer):
        keys.click(tab.table.viewport(), tab.table.visualItemRect(tab.table.item(officer_row(), 0)).center())

        def tick_reviewer(dialog: UserDialog):
            box = dialog.role_boxes[Role.REVIEWER]
            keys.focus(box)
            keys.press("Space")
            assert box.isChecked()
            keys.click(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok))

        def read_warning(box: QMessageBox):
            seen.append(box.text())
            keys.click(box.button(answer))
        answer_dialog(UserDialog, tick_reviewer)
        answer_dialog(QMessageBox, read_warning, delay_ms=500)
        keys.click(tab.findChild(QPushButton, "editUser"))
        qtbot.waitUntil(lambda: bool(seen), timeout=5000)

    give_reviewer(QMessageBox.No)
    assert "法制审核人员" in seen[0] and "执法人员" in seen[0] and "REVIEWER" not in seen[0]
    assert _roles(demo_ctx, "officer") == frozenset({Role.OFFICER})        # No: nothing changed
    seen.clear()
    give_reviewer(QMessageBox.Yes)
    assert _roles(demo_ctx, "officer") == frozenset({Role.OFFICER, Role.REVIEWER})
    with demo_ctx.db.read() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "user.roles").order_by(AuditEntry.seq.desc()))
    assert json.loads(entry.detail)["separation_of_duties"]
    assert "法制审核人员" in tab.table.item(officer_row(), 2).text()
