"""Starting the application: first start seeds the demo; no display gives advice, not a Qt abort."""
import os
import subprocess
import sys

from jlclient.services import setup
from jlclient.services.context import AppContext
from jlclient.services.verify import verify
from jlclient.ui.app import first_start


def test_without_a_display_it_says_how_to_run(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["JL_HOME"] = str(tmp_path)
    out = subprocess.run([sys.executable, "-m", "jlclient"], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 1
    assert "xvfb-run make run" in out.stderr
    assert "Aborted" not in out.stderr and not (tmp_path / "jlclient.db").exists()


def test_first_start_seeds_a_living_demo_once(tmp_path, monkeypatch):
    monkeypatch.setenv("JL_HOME", str(tmp_path))
    ctx = AppContext.open()
    try:
        assert first_start(ctx) is True
        assert setup.is_initialised(ctx) and setup.has_users(ctx)
        assert first_start(ctx) is False        # the second start leaves the data alone
        assert verify(ctx).ok
    finally:
        ctx.close()


def test_qt_dialog_buttons_speak_chinese(qapp):
    from PySide6.QtWidgets import QDialogButtonBox

    from jlclient.ui.app import install_qt_chinese
    assert install_qt_chinese(qapp)
    box = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
    assert box.button(QDialogButtonBox.Ok).text() == "确定"
    assert box.button(QDialogButtonBox.Cancel).text() == "取消"
