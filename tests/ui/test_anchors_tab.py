"""设置 → 防删改检查点 as the administrator uses it (issue 15): the key and the checkpoints are shown,
a checkpoint is signed on request, they are copied to a stick, and a lost key is red until a new one
is made (audited)."""
import keyring
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from sqlalchemy import select

from jlclient.services import anchors
from jlclient.store.models import AuditEntry
from jlclient.ui.settings_page import SettingsPage


def _tab(qtbot, ctx, user):
    page = SettingsPage(ctx, user)
    qtbot.addWidget(page)
    page.show()
    page.setCurrentWidget(page.anchors)
    return page


def test_the_administrator_signs_copies_and_replaces_a_lost_key(qtbot, demo_ctx, login_as, tmp_path, monkeypatch):
    page = _tab(qtbot, demo_ctx, login_as("admin"))
    tab = page.anchors
    before = anchors.overview(demo_ctx).count
    qtbot.mouseClick(tab.now_button, Qt.LeftButton)
    assert anchors.overview(demo_ctx).count == before + 1
    assert f"有 {before + 1} 个检查点" in tab.count.text() and "最新的签于第" in tab.count.text()
    assert "签名密钥" in tab.key.text() and "指纹" in tab.key.text()

    stick = tmp_path / "stick"
    stick.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(stick))
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: told.append(a[2]) or QMessageBox.Ok)
    qtbot.mouseClick(tab.copy_button, Qt.LeftButton)
    assert len(list(stick.rglob("*.json"))) == before + 1 and f"已复制 {before + 1} 个" in told[0]

    old = anchors.key_state(demo_ctx).key
    secret = keyring.get_password(anchors.KEYRING_SERVICE, old.key_id)
    keyring.delete_password(anchors.KEYRING_SERVICE, old.key_id)
    try:
        tab.refresh()
        assert "私钥已不在系统密钥环中" in tab.key.text() and "c0392b" in tab.key.styleSheet()
        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
        qtbot.mouseClick(tab.new_key_button, Qt.LeftButton)
        assert "私钥已不在" not in tab.key.text() and tab.key.styleSheet() == ""
        with demo_ctx.db.read() as s:
            entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "anchor.key")
                              .order_by(AuditEntry.seq.desc())).first()
        assert entry.actor == "user:admin"
    finally:
        keyring.set_password(anchors.KEYRING_SERVICE, old.key_id, secret)


def test_others_see_the_state_but_cannot_act(qtbot, demo_ctx, login_as):
    page = _tab(qtbot, demo_ctx, login_as("approver"))
    tab = page.anchors
    assert tab.key.text() and not tab.now_button.isEnabled() and not tab.new_key_button.isEnabled()
